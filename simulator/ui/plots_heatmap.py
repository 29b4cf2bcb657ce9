"""What a history plot draws: one curve per unit, or a units × time heatmap for wide layers.

Both tracks take the same data, a trace field of shape (L, H) whose row ``k``
is step ``k + 1`` and is drawn at x = k + 1 — point for point when short, as
min/max bins when long (:class:`~simulator.ui.plots_envelope.Decimated`) — and
answer the same question for the hover read-out: which unit is at height ``y``?
Both can single out the
session's selected unit: a curve is drawn thick over the others, which fade; a
heatmap row is framed by two thin lines.
"""

from __future__ import annotations

import math
from typing import Literal, Protocol

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt

from simulator.ui import colors
from simulator.ui.plots_curves import UnitCurve, UnitCurves
from simulator.ui.plots_envelope import Decimated, FieldHistory
from simulator.ui.plots_follow import steady_range

UNIT_COLORS = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#B8A200",  # yellow, darkened to read on white
)
"""Okabe–Ito colours, safe for the common colour blindnesses; units 8..15 repeat them dashed."""

FIXED_Y = {
    "forget_gate": (0.0, 1.0),
    "input_gate": (0.0, 1.0),
    "output_gate": (0.0, 1.0),
    "candidate": (-1.0, 1.0),
}
"""Fields whose curves have a fixed y range (σ and tanh outputs); the states auto-range."""

SELECTED_WIDTH = 4.0
"""The selected unit's curve is this wide (others 1 to 1.5 px)."""
DIMMED_ALPHA = 70
"""The other units' curves fade to this opacity (of 255) while a unit is selected."""
SELECTED_UNIT_COLOR = "#d4007a"
"""The lines framing the selected unit's row of a heatmap (the diagram's unit outline colour)."""

Emphasis = Literal["normal", "selected", "dimmed"]


def end_ticks(low: float, high: float) -> list[list[tuple[float, str]]]:
    """Tick levels for an axis that shows only its two ends and their middle."""
    return [[(value, f"{value:g}") for value in (low, (low + high) / 2, high)]]


def unit_color(unit: int, emphasis: Emphasis = "normal") -> pg.QtGui.QColor:
    """Unit ``unit``'s Okabe–Ito colour, faded when ``emphasis`` is ``"dimmed"``."""
    color = pg.mkColor(UNIT_COLORS[unit % len(UNIT_COLORS)])
    if emphasis == "dimmed":
        color.setAlpha(DIMMED_ALPHA)
    return color


def unit_pen(unit: int, emphasis: Emphasis = "normal") -> pg.QtGui.QPen:
    """The pen of unit ``unit``'s curve: an Okabe–Ito colour, solid for 0..7, dashed for 8..15.

    Dashed pens stay 1 px wide: Qt draws wide dashed polylines of thousands of points very slowly.
    The selected unit's pen (``emphasis="selected"``) is solid and :data:`SELECTED_WIDTH` wide,
    whatever the unit; ``"dimmed"`` fades the colour.
    """
    color = unit_color(unit, emphasis)
    if emphasis == "selected":
        return pg.mkPen(color, width=SELECTED_WIDTH)
    if unit // len(UNIT_COLORS) % 2:
        return pg.mkPen(color, width=1, style=Qt.PenStyle.DashLine)
    return pg.mkPen(color, width=1.5)


class Track(Protocol):
    """The contents of one history plot."""

    def set_data(self, shown: Decimated, history: FieldHistory) -> None:
        """Show ``shown``, a part of ``history``; exact values are kept as views of the trace."""

    def unit_at(self, row: np.ndarray, y: float) -> int:
        """The unit shown at height ``y`` in the step whose values are ``row`` (H,)."""

    def set_selected_unit(self, unit: int | None) -> None:
        """Single out ``unit`` (the session's selected unit), or none."""

    def remove(self) -> None:
        """Take every item this track added out of its plot and layout."""


MAX_DOTTED_STEPS = 40
"""Histories up to this long also mark each step with a dot."""


class CurveTrack:
    """One curve per unit, all drawn by one :class:`~simulator.ui.plots_curves.UnitCurves` item.

    Parameters
    ----------
    plot : pg.PlotItem
        The plot to draw in.
    field : str
        The trace field shown (sets the y range: fixed for gates, auto for states).
    hidden_size : int
        H, the number of curves.
    """

    def __init__(self, plot: pg.PlotItem, field: str, hidden_size: int) -> None:
        self._plot = plot
        self._selected: int | None = None
        self.item = UnitCurves(hidden_size)
        plot.addItem(self.item)
        self.curves = [UnitCurve(self.item, unit, f"unit {unit}") for unit in range(hidden_size)]
        self._fresh_y = True  # the plot's y range is not yet fitted to this track's data
        self._restyle()
        plot.invertY(False)
        axis = plot.getAxis("left")
        axis.setLabel(None)
        if field in FIXED_Y:
            axis.setTicks(end_ticks(*FIXED_Y[field]))
            plot.setYRange(*FIXED_Y[field], padding=0.08)
        else:
            axis.setTicks(None)
            plot.disableAutoRange(axis="y")  # a steady range instead: see _fit_y
            plot.vb.sigXRangeChanged.connect(self._fit_y)
        self._steady_y = field not in FIXED_Y

    def set_data(self, shown: Decimated, history: FieldHistory) -> None:
        self.item.set_dotted(len(history.values) <= MAX_DOTTED_STEPS)  # a step or two is a point
        if shown.exact:
            x = np.arange(shown.start + 1, shown.stop + 1, dtype=np.float64)  # steps, shared
            self.item.set_data(x, shown.lows)
        else:
            self.item.set_data(*shown.curves())
        self._fit_y()

    def _fit_y(self, *_: object) -> None:
        """A state's y range: the data in view, kept steady (see :func:`steady_range`)."""
        if not self._steady_y or self.item.scene() is None:
            return
        view = self._plot.vb
        (x_low, x_high), shown = view.viewRange()
        low, high = self.item.dataBounds(1, orthoRange=(x_low, x_high))
        if low is None or high is None:
            return
        new = steady_range(low, high, None if self._fresh_y else tuple(shown))
        self._fresh_y = False
        if new is not None:
            view.setYRange(*new, padding=0)

    def emphasis(self, unit: int) -> Emphasis:
        """How unit ``unit``'s curve is drawn now."""
        if self._selected is None:
            return "normal"
        return "selected" if unit == self._selected else "dimmed"

    def set_selected_unit(self, unit: int | None) -> None:
        if unit is not None and not 0 <= unit < len(self.curves):
            unit = None
        if unit == self._selected:
            return
        self._selected = unit
        self._restyle()

    def _restyle(self) -> None:
        pens = [unit_pen(unit, self.emphasis(unit)) for unit in range(len(self.curves))]
        self.item.set_pens(pens, on_top=self._selected)  # over the others, under the time cursor

    def unit_at(self, row: np.ndarray, y: float) -> int:
        distance = np.abs(np.nan_to_num(row, nan=np.inf) - y)
        return int(np.argmin(distance))

    def remove(self) -> None:
        if self._steady_y:
            self._plot.vb.sigXRangeChanged.disconnect(self._fit_y)
        self._plot.removeItem(self.item)
        self.curves.clear()


class HeatmapTrack:
    """A units × time image: column ``k`` is step ``k + 1``, row ``u`` is unit ``u`` (top to bottom).

    Parameters
    ----------
    plot : pg.PlotItem
        The plot to draw in; a colour bar is added at its right.
    field : str
        The trace field shown (sets the colour map and its levels).
    hidden_size : int
        H, the number of rows.
    """

    def __init__(self, plot: pg.PlotItem, field: str, hidden_size: int) -> None:
        self._plot, self._field, self._hidden_size = plot, field, hidden_size
        self._kind = colors.kind_of(field)
        self._levels = colors.value_range(self._kind)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setAutoDownsample(True)
        plot.addItem(self.image)
        plot.invertY(True)
        axis = plot.getAxis("left")
        axis.setLabel("unit")
        axis.setTicks(None)
        plot.setYRange(-0.5, hidden_size - 0.5, padding=0)
        self.bar = pg.ColorBarItem(
            values=self._levels, colorMap=colors.colormap(self._kind), interactive=False, width=10
        )
        self.bar.axis.setTextPen(axis.textPen())
        self.bar.axis.setTicks(end_ticks(*self._levels))
        self.bar.setImageItem(self.image, insert_in=plot)
        pen = pg.mkPen(SELECTED_UNIT_COLOR, width=2)
        self.unit_lines = [pg.InfiniteLine(angle=0, pen=pen, movable=False) for _ in range(2)]
        for line in self.unit_lines:
            line.setZValue(5)
            line.hide()
            plot.addItem(line, ignoreBounds=True)
        self.selected_unit: int | None = None

    def set_data(self, shown: Decimated, history: FieldHistory) -> None:
        """Column ``k`` is step ``shown.start + k + 1``, or, binned, the bin's value farthest from
        the middle of the colour scale (a spike keeps its colour)."""
        if len(shown.lows) == 0:
            self.image.clear()
            return
        if self._field == "cell":
            self._levels = colors.value_range(self._kind, _nice_limit(history.magnitude()))
            self.bar.axis.setTicks(end_ticks(*self._levels))
        image = shown.lows if shown.exact else shown.peaks(sum(self._levels) / 2)
        self.image.setImage(image.T, levels=self._levels, autoLevels=False)
        width = len(image) * shown.bin_size  # the last bin may reach past the last step
        self.image.setRect(QRectF(shown.start + 0.5, -0.5, width, self._hidden_size))

    def unit_at(self, row: np.ndarray, y: float) -> int:
        return int(min(max(math.floor(y + 0.5), 0), self._hidden_size - 1))

    def set_selected_unit(self, unit: int | None) -> None:
        """Frame row ``unit`` with two thin lines (at unit ± ½), or hide them."""
        if unit is not None and not 0 <= unit < self._hidden_size:
            unit = None
        self.selected_unit = unit
        for line, edge in zip(self.unit_lines, (-0.5, 0.5), strict=True):
            if unit is not None:
                line.setValue(unit + edge)
            line.setVisible(unit is not None)

    def remove(self) -> None:
        for line in self.unit_lines:
            self._plot.removeItem(line)
        self._plot.removeItem(self.image)
        self._plot.layout.removeItem(self.bar)
        self.bar.scene().removeItem(self.bar)


def _nice_limit(magnitude: float) -> float:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that covers ``magnitude`` (C_t grows past 1)."""
    peak = max(float(magnitude), 1.0)
    decade = 10.0 ** math.floor(math.log10(peak))
    return next(m * decade for m in (1.0, 2.0, 5.0, 10.0) if m * decade >= peak)
