"""The "Compare Variants" window: two cells side by side on the session's inputs.

Each side chooses a variant (LSTM, peephole LSTM, CIFG, GRU), shows its diagram coloured at the
session's current step, its equations, and the history of its gates for one unit. Below, h_t of
both cells for that unit and their difference. Stepping here steps the main window too: both
follow the one session.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPainter, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from simulator.comparison import VariantComparison
from simulator.session import Session
from simulator.ui import themes
from simulator.ui.diagram import style
from simulator.ui.variants.action import install
from simulator.ui.variants.scene import VariantScene
from simulator.variants import VARIANTS, variant

SIDE_COLORS = ("#1f77b4", "#d95f02")
"""Left and right: the colours of each side's h_t in the comparison plot."""
GATE_COLORS = ("#1b9e77", "#7570b3", "#e7298a", "#66a61e")
"""The gates of one side, in the order its variant lists them."""


class VariantDiagram(QGraphicsView):
    """One variant's diagram, scaled to fit."""

    def __init__(self, key: str, hidden_size: int, input_size: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene_ = VariantScene(key, hidden_size, input_size)
        self.setScene(self.scene_)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMinimumSize(320, 220)

    def rebuild(self, key: str, hidden_size: int, input_size: int) -> None:
        self.scene_.build(key, hidden_size, input_size)
        self.fit()

    def fit(self) -> None:
        self.fitInView(self.scene_.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit()


def _plot(title: str) -> pg.PlotWidget:
    view = pg.PlotWidget()
    plot = view.getPlotItem()
    plot.showGrid(x=True, y=True, alpha=0.15)
    plot.hideButtons()
    plot.setMenuEnabled(False)
    plot.setTitle(title)
    plot.addLegend(offset=(8, 8))
    return view


class VariantPane(QWidget):
    """One side: the variant chooser, its diagram, its equations and its gates' history."""

    def __init__(self, comparison: VariantComparison, side: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.comparison, self.side = comparison, side
        session = comparison.session
        key = comparison.keys[side]
        self.chooser = QComboBox()
        self.chooser.setObjectName(f"variant_chooser_{'left' if side == 0 else 'right'}")
        for v in VARIANTS.values():
            self.chooser.addItem(v.title, v.key)
        self.chooser.setCurrentIndex(list(VARIANTS).index(key))
        self.chooser.setToolTip("The cell shown on this side")
        self.chooser.currentIndexChanged.connect(
            lambda index: comparison.set_variant(side, self.chooser.itemData(index))
        )
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.diagram = VariantDiagram(key, session.hidden_size, session.input_size)
        self.equations = QLabel()
        self.equations.setObjectName("variant_equations")
        self.equations.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.gates_view = _plot("")
        self.gates_view.setMinimumHeight(150)
        self.gate_curves: dict[str, pg.PlotDataItem] = {}
        self.cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#888888", width=1))
        self.gates_view.getPlotItem().addItem(self.cursor)

        top = QHBoxLayout()
        top.addWidget(self.chooser)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.diagram, 3)
        layout.addWidget(self.equations)
        layout.addWidget(self.gates_view, 2)
        self._shown_key = ""
        self.rebuild()

    @property
    def key(self) -> str:
        return self.comparison.keys[self.side]

    def rebuild(self) -> None:
        """Redraw for the variant chosen (a new diagram, equations, gate curves)."""
        v = variant(self.key)
        session = self.comparison.session
        self.chooser.blockSignals(True)
        self.chooser.setCurrentIndex(list(VARIANTS).index(v.key))
        self.chooser.blockSignals(False)
        self.summary.setText(v.summary)
        self.equations.setText("<br>".join(f"<i>{line}</i>" for line in v.equations))
        self.diagram.rebuild(v.key, session.hidden_size, session.input_size)
        plot = self.gates_view.getPlotItem()
        for curve in self.gate_curves.values():
            plot.removeItem(curve)
        plot.legend.clear()
        gates = [name for name in v.history_parts if name.endswith("_gate")]
        self.gate_curves = {
            name: plot.plot(name=f"<i>{v.parts[name].html}</i>", pen=pg.mkPen(GATE_COLORS[k], width=2))
            for k, name in enumerate(gates)
        }
        plot.setYRange(0.0, 1.0)
        self._shown_key = v.key

    def refresh(self, t: int, unit: int) -> None:
        """Colour the diagram at step ``t`` and plot the gates of ``unit``."""
        if self._shown_key != self.key:
            self.rebuild()
        v = variant(self.key)
        c = self.comparison
        shown = min(t, c.steps)
        header = f"<b>{v.title}</b> &nbsp; <i>t</i> = {shown}"
        if t > c.steps:
            header += (
                f" <span style='font-weight:normal'>(only the first {c.steps} steps are compared)</span>"
            )
        self.diagram.scene_.show_values(c.values_at(self.side, shown), header)
        fields = c.run(self.key).fields
        steps = np.arange(1, c.steps + 1, dtype=np.float64)
        for name, curve in self.gate_curves.items():
            curve.setData(steps, fields[name][:, unit])
        self.gates_view.getPlotItem().setTitle(f"gates of unit {unit}")
        self.cursor.setValue(shown)


class CompareVariantsWindow(QWidget):
    """Two variants side by side, following a session; one per main window (see :func:`install`)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("compare_variants_window")
        self.setWindowTitle("Compare Variants — LSTM Gate Simulator")
        self.session = session
        self.comparison = VariantComparison(session)
        self.panes = (VariantPane(self.comparison, 0), VariantPane(self.comparison, 1))

        self.unit = QSpinBox()
        self.unit.setObjectName("variant_unit")
        self.unit.setPrefix("unit ")
        self.unit.setToolTip("The unit whose gates and hidden state are plotted")
        self.unit.valueChanged.connect(lambda _value: self.refresh())
        self.peepholes = QPushButton("New Peepholes")
        self.peepholes.setToolTip("Draw the peephole weights p_i, p_f, p_o again")
        self.peepholes.clicked.connect(self.comparison.new_peepholes)
        self.note = QLabel()
        self.note.setObjectName("variant_note")
        self.note.setWordWrap(True)
        controls = QHBoxLayout()
        icons = QStyle.StandardPixmap
        for icon, tip, slot in (
            (icons.SP_MediaSkipBackward, "Back to t = 0 (Home)", session.reset),
            (icons.SP_MediaSeekBackward, "One step back (Left)", session.back),
            (icons.SP_MediaSeekForward, "One step forward (Right)", session.step),
        ):
            button = QPushButton(self.style().standardIcon(icon), "")
            button.setToolTip(tip)
            button.clicked.connect(slot)
            controls.addWidget(button)
        controls.addWidget(self.unit)
        controls.addWidget(self.peepholes)
        controls.addWidget(self.note, 1)

        self.hidden_view = _plot("h<sub>t</sub> of both cells")
        self.difference_view = _plot("difference, right − left")
        self.hidden_curves = [
            self.hidden_view.getPlotItem().plot(pen=pg.mkPen(color, width=2)) for color in SIDE_COLORS
        ]
        self.difference_curve = self.difference_view.getPlotItem().plot(
            name="h<sub>t</sub> right − left", pen=pg.mkPen("#444444", width=2)
        )
        self.cursors = []
        for view in (self.hidden_view, self.difference_view):
            line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#888888", width=1))
            view.getPlotItem().addItem(line)
            self.cursors.append(line)

        sides = QSplitter(Qt.Orientation.Horizontal)
        for pane in self.panes:
            sides.addWidget(pane)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.hidden_view)
        bottom.addWidget(self.difference_view)
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(sides)
        main.addWidget(bottom)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(controls)
        layout.addWidget(main, 1)
        self._add_keys()
        self.resize(1500, 950)

        session.trace_changed.connect(self._on_session_changed)
        session.replaced.connect(self._on_replaced)
        self.comparison.changed.connect(self._on_session_changed)
        self.destroyed.connect(lambda *_: self._detach(session))
        self._on_replaced()

    def _add_keys(self) -> None:
        for keys, slot, name in (
            ("Right", self.session.step, "compare_step"),
            ("Left", self.session.back, "compare_back"),
            ("Home", self.session.reset, "compare_reset"),
            (QKeySequence.StandardKey.Close, self.close, "compare_close"),
        ):
            action = QAction(self)
            action.setObjectName(name)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            self.addAction(action)

    def _detach(self, session: Session) -> None:
        session.trace_changed.disconnect(self._on_session_changed)
        session.replaced.disconnect(self._on_replaced)
        self.comparison.detach()

    # ------------------------------------------------------------ session → view
    def _on_replaced(self) -> None:
        self.unit.setMaximum(max(self.session.hidden_size - 1, 0))
        for pane in self.panes:
            pane.rebuild()
        self._on_session_changed()

    def _on_session_changed(self) -> None:
        if shiboken6.isValid(self) and self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Redraw both sides and the comparison plots at the session's step."""
        c, t, unit = self.comparison, self.session.t, self.unit.value()
        self.apply_theme()
        for pane in self.panes:
            pane.refresh(t, unit)
        steps = np.arange(1, c.steps + 1, dtype=np.float64)
        legend = self.hidden_view.getPlotItem().legend
        legend.clear()
        for curve, key in zip(self.hidden_curves, c.keys, strict=True):
            curve.setData(steps, c.run(key).fields["hidden"][:, unit])
        for curve, key, where in zip(self.hidden_curves, c.keys, ("left", "right"), strict=True):
            legend.addItem(curve, f"{variant(key).title} ({where})")
        difference = c.hidden_difference()[:, unit]
        self.difference_curve.setData(steps, difference)
        for line in self.cursors:
            line.setValue(min(t, c.steps))
        largest = float(np.max(np.abs(difference))) if len(difference) else 0.0
        note = f"Largest |difference| of h<sub>t</sub>[{unit}]: {largest:.3g}."
        if c.truncated:
            note += f" The first {c.steps} of {self.session.length} steps are compared."
        self.note.setText(note)

    def apply_theme(self) -> None:
        """Take the diagram palette and the plots' frame colours of the main window's theme."""
        parent = self.parentWidget()
        theme = themes.THEMES[themes.current_theme(parent) if isinstance(parent, QMainWindow) else "light"]
        for pane in self.panes:
            pane.diagram.setBackgroundBrush(style.BACKGROUND)
            pane.diagram.scene_.recolor()
        views = [self.hidden_view, self.difference_view, *(pane.gates_view for pane in self.panes)]
        for view in views:
            view.setBackground(theme.plot_background)
            plot = view.getPlotItem()
            for name in ("left", "bottom"):
                plot.getAxis(name).setPen(pg.mkPen(theme.plot_axis))
                plot.getAxis(name).setTextPen(theme.plot_foreground)
            plot.titleLabel.setText(plot.titleLabel.text, color=theme.plot_foreground)
            plot.legend.setLabelTextColor(theme.plot_foreground)
            for _sample, label in plot.legend.items:
                label.setText(label.text, color=theme.plot_foreground)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        event.accept()
        self.hide()


__all__ = ["CompareVariantsWindow", "VariantPane", "install"]
