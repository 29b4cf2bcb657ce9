"""History plots: h_t, C_t and the four gates of every unit over time, with a shared time cursor.

One pyqtgraph plot per field, stacked, x axes linked, x = step number (row
``k`` of the trace is step ``k + 1``). Up to :data:`MAX_CURVE_UNITS` units get a
curve each; wider layers get a units × time heatmap. The session's selected
unit is singled out in every plot (thick curve, others faded; a framed heatmap
row). A movable vertical
cursor in every plot marks ``session.t``; dragging it or clicking a plot seeks.
Curves are built once per preset and fed views of the trace with ``setData``,
and only when the trace itself changed: moving through computed steps only
moves the cursors. A long history is handed over as min/max bins kept up to
date from the new steps (:mod:`simulator.ui.plots_envelope`), so a frame costs
the same at step 100 000 as at step 5 000; zooming in to a part of it shows
that part binned finer, point for point once it is short. The hover read-out
and clicks always use the exact steps.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from os import PathLike

import numpy as np
import pyqtgraph as pg
from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import QGraphicsItem, QVBoxLayout, QWidget

from simulator.engine import Trace
from simulator.parts import PARTS
from simulator.session import Session
from simulator.session import Signal as SessionSignal
from simulator.ui.plots_cursor import CursorLabel
from simulator.ui.plots_curves import UnitCurve, UnitCurves
from simulator.ui.plots_envelope import Decimated, FieldHistory
from simulator.ui.plots_follow import AHEAD_S, RangeFollower
from simulator.ui.plots_grid import GridAxis
from simulator.ui.plots_heatmap import CurveTrack, HeatmapTrack, Track
from simulator.ui.throttle import INTERVAL_MS, Throttle

FIELDS = ("hidden", "cell", "forget_gate", "input_gate", "candidate", "output_gate")
"""The trace fields plotted, top to bottom."""

GRID_ORDER = ("forget_gate", "input_gate", "candidate", "output_gate", "cell", "hidden")
"""The plots in reading order, left to right and top to bottom: the gates as the cell computes
them, then the two states."""
GRID_COLUMNS = 3

THROTTLE_FROM_LENGTH = 5_000
"""From this many steps of history on, curve updates are coalesced to one per MIN_UPDATE_MS."""
MIN_UPDATE_MS = INTERVAL_MS  # the same 20 Hz as the tables while playing fast
DEFER_FROM_NEW_STEPS = 20_000
"""When this many steps arrive at once, the plots take them in later turns of the event loop, one
field per turn."""

SETTLE_MS = int(1000 * AHEAD_S)
"""This long after the last growth of many steps, the x range closes in on the history."""

MAX_CURVE_UNITS = 16
"""Layers up to this many units get one curve per unit; wider ones get heatmaps."""

MAX_WORD_TICKS = 40
"""Step labels (words) become x tick labels for sequences up to this long."""

_AXIS_WIDTH = 46
_TITLE_HEIGHT = 20
_FOREGROUND = "#333333"
_GRID_ALPHA = 0.15
_AXIS_PENS = {"pen": "#999999", "textPen": _FOREGROUND}
_CURSOR = "#c00000"
_WORD_STRIDES = (1, 2, 5, 10, 20)


def nearest_step(x: float) -> int:
    """The step number nearest to x (halves round up, so the cursor snaps evenly)."""
    return math.floor(x + 0.5)


def _disconnect_all(slots: list[tuple[SessionSignal, Callable[[], None]]]) -> None:
    for signal, slot in slots:
        signal.disconnect(slot)


class StepAxis(GridAxis):
    """A time axis: ticks only at whole steps, labelled with the step's word when words are set."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("bottom", **kwargs)
        self._words: tuple[str, ...] = ()
        self._widest = 0

    def set_words(self, words: tuple[str, ...]) -> None:
        """Label step ``k`` with ``words[k - 1]`` (empty: label steps with their numbers)."""
        self._words = tuple(words)
        metrics = QFontMetrics(self.style["tickFont"] or self.font())
        self._widest = max((metrics.horizontalAdvance(word) for word in self._words), default=0)
        self.picture = None
        self.update()

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:
        if not self._words:
            levels = super().tickValues(minVal, maxVal, size)
            whole = [(spacing, values) for spacing, values in levels if spacing >= 1]
            return whole or [(1.0, [float(k) for k in range(math.ceil(minVal), math.floor(maxVal) + 1)])]
        pixels_per_step = size / max(maxVal - minVal, 1e-9)
        room = self._widest + 10
        stride = next((s for s in _WORD_STRIDES if s * pixels_per_step >= room), len(self._words))
        first = max(1, math.ceil(minVal / stride)) * stride
        last = min(math.floor(maxVal), len(self._words))
        return [(float(stride), [float(k) for k in range(first, last + 1, stride)])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if not self._words:
            return super().tickStrings(values, scale, spacing)
        count = len(self._words)
        return [self._words[int(v) - 1] if float(v).is_integer() and 1 <= v <= count else "" for v in values]


class HistoryPlots(QWidget):
    """Plots over time of every unit's h_t, C_t and gates, with a time cursor synced to the session.

    Parameters
    ----------
    session : Session
        The model shown; the only call made on it is :meth:`Session.seek`.
    parent : QWidget, optional
        The Qt parent.

    Attributes
    ----------
    hovered : Signal(str)
        The value under the mouse, e.g. ``"step 12 · C_t[1] = 0.53"``; ``""`` when the mouse leaves.
    """

    hovered = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._tracks: dict[str, Track] = {}
        self._histories: dict[str, FieldHistory] = {}
        self._drawn: dict[str, Decimated] = {}
        self._values: dict[str, np.ndarray] = {}
        self._shown_trace: Trace | None = None
        self._shown_revision = -1
        self._shown_length = -1
        self._dirty = True
        self._updates = Throttle(self._show_latest, self)  # coalesced for long histories
        self._moving_cursors = False
        self._following = True
        self._range = RangeFollower()
        self._catch_up_to: int | None = None  # a far jump's rows being binned up to here
        self._settle_timer = QTimer(self)  # growth has stopped: the x range closes in
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(SETTLE_MS)
        self._settle_timer.timeout.connect(self._on_growth_stopped)
        self._hover_text = ""

        self._view = pg.GraphicsLayoutWidget(self)
        self._view.setBackground("w")
        self._view.ci.setContentsMargins(4, 4, 4, 4)
        self._view.ci.setSpacing(2)
        self._view.setToolTip("Click or drag the cursor to go to a step; double-click to show all steps.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._view)

        self._legend = pg.LegendItem(colCount=1, labelTextColor=_FOREGROUND, frame=False, horSpacing=12)
        self._plots: dict[str, pg.PlotItem] = {}
        self._cursors: list[pg.InfiniteLine] = []
        self._cursor_label = CursorLabel(QColor(_CURSOR), QColor(255, 255, 255, 210))
        for position, field in enumerate(GRID_ORDER):
            self._plots[field] = self._make_plot(field, position)

        self._plots[FIELDS[0]].vb.sigXRangeChanged.connect(self._on_x_range_changed)
        scene = self._view.scene()
        scene.sigMouseClicked.connect(self._on_clicked)
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        slots = [
            (session.replaced, self._on_replaced),
            (session.trace_changed, self._on_trace_changed),
            (session.inputs_changed, self._on_inputs_changed),
            (session.params_changed, self._mark_dirty),
            (session.initial_state_changed, self._mark_dirty),
            (session.unit_selection_changed, self._on_unit_selected),
        ]
        for signal, slot in slots:
            signal.connect(slot)
        self.destroyed.connect(lambda *_: _disconnect_all(slots))
        self._on_replaced()
        self._on_trace_changed()

    # ------------------------------------------------------------ public API
    def plot_item(self, field: str) -> pg.PlotItem:
        """The plot of a field of :data:`FIELDS`."""
        return self._plots[field]

    def curve(self, field: str, unit: int) -> UnitCurve | None:
        """The curve of ``unit`` in a field's plot, or ``None`` (heatmap mode, or no such unit)."""
        track = self._tracks[field]
        if isinstance(track, CurveTrack) and 0 <= unit < len(track.curves):
            return track.curves[unit]
        return None

    def view_widget(self) -> pg.GraphicsLayoutWidget:
        """The graphics view all the plots are drawn in."""
        return self._view

    def unit_curves(self, field: str) -> UnitCurves | None:
        """The item drawing every unit's curve in a field's plot, or ``None`` in heatmap mode."""
        track = self._tracks[field]
        return track.item if isinstance(track, CurveTrack) else None

    def heatmap(self, field: str) -> pg.ImageItem | None:
        """A field's units × time image (row = unit, column = step), or ``None`` in curve mode."""
        track = self._tracks[field]
        return track.image if isinstance(track, HeatmapTrack) else None

    def unit_marks(self, field: str) -> list[float]:
        """The heights of the lines framing the selected unit's row in a field's heatmap ([] if none)."""
        track = self._tracks[field]
        if not isinstance(track, HeatmapTrack):
            return []
        return [float(line.value()) for line in track.unit_lines if line.isVisible()]

    def shown(self, field: str) -> Decimated | None:
        """What a field's plot draws now: the exact steps or min/max bins (``None`` before any)."""
        return self._drawn.get(field)

    def cursor_position(self) -> float:
        """Where the time cursors stand (all are kept at the same x)."""
        return float(self._cursors[0].value())

    def export_png(self, path: str | PathLike[str]) -> None:
        """Save all plots as one PNG image.

        Raises
        ------
        OSError
            If the file cannot be written.
        """
        import pyqtgraph.exporters  # only for this: it costs the start-up some milliseconds

        image = pyqtgraph.exporters.ImageExporter(self._view.scene()).export(toBytes=True)
        if not image.save(str(path), "PNG"):
            raise OSError(f"cannot write {path}")

    # ------------------------------------------------------------ building
    def _make_plot(self, field: str, position: int) -> pg.PlotItem:
        row, col = 1 + position // GRID_COLUMNS, position % GRID_COLUMNS
        axes = {"left": GridAxis("left", **_AXIS_PENS), "bottom": StepAxis(**_AXIS_PENS)}
        # No context menus (they are disabled anyway): not building them saves start-up time.
        plot: pg.PlotItem = self._view.addPlot(row=row, col=col, axisItems=axes, enableMenu=False)
        info = PARTS[field]
        plot.setTitle(f"<b>{info.html}</b>&nbsp; {info.title}", size="10pt", color=_FOREGROUND)
        plot.titleLabel.setAttr("justify", "left")
        plot.titleLabel.setMaximumHeight(_TITLE_HEIGHT)
        plot.layout.setRowFixedHeight(0, _TITLE_HEIGHT)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=True, y=False)
        plot.showGrid(x=True, y=True, alpha=_GRID_ALPHA)
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            # Axes are repainted from a pixmap when only the time cursor moves.
            axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            # Major and minor grid lines only: a third level adds dozens of faint lines that
            # cost more to draw on every range change than they help to read.
            axis.setStyle(maxTickLevel=1)
        plot.getAxis("left").setWidth(_AXIS_WIDTH)
        if position > 0:
            plot.setXLink(self._plots[GRID_ORDER[0]])
        if row == 1 + (len(GRID_ORDER) - 1) // GRID_COLUMNS:
            plot.setLabel("bottom", "step")
        plot.vb.sigRangeChangedManually.connect(self._on_zoomed)
        cursor = pg.InfiniteLine(
            pos=0, angle=90, movable=True, pen=pg.mkPen(_CURSOR, width=2), hoverPen=pg.mkPen(_CURSOR, width=5)
        )
        cursor.setZValue(10)
        if position == 0:
            plot.addItem(self._cursor_label, ignoreBounds=True)
            plot.vb.sigRangeChanged.connect(self._on_top_left_range_changed)
        cursor.sigPositionChanged.connect(self._on_cursor_moved)
        cursor.sigPositionChangeFinished.connect(self._on_cursor_released)
        plot.addItem(cursor, ignoreBounds=True)
        self._cursors.append(cursor)
        return plot

    def _on_unit_selected(self, unit: int | None) -> None:
        for track in self._tracks.values():
            track.set_selected_unit(unit)
        for sample, _label in self._legend.items:
            sample.update()  # legend samples draw with their curve's pen

    def _on_replaced(self) -> None:
        hidden_size = self._session.hidden_size
        for track in self._tracks.values():
            track.remove()
        self._histories = {field: FieldHistory() for field in self._plots}
        self._catch_up_to = None
        self._drawn.clear()
        if self._legend.scene() is not None:
            self._view.ci.removeItem(self._legend)
        self._legend.clear()
        for field, plot in self._plots.items():
            if hidden_size <= MAX_CURVE_UNITS:
                self._tracks[field] = CurveTrack(plot, field, hidden_size)
            else:
                self._tracks[field] = HeatmapTrack(plot, field, hidden_size)
        top = self._tracks[FIELDS[0]]
        if isinstance(top, CurveTrack):
            self._legend.setColumnCount(min(hidden_size, 8))
            for unit, curve in enumerate(top.curves):
                self._legend.addItem(curve, f"unit {unit}")
            self._view.ci.addItem(self._legend, row=0, col=0, colspan=GRID_COLUMNS)
        self._on_unit_selected(self._session.selected_unit)
        self._following = True
        self._range.reset()
        self._on_inputs_changed()

    # ------------------------------------------------------------ session → view
    def _mark_dirty(self) -> None:
        self._dirty = True

    def _on_inputs_changed(self) -> None:
        self._dirty = True
        labels = self._session.step_labels
        words = labels if len(labels) <= MAX_WORD_TICKS else ()
        for plot in self._plots.values():
            plot.getAxis("bottom").set_words(words)

    def _on_trace_changed(self) -> None:
        trace = self._session.trace
        length = len(trace)
        if self._dirty or trace is not self._shown_trace or length != self._shown_length:
            if self._far_behind(length):
                # Many new steps at once (the end of a long run): the other views and their
                # painting first, the plots' catching up in the next turn of the event loop.
                self._updates.soon()
            else:
                # Long histories: the steps of fast playback coalesced into one update per frame.
                long_history = length >= THROTTLE_FROM_LENGTH
                if self._updates.on != long_history:
                    self._updates.set_on(long_history)
                self._updates()
        self._move_cursors(self._session.t)

    def _show_latest(self) -> None:
        trace, length = self._session.trace, len(self._session.trace)
        if self._catch_up_to is None and self._far_behind(length):
            self._catch_up_to = length  # bin up to here field by field, then show whatever is there
        if self._catch_up_to is not None:
            if self._bin_one_field(trace, min(self._catch_up_to, length)):
                self._updates.soon()  # the next field in the next turn of the event loop
                return
            self._catch_up_to = None
        self._show_trace(trace, length)

    def _far_behind(self, length: int) -> bool:
        """Whether a trace of ``length`` steps holds too many steps not yet shown to take at once."""
        return length - max(self._shown_length, 0) > DEFER_FROM_NEW_STEPS

    def _grown(self, trace: Trace, length: int) -> bool:
        """Whether ``trace`` is the one shown, only longer (its rows shown before are unchanged)."""
        return (
            not self._dirty
            and trace is self._shown_trace
            and trace.revision == self._shown_revision
            and length >= self._shown_length
        )

    def _bin_one_field(self, trace: Trace, length: int) -> bool:
        """Take rows up to ``length`` of one field that has not yet into its min/max bins;
        ``False`` when none is left (or the trace was rewritten, which is read again all at once).
        The target stays fixed while play goes on adding rows, so the catching up ends."""
        if not self._grown(trace, length):
            return False
        for field, history in self._histories.items():
            if len(history.values) < length:
                history.set_values(getattr(trace, field)[:length], grown=True)
                history.overview()
                return True
        return False

    def _show_trace(self, trace: Trace, length: int) -> None:
        grown = self._grown(trace, length)
        for field, history in self._histories.items():
            self._values[field] = values = getattr(trace, field)
            history.set_values(values, grown)
        self._shown_trace, self._shown_revision, self._shown_length = trace, trace.revision, length
        self._range.observe(length, time.monotonic())
        if self._range.growing:
            self._settle_timer.start()
        if self._following:
            self._show_all(force=self._dirty)
        self._dirty = False
        self._draw()

    def _draw(self) -> None:
        """Hand each track what its history shows in the current x range, if that changed."""
        rows = None if self._following else self._rows_in_view()
        for field, track in self._tracks.items():
            shown = self._histories[field].shown(rows)
            if shown is not self._drawn.get(field):
                self._drawn[field] = shown
                track.set_data(shown, self._histories[field])

    def _rows_in_view(self) -> tuple[int, int]:
        low, high = self._plots[FIELDS[0]].viewRange()[0]
        return math.floor(low) - 1, math.ceil(high)

    def _on_x_range_changed(self, *_: object) -> None:
        if self._shown_trace is not None and not self._following:
            self._draw()

    def _show_all(self, force: bool = False) -> None:
        """Show steps 0..L with a margin, re-ranging only when L leaves it (see :mod:`plots_follow`)."""
        length = self._shown_length
        plot = self._plots[FIELDS[0]]
        end = self._range.new_end(length, plot.viewRange()[0][1], force)
        if end is not None:
            plot.setXRange(-self._range.margin(length), end, padding=0)

    def _on_growth_stopped(self) -> None:
        self._range.settle()
        if self._following and self._shown_trace is not None:
            self._show_all()

    def _move_cursors(self, t: float) -> None:
        self._moving_cursors = True
        try:
            for cursor in self._cursors:
                cursor.setValue(t)
            self._cursor_label.show_step(t, self._plots[GRID_ORDER[0]].viewRange())
        finally:
            self._moving_cursors = False

    def _on_top_left_range_changed(self, _view: pg.ViewBox, view_range: list, *_: object) -> None:
        self._cursor_label.follow_view(view_range)

    # ------------------------------------------------------------ user → session
    def _on_cursor_moved(self, cursor: pg.InfiniteLine) -> None:
        if not self._moving_cursors:
            self._session.seek(nearest_step(cursor.value()))

    def _on_cursor_released(self, cursor: pg.InfiniteLine) -> None:
        self._on_cursor_moved(cursor)
        self._move_cursors(self._session.t)

    def _on_zoomed(self, *_: object) -> None:
        self._following = False
        if self._shown_trace is not None:
            self._draw()  # the steps in view, binned finer when zoomed in

    def _plot_under(self, scene_pos: QPointF) -> tuple[str, QPointF] | None:
        for field, plot in self._plots.items():
            if plot.vb.sceneBoundingRect().contains(scene_pos):
                return field, plot.vb.mapSceneToView(scene_pos)
        return None

    def _on_clicked(self, event: MouseClickEvent) -> None:
        hit = self._plot_under(event.scenePos())
        if hit is None or event.button() != Qt.MouseButton.LeftButton:
            return
        if event.double():
            self._following = True
            self._show_all(force=True)
            self._draw()
        else:
            self._session.seek(nearest_step(hit[1].x()))

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        hit = self._plot_under(scene_pos)
        self._set_hover_text("" if hit is None else self._describe(hit[0], hit[1]))

    def _describe(self, field: str, point: QPointF) -> str:
        values = self._values.get(field)
        if values is None or len(values) == 0:
            return ""
        row = min(max(nearest_step(point.x()), 1), len(values)) - 1
        unit = self._tracks[field].unit_at(values[row], point.y())
        labels = self._session.step_labels
        word = f" “{labels[row]}”" if row < len(labels) else ""
        return f"step {row + 1}{word} · {PARTS[field].symbol}[{unit}] = {values[row, unit]:.3g}"

    def _set_hover_text(self, text: str) -> None:
        if text != self._hover_text:
            self._hover_text = text
            self.hovered.emit(text)

    def leaveEvent(self, event: QEvent) -> None:
        self._set_hover_text("")
        super().leaveEvent(event)


__all__ = ["FIELDS", "MAX_CURVE_UNITS", "MAX_WORD_TICKS", "HistoryPlots", "StepAxis", "nearest_step"]
