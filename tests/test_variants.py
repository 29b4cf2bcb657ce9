"""The variants registry and the side-by-side comparison model (Qt-free)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import comparison as comparison_module
from simulator.comparison import VariantComparison
from simulator.engine import LSTMParams, run
from simulator.engine.gru import GRUParams
from simulator.session import Session
from simulator.variants import VARIANTS, VariantWeights, run_variant, variant


@pytest.fixture
def session() -> Session:
    return Session("worked-example")


def _run(session: Session, key: str, weights: VariantWeights | None = None):
    weights = weights or VariantWeights.from_lstm(session.params)
    return run_variant(key, weights, session.inputs, session.h0, session.c0)


def test_every_variant_is_listed_with_its_equations():
    assert list(VARIANTS) == ["lstm", "peephole", "cifg", "gru"]
    assert "1 − f<sub>t</sub>" in " ".join(variant("cifg").equations)
    assert "p<sub>o</sub> ⊙ C<sub>t</sub>" in " ".join(variant("peephole").equations)
    assert variant("gru").history_parts == (
        "reset_gate",
        "update_gate",
        "candidate",
        "keep_product",
        "write_product",
        "hidden",
    )
    with pytest.raises(ValueError, match="unknown cell variant 'rnn'"):
        variant("rnn")


def test_the_lstm_variant_is_the_engine_run(session: Session):
    result = _run(session, "lstm")
    reference = run(session.params, session.inputs, session.h0, session.c0)
    for name in ("forget_gate", "input_gate", "candidate", "output_gate", "cell", "hidden"):
        np.testing.assert_array_equal(result.fields[name], getattr(reference, name))


def test_peephole_with_zero_peepholes_is_the_lstm(session: Session):
    base = VariantWeights.from_lstm(session.params)
    weights = VariantWeights(base.lstm, np.zeros_like(base.peepholes), base.gru)
    np.testing.assert_allclose(
        _run(session, "peephole", weights).fields["hidden"],
        _run(session, "lstm").fields["hidden"],
        atol=1e-12,
    )
    assert not np.allclose(_run(session, "peephole").fields["hidden"], _run(session, "lstm").fields["hidden"])


def test_cifg_couples_input_to_forget(session: Session):
    fields = _run(session, "cifg").fields
    np.testing.assert_allclose(fields["input_gate"] + fields["forget_gate"], 1.0, atol=1e-15)


def test_gru_sums_what_it_keeps_and_writes(session: Session):
    fields = _run(session, "gru").fields
    np.testing.assert_allclose(fields["keep_product"] + fields["write_product"], fields["hidden"], atol=1e-15)
    weights = VariantWeights.from_lstm(session.params)
    assert weights.gru == GRUParams.from_lstm(session.params)


def test_values_at_gives_each_part_of_the_diagram(session: Session):
    result = _run(session, "gru")
    first = result.values_at(0, session.inputs[0])
    np.testing.assert_array_equal(first["inputs"], session.inputs[0])
    np.testing.assert_array_equal(first["hidden_prev"], session.h0)
    assert first["reset_gate"] is None and "cell_prev" not in first
    third = result.values_at(3)
    np.testing.assert_array_equal(third["hidden_prev"], result.fields["hidden"][1])
    np.testing.assert_array_equal(third["update_gate"], result.fields["update_gate"][2])
    lstm = _run(session, "lstm").values_at(2)
    np.testing.assert_array_equal(lstm["cell_prev"], _run(session, "lstm").fields["cell"][0])
    with pytest.raises(IndexError):
        result.values_at(len(result) + 1)


def test_the_comparison_follows_the_session(session: Session):
    comparison = VariantComparison(session)
    assert comparison.keys == ("lstm", "gru")
    changes = []
    comparison.changed.connect(lambda: changes.append(1))
    before = comparison.run("gru").fields["hidden"].copy()
    session.set_weight("candidate", "bias", (0,), 2.5)
    assert changes
    after = comparison.run("gru").fields["hidden"]
    assert not np.allclose(before, after)
    np.testing.assert_array_equal(
        comparison.run("lstm").fields["hidden"],
        run(session.params, session.inputs, session.h0, session.c0).hidden,
    )
    np.testing.assert_array_equal(
        comparison.hidden_difference(), after - comparison.run("lstm").fields["hidden"]
    )
    comparison.detach()
    changes.clear()
    session.set_weight("candidate", "bias", (0,), 1.0)
    assert not changes


def test_choosing_variants_and_new_peepholes(session: Session):
    comparison = VariantComparison(session)
    comparison.set_variant(0, "peephole")
    assert comparison.keys == ("peephole", "gru")
    first = comparison.run("peephole").fields["hidden"].copy()
    comparison.new_peepholes()
    assert not np.allclose(first, comparison.run("peephole").fields["hidden"])
    with pytest.raises(ValueError, match="side 2"):
        comparison.set_variant(2, "lstm")
    with pytest.raises(ValueError, match="unknown cell variant"):
        comparison.set_variant(0, "lstmx")


def test_a_long_sequence_is_compared_up_to_the_limit(monkeypatch):
    monkeypatch.setattr(comparison_module, "STEP_LIMIT", 7)
    session = Session(None)
    session.set_inputs(np.ones((20, 2)))
    comparison = VariantComparison(session)
    assert comparison.steps == 7 and comparison.truncated
    assert len(comparison.run("cifg")) == 7
    assert comparison.values_at(1, 50)["hidden"] is not None  # clamped to step 7
    np.testing.assert_array_equal(
        comparison.values_at(1, 50)["hidden"], comparison.run("gru").fields["hidden"][6]
    )


def test_float32_weights_run_in_float32():
    params = LSTMParams.random(2, 3, seed=1).astype(np.float32)
    weights = VariantWeights.from_lstm(params)
    result = run_variant("peephole", weights, np.ones((4, 2), np.float32), np.zeros(3), np.zeros(3))
    assert result.fields["hidden"].dtype == np.float32
