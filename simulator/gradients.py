r"""Gradient flow: how much of a gradient on a late state reaches each earlier one (Qt-free).

Backpropagation through time in NumPy, for the "Gradient flow" view. Three kinds of numbers:

- the Jacobian ∂C_T/∂C_k of the last cell state with respect to an earlier one, and its
  Frobenius norm ‖∂C_T/∂C_k‖ for every k (:func:`cell_state_jacobian_norms`);
- the gradient of a loss on h_T with respect to every C_t, h_t and the weights
  (:func:`hidden_loss_gradients`, a thin wrapper on :func:`simulator.engine.backward.backward`);
- the same Jacobian norms ‖∂h_T/∂h_k‖ for a plain tanh RNN of the same size
  (:class:`TanhRNN`, :func:`rnn_state_jacobian_norms`), whose gradient vanishes where the
  LSTM's cell state carries it.

**What "∂C_T/∂C_k" means.** C_k is an intermediate: a change of C_k also changes
h_k = o_k ⊙ tanh(C_k) (o_k held, as it depends only on h_{k-1} and x_k), and through h_k every
gate of step k + 1. The Jacobian counts every path (the total derivative), exactly as
``backward()`` counts them in ``Gradients.cell``. C_0 and h_0 are separate inputs of the run,
so ∂C_T/∂C_0 holds h_0 fixed.

**Indexing.** Arrays of norms are indexed by step number: entry ``k`` belongs to C_k (or h_k),
from the initial state k = 0 up to k = T, where ∂C_T/∂C_T = I (norm √H).

The matrix form of the backward pass carries an H×H adjoint A_t = ∂C_T/∂C_t (row i: the
gradient of C_T[i]) instead of a vector; with A^h_t = ∂C_T/∂h_t and the gates read from the
trace, from A_{T+1} = 0, A^h_T = 0 back to t = 1 it is ``backward()``'s recursion row by row:

.. math::

    A^h_t  &= dZ_{t+1} U                                             \\
    A_t    &= [t = T]\,I + A_{t+1} ⊙ f_{t+1} + A^h_t ⊙ o_t ⊙ (1 - \tanh^2 C_t) \\
    dO_t   &= A^h_t ⊙ \tanh C_t                                      \\
    dF_t   &= A_t ⊙ C_{t-1}                                          \\
    dI_t   &= A_t ⊙ ~C_t                                             \\
    d~C_t  &= A_t ⊙ i_t                                              \\
    dZ_t   &= [dF_t ⊙ f_t(1-f_t),\ dI_t ⊙ i_t(1-i_t),\ d~C_t ⊙ (1-~C_t^2),\ dO_t ⊙ o_t(1-o_t)]

(⊙ multiplies each row by the per-unit vector; dZ_t is H×4H, its blocks in the engine's
gate order.) Finally ∂C_T/∂C_0 = A_1 ⊙ f_1.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np

from simulator.engine import LSTMParams, Trace, run
from simulator.engine.backward import Gradients, backward
from simulator.engine.trace import GATE_FIELDS
from simulator.engine.validate import as_sequence, as_state

HiddenLoss = Literal["sum_h_T", "half_sq_h_T"]
"""Losses on h_T: L = Σ_i h_T[i] (the gradient of h_T itself, summed) or L = ½‖h_T‖²."""


# ---------------------------------------------------------------- the LSTM
def _check_window(params: LSTMParams, trace: Trace, start: int, end: int | None) -> int:
    if params.gate_activation != "sigmoid":
        raise ValueError(f"gradients need sigmoid gates; these weights use {params.gate_activation}")
    if (trace.input_size, trace.hidden_size) != (params.input_size, params.hidden_size):
        raise ValueError(
            f"trace of size D={trace.input_size}, H={trace.hidden_size} does not fit params "
            f"of size D={params.input_size}, H={params.hidden_size}"
        )
    end = len(trace) if end is None else int(end)
    if not 0 <= start <= end <= len(trace):
        raise ValueError(f"steps {start}..{end} outside 0..{len(trace)}")
    return end


def _cell_adjoints(params: LSTMParams, trace: Trace, start: int, end: int) -> Iterator[np.ndarray]:
    """Yield A_k = ∂C_end/∂C_k (H×H) for k = end, end − 1, …, start (see the module docstring)."""
    H = params.hidden_size
    U = params.stacked[1].astype(np.float64)
    low = max(start - 1, 0)  # the first step whose gates are read: o_start and C_start when start > 0
    f, i, c_tilde, o = (getattr(trace, name)[low:end].astype(np.float64) for name in GATE_FIELDS)
    C = np.vstack([trace.state_before(low)[1][None], trace.cell[low:end]]).astype(np.float64)
    tanh_C = np.tanh(C)  # row s - low is step s: C[t - low] = C_t; gate row t - low - 1 is step t
    A, A_h = np.eye(H), np.zeros((H, H))  # A_T = I; A^h_T = 0 (nothing after step T)
    dZ = np.empty((H, 4 * H))
    dZ_f, dZ_i, dZ_C, dZ_o = (dZ[:, k * H : (k + 1) * H] for k in range(4))  # views: the gates' blocks
    for t in range(end, start - 1, -1):
        if t < end:
            A = A * f[t - low]  # A_{t+1} ⊙ f_{t+1}
            if t > 0:  # h_0 is an input of the run, not a function of C_0
                A_h = dZ @ U  # A^h_t = dZ_{t+1} U
                through_h = o[t - low - 1] * (1.0 - tanh_C[t - low] ** 2)  # ∂h_t/∂C_t = o_t ⊙ (1 − tanh² C_t)
                A = A + A_h * through_h  # A_t = A_{t+1} ⊙ f_{t+1} + A^h_t ⊙ o_t ⊙ (1 − tanh² C_t)
        yield A
        if t > start:
            r = t - low - 1  # the gates of step t
            dZ_f[:] = A * C[r] * (f[r] * (1.0 - f[r]))  # dF_t = A_t ⊙ C_{t-1}, through σ
            dZ_i[:] = A * c_tilde[r] * (i[r] * (1.0 - i[r]))  # dI_t = A_t ⊙ ~C_t, through σ
            dZ_C[:] = A * i[r] * (1.0 - c_tilde[r] ** 2)  # d~C_t = A_t ⊙ i_t, through tanh
            dZ_o[:] = A_h * tanh_C[r + 1] * (o[r] * (1.0 - o[r]))  # dO_t = A^h_t ⊙ tanh C_t, through σ


def cell_state_jacobian(params: LSTMParams, trace: Trace, start: int, end: int | None = None) -> np.ndarray:
    """∂C_end/∂C_start, the H×H Jacobian of a later cell state with respect to an earlier one.

    Parameters
    ----------
    params : LSTMParams
        The weights the trace was computed with (sigmoid gates).
    trace : Trace
        The forward run.
    start : int
        The earlier step k (0 is C_0, held apart from h_0).
    end : int, optional
        The later step; the trace's last step by default.

    Returns
    -------
    array (H, H)
        Entry ``[i, j]`` is ∂C_end[i]/∂C_start[j], counting every path (also through h_start).

    Raises
    ------
    ValueError
        If the steps are outside the trace, the sizes disagree or the gates use a hard sigmoid.
    """
    end = _check_window(params, trace, start, end)
    *_, last = _cell_adjoints(params, trace, start, end)
    return last


def cell_state_jacobian_norms(
    params: LSTMParams, trace: Trace, start: int = 0, end: int | None = None
) -> np.ndarray:
    """‖∂C_end/∂C_k‖ (Frobenius norm) for every step k from ``start`` to ``end``.

    One backward pass carrying an H×H adjoint (see the module docstring) gives all of them.

    Parameters
    ----------
    params : LSTMParams
        The weights the trace was computed with (sigmoid gates).
    trace : Trace
        The forward run.
    start : int, optional
        The earliest step k (0, C_0, by default).
    end : int, optional
        The step whose cell state is differentiated; the trace's last step (T) by default.

    Returns
    -------
    array (end − start + 1,)
        Entry ``j`` is ‖∂C_end/∂C_{start+j}‖; by default entry k is step k, k = 0…T, and the last
        entry is ‖I‖ = √H.

    Raises
    ------
    ValueError
        If the steps are outside the trace, the sizes disagree or the gates use a hard sigmoid.
    """
    end = _check_window(params, trace, start, end)
    norms = [np.linalg.norm(A) for A in _cell_adjoints(params, trace, start, end)]
    return np.array(norms[::-1])


def hidden_loss_gradients(params: LSTMParams, trace: Trace, loss: HiddenLoss = "sum_h_T") -> Gradients:
    """The gradient of a loss on h_T with respect to every C_t, h_t, the weights, h_0 and C_0.

    Parameters
    ----------
    params : LSTMParams
        The weights the trace was computed with (sigmoid gates).
    trace : Trace
        The forward run, T ≥ 1 steps.
    loss : {"sum_h_T", "half_sq_h_T"}
        L = Σ_i h_T[i] (∂L/∂h_T = 1: the gradient of h_T itself, summed over its units) or
        L = ½‖h_T‖² (∂L/∂h_T = h_T).

    Returns
    -------
    Gradients
        As :func:`simulator.engine.backward.backward`: ``cell[t - 1]`` is ∂L/∂C_t, ``hidden[t - 1]``
        is ∂L/∂h_t, each counting every path.

    Raises
    ------
    ValueError
        For an empty trace, an unknown loss, or what ``backward()`` refuses.
    """
    T, H = len(trace), trace.hidden_size
    if T == 0:
        raise ValueError("a loss on h_T needs at least one step")
    loss_hidden = np.zeros((T, H))
    if loss == "sum_h_T":
        loss_hidden[-1] = 1.0
    elif loss == "half_sq_h_T":
        loss_hidden[-1] = trace.hidden[-1]
    else:
        raise ValueError(f"unknown loss {loss!r}; expected 'sum_h_T' or 'half_sq_h_T'")
    return backward(params, trace, loss_hidden)


# ------------------------------------------------------ the plain tanh RNN
@dataclass(frozen=True)
class TanhRNN:
    """A plain (Elman) RNN, h_t = tanh(W x_t + U h_{t-1} + b), for comparison with the LSTM.

    Attributes
    ----------
    W : array (H, D)
    U : array (H, H)
    b : array (H,)
    """

    W: np.ndarray
    U: np.ndarray
    b: np.ndarray

    @classmethod
    def from_lstm(cls, params: LSTMParams) -> TanhRNN:
        """The RNN made of the LSTM's candidate layer: W = W_C, U = U_C, b = b_C.

        It is the LSTM's ~C_t = tanh(W_C x_t + U_C h_{t-1} + b_C) fed straight back as the next
        state, with no gates and no cell state: same size, same weights, same scale.
        """
        W, U, b = (np.array(a, dtype=np.float64) for a in params.gate("candidate"))
        return cls(W, U, b)

    @property
    def hidden_size(self) -> int:
        return self.U.shape[0]


def rnn_run(rnn: TanhRNN, inputs: np.ndarray, h0: np.ndarray | None = None) -> np.ndarray:
    """Run the RNN over inputs (T, D) from h0 (zeros by default).

    Returns
    -------
    array (T, H)
        Row t − 1 is h_t = tanh(W x_t + U h_{t-1} + b).
    """
    H, D = rnn.W.shape
    X = as_sequence(inputs, D, "inputs", np.dtype(np.float64))
    h = as_state(h0, H, "h0", np.dtype(np.float64))
    pre = X @ rnn.W.T + rnn.b  # W x_t + b for every t at once
    hidden = np.empty((X.shape[0], H))
    for t in range(X.shape[0]):
        h = hidden[t] = np.tanh(pre[t] + rnn.U @ h)  # h_t = tanh(W x_t + b + U h_{t-1})
    return hidden


def rnn_state_jacobian_norms(
    rnn: TanhRNN, hidden: np.ndarray, start: int = 0, end: int | None = None
) -> np.ndarray:
    """‖∂h_end/∂h_k‖ (Frobenius norm) for every step k from ``start`` to ``end``.

    With G_k = ∂h_end/∂h_k, G_end = I and G_{t-1} = (G_t ⊙ (1 − h_t²)) U, the rows scaled by
    tanh's derivative, since ∂h_t/∂h_{t-1} = diag(1 − h_t²) U.

    Parameters
    ----------
    rnn : TanhRNN
        The weights the states were computed with.
    hidden : array (T, H)
        The states of :func:`rnn_run` (row t − 1 is h_t; h_0 itself is not needed).
    start, end : int, optional
        The steps, as in :func:`cell_state_jacobian_norms` (0 and T by default).

    Returns
    -------
    array (end − start + 1,)
        Entry ``j`` is ‖∂h_end/∂h_{start+j}‖; the last is ‖I‖ = √H.
    """
    end = len(hidden) if end is None else int(end)
    if not 0 <= start <= end <= len(hidden):
        raise ValueError(f"steps {start}..{end} outside 0..{len(hidden)}")
    G = np.eye(rnn.hidden_size)
    norms = np.empty(end - start + 1)
    norms[-1] = np.linalg.norm(G)
    for t in range(end, start, -1):
        G = (G * (1.0 - hidden[t - 1] ** 2)) @ rnn.U  # G_{t-1} = (G_t ⊙ (1 − h_t²)) U
        norms[t - 1 - start] = np.linalg.norm(G)
    return norms


# ------------------------------------------------------------- the bundle
@dataclass(frozen=True)
class GradientFlow:
    """Everything the gradient-flow view shows for one run of T steps; each array indexed by step 0…T.

    Attributes
    ----------
    cell_jacobian_norms : array (T + 1,)
        ‖∂C_T/∂C_k‖ of the LSTM.
    rnn_jacobian_norms : array (T + 1,)
        ‖∂h_T/∂h_k‖ of the tanh RNN of the same size (:meth:`TanhRNN.from_lstm`).
    cell_gradient_norms : array (T + 1,)
        ‖∂L/∂C_k‖ for L = Σ h_T (entry 0: ∂L/∂C_0), what flows back along the cell-state line.
    hidden_gradient_norms : array (T + 1,)
        ‖∂L/∂h_k‖ for the same loss (entry 0: ∂L/∂h_0).
    """

    cell_jacobian_norms: np.ndarray
    rnn_jacobian_norms: np.ndarray
    cell_gradient_norms: np.ndarray
    hidden_gradient_norms: np.ndarray


def gradient_flow(
    params: LSTMParams, inputs: np.ndarray, h0: np.ndarray | None = None, c0: np.ndarray | None = None
) -> GradientFlow:
    """Run the LSTM and its tanh RNN over ``inputs`` (T ≥ 1 rows) and gather the gradient flow.

    Raises
    ------
    ValueError
        If the inputs are empty or malformed, or the gates use a hard sigmoid.
    """
    trace = run(params, inputs, h0, c0)
    rnn = TanhRNN.from_lstm(params)
    grads = hidden_loss_gradients(params, trace)
    return GradientFlow(
        cell_jacobian_norms=cell_state_jacobian_norms(params, trace),
        rnn_jacobian_norms=rnn_state_jacobian_norms(rnn, rnn_run(rnn, trace.inputs, trace.h0)),
        cell_gradient_norms=np.linalg.norm(np.vstack([grads.c0[None], grads.cell]), axis=1),
        hidden_gradient_norms=np.linalg.norm(np.vstack([grads.h0[None], grads.hidden]), axis=1),
    )


__all__ = [
    "GradientFlow",
    "HiddenLoss",
    "TanhRNN",
    "cell_state_jacobian",
    "cell_state_jacobian_norms",
    "gradient_flow",
    "hidden_loss_gradients",
    "rnn_run",
    "rnn_state_jacobian_norms",
]
