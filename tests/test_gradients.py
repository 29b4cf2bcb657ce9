"""Gradient flow: Jacobians of later states with respect to earlier ones, checked against finite
differences (always) and PyTorch autograd (when installed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.engine import LSTMParams, Trace, run, step
from simulator.engine.backward import backward
from simulator.gradients import (
    TanhRNN,
    cell_state_jacobian,
    cell_state_jacobian_norms,
    gradient_flow,
    hidden_loss_gradients,
    rnn_run,
    rnn_state_jacobian_norms,
)
from simulator.io.presets import load_preset

D, H, T = 3, 4, 7
EPS = 1e-6
REPO = Path(__file__).resolve().parents[1]


def problem(seed: int = 0) -> tuple[LSTMParams, Trace]:
    """Random weights large enough that no gate sits at ½, a random input sequence and state."""
    rng = np.random.default_rng(seed)
    params = LSTMParams.random(D, H, seed=seed, scale=1.0)
    trace = run(params, rng.normal(size=(T, D)), rng.normal(size=H), rng.normal(size=H))
    return params, trace


def cell_after_nudge(params: LSTMParams, trace: Trace, k: int, cell: np.ndarray, end: int) -> np.ndarray:
    """C_end when C_k is replaced by ``cell`` and the run goes on.

    h_k = o_k ⊙ tanh C_k follows the nudge (for k = 0, h_0 does not: it is an input of its own).
    """
    h = trace.h0 if k == 0 else trace.output_gate[k - 1] * np.tanh(cell)
    c = cell
    for row in range(k, end):
        result = step(params, trace.inputs[row], h, c)
        h, c = result.hidden, result.cell
    return c


def numeric_cell_jacobian(params: LSTMParams, trace: Trace, k: int, end: int) -> np.ndarray:
    """∂C_end/∂C_k by central differences, one column per unit of C_k."""
    C_k = trace.state_before(k)[1]
    jacobian = np.empty((H, H))
    for j in range(H):
        e = np.zeros(H)
        e[j] = EPS
        plus = cell_after_nudge(params, trace, k, C_k + e, end)
        minus = cell_after_nudge(params, trace, k, C_k - e, end)
        jacobian[:, j] = (plus - minus) / (2 * EPS)
    return jacobian


# ------------------------------------------------------------ finite differences
@pytest.mark.parametrize("end", [T, 4])
def test_cell_jacobian_matches_finite_differences(end: int) -> None:
    params, trace = problem()
    for k in range(end + 1):
        analytic = cell_state_jacobian(params, trace, k, end)
        numeric = numeric_cell_jacobian(params, trace, k, end)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9, err_msg=f"k = {k}")
    assert np.abs(cell_state_jacobian(params, trace, 0, end)).max() > 1e-2  # not vacuously zero


def test_cell_jacobian_counts_the_path_through_h() -> None:
    """Holding h_k fixed while C_k moves gives a different (partial) derivative: ours is the total one."""
    params, trace = problem(1)
    k = 2
    h_k, C_k = trace.state_before(k)
    held = np.empty((H, H))
    for j in range(H):
        e = np.zeros(H)
        e[j] = EPS
        ends = []
        for c in (C_k + e, C_k - e):
            h, c_next = h_k, c
            for row in range(k, T):
                result = step(params, trace.inputs[row], h, c_next)
                h, c_next = result.hidden, result.cell
            ends.append(c_next)
        held[:, j] = (ends[0] - ends[1]) / (2 * EPS)
    assert np.abs(cell_state_jacobian(params, trace, k) - held).max() > 1e-3


def test_norms_are_the_norms_of_the_jacobians() -> None:
    params, trace = problem(2)
    norms = cell_state_jacobian_norms(params, trace)
    assert norms.shape == (T + 1,)
    expected = [np.linalg.norm(cell_state_jacobian(params, trace, k)) for k in range(T + 1)]
    np.testing.assert_allclose(norms, expected, rtol=1e-13)
    assert norms[-1] == pytest.approx(np.sqrt(H))
    window = cell_state_jacobian_norms(params, trace, start=2, end=5)
    expected = [np.linalg.norm(cell_state_jacobian(params, trace, k, 5)) for k in range(2, 6)]
    np.testing.assert_allclose(window, expected, rtol=1e-13)


def test_jacobian_agrees_with_backward() -> None:
    """For L = w·C_T, backward()'s ∂L/∂C_k is wᵀ ∂C_T/∂C_k."""
    params, trace = problem(3)
    w = np.random.default_rng(3).normal(size=H)
    loss_cell = np.zeros((T, H))
    loss_cell[-1] = w
    grads = backward(params, trace, np.zeros((T, H)), loss_cell)
    for k in range(1, T + 1):
        np.testing.assert_allclose(w @ cell_state_jacobian(params, trace, k), grads.cell[k - 1], rtol=1e-12)
    np.testing.assert_allclose(w @ cell_state_jacobian(params, trace, 0), grads.c0, rtol=1e-12)


@pytest.mark.parametrize("loss", ["sum_h_T", "half_sq_h_T"])
def test_hidden_loss_gradients_match_finite_differences(loss: str) -> None:
    params, trace = problem(4)

    def value(p: LSTMParams, h0: np.ndarray, c0: np.ndarray) -> float:
        h_T = run(p, trace.inputs, h0, c0).hidden[-1]
        return float(h_T.sum()) if loss == "sum_h_T" else 0.5 * float(h_T @ h_T)

    grads = hidden_loss_gradients(params, trace, loss)
    h_T = trace.hidden[-1]
    np.testing.assert_array_equal(grads.hidden[-1], np.ones(H) if loss == "sum_h_T" else h_T)
    for gate, part, index in [
        ("forget", "input", (1, 2)),
        ("candidate", "recurrent", (0, 3)),
        ("output", "bias", (2,)),
    ]:
        x = params.part(gate, part)[index]
        plus = value(params.with_value(gate, part, index, x + EPS), trace.h0, trace.c0)
        minus = value(params.with_value(gate, part, index, x - EPS), trace.h0, trace.c0)
        assert grads.weights.part(gate, part)[index] == pytest.approx(
            (plus - minus) / (2 * EPS), rel=1e-6, abs=1e-9
        )
    for j in range(H):
        e = np.zeros(H)
        e[j] = EPS
        numeric = (value(params, trace.h0, trace.c0 + e) - value(params, trace.h0, trace.c0 - e)) / (2 * EPS)
        assert grads.c0[j] == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def test_hidden_loss_gradients_refuse_bad_requests() -> None:
    params, trace = problem()
    with pytest.raises(ValueError, match="unknown loss"):
        hidden_loss_gradients(params, trace, "mean_h_T")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one step"):
        hidden_loss_gradients(params, Trace.for_params(params))


def test_hard_sigmoid_gates_are_refused() -> None:
    params, trace = problem()
    with pytest.raises(ValueError, match="sigmoid gates"):
        cell_state_jacobian_norms(params.replace(gate_activation="hard_sigmoid"), trace)


def test_steps_outside_the_trace_are_refused() -> None:
    params, trace = problem()
    with pytest.raises(ValueError, match="outside"):
        cell_state_jacobian(params, trace, 3, T + 1)
    with pytest.raises(ValueError, match="outside"):
        cell_state_jacobian_norms(params, trace, start=5, end=4)


# ------------------------------------------------------------ the tanh RNN
def test_rnn_is_the_candidate_layer_fed_back() -> None:
    params, trace = problem(5)
    rnn = TanhRNN.from_lstm(params)
    W, U, b = params.gate("candidate")
    np.testing.assert_array_equal(rnn.W, W)
    np.testing.assert_array_equal(rnn.U, U)
    np.testing.assert_array_equal(rnn.b, b)
    hidden = rnn_run(rnn, trace.inputs, trace.h0)
    h = trace.h0
    for t in range(T):
        h = np.tanh(W @ trace.inputs[t] + U @ h + b)
        np.testing.assert_allclose(hidden[t], h, rtol=1e-14)


def test_rnn_norms_match_finite_differences() -> None:
    params, trace = problem(6)
    rnn = TanhRNN.from_lstm(params)
    hidden = rnn_run(rnn, trace.inputs, trace.h0)
    norms = rnn_state_jacobian_norms(rnn, hidden)
    assert norms.shape == (T + 1,)
    for k in range(T + 1):
        h_k = trace.h0 if k == 0 else hidden[k - 1]
        jacobian = np.empty((H, H))
        for j in range(H):
            e = np.zeros(H)
            e[j] = EPS
            plus = rnn_run(rnn, trace.inputs[k:], h_k + e)[-1] if k < T else h_k + e
            minus = rnn_run(rnn, trace.inputs[k:], h_k - e)[-1] if k < T else h_k - e
            jacobian[:, j] = (plus - minus) / (2 * EPS)
        assert norms[k] == pytest.approx(np.linalg.norm(jacobian), rel=1e-6), k
    window = rnn_state_jacobian_norms(rnn, hidden, start=3, end=6)
    np.testing.assert_allclose(window, rnn_state_jacobian_norms(rnn, hidden[:6])[3:], rtol=1e-14)


def test_gradient_flow_bundles_the_curves() -> None:
    params, trace = problem(7)
    flow = gradient_flow(params, trace.inputs, trace.h0, trace.c0)
    np.testing.assert_allclose(flow.cell_jacobian_norms, cell_state_jacobian_norms(params, trace), rtol=1e-12)
    rnn = TanhRNN.from_lstm(params)
    expected = rnn_state_jacobian_norms(rnn, rnn_run(rnn, trace.inputs, trace.h0))
    np.testing.assert_allclose(flow.rnn_jacobian_norms, expected, rtol=1e-12)
    grads = hidden_loss_gradients(params, trace)
    assert flow.cell_gradient_norms.shape == flow.hidden_gradient_norms.shape == (T + 1,)
    assert flow.cell_gradient_norms[0] == pytest.approx(np.linalg.norm(grads.c0))
    np.testing.assert_allclose(flow.cell_gradient_norms[1:], np.linalg.norm(grads.cell, axis=1))
    np.testing.assert_allclose(flow.hidden_gradient_norms[1:], np.linalg.norm(grads.hidden, axis=1))


# ------------------------------------------------------------ the vanishing gradient
@settings(max_examples=25, deadline=None)
@given(x1=st.floats(0.0, 1.0), x2=st.floats(-1.0, 1.0))
def test_cell_state_keeps_the_gradient_the_rnn_loses(x1: float, x2: float) -> None:
    """Worked example, 200 steps of a constant input with x1 ≥ 0 and |x2| ≤ 1.

    Unit 3's forget gate is σ(20 x1 − x2 + ½ h3 + 10) ≥ σ(8.5) > 0.9997, so C_3 carries its value
    (and its gradient) almost undiminished: 150 steps back ‖∂C_T/∂C_k‖ ≥ 0.9997¹⁵⁰ > 0.9. The RNN
    built from the candidate layer has ‖U_C‖₂ < 0.6 and |tanh'| ≤ 1, so its gradient shrinks at
    least 0.6× per step: ‖∂h_T/∂h_k‖ ≤ √3 · 0.6¹⁵⁰ < 1e-32.
    """
    preset = load_preset("worked-example")
    flow = gradient_flow(preset.params, np.tile([x1, x2], (200, 1)), preset.h0, preset.c0)
    lstm, rnn = flow.cell_jacobian_norms, flow.rnn_jacobian_norms
    far = slice(0, 51)  # k = 0…50, at least 150 steps before T = 200
    assert lstm[far].min() > 0.9
    assert rnn[far].max() < 1e-32
    assert np.all(lstm[far] > 1e30 * rnn[far])


def test_worked_example_rnn_weights_shrink_every_step() -> None:
    """The bound the property test relies on."""
    U = load_preset("worked-example").params.gate("candidate").recurrent_weights
    assert np.linalg.norm(U, 2) < 0.6


# ------------------------------------------------------------ PyTorch autograd
def torch_cell_states(params: LSTMParams, trace: Trace):
    """C_0…C_T computed with torch ops from ``params.to_torch()`` (order i, f, g, o), retaining grads."""
    torch = pytest.importorskip("torch")
    packed = {k: torch.tensor(v, dtype=torch.float64) for k, v in params.to_torch().items()}
    X = torch.tensor(trace.inputs, dtype=torch.float64)
    h = torch.tensor(trace.h0, dtype=torch.float64)
    c = torch.tensor(trace.c0, dtype=torch.float64, requires_grad=True)
    cells = [c]
    for t in range(len(X)):
        z = packed["weight_ih"] @ X[t] + packed["bias_ih"] + packed["weight_hh"] @ h + packed["bias_hh"]
        z_i, z_f, z_g, z_o = z.chunk(4)
        c = torch.sigmoid(z_f) * c + torch.sigmoid(z_i) * torch.tanh(z_g)
        c.retain_grad()
        h = torch.sigmoid(z_o) * torch.tanh(c)
        cells.append(c)
    return cells


def test_cell_jacobian_matches_torch_autograd() -> None:
    torch = pytest.importorskip("torch")
    params, trace = problem(8)
    cells = torch_cell_states(params, trace)
    for i in range(H):
        for c in cells:
            c.grad = None
        cells[-1][i].backward(retain_graph=True)
        for k, c in enumerate(cells[:-1]):
            ours = cell_state_jacobian(params, trace, k)[i]
            np.testing.assert_allclose(
                ours, c.grad.numpy(), rtol=1e-8, atol=1e-12, err_msg=f"row {i}, k = {k}"
            )
    # The states themselves agree, so the Jacobians are taken at the same point.
    np.testing.assert_allclose(cells[-1].detach().numpy(), trace.cell[-1], rtol=1e-12)
    assert torch.is_grad_enabled()


def test_rnn_norms_match_torch_autograd() -> None:
    torch = pytest.importorskip("torch")
    params, trace = problem(9)
    rnn = TanhRNN.from_lstm(params)
    W, U, b = (torch.tensor(a) for a in (rnn.W, rnn.U, rnn.b))
    X = torch.tensor(trace.inputs)
    states = [torch.tensor(trace.h0, requires_grad=True)]
    for t in range(T):
        states.append(torch.tanh(W @ X[t] + U @ states[-1] + b))
        states[-1].retain_grad()
    rows = np.zeros((T + 1, H, H))
    for i in range(H):
        for s in states:
            s.grad = None
        states[-1][i].backward(retain_graph=True)
        for k, s in enumerate(states[:-1]):
            rows[k, i] = s.grad.numpy()
    rows[T] = np.eye(H)
    expected = np.linalg.norm(rows, axis=(1, 2))
    hidden = rnn_run(rnn, trace.inputs, trace.h0)
    np.testing.assert_allclose(rnn_state_jacobian_norms(rnn, hidden), expected, rtol=1e-8)


# ------------------------------------------------------------ layering
def test_gradients_module_imports_no_qt() -> None:
    check = (
        "import sys, simulator.gradients\n"
        "qt = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph')]\n"
        "assert not qt, qt\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
