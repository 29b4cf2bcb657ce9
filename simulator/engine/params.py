"""Weights of one LSTM cell, by gate, with the PyTorch and Keras packings.

The four gates are kept in the order of the diagram: forget (f), input (i),
candidate (~C, PyTorch's ``g``) and output (o). Internally the weights of all
four gates are stacked into one matrix each, so that the engine can compute all
gate pre-activations with one product; the per-gate arrays handed out are views
into those stacks.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np

from simulator.engine.activations import GATE_ACTIVATIONS

GATES: tuple[str, ...] = ("forget", "input", "candidate", "output")
"""Gate names in the engine's stacking order."""

PARTS: tuple[str, ...] = ("input", "recurrent", "bias")
"""Weight parts of a gate: input weights (H×D), recurrent weights (H×H), bias (H)."""

PART_LABELS = {"input": "input weights", "recurrent": "recurrent weights", "bias": "bias"}

# Position of each of our gates inside a framework's packing.
_TORCH_ORDER = ("input", "forget", "candidate", "output")  # PyTorch: i, f, g, o
_KERAS_ORDER = ("input", "forget", "candidate", "output")  # Keras: i, f, c, o

Part = Literal["input", "recurrent", "bias"]


class GateWeights(NamedTuple):
    """The weights of one gate: ``W`` (H×D), ``U`` (H×H) and ``b`` (H)."""

    input_weights: np.ndarray
    recurrent_weights: np.ndarray
    bias: np.ndarray


def _as_float_array(value: object, what: str, dtype: np.dtype) -> np.ndarray:
    try:
        array = np.array(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what}: not a numeric array ({exc})") from None
    return array


def _check_finite(array: np.ndarray, what: str) -> None:
    if np.isnan(array).any():
        raise ValueError(f"{what}: contains NaN")
    if np.isinf(array).any():
        raise ValueError(f"{what}: contains an infinite value")


def _check_shape(array: np.ndarray, expected: tuple[int, ...], what: str) -> None:
    if array.shape != expected:
        raise ValueError(f"{what}: expected shape {expected}, got {array.shape}")


class LSTMParams:
    """The weights of one LSTM cell with input size D and hidden size H.

    Parameters
    ----------
    forget, input, candidate, output : GateWeights or tuple
        For each gate ``(W, U, b)``: input weights of shape (H, D), recurrent
        weights of shape (H, H) and a bias of shape (H,).
    dtype : numpy dtype, optional
        ``float64`` (the default) or ``float32``.
    gate_activation : str, optional
        The activation σ of the forget, input and output gates:

        - ``"sigmoid"`` (the default): σ(z) = 1 / (1 + e^{-z});
        - ``"hard_sigmoid"`` (Keras 2, TF 1.x, ONNX): σ(z) = clip(0.2·z + 0.5, 0, 1);
        - ``"hard_sigmoid_keras3"``: σ(z) = clip(z/6 + 0.5, 0, 1) = relu6(z + 3)/6.
    name : str, optional
        A label, such as ``"layer 1 reverse"`` for a layer of an imported model.

    ``gate_activation`` and ``name`` are kept by :meth:`copy`, :meth:`astype`,
    :meth:`with_value` and the ``from_*`` constructors, and take part in ``==``.

    Raises
    ------
    ValueError
        If a shape is wrong or a value is NaN or infinite; the message names the
        gate, the part and the expected and given shapes. Also for an unknown
        ``gate_activation``.
    """

    def __init__(
        self,
        forget: GateWeights | tuple,
        input: GateWeights | tuple,  # noqa: A002 - the gate's name
        candidate: GateWeights | tuple,
        output: GateWeights | tuple,
        *,
        dtype: np.dtype | type | str = np.float64,
        gate_activation: str = "sigmoid",
        name: str = "",
    ) -> None:
        self.gate_activation = _check_gate_activation(gate_activation)
        self.name = str(name)
        dtype = np.dtype(dtype)
        if dtype not in (np.dtype(np.float64), np.dtype(np.float32)):
            raise ValueError(f"dtype: expected float64 or float32, got {dtype}")
        given = {"forget": forget, "input": input, "candidate": candidate, "output": output}
        first_w = _as_float_array(given["forget"][0], "forget gate input weights", dtype)
        if first_w.ndim != 2:
            raise ValueError(
                f"forget gate input weights: expected a 2-D array (H, D), got shape {first_w.shape}"
            )
        hidden_size, input_size = first_w.shape
        if hidden_size < 1 or input_size < 1:
            raise ValueError(f"forget gate input weights: empty shape {first_w.shape}")
        H, D = hidden_size, input_size
        self._W = np.empty((4 * H, D), dtype=dtype)
        self._U = np.empty((4 * H, H), dtype=dtype)
        self._b = np.empty(4 * H, dtype=dtype)
        for k, gate in enumerate(GATES):
            parts = given[gate]
            if len(parts) != 3:
                raise ValueError(f"{gate} gate: expected (input weights, recurrent weights, bias)")
            rows = slice(k * H, (k + 1) * H)
            for part, value, expected, target in zip(
                PARTS, parts, ((H, D), (H, H), (H,)), (self._W, self._U, self._b), strict=False
            ):
                what = f"{gate} gate {PART_LABELS[part]}"
                array = _as_float_array(value, what, dtype)
                _check_shape(array, expected, what)
                _check_finite(array, what)
                target[rows] = array
        self.input_size = D
        self.hidden_size = H

    # ----------------------------------------------------------------- access
    @property
    def dtype(self) -> np.dtype:
        return self._W.dtype

    @property
    def stacked(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(W, U, b)`` of all gates stacked in the order forget, input, candidate, output.

        Shapes (4H, D), (4H, H) and (4H,). Read-only views.
        """
        views = []
        for array in (self._W, self._U, self._b):
            view = array.view()
            view.flags.writeable = False
            views.append(view)
        return tuple(views)  # type: ignore[return-value]

    def gate(self, name: str) -> GateWeights:
        """The weights of one gate as read-only views."""
        k = _gate_index(name)
        H = self.hidden_size
        rows = slice(k * H, (k + 1) * H)
        W, U, b = self.stacked
        return GateWeights(W[rows], U[rows], b[rows])

    def part(self, gate: str, part: str) -> np.ndarray:
        """One weight part of one gate (``part`` is ``input``, ``recurrent`` or ``bias``)."""
        if part not in PARTS:
            raise ValueError(f"unknown weight part {part!r}; expected one of {', '.join(PARTS)}")
        return self.gate(gate)[PARTS.index(part)]

    forget = property(lambda self: self.gate("forget"))
    input = property(lambda self: self.gate("input"))
    candidate = property(lambda self: self.gate("candidate"))
    output = property(lambda self: self.gate("output"))

    # --------------------------------------------------------------- editing
    def with_value(self, gate: str, part: str, index: tuple[int, ...] | int, value: float) -> LSTMParams:
        """A copy with one weight changed; ``index`` is (row, column) or (row,) for a bias."""
        target = self.part(gate, part)
        index = (index,) if isinstance(index, int) else tuple(index)
        if len(index) != target.ndim or any(
            not 0 <= i < n for i, n in zip(index, target.shape, strict=False)
        ):
            raise ValueError(f"{gate} gate {PART_LABELS[part]}: index {index} outside shape {target.shape}")
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"{gate} gate {PART_LABELS[part]}: value must be finite, got {value}")
        copy = self.copy()
        row = _gate_index(gate) * self.hidden_size + index[0]
        copy._stack_for(part)[(row, *index[1:])] = value
        return copy

    def _stack_for(self, part: str) -> np.ndarray:
        return {"input": self._W, "recurrent": self._U, "bias": self._b}[part]

    def copy(self) -> LSTMParams:
        """An independent copy (same weights, gate activation and name)."""
        return self._restacked(self._W.copy(), self._U.copy(), self._b.copy())

    def replace(self, *, gate_activation: str | None = None, name: str | None = None) -> LSTMParams:
        """A copy with another gate activation and/or name (the weights are the same)."""
        copy = self.copy()
        if gate_activation is not None:
            copy.gate_activation = _check_gate_activation(gate_activation)
        if name is not None:
            copy.name = str(name)
        return copy

    def _restacked(self, W: np.ndarray, U: np.ndarray, b: np.ndarray) -> LSTMParams:
        return LSTMParams._from_stacks(W, U, b, gate_activation=self.gate_activation, name=self.name)

    def astype(self, dtype: np.dtype | type | str) -> LSTMParams:
        """The same weights in another floating type (``float64`` or ``float32``)."""
        dtype = np.dtype(dtype)
        if dtype not in (np.dtype(np.float64), np.dtype(np.float32)):
            raise ValueError(f"dtype: expected float64 or float32, got {dtype}")
        return self._restacked(self._W.astype(dtype), self._U.astype(dtype), self._b.astype(dtype))

    @classmethod
    def _from_stacks(
        cls,
        W: np.ndarray,
        U: np.ndarray,
        b: np.ndarray,
        gate_activation: str = "sigmoid",
        name: str = "",
    ) -> LSTMParams:
        params = cls.__new__(cls)
        params._W, params._U, params._b = W, U, b
        params.gate_activation, params.name = gate_activation, name
        params.hidden_size = U.shape[1]
        params.input_size = W.shape[1]
        return params

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LSTMParams):
            return NotImplemented
        return (
            self.dtype == other.dtype
            and self.gate_activation == other.gate_activation
            and self.name == other.name
            and self._W.shape == other._W.shape
            and bool(np.array_equal(self._W, other._W))
            and bool(np.array_equal(self._U, other._U))
            and bool(np.array_equal(self._b, other._b))
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        extra = "" if self.gate_activation == "sigmoid" else f", gate_activation={self.gate_activation!r}"
        extra += f", name={self.name!r}" if self.name else ""
        return (
            f"LSTMParams(input_size={self.input_size}, hidden_size={self.hidden_size}, "
            f"dtype={self.dtype}{extra})"
        )

    # ------------------------------------------------------------- creation
    @classmethod
    def zeros(
        cls, input_size: int, hidden_size: int, dtype: np.dtype | type | str = np.float64
    ) -> LSTMParams:
        """All weights zero."""
        _check_sizes(input_size, hidden_size)
        H, D = hidden_size, input_size
        return cls._from_stacks(
            np.zeros((4 * H, D), dtype), np.zeros((4 * H, H), dtype), np.zeros(4 * H, dtype)
        ).astype(dtype)

    @classmethod
    def random(
        cls,
        input_size: int,
        hidden_size: int,
        seed: int | None = 0,
        scale: float | None = None,
        dtype: np.dtype | type | str = np.float64,
    ) -> LSTMParams:
        """Reproducible random weights, uniform in ±``scale``.

        The default scale is 1/√H, PyTorch's initialisation.
        """
        _check_sizes(input_size, hidden_size)
        H, D = hidden_size, input_size
        scale = 1.0 / np.sqrt(H) if scale is None else float(scale)
        rng = np.random.default_rng(seed)
        W = rng.uniform(-scale, scale, (4 * H, D))
        U = rng.uniform(-scale, scale, (4 * H, H))
        b = rng.uniform(-scale, scale, 4 * H)
        return cls._from_stacks(W, U, b).astype(dtype)

    @classmethod
    def from_gates(
        cls,
        weights: dict[str, dict[str, object]],
        dtype: np.dtype | type | str = np.float64,
        gate_activation: str = "sigmoid",
        name: str = "",
    ) -> LSTMParams:
        """From ``{gate: {"input": W, "recurrent": U, "bias": b}}``, the preset layout."""
        missing = [g for g in GATES if g not in weights]
        if missing:
            raise ValueError(f"missing weights for the {', '.join(missing)} gate")
        unknown = [g for g in weights if g not in GATES]
        if unknown:
            raise ValueError(f"unknown gate {unknown[0]!r}; expected one of {', '.join(GATES)}")
        gates = {}
        for gate in GATES:
            parts = weights[gate]
            if not isinstance(parts, dict):
                raise ValueError(f"{gate} gate: expected a mapping of input, recurrent, bias")
            absent = [p for p in PARTS if p not in parts]
            if absent:
                raise ValueError(f"{gate} gate: missing {', '.join(PART_LABELS[p] for p in absent)}")
            gates[gate] = tuple(parts[p] for p in PARTS)
        return cls(**gates, dtype=dtype, gate_activation=gate_activation, name=name)

    def to_gates(self) -> dict[str, dict[str, list]]:
        """``{gate: {"input": W, "recurrent": U, "bias": b}}`` as nested lists (for JSON)."""
        return {gate: {part: self.part(gate, part).tolist() for part in PARTS} for gate in GATES}

    @classmethod
    def from_torch(
        cls,
        weight_ih: object,
        weight_hh: object,
        bias_ih: object | None = None,
        bias_hh: object | None = None,
        dtype: np.dtype | type | str = np.float64,
        gate_activation: str = "sigmoid",
        name: str = "",
    ) -> LSTMParams:
        """From PyTorch's packing: ``weight_ih`` (4H, D), ``weight_hh`` (4H, H), gate order i, f, g, o.

        PyTorch adds two biases; here they are summed into the one bias of each gate.
        Tensors are accepted as well as arrays (anything ``numpy.asarray`` takes).
        """
        W = _packed(weight_ih, "weight_ih", 2)
        U = _packed(weight_hh, "weight_hh", 2)
        if W.shape[0] % 4 or W.shape[0] == 0:
            raise ValueError(f"weight_ih: expected shape (4H, D), got {W.shape}")
        H = W.shape[0] // 4
        _check_shape(U, (4 * H, H), "weight_hh (4H, H)")
        b = np.zeros(4 * H)
        for what, bias in (("bias_ih", bias_ih), ("bias_hh", bias_hh)):
            if bias is not None:
                bias = _packed(bias, what, 1)
                _check_shape(bias, (4 * H,), f"{what} (4H,)")
                b = b + bias
        return cls._from_framework(W, U, b, _TORCH_ORDER, H, dtype, gate_activation, name)

    def to_torch(self) -> dict[str, np.ndarray]:
        """PyTorch's packing: ``weight_ih``, ``weight_hh``, ``bias_ih`` and ``bias_hh``.

        The whole bias goes into ``bias_ih``; ``bias_hh`` is zero.
        """
        W, U, b = self._to_framework(_TORCH_ORDER)
        return {"weight_ih": W, "weight_hh": U, "bias_ih": b, "bias_hh": np.zeros_like(b)}

    @classmethod
    def from_keras(
        cls,
        kernel: object,
        recurrent_kernel: object,
        bias: object | None = None,
        dtype: np.dtype | type | str = np.float64,
        gate_activation: str = "sigmoid",
        name: str = "",
    ) -> LSTMParams:
        """From Keras' packing: ``kernel`` (D, 4H), ``recurrent_kernel`` (H, 4H), gate order i, f, c, o."""
        K = _packed(kernel, "kernel", 2)
        R = _packed(recurrent_kernel, "recurrent_kernel", 2)
        if K.shape[1] % 4 or K.shape[1] == 0:
            raise ValueError(f"kernel: expected shape (D, 4H), got {K.shape}")
        H = K.shape[1] // 4
        _check_shape(R, (H, 4 * H), "recurrent_kernel (H, 4H)")
        b = np.zeros(4 * H)
        if bias is not None:
            b = _packed(bias, "bias", 1)
            _check_shape(b, (4 * H,), "bias (4H,)")
        return cls._from_framework(K.T, R.T, b, _KERAS_ORDER, H, dtype, gate_activation, name)

    def to_keras(self) -> dict[str, np.ndarray]:
        """Keras' packing: ``kernel`` (D, 4H), ``recurrent_kernel`` (H, 4H) and ``bias`` (4H)."""
        W, U, b = self._to_framework(_KERAS_ORDER)
        return {"kernel": W.T.copy(), "recurrent_kernel": U.T.copy(), "bias": b}

    @classmethod
    def _from_framework(cls, W, U, b, order, H, dtype, gate_activation, name) -> LSTMParams:
        blocks = {gate: slice(k * H, (k + 1) * H) for k, gate in enumerate(order)}
        return cls(
            *(GateWeights(W[blocks[g]], U[blocks[g]], b[blocks[g]]) for g in GATES),
            dtype=dtype,
            gate_activation=gate_activation,
            name=name,
        )

    def _to_framework(self, order) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        gates = [self.gate(g) for g in order]
        return tuple(np.concatenate([g[k] for g in gates]) for k in range(3))  # type: ignore[return-value]


def _gate_index(name: str) -> int:
    try:
        return GATES.index(name)
    except ValueError:
        raise ValueError(f"unknown gate {name!r}; expected one of {', '.join(GATES)}") from None


def _check_gate_activation(name: str) -> str:
    if name not in GATE_ACTIVATIONS:
        raise ValueError(f"gate_activation: unknown {name!r}; expected one of {', '.join(GATE_ACTIVATIONS)}")
    return name


def _check_sizes(input_size: int, hidden_size: int) -> None:
    for what, size in (("input_size", input_size), ("hidden_size", hidden_size)):
        if int(size) != size or size < 1:
            raise ValueError(f"{what}: expected a positive whole number, got {size}")


def _packed(value: object, what: str, ndim: int) -> np.ndarray:
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    array = _as_float_array(value, what, np.dtype(np.float64))
    if array.ndim != ndim:
        raise ValueError(f"{what}: expected a {ndim}-D array, got shape {array.shape}")
    return array
