"""The GRU: a scalar case by hand, PyTorch's GRU live and through a committed fixture, params, trace.

The committed fixture (written by ``tests/make_gru_fixture.py``) makes the
PyTorch check run without PyTorch; with PyTorch installed it also runs live on
hypothesis-drawn shapes and seeds with independent, non-zero biases.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.engine import LSTMParams
from simulator.engine.gru import (
    GRU_TRACE_FIELDS,
    GRUParams,
    GRUStepResult,
    GRUTrace,
    gru_step,
    run_gru,
)

_SCRIPT = Path(__file__).parents[1] / "make_gru_fixture.py"
_spec = importlib.util.spec_from_file_location("make_gru_fixture", _SCRIPT)
fixture_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixture_script)

TOLERANCE = 1e-10


def params_of(case: dict[str, np.ndarray]) -> GRUParams:
    return GRUParams.from_torch(case["weight_ih"], case["weight_hh"], case["bias_ih"], case["bias_hh"])


def assert_close(actual: np.ndarray, expected: np.ndarray, what: str, tolerance: float = TOLERANCE) -> None:
    np.testing.assert_allclose(actual, expected, rtol=tolerance, atol=tolerance, err_msg=what)


# ------------------------------------------------------------------ by hand
def scalar_params() -> GRUParams:
    # (W_i, W_h, b_i, b_h) per gate, D = H = 1; the two biases of each gate differ.
    return GRUParams(
        reset=([[0.5]], [[-1.0]], [0.2], [-0.1]),
        update=([[1.0]], [[0.5]], [-0.3], [0.4]),
        candidate=([[-1.0]], [[2.0]], [0.1], [0.25]),
    )


def test_scalar_case_by_hand() -> None:
    params = scalar_params()
    # Step 1: x = 1, h0 = 0.5.
    #   z_r = 0.5·1 + 0.2 - 1·0.5 - 0.1      = 0.1    r = 1/(1+e^-0.1)  = 0.524979187478940
    #   z_z = 1·1 - 0.3 + 0.5·0.5 + 0.4      = 1.35   z = 1/(1+e^-1.35) = 0.794129628199053
    #   W_hn h + b_hn = 2·0.5 + 0.25         = 1.25
    #   z_n = -1·1 + 0.1 + r·1.25            = -0.243776015651325   n = tanh(z_n) = -0.239059168322145
    #   (1 - z)·n = -0.049215199864905       z·h0 = 0.397064814099526
    #   h1 = -0.049215199864905 + 0.397064814099526 = 0.347849614234621
    # (b_hn added outside the reset product would give z_n = -0.65 + r·1.0 instead.)
    first = gru_step(params, [1.0], [0.5])
    expected_first = {
        "reset_pre": 0.1,
        "update_pre": 1.35,
        "reset_gate": 0.524979187478940,
        "update_gate": 0.794129628199053,
        "candidate_recurrent": 1.25,
        "candidate_pre": -0.243776015651325,
        "candidate": -0.239059168322145,
        "write_product": -0.049215199864905,
        "keep_product": 0.397064814099526,
        "hidden": 0.347849614234621,
    }
    # Step 2: x = -2 from h1.
    #   z_r = 0.5·(-2) + 0.2 - 1·h1 - 0.1    = -1.247849614234621   r = 0.223072602852572
    #   z_z = 1·(-2) - 0.3 + 0.5·h1 + 0.4    = -1.726075192882689   z = 0.151090294359891
    #   W_hn h1 + b_hn = 2·h1 + 0.25         = 0.945699228469242
    #   z_n = -1·(-2) + 0.1 + r·0.945699228469242 = 2.310959588410303   n = 0.980523718031659
    #   (1 - z)·n = 0.832376100847400        z·h1 = 0.052556700607684
    #   h2 = 0.884932801455084
    second = gru_step(params, [-2.0], first.hidden)
    expected_second = {
        "reset_pre": -1.247849614234621,
        "update_pre": -1.726075192882689,
        "reset_gate": 0.223072602852572,
        "update_gate": 0.151090294359891,
        "candidate_recurrent": 0.945699228469242,
        "candidate_pre": 2.310959588410303,
        "candidate": 0.980523718031659,
        "write_product": 0.832376100847400,
        "keep_product": 0.052556700607684,
        "hidden": 0.884932801455084,
    }
    for result, expected in ((first, expected_first), (second, expected_second)):
        for name, value in expected.items():
            np.testing.assert_allclose(getattr(result, name), [value], rtol=0, atol=1e-14, err_msg=name)


def test_the_two_biases_are_not_interchangeable() -> None:
    """Moving b_hn into b_in changes n_t (unless r = 1): the engine keeps them apart."""
    case = fixture_script.random_case(3, 4, 5, 2.0, None, seed=7)
    summed = GRUParams.from_torch(
        case["weight_ih"], case["weight_hh"], case["bias_ih"] + case["bias_hh"], np.zeros(12)
    )
    apart, merged = run_gru(params_of(case), case["inputs"]), run_gru(summed, case["inputs"])
    np.testing.assert_allclose(apart.reset_gate[0], merged.reset_gate[0], rtol=1e-14)
    assert np.abs(apart.candidate - merged.candidate).min() > 1e-6


# --------------------------------------------------------- PyTorch's GRU
def assert_each_step_matches(case: dict[str, np.ndarray], reference: dict[str, np.ndarray]) -> None:
    """Each step from PyTorch's previous state; every pre-activation, gate and h."""
    params = params_of(case)
    h_prev = np.vstack([case["h0"], reference["hidden"][:-1]])
    for t, x in enumerate(case["inputs"]):
        result = gru_step(params, x, h_prev[t])
        for name in fixture_script.REFERENCE[:-1]:
            assert_close(getattr(result, name), reference[name][t], f"{name} at step {t + 1}")


def assert_whole_run_matches(case: dict[str, np.ndarray], reference: dict[str, np.ndarray]) -> None:
    """One run over the whole sequence against GRUCell step by step and nn.GRU's hidden sequence."""
    trace = run_gru(params_of(case), case["inputs"], case["h0"])
    for name in fixture_script.REFERENCE:
        assert_close(getattr(trace, "hidden" if name == "gru_hidden" else name), reference[name], name)


def load_fixture() -> list[tuple[dict[str, np.ndarray], dict[str, np.ndarray]]]:
    with np.load(fixture_script.FIXTURE, allow_pickle=False) as data:
        stored = {key: data[key] for key in data.files}
    return [
        (
            {name: stored[f"case{k}.{name}"] for name in fixture_script.PACKING},
            {name: stored[f"case{k}.{name}"] for name in fixture_script.REFERENCE},
        )
        for k in range(len(fixture_script.CASES))
    ]


FIXTURE_CASES = load_fixture()
CASE_IDS = [f"case{k}" for k in range(len(FIXTURE_CASES))]
WELL_CONDITIONED = [
    pytest.param(case, reference, id=name)
    for (case, reference), name, sizes in zip(FIXTURE_CASES, CASE_IDS, fixture_script.CASES, strict=True)
    if fixture_script.well_conditioned(sizes[4])
]


@pytest.mark.parametrize(("case", "reference"), FIXTURE_CASES, ids=CASE_IDS)
def test_each_step_matches_the_committed_torch_fixture(case, reference) -> None:
    assert_each_step_matches(case, reference)


@pytest.mark.parametrize(("case", "reference"), WELL_CONDITIONED)
def test_whole_run_matches_the_committed_torch_fixture(case, reference) -> None:
    assert_whole_run_matches(case, reference)


def test_fixture_is_what_the_script_makes() -> None:
    sizes = set()
    for (case, reference), expected in zip(FIXTURE_CASES, fixture_script.fixture_cases(), strict=True):
        for name in fixture_script.PACKING:
            assert np.array_equal(case[name], expected[name]), name
        T, D = case["inputs"].shape
        H = case["h0"].shape[0]
        sizes.add((D, H, T))
        for name in fixture_script.REFERENCE:
            assert reference[name].shape == (T, H), name
        # The trap: equal (or zero) biases would hide b_hn added outside the reset product.
        assert not np.allclose(case["bias_ih"], case["bias_hh"])
        assert np.all(case["bias_hh"] != 0) and np.all(case["h0"] != 0)
    assert {(1, 1, 1), (8, 32, 12)} <= sizes
    assert len(WELL_CONDITIONED) >= len(FIXTURE_CASES) // 2
    assert fixture_script.FIXTURE.stat().st_size < 256 * 1024


def test_fixture_agrees_with_live_torch() -> None:
    pytest.importorskip("torch")
    for case, stored in FIXTURE_CASES:
        live = fixture_script.torch_reference(case)
        for name in fixture_script.REFERENCE:
            np.testing.assert_allclose(live[name], stored[name], rtol=1e-12, atol=1e-12, err_msg=name)


SIZES = {"D": st.integers(1, 6), "H": st.integers(1, 12), "T": st.integers(1, 15)}
SCALES = st.sampled_from([0.1, 1.0, 3.0, 10.0])
SEEDS = st.integers(0, 2**32 - 1)


@settings(max_examples=15, deadline=None)
@given(**SIZES, scale=SCALES, recurrent_scale=SCALES, seed=SEEDS)
def test_each_step_matches_live_torch(
    D: int, H: int, T: int, scale: float, recurrent_scale: float, seed: int
) -> None:
    pytest.importorskip("torch")
    case = fixture_script.random_case(D, H, T, scale, recurrent_scale, seed)
    assert_each_step_matches(case, fixture_script.torch_reference(case))


@settings(max_examples=15, deadline=None)
@given(**SIZES, scale=SCALES, seed=SEEDS)
def test_whole_run_matches_live_torch(D: int, H: int, T: int, scale: float, seed: int) -> None:
    pytest.importorskip("torch")
    case = fixture_script.random_case(D, H, T, scale, None, seed)
    assert_whole_run_matches(case, fixture_script.torch_reference(case))


def test_torch_packing_round_trips_through_nn_gru() -> None:
    torch = pytest.importorskip("torch")
    params = GRUParams.random(3, 4, seed=5, scale=1.5)
    module = torch.nn.GRU(3, 4, dtype=torch.float64)
    module.load_state_dict({key: torch.from_numpy(value) for key, value in params.to_torch().items()})
    assert (
        GRUParams.from_torch(module.weight_ih_l0, module.weight_hh_l0, module.bias_ih_l0, module.bias_hh_l0)
        == params
    )
    X, h0 = np.random.default_rng(5).normal(size=(9, 3)), np.full(4, 0.25)
    with torch.no_grad():
        expected, _ = module(torch.from_numpy(X)[:, None], torch.from_numpy(h0)[None, None])
    assert_close(run_gru(params, X, h0).hidden, expected[:, 0].numpy(), "hidden")


# ----------------------------------------------------------------- GRUParams
def test_torch_packing_round_trip_and_gate_order() -> None:
    case = fixture_script.random_case(2, 3, 1, 1.0, None, seed=3)
    params = params_of(case)
    packed = params.to_torch()
    assert sorted(packed) == ["bias_hh_l0", "bias_ih_l0", "weight_hh_l0", "weight_ih_l0"]
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        assert np.array_equal(packed[f"{name}_l0"], case[name]), name
    # PyTorch's order r, z, n: the update gate is the second block of three rows.
    update = params.update
    assert np.array_equal(update.input_weights, case["weight_ih"][3:6])
    assert np.array_equal(update.recurrent_weights, case["weight_hh"][3:6])
    assert np.array_equal(update.input_bias, case["bias_ih"][3:6])
    assert np.array_equal(update.recurrent_bias, case["bias_hh"][3:6])
    assert (params.input_size, params.hidden_size, params.dtype) == (2, 3, np.float64)
    packed["weight_ih_l0"][0, 0] = 99.0  # a copy: the params are unchanged
    assert params.reset.input_weights[0, 0] == case["weight_ih"][0, 0]
    with pytest.raises(ValueError, match="read-only"):
        params.candidate.recurrent_bias[0] = 1.0


def test_missing_biases_are_zero_and_equality() -> None:
    params = GRUParams.random(2, 3, seed=1)
    W, U, _, _ = params.stacked
    no_bias = GRUParams.from_torch(W, U)
    assert not no_bias.stacked[2].any() and not no_bias.stacked[3].any()
    assert params == GRUParams.random(2, 3, seed=1)
    assert params != GRUParams.random(2, 3, seed=2)
    assert params != GRUParams.random(2, 3, seed=1, name="other")
    assert params != GRUParams.random(2, 3, seed=1, dtype=np.float32)
    assert params != LSTMParams.random(2, 3, seed=1)
    assert "GRUParams(input_size=2, hidden_size=3" in repr(params)


def test_float32_params_give_float32_steps() -> None:
    params = GRUParams.random(3, 4, seed=2, dtype=np.float32)
    X = np.random.default_rng(2).normal(size=(6, 3))
    trace = run_gru(params, X)
    assert params.dtype == np.float32 and all(a.dtype == np.float32 for a in trace.arrays().values())
    exact = run_gru(GRUParams.from_torch(*params.stacked), X)
    np.testing.assert_allclose(trace.hidden, exact.hidden, atol=1e-5)


def test_from_lstm_maps_forget_to_update_input_to_reset() -> None:
    lstm = LSTMParams.random(3, 4, seed=9, scale=2.0).replace(name="encoder")
    gru = GRUParams.from_lstm(lstm)
    assert (gru.input_size, gru.hidden_size, gru.dtype, gru.name) == (3, 4, lstm.dtype, "encoder")
    for gru_gate, lstm_gate in (
        ("update", lstm.forget),
        ("reset", lstm.input),
        ("candidate", lstm.candidate),
    ):
        W_i, W_h, b_i, b_h = gru.gate(gru_gate)
        W, U, b = lstm_gate
        assert np.array_equal(W_i, W) and np.array_equal(W_h, U) and np.array_equal(b_i, b), gru_gate
        assert not b_h.any(), gru_gate
    assert GRUParams.from_lstm(lstm.astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        ({"weight_ih": np.zeros((7, 2))}, r"weight_ih: expected shape \(3H, D\), got \(7, 2\)"),
        ({"weight_ih": np.zeros(6)}, r"weight_ih: expected a 2-D array"),
        ({"weight_hh": np.zeros((6, 3))}, r"weight_hh \(3H, H\): expected shape \(6, 2\), got \(6, 3\)"),
        ({"bias_ih": np.zeros(5)}, r"bias_ih \(3H,\): expected shape \(6,\), got \(5,\)"),
        ({"bias_hh": np.full(6, np.nan)}, r"reset gate recurrent bias: contains NaN"),
        ({"weight_hh": np.full((6, 2), np.inf)}, r"reset gate recurrent weights: contains an infinite"),
        ({"bias_ih": ["a"] * 6}, r"bias_ih: not a numeric array"),
    ],
)
def test_bad_torch_packings_are_named(arrays: dict, message: str) -> None:
    packing = {"weight_ih": np.zeros((6, 1)), "weight_hh": np.zeros((6, 2))}
    packing |= {"bias_ih": np.zeros(6), "bias_hh": np.zeros(6)}
    with pytest.raises(ValueError, match=message):
        GRUParams.from_torch(**(packing | arrays))


def test_bad_gate_weights_are_named() -> None:
    good = (np.zeros((2, 1)), np.zeros((2, 2)), np.zeros(2), np.zeros(2))
    with pytest.raises(
        ValueError, match=r"update gate recurrent weights: expected shape \(2, 2\), got \(2, 3\)"
    ):
        GRUParams(good, (good[0], np.zeros((2, 3)), *good[2:]), good)
    with pytest.raises(ValueError, match=r"candidate gate: expected \(input weights, recurrent weights"):
        GRUParams(good, good, good[:3])
    with pytest.raises(ValueError, match=r"dtype: expected float64 or float32"):
        GRUParams(good, good, good, dtype=np.int64)
    with pytest.raises(ValueError, match=r"unknown GRU gate 'forget'"):
        GRUParams(good, good, good).gate("forget")
    with pytest.raises(ValueError, match=r"hidden_size: expected a positive whole number"):
        GRUParams.random(2, 0)


def test_bad_inputs_and_states_are_named() -> None:
    params = GRUParams.random(3, 2, seed=0)
    with pytest.raises(ValueError, match=r"input x_t: expected shape \(3,\), got \(2,\)"):
        gru_step(params, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"input x_t: contains NaN"):
        gru_step(params, [1.0, np.nan, 0.0])
    with pytest.raises(ValueError, match=r"h_\{t-1\}: expected shape \(2,\), got \(3,\)"):
        gru_step(params, [1.0, 2.0, 3.0], [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match=r"inputs: expected shape \(T, 3\), got \(4, 2\)"):
        run_gru(params, np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"h0: contains an infinite value"):
        run_gru(params, np.zeros((4, 3)), [np.inf, 0.0])
    with pytest.raises(ValueError, match=r"params of size D=2, H=2 do not fit a trace of size D=3, H=2"):
        run_gru(params, np.zeros((4, 3))).extend(GRUParams.random(2, 2), np.zeros((1, 2)))


# ------------------------------------------------------------------ GRUTrace
@pytest.fixture
def case() -> tuple[GRUParams, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(41)
    return GRUParams.random(3, 5, seed=41, scale=2.0), rng.normal(size=(20, 3)), rng.uniform(-1, 1, 5)


def test_trace_fields_shapes_and_order(case) -> None:
    params, X, h0 = case
    trace = run_gru(params, X, h0)
    assert GRU_TRACE_FIELDS == tuple(n for n in GRUStepResult.field_names() if n != "hidden_prev")
    assert GRU_TRACE_FIELDS[0] == "inputs" and GRU_TRACE_FIELDS[-1] == "hidden"
    assert len(trace) == 20
    assert set(trace.arrays()) == {*GRU_TRACE_FIELDS, "h0"}
    for name in GRU_TRACE_FIELDS:
        assert getattr(trace, name).shape == ((20, 3) if name == "inputs" else (20, 5)), name
        with pytest.raises(ValueError, match="read-only"):
            getattr(trace, name)[0, 0] = 1.0
    np.testing.assert_array_equal(trace.inputs, X)
    np.testing.assert_array_equal(trace.h0, h0)
    with pytest.raises(AttributeError, match="no attribute 'cell'"):
        _ = trace.cell


def test_step_at_is_gru_step_from_state_before(case) -> None:
    params, X, h0 = case
    trace = run_gru(params, X, h0)
    assert np.array_equal(trace.state_before(0), h0)
    for k in range(len(trace)):
        if k:
            assert np.array_equal(trace.state_before(k), trace.hidden[k - 1])
        expected = gru_step(params, X[k], trace.state_before(k))
        stored = trace.step_at(k)
        for name in GRUStepResult.field_names():
            assert np.array_equal(getattr(stored, name), getattr(expected, name)), (k, name)
    assert np.array_equal(trace.step_at(-1).hidden, trace.final_state)
    for bad in (len(trace), -len(trace) - 1):
        with pytest.raises(IndexError):
            trace.step_at(bad)
    with pytest.raises(IndexError):
        trace.state_before(len(trace) + 1)


@settings(max_examples=20, deadline=None)
@given(split=st.integers(0, 20), capacity=st.integers(1, 40))
def test_extend_in_two_chunks_equals_one_run(split: int, capacity: int) -> None:
    rng = np.random.default_rng(split)
    params, X, h0 = (
        GRUParams.random(3, 5, seed=split, scale=2.0),
        rng.normal(size=(20, 3)),
        rng.normal(size=5),
    )
    whole = run_gru(params, X, h0)
    trace = GRUTrace.for_params(params, h0, capacity=capacity)
    trace.extend(params, X[:split])
    trace.extend(params, X[split:])
    for name, value in whole.arrays().items():
        assert np.array_equal(getattr(trace, name), value), name


def test_truncate_then_extend_and_append(case) -> None:
    params, X, h0 = case
    whole = run_gru(params, X, h0)
    trace = run_gru(params, X, h0)
    trace.truncate(7)
    assert len(trace) == 7 and np.array_equal(trace.final_state, whole.hidden[6])
    trace.append(gru_step(params, X[7], trace.final_state))
    trace.extend(params, X[8:])
    for name, value in whole.arrays().items():
        assert np.array_equal(getattr(trace, name), value), name
    with pytest.raises(IndexError):
        trace.truncate(21)
    empty = GRUTrace(3, 5, h0)
    assert len(empty) == 0 and np.array_equal(empty.final_state, h0) and empty.hidden.shape == (0, 5)
