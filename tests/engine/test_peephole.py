"""The peephole LSTM: a scalar case by hand, the plain LSTM, a loop reference and ONNX's LSTM with P."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine import TRACE_FIELDS, LSTMParams, StepResult, Trace, run, step
from simulator.engine.activations import GATE_ACTIVATIONS
from simulator.engine.peephole import (
    extend_peephole,
    peephole_step,
    random_peepholes,
    run_peephole,
    zero_peepholes,
)

REFERENCES = {
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "hard_sigmoid": lambda z: np.clip(0.2 * z + 0.5, 0.0, 1.0),
    "hard_sigmoid_keras3": lambda z: np.minimum(np.maximum(z + 3.0, 0.0), 6.0) / 6.0,
}


def reference_run(
    params: LSTMParams, P: np.ndarray, inputs: np.ndarray, h: np.ndarray, c: np.ndarray
) -> dict[str, np.ndarray]:
    """Gers & Schmidhuber's equations gate by gate in plain NumPy (not the engine's code)."""
    sigma = REFERENCES[params.gate_activation]
    p_i, p_f, p_o = P
    W_f, U_f, b_f = params.forget
    W_i, U_i, b_i = params.input
    W_C, U_C, b_C = params.candidate
    W_o, U_o, b_o = params.output
    names = ("forget_pre", "input_pre", "candidate_pre", "output_pre", "forget_gate", "input_gate")
    names += ("candidate", "output_gate", "cell", "hidden")
    out: dict[str, list] = {name: [] for name in names}
    for x in inputs:
        z_f = W_f @ x + U_f @ h + b_f + p_f * c
        z_i = W_i @ x + U_i @ h + b_i + p_i * c
        z_g = W_C @ x + U_C @ h + b_C
        f, i, g = sigma(z_f), sigma(z_i), np.tanh(z_g)
        c = f * c + i * g
        z_o = W_o @ x + U_o @ h + b_o + p_o * c  # the new cell state
        o = sigma(z_o)
        h = o * np.tanh(c)
        for name, value in zip(names, (z_f, z_i, z_g, z_o, f, i, g, o, c, h), strict=True):
            out[name].append(value)
    return {name: np.array(values) for name, values in out.items()}


# ------------------------------------------------------------------ by hand
def scalar_params() -> LSTMParams:
    def gate(w: float, u: float, b: float) -> tuple[list, list, list]:
        return [[w]], [[u]], [b]

    return LSTMParams(
        forget=gate(0.5, -1.0, 0.25),
        input=gate(1.0, 0.5, -0.5),
        candidate=gate(-1.0, 2.0, 0.1),
        output=gate(2.0, -0.5, 0.0),
    )


SCALAR_PEEPHOLES = [[0.3], [-0.2], [0.8]]  # p_i, p_f, p_o


def test_scalar_case_by_hand() -> None:
    params = scalar_params()
    # Step 1: x = 1, h0 = 0.1, C0 = 0.5; p_i = 0.3, p_f = -0.2, p_o = 0.8.
    #   z_f = 0.5·1 - 1·0.1 + (-0.2)·0.5 + 0.25 = 0.55     f  = 1/(1+e^-0.55) = 0.634135591010801
    #   z_i = 1·1 + 0.5·0.1 + 0.3·0.5 - 0.5     = 0.7      i  = 1/(1+e^-0.7)  = 0.668187772168166
    #   z_C = -1·1 + 2·0.1 + 0.1                = -0.7     ~C = tanh(-0.7)    = -0.604367777117164
    #   C1 = f·0.5 + i·~C = 0.317067795505400 - 0.403831158562144 = -0.086763363056744
    #   z_o = 2·1 - 0.5·0.1 + 0.8·C1 + 0       = 1.880589309554605 (C1, not C0)
    #   o = 1/(1+e^-z_o) = 0.867678801104406   h1 = o·tanh(C1) = o·(-0.086546301875332) = -0.075094391451208
    first = peephole_step(params, SCALAR_PEEPHOLES, [1.0], [0.1], [0.5])
    expected_first = {
        "forget_pre": 0.55,
        "input_pre": 0.7,
        "candidate_pre": -0.7,
        "output_pre": 1.880589309554605,
        "forget_gate": 0.634135591010801,
        "input_gate": 0.668187772168166,
        "candidate": -0.604367777117164,
        "output_gate": 0.867678801104406,
        "forget_product": 0.317067795505400,
        "input_product": -0.403831158562144,
        "cell": -0.086763363056744,
        "cell_tanh": -0.086546301875332,
        "hidden": -0.075094391451208,
    }
    # Step 2: x = -2 from (h1, C1).
    #   z_f = 0.5·(-2) - 1·h1 - 0.2·C1 + 0.25  = -0.657552935937443   f  = 0.341289524584137
    #   z_i = 1·(-2) + 0.5·h1 + 0.3·C1 - 0.5   = -2.563576204642627   i  = 0.071519701506241
    #   z_C = -1·(-2) + 2·h1 + 0.1             = 1.949811217097584    ~C = 0.960304701075592
    #   C2 = f·C1 + i·~C = -0.029611426928957 + 0.068680705575966 = 0.039069278647009
    #   z_o = 2·(-2) - 0.5·h1 + 0.8·C2         = -3.931197381356789   o  = 0.019242622226091
    #   h2 = o·tanh(C2) = o·0.039049412216522 = 0.000751413087433
    second = peephole_step(params, SCALAR_PEEPHOLES, [-2.0], first.hidden, first.cell)
    expected_second = {
        "forget_pre": -0.657552935937443,
        "input_pre": -2.563576204642627,
        "candidate_pre": 1.949811217097584,
        "output_pre": -3.931197381356789,
        "forget_gate": 0.341289524584137,
        "input_gate": 0.071519701506241,
        "candidate": 0.960304701075592,
        "output_gate": 0.019242622226091,
        "cell": 0.039069278647009,
        "hidden": 0.000751413087433,
    }
    for result, expected in ((first, expected_first), (second, expected_second)):
        for name, value in expected.items():
            np.testing.assert_allclose(getattr(result, name), [value], rtol=0, atol=1e-14, err_msg=name)


def test_output_gate_peeks_at_the_new_cell_state() -> None:
    """Only p_o non-zero and all weights zero but the candidate's: z_o = p_o ⊙ C_t exactly."""
    zero = LSTMParams.zeros(2, 3)
    params = LSTMParams(
        forget=zero.forget,
        input=zero.input,
        candidate=(np.ones((3, 2)), np.zeros((3, 3)), np.zeros(3)),
        output=zero.output,
    )
    P = np.array([[0.0] * 3, [0.0] * 3, [1.0, -2.0, 3.0]])
    result = peephole_step(params, P, [0.5, 0.25], np.zeros(3), [4.0, 4.0, 4.0])
    np.testing.assert_array_equal(result.forget_pre, 0.0)
    np.testing.assert_array_equal(result.output_pre, P[2] * result.cell)
    assert not np.allclose(result.output_pre, P[2] * result.cell_prev)


# ------------------------------------------------------ independent references
@pytest.mark.parametrize("activation", sorted(GATE_ACTIVATIONS))
def test_zero_peepholes_are_the_plain_lstm(activation: str) -> None:
    rng = np.random.default_rng(3)
    params = LSTMParams.random(4, 6, seed=3, scale=2.0).replace(gate_activation=activation)
    X, h0, c0 = rng.normal(size=(25, 4)), rng.uniform(-1, 1, 6), rng.normal(size=6)
    plain = run(params, X, h0, c0)
    peephole = run_peephole(params, zero_peepholes(6), X, h0, c0)
    for name, value in plain.arrays().items():
        np.testing.assert_allclose(getattr(peephole, name), value, rtol=0, atol=1e-12, err_msg=name)
    first = peephole_step(params, zero_peepholes(6), X[0], h0, c0)
    for name in StepResult.field_names():
        np.testing.assert_allclose(
            getattr(first, name), getattr(step(params, X[0], h0, c0), name), rtol=0, atol=1e-12
        )


@pytest.mark.parametrize("activation", sorted(GATE_ACTIVATIONS))
@pytest.mark.parametrize(
    ("D", "H", "T", "seed"), [(1, 1, 30, 0), (3, 5, 17, 1), (8, 16, 12, 2), (2, 32, 6, 3)]
)
def test_matches_a_loop_reference(activation: str, D: int, H: int, T: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    params = LSTMParams.random(D, H, seed=seed, scale=1.5).replace(gate_activation=activation)
    P = random_peepholes(H, seed=seed + 100, scale=2.0)
    X, h0, c0 = rng.normal(0, 2, (T, D)), rng.uniform(-1, 1, H), rng.normal(0, 2, H)
    expected = reference_run(params, P, X, h0, c0)
    trace = run_peephole(params, P, X, h0, c0)
    for name, values in expected.items():
        np.testing.assert_allclose(getattr(trace, name), values, rtol=0, atol=1e-12, err_msg=name)
    cell_prev = np.vstack([c0, expected["cell"][:-1]])
    np.testing.assert_allclose(trace.forget_product, cell_prev * expected["forget_gate"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(trace.cell_tanh, np.tanh(expected["cell"]), rtol=0, atol=1e-12)


def test_matches_onnx_reference_evaluator() -> None:
    """ONNX's LSTM with peepholes P, run by ``onnx.reference.ReferenceEvaluator``.

    ONNX packs the gates i, o, f, c in W, R and B (B = [Wb, Rb]) and the peepholes
    i, o, f in P; its output gate also looks at the new cell state.
    """
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper
    from onnx.reference import ReferenceEvaluator

    D, H, T = 3, 4, 9
    rng = np.random.default_rng(17)
    params = LSTMParams.random(D, H, seed=17, scale=1.0)
    P = random_peepholes(H, seed=18, scale=1.5)
    X, h0, c0 = rng.normal(size=(T, D)), rng.uniform(-1, 1, H), rng.normal(size=H)

    order = ("input", "output", "forget", "candidate")
    W = np.concatenate([params.gate(g).input_weights for g in order])[None]
    R = np.concatenate([params.gate(g).recurrent_weights for g in order])[None]
    Rb = rng.normal(size=4 * H)  # ONNX adds Wb + Rb: split each bias into two unequal parts
    B = np.concatenate([np.concatenate([params.gate(g).bias for g in order]) - Rb, Rb])[None]
    p_i, p_f, p_o = P
    feeds = {
        "X": X[:, None, :],
        "W": W,
        "R": R,
        "B": B,
        "initial_h": h0[None, None],
        "initial_c": c0[None, None],
        "P": np.concatenate([p_i, p_o, p_f])[None],
    }
    node = helper.make_node(
        "LSTM",
        ["X", "W", "R", "B", "", "initial_h", "initial_c", "P"],
        ["Y", "Y_h", "Y_c"],
        hidden_size=H,
    )
    graph = helper.make_graph(
        [node],
        "peephole_lstm",
        [
            helper.make_tensor_value_info(name, TensorProto.DOUBLE, value.shape)
            for name, value in feeds.items()
        ],
        [
            helper.make_tensor_value_info(name, TensorProto.DOUBLE, shape)
            for name, shape in (("Y", (T, 1, 1, H)), ("Y_h", (1, 1, H)), ("Y_c", (1, 1, H)))
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    onnx.checker.check_model(model)
    Y, Y_h, Y_c = ReferenceEvaluator(model).run(None, feeds)

    trace = run_peephole(params, P, X, h0, c0)
    np.testing.assert_allclose(trace.hidden, Y[:, 0, 0, :], rtol=0, atol=1e-12)
    np.testing.assert_allclose(trace.hidden[-1], Y_h[0, 0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(trace.cell[-1], Y_c[0, 0], rtol=0, atol=1e-12)
    # Sanity: the peepholes matter here, so the check could fail.
    assert np.abs(run(params, X, h0, c0).hidden - Y[:, 0, 0, :]).max() > 1e-3


# ----------------------------------------------------------- step, run, extend
def test_run_rows_are_peephole_step_bit_for_bit() -> None:
    rng = np.random.default_rng(5)
    params, P = LSTMParams.random(3, 4, seed=5, scale=2.0), random_peepholes(4, seed=5)
    X, h0, c0 = rng.normal(size=(12, 3)), rng.normal(size=4), rng.normal(size=4)
    trace = run_peephole(params, P, X, h0, c0)
    assert isinstance(trace, Trace) and len(trace) == 12
    for k in range(len(trace)):
        expected = peephole_step(params, P, X[k], *trace.state_before(k))
        stored = trace.step_at(k)
        for name in StepResult.field_names():
            assert np.array_equal(getattr(stored, name), getattr(expected, name)), (k, name)


def test_extend_in_two_chunks_equals_one_run() -> None:
    rng = np.random.default_rng(6)
    params, P = LSTMParams.random(2, 3, seed=6), random_peepholes(3, seed=6)
    X, h0, c0 = rng.normal(size=(10, 2)), rng.normal(size=3), rng.normal(size=3)
    whole = run_peephole(params, P, X, h0, c0)
    trace = run_peephole(params, P, X[:4], h0, c0)
    extend_peephole(trace, params, P, X[4:])
    for name in TRACE_FIELDS:
        assert np.array_equal(getattr(trace, name), getattr(whole, name)), name


def test_float32() -> None:
    rng = np.random.default_rng(8)
    params, P = LSTMParams.random(3, 4, seed=8), random_peepholes(4, seed=8)
    X = rng.normal(size=(8, 3))
    single = run_peephole(params.astype(np.float32), P, X)
    assert single.hidden.dtype == np.float32
    np.testing.assert_allclose(single.hidden, run_peephole(params, P, X).hidden, atol=1e-5)


def test_helpers() -> None:
    assert zero_peepholes(5).shape == (3, 5) and not zero_peepholes(5).any()
    assert zero_peepholes(2, np.float32).dtype == np.float32
    P = random_peepholes(6, seed=1, scale=0.5)
    assert P.shape == (3, 6) and np.abs(P).max() <= 0.5
    assert np.array_equal(P, random_peepholes(6, seed=1, scale=0.5))
    assert not np.array_equal(P, random_peepholes(6, seed=2, scale=0.5))
    assert np.abs(random_peepholes(16, seed=1)).max() <= 0.25  # default scale 1/√H


# -------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("peepholes", "message"),
    [
        (np.zeros(4), r"peepholes \(p_i, p_f, p_o\): expected shape \(3, 4\), got \(4,\)"),
        (np.zeros(12), r"peepholes \(p_i, p_f, p_o\): expected shape \(3, 4\), got \(12,\)"),
        (np.zeros((3, 5)), r"peepholes \(p_i, p_f, p_o\): expected shape \(3, 4\), got \(3, 5\)"),
        (np.zeros((4, 3)), r"peepholes \(p_i, p_f, p_o\): expected shape \(3, 4\), got \(4, 3\)"),
        (np.full((3, 4), np.nan), r"peepholes \(p_i, p_f, p_o\): contains NaN"),
        (np.full((3, 4), -np.inf), r"peepholes \(p_i, p_f, p_o\): contains an infinite value"),
        ([["a"] * 4] * 3, r"peepholes \(p_i, p_f, p_o\): not a numeric array"),
    ],
)
def test_bad_peepholes_are_named(peepholes: object, message: str) -> None:
    params = LSTMParams.random(2, 4)
    with pytest.raises(ValueError, match=message):
        peephole_step(params, peepholes, [0.0, 0.0])
    with pytest.raises(ValueError, match=message):
        run_peephole(params, peepholes, np.zeros((3, 2)))


def test_bad_inputs_and_states_are_named() -> None:
    params, P = LSTMParams.random(2, 4), zero_peepholes(4)
    with pytest.raises(ValueError, match=r"input x_t: expected shape \(2,\), got \(3,\)"):
        peephole_step(params, P, [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match=r"input x_t: contains NaN"):
        peephole_step(params, P, [0.0, np.nan])
    with pytest.raises(ValueError, match=r"C_\{t-1\}: expected shape \(4,\), got \(2,\)"):
        peephole_step(params, P, [0.0, 0.0], None, [1.0, 1.0])
    with pytest.raises(ValueError, match=r"inputs: expected shape \(T, 2\), got \(5, 3\)"):
        run_peephole(params, P, np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"c0: contains NaN"):
        run_peephole(params, P, np.zeros((5, 2)), None, [np.nan] * 4)
    with pytest.raises(ValueError, match=r"params of size D=3, H=4 do not fit a trace of size D=2, H=4"):
        extend_peephole(
            run_peephole(params, P, np.zeros((1, 2))), LSTMParams.random(3, 4), P, np.zeros((1, 3))
        )
