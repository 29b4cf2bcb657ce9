"""Per-unit statistics against direct NumPy computations."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine import LSTMParams, Trace, run
from simulator.stats import STAT_FIELDS, gate_statistics, saturated


@pytest.fixture
def trace() -> Trace:
    params = LSTMParams.random(2, 4, seed=7)
    inputs = np.random.default_rng(0).normal(size=(50, 2)) * 4  # large inputs: gates saturate often
    return run(params, inputs)


def test_every_field_has_the_numpy_statistics(trace):
    stats = gate_statistics(trace)
    assert tuple(stats) == STAT_FIELDS
    for name in STAT_FIELDS:
        values = np.asarray(getattr(trace, name))
        assert stats[name].mean == pytest.approx(values.mean(axis=0))
        assert np.array_equal(stats[name].min, values.min(axis=0))
        assert np.array_equal(stats[name].max, values.max(axis=0))
        assert stats[name].mean.shape == (4,)


def test_saturated_fractions(trace):
    stats = gate_statistics(trace)
    for name in ("forget_gate", "input_gate", "output_gate"):
        v = getattr(trace, name)
        expected = ((v > 0.99) | (v < 0.01)).sum(axis=0) / len(v)
        assert stats[name].saturated == pytest.approx(expected)
    for name in ("candidate", "hidden"):
        v = getattr(trace, name)
        assert stats[name].saturated == pytest.approx((np.abs(v) > 0.99).mean(axis=0))
    assert stats["cell"].saturated == pytest.approx((np.abs(np.tanh(trace.cell)) > 0.99).mean(axis=0))
    assert stats["forget_gate"].saturated.max() > 0  # the fixture does saturate: the check can fail


def test_saturation_thresholds_are_strict():
    assert saturated("input_gate", np.array([0.0, 0.01, 0.5, 0.99, 1.0])).tolist() == [
        True,
        False,
        False,
        False,
        True,
    ]
    assert saturated("candidate", np.array([-1.0, -0.99, 0.0, 0.995])).tolist() == [True, False, False, True]
    with pytest.raises(ValueError, match="not defined"):
        saturated("inputs", np.zeros(2))


def test_an_empty_trace_gives_nan_without_warnings():
    stats = gate_statistics(Trace(2, 3))
    assert all(np.isnan(getattr(stats["cell"], k)).all() for k in ("saturated", "mean", "min", "max"))
