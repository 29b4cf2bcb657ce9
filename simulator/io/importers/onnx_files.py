"""ONNX models: the weights of their ``LSTM`` nodes, read with the ``onnx`` package.

An ONNX ``LSTM`` node takes ``W [dirs, 4H, D]``, ``R [dirs, 4H, H]`` and
``B [dirs, 8H]`` (the input biases, then the recurrent ones), each stacked in
the gate order **i, o, f, c**, as initializers or ``Constant`` nodes. Each
node is one layer of the stack, in the graph's order; ``direction`` gives a
forward, a reverse, or both (``bidirectional``) entries.

Not supported, refused with a :class:`~simulator.io.LoadError`: peepholes
``P [dirs, 3H]`` other than zero, cell clipping (``clip``), coupled input and
forget gates (``input_forget``), activations other than σ (or a hard sigmoid
with Keras' slopes) for the gates and tanh elsewhere, and weights kept in
external files. ``initial_h`` and ``initial_c`` are not used: traces start
from zero, as ``Model.notes`` says.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from simulator.engine import LSTMParams
from simulator.io.bounded import MAX_ARRAY_BYTES
from simulator.io.errors import LoadError
from simulator.io.models import Model

_TORCH_BLOCKS = (0, 2, 3, 1)
"""The ONNX blocks (i, o, f, c) in PyTorch's order i, f, g, o."""
_HARD_SIGMOIDS = {(0.2, 0.5): "hard_sigmoid", (1 / 6, 0.5): "hard_sigmoid_keras3"}
_INPUTS = ("X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P")
MAX_MODEL_BYTES = 2**31 - 1
"""Protocol buffers cannot be larger than 2 GiB."""


def read_onnx_file(path: Path) -> Model:
    """A :class:`Model` from the ``LSTM`` nodes of an ``.onnx`` file.

    Raises
    ------
    LoadError
        ``onnx`` not installed, not an ONNX model, no LSTM node, weights that
        are not constants, an unsupported variant, wrong shapes.
    """
    try:
        import onnx
    except ImportError:
        raise LoadError(path, "onnx is not installed: pip install 'lstm-gate-simulator[onnx]'") from None
    size = path.stat().st_size
    if size > MAX_MODEL_BYTES:
        raise LoadError(path, f"file is {size} bytes, more than an ONNX model may be")
    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception as exc:  # protobuf's DecodeError and friends
        raise LoadError(path, f"not an ONNX model ({type(exc).__name__}: {exc})") from None
    graph = model.graph
    constants = {tensor.name: tensor for tensor in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant":
            for attribute in node.attribute:
                if attribute.name == "value":
                    constants[node.output[0]] = attribute.t
    nodes = [node for node in graph.node if node.op_type == "LSTM"]
    if not nodes:
        raise LoadError(path, "no LSTM node in the ONNX graph")
    layers, depths, reverse, notes = [], [], [], []
    for depth, node in enumerate(nodes):
        label = node.name or f"LSTM {depth}"
        inputs = dict(zip(_INPUTS, node.input, strict=False))
        if inputs.get("initial_h") or inputs.get("initial_c"):
            notes.append(f"{label}: initial_h and initial_c are not used; traces start from zero")
        for params, backward in _node_params(path, node, label, inputs, constants):
            layers.append(params)
            depths.append(depth)
            reverse.append(backward)
    return Model(layers, "onnx", tuple(depths), tuple(reverse), tuple(notes))


def _node_params(
    path: Path, node: object, label: str, inputs: dict[str, str], constants: dict
) -> list[tuple[LSTMParams, bool]]:
    from onnx import helper

    attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}  # type: ignore[attr-defined]
    if "clip" in attributes:
        raise LoadError(path, f"{label}: cell clipping (clip) is not supported")
    if attributes.get("input_forget", 0):
        raise LoadError(path, f"{label}: input_forget (coupled input and forget gates) is not supported")
    direction = _text(attributes.get("direction", b"forward"))
    backward_flags = {"forward": [False], "reverse": [True], "bidirectional": [False, True]}.get(direction)
    if backward_flags is None:
        raise LoadError(path, f"{label}: unknown direction {direction!r}")
    W = _constant(path, label, inputs, "W", constants)
    R = _constant(path, label, inputs, "R", constants)
    B = _constant(path, label, inputs, "B", constants) if inputs.get("B") else None
    P = _constant(path, label, inputs, "P", constants) if inputs.get("P") else None
    if P is not None and np.any(P):
        raise LoadError(path, f"{label}: peephole LSTMs are not supported yet (P is not zero)")
    dirs = len(backward_flags)
    if W.ndim != 3 or W.shape[0] != dirs or R.ndim != 3 or R.shape[0] != dirs:
        raise LoadError(path, f"{label}: W and R must be [{dirs}, 4H, ...], got {W.shape} and {R.shape}")
    H = R.shape[2]
    if "hidden_size" in attributes and attributes["hidden_size"] != H:
        raise LoadError(path, f"{label}: hidden_size {attributes['hidden_size']} but R is {R.shape}")
    if B is not None and B.shape != (dirs, 8 * H):
        raise LoadError(path, f"{label}: B must be [{dirs}, {8 * H}], got {B.shape}")
    activations = _gate_activations(path, label, attributes, dirs)
    out = []
    for d, backward in enumerate(backward_flags):
        name = label + ((" reverse" if backward else " forward") if dirs == 2 or backward else "")
        biases = (None, None) if B is None else (_reorder(B[d, : 4 * H], H), _reorder(B[d, 4 * H :], H))
        try:
            params = LSTMParams.from_torch(
                _reorder(W[d], H), _reorder(R[d], H), *biases, gate_activation=activations[d], name=name
            )
        except ValueError as exc:
            raise LoadError(path, f"{name}: {exc}") from None
        out.append((params, backward))
    return out


def _constant(path: Path, label: str, inputs: dict[str, str], key: str, constants: dict) -> np.ndarray:
    from onnx import TensorProto, numpy_helper

    name = inputs.get(key)
    if not name:
        raise LoadError(path, f"{label}: no {key} input")
    tensor = constants.get(name)
    if tensor is None:
        raise LoadError(path, f"{label}: {key} ({name!r}) is neither an initializer nor a Constant")
    if tensor.data_location == TensorProto.EXTERNAL:
        raise LoadError(path, f"{label}: {key} is kept in an external file, which is not supported")
    count = math.prod(max(int(d), 0) for d in tensor.dims)
    if count * 8 > MAX_ARRAY_BYTES or count > 2 * tensor.ByteSize():
        raise LoadError(path, f"{label}: {key} claims shape {list(tensor.dims)}, more than the file holds")
    return numpy_helper.to_array(tensor).astype(np.float64)


def _reorder(packed: np.ndarray, H: int) -> np.ndarray:
    """ONNX's blocks i, o, f, c in PyTorch's order i, f, g, o."""
    if packed.shape[0] != 4 * H:
        raise ValueError(f"expected {4 * H} rows (4H), got shape {packed.shape}")
    return np.concatenate([packed[k * H : (k + 1) * H] for k in _TORCH_BLOCKS])


def _gate_activations(path: Path, label: str, attributes: dict, dirs: int) -> list[str]:
    """The gate activation of each direction, from ``activations`` (f, g, h per direction)."""
    names = [_text(a) for a in attributes.get("activations", [b"Sigmoid", b"Tanh", b"Tanh"] * dirs)]
    if len(names) != 3 * dirs:
        raise LoadError(path, f"{label}: expected {3 * dirs} activations, got {len(names)}")
    alphas, betas = list(attributes.get("activation_alpha", [])), list(attributes.get("activation_beta", []))
    out, rank = [], 0
    for d in range(dirs):
        f, g, h = names[3 * d : 3 * d + 3]
        if (g, h) != ("Tanh", "Tanh"):
            raise LoadError(path, f"{label}: activations {g}, {h} are not supported (only Tanh)")
        if f == "Sigmoid":
            out.append("sigmoid")
            continue
        if f != "HardSigmoid":
            raise LoadError(path, f"{label}: gate activation {f} is not supported")
        index = 3 * d if len(alphas) == len(names) else rank
        alpha = alphas[index] if index < len(alphas) else 0.2
        beta = betas[index] if index < len(betas) else 0.5
        rank += 1
        match = [
            v for (a, b), v in _HARD_SIGMOIDS.items() if math.isclose(a, alpha) and math.isclose(b, beta)
        ]
        if not match:
            raise LoadError(path, f"{label}: HardSigmoid(alpha={alpha}, beta={beta}) is not supported")
        out.append(match[0])
    return out


def _text(value: object) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
