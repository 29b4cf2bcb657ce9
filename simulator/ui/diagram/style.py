"""Fonts, pens and colours of the diagram, chosen to read well on a projector."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont

FONT_FAMILY = "DejaVu Sans"

BACKGROUND = QColor("#ffffff")
INK = QColor("#1a1a1a")
MUTED = QColor("#5f6368")
CELL_FILL = QColor("#f3f6fa")
CELL_EDGE = QColor("#9aa7b8")
BOX_FILL = QColor("#ffe28a")
NODE_FILL = QColor("#f7c6d9")
SELECTED = QColor("#ff6d00")
NOT_COMPUTED = QColor("#d4d4d4")
NOT_COMPUTED_HATCH = QColor("#b0b0b0")
WIRE_QUIET = QColor("#b8bcc2")
WIRE_LOUD = QColor("#1f2328")

OUTLINE_WIDTH = 3.0
SELECTED_WIDTH = 7.0
WIRE_MIN_WIDTH = 3.0
WIRE_MAX_WIDTH = 11.0
ARROW_LENGTH = 22.0
ARROW_HALF_WIDTH = 11.0


def font(pixel_size: float, bold: bool = True, italic: bool = False) -> QFont:
    """The diagram's font at a size in scene units (so it scales with the view)."""
    f = QFont(FONT_FAMILY)
    f.setPixelSize(max(round(pixel_size), 1))
    f.setBold(bold)
    f.setItalic(italic)
    return f


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``a`` moved towards ``b`` by ``amount`` (0 gives ``a``, 1 gives ``b``)."""
    t = min(max(amount, 0.0), 1.0)
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )
