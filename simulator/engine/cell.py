"""One timestep of the LSTM cell, every intermediate kept for the diagram."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from simulator.engine.activations import GATE_ACTIVATIONS, tanh
from simulator.engine.params import LSTMParams
from simulator.engine.validate import as_state, as_vector


@dataclass(frozen=True)
class StepResult:
    """Everything one step computes, named as on the diagram.

    ``*_pre`` are the gates' pre-activations (the dense layers' outputs before
    σ or tanh); ``forget_product`` is C_{t-1} ⊙ f_t and ``input_product`` is
    i_t ⊙ ~C_t; ``cell_tanh`` is tanh(C_t).
    """

    inputs: np.ndarray
    hidden_prev: np.ndarray
    cell_prev: np.ndarray
    forget_pre: np.ndarray
    input_pre: np.ndarray
    candidate_pre: np.ndarray
    output_pre: np.ndarray
    forget_gate: np.ndarray
    input_gate: np.ndarray
    candidate: np.ndarray
    output_gate: np.ndarray
    forget_product: np.ndarray
    input_product: np.ndarray
    cell: np.ndarray
    cell_tanh: np.ndarray
    hidden: np.ndarray

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def of(
        cls,
        x: np.ndarray,
        h_prev: np.ndarray,
        c_prev: np.ndarray,
        pre: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
        gates: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
        products: tuple[np.ndarray, np.ndarray],
        cell: np.ndarray,
        cell_tanh: np.ndarray,
        hidden: np.ndarray,
    ) -> StepResult:
        """One step from the values its equations name: ``pre`` and ``gates`` in the order
        f, i, ~C, o; ``products`` C_{t-1} ⊙ f_t and i_t ⊙ ~C_t (shared by the LSTM-shaped cells)."""
        forget_pre, input_pre, candidate_pre, output_pre = pre
        forget_gate, input_gate, candidate, output_gate = gates
        forget_product, input_product = products
        return cls(
            x, h_prev, c_prev, forget_pre, input_pre, candidate_pre, output_pre,
            forget_gate, input_gate, candidate, output_gate, forget_product, input_product,
            cell, cell_tanh, hidden,
        )  # fmt: skip


def step(
    params: LSTMParams, x: np.ndarray, h_prev: np.ndarray | None = None, c_prev: np.ndarray | None = None
) -> StepResult:
    r"""Advance the cell by one timestep.

    With x_t the input, h_{t-1} and C_{t-1} the previous hidden and cell states:

    .. math::

        f_t   &= σ(W_f x_t + U_f h_{t-1} + b_f)        \\
        i_t   &= σ(W_i x_t + U_i h_{t-1} + b_i)        \\
        ~C_t  &= \tanh(W_C x_t + U_C h_{t-1} + b_C)    \\
        o_t   &= σ(W_o x_t + U_o h_{t-1} + b_o)        \\
        C_t   &= C_{t-1} ⊙ f_t + i_t ⊙ ~C_t            \\
        h_t   &= o_t ⊙ \tanh(C_t)

    σ is ``params.gate_activation``: the logistic function σ(z) = 1 / (1 + e^{-z})
    by default; Keras 2's hard sigmoid σ(z) = clip(0.2 z + 0.5, 0, 1) for
    ``"hard_sigmoid"``; Keras 3's σ(z) = clip(z/6 + 0.5, 0, 1) for
    ``"hard_sigmoid_keras3"``.

    Parameters
    ----------
    params : LSTMParams
        The weights; their dtype is the dtype of the result.
    x : array (D,)
        The input x_t.
    h_prev, c_prev : array (H,), optional
        h_{t-1} and C_{t-1}; zero when omitted.

    Returns
    -------
    StepResult
        Each gate's pre-activation, the gates, both products, C_t, tanh(C_t), h_t.

    Raises
    ------
    ValueError
        If a shape is wrong or a value is NaN or infinite.
    """
    dtype = params.dtype
    x = as_vector(x, params.input_size, "input x_t", dtype)
    h_prev = as_state(h_prev, params.hidden_size, "h_{t-1}", dtype)
    c_prev = as_state(c_prev, params.hidden_size, "C_{t-1}", dtype)
    W_f, U_f, b_f = params.forget
    W_i, U_i, b_i = params.input
    W_C, U_C, b_C = params.candidate
    W_o, U_o, b_o = params.output
    sigmoid = GATE_ACTIVATIONS[params.gate_activation]

    with np.errstate(over="ignore", invalid="ignore"):
        forget_pre = W_f @ x + U_f @ h_prev + b_f
        input_pre = W_i @ x + U_i @ h_prev + b_i
        candidate_pre = W_C @ x + U_C @ h_prev + b_C
        output_pre = W_o @ x + U_o @ h_prev + b_o

        f_t = sigmoid(forget_pre)                   # f_t  = σ(W_f x_t + U_f h_{t-1} + b_f)
        i_t = sigmoid(input_pre)                    # i_t  = σ(W_i x_t + U_i h_{t-1} + b_i)
        C_tilde = tanh(candidate_pre)               # ~C_t = tanh(W_C x_t + U_C h_{t-1} + b_C)
        o_t = sigmoid(output_pre)                   # o_t  = σ(W_o x_t + U_o h_{t-1} + b_o)
        forget_product = c_prev * f_t               # C_{t-1} ⊙ f_t
        input_product = i_t * C_tilde               # i_t ⊙ ~C_t
        C_t = forget_product + input_product        # C_t  = C_{t-1} ⊙ f_t + i_t ⊙ ~C_t
        cell_tanh = tanh(C_t)                       # tanh(C_t)
        h_t = o_t * cell_tanh                       # h_t  = o_t ⊙ tanh(C_t)

    return StepResult.of(
        x, h_prev, c_prev,
        (forget_pre, input_pre, candidate_pre, output_pre),
        (f_t, i_t, C_tilde, o_t),
        (forget_product, input_product),
        C_t, cell_tanh, h_t,
    )  # fmt: skip
