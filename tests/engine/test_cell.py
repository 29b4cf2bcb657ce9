"""step(): the worked example, a scalar case computed by hand, and every field against its equation."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine import LSTMParams, StepResult, step
from simulator.io.presets import load_preset


def test_worked_example_first_step_forgets_halves_and_keeps() -> None:
    preset = load_preset("worked-example")
    result = step(preset.params, preset.inputs[0], preset.h0, preset.c0)
    np.testing.assert_array_equal(result.cell_prev, [0.82, 0.64, 0.53])
    # W_f x + U_f h0 + b_f = [-20·1 + 2·0 - 10, 0, 20·1 - 1·0 + 10] = [-30, 0, 30]
    np.testing.assert_array_equal(result.forget_pre, [-30.0, 0.0, 30.0])
    np.testing.assert_array_equal(np.round(result.forget_gate, 2), [0.0, 0.5, 1.0])
    # 0 and 1 by saturation, not exactly: σ(±30) is 9.36e-14 away from 0 and 1.
    assert 0.0 < result.forget_gate[0] < 1e-13
    assert 0.0 < 1.0 - result.forget_gate[2] < 1e-13
    np.testing.assert_array_equal(np.round(result.forget_product, 2), [0.0, 0.32, 0.53])
    np.testing.assert_allclose(result.forget_product, [0.0, 0.32, 0.53], atol=1e-12)


def scalar_params() -> LSTMParams:
    def gate(w: float, u: float, b: float) -> tuple[list, list, list]:
        return [[w]], [[u]], [b]

    return LSTMParams(
        forget=gate(0.5, -1.0, 0.25),
        input=gate(1.0, 0.5, -0.5),
        candidate=gate(-1.0, 2.0, 0.1),
        output=gate(2.0, -0.5, 0.0),
    )


def test_scalar_case_by_hand() -> None:
    params = scalar_params()
    # Step 1: x = 1, h0 = 0.1, C0 = 0.5.
    #   z_f = 0.5·1 - 1·0.1 + 0.25 = 0.65      f = 1/(1+e^-0.65) = 0.657010462673499
    #   z_i = 1·1 + 0.5·0.1 - 0.5  = 0.55      i = 1/(1+e^-0.55) = 0.634135591010801
    #   z_C = -1·1 + 2·0.1 + 0.1   = -0.7      ~C = tanh(-0.7)   = -0.604367777117164
    #   z_o = 2·1 - 0.5·0.1 + 0    = 1.95      o = 1/(1+e^-1.95) = 0.875446641812584
    #   C1 = 0.657010462673499·0.5 + 0.634135591010801·(-0.604367777117164) = -0.054745886193327
    #   h1 = 0.875446641812584·tanh(-0.054745886193327)                    = -0.047879278588021
    first = step(params, [1.0], [0.1], [0.5])
    expected_first = {
        "forget_pre": 0.65,
        "input_pre": 0.55,
        "candidate_pre": -0.7,
        "output_pre": 1.95,
        "forget_gate": 0.657010462673499,
        "input_gate": 0.634135591010801,
        "candidate": -0.604367777117164,
        "output_gate": 0.875446641812584,
        "forget_product": 0.328505231336749,
        "input_product": -0.383251117530076,
        "cell": -0.054745886193327,
        "hidden": -0.047879278588021,
    }
    # Step 2: x = -2 from (h1, C1).
    #   z_f = 0.5·(-2) - 1·h1 + 0.25   = -0.702120721411979   f  = 0.331342204417963
    #   z_i = 1·(-2) + 0.5·h1 - 0.5    = -2.523939639294011   i  = 0.074196870285899
    #   z_C = -1·(-2) + 2·h1 + 0.1     = 2.004241442823957    ~C = 0.964326019441145
    #   z_o = 2·(-2) - 0.5·h1 + 0      = -3.976060360705989   o  = 0.018413964307384
    #   C2 = f·C1 + i·~C = 0.053410349963680      h2 = o·tanh(C2) = 0.000982562148470
    second = step(params, [-2.0], first.hidden, first.cell)
    expected_second = {
        "forget_pre": -0.702120721411979,
        "input_pre": -2.523939639294011,
        "candidate_pre": 2.004241442823957,
        "output_pre": -3.976060360705989,
        "forget_gate": 0.331342204417963,
        "input_gate": 0.074196870285899,
        "candidate": 0.964326019441145,
        "output_gate": 0.018413964307384,
        "cell": 0.053410349963680,
        "hidden": 0.000982562148470,
    }
    for result, expected in ((first, expected_first), (second, expected_second)):
        for name, value in expected.items():
            np.testing.assert_allclose(getattr(result, name), [value], rtol=0, atol=1e-14, err_msg=name)


def test_every_field_follows_its_equation() -> None:
    rng = np.random.default_rng(11)
    params = LSTMParams.random(4, 6, seed=11, scale=2.0)
    x, h, c = rng.normal(size=4), rng.uniform(-1, 1, 6), rng.normal(size=6)
    r = step(params, x, h, c)

    def sigma(z: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-z))

    W_f, U_f, b_f = params.forget
    W_i, U_i, b_i = params.input
    W_C, U_C, b_C = params.candidate
    W_o, U_o, b_o = params.output
    expected = {
        "inputs": x,
        "hidden_prev": h,
        "cell_prev": c,
        "forget_pre": W_f @ x + U_f @ h + b_f,
        "input_pre": W_i @ x + U_i @ h + b_i,
        "candidate_pre": W_C @ x + U_C @ h + b_C,
        "output_pre": W_o @ x + U_o @ h + b_o,
        "forget_gate": sigma(r.forget_pre),
        "input_gate": sigma(r.input_pre),
        "candidate": np.tanh(r.candidate_pre),
        "output_gate": sigma(r.output_pre),
        "forget_product": c * r.forget_gate,
        "input_product": r.input_gate * r.candidate,
        "cell": r.forget_product + r.input_product,
        "cell_tanh": np.tanh(r.cell),
        "hidden": r.output_gate * r.cell_tanh,
    }
    assert set(expected) == set(StepResult.field_names())
    for name, value in expected.items():
        np.testing.assert_allclose(getattr(r, name), value, rtol=1e-14, atol=1e-15, err_msg=name)


def test_missing_state_is_zero() -> None:
    params = LSTMParams.random(3, 2, seed=12)
    x = np.array([0.3, -0.2, 0.9])
    implicit, explicit = step(params, x), step(params, x, np.zeros(2), np.zeros(2))
    for name in StepResult.field_names():
        np.testing.assert_array_equal(getattr(implicit, name), getattr(explicit, name))


@pytest.mark.parametrize(
    ("x", "h", "c", "message"),
    [
        (np.zeros(2), np.zeros(3), np.zeros(3), r"input x_t: expected shape \(3,\), got \(2,\)"),
        (np.zeros(3), np.zeros(4), np.zeros(3), r"h_\{t-1\}: expected shape \(3,\), got \(4,\)"),
        (np.zeros(3), np.zeros(3), np.zeros((3, 1)), r"C_\{t-1\}: expected shape \(3,\), got \(3, 1\)"),
    ],
)
def test_wrong_shapes_refused(x, h, c, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        step(LSTMParams.random(3, 3, seed=13), x, h, c)
