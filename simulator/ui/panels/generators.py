"""A form that fills the input sequence from a formula (see :mod:`simulator.generators`)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from simulator import generators
from simulator.session import Session
from simulator.ui.undo import UndoableEdits
from simulator.ui.value_entry import FiniteSpinBox

MAX_LENGTH = 100_000

ALL_DIMENSIONS = -1


def _double(value: float, low: float, high: float, tooltip: str, suffix: str = "") -> QDoubleSpinBox:
    box = FiniteSpinBox()  # NaN, ±inf and out-of-range text: refused with a message at the field
    box.setRange(low, high)
    box.setDecimals(3)
    box.setSingleStep(0.1)
    box.setValue(value)
    box.setSuffix(suffix)
    box.setToolTip(tooltip)
    return box


def _whole(value: int, low: int, high: int, tooltip: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setToolTip(tooltip)
    return box


class GeneratorBox(QGroupBox):
    """Pick a signal and its options, a length and the dimensions it fills; "Generate" applies it.

    Parameters
    ----------
    session : Session
        Gives the current inputs (kept in the dimensions not filled) and sizes.
    edits : UndoableEdits
        "Generate" is one undoable :meth:`UndoableEdits.set_inputs`.
    parent : QWidget, optional
    """

    def __init__(self, session: Session, edits: UndoableEdits, parent: QWidget | None = None) -> None:
        super().__init__("Generate a sequence", parent)
        self.session, self.edits = session, edits
        self.kind_box = QComboBox()
        for kind, words in generators.KINDS.items():
            self.kind_box.addItem(words, kind)
        self.kind_box.setToolTip("The signal to fill the inputs with.")
        self.options: dict[str, dict[str, QDoubleSpinBox | QSpinBox]] = {
            "constant": {"value": _double(1.0, -1e6, 1e6, "The value of every step.")},
            "sine": {
                "amplitude": _double(1.0, -1e6, 1e6, "Height of the peaks."),
                "period": _double(8.0, 0.1, 1e6, "Steps per full cycle.", " steps"),
                "phase": _double(0.0, -100.0, 100.0, "Shift of the wave, in radians.", " rad"),
            },
            "pulse": {
                "start": _whole(2, 1, MAX_LENGTH, "The first step of the pulse (steps count from 1)."),
                "width": _whole(3, 0, MAX_LENGTH, "How many steps the pulse lasts."),
                "height": _double(1.0, -1e6, 1e6, "The value during the pulse (0 elsewhere)."),
            },
            "random": {
                "seed": _whole(0, 0, 2**31 - 1, "The same seed gives the same sequence."),
                "scale": _double(1.0, 0.0, 1e6, "Values are uniform between −scale and +scale."),
            },
        }
        self.pages = QStackedWidget()
        for fields in self.options.values():
            page = QWidget()
            form = QFormLayout(page)
            form.setContentsMargins(0, 0, 0, 0)
            for name, box in fields.items():
                form.addRow(name.capitalize(), box)
            self.pages.addWidget(page)
        self.length_box = _whole(session.length, 1, MAX_LENGTH, "Number of steps T of the new sequence.")
        self.target_box = QComboBox()
        self.target_box.setToolTip("Fill every input dimension, or only one (the others keep their values).")
        self.generate_button = QPushButton("Generate")
        self.generate_button.setToolTip("Replace the inputs with the generated sequence (undoable).")

        top = QFormLayout()
        top.addRow("Signal", self.kind_box)
        top.addRow("Length", self.length_box)
        top.addRow("Fill", self.target_box)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.generate_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pages)
        layout.addLayout(buttons)

        self.kind_box.currentIndexChanged.connect(self.pages.setCurrentIndex)
        self.generate_button.clicked.connect(self.generate)
        self.update_sizes()

    def update_sizes(self) -> None:
        """Follow the session's T and D (after a load or a new sequence)."""
        with QSignalBlocker(self.length_box), QSignalBlocker(self.target_box):
            self.length_box.setValue(self.session.length)
            chosen = self.target_box.currentData()
            self.target_box.clear()
            self.target_box.addItem("all dimensions", ALL_DIMENSIONS)
            for dim in range(self.session.input_size):
                self.target_box.addItem(f"dimension x[{dim}] only", dim)
            self.target_box.setCurrentIndex(max(self.target_box.findData(chosen), 0))

    def sequence(self) -> np.ndarray:
        """The (length, D) inputs the form describes, built on the current ones."""
        kind = self.kind_box.currentData()
        length, D = self.length_box.value(), self.session.input_size
        target = self.target_box.currentData()
        columns = D if target == ALL_DIMENSIONS else 1
        options = {name: box.value() for name, box in self.options[kind].items()}
        signal = generators.generate(kind, length, columns, **options)
        out = np.zeros((length, D))
        keep = min(length, self.session.length)
        out[:keep] = self.session.inputs[:keep]
        if target == ALL_DIMENSIONS:
            out[:] = signal
        else:
            out[:, target] = signal[:, 0]
        return out

    def generate(self) -> None:
        """Replace the inputs with :meth:`sequence`; step labels stay if T does not change."""
        X = self.sequence()
        labels = self.session.step_labels if X.shape[0] == self.session.length else ()
        words = self.kind_box.currentText().lower()
        self.edits.set_inputs(X, labels, f"Generate inputs: {words}")
