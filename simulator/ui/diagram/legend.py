"""The colour legend on the scene: the gate map 0 → 1, the signed map −1 → +1, and "not computed"."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from simulator.ui import colors
from simulator.ui.diagram import style

BAR_WIDTH = 260.0
BAR_HEIGHT = 32.0
TITLE_WIDTH = 210.0
SWATCH = 32.0
GAP = 60.0
TICK_SIZE = 22
TITLE_SIZE = 24
STOPS = 33
"""Colour stops per bar: enough that the gradient follows the map's curve."""

BARS: tuple[tuple[str, colors.Kind, tuple[str, str, str]], ...] = (
    ("gates (σ)", "gate", ("0", "0.5", "1")),
    ("other values", "signed", ("−1", "0", "+1")),
)


def gradient_brush(kind: colors.Kind, rect: QRectF) -> QBrush:
    """A left-to-right gradient through the colour map of ``kind`` across ``rect``."""
    gradient = QLinearGradient(rect.topLeft(), rect.topRight())
    low, high = colors.value_range(kind)
    for position, (r, g, b, a) in zip(
        np.linspace(0.0, 1.0, STOPS), colors.rgba(np.linspace(low, high, STOPS), kind), strict=True
    ):
        gradient.setColorAt(float(position), QColor(int(r), int(g), int(b), int(a)))
    return QBrush(gradient)


class LegendItem(QGraphicsItem):
    """Two labelled colour bars and the "not computed yet" swatch, in one vector-drawn item.

    Its position is its top left corner.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(1)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # repainted from a pixmap

    def bar_rect(self, index: int) -> QRectF:
        """The colour bar of ``BARS[index]``, in item coordinates."""
        left = index * (TITLE_WIDTH + BAR_WIDTH + GAP) + TITLE_WIDTH
        return QRectF(left, 0.0, BAR_WIDTH, BAR_HEIGHT)

    def _swatch_rect(self) -> QRectF:
        return QRectF(len(BARS) * (TITLE_WIDTH + BAR_WIDTH + GAP), 0.0, SWATCH, BAR_HEIGHT)

    def boundingRect(self) -> QRectF:
        swatch = self._swatch_rect()
        return QRectF(0.0, -4.0, swatch.right() + 260.0, BAR_HEIGHT + TICK_SIZE + 20.0)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        for index, (title, kind, ticks) in enumerate(BARS):
            bar = self.bar_rect(index)
            painter.setPen(style.INK)
            # The legend's boxes have fixed sizes: its text does not grow with the text scale.
            painter.setFont(style.font(TITLE_SIZE, limit=TITLE_SIZE))
            title_rect = QRectF(bar.left() - TITLE_WIDTH, bar.top(), TITLE_WIDTH - 12.0, bar.height())
            painter.drawText(title_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, title)
            painter.fillRect(bar, gradient_brush(kind, bar))
            painter.setPen(QPen(style.INK, 2.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(bar)
            painter.setFont(style.font(TICK_SIZE, bold=False, limit=TICK_SIZE))
            for k, tick in enumerate(ticks):
                x = bar.left() + bar.width() * k / (len(ticks) - 1)
                painter.drawLine(QPointF(x, bar.bottom()), QPointF(x, bar.bottom() + 5.0))
                painter.drawText(
                    QRectF(x - 40.0, bar.bottom() + 4.0, 80.0, TICK_SIZE + 8.0),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    tick,
                )
        swatch = self._swatch_rect()
        painter.fillRect(swatch, style.NOT_COMPUTED)
        painter.fillRect(swatch, QBrush(style.NOT_COMPUTED_HATCH, Qt.BrushStyle.BDiagPattern))
        painter.setPen(QPen(style.INK, 2.0))
        painter.drawRect(swatch)
        painter.setFont(style.font(TITLE_SIZE, bold=False, limit=TITLE_SIZE))
        painter.drawText(
            QRectF(swatch.right() + 12.0, swatch.top(), 250.0, swatch.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            "not computed yet",
        )
