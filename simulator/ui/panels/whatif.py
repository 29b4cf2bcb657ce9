"""The what-if panel: a frozen copy of the run against the live one, after changing one value.

"Duplicate Run" freezes the current run as the baseline (:class:`simulator.whatif.WhatIf`).
The form changes one input or one weight through the window's undoable edits; any other edit
(the Inputs or Weights panel, undo) counts too, since the changed run is the session itself.
Two plots show one unit of one field: the baseline (dashed) and changed (solid) histories, and
their difference changed − baseline; below them a one-line summary and the list of changes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from simulator.parts import PARTS
from simulator.session import Session
from simulator.session import Signal as SessionSignal
from simulator.ui import themes
from simulator.ui.actions import add_shortcut_to_tip
from simulator.ui.docks import add_tabbed_dock, follow_raised
from simulator.ui.plots_heatmap import MAX_DOTTED_STEPS, UNIT_COLORS
from simulator.ui.undo import UndoableEdits

SHORTCUT = "Ctrl+Shift+D"
PLOT_FIELDS = (
    "forget_gate",
    "input_gate",
    "candidate",
    "output_gate",
    "cell",
    "hidden",
    "forget_product",
    "input_product",
    "cell_tanh",
)
"""The fields the panel can show, in the order of the equations' reading."""

EMPTY_TEXT = (
    "Duplicate the run, then change one input or weight: the plots compare the frozen copy (dashed) "
    "with the changed run (solid), and show their difference."
)
MAX_CHANGES_SHOWN = 200
LEFT_WIDTH = 345
"""Width of the form and the list of changes, in pixels."""
CHANGED_COLOR = UNIT_COLORS[0]
DIFF_COLOR = UNIT_COLORS[1]
MOST_CHANGED = -1
"""The unit chooser's first entry: plot the unit whose value changed most."""
_CURSOR = "#c00000"


class WhatIfPanel(QWidget):
    """Compare a frozen baseline run with the session's live run, one unit of one field at a time.

    Parameters
    ----------
    session : Session
        The live ("changed") run.
    edits : UndoableEdits
        The form's changes go through it, one undo step each.
    parent : QWidget, optional
        The Qt parent.
    duplicate_action : QAction, optional
        The "Duplicate Run" action to show on the panel's button; whoever made it connects it
        (to ``panel.model.duplicate``). By default the panel makes and connects its own
        (:func:`make_duplicate_action`).

    Attributes
    ----------
    model : WhatIf
        The baseline and the comparisons.
    duplicate_action : QAction
        "Duplicate Run" (objectName ``action_duplicate_run``).
    """

    def __init__(
        self,
        session: Session,
        edits: UndoableEdits,
        parent: QWidget | None = None,
        duplicate_action: QAction | None = None,
    ) -> None:
        # Here, not at the top: the main window imports this module for install() at start-up.
        from simulator.ui.panels.whatif_form import ChangeForm
        from simulator.whatif import WhatIf

        super().__init__(parent)
        self.session = session
        self.model = model = WhatIf(session)
        self._active, self._stale = True, True
        self._dotted: bool | None = None

        if duplicate_action is None:
            duplicate_action = make_duplicate_action(self)
            duplicate_action.triggered.connect(model.duplicate)
        self.duplicate_action = duplicate_action
        duplicate = QToolButton()
        duplicate.setObjectName("whatif_duplicate")
        duplicate.setDefaultAction(self.duplicate_action)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setObjectName("whatif_clear")
        self.clear_button.setToolTip("Forget the frozen copy")
        self.clear_button.clicked.connect(model.clear)
        self.status = QLabel()
        self.status.setObjectName("whatif_status")
        self.form = ChangeForm(session, edits, model)

        self.changes_list = QListWidget()
        self.changes_list.setObjectName("whatif_changes")
        self.changes_list.setToolTip("Every value that differs from the frozen copy")
        self.changes_list.setMinimumHeight(48)

        self.field_box = _combo("whatif_field", "The gate or state plotted")
        for field in PLOT_FIELDS:
            self.field_box.addItem(f"{PARTS[field].symbol}   {PARTS[field].title}", field)
        self.field_box.setCurrentIndex(PLOT_FIELDS.index("hidden"))
        self.unit_box = _combo("whatif_unit", "The unit plotted; by default the one whose value changed most")
        for box in (self.field_box, self.unit_box):
            box.currentIndexChanged.connect(self._on_choice_changed)

        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("whatif_empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMargin(24)
        self._view = pg.GraphicsLayoutWidget()
        self._view.ci.setContentsMargins(2, 2, 2, 2)
        self.history_plot = self._make_plot(0)
        self.difference_plot = self._make_plot(1)
        self.difference_plot.setXLink(self.history_plot)
        # In the title row, right of the title: the curves stay uncovered.
        self.legend = pg.LegendItem(colCount=2, horSpacing=16, verSpacing=-8)
        self.legend.setParentItem(self.history_plot)
        self.legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-4, -4))
        self.baseline_curve = self._make_curve(self.history_plot)
        self.changed_curve = self._make_curve(self.history_plot)
        self.difference_curve = self._make_curve(self.difference_plot)
        self.legend.addItem(self.baseline_curve, "baseline")
        self.legend.addItem(self.changed_curve, "changed")
        self.difference_curve.setFillLevel(0.0)
        self.zero_line = pg.InfiniteLine(pos=0.0, angle=0, movable=False)
        self.difference_plot.addItem(self.zero_line, ignoreBounds=True)
        self.cursors = [
            pg.InfiniteLine(pos=session.t, angle=90, movable=False, pen=pg.mkPen(_CURSOR, width=1.5))
            for _plot in range(2)
        ]
        for plot, cursor in zip((self.history_plot, self.difference_plot), self.cursors, strict=True):
            cursor.setZValue(10)
            plot.addItem(cursor, ignoreBounds=True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self._view)
        self.summary = QLabel()
        self.summary.setObjectName("whatif_summary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._lay_out(duplicate)
        self._apply_theme()
        slots: list[tuple[SessionSignal, Callable[[], None]]] = [
            (model.changed, self._on_model_changed),
            (session.trace_changed, self._move_cursors),
            (session.replaced, self._on_replaced),
        ]
        for signal, slot in slots:
            signal.connect(slot)
        self.destroyed.connect(lambda *_: (_disconnect_all(slots), model.close()))
        self._on_replaced()

    # ------------------------------------------------------------ building
    def _lay_out(self, duplicate: QToolButton) -> None:
        top = QHBoxLayout()
        top.addWidget(duplicate)
        top.addWidget(self.clear_button)
        top.addWidget(self.status, 1)
        top.addWidget(QLabel("Show"))
        top.addWidget(self.field_box)
        top.addWidget(self.unit_box)
        group = QGroupBox("Change one value")
        group_layout = QVBoxLayout(group)
        group_layout.setContentsMargins(6, 2, 6, 4)
        group_layout.addWidget(self.form)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.setSpacing(2)
        left.addWidget(group)
        left.addWidget(QLabel("<b>Changes</b> from the frozen copy"))
        left.addWidget(self.changes_list, 1)
        left_widget = QWidget()
        left_widget.setLayout(left)
        # The form scrolls, so that the dock can be as short as the other bottom tabs.
        scroll = QScrollArea()
        scroll.setObjectName("whatif_form_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(left_widget)
        scroll.setFixedWidth(LEFT_WIDTH)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(2)
        right.addWidget(self.pages, 1)
        right.addWidget(self.summary)
        body = QHBoxLayout()
        body.addWidget(scroll)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addLayout(body, 1)

    def _make_plot(self, column: int) -> pg.PlotItem:
        plot: pg.PlotItem = self._view.addPlot(row=0, col=column)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=True, y=False)
        plot.showGrid(x=True, y=True, alpha=0.15)
        plot.setLabel("bottom", "step")
        plot.getAxis("left").setWidth(46)
        plot.titleLabel.setAttr("justify", "left")
        return plot

    @staticmethod
    def _make_curve(plot: pg.PlotItem) -> pg.PlotDataItem:
        curve = plot.plot(autoDownsampleFactor=1.0)
        curve.setClipToView(True)
        curve.setDownsampling(auto=True, method="peak")
        return curve

    def _apply_theme(self) -> None:
        """Colour the plots' frame like the history plots of the theme whose background this is."""
        base = self.palette().base().color().name()
        theme = next((t for t in themes.THEMES.values() if t.plot_background == base), None)
        theme = theme or themes.THEMES[themes.DEFAULT_THEME]
        foreground, axis = theme.plot_foreground, pg.mkPen(theme.plot_axis)
        self._foreground = foreground
        self._view.setBackground(theme.plot_background)
        for plot in (self.history_plot, self.difference_plot):
            for name in ("left", "bottom"):
                plot.getAxis(name).setPen(axis)
                plot.getAxis(name).setTextPen(foreground)
        self.legend.setLabelTextColor(foreground)
        for _sample, label in self.legend.items:
            label.setText(label.text, color=foreground)
        self.baseline_curve.setPen(pg.mkPen(foreground, width=2, style=Qt.PenStyle.DashLine))
        self.changed_curve.setPen(pg.mkPen(CHANGED_COLOR, width=2))
        self.difference_curve.setPen(pg.mkPen(DIFF_COLOR, width=2))
        self.difference_curve.setBrush(pg.mkBrush(DIFF_COLOR + "40"))
        self.zero_line.setPen(pg.mkPen(theme.plot_axis, width=1))
        self._dotted = None
        self._stale = True
        self._refresh_if_active()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "summary"):
            self._apply_theme()

    # ------------------------------------------------------------ model → view
    def set_active(self, active: bool) -> None:
        """Recompute and redraw only while active (seen); catch up at once when made active again."""
        self._active = bool(active)
        self._refresh_if_active()

    def _refresh_if_active(self) -> None:
        if self._active and self._stale:
            self.refresh()

    def _on_model_changed(self) -> None:
        self._stale = True
        self._refresh_if_active()

    def _on_choice_changed(self, _index: int) -> None:
        self._on_model_changed()

    def _on_replaced(self) -> None:
        hidden_size = self.session.hidden_size
        if self.unit_box.count() != hidden_size + 1:
            with QSignalBlocker(self.unit_box):
                index = self.unit_box.currentIndex()
                self.unit_box.clear()
                self.unit_box.addItem("most changed unit", MOST_CHANGED)
                for unit in range(hidden_size):
                    self.unit_box.addItem(f"unit {unit}", unit)
                self.unit_box.setCurrentIndex(min(max(index, 0), hidden_size))
        self._on_model_changed()

    def _move_cursors(self) -> None:
        for cursor in self.cursors:
            cursor.setValue(self.session.t)

    def field(self) -> str:
        """The field plotted (a name of :data:`PLOT_FIELDS`)."""
        return str(self.field_box.currentData())

    def unit(self) -> int:
        """The unit plotted: the one chosen, or the one whose value moved most ("most changed unit")."""
        unit = self.unit_box.currentData()
        if unit is None or unit == MOST_CHANGED:
            return self._most_changed_unit()
        return int(unit)

    def _most_changed_unit(self) -> int:
        """The unit whose value of the field plotted moved most (unit 0 if none moved)."""
        if not self.model.active:
            return 0
        difference = self.model.difference(self.field())
        return int(np.argmax(np.max(np.abs(difference), axis=0))) if difference.size else 0

    def refresh(self) -> None:
        """Redraw from the model now."""
        self._stale = False
        model, active = self.model, self.model.active
        self.pages.setCurrentIndex(1 if active else 0)
        self.clear_button.setEnabled(active)
        self._move_cursors()
        if not active:
            self.status.setText("No frozen copy yet.")
            self.summary.setText("")
            self.changes_list.clear()
            for curve in (self.baseline_curve, self.changed_curve, self.difference_curve):
                curve.setData([], [])
            return
        field, unit = self.field(), self.unit()
        baseline = getattr(model.baseline.trace, field)[:, unit]
        changed = getattr(model.changed_trace(), field)[:, unit]
        difference = model.difference(field)[:, unit]
        self._set_dots(max(len(baseline), len(changed)) <= MAX_DOTTED_STEPS)
        for curve, values in (
            (self.baseline_curve, baseline),
            (self.changed_curve, changed),
            (self.difference_curve, difference),
        ):
            curve.setData(np.arange(1, len(values) + 1, dtype=np.float64), values)
        info = PARTS[field]
        which = f"unit {unit}" + (" (most changed)" if self.unit_box.currentData() == MOST_CHANGED else "")
        self.history_plot.setTitle(f"<b>{info.html}</b>&nbsp; {which}", size="10pt", color=self._foreground)
        self.difference_plot.setTitle(
            f"<b>Δ{info.html}</b>&nbsp; changed − baseline, {which}", size="10pt", color=self._foreground
        )
        self.status.setText(f"Frozen copy of {len(model.baseline.inputs)} steps.")
        self.summary.setText(model.summary(field))
        self._show_changes(model.changes())

    def _set_dots(self, dots: bool) -> None:
        if dots == self._dotted:
            return
        self._dotted = dots
        symbol = "o" if dots else None
        for curve, color, filled in (
            (self.baseline_curve, self._foreground, False),
            (self.changed_curve, CHANGED_COLOR, True),
            (self.difference_curve, DIFF_COLOR, True),
        ):
            curve.setSymbol(symbol)
            curve.setSymbolSize(6)
            curve.setSymbolPen(color)
            curve.setSymbolBrush(color if filled else None)

    def _show_changes(self, lines: list[str]) -> None:
        self.changes_list.clear()
        if not lines:
            self.changes_list.addItem("None yet: change one input or weight.")
            return
        shown = lines[:MAX_CHANGES_SHOWN]
        self.changes_list.addItems(shown)
        if len(lines) > len(shown):
            self.changes_list.addItem(f"… and {len(lines) - len(shown)} more")


def make_duplicate_action(parent: QObject) -> QAction:
    """A new "Duplicate Run" action (objectName ``action_duplicate_run``), not connected."""
    action = QAction("&Duplicate Run", parent)
    action.setObjectName("action_duplicate_run")
    add_shortcut_to_tip(action, "Freeze a copy of the current run to compare changes with")
    return action


def install(window: QMainWindow) -> QDockWidget:
    """Add the "What-If" dock to a main window, tabbed with the history plots, and "Duplicate Run".

    The panel is built when the dock is first seen or ``dock.widget()`` first asked for
    (a :class:`~simulator.ui.docks.LazyDock`); "Duplicate Run" builds it, then shows its tab.

    Parameters
    ----------
    window : MainWindow
        Needs ``session``, ``edits``, ``docks`` (``plots`` is the tab it joins), ``actions_by_name``
        and ``menus`` (``view``; ``model`` or else ``run`` gets "Duplicate Run").

    Returns
    -------
    QDockWidget
        The dock, objectName ``dock_whatif``, also stored as ``window.docks["whatif"]``; the one
        already there if the window has it. Its panel is ``dock.widget()``.
    """
    if "whatif" in window.docks:
        return window.docks["whatif"]
    action = make_duplicate_action(window)

    def build() -> WhatIfPanel:
        panel = WhatIfPanel(window.session, window.edits, duplicate_action=action)
        panel.set_active(False)  # tabbed behind History: draws once its tab is shown
        follow_raised(dock, panel.set_active)
        return panel

    dock = add_tabbed_dock(
        window,
        "whatif",
        "What-If",
        build,
        beside="plots",
        area=Qt.DockWidgetArea.BottomDockWidgetArea,
        tooltip="Show or hide the what-if comparison: a frozen copy of the run against the changed run",
        toggle="before_toolbar",
    )

    def duplicate() -> None:
        panel: WhatIfPanel = dock.widget()
        panel.model.duplicate()
        dock.show()
        dock.raise_()

    if _shortcut_is_free(window, QKeySequence(SHORTCUT)):
        action.setShortcut(QKeySequence(SHORTCUT))
        add_shortcut_to_tip(action, action.statusTip())
    action.triggered.connect(duplicate)
    window.addAction(action)
    window.actions_by_name[action.objectName()] = action
    menus = getattr(window, "menus", {})
    menu = menus.get("model") or menus.get("run")
    if menu is not None:
        menu.addSeparator()
        menu.addAction(action)
    return dock


def _combo(name: str, tip: str) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.setToolTip(tip)
    return box


def _shortcut_is_free(window: QMainWindow, key: QKeySequence) -> bool:
    return not any(key in action.shortcuts() for action in window.findChildren(QAction))


def _disconnect_all(slots: list[tuple[SessionSignal, Callable[[], None]]]) -> None:
    for signal, slot in slots:
        signal.disconnect(slot)


__all__ = ["EMPTY_TEXT", "PLOT_FIELDS", "SHORTCUT", "WhatIfPanel", "install", "make_duplicate_action"]
