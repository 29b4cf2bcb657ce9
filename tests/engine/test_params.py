"""LSTMParams: validation, creation, the PyTorch and Keras packings, dtype and single-weight edits."""

from __future__ import annotations

import re

import numpy as np
import pytest

from simulator.engine import GATES, PARTS, LSTMParams, run, step

D, H = 2, 3
SHAPES = {"input": (H, D), "recurrent": (H, H), "bias": (H,)}
LABELS = {"input": "input weights", "recurrent": "recurrent weights", "bias": "bias"}


def gate_arrays(fill: float = 0.5) -> dict[str, tuple[np.ndarray, ...]]:
    return {gate: tuple(np.full(SHAPES[p], fill) for p in PARTS) for gate in GATES}


def with_part(gate: str, part: str, value: np.ndarray) -> dict[str, tuple[np.ndarray, ...]]:
    arrays = gate_arrays()
    parts = list(arrays[gate])
    parts[PARTS.index(part)] = value
    arrays[gate] = tuple(parts)
    return arrays


# --------------------------------------------------------------- validation
@pytest.mark.parametrize("gate", GATES[1:])  # the forget gate's W sets D and H
@pytest.mark.parametrize("part", PARTS)
def test_wrong_shape_names_gate_part_and_shapes(gate: str, part: str) -> None:
    expected = SHAPES[part]
    given = (*expected[:-1], expected[-1] - 1)
    message = f"{gate} gate {LABELS[part]}: expected shape {expected}, got {given}"
    with pytest.raises(ValueError, match=re.escape(message)):
        LSTMParams(**with_part(gate, part, np.zeros(given)))


def test_forget_input_weights_must_be_2d() -> None:
    with pytest.raises(ValueError, match=r"forget gate input weights: expected a 2-D array"):
        LSTMParams(**with_part("forget", "input", np.zeros(3)))


@pytest.mark.parametrize("gate", GATES)
@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        (np.nan, "contains NaN"),
        (np.inf, "contains an infinite value"),
        (-np.inf, "contains an infinite value"),
    ],
)
def test_non_finite_weights_refused(gate: str, part: str, bad: float, problem: str) -> None:
    value = np.zeros(SHAPES[part])
    value.flat[-1] = bad
    with pytest.raises(ValueError, match=rf"^{gate} gate {LABELS[part]}: {problem}"):
        LSTMParams(**with_part(gate, part, value))


def test_unknown_dtype_refused() -> None:
    with pytest.raises(ValueError, match="float64 or float32"):
        LSTMParams(**gate_arrays(), dtype=np.int64)


# ----------------------------------------------------------------- creation
def test_random_is_reproducible_and_seed_dependent() -> None:
    a = LSTMParams.random(4, 5, seed=7)
    assert a == LSTMParams.random(4, 5, seed=7)
    assert a != LSTMParams.random(4, 5, seed=8)
    assert (a.input_size, a.hidden_size) == (4, 5)


def test_random_scale_bounds_every_weight() -> None:
    W, U, b = LSTMParams.random(3, 4, seed=1, scale=30.0).stacked
    everything = np.concatenate([W.ravel(), U.ravel(), b])
    assert np.abs(everything).max() <= 30.0
    assert np.abs(everything).max() > 15.0  # really spread over ±30, not the default 1/√H


def test_constructor_copies_its_arguments() -> None:
    arrays = gate_arrays()
    params = LSTMParams(**arrays)
    arrays["forget"][0][0, 0] = 99.0
    assert params.part("forget", "input")[0, 0] == 0.5


def test_views_are_read_only() -> None:
    params = LSTMParams.random(D, H, seed=0)
    with pytest.raises(ValueError, match="read-only"):
        params.gate("forget").bias[0] = 1.0


# ----------------------------------------------------------------- packings
def blocks(rows: int, cols: int | None, values: tuple[float, ...]) -> np.ndarray:
    """Four gate blocks stacked along the first axis, each filled with one constant."""
    shape = (rows,) if cols is None else (rows, cols)
    return np.concatenate([np.full(shape, v) for v in values])


def test_torch_packing_order_is_i_f_g_o_and_both_biases_add() -> None:
    # Blocks in PyTorch's order i, f, g, o; each gate gets its own constants.
    params = LSTMParams.from_torch(
        weight_ih=blocks(H, D, (1.0, 2.0, 3.0, 4.0)),
        weight_hh=blocks(H, H, (10.0, 20.0, 30.0, 40.0)),
        bias_ih=blocks(H, None, (100.0, 200.0, 300.0, 400.0)),
        bias_hh=blocks(H, None, (0.5, 0.25, 0.125, 0.0625)),
    )
    expected = {
        "input": (1.0, 10.0, 100.5),
        "forget": (2.0, 20.0, 200.25),
        "candidate": (3.0, 30.0, 300.125),
        "output": (4.0, 40.0, 400.0625),
    }
    for gate, (w, u, b) in expected.items():
        W, U, bias = params.gate(gate)
        assert W.shape == (H, D) and U.shape == (H, H) and bias.shape == (H,)
        assert np.all(W == w) and np.all(U == u) and np.all(bias == b), gate


def test_keras_packing_order_is_i_f_c_o() -> None:
    # Keras stacks the gates along the last axis: kernel (D, 4H), recurrent_kernel (H, 4H).
    params = LSTMParams.from_keras(
        kernel=blocks(H, D, (1.0, 2.0, 3.0, 4.0)).T,
        recurrent_kernel=blocks(H, H, (10.0, 20.0, 30.0, 40.0)).T,
        bias=blocks(H, None, (100.0, 200.0, 300.0, 400.0)),
    )
    expected = {"input": 1.0, "forget": 2.0, "candidate": 3.0, "output": 4.0}
    for gate, k in expected.items():
        W, U, bias = params.gate(gate)
        assert np.all(W == k) and np.all(U == 10 * k) and np.all(bias == 100 * k), gate


def test_torch_round_trip_is_exact() -> None:
    params = LSTMParams.random(3, 5, seed=2, scale=4.0)
    packed = params.to_torch()
    assert packed["weight_ih"].shape == (20, 3) and packed["weight_hh"].shape == (20, 5)
    assert not packed["bias_hh"].any()
    assert LSTMParams.from_torch(**packed) == params


def test_torch_packing_round_trip_is_exact() -> None:
    rng = np.random.default_rng(3)
    packed = {
        "weight_ih": rng.normal(size=(20, 3)),
        "weight_hh": rng.normal(size=(20, 5)),
        "bias_ih": rng.normal(size=20),
    }
    again = LSTMParams.from_torch(**packed).to_torch()
    for name, value in packed.items():
        assert np.array_equal(again[name], value), name


def test_keras_round_trip_is_exact() -> None:
    params = LSTMParams.random(3, 5, seed=4, scale=4.0)
    packed = params.to_keras()
    assert packed["kernel"].shape == (3, 20) and packed["recurrent_kernel"].shape == (5, 20)
    assert LSTMParams.from_keras(**packed) == params
    again = LSTMParams.from_keras(**packed).to_keras()
    for name, value in packed.items():
        assert np.array_equal(again[name], value), name


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: LSTMParams.from_torch(np.zeros((7, 2)), np.zeros((7, 1))),
            r"weight_ih: expected shape \(4H, D\)",
        ),
        (lambda: LSTMParams.from_torch(np.zeros((8, 2)), np.zeros((8, 3))), r"weight_hh \(4H, H\)"),
        (lambda: LSTMParams.from_torch(np.zeros((8, 2)), np.zeros((8, 2)), np.zeros(7)), r"bias_ih \(4H,\)"),
        (
            lambda: LSTMParams.from_keras(np.zeros((2, 6)), np.zeros((1, 6))),
            r"kernel: expected shape \(D, 4H\)",
        ),
        (lambda: LSTMParams.from_keras(np.zeros((2, 8)), np.zeros((2, 4))), r"recurrent_kernel \(H, 4H\)"),
    ],
)
def test_bad_packings_refused(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# -------------------------------------------------------------------- dtype
def test_float32_on_request_gives_float32_traces() -> None:
    params64 = LSTMParams.random(D, H, seed=5)
    x = np.random.default_rng(5).normal(size=(6, D))
    for params32 in (
        params64.astype(np.float32),
        LSTMParams(*(params64.gate(g) for g in GATES), dtype="float32"),
    ):
        assert params32.dtype == np.float32
        trace = run(params32, x)
        assert all(array.dtype == np.float32 for array in trace.arrays().values())
        result = step(params32, x[0])
        assert all(getattr(result, name).dtype == np.float32 for name in result.field_names())
        np.testing.assert_allclose(trace.hidden, run(params64, x).hidden, atol=1e-6)


def test_astype_float64_round_trip_of_float32_is_exact() -> None:
    params32 = LSTMParams.random(D, H, seed=6, dtype=np.float32)
    assert params32.astype(np.float64).astype(np.float32) == params32


# ------------------------------------------------------------------ editing
@pytest.mark.parametrize(
    ("part", "index"), [("input", (2, 1)), ("recurrent", (1, 2)), ("bias", (0,)), ("bias", 2)]
)
def test_with_value_edits_one_weight_only(part: str, index) -> None:
    params = LSTMParams.random(D, H, seed=7)
    edited = params.with_value("candidate", part, index, 12.5)
    assert edited.part("candidate", part)[index] == 12.5
    changed = [np.argwhere(new != old) for new, old in zip(edited.stacked, params.stacked, strict=True)]
    assert sum(len(c) for c in changed) == 1
    assert params == LSTMParams.random(D, H, seed=7)  # the original is untouched


@pytest.mark.parametrize(
    ("part", "index"),
    [
        ("input", (3, 0)),
        ("input", (0, 2)),
        ("input", (-1, 0)),
        ("input", (0,)),
        ("bias", (3,)),
        ("bias", (0, 0)),
    ],
)
def test_with_value_refuses_index_outside_the_shape(part: str, index) -> None:
    with pytest.raises(ValueError, match=rf"output gate {LABELS[part]}: index .* outside shape"):
        LSTMParams.random(D, H, seed=8).with_value("output", part, index, 1.0)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_with_value_refuses_non_finite_value(value: float) -> None:
    with pytest.raises(ValueError, match="must be finite"):
        LSTMParams.random(D, H, seed=9).with_value("forget", "bias", (0,), value)


def test_unknown_gate_and_part_refused() -> None:
    params = LSTMParams.random(D, H, seed=10)
    with pytest.raises(ValueError, match="unknown gate 'remember'"):
        params.gate("remember")
    with pytest.raises(ValueError, match="unknown weight part 'peephole'"):
        params.part("forget", "peephole")
