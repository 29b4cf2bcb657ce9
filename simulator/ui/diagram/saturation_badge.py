"""The "saturated" badge on a dense layer whose pre-activation exceeds ±30 at the shown step."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from simulator.ui.diagram import style

BADGE_COLOR = QColor("#c5221f")
"""A red that reads on the light, dark and high-contrast diagram alike (white text on it)."""
FONT_SIZE = 20


class SaturationBadge(QGraphicsItem):
    """A red pill reading "saturated" (and how many units), centred on its position; hidden when none."""

    def __init__(self, part: str) -> None:
        super().__init__()
        self.part = part
        self._units = 0
        self.setZValue(4)
        self.setVisible(False)

    @property
    def units(self) -> int:
        """How many units saturate at the shown step (0: the badge is hidden)."""
        return self._units

    @property
    def text(self) -> str:
        return "saturated" if self._units <= 1 else f"saturated ×{self._units}"

    def set_units(self, count: int, tooltip: str = "") -> None:
        """Show the badge for ``count`` saturated units (hide it for 0), with ``tooltip`` on hover."""
        count = int(count)
        if count != self._units:
            self.prepareGeometryChange()
            self._units = count
        self.setToolTip(tooltip)
        self.setVisible(count > 0)
        self.update()

    def boundingRect(self) -> QRectF:
        width = 16.0 + 0.62 * FONT_SIZE * style.TEXT_SCALE * len(self.text)
        height = 1.7 * FONT_SIZE * style.TEXT_SCALE
        return QRectF(-width / 2, -height / 2, width, height)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        rect = self.boundingRect()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BADGE_COLOR)
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.setPen(QColor("#ffffff"))
        painter.setFont(style.font(FONT_SIZE))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.text)


__all__ = ["BADGE_COLOR", "SaturationBadge"]
