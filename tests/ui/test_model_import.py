"""Trained models in the window: import a layer of a stack, switch layers, verify against PyTorch."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from simulator.io.models import load_model
from simulator.ui import MainWindow
from simulator.ui.model_import import (
    INPUTS_CURRENT,
    INPUTS_ZEROS,
    TORCH_INSTALL,
    ZERO_STEPS,
    LayerDialog,
    import_model,
    install_model_import,
    show_layer,
    verify_current,
)

MODELS = Path(__file__).parents[1] / "fixtures" / "models"
STACK = MODELS / "lstm_2x_bidir.npz"  # nn.LSTM(3, 4, num_layers=2, bidirectional=True)
CELL = MODELS / "lstm_cell.npz"  # nn.LSTMCell(2, 3)


@pytest.fixture
def window(qtbot):
    win = MainWindow(restore=False)
    qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
    install_model_import(win)
    return win


@pytest.fixture
def messages(monkeypatch):
    """Every message box shown, as ``(kind, title, text)``; none blocks."""
    shown: list[tuple[str, str, str]] = []
    for kind in ("warning", "information"):
        monkeypatch.setattr(
            QMessageBox, kind, lambda _parent, title, text, *_, k=kind: shown.append((k, title, text))
        )
    return shown


@pytest.fixture
def model_inputs():
    return np.load(MODELS / "lstm_2x_bidir_reference.npz")["inputs"]


def test_actions_sit_in_the_file_and_run_menus(window):
    a = window.actions_by_name
    assert a["action_import_model"] in window.menus["file"].actions()
    assert a["action_choose_layer"] in window.menus["file"].actions()
    assert a["action_verify_torch"] in window.menus["run"].actions()
    assert a["action_import_model"].shortcut().toString() == "Ctrl+M"
    assert a["action_import_model"].toolTip().endswith("(Ctrl+M)")
    assert a["action_verify_torch"].isEnabled() and a["action_verify_torch"].toolTip()
    assert not a["action_choose_layer"].isEnabled()
    count = len(window.menus["file"].actions())
    install_model_import(window)
    assert len(window.menus["file"].actions()) == count


def test_a_deeper_layer_reads_the_hidden_states_of_the_layer_below(window, messages, model_inputs):
    model = load_model(STACK)
    assert import_model(window, STACK, layer=2, inputs=model_inputs)
    session = window.session
    assert session.params == model.layers[2]
    assert model.layers[2].name == "layer 1 forward"
    below = model.run_layers(model_inputs, upto=1)
    expected = np.concatenate([below[0].hidden, below[1].hidden[::-1]], axis=1)
    np.testing.assert_array_equal(session.inputs, expected)
    # PyTorch's own output of layer 0 (forward then reverse), committed with the fixture
    reference = np.load(MODELS / "lstm_2x_bidir_reference.npz")["layer0"]
    np.testing.assert_allclose(session.inputs, reference, rtol=0, atol=1e-12)
    assert session.title == "lstm_2x_bidir.npz: layer 1 forward"
    assert "NPZ" in session.description and "layer 0 reverse" in session.description
    assert (window.model_layer, len(window.model.layers)) == (2, 4)
    assert window.actions_by_name["action_choose_layer"].isEnabled()
    assert window.undo_stack.count() == 0 and window.lesson_files.path is None
    assert messages == []


def test_a_reverse_direction_runs_over_the_reversed_sequence(window, messages, model_inputs):
    model = load_model(STACK)
    assert import_model(window, STACK, layer=3, inputs=model_inputs)
    window.session.seek(window.session.length)
    reverse = model.run_layers(model_inputs)[3]
    np.testing.assert_allclose(window.session.trace.hidden, reverse.hidden, rtol=0, atol=1e-15)
    assert window.session.step_labels[0] == f"t={len(model_inputs)}"

    assert show_layer(window, 1)  # the same model inputs, now read backwards by layer 0 reverse
    np.testing.assert_array_equal(window.session.inputs, model_inputs[::-1])
    assert window.session.params == model.layers[1]


def test_inputs_default_to_the_current_ones_when_they_fit_else_zeros(window, messages, model_inputs):
    assert window.session.input_size != 3
    assert import_model(window, STACK, layer=0)
    np.testing.assert_array_equal(window.session.inputs, np.zeros((ZERO_STEPS, 3)))

    assert import_model(window, STACK, layer=0, inputs=model_inputs)
    assert import_model(window, STACK, layer=2)  # layer 0's inputs are the model's: they carry over
    model = window.model
    expected = np.concatenate([h.hidden for h in model.run_layers(model_inputs, upto=0)], axis=1)
    np.testing.assert_array_equal(window.session.inputs[:, :4], expected)


@pytest.mark.parametrize(
    ("name", "content"),
    [("broken.npz", b"not a zip file"), ("weights.txt", b"1 2 3"), ("missing.onnx", None)],
)
def test_a_bad_file_warns_and_leaves_the_session_untouched(window, messages, tmp_path, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    session = window.session
    before = (session.params, session.inputs.copy(), session.title)
    assert not import_model(window, path, layer=0)
    assert [(kind, title) for kind, title, _ in messages] == [("warning", "Cannot import model")]
    assert name in messages[0][2] and "\n" not in messages[0][2]
    assert session.params == before[0] and session.title == before[2]
    np.testing.assert_array_equal(session.inputs, before[1])
    assert window.model is None


def test_a_wrong_layer_or_wrong_inputs_warn_and_change_nothing(window, messages):
    title = window.session.title
    assert not import_model(window, STACK, layer=7)
    assert not import_model(window, STACK, layer=0, inputs=np.ones((5, 2)))
    assert [kind for kind, _, _ in messages] == ["warning", "warning"]
    assert "outside" in messages[0][2] and "(T, 3)" in messages[1][2]
    assert window.session.title == title and window.model is None


def test_unsaved_changes_can_cancel_the_import(window, monkeypatch):
    monkeypatch.setattr(window.lesson_files, "confirm_discard", lambda: False)
    assert not import_model(window, STACK, layer=0)
    assert window.model is None


def test_the_menu_asks_for_a_file_then_for_the_layer(window, messages, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_: (str(STACK), ""))
    picks = iter([(3, INPUTS_ZEROS), (2, INPUTS_CURRENT)])
    seen: list[list[str]] = []

    def fake_exec(dialog: LayerDialog) -> QDialog.DialogCode:
        seen.append([dialog.inputs_choice.itemData(i) for i in range(dialog.inputs_choice.count())])
        row, choice = next(picks)
        dialog.layer_list.setCurrentRow(row)
        dialog.inputs_choice.setCurrentIndex(dialog.inputs_choice.findData(choice))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(LayerDialog, "exec", fake_exec)
    window.actions_by_name["action_import_model"].trigger()
    assert window.model_layer == 3
    below = window.model.run_layers(np.zeros((ZERO_STEPS, 3)), upto=1)
    expected = np.concatenate([below[0].hidden, below[1].hidden[::-1]], axis=1)[::-1]
    np.testing.assert_array_equal(window.session.inputs, expected)

    window.actions_by_name["action_choose_layer"].trigger()
    assert window.model_layer == 2 and window.session.params == window.model.layers[2]
    assert window.session.length == ZERO_STEPS
    assert seen[0][0] != INPUTS_CURRENT  # the default preset's inputs have 2 columns, not 3
    assert seen[1][0] == INPUTS_CURRENT
    assert messages == []


def test_a_single_cell_on_zeros_offers_to_import_its_inputs(
    window, messages, monkeypatch, tmp_path, model_inputs
):
    assert import_model(window, STACK, layer=0, inputs=model_inputs)  # 3 columns; the cell reads 2
    csv = tmp_path / "inputs.csv"
    np.savetxt(csv, np.arange(8.0).reshape(4, 2), delimiter=",")
    files = iter([str(CELL), str(csv)])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_: (next(files), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *_: QMessageBox.StandardButton.Yes)
    window.actions_by_name["action_import_model"].trigger()
    assert window.session.params == load_model(CELL).layers[0]
    np.testing.assert_array_equal(window.session.inputs, np.arange(8.0).reshape(4, 2))
    assert not window.actions_by_name["action_choose_layer"].isEnabled()


def test_the_dialog_lists_every_layer_and_says_what_it_reads(window):
    model = load_model(STACK)
    dialog = LayerDialog(model, STACK, layer=3, current_steps=6, parent=window)
    assert dialog.layer_list.count() == 4 and dialog.layer() == 3
    assert "layer 0 forward and layer 0 reverse" in dialog.detail.text()
    assert "reversed in time" in dialog.detail.text()
    assert dialog.input_choice() == INPUTS_CURRENT
    dialog.layer_list.setCurrentRow(0)
    assert dialog.detail.text().startswith("Reads the model's input sequence")
    assert all(dialog.layer_list.item(k).toolTip() for k in range(4))


def test_verify_matches_pytorch(window, messages, model_inputs):
    pytest.importorskip("torch")
    assert import_model(window, STACK, layer=2, inputs=model_inputs)
    differences = verify_current(window)
    assert differences is not None
    assert set(differences) >= {"forget_gate", "input_gate", "candidate", "output_gate", "cell", "hidden"}
    assert max(differences.values()) < 1e-10
    [(kind, _title, text)] = messages
    assert kind == "information" and "forget gate" in text and "e-" in text
    assert window.statusBar().currentMessage().startswith("Matches PyTorch to ")


def test_verify_without_pytorch_says_how_to_install_it(window, messages, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    assert verify_current(window) is None
    [(kind, title, text)] = messages
    assert kind == "warning" and "not installed" in title
    assert "lstm-gate-simulator[torch]" in text and TORCH_INSTALL.startswith("pip install")
