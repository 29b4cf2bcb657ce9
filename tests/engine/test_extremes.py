"""Activations and the cell at extreme values: saturate without warnings; NaN and inf are refused."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from simulator.engine import LSTMParams, run, sigmoid, step, tanh

HUGE = np.array([-np.inf, -1e300, -1e5, 1e5, 1e300, np.inf])


def test_sigmoid_saturates_without_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(sigmoid(HUGE), [0.0, 0.0, 0.0, 1.0, 1.0, 1.0])


def test_tanh_saturates_without_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(tanh(HUGE), [-1.0, -1.0, -1.0, 1.0, 1.0, 1.0])


def test_sigmoid_is_the_logistic_function() -> None:
    z = np.linspace(-30, 30, 121)
    np.testing.assert_allclose(sigmoid(z), 1.0 / (1.0 + np.exp(-z)), rtol=1e-14, atol=1e-16)
    np.testing.assert_array_equal(sigmoid(np.array([0.0])), [0.5])


def test_sigmoid_writes_into_out_and_leaves_input_alone() -> None:
    z = np.array([-2.0, 0.0, 2.0])
    out = np.empty(3)
    assert sigmoid(z, out=out) is out
    np.testing.assert_array_equal(z, [-2.0, 0.0, 2.0])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_run_with_huge_inputs_and_weights_is_finite_and_in_range(dtype) -> None:
    big = 1e300 if dtype == np.float64 else 1e30  # float32 ends at 3.4e38
    rng = np.random.default_rng(21)
    params = LSTMParams.random(8, 16, seed=21, scale=30.0, dtype=dtype)
    X = rng.choice([-big, big, 0.0, 1.0], size=(40, 8))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = run(params, X, h0=rng.uniform(-1, 1, 16), c0=rng.normal(size=16))
    assert np.isfinite(trace.forget_pre).all()  # 8·30·1e300 still fits a float64
    for name in ("forget_gate", "input_gate", "output_gate"):
        gate = getattr(trace, name)
        assert np.isfinite(gate).all() and gate.min() >= 0.0 and gate.max() <= 1.0, name
    for name in ("candidate", "cell_tanh", "hidden"):
        value = getattr(trace, name)
        assert np.isfinite(value).all() and np.abs(value).max() <= 1.0, name
    assert np.isfinite(trace.cell).all()
    saturated = (trace.forget_gate == 0.0) | (trace.forget_gate == 1.0)
    assert saturated.mean() > 0.5  # the huge inputs really reached the gates


def test_step_with_huge_input_does_not_warn() -> None:
    params = LSTMParams.random(2, 3, seed=22, scale=30.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = step(params, [1e300, -1e300])
    assert np.isfinite(result.hidden).all()


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize(
    ("where", "message"),
    [("inputs", r"^inputs: contains"), ("h0", r"^h0: contains"), ("c0", r"^c0: contains")],
)
def test_run_refuses_non_finite_inputs_and_state(where: str, message: str, bad: float) -> None:
    params = LSTMParams.random(2, 3, seed=23)
    arrays = {"inputs": np.zeros((4, 2)), "h0": np.zeros(3), "c0": np.zeros(3)}
    arrays[where].flat[1] = bad
    kind = "NaN" if np.isnan(bad) else "an infinite value"
    with pytest.raises(ValueError, match=f"{message} {kind}"):
        run(params, **arrays)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize(
    ("where", "message"),
    [(0, r"^input x_t: contains"), (1, r"^h_\{t-1\}: contains"), (2, r"^C_\{t-1\}: contains")],
)
def test_step_refuses_non_finite_inputs_and_state(where: int, message: str, bad: float) -> None:
    arrays = [np.zeros(2), np.zeros(3), np.zeros(3)]
    arrays[where][0] = bad
    with pytest.raises(ValueError, match=message):
        step(LSTMParams.random(2, 3, seed=24), *arrays)


def test_float32_input_beyond_its_range_is_refused_not_warned() -> None:
    params = LSTMParams.random(2, 3, seed=25, dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="beyond the range of float32"):
            run(params, [[1e300, 0.0]])
