"""Every unit's curve of one history plot, drawn by a single graphics item.

One pyqtgraph ``PlotDataItem`` per unit costs a few tenths of a millisecond of
Python per update and per paint, whatever it draws: 6 plots × 16 units made a
weight edit take several frames. :class:`UnitCurves` holds the shared x and
an (n, H) array of y, computes its bounds once for all units, and paints each
unit as one polyline in device pixels:

* only the rows in the visible x range are drawn, and when there are more than
  :data:`LINE_ROWS_PER_COLUMN` per pixel column they are reduced to each
  column's minimum and maximum (peak decimation, all units at once), so a spike
  of one step still shows;
* pens wider than 1 px are drawn only while the plot holds at most
  :data:`WIDE_PEN_POINTS` points and is not reduced to pixel columns (a wide
  line costs Qt's raster engine ten times as much); beyond that the units are
  drawn 1 px wide, in their colour and dash. The selected unit keeps its wide
  pen at any length;
* data that only grew (a step added, the last min/max bin widened) repaints
  only from the first changed point on: the item's bounding rect keeps room
  (:data:`RESERVE_SHARE`) for the growth, so it need not change with every
  step, and a partial repaint draws only the pixel columns it exposes. A
  step at the end of a long history thus redraws a few columns, not the plot;
* while the data grows, the item is cached as a pixmap (the time cursor moves
  over it without a repaint); data drawn anew in full (an edit) is drawn
  straight into the view, which costs Qt's raster engine less than drawing
  into a translucent pixmap and copying it.

:class:`UnitCurve` is one unit's face of it: its data, pen and visibility, as
the legend and the tests see a curve.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pyqtgraph as pg
from pyqtgraph import functions as fn
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

WIDE_PEN_POINTS = 2500
"""A plot whose visible curves hold more points than this draws them 1 px wide (the selected one excepted)."""

LINE_ROWS_PER_COLUMN = 4
"""Up to this many rows per pixel column on average, each unit is a polyline through its rows;
beyond, one line per pixel column. Up to here the polyline costs Qt's raster engine no more than
the columns do, and saves the reduction to columns (a weight edit at T = 1000, H = 16 repaints its
plots in 6 ms instead of 7.5)."""

DEVICE_LIMIT = 1e5
"""Device coordinates are clamped to ±this many pixels: Qt's rasterizer chokes on huge ones."""

Bounds = tuple[float | None, float | None]
"""An extent (low, high), or (None, None) when there is no finite data."""

DASH_PIXELS = (4, 2)
"""A dashed unit drawn as pixel columns: this many columns drawn, then this many left out
(Qt's dash line at 1 px)."""

RESERVE_SHARE = 0.05
"""The bounding rect reaches this share of the x extent (at least :data:`RESERVE_MIN` steps)
past the last point, so a growing history stays inside it for a while."""

RESERVE_MIN = 16.0

EXPOSE_MARGIN_PIXELS = 3
"""A partial repaint reads the rows from this many pixel columns left of the exposed area: the
first column read may lack rows, and it lies outside what is painted."""

DOT_RADIUS = 3.0
"""Radius in pixels of the dots that mark each step of a very short history."""


class UnitCurves(pg.GraphicsObject):
    """The curves of ``hidden_size`` units sharing one x axis, painted in one go.

    Parameters
    ----------
    hidden_size : int
        H, the number of units (columns of the y data).
    """

    def __init__(self, hidden_size: int) -> None:
        super().__init__()
        self._x = np.zeros(0)
        self._y = np.zeros((0, hidden_size))
        self._drawn_x, self._drawn_y = self._x, self._y
        self._pens = [QPen(QColor("black"))] * hidden_size
        self._visible = np.ones(hidden_size, dtype=bool)
        self._order = list(range(hidden_size))
        self._on_top: int | None = None
        self._dotted = False
        self._bounds_cache: dict[
            tuple[int, tuple[float, float] | None], tuple[float | None, float | None]
        ] = {}
        self._rect: QRectF | None = None
        self._room: Room | None = None  # the data's extent in the rect, before padding
        # The exposed rect (in item coordinates) reaches paint(): a partial repaint draws less.
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    # ------------------------------------------------------------ data and style
    @property
    def hidden_size(self) -> int:
        return len(self._pens)

    @property
    def x(self) -> np.ndarray:
        return self._x

    @property
    def y(self) -> np.ndarray:
        return self._y

    def set_data(self, x: np.ndarray, y: np.ndarray) -> None:
        """Show ``y`` (n, H) at ``x`` (n,), ascending; the arrays are kept, not copied."""
        if y.ndim != 2 or y.shape != (len(x), self.hidden_size):
            raise ValueError(f"y must have shape ({len(x)}, {self.hidden_size}), not {y.shape}")
        # Compared with a copy of what was drawn: the caller's arrays may be views of rows that
        # have since been rewritten in place.
        changed = _first_changed_row(self._drawn_x, self._drawn_y, x, y)
        if changed is None:
            return
        old_x = self._drawn_x
        self._x, self._y = x, y
        self._drawn_x, self._drawn_y = x.copy(), y.copy()
        if changed == 0 or not self._holds(x, y[changed:]):
            self._cache(False)
            self._geometry_changed()
            return
        self._cache(True)
        self._bounds_cache.clear()
        self.informViewBoundsChanged()
        # The line from the last unchanged point on is redrawn; the rest of the rect holds
        # whatever was drawn past it before.
        start = min(old_x[changed - 1], x[changed - 1]) - self._room.pad_x
        rect = self.boundingRect()
        self.update(QRectF(start, rect.top(), rect.right() - start, rect.height()))

    def _cache(self, on: bool) -> None:
        """Cache the item as a pixmap (``on``) or draw it straight into the view."""
        mode = QGraphicsItem.CacheMode.DeviceCoordinateCache if on else QGraphicsItem.CacheMode.NoCache
        if self.cacheMode() != mode:
            self.setCacheMode(mode)

    def _holds(self, x: np.ndarray, rows: np.ndarray) -> bool:
        """Whether the room of the bounding rect (if known) holds the last point of ``x`` and the
        new rows ``rows`` of y (the rows before are unchanged, hence inside)."""
        room = self._room
        if self._rect is None or room is None or len(x) == 0:
            return False
        shown = rows[:, self._visible]
        if shown.size == 0 or not np.isfinite(shown).all():
            return False
        return bool(x[-1] <= room.right and room.bottom <= shown.min() and shown.max() <= room.top)

    def set_pens(self, pens: Sequence[QPen], on_top: int | None = None) -> None:
        """One pen per unit; ``on_top`` (a unit) is drawn last, over the others."""
        self._pens = list(pens)
        self._on_top = on_top
        self._order = [unit for unit in range(self.hidden_size) if unit != on_top]
        if on_top is not None:
            self._order.append(on_top)
        self._geometry_changed()  # the padding follows the widest pen

    def pen(self, unit: int) -> QPen:
        return self._pens[unit]

    @property
    def order(self) -> tuple[int, ...]:
        """The units in the order they are drawn: the last one lies on top."""
        return tuple(self._order)

    def set_dotted(self, dotted: bool) -> None:
        """Mark every point with a dot (a history of a step or two is a point, not yet a line)."""
        if dotted != self._dotted:
            self._dotted = dotted
            self.update()

    @property
    def dotted(self) -> bool:
        return self._dotted

    def set_unit_visible(self, unit: int, visible: bool) -> None:
        if bool(visible) != self._visible[unit]:
            self._visible[unit] = visible
            self._geometry_changed()

    def unit_visible(self, unit: int) -> bool:
        return bool(self._visible[unit]) and self.isVisible()

    def _geometry_changed(self) -> None:
        self._bounds_cache.clear()
        self._rect = self._room = None
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        self.update()

    # ------------------------------------------------------------ what pyqtgraph asks
    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange: tuple[float, float] | None = None) -> Bounds:
        """The x (``ax`` 0) or y (``ax`` 1) extent of the visible units' finite data; for y, only
        of the rows whose x lies in ``orthoRange`` when given (pyqtgraph's auto-range)."""
        key = (ax, None if orthoRange is None else (float(orthoRange[0]), float(orthoRange[1])))
        if key not in self._bounds_cache:
            self._bounds_cache[key] = self._bounds(ax, key[1])
        return self._bounds_cache[key]

    def _bounds(self, ax: int, ortho: tuple[float, float] | None) -> Bounds:
        x, y = self._x, self._y[:, self._visible]
        if ax == 0:
            values = x if y.shape[1] else x[:0]
        else:
            if ortho is not None:
                low, high = np.searchsorted(x, ortho[0], "left"), np.searchsorted(x, ortho[1], "right")
                y = y[low:high]
            values = y
        if values.size == 0:
            return None, None
        low, high = float(values.min()), float(values.max())
        if math.isfinite(low) and math.isfinite(high):
            return low, high
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            return None, None
        return float(finite.min()), float(finite.max())

    def pixelPadding(self) -> float:
        widest = max((pen.widthF() for pen in self._pens), default=1.0)
        return max(widest, 2 * DOT_RADIUS) / 2 + 1

    def boundingRect(self) -> QRectF:
        if self._rect is None:
            (x0, x1), (y0, y1) = self.dataBounds(0), self.dataBounds(1)
            if x0 is None or y0 is None:
                self._rect = QRectF()
            else:
                pad_x, pad_y = self._pixel_size()
                pad = self.pixelPadding()
                x1 += max(RESERVE_SHARE * (x1 - x0), RESERVE_MIN)  # room to grow into
                self._room = Room(x1, y0, y1, pad * pad_x)
                self._rect = QRectF(x0, y0, x1 - x0, y1 - y0).adjusted(
                    -pad * pad_x, -pad * pad_y, pad * pad_x, pad * pad_y
                )
        return self._rect

    def _pixel_size(self) -> tuple[float, float]:
        """One device pixel in data units, along x and y (0 before the item is in a view)."""
        px, py = self.pixelVectors()
        if px is None or py is None:
            return 0.0, 0.0
        return abs(px.x()) + abs(px.y()), abs(py.x()) + abs(py.y())

    def viewTransformChanged(self) -> None:
        """Zooming changes how much data a pixel of padding is."""
        self._rect = self._room = None
        self.prepareGeometryChange()

    # ------------------------------------------------------------ painting
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, *_: object) -> None:
        if len(self._x) == 0 or not self._visible.any():
            return
        transform = painter.transform()
        x, y = self._rows_in_view()
        if len(x) == 0:
            return
        scale, shift = transform.m11(), transform.dx()
        dense = _dense(x * scale + shift)
        if dense and scale:
            # Pixel columns: only those the repaint exposes (and a few to their left) are read.
            x, y = _rows_between(x, y, option.exposedRect, EXPOSE_MARGIN_PIXELS / abs(scale))
        x_device = x * scale + shift
        y_device = np.clip(y * transform.m22() + transform.dy(), -DEVICE_LIMIT, DEVICE_LIMIT)
        columns = _pixel_columns(x_device, shift) if dense and len(x) else None
        painter.save()
        painter.setTransform(QTransform())  # from here on, in device pixels
        if columns is None:
            self._paint_lines(painter, np.clip(x_device, -DEVICE_LIMIT, DEVICE_LIMIT), y_device)
        else:
            self._paint_columns(painter, columns, y_device)
        painter.restore()

    def _pen(self, unit: int, points: int) -> QPen:
        """The unit's pen, 1 px wide when the plot holds too many points for a wide one."""
        pen = self._pens[unit]
        if pen.widthF() > 1 and unit != self._on_top and points * int(self._visible.sum()) > WIDE_PEN_POINTS:
            pen = QPen(pen)
            pen.setWidthF(1.0)
        return pen

    def _paint_lines(self, painter: QPainter, x: np.ndarray, y: np.ndarray) -> None:
        """Each unit as a polyline through its points (at most :data:`LINE_ROWS_PER_COLUMN` per
        pixel column)."""
        finite = np.isfinite(y)
        whole = finite.all(axis=0)
        path = LinePath(x)  # one buffer for every unit drawn whole in 1 px
        for unit in self._order:
            if not self._visible[unit]:
                continue
            pen = self._pen(unit, len(x))
            painter.setPen(pen)
            wide = pen.widthF() > 1
            if whole[unit] and not wide:
                path.draw(painter, y[:, unit])
            else:
                for run in _true_runs(finite[:, unit]):
                    _draw_line(painter, x[run], y[run, unit], wide)
            if self._dotted:
                _draw_dots(painter, x, y[:, unit], pen)

    def _paint_columns(self, painter: QPainter, columns: PixelColumns, y: np.ndarray) -> None:
        """Each unit as one vertical line per pixel column, from the lowest to the highest value
        of its rows there, stretched to meet the last value of the column before, so the
        columns join up as the line through every point would."""
        lows = np.minimum.reduceat(y, columns.starts, axis=0)
        highs = np.maximum.reduceat(y, columns.starts, axis=0)
        last = y[columns.starts[1:] - 1]  # each column's last row, joined to the next column
        lows[1:] = np.fmin(lows[1:], last)
        highs[1:] = np.fmax(highs[1:], last)
        highs = np.maximum(highs, lows + 0.5)  # at least one pixel
        finite = np.isfinite(lows) & np.isfinite(highs)
        whole = finite.all(axis=0)
        up = columns.index % 2 == 0
        path = ColumnPath(columns.x, up)  # one buffer for every unit drawn whole
        # A dashed pen would restart its pattern on every short line: dash the columns instead.
        dashes = columns.index % sum(DASH_PIXELS) < DASH_PIXELS[0]
        for unit in self._order:
            if not self._visible[unit]:
                continue
            pen = self._pen(unit, WIDE_PEN_POINTS + 1)  # 1 px: the columns make the band
            drawn = finite[:, unit]
            if pen.style() != Qt.PenStyle.SolidLine:
                pen = QPen(pen)
                pen.setStyle(Qt.PenStyle.SolidLine)
                painter.setPen(pen)
                x = columns.x[drawn & dashes]
                _draw_segments(painter, x, lows[drawn & dashes, unit], x, highs[drawn & dashes, unit])
                continue
            painter.setPen(pen)
            if whole[unit]:
                path.draw(painter, lows[:, unit], highs[:, unit])
                continue
            for run in _true_runs(drawn):
                ColumnPath(columns.x[run], up[run]).draw(painter, lows[run, unit], highs[run, unit])

    def _rows_in_view(self) -> tuple[np.ndarray, np.ndarray]:
        """The rows inside the view's x range, one more each side so lines leave the edges."""
        x, y = self._x, self._y
        view = self.getViewBox()
        if view is not None and len(x) > 2:
            (low, high), _ = view.viewRange()
            first = max(int(np.searchsorted(x, low, "left")) - 1, 0)
            last = min(int(np.searchsorted(x, high, "right")) + 1, len(x))
            x, y = x[first:last], y[first:last]
        return x, y


class Room(NamedTuple):
    """What a :class:`UnitCurves` bounding rect holds before its padding: data up to x =
    ``right`` with y from ``bottom`` to ``top``; ``pad_x`` is its padding in x (data units)."""

    right: float
    bottom: float
    top: float
    pad_x: float


class PixelColumns(NamedTuple):
    """Rows grouped by the pixel column they fall in: ``starts`` indexes each column's first row,
    ``x`` is each column's centre in device pixels, and ``index`` numbers the columns from the
    one where x = 0 lies. The index, not the device x, sets the dash pattern and which way each
    column is drawn: a partial repaint into a cache may paint with another device origin."""

    starts: np.ndarray
    x: np.ndarray
    index: np.ndarray


def _dense(x_device: np.ndarray) -> bool:
    """Whether rows at ``x_device`` (ascending device x) hold more than
    :data:`LINE_ROWS_PER_COLUMN` rows per pixel column on average: then they are drawn as pixel
    columns."""
    if len(x_device) < 3 or not np.isfinite(x_device[[0, -1]]).all():
        return False
    return len(x_device) > LINE_ROWS_PER_COLUMN * (abs(x_device[-1] - x_device[0]) + 1)


def _pixel_columns(x_device: np.ndarray, origin: float) -> PixelColumns:
    """The rows' pixel columns (``x_device`` ascending, finite; x = 0 lies at ``origin``)."""
    column = np.floor(x_device)
    starts = np.concatenate([[0], np.flatnonzero(np.diff(column)) + 1])
    return PixelColumns(starts, column[starts] + 0.5, column[starts].astype(np.int64) - math.floor(origin))


def _rows_between(x: np.ndarray, y: np.ndarray, rect: QRectF, margin: float) -> tuple[np.ndarray, np.ndarray]:
    """The rows whose x lies across ``rect`` (item coordinates) widened by ``margin`` on either
    side, and one more on either side."""
    first = max(int(np.searchsorted(x, rect.left() - margin, "left")) - 1, 0)
    last = min(int(np.searchsorted(x, rect.right() + margin, "right")) + 1, len(x))
    return x[first:last], y[first:last]


def _first_changed_row(old_x: np.ndarray, old_y: np.ndarray, x: np.ndarray, y: np.ndarray) -> int | None:
    """The first row where (``x``, ``y``) differs from (``old_x``, ``old_y``), counting a row
    only one of them has (or a NaN) as changed; ``None`` when they are the same."""
    if old_y.shape[1:] != y.shape[1:]:
        return 0
    common = min(len(old_x), len(x))
    differs = old_x[:common] != x[:common]
    differs |= (old_y[:common] != y[:common]).any(axis=1)
    found = np.flatnonzero(differs)
    if len(found):
        return int(found[0])
    return None if len(old_x) == len(x) else common


def _true_runs(mask: np.ndarray) -> list[slice]:
    """The slices of consecutive ``True`` in ``mask``."""
    if mask.all():
        return [slice(0, len(mask))]
    edges = np.flatnonzero(np.diff(np.concatenate([[False], mask, [False]]).astype(np.int8)))
    return [slice(a, b) for a, b in zip(edges[0::2], edges[1::2], strict=True)]


class ColumnPath:
    """One polyline covering pixel columns at ``x``: up (from low to high) where ``up``, down
    elsewhere (they alternate), so the steps between columns run along the band's edges. A
    polyline costs Qt a fraction of what as many separate lines do; its points are filled in
    place for each unit drawn."""

    def __init__(self, x: np.ndarray, up: np.ndarray) -> None:
        self._polyline = fn.create_qpolygonf(2 * len(x))
        self._points = fn.ndarray_from_qpolygonf(self._polyline)
        self._points[0::2, 0] = self._points[1::2, 0] = x
        self._up = up

    def draw(self, painter: QPainter, lows: np.ndarray, highs: np.ndarray) -> None:
        if len(self._up) == 0:
            return
        np.copyto(self._points[0::2, 1], np.where(self._up, lows, highs))
        np.copyto(self._points[1::2, 1], np.where(self._up, highs, lows))
        painter.drawPolyline(self._polyline)


class LinePath:
    """One polyline through the points at ``x``, its y filled in place for each unit drawn."""

    def __init__(self, x: np.ndarray) -> None:
        self._polyline = fn.create_qpolygonf(len(x))
        self._points = fn.ndarray_from_qpolygonf(self._polyline)
        self._points[:, 0] = x

    def draw(self, painter: QPainter, y: np.ndarray) -> None:
        if len(y) < 2:
            return
        self._points[:, 1] = y
        painter.drawPolyline(self._polyline)


def _draw_line(painter: QPainter, x: np.ndarray, y: np.ndarray, wide: bool) -> None:
    """A polyline through the points; a wide one as separate segments (Qt joins wide polylines
    very slowly)."""
    if len(x) < 2:
        return
    if wide:
        _draw_segments(painter, x[:-1], y[:-1], x[1:], y[1:])
        return
    polyline = fn.create_qpolygonf(len(x))
    points = fn.ndarray_from_qpolygonf(polyline)
    points[:, 0], points[:, 1] = x, y
    painter.drawPolyline(polyline)


def _draw_segments(painter: QPainter, x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray) -> None:
    """The lines (x1, y1)–(x2, y2), in one call."""
    if len(x1) == 0:
        return
    segments = pg.Qt.internals.PrimitiveArray(QLineF, 4)
    segments.resize(len(x1))
    lines = segments.ndarray()
    lines[:, 0], lines[:, 1], lines[:, 2], lines[:, 3] = x1, y1, x2, y2
    painter.drawLines(*segments.drawargs())


def _draw_dots(painter: QPainter, x: np.ndarray, y: np.ndarray, pen: QPen) -> None:
    radius = DOT_RADIUS * (1.5 if pen.widthF() > 2 else 1.0)
    painter.setBrush(pen.color())
    for px, py in zip(x.tolist(), y.tolist(), strict=True):
        if np.isfinite(py):
            painter.drawEllipse(QPointF(px, py), radius, radius)


class UnitCurve:
    """One unit's curve in a :class:`UnitCurves`, with the face of a curve the legend draws.

    ``opts`` holds what :class:`pyqtgraph.LegendItem` samples read: the pen, and a dot while
    the history is short.
    """

    def __init__(self, curves: UnitCurves, unit: int, name: str) -> None:
        self._curves, self.unit, self._name = curves, unit, name

    def name(self) -> str:
        return self._name

    @property
    def xData(self) -> np.ndarray:
        return self._curves.x

    @property
    def yData(self) -> np.ndarray:
        return self._curves.y[:, self.unit]

    def getData(self) -> tuple[np.ndarray, np.ndarray]:
        return self.xData, self.yData

    @property
    def opts(self) -> dict[str, object]:
        pen = self._curves.pen(self.unit)
        dotted = self._curves.dotted
        return {
            "pen": pen,
            "antialias": False,
            "symbol": "o" if dotted else None,
            "size": 2 * DOT_RADIUS,
            "brush": pen.color(),
        }

    def isVisible(self) -> bool:
        return self._curves.unit_visible(self.unit)

    def setVisible(self, visible: bool) -> None:
        self._curves.set_unit_visible(self.unit, visible)


__all__ = ["DEVICE_LIMIT", "WIDE_PEN_POINTS", "UnitCurve", "UnitCurves"]
