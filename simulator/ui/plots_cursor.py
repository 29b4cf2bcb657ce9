"""The step number written beside the time cursor of the top-left history plot.

pyqtgraph's own line label re-lays out rich text and maps the whole view into
the line's coordinates each time the line moves: half a millisecond a step,
more than the six cursors themselves. :class:`CursorLabel` is one line of plain
text on a light patch, drawn in device pixels (it keeps its size whatever the
zoom), moved with the cursor and rewritten only when the number changes.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QGraphicsItem, QGraphicsObject, QStyleOptionGraphicsItem, QWidget

HEIGHT_SHARE = 0.9
"""The label sits this share of the way up the plot."""

GAP_PIXELS = 6.0
"""Room between the cursor and the label."""

PADDING_PIXELS = 3.0


class CursorLabel(QGraphicsObject):
    """``t = 12`` beside a vertical cursor, on the side of the plot with more room.

    Parameters
    ----------
    color, fill : QColor
        The text's colour and the patch's behind it.
    """

    def __init__(self, color: QColor, fill: QColor) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setZValue(11)  # over the cursor
        self._color, self._fill = QColor(color), QColor(fill)
        self._font = QFont()
        self._text = ""
        self._on_left = False
        self._rect = QRectF()
        self._step = 0.0

    @property
    def text(self) -> str:
        return self._text

    @property
    def on_left(self) -> bool:
        """Whether the label is left of the cursor (the cursor is in the right half of the plot)."""
        return self._on_left

    def show_step(self, t: float, view_range: list[list[float]]) -> None:
        """Write ``t`` beside the cursor at x = ``t`` of a plot showing ``view_range``
        ([[x0, x1], [y0, y1]], pyqtgraph's ``viewRange()``)."""
        self._step = t
        (x0, x1), (y0, y1) = view_range
        text, on_left = f"t = {t:.0f}", t > (x0 + x1) / 2
        if text != self._text or on_left != self._on_left:
            self.prepareGeometryChange()
            self._text, self._on_left = text, on_left
            self._rect = self._text_rect()
        self.setPos(t, y0 + HEIGHT_SHARE * (y1 - y0))

    def follow_view(self, view_range: list[list[float]]) -> None:
        """The plot's range changed: keep the label at its height and on the roomier side."""
        self.show_step(self._step, view_range)

    def _text_rect(self) -> QRectF:
        metrics = QFontMetricsF(self._font)
        width = metrics.horizontalAdvance(self._text) + 2 * PADDING_PIXELS
        height = metrics.height() + PADDING_PIXELS
        left = -GAP_PIXELS - width if self._on_left else GAP_PIXELS
        return QRectF(left, -height / 2, width, height)

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.fillRect(self._rect, self._fill)
        painter.setFont(self._font)
        painter.setPen(self._color)
        painter.drawText(self._rect, Qt.AlignmentFlag.AlignCenter, self._text)


__all__ = ["CursorLabel"]
