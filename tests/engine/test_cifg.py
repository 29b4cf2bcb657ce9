"""The coupled input-forget gate LSTM: by hand, and as the plain LSTM whose input gate is σ(−z_f)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine import TRACE_FIELDS, LSTMParams, StepResult, Trace, run
from simulator.engine.activations import GATE_ACTIVATIONS
from simulator.engine.cifg import cifg_step, extend_cifg, run_cifg

ACTIVATIONS = sorted(GATE_ACTIVATIONS)


def scalar_params(activation: str = "sigmoid") -> LSTMParams:
    def gate(w: float, u: float, b: float) -> tuple[list, list, list]:
        return [[w]], [[u]], [b]

    return LSTMParams(
        forget=gate(0.5, -1.0, 0.25),
        input=gate(7.0, -3.0, 11.0),  # ignored
        candidate=gate(-1.0, 2.0, 0.1),
        output=gate(2.0, -0.5, 0.0),
        gate_activation=activation,
    )


def test_scalar_case_by_hand() -> None:
    params = scalar_params()
    # Step 1: x = 1, h0 = 0.1, C0 = 0.5.
    #   z_f = 0.5·1 - 1·0.1 + 0.25 = 0.65    f = 1/(1+e^-0.65) = 0.657010462673499
    #                                        i = 1 - f          = 0.342989537326501
    #   z_C = -1·1 + 2·0.1 + 0.1   = -0.7    ~C = tanh(-0.7) = -0.604367777117164
    #   z_o = 2·1 - 0.5·0.1        = 1.95    o = 1/(1+e^-1.95) = 0.875446641812584
    #   C1 = f·0.5 + i·~C = 0.328505231336749 - 0.207291824248462 = 0.121213407088287
    #   h1 = o·tanh(C1) = 0.105599197294686
    first = cifg_step(params, [1.0], [0.1], [0.5])
    expected_first = {
        "forget_pre": 0.65,
        "input_pre": -0.65,
        "candidate_pre": -0.7,
        "output_pre": 1.95,
        "forget_gate": 0.657010462673499,
        "input_gate": 0.342989537326501,
        "candidate": -0.604367777117164,
        "output_gate": 0.875446641812584,
        "forget_product": 0.328505231336749,
        "input_product": -0.207291824248462,
        "cell": 0.121213407088287,
        "hidden": 0.105599197294686,
    }
    # Step 2: x = -2 from (h1, C1).
    #   z_f = 0.5·(-2) - 1·h1 + 0.25 = -0.855599197294686   f = 0.298259618742109   i = 0.701740381257891
    #   z_C = -1·(-2) + 2·h1 + 0.1   = 2.311198394589373    ~C = 0.980532927402734
    #   z_o = 2·(-2) - 0.5·h1        = -4.052799598647343   o = 0.017076977472173
    #   C2 = f·C1 + i·~C = 0.036153064584585 + 0.688079550311511 = 0.724232614896095
    #   h2 = o·tanh(C2) = 0.010579601454864
    second = cifg_step(params, [-2.0], first.hidden, first.cell)
    expected_second = {
        "forget_pre": -0.855599197294686,
        "input_pre": 0.855599197294686,
        "forget_gate": 0.298259618742109,
        "input_gate": 0.701740381257891,
        "candidate": 0.980532927402734,
        "output_gate": 0.017076977472173,
        "cell": 0.724232614896095,
        "hidden": 0.010579601454864,
    }
    for result, expected in ((first, expected_first), (second, expected_second)):
        for name, value in expected.items():
            np.testing.assert_allclose(getattr(result, name), [value], rtol=0, atol=1e-14, err_msg=name)


def test_scalar_case_by_hand_with_the_hard_sigmoid() -> None:
    params = scalar_params("hard_sigmoid")
    # σ(z) = clip(0.2·z + 0.5, 0, 1). Step 1: x = 1, h0 = 0.1, C0 = 0.5.
    #   z_f = 0.65   f = 0.2·0.65 + 0.5 = 0.63   i = 1 - 0.63 = 0.37
    #   z_o = 1.95   o = 0.2·1.95 + 0.5 = 0.89   ~C = tanh(-0.7) = -0.604367777117164
    #   C1 = 0.63·0.5 + 0.37·~C = 0.315 - 0.223616077533350 = 0.091383922466650
    #   h1 = 0.89·tanh(C1) = 0.081106043824858
    first = cifg_step(params, [1.0], [0.1], [0.5])
    # Step 2: x = -2.  z_o = 2·(-2) - 0.5·h1 = -4.040553021912429: o = clip(-0.308…) = 0, so h2 = 0.
    #   z_f = -1 - h1 + 0.25 = -0.831106043824858   f = 0.333778791235028   i = 0.666221208764972
    second = cifg_step(params, [-2.0], first.hidden, first.cell)
    expected = [
        (first, {"forget_gate": 0.63, "input_gate": 0.37, "output_gate": 0.89}),
        (first, {"cell": 0.091383922466650, "hidden": 0.081106043824858}),
        (second, {"forget_gate": 0.333778791235028, "input_gate": 0.666221208764972}),
        (second, {"output_gate": 0.0, "hidden": 0.0}),
    ]
    for result, values in expected:
        for name, value in values.items():
            np.testing.assert_allclose(getattr(result, name), [value], rtol=0, atol=1e-14, err_msg=name)


def lstm_twin(params: LSTMParams) -> LSTMParams:
    """The plain LSTM whose input gate has the negated forget weights: σ(−z_f) = 1 − σ(z_f)."""
    W_f, U_f, b_f = params.forget
    return LSTMParams(
        forget=params.forget,
        input=(-W_f, -U_f, -b_f),
        candidate=params.candidate,
        output=params.output,
        gate_activation=params.gate_activation,
    )


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize(("D", "H", "T", "seed"), [(1, 1, 30, 0), (3, 5, 17, 1), (8, 16, 12, 2)])
def test_equals_the_lstm_with_negated_forget_weights_as_input_gate(
    activation: str, D: int, H: int, T: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    params = LSTMParams.random(D, H, seed=seed, scale=2.0).replace(gate_activation=activation)
    X, h0, c0 = rng.normal(0, 2, (T, D)), rng.uniform(-1, 1, H), rng.normal(0, 2, H)
    expected = run(lstm_twin(params), X, h0, c0)
    trace = run_cifg(params, X, h0, c0)
    for name, value in expected.arrays().items():
        np.testing.assert_allclose(getattr(trace, name), value, rtol=0, atol=1e-12, err_msg=name)
    first = cifg_step(params, X[0], h0, c0)
    for name in TRACE_FIELDS:
        np.testing.assert_allclose(getattr(first, name), getattr(expected, name)[0], rtol=0, atol=1e-12)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gates_sum_to_one_and_input_pre_is_the_negated_forget_pre(activation: str) -> None:
    rng = np.random.default_rng(4)
    params = LSTMParams.random(3, 8, seed=4, scale=4.0).replace(gate_activation=activation)
    trace = run_cifg(params, rng.normal(0, 3, (40, 3)))
    np.testing.assert_allclose(trace.input_gate + trace.forget_gate, 1.0, rtol=0, atol=2**-52)
    assert np.array_equal(trace.input_pre, -trace.forget_pre)
    sigma = GATE_ACTIVATIONS[activation]
    np.testing.assert_allclose(sigma(trace.input_pre), trace.input_gate, rtol=0, atol=1e-15)


def test_the_input_gate_weights_are_ignored() -> None:
    rng = np.random.default_rng(2)
    params = LSTMParams.random(3, 4, seed=2)
    other = LSTMParams(
        forget=params.forget,
        input=LSTMParams.random(3, 4, seed=99, scale=50.0).input,
        candidate=params.candidate,
        output=params.output,
    )
    X = rng.normal(size=(10, 3))
    a, b = run_cifg(params, X), run_cifg(other, X)
    for name in TRACE_FIELDS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_a_saturated_forget_gate_keeps_the_cell_and_writes_nothing() -> None:
    params = LSTMParams.random(2, 3, seed=1)
    W_f, U_f, _ = params.forget
    params = LSTMParams(
        forget=(W_f, U_f, np.full(3, 60.0)),
        input=params.input,
        candidate=params.candidate,
        output=params.output,
    )
    result = cifg_step(params, [0.1, -0.2], [0.0, 0.1, 0.2], [1.5, -2.0, 0.25])
    assert np.array_equal(result.forget_gate, [1.0, 1.0, 1.0]) and not result.input_gate.any()
    assert np.array_equal(result.cell, [1.5, -2.0, 0.25])


def test_run_rows_are_cifg_step_bit_for_bit_and_extend_continues() -> None:
    rng = np.random.default_rng(5)
    params = LSTMParams.random(3, 4, seed=5, scale=2.0)
    X, h0, c0 = rng.normal(size=(12, 3)), rng.normal(size=4), rng.normal(size=4)
    trace = run_cifg(params, X, h0, c0)
    assert isinstance(trace, Trace) and len(trace) == 12
    for k in range(len(trace)):
        expected = cifg_step(params, X[k], *trace.state_before(k))
        stored = trace.step_at(k)
        for name in StepResult.field_names():
            assert np.array_equal(getattr(stored, name), getattr(expected, name)), (k, name)
    chunked = run_cifg(params, X[:5], h0, c0)
    extend_cifg(chunked, params, X[5:])
    for name in TRACE_FIELDS:
        assert np.array_equal(getattr(chunked, name), getattr(trace, name)), name


def test_float32() -> None:
    X = np.random.default_rng(8).normal(size=(8, 3))
    params = LSTMParams.random(3, 4, seed=8)
    single = run_cifg(params.astype(np.float32), X)
    assert single.hidden.dtype == single.input_gate.dtype == np.float32
    np.testing.assert_allclose(single.hidden, run_cifg(params, X).hidden, atol=1e-5)


def test_bad_inputs_and_states_are_named() -> None:
    params = LSTMParams.random(2, 4)
    with pytest.raises(ValueError, match=r"input x_t: expected shape \(2,\), got \(3,\)"):
        cifg_step(params, [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match=r"input x_t: contains an infinite value"):
        cifg_step(params, [0.0, np.inf])
    with pytest.raises(ValueError, match=r"h_\{t-1\}: contains NaN"):
        cifg_step(params, [0.0, 0.0], [np.nan] * 4)
    with pytest.raises(ValueError, match=r"inputs: expected shape \(T, 2\), got \(5, 3\)"):
        run_cifg(params, np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"h0: expected shape \(4,\), got \(2,\)"):
        run_cifg(params, np.zeros((5, 2)), [0.0, 0.0])
    with pytest.raises(ValueError, match=r"params of size D=3, H=4 do not fit a trace of size D=2, H=4"):
        extend_cifg(run_cifg(params, np.zeros((1, 2))), LSTMParams.random(3, 4), np.zeros((1, 3)))
