"""backward(): BPTT gradients against central finite differences and against torch autograd."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine import GATES, PARTS, LSTMParams, run, step
from simulator.engine.backward import Gradients, backward

D, H, T = 3, 4, 6
EPS = 1e-6


def problem(seed: int = 0) -> tuple[LSTMParams, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Random weights (large enough that the gates are not all near ½), inputs, state and loss weights."""
    rng = np.random.default_rng(seed)
    params = LSTMParams.random(D, H, seed=seed, scale=1.0)
    X = rng.normal(size=(T, D))
    h0, c0 = rng.normal(size=H), rng.normal(size=H)
    A, B = rng.normal(size=(T, H)), rng.normal(size=(T, H))
    return params, X, h0, c0, A, B


def loss(params: LSTMParams, X, h0, c0, A, B) -> float:
    """L = Σ_t A_t·h_t + ½ Σ_t B_t·C_t² — a loss with direct terms in both h_t and C_t."""
    trace = run(params, X, h0, c0)
    return float(np.sum(A * trace.hidden) + 0.5 * np.sum(B * trace.cell**2))


def gradients(params: LSTMParams, X, h0, c0, A, B) -> Gradients:
    trace = run(params, X, h0, c0)
    return backward(params, trace, A, B * trace.cell)


def test_weight_gradients_match_finite_differences() -> None:
    params, X, h0, c0, A, B = problem()
    grads = gradients(params, X, h0, c0, A, B)
    checked = 0
    for gate in GATES:
        for part in PARTS:
            analytic = grads.weights.part(gate, part)
            for index in np.ndindex(analytic.shape):
                value = params.part(gate, part)[index]
                plus = loss(params.with_value(gate, part, index, value + EPS), X, h0, c0, A, B)
                minus = loss(params.with_value(gate, part, index, value - EPS), X, h0, c0, A, B)
                numeric = (plus - minus) / (2 * EPS)
                assert analytic[index] == pytest.approx(numeric, abs=1e-7, rel=1e-6), (gate, part, index)
                checked += 1
    assert checked == 4 * (H * D + H * H + H)


@pytest.mark.parametrize("which", ["h0", "c0"])
def test_initial_state_gradients_match_finite_differences(which: str) -> None:
    params, X, h0, c0, A, B = problem(1)
    analytic = getattr(gradients(params, X, h0, c0, A, B), which)
    numeric = np.zeros(H)
    for j in range(H):
        e = np.zeros(H)
        e[j] = EPS
        if which == "h0":
            numeric[j] = (loss(params, X, h0 + e, c0, A, B) - loss(params, X, h0 - e, c0, A, B)) / (2 * EPS)
        else:
            numeric[j] = (loss(params, X, h0, c0 + e, A, B) - loss(params, X, h0, c0 - e, A, B)) / (2 * EPS)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)
    assert np.abs(analytic).max() > 1e-3  # a real gradient, not a vacuous zero


def loss_after_nudge(params, X, h0, c0, A, B, k: int, cell: np.ndarray, hidden: np.ndarray) -> float:
    """The loss when step k's cell state and hidden state are replaced, then the run continues."""
    trace = run(params, X, h0, c0)
    Hs, Cs = trace.hidden.copy(), trace.cell.copy()
    Hs[k], Cs[k] = hidden, cell
    h, c = hidden, cell
    for t in range(k + 1, T):
        result = step(params, X[t], h, c)
        h, c = result.hidden, result.cell
        Hs[t], Cs[t] = h, c
    return float(np.sum(A * Hs) + 0.5 * np.sum(B * Cs**2))


@pytest.mark.parametrize("k", [0, 2, T - 1])
def test_state_gradients_match_finite_differences(k: int) -> None:
    params, X, h0, c0, A, B = problem(2)
    grads = gradients(params, X, h0, c0, A, B)
    trace = run(params, X, h0, c0)
    o_k, C_k, h_k = trace.output_gate[k], trace.cell[k], trace.hidden[k]
    d_hidden, d_cell = np.zeros(H), np.zeros(H)
    for j in range(H):
        e = np.zeros(H)
        e[j] = EPS
        # h_t alone: the cell state stays.
        plus = loss_after_nudge(params, X, h0, c0, A, B, k, C_k, h_k + e)
        minus = loss_after_nudge(params, X, h0, c0, A, B, k, C_k, h_k - e)
        d_hidden[j] = (plus - minus) / (2 * EPS)
        # C_t: h_t = o_t ⊙ tanh(C_t) follows it.
        plus = loss_after_nudge(params, X, h0, c0, A, B, k, C_k + e, o_k * np.tanh(C_k + e))
        minus = loss_after_nudge(params, X, h0, c0, A, B, k, C_k - e, o_k * np.tanh(C_k - e))
        d_cell[j] = (plus - minus) / (2 * EPS)
    np.testing.assert_allclose(grads.hidden[k], d_hidden, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(grads.cell[k], d_cell, rtol=1e-6, atol=1e-8)


def test_last_step_hidden_gradient_is_the_direct_term() -> None:
    params, X, h0, c0, A, B = problem(3)
    grads = gradients(params, X, h0, c0, A, B)
    np.testing.assert_array_equal(grads.hidden[-1], A[-1])
    assert grads.hidden.shape == grads.cell.shape == (T, H)


def test_matches_torch_autograd() -> None:
    torch = pytest.importorskip("torch")
    params, X, h0, c0, A, B = problem(4)
    packed = {
        k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.to_torch().items()
    }
    h = torch.tensor(h0, dtype=torch.float64, requires_grad=True)
    c = torch.tensor(c0, dtype=torch.float64, requires_grad=True)
    cell = torch.nn.LSTMCell(D, H, dtype=torch.float64)
    hs, cs = [], []
    h_t, c_t = h[None], c[None]
    for t in range(T):
        h_t, c_t = torch.func.functional_call(cell, packed, (torch.tensor(X[t : t + 1]), (h_t, c_t)))
        h_t.retain_grad()
        hs.append(h_t)
        cs.append(c_t)
    hidden, cells = torch.cat(hs), torch.cat(cs)
    total = (torch.tensor(A) * hidden).sum() + 0.5 * (torch.tensor(B) * cells**2).sum()
    total.backward()

    ours = gradients(params, X, h0, c0, A, B)
    expected = LSTMParams.from_torch(
        packed["weight_ih"].grad, packed["weight_hh"].grad, packed["bias_ih"].grad
    )
    for mine, theirs in zip(ours.weights.stacked, expected.stacked, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-8)
    np.testing.assert_allclose(packed["bias_hh"].grad.numpy(), packed["bias_ih"].grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(ours.h0, h.grad.numpy(), rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours.c0, c.grad.numpy(), rtol=0, atol=1e-8)
    # The .grad of each step's h_t counts the paths that leave it (the loss and step t+1), like ours.
    np.testing.assert_allclose(ours.hidden, torch.cat([h_t.grad for h_t in hs]).numpy(), rtol=0, atol=1e-8)
    assert np.abs(ours.weights.stacked[0]).max() > 1e-2


def test_rejects_mismatched_sizes() -> None:
    params, X, h0, c0, A, _ = problem()
    trace = run(params, X, h0, c0)
    with pytest.raises(ValueError, match=r"loss_hidden: expected shape \(6, 4\)"):
        backward(params, trace, A[:-1])
    with pytest.raises(ValueError, match="does not fit params"):
        backward(LSTMParams.random(D + 1, H), trace, A)
