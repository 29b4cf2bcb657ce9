"""The per-model gate activation: Keras 2 and 3 hard sigmoids in step() and run(), kept by every copy."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine import GATES, LSTMParams, run, step
from simulator.engine.activations import GATE_ACTIVATIONS, hard_sigmoid, hard_sigmoid_keras3

REFERENCES = {
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "hard_sigmoid": lambda z: np.clip(0.2 * z + 0.5, 0.0, 1.0),
    "hard_sigmoid_keras3": lambda z: np.minimum(np.maximum(z + 3.0, 0.0), 6.0) / 6.0,
}


def reference_run(params: LSTMParams, inputs: np.ndarray, h: np.ndarray, c: np.ndarray) -> dict:
    """The equations gate by gate, in plain NumPy."""
    sigma = REFERENCES[params.gate_activation]
    out = {name: [] for name in ("forget_gate", "input_gate", "candidate", "output_gate", "cell", "hidden")}
    for x in inputs:
        W_f, U_f, b_f = params.forget
        W_i, U_i, b_i = params.input
        W_C, U_C, b_C = params.candidate
        W_o, U_o, b_o = params.output
        f = sigma(W_f @ x + U_f @ h + b_f)
        i = sigma(W_i @ x + U_i @ h + b_i)
        g = np.tanh(W_C @ x + U_C @ h + b_C)
        o = sigma(W_o @ x + U_o @ h + b_o)
        c = f * c + i * g
        h = o * np.tanh(c)
        for name, value in zip(out, (f, i, g, o, c, h), strict=True):
            out[name].append(value)
    return {name: np.array(values) for name, values in out.items()}


def test_hard_sigmoids_have_their_slopes_and_saturate():
    z = np.array([-np.inf, -1e300, -3.0, -2.5, 0.0, 1.5, 2.5, 3.0, 1e300, np.inf])
    np.testing.assert_allclose(hard_sigmoid(z), [0, 0, 0, 0, 0.5, 0.8, 1, 1, 1, 1])
    np.testing.assert_allclose(hard_sigmoid_keras3(z), [0, 0, 0, 1 / 12, 0.5, 0.75, 11 / 12, 1, 1, 1])
    out = np.empty_like(z)
    assert hard_sigmoid(z, out=out) is out


@pytest.mark.parametrize("activation", sorted(GATE_ACTIVATIONS))
def test_step_and_run_match_a_numpy_reference(activation):
    rng = np.random.default_rng(1)
    params = LSTMParams.random(3, 4, seed=2, scale=3.0).replace(gate_activation=activation)
    inputs, h0, c0 = rng.normal(size=(12, 3)) * 2, rng.normal(size=4), rng.normal(size=4)
    expected = reference_run(params, inputs, h0, c0)
    trace = run(params, inputs, h0, c0)
    h, c = h0, c0
    for t, x in enumerate(inputs):
        result = step(params, x, h, c)
        h, c = result.hidden, result.cell
        for name, values in expected.items():
            np.testing.assert_allclose(getattr(result, name), values[t], rtol=0, atol=1e-12)
    for name, values in expected.items():
        np.testing.assert_allclose(getattr(trace, name), values, rtol=0, atol=1e-12)


def test_hard_sigmoid_gates_reach_exactly_zero_and_one():
    params = LSTMParams.random(2, 3, seed=3, scale=20.0).replace(gate_activation="hard_sigmoid")
    trace = run(params, np.random.default_rng(4).normal(size=(20, 2)) * 5)
    gates = np.concatenate([trace.forget_gate, trace.input_gate, trace.output_gate])
    assert (gates == 0.0).any() and (gates == 1.0).any()
    assert gates.min() >= 0.0 and gates.max() <= 1.0


def test_sigmoid_run_is_unchanged_by_the_option():
    params = LSTMParams.random(3, 5, seed=5)
    inputs = np.random.default_rng(6).normal(size=(8, 3))
    explicit = params.replace(gate_activation="sigmoid")
    np.testing.assert_array_equal(run(params, inputs).hidden, run(explicit, inputs).hidden)


def test_gate_activation_and_name_survive_every_copy():
    params = LSTMParams.random(2, 3, seed=7).replace(gate_activation="hard_sigmoid_keras3", name="layer 1")
    copies = [
        params.copy(),
        params.astype(np.float32),
        params.astype(np.float32).astype(np.float64),
        params.with_value("forget", "bias", 0, 1.0),
        LSTMParams.from_torch(**params.to_torch(), gate_activation="hard_sigmoid_keras3", name="layer 1"),
        LSTMParams.from_keras(**params.to_keras(), gate_activation="hard_sigmoid_keras3", name="layer 1"),
        LSTMParams.from_gates(params.to_gates(), gate_activation="hard_sigmoid_keras3", name="layer 1"),
        LSTMParams(*(params.gate(g) for g in GATES), gate_activation="hard_sigmoid_keras3", name="layer 1"),
    ]
    for copy in copies:
        assert (copy.gate_activation, copy.name) == ("hard_sigmoid_keras3", "layer 1")
    assert copies[0] == params and copies[4] == params and copies[7] == params
    assert "hard_sigmoid_keras3" in repr(params) and "layer 1" in repr(params)


def test_equality_tells_activations_and_names_apart():
    params = LSTMParams.random(2, 3, seed=8)
    assert params != params.replace(gate_activation="hard_sigmoid")
    assert params != params.replace(name="other")
    assert params == params.replace()


def test_unknown_gate_activation_is_refused():
    with pytest.raises(ValueError, match="gate_activation: unknown 'relu'"):
        LSTMParams.random(2, 3).replace(gate_activation="relu")
    with pytest.raises(ValueError, match="gate_activation"):
        LSTMParams.from_torch(np.zeros((4, 1)), np.zeros((4, 1)), gate_activation="softsign")
