"""The history of a run: every intermediate of every step, with a leading time axis."""

from __future__ import annotations

import numpy as np

from simulator.engine.activations import GATE_ACTIVATIONS
from simulator.engine.cell import StepResult
from simulator.engine.params import LSTMParams
from simulator.engine.validate import as_sequence, as_state

GATE_FIELDS = ("forget_gate", "input_gate", "candidate", "output_gate")
PRE_FIELDS = ("forget_pre", "input_pre", "candidate_pre", "output_pre")
STATE_FIELDS = ("forget_product", "input_product", "cell", "cell_tanh", "hidden")
TRACE_FIELDS = ("inputs", *PRE_FIELDS, *GATE_FIELDS, *STATE_FIELDS)
"""Arrays a trace holds per step, in the order of the equations."""


class Trace:
    """Per-step arrays of a run, growable one step at a time and cut back to any length.

    ``trace.forget_gate`` and its siblings (see :data:`TRACE_FIELDS`) are
    read-only views of shape (T, H) — ``inputs`` is (T, D) — whose row ``k``
    belongs to step ``k + 1`` (the state after ``k + 1`` inputs). ``h0`` and
    ``c0`` are the initial state. Storage grows by doubling, so appending is
    amortised O(1) and never copies the history on each step; :meth:`truncate`
    only moves the end.
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
        gates = np.empty((capacity, 4 * H), dtype)
        states = np.empty((len(STATE_FIELDS), capacity, H), dtype)
        if old is not None:
            n = self._length
            inputs[:n], pre[:n], gates[:n] = self._inputs[:n], self._pre[:n], self._gates[:n]
            states[:, :n] = self._states[:, :n]
        self._inputs, self._pre, self._gates, self._states = inputs, pre, gates, states
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
        return sum(a.nbytes for a in (self._inputs, self._pre, self._gates, self._states))

    def _view(self, array: np.ndarray) -> np.ndarray:
        view = array[: self._length]
        view.flags.writeable = False
        return view

    def _block(self, k: int) -> slice:
        H = self.hidden_size
        return slice(k * H, (k + 1) * H)

    def __getattr__(self, name: str) -> np.ndarray:
        # Only called for names not found normally: the per-field views.
        if name == "inputs":
            return self._view(self._inputs)
        if name in PRE_FIELDS:
            return self._view(self._pre[:, self._block(PRE_FIELDS.index(name))])
        if name in GATE_FIELDS:
            return self._view(self._gates[:, self._block(GATE_FIELDS.index(name))])
        if name in STATE_FIELDS:
            return self._view(self._states[STATE_FIELDS.index(name)])
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
        h, c = self._states[4, k - 1], self._states[2, k - 1]
        h.flags.writeable = c.flags.writeable = False
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
        for k, name in enumerate(PRE_FIELDS):
            self._pre[n, self._block(k)] = getattr(result, name)
        for k, name in enumerate(GATE_FIELDS):
            self._gates[n, self._block(k)] = getattr(result, name)
        for k, name in enumerate(STATE_FIELDS):
            self._states[k, n] = getattr(result, name)
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
        activates all four gates: the σ rows of W, U and b are halved once
        (exactly: a power of two), so z/2 comes straight out of the products,
        and the stored pre-activations are doubled back after the loop. When
        ``params.gate_activation`` is a hard sigmoid, σ(z) = clip(0.2 z + 0.5, 0, 1)
        (Keras 2) or clip(z/6 + 0.5, 0, 1) (Keras 3) activates f_t, i_t and o_t
        and tanh only ~C_t.

        Inside the loop the gates are stacked i, f, ~C, o and every value of
        one step lives in one scratch row ``[C | i f ~C o | C⊙f  i⊙~C | tanh C | h]``,
        so that ``[C_{t-1}, i_t] ⊙ [f_t, ~C_t]`` is one multiply; each step is a
        handful of NumPy calls on fixed buffers plus one copy of that row into
        a chunk of records, which is scattered into the trace's fields once per
        chunk. (The batched product may round the last bit differently from T
        one-row products; a trace already computed is never recomputed when
        stepping back and forth, so what is shown stays exact.)
        """
        if (params.input_size, params.hidden_size) != (self.input_size, self.hidden_size):
            raise ValueError(
                f"params of size D={params.input_size}, H={params.hidden_size} do not fit a trace "
                f"of size D={self.input_size}, H={self.hidden_size}"
            )
        X = as_sequence(inputs, self.input_size, "inputs", self.dtype)
        T = X.shape[0]
        if T == 0:
            return
        H, start, dtype = self.hidden_size, self._length, self.dtype
        stop = start + T
        self.reserve(stop)
        self._inputs[start:stop] = X
        fused = params.gate_activation == "sigmoid"

        # Loop order i, f, ~C, o (rows of the stacked f, i, ~C, o), σ rows halved when fused.
        loop_rows = np.r_[H : 2 * H, 0:H, 2 * H : 4 * H]
        half = np.repeat(np.array([0.5, 0.5, 1.0, 0.5] if fused else [1.0] * 4, dtype), H)
        W, U, b = (a.astype(dtype, copy=False)[loop_rows] for a in params.stacked)
        W *= half[:, None]
        U *= half[:, None]
        b *= half
        post_scale = half  # σ = ½·tanh(z/2) + ½ on the σ rows; ~C = 1·tanh(z) + 0
        post_add = np.repeat(np.array([0.5, 0.5, 0.0, 0.5], dtype), H)
        sigma = GATE_ACTIVATIONS[params.gate_activation]

        # One step's scratch row and named views into it (see the docstring).
        row = np.empty(9 * H, dtype)
        c, a, products = row[:H], row[H : 5 * H], row[5 * H : 7 * H]
        c_and_i, f_and_g, o = row[: 2 * H], row[2 * H : 4 * H], row[4 * H : 5 * H]
        forget_product, input_product = row[5 * H : 6 * H], row[6 * H : 7 * H]
        c_tanh, h = row[7 * H : 8 * H], row[8 * H :]
        g_pre, g = slice(2 * H, 3 * H), row[3 * H : 4 * H]
        h_prev, c_prev = self.final_state
        h[:], c[:] = h_prev, c_prev
        Uh = np.empty(4 * H, dtype)
        dot, add, multiply, tanh, copyto = np.dot, np.add, np.multiply, np.tanh, np.copyto

        pre = self._pre[start:stop]
        chunk = max(16, min(1024, 16384 // H))
        records = np.empty((min(chunk, T), 9 * H), dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            np.matmul(X, W.T, out=pre)  # W x_t for every t at once
            pre += b  # W x_t + b
            for first in range(0, T, chunk):
                rows = records[: min(chunk, T - first)]
                for z, record in zip(pre[first : first + len(rows)], rows, strict=True):
                    dot(U, h, Uh)  # U h_{t-1}
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
                self._store(start + first, rows, pre[first : first + len(rows)], fused)
        self._length = stop

    def _store(self, at: int, records: np.ndarray, pre: np.ndarray, fused: bool) -> None:
        """Scatter scratch rows (loop order, see :meth:`extend`) into the fields from row ``at`` on.

        ``pre`` holds z_t in loop order, σ rows halved when ``fused``: put back in
        the order f, i, ~C, o and doubled (exactly).
        """
        H, n = self.hidden_size, records.shape[0]
        z_i, z_f = pre[:, :H].copy(), pre[:, H : 2 * H].copy()
        pre[:, :H], pre[:, H : 2 * H] = z_f, z_i
        if fused:
            pre[:, : 2 * H] *= 2.0
            pre[:, 3 * H :] *= 2.0
        gates = self._gates[at : at + n]
        gates[:, :H], gates[:, H : 2 * H] = records[:, 2 * H : 3 * H], records[:, H : 2 * H]
        gates[:, 2 * H :] = records[:, 3 * H : 5 * H]
        states = self._states[:, at : at + n]
        states[0], states[1] = records[:, 5 * H : 6 * H], records[:, 6 * H : 7 * H]
        states[2], states[3], states[4] = records[:, :H], records[:, 7 * H : 8 * H], records[:, 8 * H :]


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
    trace.extend(params, X)
    return trace
