"""The inputs panel: the sequence as an editable table, sliders for x_t, generators and import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from simulator.io.errors import LoadError
from simulator.session import Session
from simulator.ui.panels.generators import GeneratorBox
from simulator.ui.panels.sentence import SentenceBox
from simulator.ui.panels.slider import ValueSlider
from simulator.ui.throttle import Throttle
from simulator.ui.undo import UndoableEdits
from simulator.ui.value_entry import VALUE_LIMIT, FieldMessage, FiniteItemDelegate, parse_finite

INPUT_LIMIT = 5.0
"""The x_t sliders run over ±INPUT_LIMIT; spin boxes and table take any finite value within ±VALUE_LIMIT."""

CURRENT_ROW_COLOR = QColor(255, 214, 102)

Index = QModelIndex | QPersistentModelIndex


class InputsModel(QAbstractTableModel):
    """The session's inputs as a table: one row per step, one column per dimension.

    Editing a cell makes one undoable edit; text that is not a finite number
    within ±VALUE_LIMIT (see :func:`~simulator.ui.value_entry.parse_finite`) is
    refused, changes nothing and is reported through :attr:`rejected`.
    """

    rejected = Signal(str)
    """A one-line reason an edit was refused."""
    accepted = Signal()
    """An edit went through."""

    def __init__(self, session: Session, edits: UndoableEdits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.edits = session, edits
        self.current_row = -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self.session.length

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.session.input_size

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        value = float(self.session.inputs[index.row(), index.column()])
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{value:.4g}"
        if role == Qt.ItemDataRole.EditRole:
            return repr(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and index.row() == self.current_row:
            return QBrush(CURRENT_ROW_COLOR)
        if role == Qt.ItemDataRole.ForegroundRole and index.row() == self.current_row:
            return QBrush(QColor("#000000"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"x[{index.column()}] of step {index.row() + 1} = {value!r}\nDouble-click to edit."
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                return f"x[{section}]"
            labels = self.session.step_labels
            return f"{section + 1} {labels[section]}" if labels else str(section + 1)
        if role == Qt.ItemDataRole.ToolTipRole:
            if orientation == Qt.Orientation.Horizontal:
                return f"Input dimension {section}"
            return f"Step {section + 1}: the input the cell reads at t = {section + 1}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row, dim = index.row(), index.column()
        try:
            number = parse_finite(str(value), -VALUE_LIMIT, VALUE_LIMIT)
        except ValueError as exc:
            self.refuse(index, str(exc))
            return False
        self.edits.set_input_value(row, dim, number)
        self.accepted.emit()
        return True

    def refuse(self, index: Index, message: str) -> None:
        """Report that the text typed into cell ``index`` was refused, and why (one line)."""
        self.rejected.emit(f"x[{index.column()}] of step {index.row() + 1}: {message} (kept the old value)")

    def refresh(self, reset: bool) -> None:
        """Redraw every cell; ``reset`` when T or D may have changed."""
        if reset:
            self.beginResetModel()
            self.endResetModel()
        elif self.rowCount() and self.columnCount():
            bottom_right = self.index(self.rowCount() - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), bottom_right)
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, self.rowCount() - 1)


class InputsPanel(QWidget):
    """The input sequence: a table, one slider per dimension for x_t, generators and file import.

    Parameters
    ----------
    session : Session
        The model shown and edited.
    edits : UndoableEdits
        Every edit goes through it (one undo step per drag of a slider).
    parent : QWidget, optional
    """

    def __init__(self, session: Session, edits: UndoableEdits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.edits = session, edits
        self.model = InputsModel(session, edits, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setToolTip("The input sequence: row k is the x_t the cell reads at step k.")
        self.delegate = FiniteItemDelegate(-VALUE_LIMIT, VALUE_LIMIT, self.table)
        self.table.setItemDelegate(self.delegate)
        self.status = FieldMessage("Why the last edit of the table was refused.")
        self.import_button = QPushButton("Import CSV/NPY…")
        self.import_button.setToolTip("Replace the inputs with a (T, D) sequence from a .csv or .npy file.")
        self.step_box = QGroupBox()
        self.step_box.setToolTip("Change the input of the current step; the diagram follows live.")
        self._slider_layout = QVBoxLayout(self.step_box)
        self._sliders: list[ValueSlider] = []
        self.generator = GeneratorBox(session, edits)
        self.sentence = SentenceBox(session, edits)

        top = QHBoxLayout()
        top.addWidget(QLabel("Input sequence"))
        top.addStretch(1)
        top.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sentence)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.step_box)
        layout.addWidget(self.generator)

        self.model.rejected.connect(self._show_rejection)
        self.model.accepted.connect(self.status.hide)
        self.delegate.refused.connect(self.model.refuse)
        self.import_button.clicked.connect(self._on_import_clicked)
        session.replaced.connect(self._on_replaced)
        session.inputs_changed.connect(self._on_inputs_changed)
        self.trace_updates = Throttle(self._on_trace_changed, self)  # coalesced while playing fast
        session.trace_changed.connect(self.trace_updates)
        self._on_replaced()

    @property
    def current_row(self) -> int:
        """The row the sliders edit: step t's input (row t − 1), or step 1's at t = 0."""
        return max(self.session.t - 1, 0)

    def sliders(self) -> list[ValueSlider]:
        """One slider per input dimension, editing x_t of :attr:`current_row`."""
        return list(self._sliders)

    def import_file(self, path: str | Path) -> bool:
        """Replace the inputs with a file's; a bad file is reported and changes nothing.

        Returns
        -------
        bool
            Whether the inputs were replaced.
        """
        from simulator.io.sequences import read_inputs

        try:
            self.edits.set_inputs(read_inputs(path), (), f"Import inputs from {Path(path).name}")
        except (LoadError, ValueError) as exc:
            QMessageBox.warning(self, "Cannot import the inputs", str(exc))
            return False
        return True

    # ------------------------------------------------------------ model → view
    def _on_replaced(self) -> None:
        for slider in self._sliders:
            slider.deleteLater()
        self._sliders = []
        width = self.fontMetrics().horizontalAdvance("x_t[00]  ")
        words = self.sentence.applies  # one-hot words: typed, not slid
        self.step_box.setVisible(not words)
        self.generator.setVisible(not words)
        for dim in range(0 if words else self.session.input_size):
            slider = ValueSlider(
                f"x_t[{dim}]", f"input dimension {dim} of the current step", INPUT_LIMIT, width
            )
            slider.value_edited.connect(lambda value, drag, dim=dim: self._edit(dim, value, drag))
            slider.drag_finished.connect(self.edits.finish_drag)
            self._slider_layout.addWidget(slider)
            self._sliders.append(slider)
        self.model.refresh(reset=True)
        self._on_inputs_changed()

    def _on_inputs_changed(self) -> None:
        self.generator.update_sizes()
        self.model.refresh(reset=self.model.rowCount() != self.session.length)
        self._on_trace_changed()

    def _on_trace_changed(self) -> None:
        row = self.current_row
        t = self.session.t
        when = " (read by the next Step)" if t == 0 else ": x_t"
        self.step_box.setTitle(f"Input of step {row + 1}{when}")
        for dim, slider in enumerate(self._sliders):
            slider.set_value(float(self.session.inputs[row, dim]))
        highlighted = row if t >= 1 else -1
        if highlighted != self.model.current_row:
            old, self.model.current_row = self.model.current_row, highlighted
            for changed in (old, highlighted):
                if 0 <= changed < self.model.rowCount():
                    last = self.model.index(changed, self.model.columnCount() - 1)
                    self.model.dataChanged.emit(self.model.index(changed, 0), last)
        self.table.scrollTo(self.model.index(row, 0))

    def _show_rejection(self, message: str) -> None:
        self.status.show_message(message)

    # ------------------------------------------------------------ view → model
    def _edit(self, dim: int, value: float, drag: bool) -> None:
        self.edits.set_input_value(self.current_row, dim, value, drag=drag)

    def _on_import_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import inputs", "", "Input sequences (*.csv *.npy);;All files (*)"
        )
        if path:
            self.import_file(path)
