"""The what-if panel's form: change one input or one weight, as one undo step.

Indices and values are checked here, before :class:`~simulator.ui.undo.UndoableEdits` is called,
so that a bad entry gives a one-line message in the form and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QWidget,
)

from simulator.engine import GATES
from simulator.engine.params import PARTS as WEIGHT_PARTS
from simulator.explain import weight_symbol
from simulator.parts import PARTS
from simulator.session import Session
from simulator.ui.undo import UndoableEdits
from simulator.ui.value_entry import VALUE_LIMIT, FiniteSpinBox
from simulator.whatif import WhatIf, number

ERROR_COLOR = "#d32f2f"

GATE_LABELS = {
    "forget": "forget gate",
    "input": "input gate",
    "candidate": "candidate",
    "output": "output gate",
}
PART_LABELS = {"input": "input W", "recurrent": "recurrent U", "bias": "bias b"}


class ChangeForm(QWidget):
    """Pick one input x_t[d] or one weight, type its new value, Apply.

    Parameters
    ----------
    session : Session
        Read for the current values and sizes.
    edits : UndoableEdits
        Apply makes exactly one call on it.
    model : WhatIf
        Without a baseline, Apply first freezes the run as it is (so the change is compared).
    parent : QWidget, optional
    """

    def __init__(
        self, session: Session, edits: UndoableEdits, model: WhatIf, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session, self.edits, self.model = session, edits, model
        self._preloaded: float | None = None

        self.kind_box = _combo("whatif_kind", "Change one input value or one weight")
        self.kind_box.addItem(f"input {PARTS['inputs'].symbol}", "input")
        self.kind_box.addItem("weight", "weight")
        self.step_box = _spin("whatif_step", "The step whose input changes (1 is the first)")
        self.dim_box = _spin("whatif_dim", "The input dimension")
        self.gate_box = _combo("whatif_gate", "The gate whose weight changes")
        for gate in GATES:
            self.gate_box.addItem(GATE_LABELS[gate], gate)
        self.part_box = _combo("whatif_part", "Input weights W, recurrent weights U or bias b")
        for part in WEIGHT_PARTS:
            self.part_box.addItem(PART_LABELS[part], part)
        self.row_box = _spin("whatif_row", "The row: the unit the weight feeds")
        self.column_box = _spin("whatif_column", "The column: the input dimension (W) or unit of h_{t-1} (U)")
        self.current = QLabel()
        self.current.setObjectName("whatif_current")
        self.value_box = FiniteSpinBox()
        self.value_box.setObjectName("whatif_value")
        self.value_box.setRange(-VALUE_LIMIT, VALUE_LIMIT)
        self.value_box.setDecimals(6)
        self.value_box.setSingleStep(0.1)
        self.value_box.setToolTip("The new value")
        self.value_box.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setObjectName("whatif_apply")
        self.apply_button.setToolTip("Change the value (one undo step); the frozen copy stays as it was")
        self.apply_button.clicked.connect(self.apply)
        self.message = QLabel()
        self.message.setObjectName("whatif_message")
        # One line, never wrapped (a wrapping label would make the scrolling form as tall as its hint).
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.pages = QStackedWidget()
        self.pages.addWidget(_row(QLabel("step"), self.step_box, QLabel("dimension"), self.dim_box))
        weight_page = QWidget()
        grid = QGridLayout(weight_page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.gate_box, 0, 0, 1, 2)
        grid.addWidget(self.part_box, 0, 2, 1, 2)
        for column, widget in enumerate((QLabel("row"), self.row_box, QLabel("column"), self.column_box)):
            grid.addWidget(widget, 1, column)
        self.pages.addWidget(weight_page)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setVerticalSpacing(4)
        layout.addWidget(QLabel("Change"), 0, 0)
        layout.addWidget(self.kind_box, 0, 1)
        layout.addWidget(self.current, 0, 2)
        layout.addWidget(self.pages, 1, 0, 1, 3)
        layout.addWidget(QLabel("to"), 2, 0)
        layout.addWidget(self.value_box, 2, 1)
        layout.addWidget(self.apply_button, 2, 2)
        layout.addWidget(self.message, 3, 0, 1, 3)
        layout.setColumnStretch(1, 1)

        self.kind_box.currentIndexChanged.connect(self._on_kind_changed)
        for box in (self.gate_box, self.part_box):
            box.currentIndexChanged.connect(self._on_target_changed)
        for spin in (self.step_box, self.dim_box, self.row_box, self.column_box):
            spin.valueChanged.connect(self._on_target_changed)
        slots = (
            (session.replaced, self._on_session_changed),
            (session.params_changed, self._on_values_changed),
            (session.inputs_changed, self._on_session_changed),
        )
        for signal, slot in slots:
            signal.connect(slot)
        self.destroyed.connect(lambda *_: [signal.disconnect(slot) for signal, slot in slots])
        self._on_kind_changed()

    # ------------------------------------------------------------ the target
    def kind(self) -> str:
        """``input`` or ``weight``."""
        return str(self.kind_box.currentData())

    def target_label(self) -> str:
        """What the form changes, in the diagram's notation: ``x_3[0]`` or ``W_f[1, 0]``."""
        if self.kind() == "input":
            return f"x_{self.step_box.value()}[{self.dim_box.value()}]"
        gate, part, index = self._weight_target()
        return f"{weight_symbol(gate, part)}[{', '.join(map(str, index))}]"

    def _weight_target(self) -> tuple[str, str, tuple[int, ...]]:
        part = str(self.part_box.currentData())
        index = (self.row_box.value(),) if part == "bias" else (self.row_box.value(), self.column_box.value())
        return str(self.gate_box.currentData()), part, index

    def current_value(self) -> float:
        """The session's value of the target now."""
        if self.kind() == "input":
            return float(self.session.inputs[self.step_box.value() - 1, self.dim_box.value()])
        gate, part, index = self._weight_target()
        return float(self.session.params.part(gate, part)[index])

    def _on_kind_changed(self) -> None:
        self.pages.setCurrentIndex(0 if self.kind() == "input" else 1)
        self._on_target_changed()

    def _on_target_changed(self) -> None:
        """Another value was picked: show its current value and start the new one from it."""
        self._fit_ranges()
        value = self.current_value()
        with QSignalBlocker(self.value_box):
            self.value_box.setValue(value)
        self._preloaded = self.value_box.value()
        self._show_current(value)

    def _on_session_changed(self) -> None:
        """The inputs or the whole session changed: the sizes may have too."""
        self._fit_ranges()
        self._on_values_changed()

    def _fit_ranges(self) -> None:
        s = self.session
        part = str(self.part_box.currentData())
        columns = s.input_size if part == "input" else s.hidden_size
        for spin, low, high in (
            (self.step_box, 1, s.length),
            (self.dim_box, 0, s.input_size - 1),
            (self.row_box, 0, s.hidden_size - 1),
            (self.column_box, 0, columns - 1),
        ):
            with QSignalBlocker(spin):
                spin.setRange(low, high)
        self.column_box.setEnabled(part != "bias")

    def _on_values_changed(self) -> None:
        """A value changed (an edit, undo): show it; start the new value from it unless one was typed."""
        value = self.current_value()
        if self.value_box.value() == self._preloaded:
            with QSignalBlocker(self.value_box):
                self.value_box.setValue(value)
            self._preloaded = self.value_box.value()
        self._show_current(value)

    def _show_current(self, value: float) -> None:
        self.current.setText(f"{self.target_label()} = {number(value, 4)}")
        self.current.setToolTip(f"{self.target_label()} is {number(value, 17)} now")

    # ------------------------------------------------------------ applying
    def apply(self) -> bool:
        """Apply the form's change; ``False`` (and a message) if it cannot be applied."""
        value = self.value_box.value()
        if value == self._preloaded:
            return self._fail(f"Type a new value for {self.target_label()} first.")
        if self.kind() == "input":
            return self.apply_input(self.step_box.value() - 1, self.dim_box.value(), value)
        return self.apply_weight(*self._weight_target(), value)

    def apply_input(self, row: int, dim: int, value: float) -> bool:
        """Set x of step ``row + 1`` (row is 0-based), dimension ``dim``: one undo step.

        Returns ``False`` and shows a message, changing nothing, for a bad index or value.
        """
        s = self.session
        if not 0 <= row < s.length:
            return self._fail(f"No step {row + 1}: the inputs have steps 1 to {s.length}.")
        if not 0 <= dim < s.input_size:
            return self._fail(f"No input dimension {dim}: x_t has dimensions 0 to {s.input_size - 1}.")
        label = f"x_{row + 1}[{dim}]"
        old = float(s.inputs[row, dim])
        return self._commit(label, old, value, lambda: self.edits.set_input_value(row, dim, value))

    def apply_weight(self, gate: str, part: str, index: tuple[int, ...], value: float) -> bool:
        """Set one weight of a gate (``index`` is (row, column), or (row,) for a bias): one undo step.

        Returns ``False`` and shows a message, changing nothing, for a bad gate, part, index or value.
        """
        if gate not in GATES:
            return self._fail(f"No gate {gate!r}: pick {', '.join(GATES)}.")
        if part not in WEIGHT_PARTS:
            return self._fail(f"No weight part {part!r}: pick {', '.join(WEIGHT_PARTS)}.")
        weights = self.session.params.part(gate, part)
        symbol = weight_symbol(gate, part)
        index = tuple(int(i) for i in np.ravel(index))
        label = f"{symbol}[{', '.join(map(str, index))}]"
        if len(index) != weights.ndim or not all(
            0 <= i < n for i, n in zip(index, weights.shape, strict=True)
        ):
            size = "×".join(map(str, weights.shape))
            return self._fail(f"No weight {label}: {symbol} is {size} (indices from 0).")
        old = float(weights[index])
        return self._commit(label, old, value, lambda: self.edits.set_weight(gate, part, index, value))

    def _commit(self, label: str, old: float, value: float, edit: Callable[[], None]) -> bool:
        value = float(value)
        if not np.isfinite(value):
            return self._fail(f"{label}: the new value must be a finite number.")
        if value == old:
            return self._fail(f"{label} is {number(old)} already.")
        if not self.model.active:
            self.model.duplicate()  # compare against the run as it was before this change
        try:
            edit()
        except ValueError as exc:  # checked above; kept so that no edit can end in a traceback
            return self._fail(str(exc))
        self._say(f"{label}: {number(old)} → {number(value)}. Undo brings it back.", error=False)
        return True

    def _fail(self, text: str) -> bool:
        self._say(text, error=True)
        return False

    def _say(self, text: str, error: bool) -> None:
        self.message.setText(text)
        self.message.setToolTip(text)
        self.message.setStyleSheet(f"QLabel {{ color: {ERROR_COLOR}; }}" if error else "")


def _combo(name: str, tip: str) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.setToolTip(tip)
    return box


def _spin(name: str, tip: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setToolTip(tip)
    return spin


def _row(*widgets: QWidget) -> QWidget:
    """One row of widgets at the top of a page (spin boxes stretch)."""
    row = QWidget()
    layout = QGridLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for column, widget in enumerate(widgets):
        layout.addWidget(widget, 0, column)
        layout.setColumnStretch(column, 1 if isinstance(widget, QSpinBox) else 0)
    layout.setRowStretch(1, 1)
    return row


__all__ = ["ChangeForm"]
