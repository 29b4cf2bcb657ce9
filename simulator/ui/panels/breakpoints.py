"""The breakpoints panel: write or build conditions, see where they fire, stop Play at the first one."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from simulator.breakpoints import COMPARISONS, Breakpoint, BreakpointError, Hit, parse
from simulator.engine import Trace
from simulator.engine.trace import TRACE_FIELDS
from simulator.parts import PARTS
from simulator.session import Session
from simulator.ui.transport import Player

Index = QModelIndex | QPersistentModelIndex

ERROR_COLOR = "#d32f2f"
PLACEHOLDER = "e.g. input_gate saturated for 5 steps"
ANY_UNIT = -1


@dataclass(eq=False)
class Entry:
    """One breakpoint of the list: ``breakpoint`` is ``None`` while it does not fit the session's sizes."""

    text: str
    breakpoint: Breakpoint | None
    enabled: bool = True
    error: str = ""


class HitsModel(QAbstractTableModel):
    """The hits of the enabled breakpoints, one row each: step, units, breakpoint."""

    HEADERS = ("step", "units", "breakpoint")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[Hit, Breakpoint]] = []

    def set_rows(self, rows: list[tuple[Hit, Breakpoint]]) -> None:
        self.beginResetModel()
        self._rows = sorted(rows, key=lambda row: row[0].step)
        self.endResetModel()

    def append_rows(self, rows: list[tuple[Hit, Breakpoint]]) -> None:
        """Add hits at steps after every row already shown."""
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(sorted(rows, key=lambda row: row[0].step))
        self.endInsertRows()

    def row(self, row: int) -> tuple[Hit, Breakpoint]:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        hit, bp = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            units = ", ".join(map(str, hit.units)) or "–"
            return (str(hit.step), units, bp.text)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Step {hit.step}: {hit.description}. Click to go there."
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() < 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


class BreakpointsPanel(QWidget):
    """Conditions that find the moment a gate saturates, a state explodes, a unit flips.

    Parameters
    ----------
    session : Session
        Whose trace the breakpoints read; a click on a hit seeks it and selects the part and
        the first unit it names. A hit reached by Play or by a step selects that unit too, so
        it is highlighted everywhere.
    player : Player
        Paused when an enabled breakpoint fires while playing.
    parent : QWidget, optional

    Signals
    -------
    hit_reached(step, message)
        An enabled breakpoint fired at ``step`` while playing (Play is then paused) or on a
        single step forward; ``message`` reads "Stopped at step 17: forget_gate[2] < 0.1 (unit 2)".
    """

    hit_reached = Signal(int, str)

    def __init__(self, session: Session, player: Player, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.player = session, player
        self.entries: list[Entry] = []
        self._seen: tuple[Trace, int] | None = None
        self._last_t = session.t

        self.entry = QLineEdit()
        self.entry.setObjectName("breakpoint_entry")
        self.entry.setPlaceholderText(PLACEHOLDER)
        self.entry.setClearButtonEnabled(True)
        self.entry.setToolTip(
            "A condition to stop at; Enter adds it. Fields: forget_gate (f), input_gate (i), candidate (g), "
            "output_gate (o), cell (c), hidden (h), inputs (x), the *_pre sums and products. "
            "[k] picks unit k, else any unit counts. Also abs(), + − * /, < <= > >= == !=, "
            "saturated, for N steps, not, and, or, ( )."
        )
        self.entry.returnPressed.connect(self.add_from_entry)
        self.entry.textEdited.connect(lambda _text: self._show_error(""))
        add = QPushButton("Add")
        add.setToolTip("Add the condition written on the left")
        add.clicked.connect(self.add_from_entry)
        self.error = QLabel()
        self.error.setObjectName("breakpoint_error")
        self.error.setStyleSheet(f"QLabel {{ color: {ERROR_COLOR}; }}")
        self.error.setWordWrap(True)
        self.error.setToolTip("What is wrong with the condition, and where")
        self.error.hide()

        self.breakpoint_table = QTableWidget(0, 2)
        self.breakpoint_table.setObjectName("breakpoint_list")
        self.breakpoint_table.horizontalHeader().hide()
        self.breakpoint_table.verticalHeader().hide()
        self.breakpoint_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.breakpoint_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.breakpoint_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.breakpoint_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.breakpoint_table.setToolTip("Your breakpoints: tick to enable, ✕ to remove")
        self.breakpoint_table.itemChanged.connect(self._on_item_changed)

        self.hits_model = HitsModel(self)
        self.hits_view = QTableView()
        self.hits_view.setObjectName("breakpoint_hits")
        self.hits_view.setModel(self.hits_model)
        self.hits_view.verticalHeader().hide()
        header = self.hits_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.hits_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.hits_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.hits_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.hits_view.setToolTip(
            "Where the enabled breakpoints fire in the steps computed so far; click to go"
        )
        self.hits_view.clicked.connect(self._go_to_hit)
        self.hits_view.activated.connect(self._go_to_hit)
        self.hits_label = QLabel()
        self.hits_label.setToolTip("Hits are searched in the steps computed so far")

        entry_row = QHBoxLayout()
        entry_row.addWidget(self.entry, 1)
        entry_row.addWidget(add)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Stop when…</b>"))
        layout.addLayout(entry_row)
        layout.addWidget(self.error)
        layout.addWidget(self._build_form())
        layout.addWidget(QLabel("<b>Breakpoints</b>"))
        layout.addWidget(self.breakpoint_table, 1)
        layout.addWidget(self.hits_label)
        layout.addWidget(self.hits_view, 3)

        for signal in (session.params_changed, session.initial_state_changed, session.inputs_changed):
            signal.connect(self._invalidate)
        session.replaced.connect(self._on_replaced)
        session.trace_changed.connect(self._on_trace_changed)
        self._refresh_hits()

    def _build_form(self) -> QGroupBox:
        box = QGroupBox("Or build one")
        self.field_box = QComboBox()
        self.field_box.setObjectName("breakpoint_field")
        for name in TRACE_FIELDS:
            self.field_box.addItem(name, name)
            title = PARTS[name].title if name in PARTS else "pre-activation sum of " + name.split("_")[0]
            self.field_box.setItemData(self.field_box.count() - 1, title, Qt.ItemDataRole.ToolTipRole)
        self.field_box.setCurrentIndex(TRACE_FIELDS.index("forget_gate"))
        self.field_box.setToolTip("The value to watch")
        self.field_box.currentIndexChanged.connect(lambda _index: self._fill_units())
        self.unit_box = QComboBox()
        self.unit_box.setObjectName("breakpoint_unit")
        self.unit_box.setToolTip("One unit, or any unit (the hit names which)")
        self.op_box = QComboBox()
        self.op_box.setObjectName("breakpoint_op")
        self.op_box.addItems(list(COMPARISONS))
        self.op_box.setCurrentText("<")
        self.op_box.setToolTip("How the value compares")
        self.value_box = QDoubleSpinBox()
        self.value_box.setObjectName("breakpoint_value")
        self.value_box.setRange(-1e6, 1e6)
        self.value_box.setDecimals(4)
        self.value_box.setSingleStep(0.05)
        self.value_box.setValue(0.1)
        self.value_box.setToolTip("The threshold to compare with")
        add = QPushButton("Add")
        add.setObjectName("breakpoint_form_add")
        add.setToolTip("Add the breakpoint built here")
        add.clicked.connect(self.add_from_form)
        self._fill_units()

        grid = QGridLayout(box)
        grid.addWidget(self.field_box, 0, 0, 1, 2)
        grid.addWidget(self.unit_box, 0, 2)
        grid.addWidget(self.op_box, 1, 0)
        grid.addWidget(self.value_box, 1, 1)
        grid.addWidget(add, 1, 2)
        grid.setColumnStretch(1, 1)
        return box

    # ------------------------------------------------------------ editing
    def add(self, text: str) -> bool:
        """Parse ``text`` and add it enabled; on an error show it under the field and return ``False``."""
        try:
            bp = parse(text, self.session.hidden_size, self.session.input_size)
        except BreakpointError as exc:
            self._show_error(str(exc))
            if exc.column is not None and self.entry.text() == text:
                self.entry.setCursorPosition(exc.column - 1)
            return False
        return self._add(bp)

    def add_from_entry(self) -> None:
        if self.add(self.entry.text()):
            self.entry.clear()

    def add_from_form(self) -> bool:
        """Add the breakpoint the form describes."""
        unit = self.unit_box.currentData()
        bp = Breakpoint.from_parts(
            self.field_box.currentData(),
            None if unit == ANY_UNIT else unit,
            self.op_box.currentText(),
            self.value_box.value(),
            hidden_size=self.session.hidden_size,
            input_size=self.session.input_size,
        )
        return self._add(bp)

    def remove(self, row: int) -> None:
        """Remove the breakpoint in ``row`` of the list."""
        del self.entries[row]
        self._rebuild_table()
        self._invalidate()
        self._refresh_hits()

    def set_enabled(self, row: int, on: bool) -> None:
        """Enable or disable the breakpoint in ``row`` (one that does not fit the sizes stays off)."""
        entry = self.entries[row]
        on = bool(on) and entry.breakpoint is not None
        if entry.enabled == on:
            return
        entry.enabled = on
        item = self.breakpoint_table.item(row, 0)
        self.breakpoint_table.blockSignals(True)
        item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.breakpoint_table.blockSignals(False)
        self._invalidate()
        self._refresh_hits()

    def enabled_breakpoints(self) -> list[Breakpoint]:
        return [e.breakpoint for e in self.entries if e.enabled and e.breakpoint is not None]

    def _add(self, bp: Breakpoint) -> bool:
        if any(e.text == bp.text for e in self.entries):
            self._show_error(f"'{bp.text}' is already in the list")
            return False
        self._show_error("")
        self.entries.append(Entry(bp.text, bp))
        self._rebuild_table()
        self._invalidate()
        self._refresh_hits()
        return True

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.entry.setStyleSheet(f"QLineEdit {{ border: 1px solid {ERROR_COLOR}; }}" if message else "")

    def _fill_units(self) -> None:
        name = self.field_box.currentData()
        size = self.session.input_size if name == "inputs" else self.session.hidden_size
        previous = self.unit_box.currentData()
        self.unit_box.blockSignals(True)
        self.unit_box.clear()
        self.unit_box.addItem("any unit", ANY_UNIT)
        for unit in range(size):
            self.unit_box.addItem(f"unit {unit}", unit)
        found = self.unit_box.findData(previous)
        self.unit_box.setCurrentIndex(max(found, 0))
        self.unit_box.blockSignals(False)

    def _rebuild_table(self) -> None:
        table = self.breakpoint_table
        table.blockSignals(True)
        table.setRowCount(0)
        table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            item = QTableWidgetItem(entry.text)
            flags = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
            if entry.breakpoint is not None:
                flags |= Qt.ItemFlag.ItemIsEnabled
            item.setFlags(flags)
            item.setCheckState(Qt.CheckState.Checked if entry.enabled else Qt.CheckState.Unchecked)
            item.setToolTip(
                entry.error or "Tick to stop Play where this fires; untick to keep it but ignore it"
            )
            table.setItem(row, 0, item)
            remove = QToolButton()
            remove.setText("✕")
            remove.setAutoRaise(True)
            remove.setToolTip(f"Remove '{entry.text}'")
            remove.clicked.connect(lambda _checked=False, e=entry: self.remove(self.entries.index(e)))
            table.setCellWidget(row, 1, remove)
        table.blockSignals(False)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        self.set_enabled(item.row(), item.checkState() == Qt.CheckState.Checked)

    # ------------------------------------------------------------ session
    def _on_replaced(self) -> None:
        """Sizes may have changed: re-check every breakpoint against them."""
        for entry in self.entries:
            try:
                entry.breakpoint = parse(entry.text, self.session.hidden_size, self.session.input_size)
                entry.error = ""
            except BreakpointError as exc:
                entry.breakpoint, entry.enabled, entry.error = None, False, f"Does not fit this cell: {exc}"
        self._fill_units()
        self._rebuild_table()
        self._invalidate()
        self._last_t = self.session.t

    def _invalidate(self) -> None:
        """The trace's values changed (or the breakpoints did): search all of it again."""
        self._seen = None

    def _on_trace_changed(self) -> None:
        self._refresh_hits()
        t, last = self.session.t, self._last_t
        self._last_t = t
        playing = self.player.playing
        if t == 0 or not (playing or t == last + 1):
            return
        # Fast playback may advance several steps at once: look at every step it passed.
        start = last if playing and 0 <= last < t else t - 1
        trace = self.session.trace
        first_step, fired = t + 1, []
        for bp in self.enabled_breakpoints():
            hits = bp.hits(trace, start, t)
            if not hits or hits[0].step > first_step:
                continue
            if hits[0].step < first_step:
                first_step, fired = hits[0].step, []
            fired.append((hits[0], bp))
        if not fired:
            return
        described = "; ".join(hit.description for hit, _bp in fired)
        if playing:
            self.player.pause()
            self.session.seek(first_step)
            message = f"Stopped at step {first_step}: {described}"
        else:
            message = f"Breakpoint at step {first_step}: {described}"
        self._select_unit_of(*fired[0])
        self.hit_reached.emit(first_step, message)

    def _refresh_hits(self) -> None:
        """Search the computed trace for hits: all of it after a change, else only the new steps."""
        trace, length = self.session.trace, len(self.session.trace)
        seen = self._seen
        if seen is not None and seen[0] is trace and seen[1] == length:
            return
        grown = seen is not None and seen[0] is trace and seen[1] < length
        start = seen[1] if grown and seen is not None else 0
        rows = [(hit, bp) for bp in self.enabled_breakpoints() for hit in bp.hits(trace, start)]
        if grown:
            self.hits_model.append_rows(rows)
        else:
            self.hits_model.set_rows(rows)
        self._seen = (trace, length)
        count = self.hits_model.rowCount()
        self.hits_label.setText(
            f"<b>Hits</b> in the {length} steps computed: {count}"
            + (" — click one to go there" if count else "")
        )

    def _go_to_hit(self, index: QModelIndex) -> None:
        hit, bp = self.hits_model.row(index.row())
        self.session.seek(hit.step)
        if bp.part is not None:
            self.session.select(bp.part)
        self._select_unit_of(hit, bp)

    def _select_unit_of(self, hit: Hit, bp: Breakpoint) -> None:
        """Select the first unit a hit names, when it is a unit of the hidden layer (not of x_t)."""
        if hit.units and "inputs" not in bp.fields and hit.units[0] < self.session.hidden_size:
            self.session.select_unit(hit.units[0])


__all__ = ["BreakpointsPanel", "Entry", "HitsModel"]
