r"""Backpropagation through time (BPTT) for the LSTM cell of :func:`simulator.engine.step`.

Given a run (a :class:`~simulator.engine.Trace`) and the loss's direct
derivatives ∂L/∂h_t (and optionally ∂L/∂C_t) at each step, :func:`backward`
returns the gradient of the loss with respect to every weight, to h_0 and C_0,
and to each h_t and C_t — the last two counting every path from that state to
the loss, which is what a "gradient flow" view shows vanishing or not.

Going back from t = T to 1, starting from dz_{T+1} = 0 and dC_{T+1} = 0, with
the gates read from the trace:

.. math::

    dh_t   &= ∂L/∂h_t + U^⊤ dz_{t+1}                           \\
    dC_t   &= ∂L/∂C_t + dC_{t+1} ⊙ f_{t+1} + dh_t ⊙ o_t ⊙ (1 - \tanh^2 C_t) \\
    do_t   &= dh_t ⊙ \tanh C_t                                 \\
    df_t   &= dC_t ⊙ C_{t-1}                                   \\
    di_t   &= dC_t ⊙ ~C_t                                      \\
    d~C_t  &= dC_t ⊙ i_t                                       \\
    dz_t   &= [df_t ⊙ f_t(1-f_t);\ di_t ⊙ i_t(1-i_t);\ d~C_t ⊙ (1-~C_t^2);\ do_t ⊙ o_t(1-o_t)] \\
    dW &\mathrel{+}= dz_t x_t^⊤,\quad dU \mathrel{+}= dz_t h_{t-1}^⊤,\quad db \mathrel{+}= dz_t

and finally dh_0 = U^⊤ dz_1, dC_0 = dC_1 ⊙ f_1. Here z_t = W x_t + U h_{t-1} + b
stacks the four gates' pre-activations in the engine's order (forget, input,
candidate, output), so dz_t, dW, dU and db are stacked the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.engine.params import LSTMParams
from simulator.engine.trace import GATE_FIELDS, Trace
from simulator.engine.validate import as_sequence


@dataclass(frozen=True)
class Gradients:
    """The gradient of a loss after one backward pass.

    Attributes
    ----------
    weights : LSTMParams
        ∂L/∂W, ∂L/∂U, ∂L/∂b in the layout of the weights (``weights.gate("forget")`` …).
    h0, c0 : array (H,)
        ∂L/∂h_0 and ∂L/∂C_0.
    hidden, cell : array (T, H)
        Row k is ∂L/∂h_t and ∂L/∂C_t for step t = k + 1, counting every path to the loss.
    """

    weights: LSTMParams
    h0: np.ndarray
    c0: np.ndarray
    hidden: np.ndarray
    cell: np.ndarray


def backward(
    params: LSTMParams,
    trace: Trace,
    loss_hidden: np.ndarray,
    loss_cell: np.ndarray | None = None,
) -> Gradients:
    """Backpropagate a loss through a run of the cell.

    Parameters
    ----------
    params : LSTMParams
        The weights the trace was computed with.
    trace : Trace
        The forward run (T steps).
    loss_hidden : array (T, H)
        ∂L/∂h_t, the loss's direct derivative with respect to each h_t (e.g. from a readout).
    loss_cell : array (T, H), optional
        ∂L/∂C_t, the loss's direct derivative with respect to each C_t; zero when omitted.

    Returns
    -------
    Gradients
        ∂L with respect to the weights, h_0, C_0 and every h_t and C_t.

    Raises
    ------
    ValueError
        If the sizes of the weights, the trace and the derivatives do not agree, or the gates
        use a hard sigmoid (its derivative is not σ(1 − σ)).
    """
    if params.gate_activation != "sigmoid":
        raise ValueError(f"gradients need sigmoid gates; these weights use {params.gate_activation}")
    H, D = params.hidden_size, params.input_size
    if (trace.input_size, trace.hidden_size) != (D, H):
        raise ValueError(
            f"trace of size D={trace.input_size}, H={trace.hidden_size} does not fit params "
            f"of size D={D}, H={H}"
        )
    T = len(trace)
    dtype = np.dtype(np.float64)
    dL_dh = _derivative(loss_hidden, T, H, "loss_hidden", dtype)
    dL_dC = np.zeros((T, H)) if loss_cell is None else _derivative(loss_cell, T, H, "loss_cell", dtype)

    _, U, _ = (a.astype(dtype) for a in params.stacked)
    X = trace.inputs.astype(dtype)
    gates = np.stack([getattr(trace, name) for name in GATE_FIELDS]).astype(dtype)  # (4, T, H)
    C = np.vstack([trace.c0[None], trace.cell]).astype(dtype)  # C[k] = C_{t-1} for row k, t = k + 1
    h = np.vstack([trace.h0[None], trace.hidden]).astype(dtype)  # h[k] = h_{t-1}
    tanh_C = np.tanh(C[1:])  # tanh_C[k] = tanh(C_t)

    dW, dU, db = np.zeros((4 * H, D)), np.zeros((4 * H, H)), np.zeros(4 * H)
    hidden, cell = np.zeros((T, H)), np.zeros((T, H))
    dz = np.zeros(4 * H)
    dz_f, dz_i, dz_C, dz_o = dz.reshape(4, H)  # views: the gates' blocks of dz_t
    dh_next = np.zeros(H)  # U^T dz_{t+1}
    dC_next = np.zeros(H)  # dC_{t+1} ⊙ f_{t+1}
    for k in reversed(range(T)):
        f_t, i_t, C_tilde, o_t = gates[:, k]
        dh = dL_dh[k] + dh_next  # dh_t = ∂L/∂h_t + U^T dz_{t+1}
        dC = dL_dC[k] + dC_next + dh * o_t * (1.0 - tanh_C[k] ** 2)  # dC_t
        do = dh * tanh_C[k]  # do_t = dh_t ⊙ tanh C_t
        df = dC * C[k]  # df_t = dC_t ⊙ C_{t-1}
        di = dC * C_tilde  # di_t = dC_t ⊙ ~C_t
        dC_tilde = dC * i_t  # d~C_t = dC_t ⊙ i_t
        dz_f[:] = df * f_t * (1.0 - f_t)  # through σ
        dz_i[:] = di * i_t * (1.0 - i_t)  # through σ
        dz_C[:] = dC_tilde * (1.0 - C_tilde**2)  # through tanh
        dz_o[:] = do * o_t * (1.0 - o_t)  # through σ
        dW += np.outer(dz, X[k])  # dW += dz_t x_t^T
        dU += np.outer(dz, h[k])  # dU += dz_t h_{t-1}^T
        db += dz  # db += dz_t
        hidden[k], cell[k] = dh, dC
        dh_next = U.T @ dz  # U^T dz_t, for dh_{t-1}
        dC_next = dC * f_t  # dC_t ⊙ f_t, for dC_{t-1}

    weights = LSTMParams._from_stacks(dW, dU, db)
    return Gradients(weights=weights, h0=dh_next, c0=dC_next, hidden=hidden, cell=cell)


def _derivative(value: object, T: int, H: int, what: str, dtype: np.dtype) -> np.ndarray:
    array = as_sequence(value, H, what, dtype)
    if array.shape[0] != T:
        raise ValueError(f"{what}: expected shape ({T}, {H}), got {array.shape}")
    return array
