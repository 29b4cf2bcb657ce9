"""The gated recurrent unit as PyTorch computes it, every intermediate kept for the diagram.

Three gates in PyTorch's order: reset r, update z and candidate n. Unlike the
LSTM's one bias per gate, each gate keeps two, an input bias b_i· and a
recurrent bias b_h·, because the candidate's recurrent bias sits inside the
reset product, n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn)), so the
two cannot be summed. The state is h alone: there is no separate cell state.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np

from simulator.engine.activations import sigmoid, tanh
from simulator.engine.params import (
    LSTMParams,
    _as_float_array,
    _check_finite,
    _check_shape,
    _check_sizes,
    _packed,
)
from simulator.engine.validate import as_sequence, as_state, as_vector

GRU_GATES: tuple[str, ...] = ("reset", "update", "candidate")
"""Gate names in PyTorch's stacking order r, z, n."""

GRU_PARTS: tuple[str, ...] = ("input", "recurrent", "input_bias", "recurrent_bias")
"""Weight parts of a GRU gate: W_i· (H×D), W_h· (H×H), b_i· (H) and b_h· (H)."""

_PART_LABELS = {
    "input": "input weights",
    "recurrent": "recurrent weights",
    "input_bias": "input bias",
    "recurrent_bias": "recurrent bias",
}


class GRUGateWeights(NamedTuple):
    """The weights of one GRU gate: ``W_i`` (H×D), ``W_h`` (H×H), ``b_i`` (H) and ``b_h`` (H)."""

    input_weights: np.ndarray
    recurrent_weights: np.ndarray
    input_bias: np.ndarray
    recurrent_bias: np.ndarray


class GRUParams:
    """The weights of one GRU cell with input size D and hidden size H.

    Parameters
    ----------
    reset, update, candidate : GRUGateWeights or tuple
        For each gate ``(W_i, W_h, b_i, b_h)``: input weights (H, D), recurrent
        weights (H, H), input bias (H,) and recurrent bias (H,).
    dtype : numpy dtype, optional
        ``float64`` (the default) or ``float32``.
    name : str, optional
        A label; it takes part in ``==``.

    Raises
    ------
    ValueError
        If a shape is wrong or a value is NaN or infinite; the message names the
        gate, the part and the expected and given shapes.
    """

    def __init__(
        self,
        reset: GRUGateWeights | tuple,
        update: GRUGateWeights | tuple,
        candidate: GRUGateWeights | tuple,
        *,
        dtype: np.dtype | type | str = np.float64,
        name: str = "",
    ) -> None:
        dtype = np.dtype(dtype)
        if dtype not in (np.dtype(np.float64), np.dtype(np.float32)):
            raise ValueError(f"dtype: expected float64 or float32, got {dtype}")
        given = {"reset": reset, "update": update, "candidate": candidate}
        for gate, parts in given.items():
            if len(parts) != 4:
                raise ValueError(
                    f"{gate} gate: expected (input weights, recurrent weights, input bias, recurrent bias)"
                )
        first = _as_float_array(reset[0], "reset gate input weights", dtype)
        if first.ndim != 2 or 0 in first.shape:
            raise ValueError(
                f"reset gate input weights: expected a 2-D array (H, D), got shape {first.shape}"
            )
        H, D = first.shape
        stacks = (np.empty((3 * H, D), dtype), np.empty((3 * H, H), dtype))
        stacks += (np.empty(3 * H, dtype), np.empty(3 * H, dtype))
        for k, gate in enumerate(GRU_GATES):
            rows = slice(k * H, (k + 1) * H)
            for part, value, expected, target in zip(
                GRU_PARTS, given[gate], ((H, D), (H, H), (H,), (H,)), stacks, strict=True
            ):
                what = f"{gate} gate {_PART_LABELS[part]}"
                array = _as_float_array(value, what, dtype)
                _check_shape(array, expected, what)
                _check_finite(array, what)
                target[rows] = array
        self._W, self._U, self._b_i, self._b_h = stacks
        for array in stacks:
            array.flags.writeable = False
        self._name = str(name)

    # ----------------------------------------------------------------- access
    @property
    def input_size(self) -> int:
        return self._W.shape[1]

    @property
    def hidden_size(self) -> int:
        return self._U.shape[1]

    @property
    def dtype(self) -> np.dtype:
        return self._W.dtype

    @property
    def name(self) -> str:
        return self._name

    @property
    def stacked(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(W_ih, W_hh, b_ih, b_hh)`` stacked in the order r, z, n: PyTorch's packing, read-only."""
        return self._W, self._U, self._b_i, self._b_h

    def gate(self, name: str) -> GRUGateWeights:
        """The weights of one gate (``reset``, ``update`` or ``candidate``) as read-only views."""
        if name not in GRU_GATES:
            raise ValueError(f"unknown GRU gate {name!r}; expected one of {', '.join(GRU_GATES)}")
        H = self.hidden_size
        rows = slice(GRU_GATES.index(name) * H, (GRU_GATES.index(name) + 1) * H)
        return GRUGateWeights(*(array[rows] for array in self.stacked))

    reset = property(lambda self: self.gate("reset"))
    update = property(lambda self: self.gate("update"))
    candidate = property(lambda self: self.gate("candidate"))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GRUParams):
            return NotImplemented
        return (
            self.dtype == other.dtype
            and self.name == other.name
            and self._W.shape == other._W.shape
            and all(np.array_equal(a, b) for a, b in zip(self.stacked, other.stacked, strict=True))
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        extra = f", name={self.name!r}" if self.name else ""
        return (
            f"GRUParams(input_size={self.input_size}, hidden_size={self.hidden_size}, "
            f"dtype={self.dtype}{extra})"
        )

    # ------------------------------------------------------------- creation
    @classmethod
    def random(
        cls,
        input_size: int,
        hidden_size: int,
        seed: int | None = 0,
        scale: float | None = None,
        dtype: np.dtype | type | str = np.float64,
        name: str = "",
    ) -> GRUParams:
        """Reproducible random weights and biases, uniform in ±``scale`` (default 1/√H, PyTorch's)."""
        _check_sizes(input_size, hidden_size)
        H, D = int(hidden_size), int(input_size)
        scale = 1.0 / np.sqrt(H) if scale is None else float(scale)
        rng = np.random.default_rng(seed)
        shapes = ((3 * H, D), (3 * H, H), (3 * H,), (3 * H,))
        return cls.from_torch(*(rng.uniform(-scale, scale, s) for s in shapes), dtype=dtype, name=name)

    @classmethod
    def from_torch(
        cls,
        weight_ih: object,
        weight_hh: object,
        bias_ih: object | None = None,
        bias_hh: object | None = None,
        dtype: np.dtype | type | str = np.float64,
        name: str = "",
    ) -> GRUParams:
        """From PyTorch's packing: ``weight_ih`` (3H, D), ``weight_hh`` (3H, H), gate order r, z, n.

        ``bias_ih`` and ``bias_hh`` (3H,) are kept apart; a missing one (``bias=False``)
        is zero. Tensors are accepted as well as arrays.
        """
        W = _packed(weight_ih, "weight_ih", 2)
        if W.shape[0] % 3 or W.shape[0] == 0 or W.shape[1] == 0:
            raise ValueError(f"weight_ih: expected shape (3H, D), got {W.shape}")
        H = W.shape[0] // 3
        U = _packed(weight_hh, "weight_hh", 2)
        _check_shape(U, (3 * H, H), "weight_hh (3H, H)")
        biases = []
        for what, bias in (("bias_ih", bias_ih), ("bias_hh", bias_hh)):
            bias = np.zeros(3 * H) if bias is None else _packed(bias, what, 1)
            _check_shape(bias, (3 * H,), f"{what} (3H,)")
            biases.append(bias)
        gates = [
            GRUGateWeights(*(a[k * H : (k + 1) * H] for a in (W, U, *biases))) for k in range(len(GRU_GATES))
        ]
        return cls(*gates, dtype=dtype, name=name)

    def to_torch(self) -> dict[str, np.ndarray]:
        """PyTorch's ``nn.GRU`` packing: ``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``, ``bias_hh_l0``.

        Copies; ``torch.nn.GRU(D, H).load_state_dict({k: torch.from_numpy(v) ...})`` takes them.
        """
        names = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
        return {name: array.copy() for name, array in zip(names, self.stacked, strict=True)}

    @classmethod
    def from_lstm(cls, params: LSTMParams) -> GRUParams:
        """A GRU of the same sizes, dtype and name built from an LSTM's weights.

        The update gate z keeps the old state as the forget gate f does, so it
        takes the forget gate's W, U and b; the reset gate takes the input gate's;
        the candidate n the candidate's. Each LSTM bias becomes the input bias
        b_i·, the recurrent biases b_h· are zero. The LSTM's output gate and its
        ``gate_activation`` are not used (the GRU's σ is the logistic function).
        """
        H = params.hidden_size
        gates = [
            GRUGateWeights(W, U, b, np.zeros(H))
            for W, U, b in (params.input, params.forget, params.candidate)  # r, z, n
        ]
        return cls(*gates, dtype=params.dtype, name=params.name)


@dataclass(frozen=True)
class GRUStepResult:
    """Everything one GRU step computes, named as on the diagram.

    ``*_pre`` are the pre-activations; ``candidate_recurrent`` is W_hn h_{t-1} + b_hn
    (before the reset gate scales it); ``keep_product`` is z_t ⊙ h_{t-1} and
    ``write_product`` is (1 − z_t) ⊙ n_t.
    """

    inputs: np.ndarray
    hidden_prev: np.ndarray
    reset_pre: np.ndarray
    update_pre: np.ndarray
    candidate_pre: np.ndarray
    reset_gate: np.ndarray
    update_gate: np.ndarray
    candidate_recurrent: np.ndarray
    candidate: np.ndarray
    keep_product: np.ndarray
    write_product: np.ndarray
    hidden: np.ndarray

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


GRU_TRACE_FIELDS: tuple[str, ...] = tuple(n for n in GRUStepResult.field_names() if n != "hidden_prev")
"""Arrays a :class:`GRUTrace` holds per step, in the order of :class:`GRUStepResult`."""


def gru_step(params: GRUParams, x: np.ndarray, h_prev: np.ndarray | None = None) -> GRUStepResult:
    r"""Advance the GRU by one timestep, as ``torch.nn.GRUCell``.

    With x_t the input and h_{t-1} the previous hidden state:

    .. math::

        r_t &= σ(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr})              \\
        z_t &= σ(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz})              \\
        n_t &= \tanh(W_{in} x_t + b_{in} + r_t ⊙ (W_{hn} h_{t-1} + b_{hn}))  \\
        h_t &= (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}

    σ is the logistic function σ(z) = 1 / (1 + e^{-z}).

    Parameters
    ----------
    params : GRUParams
        The weights; their dtype is the dtype of the result.
    x : array (D,)
        The input x_t.
    h_prev : array (H,), optional
        h_{t-1}; zero when omitted.

    Returns
    -------
    GRUStepResult
        The pre-activations, both gates, the candidate's recurrent term, n_t, both products and h_t.

    Raises
    ------
    ValueError
        If a shape is wrong or a value is NaN or infinite.
    """
    x = as_vector(x, params.input_size, "input x_t", params.dtype)
    h_prev = as_state(h_prev, params.hidden_size, "h_{t-1}", params.dtype)
    return _advance(params, x, h_prev)


def _advance(params: GRUParams, x: np.ndarray, h_prev: np.ndarray) -> GRUStepResult:
    """The equations of :func:`gru_step` on arguments already checked."""
    W_ir, W_hr, b_ir, b_hr = params.reset
    W_iz, W_hz, b_iz, b_hz = params.update
    W_in, W_hn, b_in, b_hn = params.candidate

    with np.errstate(over="ignore", invalid="ignore"):
        reset_pre = W_ir @ x + b_ir + W_hr @ h_prev + b_hr
        update_pre = W_iz @ x + b_iz + W_hz @ h_prev + b_hz

        # fmt: off
        r_t = sigmoid(reset_pre)                # r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
        z_t = sigmoid(update_pre)               # z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
        candidate_recurrent = W_hn @ h_prev + b_hn  # W_hn h_{t-1} + b_hn
        candidate_pre = W_in @ x + b_in + r_t * candidate_recurrent
        n_t = tanh(candidate_pre)               # n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))
        write_product = (1 - z_t) * n_t         # (1 − z_t) ⊙ n_t
        keep_product = z_t * h_prev             # z_t ⊙ h_{t-1}
        h_t = write_product + keep_product      # h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}
        # fmt: on

    return GRUStepResult(
        inputs=x,
        hidden_prev=h_prev,
        reset_pre=reset_pre,
        update_pre=update_pre,
        candidate_pre=candidate_pre,
        reset_gate=r_t,
        update_gate=z_t,
        candidate_recurrent=candidate_recurrent,
        candidate=n_t,
        keep_product=keep_product,
        write_product=write_product,
        hidden=h_t,
    )


class GRUTrace:
    """Per-step arrays of a GRU run, growable one step at a time.

    ``trace.reset_gate`` and its siblings (see :data:`GRU_TRACE_FIELDS`) are
    read-only views of shape (T, H) — ``inputs`` is (T, D) — whose row ``k``
    belongs to step ``k + 1``. ``h0`` is the initial state. Storage grows by
    doubling, so appending is amortised O(1).
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        h0: np.ndarray | None = None,
        dtype: np.dtype | type | str = np.float64,
        capacity: int = 16,
    ) -> None:
        self.input_size = int(input_size)
        self.hidden_size = int(hidden_size)
        self.dtype = np.dtype(dtype)
        self.h0 = as_state(h0, self.hidden_size, "h0", self.dtype).copy()
        self.h0.flags.writeable = False
        self._length = 0
        self._inputs = np.empty((0, self.input_size), self.dtype)
        self._states = np.empty((len(GRU_TRACE_FIELDS) - 1, 0, self.hidden_size), self.dtype)
        self.reserve(max(int(capacity), 1))

    @classmethod
    def for_params(cls, params: GRUParams, h0: np.ndarray | None = None, capacity: int = 16) -> GRUTrace:
        """An empty trace whose sizes and dtype match ``params``."""
        return cls(params.input_size, params.hidden_size, h0, params.dtype, capacity)

    def reserve(self, length: int) -> None:
        """Make room for ``length`` steps in all (growing by at least doubling)."""
        capacity = self._inputs.shape[0]
        if length <= capacity:
            return
        capacity = max(length, 2 * capacity)
        inputs = np.empty((capacity, self.input_size), self.dtype)
        states = np.empty((self._states.shape[0], capacity, self.hidden_size), self.dtype)
        n = self._length
        inputs[:n], states[:, :n] = self._inputs[:n], self._states[:, :n]
        self._inputs, self._states = inputs, states

    def __len__(self) -> int:
        return self._length

    def __getattr__(self, name: str) -> np.ndarray:
        # Only called for names not found normally: the per-field views.
        if name == "inputs":
            view = self._inputs[: self._length]
        elif name in GRU_TRACE_FIELDS:
            view = self._states[GRU_TRACE_FIELDS.index(name) - 1, : self._length]
        else:
            raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")
        view.flags.writeable = False
        return view

    def arrays(self) -> dict[str, np.ndarray]:
        """Every field by name (views), plus ``h0``."""
        out = {name: getattr(self, name) for name in GRU_TRACE_FIELDS}
        out["h0"] = self.h0
        return out

    def state_before(self, k: int) -> np.ndarray:
        """h going into step index ``k`` (the initial state for ``k == 0``)."""
        if not 0 <= k <= self._length:
            raise IndexError(f"step {k} outside 0..{self._length}")
        return self.h0 if k == 0 else self.hidden[k - 1]

    @property
    def final_state(self) -> np.ndarray:
        """h after the last step (``h0`` for an empty trace)."""
        return self.state_before(self._length)

    def step_at(self, k: int) -> GRUStepResult:
        """The single step with row index ``k`` (0-based; negative counts from the end)."""
        if k < 0:
            k += self._length
        if not 0 <= k < self._length:
            raise IndexError(f"step {k} outside 0..{self._length - 1}")
        values = {name: getattr(self, name)[k] for name in GRU_TRACE_FIELDS}
        return GRUStepResult(hidden_prev=self.state_before(k), **values)

    def truncate(self, length: int) -> None:
        """Cut the trace back to its first ``length`` steps (kept bit for bit)."""
        if not 0 <= length <= self._length:
            raise IndexError(f"length {length} outside 0..{self._length}")
        self._length = length

    def append(self, result: GRUStepResult) -> None:
        """Add one step computed elsewhere (by :func:`gru_step`)."""
        self.reserve(self._length + 1)
        n = self._length
        self._inputs[n] = result.inputs
        for k, name in enumerate(GRU_TRACE_FIELDS[1:]):
            self._states[k, n] = getattr(result, name)
        self._length = n + 1

    def extend(self, params: GRUParams, inputs: np.ndarray) -> None:
        """Run ``params`` over ``inputs`` (T, D) from the trace's final state, appending T steps.

        Each step is :func:`gru_step`, bit for bit.

        Raises
        ------
        ValueError
            If ``params`` do not fit the trace, or a shape or value is wrong.
        """
        if (params.input_size, params.hidden_size) != (self.input_size, self.hidden_size):
            raise ValueError(
                f"params of size D={params.input_size}, H={params.hidden_size} do not fit a trace "
                f"of size D={self.input_size}, H={self.hidden_size}"
            )
        X = as_sequence(inputs, self.input_size, "inputs", params.dtype)
        self.reserve(self._length + X.shape[0])
        h = self.final_state.astype(params.dtype)
        for x in X:
            result = _advance(params, x, h)
            self.append(result)
            h = result.hidden


def run_gru(params: GRUParams, inputs: np.ndarray, h0: np.ndarray | None = None) -> GRUTrace:
    """Run the GRU over an input sequence of shape (T, D) from ``h0`` (zeros by default).

    Returns
    -------
    GRUTrace
        Every gate, product and state at every step (see :class:`GRUTrace`).

    Raises
    ------
    ValueError
        If a shape is wrong or a value is NaN or infinite.
    """
    X = as_sequence(inputs, params.input_size, "inputs", params.dtype)
    trace = GRUTrace.for_params(params, h0, capacity=max(X.shape[0], 1))
    trace.extend(params, X)
    return trace
