"""The loop's prepared weights (cached per params object) and the trace's record storage.

``Trace.extend`` loops over weights prepared once per ``LSTMParams`` object
(:mod:`simulator.engine.loop_weights`): gates in the order i, f, ~C, o, σ rows
halved, U transposed from ``TRANSPOSED_MIN_HIDDEN`` on. These tests check the
preparation against the params, the cache's life, and that every path — plain
and transposed U, fused and hard σ, cached or not — gives the trace of a plain
per-step loop of :func:`simulator.engine.step`.
"""

from __future__ import annotations

import gc

import numpy as np
import pytest

import simulator.engine.loop_weights as lw
from simulator.engine import TRACE_FIELDS, LSTMParams, Trace, run, step
from simulator.engine.loop_weights import LOOP_GATES, loop_weights

ACTIVATIONS = ("sigmoid", "hard_sigmoid", "hard_sigmoid_keras3")


def stepped_fields(params: LSTMParams, X: np.ndarray, h0=None, c0=None) -> dict[str, np.ndarray]:
    """Every trace field from a plain loop of ``step``, stacked over time."""
    results, h, c = [], h0, c0
    for x in X:
        results.append(step(params, x, h, c))
        h, c = results[-1].hidden, results[-1].cell
    return {name: np.array([getattr(r, name) for r in results]) for name in TRACE_FIELDS}


def assert_trace_is_stepped(trace: Trace, params: LSTMParams, X: np.ndarray, h0=None, c0=None) -> None:
    for name, expected in stepped_fields(params, X, h0, c0).items():
        np.testing.assert_allclose(getattr(trace, name), expected, rtol=1e-12, atol=1e-12, err_msg=name)


def case(D: int, H: int, T: int, seed: int, activation: str = "sigmoid"):
    params = LSTMParams.random(D, H, seed=seed).replace(gate_activation=activation)
    rng = np.random.default_rng(seed)
    return params, rng.normal(size=(T, D)), rng.uniform(-1, 1, H), rng.normal(size=H)


# ------------------------------------------------------------------ preparation
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("transposed_from", [10_000, 1])
def test_prepared_rows_are_the_gates_in_loop_order_halved_on_sigma_rows(
    monkeypatch: pytest.MonkeyPatch, activation: str, transposed_from: int
) -> None:
    monkeypatch.setattr(lw, "TRANSPOSED_MIN_HIDDEN", transposed_from)
    params = LSTMParams.random(3, 5, seed=4).replace(gate_activation=activation)
    weights = loop_weights(params)
    fused = activation == "sigmoid"
    assert weights.fused is fused and weights.U_transposed is (transposed_from == 1)
    U = weights.U.T if weights.U_transposed else weights.U
    H = 5
    for k, gate in enumerate(LOOP_GATES):
        scale = 0.5 if fused and gate != "candidate" else 1.0
        W_g, U_g, b_g = params.gate(gate)
        rows = slice(k * H, (k + 1) * H)
        assert np.array_equal(weights.W[rows], W_g * scale), gate
        assert np.array_equal(U[rows], U_g * scale), gate
        assert np.array_equal(weights.b[rows], b_g * scale), gate
        assert np.all(weights.post_scale[rows] == scale), gate
        assert np.all(weights.post_add[rows] == (0.0 if gate == "candidate" else 0.5)), gate
    for array in (weights.W, weights.U, weights.b, weights.post_scale, weights.post_add):
        assert not array.flags.writeable


def test_transposed_only_from_the_threshold() -> None:
    small = loop_weights(LSTMParams.random(2, 8, seed=1))
    assert not small.U_transposed and small.U.shape == (32, 8)
    H = lw.TRANSPOSED_MIN_HIDDEN
    big = loop_weights(LSTMParams.zeros(1, H))
    assert big.U_transposed and big.U.shape == (H, 4 * H) and big.U.flags.c_contiguous


# ---------------------------------------------------------------------- cache
def test_weights_are_prepared_once_per_params_object() -> None:
    params = LSTMParams.random(3, 4, seed=2)
    first = loop_weights(params)
    assert loop_weights(params) is first
    assert loop_weights(params.copy()) is not first  # equal weights, another object
    run(params, np.zeros((3, 3)))
    assert loop_weights(params) is first  # run used (and kept) the same


def test_a_changed_gate_activation_prepares_again() -> None:
    params = LSTMParams.random(3, 4, seed=2)
    fused = loop_weights(params)
    params.gate_activation = "hard_sigmoid"  # a public attribute: not to be trusted to stay
    hard = loop_weights(params)
    assert hard is not fused and not hard.fused
    X = np.random.default_rng(0).normal(size=(6, 3))
    assert_trace_is_stepped(run(params, X), params, X)


def test_weights_die_with_their_params() -> None:
    params = LSTMParams.random(3, 4, seed=3)
    loop_weights(params)
    (entry,) = [entry for entry in lw._entries if entry[0]() is params]
    del params
    gc.collect()
    assert entry[0]() is None
    assert entry not in lw._entries
    assert all(ref() is not None for ref, _, _ in lw._entries)


def test_only_the_most_recent_params_are_kept() -> None:
    kept = [LSTMParams.random(2, 3, seed=k) for k in range(lw.CACHE_SIZE + 2)]
    prepared = [loop_weights(p) for p in kept]
    assert len(lw._entries) == lw.CACHE_SIZE
    assert loop_weights(kept[-1]) is prepared[-1]
    assert loop_weights(kept[0]) is not prepared[0]  # evicted: prepared again


# ------------------------------------------------------------------ the trace
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("transposed_from", [10_000, 1])
def test_run_equals_a_plain_step_loop(
    monkeypatch: pytest.MonkeyPatch, activation: str, transposed_from: int
) -> None:
    monkeypatch.setattr(lw, "TRANSPOSED_MIN_HIDDEN", transposed_from)
    params, X, h0, c0 = case(4, 6, 40, seed=7, activation=activation)
    assert loop_weights(params).U_transposed is (transposed_from == 1)
    assert_trace_is_stepped(run(params, X, h0, c0), params, X, h0, c0)


def test_transposed_u_at_a_large_hidden_size_equals_a_plain_step_loop() -> None:
    H = lw.TRANSPOSED_MIN_HIDDEN
    params, X, h0, c0 = case(3, H, 4, seed=8)
    assert loop_weights(params).U_transposed
    assert_trace_is_stepped(run(params, X, h0, c0), params, X, h0, c0)


def test_extending_in_pieces_with_cached_weights_equals_one_run() -> None:
    params, X, h0, c0 = case(3, 5, 30, seed=9)
    whole = run(params, X, h0, c0)
    trace = Trace.for_params(params, h0, c0, capacity=1)  # grows (and copies) on the way
    for first, last in ((0, 1), (1, 2), (2, 17), (17, 17), (17, 30)):
        trace.extend(params, X[first:last])
    for name in TRACE_FIELDS:
        np.testing.assert_allclose(getattr(trace, name), getattr(whole, name), rtol=1e-13, atol=1e-13)
    assert_trace_is_stepped(trace, params, X, h0, c0)


def test_extend_after_append_and_truncate_continues_from_the_right_state() -> None:
    params, X, h0, c0 = case(3, 5, 12, seed=10)
    trace = Trace.for_params(params, h0, c0)
    trace.append(step(params, X[0], h0, c0))  # a step computed elsewhere, stored field by field
    trace.extend(params, X[1:8])
    trace.truncate(5)
    trace.extend(params, X[5:])
    assert_trace_is_stepped(trace, params, X, h0, c0)


def test_params_of_another_dtype_are_cast_to_the_trace() -> None:
    params, X, h0, c0 = case(3, 5, 10, seed=11)
    trace = Trace(3, 5, h0, c0, dtype=np.float32)
    trace.extend(params, X)  # float64 weights into a float32 trace
    expected = run(params.astype(np.float32), X, h0, c0)
    for name in TRACE_FIELDS:
        assert getattr(trace, name).dtype == np.float32, name
        np.testing.assert_allclose(getattr(trace, name), getattr(expected, name), rtol=1e-5, atol=1e-6)


def test_fields_are_read_only_column_blocks_that_never_alias() -> None:
    params, X, _, _ = case(3, 4, 6, seed=12)
    trace = run(params, X)
    views = {name: getattr(trace, name) for name in TRACE_FIELDS}
    for name, view in views.items():
        assert not view.flags.writeable, name
        assert view.shape == ((6, 3) if name == "inputs" else (6, 4)), name
    names = list(views)
    for k, a in enumerate(names):
        for b in names[k + 1 :]:
            assert not np.shares_memory(views[a], views[b]), (a, b)
    assert trace.nbytes == sum(
        a.nbytes for a in (trace._inputs, trace._pre, trace._records)
    ) and trace.nbytes >= sum(v.nbytes for v in views.values())
