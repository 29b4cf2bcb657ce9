"""Trained models from PyTorch, safetensors, NPZ, Keras and ONNX files: exact round trips, clean refusals.

Each format's traces are checked against the framework's own forward pass
where it is installed (PyTorch, ONNX's reference evaluator) and otherwise
against committed fixtures (``tests/make_model_fixtures.py``) or a NumPy
reference that follows the framework's gate order.
"""

from __future__ import annotations

import argparse
import io
import json
import pickle
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pytest

from simulator.io import LoadError, Model, load_model

FIXTURES = Path(__file__).parent.parent / "fixtures" / "models"
RNG = np.random.default_rng(5)


# ------------------------------------------------------------ references
def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def keras_reference(kernel, recurrent_kernel, bias, inputs, sigma=_sigmoid) -> tuple[np.ndarray, np.ndarray]:
    """Keras' LSTM in NumPy: z = x K + h R + b split into i, f, c, o."""
    H = recurrent_kernel.shape[0]
    h, c = np.zeros(H), np.zeros(H)
    hidden, cells = [], []
    for x in inputs:
        z = x @ kernel + h @ recurrent_kernel + bias
        i, f, g, o = sigma(z[:H]), sigma(z[H : 2 * H]), np.tanh(z[2 * H : 3 * H]), sigma(z[3 * H :])
        c = f * c + i * g
        h = o * np.tanh(c)
        hidden.append(h)
        cells.append(c)
    return np.array(hidden), np.array(cells)


def keras2_hard_sigmoid(z: np.ndarray) -> np.ndarray:
    return np.clip(0.2 * z + 0.5, 0.0, 1.0)


def keras3_hard_sigmoid(z: np.ndarray) -> np.ndarray:
    return np.minimum(np.maximum(z + 3.0, 0.0), 6.0) / 6.0


def keras_weights(D: int, H: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return RNG.normal(size=(D, 4 * H)), RNG.normal(size=(H, 4 * H)) * 0.5, RNG.normal(size=4 * H)


def bidir_output(model: Model, inputs: np.ndarray, depth: int) -> np.ndarray:
    """The output of layer ``depth`` as PyTorch gives it: forward and reverse hidden states side by side."""
    traces = model.run_layers(inputs)
    forward, reverse = traces[2 * depth], traces[2 * depth + 1]
    return np.concatenate([forward.hidden, reverse.hidden[::-1]], axis=1)


# ------------------------------------------------------ PyTorch fixtures
@pytest.mark.parametrize("name", ["lstm_2x_bidir.npz", "lstm_2x_bidir.safetensors"])
def test_fixture_two_layer_bidirectional_matches_pytorch(name):
    model = load_model(FIXTURES / name)
    assert model.source_format == name.split(".")[-1]
    assert model.bidirectional
    assert model.layer_names == ["layer 0 forward", "layer 0 reverse", "layer 1 forward", "layer 1 reverse"]
    assert model.reverse == (False, True, False, True) and model.depths == (0, 0, 1, 1)
    assert [p.input_size for p in model.layers] == [3, 3, 8, 8]
    with np.load(FIXTURES / "lstm_2x_bidir_reference.npz") as reference:
        for depth in (0, 1):
            np.testing.assert_allclose(
                bidir_output(model, reference["inputs"], depth),
                reference[f"layer{depth}"],
                rtol=0,
                atol=1e-10,
            )


def test_fixture_lstm_cell_matches_pytorch():
    model = load_model(FIXTURES / "lstm_cell.npz")
    assert model.layer_names == ["cell"] and not model.bidirectional
    with np.load(FIXTURES / "lstm_cell_reference.npz") as reference:
        (trace,) = model.run_layers(reference["inputs"])
        np.testing.assert_allclose(trace.hidden, reference["hidden"], rtol=0, atol=1e-10)
        np.testing.assert_allclose(trace.cell, reference["cell"], rtol=0, atol=1e-10)


def test_run_layers_upto_runs_only_the_layers_below():
    model = load_model(FIXTURES / "lstm_2x_bidir.npz")
    inputs = RNG.normal(size=(4, 3))
    assert len(model.run_layers(inputs, upto=0)) == 1
    full = model.run_layers(inputs)
    np.testing.assert_array_equal(model.run_layers(inputs, upto=2)[2].hidden, full[2].hidden)
    with pytest.raises(ValueError, match="outside"):
        model.run_layers(inputs, upto=4)


# ------------------------------------------------------ PyTorch, live
def _torch_stack(torch):
    torch.manual_seed(3)
    model = torch.nn.Module()
    model.encoder = torch.nn.Module()
    model.encoder.lstm = torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True, dtype=torch.float64)
    model.head = torch.nn.Linear(10, 2, dtype=torch.float64)
    return model


def _torch_layer_outputs(torch, lstm, inputs: np.ndarray) -> list[np.ndarray]:
    outputs, x = [], torch.from_numpy(inputs)
    with torch.no_grad():
        for depth in range(lstm.num_layers):
            single = torch.nn.LSTM(
                x.shape[1], lstm.hidden_size, bidirectional=lstm.bidirectional, dtype=torch.float64
            )
            single.load_state_dict(
                {k.replace(f"_l{depth}", "_l0"): v for k, v in lstm.state_dict().items() if f"_l{depth}" in k}
            )
            x, _ = single(x)
            outputs.append(x.numpy())
    return outputs


@pytest.mark.parametrize("suffix", [".pt", ".safetensors", ".npz"])
def test_pytorch_state_dict_round_trips_per_layer(tmp_path, suffix):
    torch = pytest.importorskip("torch")
    model = _torch_stack(torch)
    path = tmp_path / f"model{suffix}"
    state = model.state_dict()
    if suffix == ".pt":
        torch.save(state, path)
    elif suffix == ".safetensors":
        from safetensors.torch import save_file

        save_file(state, str(path))
    else:
        np.savez(path, **{k: v.numpy() for k, v in state.items()})
    loaded = load_model(path)
    inputs = RNG.normal(size=(7, 3))
    for depth, expected in enumerate(_torch_layer_outputs(torch, model.encoder.lstm, inputs)):
        np.testing.assert_allclose(bidir_output(loaded, inputs, depth), expected, rtol=0, atol=1e-10)


def test_pytorch_lstm_cell_and_checkpoint_dict(tmp_path):
    torch = pytest.importorskip("torch")
    torch.manual_seed(4)
    cell = torch.nn.LSTMCell(2, 3, dtype=torch.float64)
    path = tmp_path / "checkpoint.pth"
    torch.save({"model": cell.state_dict(), "epoch": 12}, path)
    (trace,) = load_model(path).run_layers(inputs := RNG.normal(size=(5, 2)))
    h = c = torch.zeros(3, dtype=torch.float64)
    with torch.no_grad():
        for t, x in enumerate(torch.from_numpy(inputs)):
            h, c = cell(x, (h, c))
            np.testing.assert_allclose(trace.hidden[t], h.numpy(), rtol=0, atol=1e-10)
            np.testing.assert_allclose(trace.cell[t], c.numpy(), rtol=0, atol=1e-10)


def test_several_lstms_take_the_first_and_say_so(tmp_path):
    state = dict(np.load(FIXTURES / "lstm_cell.npz"))
    with np.load(FIXTURES / "lstm_2x_bidir.npz") as data:
        state.update({k.replace("encoder.", "decoder."): data[k] for k in data.files})
    state["gru.weight_hh_l0"] = np.zeros((9, 3))  # an nn.GRU's weights are skipped
    state["gru.weight_ih_l0"] = np.zeros((9, 2))
    path = tmp_path / "two.npz"
    np.savez(path, **state)
    first = load_model(path)
    assert first.layer_names == ["cell"]
    assert "found 2 LSTMs ((top level), decoder.lstm); using (top level)" in first.notes
    second = load_model(path, module="decoder.lstm")
    assert len(second.layers) == 4
    with pytest.raises(LoadError, match="no LSTM 'nope'"):
        load_model(path, module="nope")


def test_gate_activation_override(tmp_path):
    model = load_model(FIXTURES / "lstm_cell.npz", gate_activation="hard_sigmoid")
    assert model.layers[0].gate_activation == "hard_sigmoid"
    with pytest.raises(LoadError, match="unknown gate activation"):
        load_model(FIXTURES / "lstm_cell.npz", gate_activation="relu")


# ------------------------------------------------------------- Keras
def _write_keras3_weights(h5: h5py.File, groups: dict[str, tuple[np.ndarray, ...]]) -> None:
    for group_path, arrays in groups.items():
        variables = h5.create_group(f"{group_path}/cell/vars")
        h5.create_group(f"{group_path}/vars")
        for k, array in enumerate(arrays):
            variables[str(k)] = array


def test_keras3_weights_h5_two_layers(tmp_path):
    first, second = keras_weights(2, 3), keras_weights(3, 3)
    path = tmp_path / "model.weights.h5"
    with h5py.File(path, "w") as h5:
        _write_keras3_weights(h5, {"layers/lstm_1": second, "layers/lstm": first})
        h5.create_group("vars")
    model = load_model(path)
    assert model.source_format == "keras" and model.layer_names == ["lstm", "lstm_1"]
    assert model.notes  # no configuration: the reader says what it assumed
    inputs = RNG.normal(size=(6, 2))
    hidden0, cell0 = keras_reference(*first, inputs)
    hidden1, _ = keras_reference(*second, hidden0)
    traces = model.run_layers(inputs)
    np.testing.assert_allclose(traces[0].hidden, hidden0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(traces[0].cell, cell0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(traces[1].hidden, hidden1, rtol=0, atol=1e-12)


def _keras_zip(path: Path, config: dict, groups: dict[str, tuple[np.ndarray, ...]]) -> None:
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        _write_keras3_weights(h5, groups)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("metadata.json", json.dumps({"keras_version": "3.6.0"}))
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("model.weights.h5", buffer.getvalue())


def _sequential(*layers: dict) -> dict:
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": list(layers)}}


def _lstm_config(name: str, **options: object) -> dict:
    config = {"name": name, "units": 3, "activation": "tanh", "recurrent_activation": "sigmoid"}
    return {"class_name": "LSTM", "config": {**config, **options}}


def test_keras3_zip_with_hard_sigmoid_config(tmp_path):
    weights = keras_weights(2, 3)
    path = tmp_path / "model.keras"
    config = _sequential(
        {"class_name": "InputLayer", "config": {"name": "input"}},
        _lstm_config("encoder", recurrent_activation="hard_sigmoid"),
    )
    _keras_zip(path, config, {"layers/lstm": weights})
    model = load_model(path)
    assert model.layer_names == ["encoder"] and model.notes == ()
    assert model.layers[0].gate_activation == "hard_sigmoid_keras3"
    inputs = RNG.normal(size=(8, 2)) * 3
    hidden, cell = keras_reference(*weights, inputs, sigma=keras3_hard_sigmoid)
    (trace,) = model.run_layers(inputs)
    np.testing.assert_allclose(trace.hidden, hidden, rtol=0, atol=1e-12)
    np.testing.assert_allclose(trace.cell, cell, rtol=0, atol=1e-12)


def test_keras3_bidirectional_zip(tmp_path):
    forward, backward, top = keras_weights(2, 3), keras_weights(2, 3), keras_weights(6, 3)
    path = tmp_path / "bidir.keras"
    bidirectional = {
        "class_name": "Bidirectional",
        "config": {"name": "bi", "layer": _lstm_config("inner"), "merge_mode": "concat"},
    }
    config = _sequential(bidirectional, _lstm_config("top"))
    _keras_zip(
        path,
        config,
        {
            "layers/bidirectional/backward_layer": backward,
            "layers/bidirectional/forward_layer": forward,
            "layers/lstm": top,
        },
    )
    model = load_model(path)
    assert model.layer_names == ["bi forward", "bi reverse", "top"]
    assert model.bidirectional and model.depths == (0, 0, 1)
    inputs = RNG.normal(size=(5, 2))
    hidden_f, _ = keras_reference(*forward, inputs)
    hidden_b, _ = keras_reference(*backward, inputs[::-1])
    hidden_top, _ = keras_reference(*top, np.concatenate([hidden_f, hidden_b[::-1]], axis=1))
    np.testing.assert_allclose(model.run_layers(inputs)[2].hidden, hidden_top, rtol=0, atol=1e-12)


def test_keras2_legacy_h5_with_hard_sigmoid(tmp_path):
    kernel, recurrent, bias = keras_weights(2, 3)
    path = tmp_path / "legacy.h5"
    config = _sequential(_lstm_config("lstm", recurrent_activation="hard_sigmoid"))
    with h5py.File(path, "w") as h5:
        h5.attrs["keras_version"] = "2.15.0"
        h5.attrs["model_config"] = json.dumps(config)
        weights = h5.create_group("model_weights")
        weights.attrs["layer_names"] = [b"lstm", b"dense"]
        names = [b"lstm/lstm_cell/kernel:0", b"lstm/lstm_cell/recurrent_kernel:0", b"lstm/lstm_cell/bias:0"]
        layer = weights.create_group("lstm")
        layer.attrs["weight_names"] = names
        for name, array in zip(names, (kernel, recurrent, bias), strict=True):
            layer[name.decode()] = array
        dense = weights.create_group("dense")
        dense.attrs["weight_names"] = [b"dense/kernel:0"]
        dense["dense/kernel:0"] = np.ones((3, 1))
    model = load_model(path)
    assert model.source_format == "keras-h5" and model.layer_names == ["lstm"]
    assert model.layers[0].gate_activation == "hard_sigmoid"
    inputs = RNG.normal(size=(8, 2)) * 3
    hidden, _ = keras_reference(kernel, recurrent, bias, inputs, sigma=keras2_hard_sigmoid)
    np.testing.assert_allclose(model.run_layers(inputs)[0].hidden, hidden, rtol=0, atol=1e-12)


# -------------------------------------------------------------- ONNX
def _onnx_lstm(path: Path, D: int, H: int, direction: str, peepholes: np.ndarray | None = None) -> dict:
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    dirs = 2 if direction == "bidirectional" else 1
    arrays = {
        "W": RNG.normal(size=(dirs, 4 * H, D)),
        "R": RNG.normal(size=(dirs, 4 * H, H)) * 0.5,
        "B": RNG.normal(size=(dirs, 8 * H)),
    }
    inputs = ["X", "W", "R", "B"]
    if peepholes is not None:
        arrays["P"] = peepholes
        inputs += ["", "", "", "P"]
    node = helper.make_node("LSTM", inputs, ["Y"], hidden_size=H, direction=direction, name="rnn")
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("X", TensorProto.DOUBLE, [None, 1, D])],
        [helper.make_tensor_value_info("Y", TensorProto.DOUBLE, None)],
        [numpy_helper.from_array(array, name) for name, array in arrays.items()],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)]), str(path))
    return arrays


def test_onnx_bidirectional_matches_reference_evaluator(tmp_path):
    pytest.importorskip("onnx")
    from onnx.reference import ReferenceEvaluator

    path = tmp_path / "lstm.onnx"
    _onnx_lstm(path, D=2, H=3, direction="bidirectional", peepholes=np.zeros((2, 9)))
    model = load_model(path)
    assert model.source_format == "onnx" and model.layer_names == ["rnn forward", "rnn reverse"]
    inputs = RNG.normal(size=(6, 2))
    (Y,) = ReferenceEvaluator(str(path)).run(None, {"X": inputs[:, None, :]})  # [T, dirs, batch, H]
    forward, reverse = model.run_layers(inputs)
    np.testing.assert_allclose(forward.hidden, Y[:, 0, 0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(reverse.hidden[::-1], Y[:, 1, 0], rtol=0, atol=1e-12)


def test_onnx_peepholes_are_refused(tmp_path):
    path = tmp_path / "peep.onnx"
    _onnx_lstm(path, D=2, H=3, direction="forward", peepholes=np.ones((1, 9)))
    with pytest.raises(LoadError, match="peephole LSTMs are not supported yet"):
        load_model(path)


# --------------------------------------------------------- bad files
def _npz(path: Path, **arrays: np.ndarray) -> Path:
    np.savez(path, **arrays)
    return path


def _truncated(source: Path, path: Path) -> Path:
    path.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
    return path


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    good = dict(np.load(FIXTURES / "lstm_cell.npz"))
    random_bytes = RNG.integers(0, 256, 4096, dtype=np.uint8).tobytes()
    files = {}
    for suffix in (".pt", ".safetensors", ".npz", ".keras", ".h5", ".onnx"):
        path = tmp_path / f"random{suffix}"
        path.write_bytes(random_bytes)
        files[f"random{suffix}"] = (path, "")
    keras = tmp_path / "good.keras"
    _keras_zip(keras, _sequential(_lstm_config("lstm")), {"layers/lstm": keras_weights(2, 3)})
    files["truncated.keras"] = (_truncated(keras, tmp_path / "truncated.keras"), "")
    files["truncated.npz"] = (_truncated(FIXTURES / "lstm_cell.npz", tmp_path / "truncated.npz"), "")
    files["wrong shape"] = (
        _npz(tmp_path / "shape.npz", **{**good, "weight_hh": np.zeros((12, 4))}),
        "weight_hh",
    )
    files["missing key"] = (
        _npz(tmp_path / "missing.npz", weight_ih_l0=good["weight_ih"]),
        "missing key weight_hh_l0",
    )
    files["proj_size"] = (
        _npz(
            tmp_path / "proj.npz",
            weight_ih_l0=np.zeros((12, 2)),
            weight_hh_l0=np.zeros((12, 2)),
            weight_hr_l0=np.zeros((2, 3)),
        ),
        "proj_size is not supported",
    )
    files["no LSTM"] = (_npz(tmp_path / "none.npz", fc_weight=np.zeros((2, 2))), "no LSTM weights")
    files["NaN"] = (_npz(tmp_path / "nan.npz", **{**good, "bias_ih": np.full(12, np.nan)}), "NaN")
    files["object array"] = (_npz(tmp_path / "object.npz", weight_ih=np.array([{}], dtype=object)), "")
    files["layers do not stack"] = (
        _npz(
            tmp_path / "stack.npz",
            weight_ih_l0=np.zeros((12, 2)),
            weight_hh_l0=np.zeros((12, 3)),
            weight_ih_l1=np.zeros((12, 5)),
            weight_hh_l1=np.zeros((12, 3)),
        ),
        "input size 5",
    )
    no_weights = tmp_path / "noweights.keras"
    with zipfile.ZipFile(no_weights, "w") as archive:
        archive.writestr("config.json", "{}")
    files["keras without weights"] = (no_weights, "no model.weights.h5")
    files["missing file"] = (tmp_path / "absent.pt", "no such file")
    files["unknown suffix"] = (tmp_path / "model.txt", "unknown model format")
    return files


def test_bad_files_raise_load_error_and_nothing_else(tmp_path):
    for label, (path, message) in _bad_files(tmp_path).items():
        with pytest.raises(LoadError) as caught:
            load_model(path)
        text = str(caught.value)
        assert "\n" not in text and text.startswith(path.name), label
        assert message in text, (label, text)


def test_pytorch_projections_are_refused(tmp_path):
    torch = pytest.importorskip("torch")
    path = tmp_path / "proj.pt"
    torch.save(torch.nn.LSTM(3, 4, proj_size=2).state_dict(), path)
    with pytest.raises(LoadError, match="proj_size is not supported"):
        load_model(path)


class _Payload:
    """Unpickling this would create the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "pwned"))


@pytest.mark.parametrize("writer", ["torch.save", "pickle"])
def test_pickled_code_in_a_pt_file_is_refused(tmp_path, writer):
    torch = pytest.importorskip("torch")
    marker = tmp_path / "marker.txt"
    path = tmp_path / "evil.pt"
    payload = {"weight_ih": _Payload(marker)}
    if writer == "torch.save":
        torch.save(payload, path)
    else:
        path.write_bytes(pickle.dumps(payload, protocol=2))  # torch's legacy format
    with pytest.raises(LoadError, match="refused"):
        load_model(path)
    assert not marker.exists()


def test_pt_without_torch_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "torch", None)
    path = tmp_path / "model.pt"
    path.write_bytes(b"anything")
    with pytest.raises(
        LoadError, match=r"PyTorch is not installed: pip install 'lstm-gate-simulator\[torch\]'"
    ):
        load_model(path)


# --------------------------------------------------------------- CLI
def _run_args(tmp_path: Path, **options: object) -> argparse.Namespace:
    inputs = tmp_path / "in.csv"
    inputs.write_text("a,b,c\n" + "\n".join(",".join(map(str, row)) for row in RNG.normal(size=(4, 3))))
    defaults = {
        "model": FIXTURES / "lstm_2x_bidir.npz",
        "layer": None,
        "input": inputs,
        "steps": None,
        "out": tmp_path / "trace.npz",
        "float32": False,
        "quiet": False,
        "decimals": 3,
    }
    return argparse.Namespace(**{**defaults, **options})


def test_model_run_writes_every_layer_up_to_k(tmp_path, capsys):
    from simulator.commands.model_run import model_run_command

    args = _run_args(tmp_path, layer=2)
    assert model_run_command(args) == 0
    assert capsys.readouterr().out.startswith("layer 2: layer 1 forward")
    model = load_model(args.model)
    expected = model.run_layers(np.loadtxt(args.input, delimiter=",", skiprows=1), upto=2)
    with np.load(args.out) as data:
        assert {"l0_hidden", "l1_hidden", "l2_hidden", "l2_forget_gate", "l0_h0"} <= set(data.files)
        assert "l3_hidden" not in data.files
        assert list(data["layer_names"]) == model.layer_names[:3]
        for k in range(3):
            np.testing.assert_array_equal(data[f"l{k}_hidden"], expected[k].hidden)


def test_model_run_refuses_a_missing_input_and_a_layer_outside(tmp_path):
    from simulator.commands.model_run import model_run_command

    with pytest.raises(ValueError, match="--model needs --input"):
        model_run_command(_run_args(tmp_path, input=None))
    with pytest.raises(ValueError, match=r"has layers 0\.\.3"):
        model_run_command(_run_args(tmp_path, layer=4))


def test_cli_run_model_when_wired(tmp_path):
    from simulator.cli import UsageError, build_parser, main

    try:
        build_parser().parse_args(["run", "--model", "m.npz", "--layer", "1"])
    except UsageError:
        pytest.skip("lstm-sim run --model is not wired into simulator/cli.py yet")
    args = _run_args(tmp_path)
    argv = ["run", "--model", str(args.model), "--layer", "1", "--input", str(args.input)]
    assert main([*argv, "--out", str(args.out), "--quiet"]) == 0
    with np.load(args.out) as data:
        assert {"l0_hidden", "l1_hidden"} <= set(data.files) and "l2_hidden" not in data.files


# ------------------------------------------------------------ verify
def test_verify_against_torch_finds_no_difference():
    pytest.importorskip("torch")
    from simulator.engine import LSTMParams
    from simulator.verify import COMPARED, verify_against_torch

    params = LSTMParams.random(3, 4, seed=8, scale=2.0)
    inputs, h0, c0 = RNG.normal(size=(9, 3)), RNG.normal(size=4), RNG.normal(size=4)
    for activation in ("sigmoid", "hard_sigmoid", "hard_sigmoid_keras3"):
        diffs = verify_against_torch(params.replace(gate_activation=activation), inputs, h0, c0)
        assert set(diffs) == set(COMPARED)
        assert max(diffs.values()) < 1e-12, (activation, diffs)


def test_verify_against_torch_reports_a_difference(monkeypatch):
    pytest.importorskip("torch")
    import simulator.verify as verify
    from simulator.engine import LSTMParams, run

    params = LSTMParams.random(2, 3, seed=9)
    monkeypatch.setattr(verify, "run", lambda p, *a: run(p.with_value("output", "bias", 0, 5.0), *a))
    diffs = verify.verify_against_torch(params, RNG.normal(size=(1, 2)))  # one step: same h_{t-1}
    assert diffs["output_gate"] > 1e-3 and diffs["hidden"] > 1e-3 and diffs["forget_gate"] < 1e-12


def test_verify_without_torch_says_how_to_install(monkeypatch):
    from simulator.engine import LSTMParams
    from simulator.verify import verify_against_torch

    monkeypatch.setitem(__import__("sys").modules, "torch", None)
    with pytest.raises(ImportError, match=r"pip install 'lstm-gate-simulator\[torch\]'"):
        verify_against_torch(LSTMParams.random(2, 3), np.zeros((2, 2)))
