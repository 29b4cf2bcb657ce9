"""The inspector: the selected part's symbol, title, vector and its formula with the step's numbers."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from simulator import explain
from simulator.parts import PARTS
from simulator.session import Session
from simulator.ui.colors import kind_of, qcolors, text_color_on
from simulator.ui.steady_label import SteadyLabel
from simulator.ui.throttle import Throttle

FONT_GROWTH = 1.25
"""The panel's text is this much larger than the application's."""

FORMULA_GROWTH = 1.2
"""The formula is this much larger again."""

Index = QModelIndex | QPersistentModelIndex


SELECTED_MARK = "▶"
"""Put before the number of the session's selected unit."""


class VectorModel(QAbstractTableModel):
    """A vector as a two-column table (unit, value), each value on its colour from the diagram.

    One unit may be marked (the session's selected unit): its number reads "▶ 2", in bold.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values = np.zeros(0)
        self._colors: list = []
        self._marked: int | None = None

    def set_values(self, values: np.ndarray, part: str) -> None:
        """Show ``values``, coloured like ``part`` on the diagram.

        As many values as before (a new step of the same part): the cells are told their data
        changed, and the table keeps its rows, scroll position and sizes; a reset would lay the
        whole table out again.
        """
        values = np.asarray(values, dtype=float).ravel().copy()
        colors = qcolors(values, kind_of(part))
        if len(values) != len(self._values):
            self.beginResetModel()
            self._values, self._colors = values, colors
            self.endResetModel()
            return
        self._values, self._colors = values, colors
        if len(values):
            self.dataChanged.emit(self.index(0, 0), self.index(len(values) - 1, 1))

    def values(self) -> np.ndarray:
        return self._values

    @property
    def marked_unit(self) -> int | None:
        return self._marked

    def set_marked_unit(self, unit: int | None) -> None:
        """Mark row ``unit`` (``None``, or a row the vector lacks: none)."""
        if unit is not None and not 0 <= unit < len(self._values):
            unit = None
        if unit == self._marked:
            return
        rows = [row for row in (self._marked, unit) if row is not None]
        self._marked = unit
        for row in rows:
            self.dataChanged.emit(self.index(row, 0), self.index(row, 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._values)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        marked = row == self._marked
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"{SELECTED_MARK} {row}" if marked else str(row)
            return explain.number(self._values[row], 4)
        if role == Qt.ItemDataRole.FontRole and marked:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and column == 1:
            return QBrush(self._colors[row])
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QBrush(text_color_on(self._colors[row]))
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"unit {row}: {self._values[row]!r}" + (" (the selected unit)" if marked else "")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return ("unit", "value")[section]
        return None


class InspectorPanel(QWidget):
    """What the selected part is, its values at the current step and how they were computed.

    Parameters
    ----------
    session : Session
        Follows its selection (``selection_changed``), its step (``trace_changed``) and its
        selected unit (``unit_selection_changed``), whose row it marks.
    parent : QWidget, optional
    """

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._plain = ""
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * FONT_GROWTH)
        self.setFont(font)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setToolTip("The selected part of the cell; click another part in the diagram.")
        self.where = SteadyLabel()  # a new step number each step: no new layout each step
        self.where.setFont(font)
        self.where.setToolTip("The step whose values are shown.")
        self.formula = QLabel()
        self.formula.setTextFormat(Qt.TextFormat.RichText)
        self.formula.setWordWrap(True)
        self.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.formula.setToolTip("How this step computed the part, with its numbers (rounded to 2 places).")
        self.formula.setStyleSheet("QLabel { padding: 8px; border: 1px solid palette(mid); }")
        formula_font = QFont(font)
        formula_font.setPointSizeF(font.pointSizeF() * FORMULA_GROWTH)
        self.formula.setFont(formula_font)
        self.vector = VectorModel(self)
        self.table = QTableView()
        self.table.setModel(self.vector)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setToolTip("The part's value in every unit, coloured as on the diagram.")

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.where)
        layout.addWidget(self.formula)
        layout.addWidget(self.table, 1)
        layout.addStretch(0)

        session.selection_changed.connect(self._refresh)
        self.trace_updates = Throttle(self._refresh, self)  # coalesced while playing at full speed
        session.trace_changed.connect(self.trace_updates)
        session.replaced.connect(self._refresh)
        session.unit_selection_changed.connect(self._mark_unit)
        self._refresh()

    def formula_text(self) -> str:
        """The formula shown, as plain text."""
        return self._plain

    def _refresh(self, *_: object) -> None:
        part, s = self.session.selected, self.session
        info = PARTS[part]
        size = self.font().pointSizeF()
        self.heading.setText(
            f"<span style='font-size:{size * 1.8:.0f}pt; font-weight:600'>{info.html}</span>"
            f"&nbsp;&nbsp;<span style='font-size:{size * 1.2:.0f}pt'>{info.title}</span>"
        )
        step = s.current_step()
        if step is None:
            self.where.setText(f"t = 0 of {s.length}: before the first step")
            x_first = s.inputs[0]
            self._plain = explain.start_formula(part, s.h0, s.c0, x_first)
            html = explain.start_formula(part, s.h0, s.c0, x_first, html=True)
            start_values = {"inputs": x_first, "hidden_prev": s.h0, "cell_prev": s.c0}
            values = start_values.get(part, np.zeros(0))
        else:
            self.where.setText(f"step t = {s.t} of {s.length}")
            self._plain = explain.formula(part, step, s.params)
            html = explain.formula_html(part, step, s.params)
            values = getattr(step, part)
        self.formula.setText(_one_stage_per_line(html))
        self.vector.set_values(values, part)
        self.table.setVisible(len(values) > 0)
        self._mark_unit()

    def _mark_unit(self, *_: object) -> None:
        """Mark the selected unit's row, in vectors of H units (x_t's units are not the layer's)."""
        unit = None if self.session.selected == "inputs" else self.session.selected_unit
        self.vector.set_marked_unit(unit)
        if self.vector.marked_unit is not None:
            self.table.scrollTo(self.vector.index(self.vector.marked_unit, 0))


def _one_stage_per_line(html: str) -> str:
    """``a = b = c = d`` → ``a = b``, then ``= c`` and ``= d`` on lines of their own."""
    stages = html.split(" = ")
    if len(stages) <= 2:
        return html
    indent = "&nbsp;" * 4
    return "<br>".join([f"{stages[0]} = {stages[1]}", *(f"{indent}= {stage}" for stage in stages[2:])])
