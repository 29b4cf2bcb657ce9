"""Keras weights, read with h5py alone: no TensorFlow or Keras needed.

Keras 3 (``.keras`` zips and ``.weights.h5`` files): an LSTM layer's weights
are at ``layers/<lstm>/cell/vars/{0,1,2}`` = kernel (D, 4H), recurrent_kernel
(H, 4H) and bias (4H), gate order i, f, c, o; a ``Bidirectional`` wrapper holds
``forward_layer`` and ``backward_layer``. The group names are the layers'
snake-cased class names numbered in order (``lstm``, ``lstm_1``, …), so the
``config.json`` of a ``.keras`` zip, read when present, gives both the layers'
order and their names and activations.

Keras 2 (legacy ``.h5``): ``[model_weights/]<layer>/<layer>/lstm_cell…/kernel:0``
and so on, listed by the ``layer_names`` and ``weight_names`` attributes; the
model's configuration, if saved, is the ``model_config`` attribute.

The recurrent activation ``hard_sigmoid`` is clip(0.2x + 0.5, 0, 1) in
Keras 2 and clip(x/6 + 0.5, 0, 1) in Keras 3; either is kept as the layers'
``gate_activation``.
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator.engine import LSTMParams
from simulator.io.bounded import MAX_ARRAY_BYTES, MAX_DEFLATE_RATIO, check_npy_dtype, read_zip_entry
from simulator.io.errors import LoadError
from simulator.io.models import Model

MAX_CONFIG_BYTES = 64 * 1024 * 1024
_WEIGHTS = "model.weights.h5"


@dataclass(frozen=True)
class _Layer:
    """One Keras LSTM (or one direction of a Bidirectional) found in a file."""

    key: str
    arrays: tuple[np.ndarray, ...]
    reverse: bool = False


def read_keras_file(path: Path) -> Model:
    """A :class:`Model` from a Keras 3 ``.keras`` zip or a Keras 3 or Keras 2 ``.h5`` file.

    Raises
    ------
    LoadError
        Not a zip or HDF5 file, no LSTM weights, an unsupported layer option
        (an activation other than tanh, ``go_backwards``), wrong shapes.
    """
    h5py = _h5py(path)
    size = path.stat().st_size
    if path.suffix.lower() == ".keras":
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
                if _WEIGHTS not in names:
                    raise LoadError(path, f"no {_WEIGHTS} in the archive")
                config = None
                if "config.json" in names:
                    config = _json(path, read_zip_entry(archive, "config.json", size, MAX_CONFIG_BYTES))
                data = read_zip_entry(archive, _WEIGHTS, size)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
            raise LoadError(path, f"not a .keras zip archive ({exc})") from None
        with h5py.File(io.BytesIO(data), "r") as h5:
            return _keras3_model(path, _Bounded(h5, len(data)), config, "keras")
    try:
        h5 = h5py.File(path, "r")
    except OSError as exc:
        raise LoadError(path, f"not an HDF5 file ({exc})") from None
    with h5:
        root = h5["model_weights"] if "model_weights" in h5 else h5
        if "layer_names" in root.attrs:
            return _keras2_model(path, _Bounded(h5, size), root)
        return _keras3_model(path, _Bounded(h5, size), None, "keras")


@dataclass(frozen=True)
class _Bounded:
    """An open HDF5 file and its real size, so that no dataset is read that claims more."""

    h5: object
    size: int

    def read(self, dataset: object) -> np.ndarray:
        """The dataset's values, if the file can really hold them (see :mod:`simulator.io.bounded`)."""
        import h5py

        if not isinstance(dataset, h5py.Dataset):
            raise ValueError(f"{getattr(dataset, 'name', dataset)}: expected a dataset of weights")
        check_npy_dtype(dataset.dtype, dataset.name)
        needed = math.prod(dataset.shape or ()) * dataset.dtype.itemsize
        filtered = dataset.id.get_create_plist().get_nfilters() > 0
        can_hold = min(self.size * (MAX_DEFLATE_RATIO if filtered else 1) + 64, MAX_ARRAY_BYTES)
        if needed > can_hold:
            raise ValueError(
                f"{dataset.name}: the dataset claims shape {dataset.shape} ({needed} bytes), "
                f"more than the file can hold"
            )
        return np.asarray(dataset)


def _h5py(path: Path) -> object:
    try:
        import h5py
    except ImportError:
        raise LoadError(path, "h5py is not installed: pip install 'lstm-gate-simulator[keras]'") from None
    return h5py


def _json(path: Path, data: bytes | str) -> dict:
    if len(data) > MAX_CONFIG_BYTES:
        raise LoadError(path, "the model configuration is too large")
    try:
        config = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LoadError(path, f"the model configuration is not JSON ({exc})") from None
    if not isinstance(config, dict):
        raise LoadError(path, "the model configuration is not a JSON object")
    return config


# ---------------------------------------------------------------- Keras 3
def _keras3_model(path: Path, file: _Bounded, config: dict | None, source_format: str) -> Model:
    found = {group_path: layer for group_path, layer in _keras3_layers(file)}
    if not found:
        raise LoadError(path, "no LSTM weights found (expected layers/<lstm>/cell/vars/0, 1, 2)")
    layers = config_layers(config) if config is not None else []
    notes: tuple[str, ...] = ()
    if not layers:
        notes = ("no model configuration: layers ordered by name, gate activation assumed sigmoid",)
    by_key = {key: (name, layer_config) for key, name, layer_config in layers}
    order = sorted(found, key=lambda p: _order(layers, p, found[p]))
    entries = []
    for group_path in order:
        layer = found[group_path]
        name, layer_config = by_key.get(layer.key, (layer.key, {}))
        activation = _gate_activation(path, name, layer_config, keras3=True)
        entries.append((layer, name, activation))
    return _stack(path, entries, source_format, notes)


def _keras3_layers(file: _Bounded) -> Iterator[tuple[str, _Layer]]:
    """Every group holding ``cell/vars`` with the shapes of an LSTM, by its path."""
    import h5py

    groups: list[str] = []
    file.h5.visititems(lambda name, obj: groups.append(name) if isinstance(obj, h5py.Group) else None)  # type: ignore[attr-defined]
    for name in groups:
        if not name.endswith("/cell/vars"):
            continue
        variables = file.h5[name]  # type: ignore[index]
        datasets = [variables[k] for k in sorted((k for k in variables if k.isdigit()), key=int)]
        if not _lstm_shapes(tuple(getattr(d, "shape", None) or () for d in datasets)):
            continue
        arrays = tuple(file.read(d) for d in datasets)
        layer_path = name[: -len("/cell/vars")]
        parent, _, leaf = layer_path.rpartition("/")
        if leaf in ("forward_layer", "backward_layer"):
            yield layer_path, _Layer(parent.rpartition("/")[2], arrays, leaf == "backward_layer")
        else:
            yield layer_path, _Layer(leaf, arrays)


def _lstm_shapes(shapes: tuple[tuple[int, ...], ...]) -> bool:
    """Whether the shapes are those of kernel (D, 4H), recurrent_kernel (H, 4H) and maybe a bias."""
    if len(shapes) not in (2, 3) or len(shapes[0]) != 2 or len(shapes[1]) != 2:
        return False
    H = shapes[1][0]
    return shapes[1] == (H, 4 * H) and shapes[0][1] == 4 * H


def config_layers(config: dict) -> list[tuple[str, str, dict]]:
    """``(weights group name, layer name, LSTM config)`` of each LSTM of a Keras 3 model config, in order.

    The weights group of a layer is its snake-cased class name, numbered from
    the second of a class on (``lstm``, ``lstm_1``); a ``Bidirectional``
    layer's config is the config of the LSTM it wraps.
    """
    inner = config.get("config")
    layers = inner.get("layers") if isinstance(inner, dict) else None
    out: list[tuple[str, str, dict]] = []
    counts: dict[str, int] = {}
    for layer in layers if isinstance(layers, list) else []:
        if not isinstance(layer, dict) or not isinstance(layer.get("class_name"), str):
            continue
        class_name = layer["class_name"]
        snake = _snake_case(class_name)
        count = counts.get(snake, -1) + 1
        counts[snake] = count
        key = snake if count == 0 else f"{snake}_{count}"
        layer_config = layer.get("config") if isinstance(layer.get("config"), dict) else {}
        name = str(layer_config.get("name", key))
        if class_name == "Bidirectional" and isinstance(layer_config.get("layer"), dict):
            out.append((key, name, layer_config["layer"].get("config", {})))
        elif class_name == "LSTM":
            out.append((key, name, layer_config))
    return out


def _snake_case(name: str) -> str:
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _order(layers: list[tuple[str, str, dict]], group_path: str, layer: _Layer) -> tuple:
    """Position in the config, else by name; a Bidirectional's forward layer before its backward one."""
    keys = [k for k, _, _ in layers]
    position = keys.index(layer.key) if layer.key in keys else len(keys)
    base = (
        group_path.rpartition("/")[0]
        if group_path.endswith(("/forward_layer", "/backward_layer"))
        else group_path
    )
    return position, _natural(base), layer.reverse


def _natural(text: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


# ---------------------------------------------------------------- Keras 2
def _keras2_model(path: Path, file: _Bounded, root: object) -> Model:
    h5 = file.h5
    raw_config = h5.attrs.get("model_config")  # type: ignore[attr-defined]
    config = _json(path, raw_config) if raw_config is not None else None
    version = _text(h5.attrs.get("keras_version", root.attrs.get("keras_version", "2")))  # type: ignore[attr-defined]
    keras3 = version.startswith("3")
    configs = {name: layer_config for _, name, layer_config in config_layers(config)} if config else {}
    notes: tuple[str, ...] = () if config else ("no model configuration: gate activation assumed sigmoid",)
    entries = []
    for layer_name in (_text(n) for n in root.attrs["layer_names"]):  # type: ignore[attr-defined]
        group = root[layer_name]  # type: ignore[index]
        cells: dict[str, dict[str, np.ndarray]] = {}
        for weight_name in (_text(n) for n in group.attrs.get("weight_names", [])):
            prefix, _, leaf = weight_name.rpartition("/")
            cells.setdefault(prefix, {})[leaf.split(":")[0]] = group[weight_name]
        for prefix, parts in sorted(cells.items(), key=lambda item: _is_backward(item[0])):
            datasets = tuple(parts[k] for k in ("kernel", "recurrent_kernel", "bias") if k in parts)
            shapes = tuple(getattr(d, "shape", None) or () for d in datasets)
            if "kernel" in parts and "recurrent_kernel" in parts and _lstm_shapes(shapes):
                arrays = tuple(file.read(d) for d in datasets)
                layer = _Layer(layer_name, arrays, _is_backward(prefix))
                activation = _gate_activation(path, layer_name, configs.get(layer_name, {}), keras3)
                entries.append((layer, layer_name, activation))
    if not entries:
        raise LoadError(path, "no LSTM weights found in this Keras file")
    return _stack(path, entries, "keras-h5", notes)


def _is_backward(prefix: str) -> bool:
    """``bidirectional/backward_lstm/lstm_cell_2``: the backward layer of a Bidirectional."""
    parts = prefix.split("/")
    return len(parts) > 2 and "backward" in parts[1]


def _text(value: object) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


# ---------------------------------------------------------------- common
def _gate_activation(path: Path, name: str, layer_config: dict, keras3: bool) -> str:
    activation = layer_config.get("activation", "tanh")
    if activation != "tanh":
        raise LoadError(path, f"{name}: activation {activation!r} is not supported (only tanh)")
    if layer_config.get("go_backwards"):
        raise LoadError(path, f"{name}: go_backwards LSTM layers are not supported")
    recurrent = layer_config.get("recurrent_activation", "sigmoid")
    if recurrent == "sigmoid":
        return "sigmoid"
    if recurrent == "hard_sigmoid":
        return "hard_sigmoid_keras3" if keras3 else "hard_sigmoid"
    raise LoadError(path, f"{name}: recurrent activation {recurrent!r} is not supported")


def _stack(path: Path, entries: list[tuple[_Layer, str, str]], source_format: str, notes: tuple) -> Model:
    layers, depths, reverse = [], [], []
    depth, previous = -1, None
    for layer, name, activation in entries:
        if not (layer.reverse and previous is not None and previous.key == layer.key):
            depth += 1  # a backward layer shares the depth of the forward layer before it
        previous = layer
        bidirectional = any(other.key == layer.key and other.reverse for other, _, _ in entries)
        suffix = (" reverse" if layer.reverse else " forward") if bidirectional else ""
        try:
            params = LSTMParams.from_keras(*layer.arrays, gate_activation=activation, name=name + suffix)
        except ValueError as exc:
            raise LoadError(path, f"{name}: {exc}") from None
        layers.append(params)
        depths.append(depth)
        reverse.append(layer.reverse)
    return Model(layers, source_format, tuple(depths), tuple(reverse), notes)
