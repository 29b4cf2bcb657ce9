"""The coupled input-forget gate LSTM (CIFG): the cell writes exactly what it forgets.

There is no separate input gate: i_t = 1 − f_t, so every C_t is a convex blend of
C_{t-1} and ~C_t, and the cell needs one gate (and one set of weights) less. The
input gate's weights in :class:`~simulator.engine.LSTMParams` are ignored.

A run is an ordinary :class:`~simulator.engine.Trace`. Its ``input_pre`` is
−(forget pre-activation), so that σ(input_pre) = i_t holds for the logistic σ and
both hard sigmoids: each is point-symmetric about (0, ½), σ(−z) = 1 − σ(z).
Continue a CIFG trace with :func:`extend_cifg`, not with ``Trace.extend`` (which
computes the uncoupled LSTM).
"""

from __future__ import annotations

import numpy as np

from simulator.engine.activations import GATE_ACTIVATIONS, tanh
from simulator.engine.cell import StepResult
from simulator.engine.params import LSTMParams
from simulator.engine.trace import Trace
from simulator.engine.validate import as_sequence, as_state, as_vector


def cifg_step(
    params: LSTMParams, x: np.ndarray, h_prev: np.ndarray | None = None, c_prev: np.ndarray | None = None
) -> StepResult:
    r"""Advance the CIFG cell by one timestep.

    With x_t the input, h_{t-1} and C_{t-1} the previous hidden and cell states:

    .. math::

        f_t   &= σ(W_f x_t + U_f h_{t-1} + b_f)        \\
        i_t   &= 1 − f_t                               \\
        ~C_t  &= \tanh(W_C x_t + U_C h_{t-1} + b_C)    \\
        o_t   &= σ(W_o x_t + U_o h_{t-1} + b_o)        \\
        C_t   &= C_{t-1} ⊙ f_t + i_t ⊙ ~C_t            \\
        h_t   &= o_t ⊙ \tanh(C_t)

    σ is ``params.gate_activation``, as in :func:`simulator.engine.step`. The
    input gate's own weights ``params.input`` are ignored.

    Parameters
    ----------
    params : LSTMParams
        The weights (those of the input gate unused); their dtype is the dtype of the result.
    x : array (D,)
        The input x_t.
    h_prev, c_prev : array (H,), optional
        h_{t-1} and C_{t-1}; zero when omitted.

    Returns
    -------
    StepResult
        As :func:`simulator.engine.step`, with ``input_pre`` = −``forget_pre``: every
        gate activation offered is point-symmetric about ½, σ(−z) = 1 − σ(z), so
        σ(``input_pre``) = ``input_gate`` (to rounding) as for the other gates.

    Raises
    ------
    ValueError
        If a shape is wrong or a value is NaN or infinite.
    """
    dtype = params.dtype
    x = as_vector(x, params.input_size, "input x_t", dtype)
    h_prev = as_state(h_prev, params.hidden_size, "h_{t-1}", dtype)
    c_prev = as_state(c_prev, params.hidden_size, "C_{t-1}", dtype)
    return _advance(params, x, h_prev, c_prev)


def _advance(params: LSTMParams, x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray) -> StepResult:
    """The equations of :func:`cifg_step` on arguments already checked."""
    W_f, U_f, b_f = params.forget
    W_C, U_C, b_C = params.candidate
    W_o, U_o, b_o = params.output
    sigmoid = GATE_ACTIVATIONS[params.gate_activation]

    with np.errstate(over="ignore", invalid="ignore"):
        # fmt: off
        forget_pre = W_f @ x + U_f @ h_prev + b_f
        input_pre = -forget_pre                     # σ(−z) = 1 − σ(z): the pre-activation of i_t
        candidate_pre = W_C @ x + U_C @ h_prev + b_C
        output_pre = W_o @ x + U_o @ h_prev + b_o

        f_t = sigmoid(forget_pre)                   # f_t  = σ(W_f x_t + U_f h_{t-1} + b_f)
        i_t = 1 - f_t                               # i_t  = 1 − f_t
        C_tilde = tanh(candidate_pre)               # ~C_t = tanh(W_C x_t + U_C h_{t-1} + b_C)
        o_t = sigmoid(output_pre)                   # o_t  = σ(W_o x_t + U_o h_{t-1} + b_o)
        forget_product = c_prev * f_t               # C_{t-1} ⊙ f_t
        input_product = i_t * C_tilde               # i_t ⊙ ~C_t
        C_t = forget_product + input_product        # C_t  = C_{t-1} ⊙ f_t + i_t ⊙ ~C_t
        cell_tanh = tanh(C_t)                       # tanh(C_t)
        h_t = o_t * cell_tanh                       # h_t  = o_t ⊙ tanh(C_t)
        # fmt: on

    return StepResult.of(
        x, h_prev, c_prev,
        (forget_pre, input_pre, candidate_pre, output_pre),
        (f_t, i_t, C_tilde, o_t),
        (forget_product, input_product),
        C_t, cell_tanh, h_t,
    )  # fmt: skip


def extend_cifg(trace: Trace, params: LSTMParams, inputs: np.ndarray) -> None:
    """Run the CIFG cell over ``inputs`` (T, D) from the trace's final state, appending T steps.

    Each step is :func:`cifg_step`, bit for bit.

    Raises
    ------
    ValueError
        If ``params`` do not fit the trace, or a shape or value is wrong.
    """
    if (params.input_size, params.hidden_size) != (trace.input_size, trace.hidden_size):
        raise ValueError(
            f"params of size D={params.input_size}, H={params.hidden_size} do not fit a trace "
            f"of size D={trace.input_size}, H={trace.hidden_size}"
        )
    dtype = params.dtype
    X = as_sequence(inputs, params.input_size, "inputs", dtype)
    trace.reserve(len(trace) + X.shape[0])
    h, c = (state.astype(dtype) for state in trace.final_state)
    for x in X:
        result = _advance(params, x, h, c)
        trace.append(result)
        h, c = result.hidden, result.cell


def run_cifg(
    params: LSTMParams,
    inputs: np.ndarray,
    h0: np.ndarray | None = None,
    c0: np.ndarray | None = None,
) -> Trace:
    """Run the CIFG cell over an input sequence (T, D) from ``(h0, C0)`` (zeros by default).

    Returns
    -------
    Trace
        Every gate, product and state at every step; row ``k`` is :func:`cifg_step`
        from :meth:`Trace.state_before` ``(k)``, bit for bit.

    Raises
    ------
    ValueError
        If a shape is wrong or a value is NaN or infinite.
    """
    X = as_sequence(inputs, params.input_size, "inputs", params.dtype)
    trace = Trace.for_params(params, h0, c0, capacity=max(X.shape[0], 1))
    extend_cifg(trace, params, X)
    return trace
