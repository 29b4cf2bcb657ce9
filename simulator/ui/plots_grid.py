"""An axis whose grid lines cost next to nothing to draw.

pyqtgraph draws a plot's grid as the axis's ticks stretched across the plot, in
a translucent pen. Qt's raster engine strokes a translucent line one pixel at a
time: a plot's dozen grid lines take about 2 ms, and an auto-ranged plot redraws
its left axis on every change of the data. Filled, the same one-pixel-wide strips
take a hundredth of that, and look the same.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

_EPSILON = 1e-6


def _thin_solid(pen: QPen) -> bool:
    return (
        pen.style() == Qt.PenStyle.SolidLine
        and pen.brush().style() == Qt.BrushStyle.SolidPattern
        and pen.isCosmetic()
        and pen.widthF() <= 1.0
    )


class GridAxis(pg.AxisItem):
    """A :class:`pyqtgraph.AxisItem` drawing its horizontal and vertical tick and grid lines as
    one-device-pixel rectangles (the pixels a one-pixel cosmetic line would cover).

    Other lines, and drawing under a rotation, are left to pyqtgraph.
    """

    def __init__(self, orientation: str, **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        # No units, so no SI prefix: otherwise every range change rewrites the label's HTML.
        self.enableAutoSIPrefix(False)
        self._pixel: tuple[float, float] | None = None
        """One device pixel in item units (x, y), as of the last paint; None: draw lines."""

    def paint(self, p: QPainter, opt: QStyleOptionGraphicsItem, widget: QWidget | None) -> None:
        m = p.deviceTransform()
        axis_aligned = m.m12() == 0 and m.m21() == 0 and m.m11() > 0 and m.m22() > 0
        pixel = (1.0 / m.m11(), 1.0 / m.m22()) if axis_aligned else None
        if pixel != self._pixel:
            self._pixel = pixel
            self.picture = None  # drawn for another scale (an export, another screen)
        super().paint(p, opt, widget)

    def drawPicture(self, p: QPainter, axisSpec: tuple, tickSpecs: list, textSpecs: list) -> None:
        if self._pixel is None:
            super().drawPicture(p, axisSpec, tickSpecs, textSpecs)
            return
        px, py = self._pixel
        lines = []
        for pen, p1, p2 in tickSpecs:
            rect = _strip(p1, p2, px, py) if _thin_solid(pen) else None
            if rect is None:
                lines.append((pen, p1, p2))
            else:
                p.fillRect(rect, pen.color())
        super().drawPicture(p, axisSpec, lines, textSpecs)


def _strip(p1: QPointF, p2: QPointF, px: float, py: float) -> QRectF | None:
    """The rectangle of the pixels an aliased one-pixel line from p1 to p2 covers, if it is
    horizontal or vertical (pixel centres inside it are filled)."""
    x1, y1, x2, y2 = p1.x(), p1.y(), p2.x(), p2.y()
    if y1 == y2:
        left, right = min(x1, x2), max(x1, x2)
        return QRectF(left - (0.5 - _EPSILON) * px, y1 - (0.5 - _EPSILON) * py, right - left + px, py)
    if x1 == x2:
        top, bottom = min(y1, y2), max(y1, y2)
        return QRectF(x1 - (0.5 - _EPSILON) * px, top - (0.5 - _EPSILON) * py, px, bottom - top + py)
    return None


__all__ = ["GridAxis"]
