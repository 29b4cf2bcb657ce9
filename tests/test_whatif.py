"""The what-if model: a frozen baseline against the session's live run, checked against engine.run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from simulator.engine import LSTMParams, run
from simulator.session import Session
from simulator.whatif import FIELDS, WhatIf, field_symbol


@pytest.fixture
def session() -> Session:
    s = Session("worked-example")
    s.seek(4)
    return s


@pytest.fixture
def what_if(session: Session) -> WhatIf:
    model = WhatIf(session)
    model.duplicate()
    return model


def full_run(session: Session):
    return run(session.params, session.inputs, session.h0, session.c0)


def test_duplicate_freezes_a_copy_and_its_run_over_all_inputs(session: Session) -> None:
    model = WhatIf(session)
    assert not model.active and model.baseline is None and model.changes() == []
    expected = full_run(session)  # the session itself has computed only t = 4 steps
    model.duplicate()
    base = model.baseline
    assert model.active and len(base.trace) == session.length > session.t
    for field in FIELDS:
        np.testing.assert_array_equal(getattr(base.trace, field), getattr(expected, field))
        assert not model.difference(field).any()
        assert model.summary(field) == f"{field_symbol(field)}: no difference"
    assert base.params == session.params and base.params is not session.params
    np.testing.assert_array_equal(base.inputs, session.inputs)
    assert not base.inputs.flags.writeable and not np.shares_memory(base.inputs, session.inputs)


def test_a_weight_change_moves_every_step_and_is_listed(session: Session, what_if: WhatIf) -> None:
    baseline = full_run(session)
    old = float(session.params.part("forget", "input")[1, 0])
    session.set_weight("forget", "input", (1, 0), old + 0.8)
    changed = full_run(session)
    for field in FIELDS:
        np.testing.assert_array_equal(
            what_if.difference(field), getattr(changed, field) - getattr(baseline, field)
        )
    np.testing.assert_array_equal(what_if.changed_trace().hidden, changed.hidden)
    # W_f[1, 0] feeds unit 1's forget gate from x[0]; at step 1 (same h0) only that unit moves.
    pre = what_if.difference("forget_pre")
    assert pre[0, 1] == pytest.approx(0.8 * session.inputs[0, 0]) and pre[0, 1] != 0
    assert not pre[0, [0, 2]].any() and pre[1:, [0, 2]].any()
    assert what_if.changes() == [f"W_f[1, 0]: {old:g} → {old + 0.8:g}"]
    assert np.array_equal(what_if.baseline.trace.hidden, baseline.hidden)  # the baseline stays


def test_an_input_change_leaves_earlier_steps_exactly_equal(session: Session, what_if: WhatIf) -> None:
    k = 6  # step k, row k - 1
    old = float(session.inputs[k - 1, 0])
    session.set_input_value(k - 1, 0, old + 1.0)
    for field in FIELDS:
        diff = what_if.difference(field)
        assert not diff[: k - 1].any(), field
    assert what_if.difference("hidden")[k - 1].any() and what_if.difference("cell")[k:].any()
    assert what_if.changes() == [f"x_{k}[0]: {old:g} → {old + 1:g}"]
    summary = what_if.summary("hidden")
    assert summary.startswith(f"h_t: first differs at step {k}; largest |Δ| ")
    diff = what_if.difference("hidden")
    row, unit = np.unravel_index(np.argmax(np.abs(diff)), diff.shape)
    assert f"at step {row + 1}, unit {unit} (" in summary


def test_changes_name_every_value_in_the_diagrams_notation(session: Session, what_if: WhatIf) -> None:
    p = session.params
    w_c, b_o = float(p.part("candidate", "input")[2, 1]), float(p.part("output", "bias")[1])
    x, c = float(session.inputs[2, 1]), float(session.c0[0])
    session.set_initial_state("c0", 0, -2.0)
    session.set_weight("output", "bias", (1,), -1.5)
    session.set_input_value(2, 1, 2.0)
    session.set_weight("candidate", "input", (2, 1), 3.0)
    session.set_initial_state("h0", 1, 0.125)
    session.set_weight("input", "recurrent", (0, 2), 0.25)
    # Weights gate by gate (f, i, C, o) and W, U, b; then inputs, h0, c0.
    assert what_if.changes() == [
        f"U_i[0, 2]: {p.part('input', 'recurrent')[0, 2]:g} → 0.25",
        f"W_C[2, 1]: {w_c:g} → 3",
        f"b_o[1]: {b_o:g} → -1.5",
        f"x_3[1]: {x:g} → 2",
        "h0[1]: 0 → 0.125",
        f"c0[0]: {c:g} → -2",
    ]
    assert what_if.difference("hidden")[0].any()  # h0 and c0 move step 1 on


def test_tiny_changes_show_enough_digits(session: Session, what_if: WhatIf) -> None:
    old = float(session.inputs[0, 0])
    session.set_input_value(0, 0, old + 1e-9)
    (line,) = what_if.changes()
    before, after = line.removeprefix("x_1[0]: ").split(" → ")
    assert before != after and float(after) == old + 1e-9


def test_another_input_length_is_one_line_and_compares_the_common_steps(
    session: Session, what_if: WhatIf
) -> None:
    longer = np.vstack([session.inputs, session.inputs[:3]])
    session.set_inputs(longer)
    assert what_if.changes() == [f"inputs: {len(longer) - 3} steps → {len(longer)} steps"]
    assert what_if.difference("cell").shape == (len(longer) - 3, session.hidden_size)
    assert not what_if.difference("cell").any()  # the first steps are the same
    assert len(what_if.changed_trace()) == len(longer)


def test_changed_signal_and_cache(session: Session, what_if: WhatIf) -> None:
    calls: list[int] = []
    what_if.changed.connect(lambda: calls.append(1))
    first = what_if.changed_trace()
    assert what_if.changed_trace() is first  # cached
    session.step()  # moving in time changes nothing
    assert what_if.changed_trace() is first and calls == []
    session.set_weight("forget", "bias", (0,), 5.0)
    assert calls and what_if.changed_trace() is not first
    calls.clear()
    session.set_initial_state("c0", 2, 1.0)
    assert calls
    calls.clear()
    what_if.clear()
    assert calls == [1] and not what_if.active and what_if.changes() == []
    assert what_if.summary("hidden") == "h_t: no baseline yet"
    with pytest.raises(RuntimeError):
        what_if.difference("hidden")


def test_replacing_by_another_size_clears_the_baseline(session: Session, what_if: WhatIf) -> None:
    session.load_preset("worked-example")  # same sizes: the baseline stays
    assert what_if.active
    session.load_preset("sine-predictor")  # D = 1, H = 6
    assert not what_if.active
    what_if.duplicate()
    assert what_if.difference("hidden").shape == (session.length, 6)


def test_same_size_replacement_compares_with_the_new_session(session: Session, what_if: WhatIf) -> None:
    params = LSTMParams.random(session.input_size, session.hidden_size, seed=3)
    session.set_params(params)
    assert len(what_if.changes()) > 10
    np.testing.assert_array_equal(what_if.changed_trace().hidden, full_run(session).hidden)


def test_unknown_field_is_refused(what_if: WhatIf) -> None:
    with pytest.raises(ValueError, match="unknown trace field"):
        what_if.difference("inputs")
    with pytest.raises(ValueError):
        what_if.summary("nonsense")


def test_close_stops_watching(session: Session, what_if: WhatIf) -> None:
    calls: list[int] = []
    what_if.changed.connect(lambda: calls.append(1))
    what_if.close()
    session.set_weight("forget", "bias", (0,), 7.0)
    assert calls == []


def test_the_model_imports_no_qt() -> None:
    code = (
        "import sys, simulator.whatif\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph')]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
