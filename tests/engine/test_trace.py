"""run() and Trace: agreement with step(), shapes, growth, truncation, read-only history."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine import TRACE_FIELDS, LSTMParams, StepResult, Trace, run, step

D, H, T = 3, 5, 24


@pytest.fixture
def case() -> tuple[LSTMParams, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(31)
    params = LSTMParams.random(D, H, seed=31, scale=2.0)
    return params, rng.normal(size=(T, D)), rng.uniform(-1, 1, H), rng.normal(size=H)


def stepped(params, X, h0, c0) -> list[StepResult]:
    results, h, c = [], h0, c0
    for x in X:
        results.append(step(params, x, h, c))
        h, c = results[-1].hidden, results[-1].cell
    return results


def assert_traces_match(a: Trace, b: Trace, exact_rows: int = 0) -> None:
    """Equal to rounding (the batched input product may round the last bit differently from
    one-row products); the first ``exact_rows`` rows bit for bit."""
    assert len(a) == len(b)
    for name, value in a.arrays().items():
        other = getattr(b, name)
        assert np.array_equal(value[:exact_rows], other[:exact_rows]), name
        np.testing.assert_allclose(value, other, rtol=1e-13, atol=1e-13, err_msg=name)


def test_run_equals_repeated_step(case) -> None:
    params, X, h0, c0 = case
    trace = run(params, X, h0, c0)
    for k, expected in enumerate(stepped(params, X, h0, c0)):
        for name in TRACE_FIELDS:
            np.testing.assert_allclose(
                getattr(trace, name)[k], getattr(expected, name), rtol=1e-14, atol=1e-14
            )


def test_fields_have_a_leading_time_axis(case) -> None:
    params, X, h0, c0 = case
    trace = run(params, X, h0, c0)
    assert len(trace) == T
    for name in TRACE_FIELDS:
        assert getattr(trace, name).shape == ((T, D) if name == "inputs" else (T, H)), name
    np.testing.assert_array_equal(trace.inputs, X)


def test_step_at_equals_the_rows(case) -> None:
    params, X, h0, c0 = case
    trace = run(params, X, h0, c0)
    for k in (0, 1, T // 2, T - 1):
        result = trace.step_at(k)
        for name in TRACE_FIELDS:
            assert np.array_equal(getattr(result, name), getattr(trace, name)[k]), name
        h_prev, c_prev = (h0, c0) if k == 0 else (trace.hidden[k - 1], trace.cell[k - 1])
        assert np.array_equal(result.hidden_prev, h_prev) and np.array_equal(result.cell_prev, c_prev)
    assert np.array_equal(trace.step_at(-1).hidden, trace.hidden[-1])
    with pytest.raises(IndexError):
        trace.step_at(T)


def test_state_before_and_final_state(case) -> None:
    params, X, h0, c0 = case
    trace = run(params, X, h0, c0)
    h, c = trace.state_before(0)
    assert np.array_equal(h, h0) and np.array_equal(c, c0)
    h, c = trace.final_state
    assert np.array_equal(h, trace.hidden[-1]) and np.array_equal(c, trace.cell[-1])
    with pytest.raises(IndexError):
        trace.state_before(T + 1)


def test_append_one_at_a_time_equals_run(case) -> None:
    params, X, h0, c0 = case
    trace = Trace.for_params(params, h0, c0, capacity=1)
    for result in stepped(params, X, h0, c0):
        trace.append(result)
    reference = run(params, X, h0, c0)
    for name, value in reference.arrays().items():
        np.testing.assert_allclose(getattr(trace, name), value, rtol=1e-14, atol=1e-14, err_msg=name)


def test_extend_one_row_at_a_time_matches_run(case) -> None:
    params, X, h0, c0 = case
    trace = Trace.for_params(params, h0, c0, capacity=1)
    for k in range(T):
        trace.extend(params, X[k : k + 1])
    assert_traces_match(trace, run(params, X, h0, c0))


@pytest.mark.parametrize("seed", range(8))
def test_truncate_keeps_the_head_bit_for_bit_and_extend_reproduces_the_rest(seed: int) -> None:
    rng = np.random.default_rng(seed)
    d, h, t = int(rng.integers(1, 9)), int(rng.integers(1, 33)), int(rng.integers(2, 61))
    params = LSTMParams.random(d, h, seed=seed, scale=3.0)
    X, h0, c0 = rng.normal(size=(t, d)), rng.uniform(-1, 1, h), rng.normal(size=h)
    original = run(params, X, h0, c0)
    for cut in (0, t // 3, t - 1):
        trace = run(params, X, h0, c0)
        trace.truncate(cut)
        assert len(trace) == cut
        trace.extend(params, X[cut:])
        assert_traces_match(trace, original, exact_rows=cut)


def test_revision_counts_the_cuts_that_drop_steps(case) -> None:
    params, X, h0, c0 = case
    trace = run(params, X[:5], h0, c0)
    assert trace.revision == 0
    trace.extend(params, X[5:9])
    trace.truncate(len(trace))  # nothing dropped: every row seen is still there
    assert trace.revision == 0
    trace.truncate(3)
    trace.extend(params, X[3:9])  # as long as before, rows 4.. rewritten
    assert trace.revision == 1


def test_truncate_out_of_range_refused(case) -> None:
    params, X, h0, c0 = case
    trace = run(params, X, h0, c0)
    for length in (-1, T + 1):
        with pytest.raises(IndexError):
            trace.truncate(length)


def test_appending_grows_storage_by_doubling() -> None:
    params = LSTMParams.random(2, 4, seed=32)
    trace = Trace.for_params(params)
    X = np.random.default_rng(32).normal(size=(1000, 2))
    sizes = {trace.nbytes}
    for k in range(1000):
        trace.extend(params, X[k : k + 1])
        sizes.add(trace.nbytes)
    assert len(sizes) <= 8  # 16 → 32 → … → 1024: log-many reallocations, not one per step
    assert trace.nbytes <= 2 * run(params, X).nbytes
    assert_traces_match(trace, run(params, X))


def test_arrays_holds_every_field_and_the_initial_state(case) -> None:
    params, X, h0, c0 = case
    arrays = run(params, X, h0, c0).arrays()
    assert set(arrays) == {*TRACE_FIELDS, "h0", "c0"}
    assert np.array_equal(arrays["h0"], h0) and np.array_equal(arrays["c0"], c0)


def test_history_is_read_only(case) -> None:
    params, X, h0, c0 = case
    trace = run(params, X, h0, c0)
    h_last, c_last = trace.final_state
    result = trace.step_at(3)
    for array in (trace.hidden, trace.forget_gate, trace.h0, h_last, c_last, result.hidden_prev, result.cell):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1.0


def test_trace_keeps_its_own_initial_state(case) -> None:
    params, X, h0, c0 = case
    trace = run(params, X, h0, c0)
    h0[0] += 1.0
    c0[0] += 1.0
    assert trace.h0[0] != h0[0] and trace.c0[0] != c0[0]


def test_empty_run_and_zero_default_state() -> None:
    params = LSTMParams.random(2, 3, seed=33)
    trace = run(params, np.zeros((0, 2)))
    assert len(trace) == 0 and trace.hidden.shape == (0, 3)
    h, c = trace.final_state
    assert not h.any() and not c.any()


def test_extend_refuses_params_of_another_size(case) -> None:
    params, X, h0, c0 = case
    trace = run(params, X, h0, c0)
    with pytest.raises(ValueError, match="do not fit a trace"):
        trace.extend(LSTMParams.random(D, H + 1, seed=0), X)


def test_one_dimensional_inputs_are_steps_of_d_1() -> None:
    params = LSTMParams.random(1, 2, seed=34)
    assert np.array_equal(run(params, [0.5, -1.0]).hidden, run(params, [[0.5], [-1.0]]).hidden)
