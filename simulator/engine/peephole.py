"""The peephole LSTM (Gers & Schmidhuber): the σ gates also look at the cell state.

The input and forget gates see the previous cell state C_{t-1}; the output gate
sees the new one, C_t, as in Gers, Schraudolph & Schmidhuber (2002) and ONNX's
``LSTM`` with ``P``. The peephole weights are diagonal: one vector of H per
gate, stacked into an array of shape (3, H) in the order input, forget, output
(:data:`PEEPHOLE_GATES`). ONNX packs the same vectors as ``P [dirs, 3H]`` in the
order i, o, f.

A run is an ordinary :class:`~simulator.engine.Trace`; its pre-activations
include the peephole terms. Continue it with :func:`extend_peephole`, not with
``Trace.extend`` (which computes the LSTM without peepholes).
"""

from __future__ import annotations

import numpy as np

from simulator.engine.activations import GATE_ACTIVATIONS, tanh
from simulator.engine.cell import StepResult
from simulator.engine.params import LSTMParams, _as_float_array, _check_finite, _check_shape
from simulator.engine.trace import Trace
from simulator.engine.validate import as_sequence, as_state, as_vector

PEEPHOLE_GATES: tuple[str, ...] = ("input", "forget", "output")
"""The gates with a peephole, in the order of the rows of a peepholes array (p_i, p_f, p_o)."""


def as_peepholes(
    peepholes: object, hidden_size: int, dtype: np.dtype | type | str = np.float64
) -> np.ndarray:
    """``peepholes`` as a finite array of shape (3, H), rows p_i, p_f, p_o.

    Raises
    ------
    ValueError
        If the value is not numeric, has another shape, or holds NaN or an infinite value.
    """
    what = "peepholes (p_i, p_f, p_o)"
    array = _as_float_array(peepholes, what, np.dtype(dtype))
    _check_shape(array, (3, hidden_size), what)
    _check_finite(array, what)
    return array


def zero_peepholes(hidden_size: int, dtype: np.dtype | type | str = np.float64) -> np.ndarray:
    """Peepholes of shape (3, H), all zero: the peephole LSTM is then the plain LSTM."""
    return np.zeros((3, int(hidden_size)), dtype=dtype)


def random_peepholes(
    hidden_size: int,
    seed: int | None = 0,
    scale: float | None = None,
    dtype: np.dtype | type | str = np.float64,
) -> np.ndarray:
    """Reproducible random peepholes of shape (3, H), uniform in ±``scale`` (default 1/√H)."""
    scale = 1.0 / np.sqrt(hidden_size) if scale is None else float(scale)
    rng = np.random.default_rng(seed)
    return rng.uniform(-scale, scale, (3, int(hidden_size))).astype(dtype)


def peephole_step(
    params: LSTMParams,
    peepholes: np.ndarray,
    x: np.ndarray,
    h_prev: np.ndarray | None = None,
    c_prev: np.ndarray | None = None,
) -> StepResult:
    r"""Advance the peephole cell by one timestep.

    With x_t the input, h_{t-1} and C_{t-1} the previous hidden and cell states
    and p_i, p_f, p_o the rows of ``peepholes``:

    .. math::

        f_t   &= σ(W_f x_t + U_f h_{t-1} + p_f ⊙ C_{t-1} + b_f)   \\
        i_t   &= σ(W_i x_t + U_i h_{t-1} + p_i ⊙ C_{t-1} + b_i)   \\
        ~C_t  &= \tanh(W_C x_t + U_C h_{t-1} + b_C)               \\
        C_t   &= C_{t-1} ⊙ f_t + i_t ⊙ ~C_t                       \\
        o_t   &= σ(W_o x_t + U_o h_{t-1} + p_o ⊙ C_t + b_o)       \\
        h_t   &= o_t ⊙ \tanh(C_t)

    The output gate peeks at the *new* cell state C_t. σ is
    ``params.gate_activation``, as in :func:`simulator.engine.step`.

    Parameters
    ----------
    params : LSTMParams
        The weights; their dtype is the dtype of the result.
    peepholes : array (3, H)
        p_i, p_f, p_o: the peephole weights of the input, forget and output gates.
    x : array (D,)
        The input x_t.
    h_prev, c_prev : array (H,), optional
        h_{t-1} and C_{t-1}; zero when omitted.

    Returns
    -------
    StepResult
        As :func:`simulator.engine.step`; the ``*_pre`` fields include the peephole terms.

    Raises
    ------
    ValueError
        If a shape is wrong or a value is NaN or infinite.
    """
    dtype = params.dtype
    P = as_peepholes(peepholes, params.hidden_size, dtype)
    x = as_vector(x, params.input_size, "input x_t", dtype)
    h_prev = as_state(h_prev, params.hidden_size, "h_{t-1}", dtype)
    c_prev = as_state(c_prev, params.hidden_size, "C_{t-1}", dtype)
    return _advance(params, P, x, h_prev, c_prev)


def _advance(
    params: LSTMParams, P: np.ndarray, x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray
) -> StepResult:
    """The equations of :func:`peephole_step` on arguments already checked."""
    W_f, U_f, b_f = params.forget
    W_i, U_i, b_i = params.input
    W_C, U_C, b_C = params.candidate
    W_o, U_o, b_o = params.output
    p_i, p_f, p_o = P
    sigmoid = GATE_ACTIVATIONS[params.gate_activation]

    with np.errstate(over="ignore", invalid="ignore"):
        # fmt: off
        forget_pre = W_f @ x + U_f @ h_prev + p_f * c_prev + b_f
        input_pre = W_i @ x + U_i @ h_prev + p_i * c_prev + b_i
        candidate_pre = W_C @ x + U_C @ h_prev + b_C

        f_t = sigmoid(forget_pre)                   # f_t  = σ(W_f x_t + U_f h_{t-1} + p_f ⊙ C_{t-1} + b_f)
        i_t = sigmoid(input_pre)                    # i_t  = σ(W_i x_t + U_i h_{t-1} + p_i ⊙ C_{t-1} + b_i)
        C_tilde = tanh(candidate_pre)               # ~C_t = tanh(W_C x_t + U_C h_{t-1} + b_C)
        forget_product = c_prev * f_t               # C_{t-1} ⊙ f_t
        input_product = i_t * C_tilde               # i_t ⊙ ~C_t
        C_t = forget_product + input_product        # C_t  = C_{t-1} ⊙ f_t + i_t ⊙ ~C_t
        output_pre = W_o @ x + U_o @ h_prev + p_o * C_t + b_o
        o_t = sigmoid(output_pre)                   # o_t  = σ(W_o x_t + U_o h_{t-1} + p_o ⊙ C_t + b_o)
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


def extend_peephole(trace: Trace, params: LSTMParams, peepholes: np.ndarray, inputs: np.ndarray) -> None:
    """Run the peephole cell over ``inputs`` (T, D) from the trace's final state, appending T steps.

    Each step is :func:`peephole_step`, bit for bit.

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
    P = as_peepholes(peepholes, params.hidden_size, dtype)
    X = as_sequence(inputs, params.input_size, "inputs", dtype)
    trace.reserve(len(trace) + X.shape[0])
    h, c = (state.astype(dtype) for state in trace.final_state)
    for x in X:
        result = _advance(params, P, x, h, c)
        trace.append(result)
        h, c = result.hidden, result.cell


def run_peephole(
    params: LSTMParams,
    peepholes: np.ndarray,
    inputs: np.ndarray,
    h0: np.ndarray | None = None,
    c0: np.ndarray | None = None,
) -> Trace:
    """Run the peephole cell over an input sequence (T, D) from ``(h0, C0)`` (zeros by default).

    Returns
    -------
    Trace
        Every gate, product and state at every step; row ``k`` is :func:`peephole_step`
        from :meth:`Trace.state_before` ``(k)``, bit for bit.

    Raises
    ------
    ValueError
        If a shape is wrong or a value is NaN or infinite.
    """
    X = as_sequence(inputs, params.input_size, "inputs", params.dtype)
    trace = Trace.for_params(params, h0, c0, capacity=max(X.shape[0], 1))
    extend_peephole(trace, params, peepholes, X)
    return trace
