"""Every reader, fed damaged and hostile files: a valid result or a one-line LoadError, fast and small.

Each reader gets random bytes, valid files cut at random lengths, valid files
with random bytes overwritten, arrays of odd shapes, dtypes and values, and
hand-made files whose headers claim absurd sizes. Whatever comes in, the
reader returns a valid object or raises :class:`~simulator.io.LoadError`
whose message is one line starting with the file's name; it never raises
anything else, never takes longer than the deadline, and never allocates
(as traced by ``tracemalloc``: Python and NumPy memory) much more than the
file's size.
"""

from __future__ import annotations

import io
import json
import math
import struct
import tracemalloc
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import h5py
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from simulator.engine import LSTMParams
from simulator.io import LoadError, Model, Preset, load_model, load_preset, read_inputs
from simulator.io.lessons import Lesson, load_lesson
from simulator.session import Session

FUZZ = settings(
    max_examples=40,
    deadline=timedelta(seconds=3),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MEMORY_FACTOR = 40
MEMORY_SLACK = 24 * 1024 * 1024
RNG = np.random.default_rng(7)
D, H = 2, 3

Reader = Callable[[Path], object]


def assert_clean(read: Reader, path: Path, expected: type) -> object | None:
    """Read ``path``: a valid ``expected``, or None for a one-line LoadError naming it; memory bounded."""
    size = path.stat().st_size
    tracemalloc.start()
    try:
        result = read(path)
    except LoadError as exc:
        message = str(exc)
        assert "\n" not in message and message.startswith(f"{path.name}: "), message
        result = None
    else:
        assert isinstance(result, expected), type(result)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < MEMORY_FACTOR * size + MEMORY_SLACK, f"{peak} bytes traced reading {size} bytes"
    return result


def damaged(valid: bytes) -> st.SearchStrategy[bytes]:
    """Random bytes, ``valid`` cut short, or ``valid`` with a few bytes overwritten."""
    cut = st.integers(0, len(valid)).map(lambda n: valid[:n])
    flips = st.lists(st.tuples(st.integers(0, len(valid) - 1), st.integers(0, 255)), min_size=1, max_size=8)

    def flip(changes: list[tuple[int, int]]) -> bytes:
        data = bytearray(valid)
        for at, value in changes:
            data[at] = value
        return bytes(data)

    return st.one_of(st.binary(max_size=2048), cut, flips.map(flip))


# ------------------------------------------------------------ valid files
def _torch_arrays() -> dict[str, np.ndarray]:
    return {
        "weight_ih_l0": RNG.normal(size=(4 * H, D)),
        "weight_hh_l0": RNG.normal(size=(4 * H, H)),
        "bias_ih_l0": RNG.normal(size=4 * H),
        "bias_hh_l0": RNG.normal(size=4 * H),
    }


def _keras_weights_h5() -> bytes:
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        variables = h5.create_group("layers/lstm/cell/vars")
        arrays = (RNG.normal(size=(D, 4 * H)), RNG.normal(size=(H, 4 * H)), RNG.normal(size=4 * H))
        for k, array in enumerate(arrays):
            variables[str(k)] = array
    return buffer.getvalue()


def _keras_zip(config: bytes, weights: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("config.json", config)
        archive.writestr("model.weights.h5", weights)
    return buffer.getvalue()


def _keras_config() -> bytes:
    lstm = {"class_name": "LSTM", "config": {"name": "lstm", "activation": "tanh"}}
    return json.dumps({"class_name": "Sequential", "config": {"layers": [lstm]}}).encode()


def _onnx_bytes(dims: tuple[int, ...] | None = None) -> bytes:
    from onnx import TensorProto, helper, numpy_helper

    tensors = [
        numpy_helper.from_array(RNG.normal(size=(1, 4 * H, D)), "W"),
        numpy_helper.from_array(RNG.normal(size=(1, 4 * H, H)), "R"),
        numpy_helper.from_array(RNG.normal(size=(1, 8 * H)), "B"),
    ]
    if dims is not None:  # a W that claims a shape its data does not fill
        tensors[0] = TensorProto(name="W", data_type=TensorProto.DOUBLE, dims=dims, raw_data=b"\0" * 64)
    node = helper.make_node("LSTM", ["X", "W", "R", "B"], ["Y"], hidden_size=H)
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("X", TensorProto.DOUBLE, [None, 1, D])],
        [helper.make_tensor_value_info("Y", TensorProto.DOUBLE, None)],
        tensors,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    return model.SerializeToString()


def _save(write: Callable[[io.BytesIO], object]) -> bytes:
    buffer = io.BytesIO()
    write(buffer)
    return buffer.getvalue()


def _valid_models() -> dict[str, bytes]:
    from safetensors.numpy import save as save_safetensors

    arrays = _torch_arrays()
    files = {
        ".npz": _save(lambda f: np.savez(f, **arrays)),
        ".safetensors": save_safetensors(arrays),
        ".h5": _keras_weights_h5(),
        ".keras": _keras_zip(_keras_config(), _keras_weights_h5()),
        ".onnx": _onnx_bytes(),
    }
    try:
        import torch
    except ImportError:
        return files
    tensors = {key: torch.from_numpy(value) for key, value in arrays.items()}
    files[".pt"] = _save(lambda f: torch.save(tensors, f))
    return files


VALID_MODELS = _valid_models()


def _lesson_bytes() -> bytes:
    session = Session("worked-example")
    session.seek(2)
    session.set_weight("forget", "bias", (0,), 0.1 + 0.2)
    return json.dumps(session.snapshot({"theme": "dark"}).to_json(), indent=1).encode()


def _preset_dict() -> dict[str, object]:
    params = LSTMParams.random(D, H, seed=3)
    return {
        "title": "Fuzz",
        "description": "",
        "weights": params.to_gates(),
        "inputs": RNG.normal(size=(4, D)).tolist(),
        "h0": [0.0] * H,
    }


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.mark.parametrize("suffix", sorted(VALID_MODELS))
def test_the_valid_models_load(folder, suffix):
    """Also imports each reader's library before the traced reads and their deadlines."""
    path = folder / f"valid{suffix}"
    path.write_bytes(VALID_MODELS[suffix])
    model = load_model(path)
    assert model.input_size == D and model.layers[0].hidden_size == H
    assert isinstance(assert_clean(load_model, path, Model), Model)


# ------------------------------------------------------------- lessons
LESSON = _lesson_bytes()


def test_the_valid_lesson_loads(folder):
    path = folder / "valid.lstm.json"
    path.write_bytes(LESSON)
    assert isinstance(assert_clean(load_lesson, path, Lesson), Lesson)


@FUZZ
@given(data=damaged(LESSON))
def test_damaged_lessons(folder, data):
    path = folder / "damaged.lstm.json"
    path.write_bytes(data)
    assert_clean(load_lesson, path, Lesson)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@FUZZ
@given(
    key=st.sampled_from(["weights", "inputs", "h0", "c0", "t", "step_labels", "view", "version"]),
    value=_JSON_VALUES,
)
def test_lessons_with_a_field_of_any_json(folder, key, value):
    data = json.loads(LESSON)
    data[key] = value
    path = folder / "odd.lstm.json"
    path.write_text(json.dumps(data))
    assert_clean(load_lesson, path, Lesson)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"format": "lstm-sim-lesson", "version": 1, "weights": ' + "{" * 100_000,
        '{"format": "lstm-sim-lesson", "version": 1, "inputs": [' + "[0.5]," * 400_000 + "[0.5]]}",
        '{"format": "lstm-sim-lesson", "version": 1e999, "t": 1' + "0" * 5000 + "}",
    ],
    ids=["deep", "deep-unclosed", "huge", "huge-numbers"],
)
def test_deep_and_huge_lesson_json(folder, text):
    path = folder / "big.lstm.json"
    path.write_text(text)
    assert assert_clean(load_lesson, path, Lesson) is None


# ------------------------------------------------------------- presets
PRESET = json.dumps(_preset_dict()).encode()


def test_the_valid_preset_loads(folder):
    path = folder / "valid.json"
    path.write_bytes(PRESET)
    assert isinstance(assert_clean(load_preset, path, Preset), Preset)


@FUZZ
@given(data=damaged(PRESET))
def test_damaged_presets(folder, data):
    path = folder / "damaged.json"
    path.write_bytes(data)
    assert_clean(load_preset, path, Preset)


@FUZZ
@given(
    key=st.sampled_from(["weights", "inputs", "h0", "c0", "sentence", "step_labels", "readout"]),
    value=_JSON_VALUES | st.just(10**400) | st.just([[10**400, 1.0]]),
)
def test_presets_with_a_field_of_any_json(folder, key, value):
    data = _preset_dict()
    data[key] = value
    path = folder / "odd.json"
    path.write_text(json.dumps(data))
    assert_clean(load_preset, path, Preset)


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"weights": ' + "[" * 100_000])
def test_deep_preset_json(folder, text):
    path = folder / "deep.json"
    path.write_text(text)
    assert assert_clean(load_preset, path, Preset) is None


# -------------------------------------------------------------- inputs
_DTYPES = st.sampled_from(["<f8", ">f4", "<f2", "<i8", "|u1", "|b1", "<c16", "<U3", "|S2", "<M8[s]"])
_ARRAYS = hnp.arrays(dtype=_DTYPES, shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))


def _read_inputs_clean(path: Path) -> None:
    result = assert_clean(read_inputs, path, np.ndarray)
    if result is not None:
        assert result.dtype == np.float64 and result.ndim == 2 and min(result.shape) > 0
        assert np.isfinite(result).all()


@FUZZ
@given(array=_ARRAYS, fortran=st.booleans())
def test_npy_inputs_of_any_shape_and_dtype(folder, array, fortran):
    path = folder / "any.npy"
    np.save(path, np.asfortranarray(array) if fortran else array, allow_pickle=False)
    _read_inputs_clean(path)


@FUZZ
@given(array=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=6)))
def test_npy_and_csv_inputs_with_nan_and_inf(folder, array):
    npy = folder / "values.npy"
    np.save(npy, array)
    _read_inputs_clean(npy)
    csv = folder / "values.csv"
    rows = array if array.ndim == 2 else array[:, None]
    csv.write_text("\n".join(",".join(repr(float(v)) for v in row) for row in rows))
    _read_inputs_clean(csv)


NPY = _save(lambda f: np.save(f, RNG.normal(size=(5, D))))
CSV = "a,b\n" + "\n".join(f"{x},{y}" for x, y in RNG.normal(size=(5, 2)))


@FUZZ
@given(data=damaged(NPY))
def test_damaged_npy_inputs(folder, data):
    path = folder / "damaged.npy"
    path.write_bytes(data)
    _read_inputs_clean(path)


@FUZZ
@given(data=damaged(CSV.encode()) | st.text(max_size=200).map(str.encode))
def test_damaged_csv_inputs(folder, data):
    path = folder / "damaged.csv"
    path.write_bytes(data)
    _read_inputs_clean(path)


def _npy_header(shape: tuple[int, ...], descr: str = "<f8") -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        _npy_header((10**12,)) + b"\0" * 64,
        _npy_header((10**6, 10**3)) + b"\0" * 64,
        _npy_header((2, 3), "|O") + b"\0" * 64,
        b"1,2\n" + b"9" * 200_000 + b",1\n",
    ],
    ids=["10^12", "10^9", "objects", "csv-huge-field"],
)
def test_inputs_with_absurd_sizes(folder, data):
    path = folder / ("claims.csv" if data.startswith(b"1,2") else "claims.npy")
    path.write_bytes(data)
    assert assert_clean(read_inputs, path, np.ndarray) is None


# -------------------------------------------------------------- models
@pytest.mark.parametrize("suffix", sorted(VALID_MODELS))
def test_damaged_models(folder, suffix):
    @FUZZ
    @given(data=damaged(VALID_MODELS[suffix]))
    def fuzz(data: bytes) -> None:
        path = folder / f"damaged{suffix}"
        path.write_bytes(data)
        assert_clean(load_model, path, Model)

    fuzz()


@FUZZ
@given(
    arrays=st.dictionaries(
        st.sampled_from(["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "weight_ih", "weight_hh", "x"]),
        hnp.arrays(_DTYPES, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=13)),
        max_size=4,
    )
)
def test_npz_and_safetensors_models_of_any_shape_and_dtype(folder, arrays):
    npz = folder / "any.npz"
    np.savez(npz, **arrays)
    assert_clean(load_model, npz, Model)
    from safetensors.numpy import save_file

    numeric = {k: np.ascontiguousarray(v) for k, v in arrays.items() if v.dtype.kind in "biuf"}
    safetensors = folder / "any.safetensors"
    save_file(numeric, str(safetensors))
    assert_clean(load_model, safetensors, Model)


def _patched_zip_sizes(data: bytes, size: int) -> bytes:
    """Every entry of a zip claiming ``size`` uncompressed bytes, in its local and central headers."""
    out = bytearray(data)
    for signature, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = out.find(signature)
        while start != -1:
            out[start + at : start + at + 4] = struct.pack("<I", size)
            start = out.find(signature, start + 4)
    return bytes(out)


def _safetensors_claiming(shape: list[int]) -> bytes:
    nbytes = math.prod(shape) * 8
    header = json.dumps({"weight_ih": {"dtype": "F64", "shape": shape, "data_offsets": [0, nbytes]}})
    return struct.pack("<Q", len(header)) + header.encode() + b"\0" * 64


def _h5_claiming(shape: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        variables = h5.create_group("layers/lstm/cell/vars")
        variables.create_dataset("0", shape=shape, dtype="f8", chunks=(64, 64))
        variables.create_dataset("1", shape=(shape[1] // 4, shape[1]), dtype="f8", chunks=(64, 64))
    return buffer.getvalue()


def _npz_claiming(shape: tuple[int, ...]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("weight_ih.npy", _npy_header(shape) + b"\0" * 64)
        archive.writestr("weight_hh.npy", _npy_header(shape) + b"\0" * 64)
    return buffer.getvalue()


def _absurd_models() -> dict[str, tuple[str, bytes]]:
    files = {
        "npz-header-10^12": (".npz", _npz_claiming((4 * 10**12, 1))),
        "npz-header-10^9": (".npz", _npz_claiming((4 * 10**8, 2))),
        "npz-zip-entry-4GB": (".npz", _patched_zip_sizes(VALID_MODELS[".npz"], 0xFFFFFFF0)),
        "npz-zip-entry-500MB": (".npz", _patched_zip_sizes(VALID_MODELS[".npz"], 500_000_000)),
        "safetensors-tensor-10^12": (".safetensors", _safetensors_claiming([4 * 10**12, 1])),
        "safetensors-header-length": (".safetensors", struct.pack("<Q", 10**15) + b"{}"),
        "h5-dataset-60GB": (".h5", _h5_claiming((200_000, 40_000))),
        "keras-zip-entry-4GB": (".keras", _patched_zip_sizes(VALID_MODELS[".keras"], 0xFFFFFFF0)),
        "keras-deep-config": (".keras", _keras_zip(b"[" * 100_000, _keras_weights_h5())),
        "keras-h5-dataset-60GB": (".keras", _keras_zip(_keras_config(), _h5_claiming((200_000, 40_000)))),
        "onnx-tensor-10^12": (".onnx", _onnx_bytes(dims=(1, 4 * 10**6, 10**6))),
    }
    if ".pt" in VALID_MODELS:
        files["pt-zip-entry-4GB"] = (".pt", _patched_zip_sizes(VALID_MODELS[".pt"], 0xFFFFFFF0))
    return files


ABSURD_MODELS = _absurd_models()


@pytest.mark.parametrize(("suffix", "data"), list(ABSURD_MODELS.values()), ids=list(ABSURD_MODELS))
def test_models_with_absurd_declared_sizes(folder, suffix, data):
    path = folder / f"absurd{suffix}"
    path.write_bytes(data)
    assert assert_clean(load_model, path, Model) is None
