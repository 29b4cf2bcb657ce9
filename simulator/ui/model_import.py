"""Trained models in the window: Import Trained Model…, Choose Layer… (File), Verify Against PyTorch (Run).

A model file holds a stack of LSTMs (see :mod:`simulator.io.models`); the
window shows one entry of it at a time, as a lesson of its own. Entry k of a
stack reads what the layer below hands it, so its input sequence is computed:

- an entry of layer 0 reads the model's input sequence;
- an entry of a deeper layer reads the hidden states of every entry of the
  layer below, side by side, forward first, each in the original time order;
- a reverse entry reads its sequence reversed in time, so step 1 in the window
  is the last timestep (the step labels say which one).

The model stays on the window (``window.model``, ``window.model_layer``) so
another entry can be shown later. :func:`import_model`, :func:`show_layer` and
:func:`verify_current` do the work without dialogs, for tests and scripts; the
menu actions add the file and layer dialogs around them. The readers
(:mod:`simulator.io.models`) are imported on the first import, not at start-up.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QListWidget,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from simulator.engine.validate import as_sequence
from simulator.io.errors import LoadError
from simulator.io.presets import Preset
from simulator.ui.actions import add_shortcut_to_tip

if TYPE_CHECKING:
    from simulator.io.models import Model
    from simulator.ui.main_window import MainWindow

MODEL_FILTER = "Trained LSTMs (*.pt *.pth *.safetensors *.npz *.keras *.h5 *.hdf5 *.onnx);;All files (*)"
INPUT_FILTER = "Input sequences (*.csv *.npy)"
ZERO_STEPS = 20
"""Length of the all-zero input sequence used when no fitting inputs are at hand."""
TORCH_INSTALL = 'pip install "lstm-gate-simulator[torch]"'
MATCH_TOLERANCE = 1e-10
"""Largest difference (float64 on both sides) still reported as a match."""
STATUS_MS = 8000

INPUTS_CURRENT, INPUTS_ZEROS, INPUTS_FILE = "current", "zeros", "file"
"""The input-sequence choices of :class:`LayerDialog`."""

FORMAT_NAMES = {
    "pytorch": "PyTorch state_dict",
    "safetensors": "safetensors (PyTorch names)",
    "npz": "NPZ (PyTorch names)",
    "keras": "Keras 3",
    "keras-h5": "Keras HDF5",
    "onnx": "ONNX",
}
FIELD_NAMES = {
    "forget_gate": "forget gate f",
    "input_gate": "input gate i",
    "candidate": "candidate g",
    "output_gate": "output gate o",
    "cell": "cell state c",
    "hidden": "hidden state h",
}


def install_model_import(window: MainWindow) -> None:
    """Add the model actions to the File and Run menus and to ``window.actions_by_name``.

    File gets ``action_import_model`` (Ctrl+M) and ``action_choose_layer``
    (enabled once a model of several entries is loaded), before "Import
    Inputs…"; Run gets ``action_verify_torch``. The window gains ``model``,
    ``model_layer``, ``model_path``, ``model_inputs`` and ``model_step_labels``.
    Installing twice adds nothing.
    """
    if "action_import_model" in window.actions_by_name:
        return
    window.model = None
    window.model_layer = None
    window.model_path = None
    window.model_inputs = None
    window.model_step_labels = ()

    import_action = _action(
        window,
        "action_import_model",
        "Import Trained &Model…",
        "Read a trained LSTM (PyTorch, safetensors, NPZ, Keras, ONNX) and show one of its layers",
        "Ctrl+M",
    )
    import_action.triggered.connect(lambda: import_model_interactively(window))
    choose_action = _action(
        window,
        "action_choose_layer",
        "Choose &Layer…",
        "Show another layer or direction of the imported model, or run it on other inputs",
    )
    choose_action.setEnabled(False)
    choose_action.triggered.connect(lambda: choose_layer_interactively(window))
    verify_action = _action(
        window,
        "action_verify_torch",
        "&Verify Against PyTorch",
        "Rerun the weights and inputs shown in PyTorch and report the largest difference per gate",
    )
    verify_action.triggered.connect(lambda: verify_current(window))

    file_menu: QMenu = window.menus["file"]
    before = window.actions_by_name.get("action_import_inputs")
    if before is not None and before in file_menu.actions():
        file_menu.insertAction(before, import_action)
        file_menu.insertAction(before, choose_action)
    else:
        file_menu.addAction(import_action)
        file_menu.addAction(choose_action)
    run_menu: QMenu = window.menus["run"]
    run_menu.setToolTipsVisible(True)
    run_menu.addSeparator()
    run_menu.addAction(verify_action)


def _action(window: MainWindow, name: str, text: str, tip: str, shortcut: str | None = None) -> QAction:
    action = QAction(text, window)
    action.setObjectName(name)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    add_shortcut_to_tip(action, tip)
    window.addAction(action)
    window.actions_by_name[name] = action
    return action


# --------------------------------------------------------------------- importing
def layer_inputs(model: Model, layer: int, inputs: np.ndarray) -> np.ndarray:
    """The sequence entry ``layer`` of ``model`` reads, in the order it reads it.

    Parameters
    ----------
    model : Model
        The stack.
    layer : int
        Index into ``model.layers``.
    inputs : array (T, D)
        The model's input sequence (D = ``model.input_size``).

    Returns
    -------
    array (T, D_k)
        For layer 0 the inputs; deeper, the hidden states of the entries of
        the layer below side by side (forward first, each in the original time
        order). Reversed in time for a reverse entry.

    Raises
    ------
    ValueError
        If ``layer`` is outside the model, or the inputs are empty, have the
        wrong shape or a NaN or infinite value.
    """
    if not 0 <= layer < len(model.layers):
        raise ValueError(f"layer {layer} outside 0..{len(model.layers) - 1}")
    first = model.layers[0]
    sequence = as_sequence(inputs, first.input_size, "inputs", first.dtype)
    if sequence.shape[0] == 0:
        raise ValueError("inputs: the sequence is empty")
    depth = model.depths[layer]
    if depth > 0:
        below = [k for k, d in enumerate(model.depths) if d == depth - 1]
        traces = model.run_layers(sequence, upto=below[-1])
        sequence = np.concatenate(
            [traces[k].hidden[::-1] if model.reverse[k] else traces[k].hidden for k in below], axis=1
        )
    return np.ascontiguousarray(sequence[::-1] if model.reverse[layer] else sequence)


def import_model(
    window: MainWindow, path: str | Path, layer: int | None = None, inputs: np.ndarray | None = None
) -> bool:
    """Read a model file and show one of its entries, without dialogs (a failure shows a warning).

    Parameters
    ----------
    window : MainWindow
        Where to show it; asks first if the open lesson has unsaved changes.
    path : str or Path
        Any file :func:`~simulator.io.models.load_model` reads.
    layer : int, optional
        Index into ``model.layers`` (default 0).
    inputs : array (T, D), optional
        The model's input sequence. By default the window's current inputs if
        they have the model's input size, else :data:`ZERO_STEPS` steps of zeros.

    Returns
    -------
    bool
        ``True`` if the entry is shown; ``False`` if cancelled or the file, the
        layer or the inputs are wrong (the open lesson is then untouched).
    """
    from simulator.io.models import load_model

    if not window.lesson_files.confirm_discard():
        return False
    path = Path(path)
    try:
        model = load_model(path)
    except LoadError as exc:
        return _warn(window, "Cannot import model", str(exc))
    labels: tuple[str, ...] = ()
    if inputs is None:
        inputs, labels = _current_inputs(window, model)
    if inputs is None:
        inputs = _zeros(model)
    return _show(window, model, path, 0 if layer is None else layer, inputs, labels)


def show_layer(window: MainWindow, layer: int, inputs: np.ndarray | None = None) -> bool:
    """Show another entry of the model already imported, without dialogs.

    Parameters
    ----------
    window : MainWindow
        A window holding ``window.model``; asks first about unsaved changes.
    layer : int
        Index into ``window.model.layers``.
    inputs : array (T, D), optional
        The model's input sequence; by default the one in use (including edits
        made to it while a layer-0 entry is shown).

    Returns
    -------
    bool
        ``True`` if the entry is shown; ``False`` if there is no model, the
        user cancelled, or the layer or inputs are wrong (a warning says which).
    """
    model = window.model
    if model is None or not window.lesson_files.confirm_discard():
        return False
    labels: tuple[str, ...] = ()
    if inputs is None:
        inputs, labels = _current_inputs(window, model)  # never None for the model shown last
    return _show(window, model, window.model_path, layer, inputs, labels)


def import_model_interactively(window: MainWindow) -> bool:
    """File ▸ Import Trained Model…: pick a file, then (for a stack) the layer and the inputs."""
    from simulator.io.models import load_model

    if not window.lesson_files.confirm_discard():
        return False
    name, _ = QFileDialog.getOpenFileName(window, "Import trained model", "", MODEL_FILTER)
    if not name:
        return False
    path = Path(name)
    try:
        model = load_model(path)
    except LoadError as exc:
        return _warn(window, "Cannot import model", str(exc))
    current, labels = _current_inputs(window, model)
    if len(model.layers) == 1:
        if current is not None:
            return _show(window, model, path, 0, current, labels)
        return _show(window, model, path, 0, _zeros(model), ()) and _offer_inputs(window)
    return _choose(window, model, path, 0, current, labels)


def choose_layer_interactively(window: MainWindow) -> bool:
    """File ▸ Choose Layer…: the layer dialog again for the model already imported."""
    model = window.model
    if model is None or not window.lesson_files.confirm_discard():
        return False
    current, labels = _current_inputs(window, model)
    return _choose(window, model, window.model_path, window.model_layer, current, labels)


def _choose(
    window: MainWindow,
    model: Model,
    path: Path,
    layer: int,
    current: np.ndarray | None,
    labels: tuple[str, ...],
) -> bool:
    dialog = LayerDialog(model, path, layer, None if current is None else current.shape[0], window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    choice = dialog.input_choice()
    if choice == INPUTS_CURRENT and current is not None:
        return _show(window, model, path, dialog.layer(), current, labels)
    if choice == INPUTS_FILE:
        inputs = _ask_inputs(window, model)
        return inputs is not None and _show(window, model, path, dialog.layer(), inputs, ())
    return _show(window, model, path, dialog.layer(), _zeros(model), ())


def _offer_inputs(window: MainWindow) -> bool:
    """After a model was shown on zeros: offer to read its input sequence from a file."""
    model = window.model
    answer = QMessageBox.question(
        window,
        "Import inputs",
        f"The current inputs do not have the model's {model.input_size} columns, so it runs on "
        f"{ZERO_STEPS} steps of zeros. Import an input sequence (CSV or NPY) now?",
    )
    if answer != QMessageBox.StandardButton.Yes:
        return True
    inputs = _ask_inputs(window, model)
    return inputs is None or _show(window, model, window.model_path, window.model_layer, inputs, ())


def _ask_inputs(window: MainWindow, model: Model) -> np.ndarray | None:
    """The model's input sequence from a CSV or NPY file the user picks; ``None`` if cancelled or bad."""
    from simulator.io.sequences import read_inputs

    name, _ = QFileDialog.getOpenFileName(
        window, f"Import model inputs ({model.input_size} columns)", "", INPUT_FILTER
    )
    if not name:
        return None
    try:
        return read_inputs(name)
    except LoadError as exc:
        _warn(window, "Cannot import inputs", str(exc))
        return None


def _current_inputs(window: MainWindow, model: Model) -> tuple[np.ndarray | None, tuple[str, ...]]:
    """The model's input sequence at hand, with its step labels, or ``(None, ())`` if none fits.

    For the model already shown: the one in use, or the session's inputs when
    a layer-0 entry is shown (so edits to them carry over). For a new model:
    the session's inputs if they have the model's width.
    """
    session = window.session
    if model is window.model:
        labels = window.model_step_labels
        if _showing_model(window) and model.depths[window.model_layer] == 0:
            inputs = np.array(session.inputs[::-1] if model.reverse[window.model_layer] else session.inputs)
            return inputs, labels if len(labels) == inputs.shape[0] else ()
        return window.model_inputs, labels
    if session.input_size == model.input_size:
        return np.array(session.inputs), session.step_labels
    return None, ()


def _showing_model(window: MainWindow) -> bool:
    """Whether the session still shows the entry of the model imported last."""
    model, layer = window.model, window.model_layer
    return model is not None and window.session.preset_name == _preset_name(window.model_path, model, layer)


def _zeros(model: Model) -> np.ndarray:
    return np.zeros((ZERO_STEPS, model.input_size))


def _show(
    window: MainWindow,
    model: Model,
    path: Path,
    layer: int,
    inputs: np.ndarray,
    labels: tuple[str, ...],
) -> bool:
    """Make entry ``layer`` the window's lesson; a wrong layer or wrong inputs warn and change nothing."""
    try:
        sequence = layer_inputs(model, layer, inputs)
    except ValueError as exc:
        return _warn(window, "Cannot show layer", f"{path.name}: {exc}")
    base = np.array(inputs, dtype=float)
    labels = tuple(labels) if len(labels) == base.shape[0] else ()
    params = model.layers[layer]
    H = params.hidden_size
    preset = Preset(
        name=_preset_name(path, model, layer),
        title=f"{path.name}: {params.name}",
        description=_describe(model, path, layer),
        params=params,
        inputs=sequence.astype(params.dtype),
        h0=np.zeros(H, dtype=params.dtype),
        c0=np.zeros(H, dtype=params.dtype),
        step_labels=_step_labels(labels, base.shape[0], model.reverse[layer]),
    )
    window.player.pause()
    window.session.load_preset(preset)
    window.undo_stack.clear()
    window.lesson_files.forget_file()
    window.model, window.model_layer, window.model_path = model, layer, path
    window.model_inputs, window.model_step_labels = base, labels
    window.actions_by_name["action_choose_layer"].setEnabled(len(model.layers) > 1)
    window.statusBar().showMessage(
        f"Showing {params.name} of {path.name} ({layer + 1} of {len(model.layers)})", STATUS_MS
    )
    return True


def _preset_name(path: Path, model: Model, layer: int) -> str:
    slug = re.sub(r"[^0-9A-Za-z]+", "-", model.layers[layer].name or f"entry {layer}").strip("-").lower()
    return f"{path.stem}-{slug}"


def _step_labels(labels: tuple[str, ...], steps: int, reverse: bool) -> tuple[str, ...]:
    """The labels of the model's steps in the order the entry reads them; a reverse entry names each."""
    if not reverse:
        return labels
    return labels[::-1] if labels else tuple(f"t={steps - i}" for i in range(steps))


def _describe(model: Model, path: Path, layer: int) -> str:
    """One paragraph: the entry, the file, what it reads, and the reader's notes."""
    params = model.layers[layer]
    depth = model.depths[layer]
    source = FORMAT_NAMES.get(model.source_format, model.source_format)
    if depth == 0:
        reads = "the model's inputs"
    else:
        below = [model.layers[k].name for k, d in enumerate(model.depths) if d == depth - 1]
        reads = f"the hidden states of {' and '.join(below)}"
    if model.reverse[layer]:
        reads += ", reversed in time (step 1 is the last timestep)"
    parts = [
        f"{params.name} ({params.input_size} → {params.hidden_size}) of {path.name}, {source}; reads {reads}."
    ]
    if params.gate_activation != "sigmoid":
        parts.append(f"Gate activation: {params.gate_activation}.")
    parts.extend(model.notes)
    return " ".join(parts)


def _warn(window: QWidget, title: str, message: str) -> bool:
    QMessageBox.warning(window, title, message)
    return False


# --------------------------------------------------------------------- the dialog
class LayerDialog(QDialog):
    """Pick one entry of a stack and the input sequence the model runs on.

    Parameters
    ----------
    model : Model
        The stack; each entry is one row of the list (object name ``model_layer_list``).
    path : Path
        The file, named in the heading.
    layer : int
        The row selected at first.
    current_steps : int, optional
        Length of the input sequence at hand; ``None`` disables that choice.
    parent : QWidget, optional
        The window.
    """

    def __init__(
        self,
        model: Model,
        path: Path,
        layer: int = 0,
        current_steps: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("model_layer_dialog")
        self.setWindowTitle("Choose layer")
        self.setMinimumWidth(420)
        self._model = model
        depths = max(model.depths) + 1
        kind = ", bidirectional" if model.bidirectional else ""
        source = FORMAT_NAMES.get(model.source_format, model.source_format)
        heading = QLabel(
            f"<b>{html.escape(path.name)}</b><br>{source}: "
            f"{depths} layer{'s' if depths > 1 else ''}{kind}, {len(model.layers)} LSTMs"
        )
        self.layer_list = QListWidget()
        self.layer_list.setObjectName("model_layer_list")
        self.layer_list.setToolTip("The LSTM to show: each layer and direction is one cell")
        for k, params in enumerate(model.layers):
            self.layer_list.addItem(
                f"{params.name}  ({params.input_size} inputs → {params.hidden_size} units)"
            )
            self.layer_list.item(k).setToolTip(_describe(model, path, k))
        self.detail = QLabel()
        self.detail.setObjectName("model_layer_detail")
        self.detail.setWordWrap(True)
        self.inputs_choice = QComboBox()
        self.inputs_choice.setObjectName("model_inputs_choice")
        self.inputs_choice.setToolTip(
            f"The model's input sequence ({model.input_size} numbers per step); "
            "deeper layers read what the layers below make of it"
        )
        if current_steps is not None:
            self.inputs_choice.addItem(f"Current inputs ({current_steps} steps)", INPUTS_CURRENT)
        self.inputs_choice.addItem(f"Zeros ({ZERO_STEPS} steps)", INPUTS_ZEROS)
        self.inputs_choice.addItem("From a CSV or NPY file…", INPUTS_FILE)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Input sequence:", self.inputs_choice)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(QLabel("Layer and direction to show:"))
        layout.addWidget(self.layer_list)
        layout.addWidget(self.detail)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.layer_list.currentRowChanged.connect(self._update_detail)
        self.layer_list.itemDoubleClicked.connect(self.accept)
        self.layer_list.setCurrentRow(layer)

    def layer(self) -> int:
        """The entry chosen: an index into ``model.layers``."""
        return max(self.layer_list.currentRow(), 0)

    def input_choice(self) -> str:
        """:data:`INPUTS_CURRENT`, :data:`INPUTS_ZEROS` or :data:`INPUTS_FILE`."""
        return str(self.inputs_choice.currentData())

    def _update_detail(self, row: int) -> None:
        model = self._model
        if row < 0:
            return
        depth = model.depths[row]
        if depth == 0:
            text = "Reads the model's input sequence"
        else:
            below = [model.layers[k].name for k, d in enumerate(model.depths) if d == depth - 1]
            text = f"Reads the hidden states of {' and '.join(below)}, side by side"
        if model.reverse[row]:
            text += ", reversed in time: step 1 is the last timestep"
        self.detail.setText(f"{text}.")


# --------------------------------------------------------------------- verifying
def verify_current(window: MainWindow) -> dict[str, float] | None:
    """Run Verify Against PyTorch: rerun the weights, inputs and h0/c0 shown in PyTorch and report.

    All steps of the input sequence are compared. A message box shows the
    largest absolute difference per gate and state, the status bar the
    largest of them ("Matches PyTorch to 3e-16").

    Returns
    -------
    dict or None
        ``{field: max |ours − PyTorch's|}`` as from
        :func:`~simulator.verify.verify_against_torch`; ``None`` if PyTorch is
        not installed or the cell cannot be compared (a message box says why).
    """
    from simulator.verify import verify_against_torch

    session = window.session
    try:
        # copies: torch.from_numpy warns on the session's read-only views
        differences = verify_against_torch(
            session.params, np.array(session.inputs), np.array(session.h0), np.array(session.c0)
        )
    except ImportError:
        QMessageBox.warning(
            window,
            "PyTorch is not installed",
            "Verify Against PyTorch needs PyTorch, which is not installed. Install it with<br><br>"
            f"<code>{html.escape(TORCH_INSTALL)}</code><br><br>and restart the app.",
        )
        return None
    except ValueError as exc:
        _warn(window, "Cannot verify against PyTorch", str(exc))
        return None
    largest = max(differences.values())
    matches = largest <= MATCH_TOLERANCE
    summary = f"{'Matches PyTorch to' if matches else 'Differs from PyTorch by up to'} {_short(largest)}"
    rows = "".join(
        f"<tr><td>{FIELD_NAMES.get(name, name)}</td><td align='right'>{value:.1e}</td></tr>"
        for name, value in differences.items()
    )
    note = ""
    if session.params.gate_activation != "sigmoid":
        note = (
            f"<p>nn.LSTM knows only the logistic σ: PyTorch's side was computed step by step with "
            f"{session.params.gate_activation} as the gate activation.</p>"
        )
    QMessageBox.information(
        window,
        "Verify against PyTorch",
        f"<p>{summary}: {session.length} steps rerun in PyTorch (float64).</p>"
        f"<table cellpadding=3><tr><th align='left'>gate / state</th><th>largest |difference|</th></tr>"
        f"{rows}</table>{note}",
    )
    window.statusBar().showMessage(summary, STATUS_MS)
    return differences


def _short(value: float) -> str:
    """A difference in one significant digit: ``3e-16``; ``0`` when exact."""
    return "0" if value == 0 else f"{value:.0e}"
