"""The history of a run: every intermediate of every step, with a leading time axis."""

from __future__ import annotations

from functools import partial

import numpy as np

from simulator.engine.activations import GATE_ACTIVATIONS
from simulator.engine.cell import StepResult
from simulator.engine.loop_weights import LOOP_GATES, loop_weights
from simulator.engine.params import GATES, LSTMParams
from simulator.engine.validate import as_sequence, as_state

GATE_FIELDS = ("forget_gate", "input_gate", "candidate", "output_gate")
PRE_FIELDS = ("forget_pre", "input_pre", "candidate_pre", "output_pre")
STATE_FIELDS = ("forget_product", "input_product", "cell", "cell_tanh", "hidden")
TRACE_FIELDS = ("inputs", *PRE_FIELDS, *GATE_FIELDS, *STATE_FIELDS)
"""Arrays a trace holds per step, in the order of the equations."""

RECORD_FIELDS = (
    "cell",
    "input_gate",
    "forget_gate",
    "candidate",
    "output_gate",
    "forget_product",
    "input_product",
    "cell_tanh",
    "hidden",
)
"""The H-wide blocks of one step's record (:meth:`Trace.extend`'s scratch row), in order."""


class Trace:
    """Per-step arrays of a run, growable one step at a time and cut back to any length.

    ``trace.forget_gate`` and its siblings (see :data:`TRACE_FIELDS`) are
    read-only views of shape (T, H) — ``inputs`` is (T, D) — whose row ``k``
    belongs to step ``k + 1`` (the state after ``k + 1`` inputs). ``h0`` and
    ``c0`` are the initial state. Storage grows by doubling, so appending is
    amortised O(1) and never copies the history on each step; :meth:`truncate`
    only moves the end. A step is stored as :meth:`extend` computes it: its
    pre-activations in one row of ``(T, 4H)`` (gates in loop order), everything
    else in one record row of ``(T, 9H)`` (:data:`RECORD_FIELDS`); the fields
    are column blocks of these.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        h0: np.ndarray | None = None,
        c0: np.ndarray | None = None,
        dtype: np.dtype | type | str = np.float64,
        capacity: int = 16,
    ) -> None:
        self.input_size = int(input_size)
        self.hidden_size = int(hidden_size)
        self.dtype = np.dtype(dtype)
        # Own read-only copies: neither the caller nor a view can change the history.
        self.h0 = as_state(h0, self.hidden_size, "h0", self.dtype).copy()
        self.c0 = as_state(c0, self.hidden_size, "c0", self.dtype).copy()
        self.h0.flags.writeable = self.c0.flags.writeable = False
        self._length = 0
        self._revision = 0
        self._allocate(max(int(capacity), 1))

    @classmethod
    def for_params(cls, params: LSTMParams, h0=None, c0=None, capacity: int = 16) -> Trace:
        """An empty trace whose sizes and dtype match ``params``."""
        return cls(params.input_size, params.hidden_size, h0, c0, params.dtype, capacity)

    # --------------------------------------------------------------- storage
    def _allocate(self, capacity: int) -> None:
        H, D, dtype = self.hidden_size, self.input_size, self.dtype
        old = getattr(self, "_inputs", None)
        inputs = np.empty((capacity, D), dtype)
        pre = np.empty((capacity, 4 * H), dtype)
        records = np.empty((capacity, len(RECORD_FIELDS) * H), dtype)
        if old is not None:
            n = self._length
            inputs[:n], pre[:n], records[:n] = self._inputs[:n], self._pre[:n], self._records[:n]
        self._inputs, self._pre, self._records = inputs, pre, records
        self._capacity = capacity

    def reserve(self, length: int) -> None:
        """Make room for ``length`` steps in all (growing by at least doubling)."""
        if length > self._capacity:
            self._allocate(max(length, 2 * self._capacity))

    def __len__(self) -> int:
        return self._length

    @property
    def revision(self) -> int:
        """Bumped by each :meth:`truncate` that drops steps: rows past the cut may be rewritten.

        While ``revision`` stays the same, the trace only grew: every row seen before is unchanged,
        so a view can update itself from the new rows alone.
        """
        return self._revision

    @property
    def nbytes(self) -> int:
        """Bytes held by the storage (the capacity, not only the used length)."""
        return sum(a.nbytes for a in (self._inputs, self._pre, self._records))

    def _view(self, array: np.ndarray) -> np.ndarray:
        view = array[: self._length]
        view.flags.writeable = False
        return view

    def _column(self, name: str) -> tuple[np.ndarray, slice]:
        """The storage array and the columns of field ``name`` (not ``inputs``)."""
        H = self.hidden_size
        if name in PRE_FIELDS:
            k = LOOP_GATES.index(GATES[PRE_FIELDS.index(name)])
            return self._pre, slice(k * H, (k + 1) * H)
        k = RECORD_FIELDS.index(name)
        return self._records, slice(k * H, (k + 1) * H)

    def __getattr__(self, name: str) -> np.ndarray:
        # Only called for names not found normally: the per-field views.
        if name == "inputs":
            return self._view(self._inputs)
        if name in TRACE_FIELDS:
            array, columns = self._column(name)
            return self._view(array[:, columns])
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def arrays(self) -> dict[str, np.ndarray]:
        """Every field by name (views), plus ``h0`` and ``c0``."""
        out = {name: getattr(self, name) for name in TRACE_FIELDS}
        out["h0"], out["c0"] = self.h0, self.c0
        return out

    # ---------------------------------------------------------------- access
    def state_before(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """``(h, C)`` going into step index ``k`` (the initial state for ``k == 0``)."""
        if not 0 <= k <= self._length:
            raise IndexError(f"step {k} outside 0..{self._length}")
        if k == 0:
            return self.h0, self.c0
        h, c = self.hidden[k - 1], self.cell[k - 1]
        return h, c

    @property
    def final_state(self) -> tuple[np.ndarray, np.ndarray]:
        """``(h, C)`` after the last step (the initial state of an empty trace)."""
        return self.state_before(self._length)

    def step_at(self, k: int) -> StepResult:
        """The single step with row index ``k`` (0-based; negative counts from the end)."""
        if k < 0:
            k += self._length
        if not 0 <= k < self._length:
            raise IndexError(f"step {k} outside 0..{self._length - 1}")
        h_prev, c_prev = self.state_before(k)
        values = {name: getattr(self, name)[k] for name in TRACE_FIELDS}
        return StepResult(hidden_prev=h_prev, cell_prev=c_prev, **values)

    # --------------------------------------------------------------- editing
    def truncate(self, length: int) -> None:
        """Cut the trace back to its first ``length`` steps (kept bit for bit)."""
        if not 0 <= length <= self._length:
            raise IndexError(f"length {length} outside 0..{self._length}")
        if length < self._length:
            self._revision += 1
        self._length = length

    def append(self, result: StepResult) -> None:
        """Add one step computed elsewhere (by :func:`simulator.engine.step`)."""
        self.reserve(self._length + 1)
        n = self._length
        self._inputs[n] = result.inputs
        for name in TRACE_FIELDS[1:]:
            array, columns = self._column(name)
            array[n, columns] = getattr(result, name)
        self._length = n + 1

    def extend(self, params: LSTMParams, inputs: np.ndarray) -> None:
        r"""Run ``params`` over ``inputs`` (T, D) from the trace's final state, appending T steps.

        The fast path of :func:`simulator.engine.step`: the same equations,

        .. math::

            [i_t; f_t; ~C_t; o_t] &= [σ; σ; \tanh; σ](W x_t + b + U h_{t-1}) \\
            C_t &= C_{t-1} ⊙ f_t + i_t ⊙ ~C_t                                  \\
            h_t &= o_t ⊙ \tanh(C_t)

        with the input projections W x_t + b of all T steps computed in one
        matrix product, and σ(z) = ½·tanh(z/2) + ½ so that one tanh call
        activates all four gates: the σ rows of W, U and b are halved
        (exactly: a power of two), so z/2 comes straight out of the products,
        and the stored pre-activations are doubled back after the loop. When
        ``params.gate_activation`` is a hard sigmoid, σ(z) = clip(0.2 z + 0.5, 0, 1)
        (Keras 2) or clip(z/6 + 0.5, 0, 1) (Keras 3) activates f_t, i_t and o_t
        and tanh only ~C_t. The gates are stacked i, f, ~C, o and the halved
        weights are prepared once per params object (:func:`loop_weights`).

        Every value of one step lives in one scratch row
        ``[C | i f ~C o | C⊙f  i⊙~C | tanh C | h]``, so that
        ``[C_{t-1}, i_t] ⊙ [f_t, ~C_t]`` is one multiply; each step is a handful
        of NumPy calls on fixed buffers, U h_{t-1} one BLAS call (with U kept
        transposed at large H, where that layout reads faster), then one copy
        of that row into the trace's record of the step (the fields are column
        blocks of the records) while z_t is summed in place in the trace's row
        of pre-activations. (The batched product may round the last bit
        differently from T one-row products; a trace already computed is never
        recomputed when stepping back and forth, so what is shown stays exact.)
        """
        if (params.input_size, params.hidden_size) != (self.input_size, self.hidden_size):
            raise ValueError(
                f"params of size D={params.input_size}, H={params.hidden_size} do not fit a trace "
                f"of size D={self.input_size}, H={self.hidden_size}"
            )
        self._extend(params, as_sequence(inputs, self.input_size, "inputs", self.dtype))

    def _extend(self, params: LSTMParams, X: np.ndarray) -> None:
        """:meth:`extend` by params of the trace's sizes over inputs ``X`` already checked."""
        T = X.shape[0]
        if T == 0:
            return
        H, start, dtype = self.hidden_size, self._length, self.dtype
        stop = start + T
        self.reserve(stop)
        self._inputs[start:stop] = X
        weights = loop_weights(params)  # rows in loop order i, f, ~C, o; σ rows halved when fused
        W, U, b, post_scale, post_add = (
            a.astype(dtype, copy=False)
            for a in (weights.W, weights.U, weights.b, weights.post_scale, weights.post_add)
        )
        fused = weights.fused
        sigma = GATE_ACTIVATIONS[params.gate_activation]

        # One step's scratch row and named views into it (see the docstring and RECORD_FIELDS).
        row = np.empty(len(RECORD_FIELDS) * H, dtype)
        c, a, products = row[:H], row[H : 5 * H], row[5 * H : 7 * H]
        c_and_i, f_and_g, o = row[: 2 * H], row[2 * H : 4 * H], row[4 * H : 5 * H]
        forget_product, input_product = row[5 * H : 6 * H], row[6 * H : 7 * H]
        c_tanh, h = row[7 * H : 8 * H], row[8 * H :]
        g_pre, g = slice(2 * H, 3 * H), row[3 * H : 4 * H]
        h_prev, c_prev = self.final_state
        h[:], c[:] = h_prev, c_prev
        Uh = np.empty(4 * H, dtype)
        recurrent = partial(np.dot, h, U, Uh) if weights.U_transposed else partial(np.dot, U, h, Uh)
        add, multiply, tanh, copyto = np.add, np.multiply, np.tanh, np.copyto

        pre, records = self._pre[start:stop], self._records[start:stop]
        with np.errstate(over="ignore", invalid="ignore"):
            np.matmul(X, W.T, out=pre)  # W x_t for every t at once
            pre += b  # W x_t + b
            for z, record in zip(pre, records, strict=True):
                recurrent()  # U h_{t-1}
                add(z, Uh, z)  # z_t = W x_t + b + U h_{t-1}
                if fused:
                    tanh(z, a)
                    multiply(a, post_scale, a)
                    add(a, post_add, a)  # [i_t; f_t; ~C_t; o_t]
                else:
                    sigma(z, out=a)  # i_t, f_t, o_t = σ(z)
                    tanh(z[g_pre], g)  # ~C_t = tanh(z)
                multiply(c_and_i, f_and_g, products)  # C_{t-1} ⊙ f_t, i_t ⊙ ~C_t
                add(forget_product, input_product, c)  # C_t
                tanh(c, c_tanh)  # tanh(C_t)
                multiply(o, c_tanh, h)  # h_t = o_t ⊙ tanh(C_t)
                copyto(record, row)
            if fused:  # z_t of the σ rows back from z/2 (exactly)
                pre[:, : 2 * H] *= 2.0
                pre[:, 3 * H :] *= 2.0
        self._length = stop


def run(
    params: LSTMParams,
    inputs: np.ndarray,
    h0: np.ndarray | None = None,
    c0: np.ndarray | None = None,
) -> Trace:
    """Run the cell over an input sequence of shape (T, D) from ``(h0, C0)`` (zeros by default).

    Returns
    -------
    Trace
        Every gate, product and state at every step (see :class:`Trace`).

    Raises
    ------
    ValueError
        If a shape is wrong or a value is NaN or infinite.
    """
    X = as_sequence(inputs, params.input_size, "inputs", params.dtype)
    trace = Trace.for_params(params, h0, c0, capacity=max(X.shape[0], 1))
    trace._extend(params, X)  # X checked just above
    return trace
