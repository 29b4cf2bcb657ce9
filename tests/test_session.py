"""Session: time navigation, edits that recompute, signals that fire once and only on real change."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from simulator.engine import TRACE_FIELDS, LSTMParams, run
from simulator.io.presets import load_preset
from simulator.session import PART_NAMES, Session

SIGNALS = (
    "replaced",
    "params_changed",
    "initial_state_changed",
    "inputs_changed",
    "trace_changed",
    "selection_changed",
)


@pytest.fixture
def session() -> Session:
    return Session("worked-example")


@pytest.fixture
def fired(session: Session) -> Counter:
    """How often each signal fired since the session was made."""
    counts: Counter = Counter()
    for name in SIGNALS:
        getattr(session, name).connect(lambda *args, name=name: counts.update([name]))
    return counts


def fresh_trace(session: Session):
    """The session's state computed from scratch in one run up to t."""
    return run(session.params, session.inputs[: session.t], session.h0, session.c0)


def assert_trace_is_fresh(session: Session) -> None:
    expected = fresh_trace(session)
    assert len(session.trace) >= session.t
    for name in TRACE_FIELDS:
        assert np.array_equal(getattr(session.trace, name)[: session.t], getattr(expected, name)), name


# --------------------------------------------------------------------- time
def test_starts_at_zero_with_the_preset(session: Session) -> None:
    preset = load_preset("worked-example")
    assert session.t == 0 and session.length == len(preset.inputs) == 12
    assert session.current_step() is None
    h, c = session.state()
    np.testing.assert_array_equal(h, preset.h0)
    np.testing.assert_array_equal(c, preset.c0)
    assert session.params == preset.params


def test_step_back_and_clamping(session: Session, fired: Counter) -> None:
    assert session.back() is False and session.t == 0
    for k in range(1, session.length + 1):
        assert session.step() is True and session.t == k
    assert session.step() is False and session.t == session.length
    assert fired["trace_changed"] == session.length
    assert session.back() is True and session.t == session.length - 1
    assert fired["trace_changed"] == session.length + 1


def test_seek_clamps_and_emits_only_on_change(session: Session, fired: Counter) -> None:
    session.seek(5)
    assert session.t == 5 and fired["trace_changed"] == 1
    session.seek(5)
    assert fired["trace_changed"] == 1
    session.seek(1000)
    assert session.t == session.length
    session.seek(-3)
    assert session.t == 0
    session.reset()
    assert fired["trace_changed"] == 3
    assert sum(fired.values()) == 3


def test_current_step_is_the_step_at_t(session: Session) -> None:
    session.seek(4)
    expected = fresh_trace(session)
    current = session.current_step()
    for name in TRACE_FIELDS:
        assert np.array_equal(getattr(current, name), getattr(expected, name)[3]), name
    h, c = session.state()
    assert np.array_equal(h, expected.hidden[3]) and np.array_equal(c, expected.cell[3])


def test_back_and_forward_is_bit_for_bit(session: Session) -> None:
    session.seek(8)
    first = [
        {name: np.array(value) for name, value in vars(session.trace.step_at(k)).items()} for k in range(8)
    ]
    for _ in range(5):
        session.back()
    session.seek(1)
    while session.step():
        pass
    session.seek(8)
    for k, before in enumerate(first):
        again = session.trace.step_at(k)
        for name, value in before.items():
            assert np.array_equal(getattr(again, name), value), (k, name)


def test_stepping_equals_one_run(session: Session) -> None:
    for _ in range(9):
        session.step()
    assert_trace_is_fresh(session)


# -------------------------------------------------------------------- edits
def test_weight_edit_recomputes_to_t(session: Session, fired: Counter) -> None:
    session.seek(session.length)
    session.seek(6)
    session.set_weight("output", "recurrent", (1, 2), 3.25)
    assert session.params == load_preset("worked-example").params.with_value(
        "output", "recurrent", (1, 2), 3.25
    )
    assert session.t == 6 and len(session.trace) == 6  # what lay beyond t was computed with the old weights
    assert_trace_is_fresh(session)
    assert fired["params_changed"] == 1 and fired["trace_changed"] == 3
    session.set_weight("output", "recurrent", (1, 2), 3.25)  # no change, no signal
    assert fired["params_changed"] == 1 and fired["trace_changed"] == 3


def test_set_params_refuses_another_size_and_ignores_equal_params(session: Session, fired: Counter) -> None:
    with pytest.raises(ValueError, match="do not fit this session"):
        session.set_params(LSTMParams.random(2, 4, seed=0))
    session.set_params(load_preset("worked-example").params)
    assert not fired
    session.seek(3)
    session.set_params(LSTMParams.random(2, 3, seed=41))
    assert fired["params_changed"] == 1
    assert_trace_is_fresh(session)


def test_precompute_computes_ahead_without_moving_or_announcing(session: Session, fired: Counter) -> None:
    session.seek(2)
    assert session.precompute(6) == 4
    assert session.t == 2 and len(session.trace) == 6
    assert fired["trace_changed"] == 1  # the seek only
    assert session.precompute(5) == 0
    assert session.precompute(10_000) == session.length - 6  # clamped to T
    session.seek(session.length)
    assert_trace_is_fresh(session)


def test_input_edit_at_an_earlier_row_recomputes(session: Session, fired: Counter) -> None:
    session.seek(7)
    before = np.array(session.trace.hidden)
    revision = session.trace.revision
    session.set_input_value(2, 1, -4.0)
    assert session.trace.revision > revision  # rows seen before were rewritten in place
    assert session.inputs[2, 1] == -4.0 and session.t == 7
    assert_trace_is_fresh(session)
    assert np.array_equal(session.trace.hidden[:2], before[:2])  # rows before the edit are kept
    assert not np.array_equal(session.trace.hidden[2], before[2])
    assert fired["inputs_changed"] == 1 and fired["trace_changed"] == 2
    session.set_input_value(2, 1, -4.0)
    assert fired["inputs_changed"] == 1


def test_input_edit_beyond_t_is_used_when_stepping_there(session: Session) -> None:
    session.seek(6)
    session.seek(3)
    session.set_input_value(4, 0, 2.5)
    session.seek(6)
    assert_trace_is_fresh(session)


@pytest.mark.parametrize(
    ("row", "dim", "value"), [(12, 0, 1.0), (0, 2, 1.0), (-1, 0, 1.0), (0, 0, np.nan), (0, 0, np.inf)]
)
def test_bad_input_edits_refused_and_change_nothing(
    session: Session, fired: Counter, row, dim, value
) -> None:
    session.seek(4)
    with pytest.raises(ValueError):
        session.set_input_value(row, dim, value)
    assert np.array_equal(session.inputs, load_preset("worked-example").inputs)
    assert_trace_is_fresh(session)
    assert fired["inputs_changed"] == 0


def test_set_initial_state_recomputes(session: Session, fired: Counter) -> None:
    session.seek(5)
    session.set_initial_state("c0", 1, -0.75)
    session.set_initial_state("h0", 0, 0.5)
    assert session.c0[1] == -0.75 and session.h0[0] == 0.5
    assert session.t == 5
    assert_trace_is_fresh(session)
    assert fired["initial_state_changed"] == 2 and fired["trace_changed"] == 3
    session.set_initial_state("h0", 0, 0.5)
    assert fired["initial_state_changed"] == 2


@pytest.mark.parametrize(
    ("which", "unit", "value"), [("x0", 0, 1.0), ("h0", 3, 1.0), ("c0", -1, 1.0), ("h0", 0, np.inf)]
)
def test_bad_initial_state_refused(session: Session, which: str, unit: int, value: float) -> None:
    with pytest.raises(ValueError):
        session.set_initial_state(which, unit, value)


def test_set_initial_states_replaces_both_once(session: Session, fired: Counter) -> None:
    session.seek(4)
    session.set_initial_states(np.full(3, 0.25), np.full(3, -0.5))
    assert np.array_equal(session.h0, [0.25] * 3) and np.array_equal(session.c0, [-0.5] * 3)
    assert_trace_is_fresh(session)
    session.set_initial_states(np.full(3, 0.25), np.full(3, -0.5))
    assert fired["initial_state_changed"] == 1


def test_set_inputs_clamps_t(session: Session, fired: Counter) -> None:
    session.seek(10)
    session.set_inputs(np.ones((4, 2)), ["a", "b", "c", "d"])
    assert session.length == 4 and session.t == 4 and session.step_labels == ("a", "b", "c", "d")
    assert_trace_is_fresh(session)
    assert fired["inputs_changed"] == 1
    with pytest.raises(ValueError, match="empty"):
        session.set_inputs(np.zeros((0, 2)))


def test_load_preset_resets_and_announces_everything(session: Session, fired: Counter) -> None:
    session.seek(5)
    session.set_weight("forget", "bias", (0,), 0.0)
    fired.clear()
    session.load_preset("worked-example")
    assert session.t == 0 and session.params == load_preset("worked-example").params
    assert {name: fired[name] for name in SIGNALS[:5]} == dict.fromkeys(SIGNALS[:5], 1)


# ---------------------------------------------------------------- selection
def test_select_emits_only_on_change(session: Session) -> None:
    seen = []
    session.selection_changed.connect(seen.append)
    assert session.selected == "forget_gate"
    session.select("forget_gate")
    session.select("cell")
    session.select("cell")
    session.select("hidden")
    assert seen == ["cell", "hidden"] and session.selected == "hidden"
    with pytest.raises(ValueError, match="unknown part 'bias'"):
        session.select("bias")


def test_gate_of() -> None:
    gates = {
        "forget_gate": "forget",
        "input_gate": "input",
        "candidate": "candidate",
        "output_gate": "output",
    }
    assert {name: Session.gate_of(name) for name in PART_NAMES} == {
        name: gates.get(name) for name in PART_NAMES
    }
    assert Session.gate_of("nonsense") is None


def test_signal_connects_once_and_disconnects() -> None:
    session = Session(None)
    calls = []

    def slot() -> None:
        calls.append(session.t)

    session.trace_changed.connect(slot)
    session.trace_changed.connect(slot)
    session.step()
    session.trace_changed.disconnect(slot)
    session.step()
    assert calls == [1]


def test_a_replay_limit_caps_what_an_edit_recomputes():
    session = Session()
    session.set_inputs(np.ones((50, session.input_size)))
    session.seek(40)
    session.replay_limit = 10
    requests = []
    session.replay_requested.connect(requests.append)
    session.set_weight("forget", "bias", (0,), 2.0)
    assert (session.t, len(session.trace), requests) == (10, 10, [40])
    session.seek(40)
    session.set_input_value(35, 0, 0.5)  # only 5 steps after the changed input: no cap
    assert session.t == 40 and requests == [40]
    session.set_input_value(20, 0, 0.5)
    assert (session.t, requests) == (30, [40, 40])
    session.set_initial_state("h0", 0, 0.25)
    assert session.t == 10 and requests[-1] == 30
