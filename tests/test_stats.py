"""Per-unit statistics against direct NumPy computations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.engine import LSTMParams, Trace, run
from simulator.stats import STAT_FIELDS, RunningStatistics, gate_statistics, saturated


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


# ----------------------------------------------------------------- running statistics
def assert_same_statistics(running: dict, full: dict) -> None:
    assert tuple(running) == tuple(full) == STAT_FIELDS
    for name in STAT_FIELDS:
        r, f = running[name], full[name]
        np.testing.assert_array_equal(r.saturated, f.saturated)  # counts / steps: exact
        np.testing.assert_array_equal(r.min, f.min)
        np.testing.assert_array_equal(r.max, f.max)
        np.testing.assert_allclose(r.mean, f.mean, rtol=1e-12, atol=1e-14)


operations = st.lists(
    st.one_of(
        st.tuples(st.just("grow"), st.integers(0, 40)),
        st.tuples(st.just("cut"), st.integers(0, 60)),
        st.tuples(st.just("edit"), st.integers(0, 60)),  # cut back and grow again before looking
        st.tuples(st.just("replace"), st.integers(0, 60)),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(ops=operations, seed=st.integers(0, 2**16), hidden=st.integers(1, 5))
def test_running_statistics_equal_a_full_recompute(ops, seed, hidden):
    rng = np.random.default_rng(seed)
    params = LSTMParams.random(2, hidden, seed=seed)
    inputs = rng.normal(size=(400, 2)) * 3  # large inputs: saturated steps are counted too
    trace = Trace.for_params(params)
    running = RunningStatistics()
    assert_same_statistics(running.update(trace), gate_statistics(trace))
    for op, n in ops:
        length = len(trace)
        if op == "grow":
            trace.extend(params, inputs[length : length + n])
        elif op == "cut":
            trace.truncate(min(n, length))
        elif op == "edit":  # as Session.set_input_value: same object, same length, new rows
            keep = min(n, length)
            trace.truncate(keep)
            inputs[keep] += 1.0
            trace.extend(params, inputs[keep:length])
        else:
            trace = run(params, inputs[:n])
        assert_same_statistics(running.update(trace), gate_statistics(trace))
        assert running.covers(trace) and running.length == len(trace)


def test_running_statistics_read_only_the_new_rows():
    params = LSTMParams.random(2, 3, seed=1)
    inputs = np.random.default_rng(1).normal(size=(100, 2))
    trace = Trace.for_params(params)
    trace.extend(params, inputs[:60])
    running = RunningStatistics()
    running.update(trace)
    trace.extend(params, inputs[60:])
    seen = []
    original = running._add  # the one place rows are read

    def spy(t, start, stop):
        seen.append((start, stop))
        original(t, start, stop)

    running._add = spy
    assert_same_statistics(running.update(trace), gate_statistics(trace))
    assert seen == [(60, 100)]
    running.update(trace)  # nothing new: nothing read
    assert seen == [(60, 100)]
