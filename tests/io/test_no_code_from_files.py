"""No file runs code: pickled payloads in .pt, .npy and .npz files are refused, and never executed.

Each payload is an object whose ``__reduce__`` would create a marker file when
unpickled (through ``os.system`` or ``builtins.open``). Every reader must
refuse the file with a :class:`~simulator.io.LoadError` and the marker must
never appear. A scan of the package's source also checks that nothing calls
``eval``, ``exec``, ``pickle.load`` or ``np.load(..., allow_pickle=True)``,
and that ``torch.load`` is always given ``weights_only=True``.
"""

from __future__ import annotations

import ast
import builtins
import io
import os
import pickle
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import simulator
from simulator.io import LoadError, load_model, read_inputs

PACKAGE = Path(simulator.__file__).parent


class _System:
    """Unpickling this runs a shell command that creates the marker."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch '{self.marker}'",))


class _Open:
    """Unpickling this opens (so creates) the marker for writing."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (builtins.open, (str(self.marker), "w"))


PAYLOADS = [_System, _Open]
FILE_NAMES = (
    "object-array.npy",
    "bare-pickle.npy",
    "object-array.npz",
    "bare-pickle.npz",
    "bare-pickle.pt",
    "bare-pickle.pth",
    "torch-save.pt",
)


def _object_array(payload: object) -> np.ndarray:
    array = np.empty(2, dtype=object)
    array[0] = payload
    array[1] = 1.0
    return array


def _npy_with_pickle(payload: object) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, _object_array(payload), allow_pickle=True)
    return buffer.getvalue()


def _npz(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _files(payload: object) -> dict[str, bytes]:
    """Files of every suffix that could smuggle a pickle, each holding ``payload``."""
    raw = pickle.dumps({"weight_ih_l0": payload, "weight_hh_l0": payload}, protocol=2)
    files = {
        "object-array.npy": _npy_with_pickle(payload),
        "bare-pickle.npy": pickle.dumps(payload),
        "object-array.npz": _npz({"weight_ih_l0.npy": _npy_with_pickle(payload), "weight_hh_l0.npy": b""}),
        "bare-pickle.npz": _npz({"weight_ih_l0.npy": raw, "weight_hh_l0.npy": raw}),
        "bare-pickle.pt": raw,
        "bare-pickle.pth": pickle.dumps(payload),
    }
    try:
        import torch
    except ImportError:
        return files
    buffer = io.BytesIO()
    torch.save({"weight_ih_l0": payload, "weight_hh_l0": torch.zeros(12, 3)}, buffer)
    files["torch-save.pt"] = buffer.getvalue()
    return files


def _reader(name: str) -> Callable[[Path], object]:
    return read_inputs if name.endswith(".npy") else load_model


@pytest.mark.parametrize("kind", PAYLOADS, ids=lambda k: k.__name__.strip("_").lower())
@pytest.mark.parametrize("name", FILE_NAMES)
def test_pickled_payloads_are_refused_and_never_run(tmp_path, kind, name):
    marker = tmp_path / "marker"
    files = _files(kind(marker))
    if name not in files:
        pytest.skip("PyTorch is not installed")
    path = tmp_path / name
    path.write_bytes(files[name])
    with pytest.raises(LoadError) as caught:
        _reader(name)(path)
    assert str(caught.value).startswith(f"{name}: ") and "\n" not in str(caught.value)
    assert not marker.exists()


def test_npy_and_npz_files_never_reach_pickle(tmp_path, monkeypatch):
    """Even were numpy asked to, nothing reaches pickle: the readers parse .npy headers themselves."""
    calls = []
    monkeypatch.setattr(pickle, "load", lambda *a, **k: calls.append(a))
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: calls.append(a))
    marker = tmp_path / "marker"
    for name, data in _files(_Open(marker)).items():
        if name.endswith((".npy", ".npz")):
            path = tmp_path / name
            path.write_bytes(data)
            with pytest.raises(LoadError):
                _reader(name)(path)
    assert calls == [] and not marker.exists()


# --------------------------------------------------------- source scan
def _sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(PACKAGE.rglob("*.py"))]


def _called_name(call: ast.Call) -> str:
    """``eval``, ``pickle.load``, ``np.load``, ``torch.load`` … as written (one level of attribute)."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return f"{func.value.id}.{func.attr}"
    return ""


FORBIDDEN_CALLS = {
    "eval",
    "exec",
    "compile",
    "__import__",
    "pickle.load",
    "pickle.loads",
    "pickle.Unpickler",
    "marshal.load",
    "marshal.loads",
    "dill.load",
    "dill.loads",
    "shelve.open",
    "yaml.load",
}


def test_the_package_never_evaluates_or_unpickles():
    found = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _called_name(node)
            keywords = {k.arg: k.value for k in node.keywords}
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            if name in FORBIDDEN_CALLS:
                found.append(f"{where}: {name}(...)")
            pickle_flag = keywords.get("allow_pickle")
            if pickle_flag is not None and not (
                isinstance(pickle_flag, ast.Constant) and pickle_flag.value is False
            ):
                found.append(f"{where}: allow_pickle that is not False")
            if name == "torch.load":
                weights_only = keywords.get("weights_only")
                if not (isinstance(weights_only, ast.Constant) and weights_only.value is True):
                    found.append(f"{where}: torch.load without weights_only=True")
    assert found == []


def test_the_source_scan_sees_what_it_forbids():
    tree = ast.parse("eval(x)\npickle.loads(b)\nnp.load(f, allow_pickle=True)\ntorch.load(f)\n")
    names = {_called_name(node) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    assert {"eval", "pickle.loads", "np.load", "torch.load"} <= names
    text = "".join(path.read_text(encoding="utf-8") for path, _ in _sources())
    assert "allow_pickle=True" not in text and "weights_only=False" not in text
