"""PyTorch weights: ``state_dict`` files saved by ``torch.save``, ``.safetensors`` and ``.npz``.

Keys follow ``nn.LSTM`` (``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``,
``bias_hh_l0``, ``…_l1``, ``…_l0_reverse``) or ``nn.LSTMCell`` (``weight_ih``,
``weight_hh``, ``bias_ih``, ``bias_hh``), possibly behind the module path of a
bigger model (``encoder.lstm.weight_ih_l0``) or inside a checkpoint dict
(``{"model": state_dict, ...}``). Keys are grouped by that prefix, one group per
LSTM; other weights are ignored.

``.pt``/``.pth`` files are pickles: they are read only with
``torch.load(..., weights_only=True)``, which refuses anything but tensors and
plain containers, and only when PyTorch is installed. ``.safetensors`` files
are read with ``safetensors.numpy``, and the entries of ``.npz`` files as plain
numeric ``.npy`` arrays by :mod:`simulator.io.bounded` (which never unpickles,
and checks every declared size first); neither needs PyTorch.
"""

from __future__ import annotations

import pickle
import re
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from simulator.engine import LSTMParams
from simulator.io.bounded import check_zip, npy_from_bytes, read_zip_entry
from simulator.io.errors import LoadError
from simulator.io.models import Model

_KEY = re.compile(
    r"^(?P<prefix>(?:.*\.)?)(?P<param>weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)"
    r"(?:_l(?P<layer>\d+)(?P<reverse>_reverse)?)?$"
)
_INSTALL_TORCH = "PyTorch is not installed: pip install 'lstm-gate-simulator[torch]'"

Reader = Callable[[], np.ndarray]
"""Reads one array when called, so that only an LSTM's weights are ever read."""


def read_torch_file(path: Path, module: str | None = None) -> Model:
    """A :class:`Model` from a ``.pt``/``.pth``, ``.safetensors`` or ``.npz`` file of PyTorch weights.

    Parameters
    ----------
    path : Path
        The file.
    module : str, optional
        The key prefix of the LSTM to take when there are several
        (``"encoder.lstm"``); by default the first, which ``Model.notes`` says.

    Raises
    ------
    LoadError
        PyTorch missing for a ``.pt`` file, a file that is not what its suffix
        says, objects other than tensors in a pickle, no LSTM weights, missing
        keys, ``proj_size > 0``, wrong shapes.
    """
    suffix = path.suffix.lower()
    if suffix == ".safetensors":
        return _read_safetensors(path, module)
    if suffix == ".npz":
        return _read_npz(path, module)
    state = _flatten(_torch_load(path))
    return model_from_state_dict(path, state, "pytorch", module)


def _read_npz(path: Path, module: str | None) -> Model:
    """Each ``<key>.npy`` entry read only when asked for, its declared sizes checked first."""
    size = path.stat().st_size
    try:
        with zipfile.ZipFile(path) as archive:
            names = [name for name in archive.namelist() if name.endswith(".npy")]
            readers = {name[: -len(".npy")]: _npz_reader(archive, name, size) for name in names}
            return model_from_state_dict(path, readers, "npz", module)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise LoadError(path, f"not an .npz archive ({exc})") from None


def _npz_reader(archive: zipfile.ZipFile, name: str, size: int) -> Reader:
    return lambda: npy_from_bytes(read_zip_entry(archive, name, size), name)


def _read_safetensors(path: Path, module: str | None) -> Model:
    try:
        from safetensors import safe_open
    except ImportError:
        raise LoadError(
            path, "safetensors is not installed: pip install 'lstm-gate-simulator[safetensors]'"
        ) from None
    with safe_open(str(path), framework="numpy") as handle:
        readers = {key: _safetensors_reader(handle, key) for key in handle.keys()}
        return model_from_state_dict(path, readers, "safetensors", module)


def _safetensors_reader(handle: object, key: str) -> Reader:
    return lambda: handle.get_tensor(key)  # type: ignore[attr-defined]


def _torch_load(path: Path) -> object:
    try:
        import torch
    except ImportError:
        raise LoadError(path, _INSTALL_TORCH) from None
    _check_archive(path)
    try:
        with path.open("rb") as handle:
            return torch.load(handle, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        raise LoadError(
            path,
            "refused: the file holds Python objects, not only tensors (it is loaded with "
            "weights_only=True; save model.state_dict() instead of the model)",
        ) from None
    except Exception as exc:  # torch raises RuntimeError, EOFError, zipfile errors, ...
        first_line = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise LoadError(path, f"not a PyTorch weights file ({first_line})") from None


def _check_archive(path: Path) -> None:
    """Refuse a zip-format ``.pt`` file whose entries claim more bytes than it can hold."""
    if not zipfile.is_zipfile(path):
        return  # the legacy format: a bare pickle, which torch reads with weights_only too
    try:
        with zipfile.ZipFile(path) as archive:
            check_zip(archive, path.stat().st_size)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise LoadError(path, f"not a PyTorch weights file ({exc})") from None
    except ValueError as exc:
        raise LoadError(path, f"refused: {exc}") from None


def _flatten(state: object, prefix: str = "") -> dict[str, Reader]:
    """The tensors of nested mappings, keyed by their dotted path."""
    import torch

    out: dict[str, Reader] = {}
    if isinstance(state, Mapping):
        for key, value in state.items():
            out.update(_flatten(value, f"{prefix}{key}."))
    elif isinstance(state, torch.Tensor):
        out[prefix[:-1]] = _tensor_reader(state)
    return out


def _tensor_reader(tensor: object) -> Reader:
    import torch

    def read() -> np.ndarray:
        value = tensor.detach()  # type: ignore[attr-defined]
        if value.is_floating_point():
            value = value.to(torch.float64)
        return value.numpy()

    return read


def model_from_state_dict(
    path: Path, state: Mapping[str, Reader], source_format: str, module: str | None = None
) -> Model:
    """A :class:`Model` from the LSTM weights among PyTorch-named arrays.

    Parameters
    ----------
    path : Path
        The file, for error messages.
    state : mapping
        Every key of the file, each with a function reading its array.
    source_format : str
        ``Model.source_format``.
    module : str, optional
        See :func:`read_torch_file`.

    Raises
    ------
    LoadError
        No LSTM weights, the named module absent, missing keys, projections,
        wrong shapes.
    """
    groups: dict[str, dict[str, Reader]] = {}
    for key, reader in state.items():
        match = _KEY.match(key)
        if match:
            groups.setdefault(match["prefix"], {})[key[len(match["prefix"]) :]] = reader
    shapes = {prefix: _lstm_like(keys) for prefix, keys in groups.items()}
    candidates = [prefix for prefix, lstm in shapes.items() if lstm]
    if not candidates:
        raise LoadError(
            path, "no LSTM weights found (expected keys such as weight_ih_l0, weight_hh_l0 or weight_ih)"
        )
    names = [prefix[:-1] or "(top level)" for prefix in candidates]
    notes: tuple[str, ...] = ()
    if module is None:
        prefix = candidates[0]
        if len(candidates) > 1:
            notes = (f"found {len(candidates)} LSTMs ({', '.join(names)}); using {names[0]}",)
    else:
        prefix = f"{module}." if module else ""
        if prefix not in candidates:
            raise LoadError(path, f"no LSTM {module!r}; the file has {', '.join(names)}")
    return _group_model(path, prefix, groups[prefix], source_format, notes)


def _lstm_like(keys: Mapping[str, Reader]) -> bool:
    """Not an ``nn.GRU`` or ``nn.RNN`` (weight_hh of 3H or H rows, not 4H)."""
    if any(key.startswith("weight_hr") for key in keys):
        return True
    for key, reader in keys.items():
        if key.startswith("weight_hh"):
            shape = np.shape(reader())
            return len(shape) != 2 or shape[0] not in (shape[1], 3 * shape[1])
    return True


def _group_model(
    path: Path, prefix: str, keys: Mapping[str, Reader], source_format: str, notes: tuple[str, ...]
) -> Model:
    parsed = {key: _KEY.match(key) for key in keys}
    if any(match["param"] == "weight_hr" for match in parsed.values()):
        raise LoadError(path, f"{prefix}weight_hr: proj_size is not supported (an LSTM with projections)")
    layered = {match["layer"] is not None for match in parsed.values()}
    if layered == {False}:
        params = _params(path, prefix, keys, "", name="cell")
        return Model([params], source_format, (0,), (False,), notes)
    if layered != {True}:
        raise LoadError(path, f"{prefix}: both nn.LSTMCell and nn.LSTM keys")
    depth_count = max(int(match["layer"]) for match in parsed.values()) + 1
    bidirectional = any(match["reverse"] for match in parsed.values())
    layers, depths, reverse = [], [], []
    for depth in range(depth_count):
        for backward in (False, True) if bidirectional else (False,):
            suffix = f"_l{depth}" + ("_reverse" if backward else "")
            direction = (" reverse" if backward else " forward") if bidirectional else ""
            layers.append(_params(path, prefix, keys, suffix, name=f"layer {depth}{direction}"))
            depths.append(depth)
            reverse.append(backward)
    return Model(layers, source_format, tuple(depths), tuple(reverse), notes)


def _params(path: Path, prefix: str, keys: Mapping[str, Reader], suffix: str, name: str) -> LSTMParams:
    for required in ("weight_ih", "weight_hh"):
        if required + suffix not in keys:
            raise LoadError(path, f"missing key {prefix}{required}{suffix}")
    arrays = {
        part: keys[part + suffix]() if part + suffix in keys else None
        for part in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    }
    try:
        return LSTMParams.from_torch(**arrays, name=name)
    except ValueError as exc:
        raise LoadError(path, f"{prefix}{'*' + suffix if suffix else ''}: {exc}") from None
