"""The statistics panel: per unit of a gate, how often it saturated, its mean, min and max."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from simulator.parts import PARTS
from simulator.session import Session
from simulator.stats import HIGH, LOW, SIGMOID_FIELDS, STAT_FIELDS, GateStats, RunningStatistics

Index = QModelIndex | QPersistentModelIndex

SORT_ROLE = Qt.ItemDataRole.UserRole
"""The role holding each cell's number, by which the table sorts."""

SATURATED_TINT = QColor(229, 57, 53)
"""Saturated cells are tinted with this colour, more strongly the more often the unit saturated."""


class StatsModel(QAbstractTableModel):
    """One row per unit: unit, saturated (% of steps), mean, min, max."""

    HEADERS = ("unit", "saturated", "mean", "min", "max")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns = np.zeros((0, len(self.HEADERS)))

    def set_stats(self, stats: GateStats) -> None:
        units = np.arange(len(stats.mean), dtype=float)
        columns = np.column_stack([units, stats.saturated * 100, stats.mean, stats.min, stats.max])
        self.beginResetModel()
        self._columns = columns
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._columns)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        value = float(self._columns[row, column])
        if role == SORT_ROLE:
            return value
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return str(row)
            if np.isnan(value):
                return "–"
            return f"{value:.1f} %" if column == 1 else f"{value:.4f}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and column == 1 and value > 0:
            tint = QColor(SATURATED_TINT)
            tint.setAlpha(round(40 + 150 * value / 100))
            return QBrush(tint)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"unit {row}, {self.HEADERS[column]}: {value!r}"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Click to sort by this column"
        return None


class StatisticsPanel(QWidget):
    """Per-unit statistics of one gate or state over the steps computed so far, sortable by any column.

    The statistics are kept up to date from each step's new rows alone
    (:class:`simulator.stats.RunningStatistics`), and only while the panel is seen
    (:meth:`set_active`): a hidden panel costs nothing per step and catches up when shown.

    Parameters
    ----------
    session : Session
        Read on ``trace_changed``; follows its selection when a gate or state with statistics is
        selected, and its selected unit (``unit_selection_changed``), whose row it selects.
    parent : QWidget, optional

    Signals
    -------
    unit_selected(field, unit)
        A unit was clicked; the session has selected ``field`` and ``unit`` too.
    """

    unit_selected = Signal(str, int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._stats: dict[str, GateStats] = {}
        self._running = RunningStatistics()
        self._stale = True
        self._active = True

        self.field_box = QComboBox()
        self.field_box.setObjectName("statistics_field")
        for name in STAT_FIELDS:
            self.field_box.addItem(f"{name}  ({PARTS[name].title})", name)
        self.field_box.setToolTip("The gate or state whose units are listed")
        self.field_box.currentIndexChanged.connect(lambda _index: self._show())
        self.summary = QLabel()
        self.summary.setObjectName("statistics_summary")
        self.summary.setWordWrap(True)
        self.summary.setToolTip("Statistics cover every step computed so far")

        self.model = StatsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("statistics_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setToolTip("Click a unit to select it everywhere; click a header to sort")
        self.table.clicked.connect(self._on_clicked)

        top = QHBoxLayout()
        top.addWidget(QLabel("Field"))
        top.addWidget(self.field_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

        for signal in (session.params_changed, session.initial_state_changed, session.inputs_changed):
            signal.connect(self._invalidate)
        session.replaced.connect(self._on_replaced)
        session.trace_changed.connect(self._on_trace_changed)
        session.selection_changed.connect(self._follow_selection)
        session.unit_selection_changed.connect(self._follow_unit)
        self._follow_selection(session.selected)
        self._refresh()

    @property
    def field(self) -> str:
        """The field shown."""
        return str(self.field_box.currentData())

    @property
    def selected_unit(self) -> int | None:
        """The session's selected unit (kept across fields: unit k is one cell of the layer), or ``None``."""
        return self.session.selected_unit

    @property
    def active(self) -> bool:
        """Whether the panel follows the trace as it changes (see :meth:`set_active`)."""
        return self._active

    def set_active(self, active: bool) -> None:
        """Compute only while active (seen); catch up at once when made active again.

        :func:`simulator.ui.find_moment.install` ties this to the dock's visibility
        (:func:`simulator.ui.docks.follow_raised`).
        """
        self._active = bool(active)
        if self._active and self._stale:
            self._refresh()

    def set_field(self, name: str) -> None:
        """Show the statistics of ``name`` (one of :data:`simulator.stats.STAT_FIELDS`)."""
        self.field_box.setCurrentIndex(STAT_FIELDS.index(name))

    def select_unit(self, unit: int) -> None:
        """Select ``unit`` of the field shown in the session, as a click on its row does."""
        field = self.field
        self.session.select(field)
        self.session.select_unit(int(unit))
        self._highlight_unit()
        self.unit_selected.emit(field, int(unit))

    # ------------------------------------------------------------ updates
    def _on_clicked(self, index: QModelIndex) -> None:
        self.select_unit(self.proxy.mapToSource(index).row())

    def _follow_selection(self, name: str) -> None:
        if name in STAT_FIELDS and name != self.field:
            self.field_box.setCurrentIndex(STAT_FIELDS.index(name))

    def _follow_unit(self, _unit: int | None) -> None:
        self._highlight_unit()

    def _on_replaced(self) -> None:
        self._invalidate()

    def _invalidate(self) -> None:
        """Values already seen changed (weights, h0/c0 or an input): read the trace again."""
        self._running.reset()
        self._stale = True

    def _on_trace_changed(self) -> None:
        if not self._running.covers(self.session.trace):
            self._stale = True
        if self._active and self._stale:
            self._refresh()

    def _refresh(self) -> None:
        self._stale = False
        self._stats = self._running.update(self.session.trace)
        self._show()

    def _show(self) -> None:
        if not self._stats:
            return
        self.model.set_stats(self._stats[self.field])
        steps = len(self.session.trace)
        rule = f"outside {LOW}..{HIGH}" if self.field in SIGMOID_FIELDS else f"|value| > {HIGH}"
        if self.field == "cell":
            rule = f"|tanh(C)| > {HIGH}"
        self.summary.setText(
            f"Over the {steps} steps computed; saturated = {rule}." if steps else "No steps computed yet."
        )
        self._highlight_unit()

    def _highlight_unit(self) -> None:
        unit = self.session.selected_unit
        selection = self.table.selectionModel()
        if unit is None or unit >= self.model.rowCount():
            selection.clearSelection()
            return
        index = self.proxy.mapFromSource(self.model.index(unit, 0))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        selection.select(index, flags)
        self.table.scrollTo(index)


__all__ = ["SORT_ROLE", "StatisticsPanel", "StatsModel"]
