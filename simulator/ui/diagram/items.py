"""The graphics items of the diagram: vector rows, dense layers and pointwise nodes, wires.

Each item is built once per layout and changes only through a setter that
stores the new state and calls ``update()``; ``paint`` draws from that state
in a single pass and ``boundingRect`` never changes after construction.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsTextItem, QStyleOptionGraphicsItem, QWidget

from simulator.parts import GATE_OF_PART, PARTS
from simulator.ui import colors
from simulator.ui.diagram import style
from simulator.ui.diagram.layout import BOX_SIZE, NODE_RADIUS, OVAL_SIZE, Grid, NodeShape

VALUE_FONT_SIZE = 21
VALUE_FONT_LIMIT = 24
"""The largest value font the cells hold ("-0.00" still fits a cell at this size)."""
LABEL_FONT_SIZE = 34


def part_of(item: QGraphicsItem | None) -> str | None:
    """The part an item (or one of its parents) stands for, or ``None``."""
    while item is not None:
        part = getattr(item, "part", None)
        if isinstance(part, str):
            return part
        item = item.parentItem()
    return None


def format_value(value: float) -> str:
    """A value as printed in a cell: two decimals, never ``-0.00``."""
    return f"{round(float(value), 2) + 0.0:.2f}"


class VectorItem(QGraphicsItem):
    """One vector as a grid of cells, one per unit, coloured by value.

    Centred on its position. Small vectors print each value; large ones are
    painted as one image of ``columns × lines`` pixels scaled up without
    smoothing, so 1024 units cost one ``drawImage``. One unit's cell may be
    outlined as the selected unit (:meth:`set_highlighted_unit`).

    Parameters
    ----------
    part : str
        The part shown (a name of :data:`simulator.parts.PART_NAMES`).
    grid : Grid
        The arrangement of the cells.
    """

    def __init__(self, part: str, grid: Grid) -> None:
        super().__init__()
        self.part = part
        self.grid = grid
        self.kind = colors.kind_of(part)
        self._values: np.ndarray | None = None
        self._rgba: np.ndarray | None = None
        self._image: QImage | None = None
        self._cells: list[tuple[QRectF, QColor, QColor, str]] | None = None
        self._selected = False
        self._unit: int | None = None
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(2)

    def cells_rect(self) -> QRectF:
        """The rectangle covered by the cells, in item coordinates."""
        w, h = self.grid.width, self.grid.height
        return QRectF(-w / 2, -h / 2, w, h)

    def boundingRect(self) -> QRectF:
        # Room for the part's outline and for a unit's outline, which may stick out of a compact strip.
        unit = style.MIN_UNIT_HIGHLIGHT / 2 + style.UNIT_HIGHLIGHT_WIDTH / 2 + style.UNIT_HALO_WIDTH
        m = max(style.SELECTED_WIDTH, unit)
        return self.cells_rect().adjusted(-m, -m, m, m)

    # ------------------------------------------------------------ state
    def set_values(self, values: np.ndarray | None) -> None:
        """Show ``values`` (one per unit), or grey "not computed yet" cells for ``None``."""
        self._cells = None  # what each text cell shows, worked out at the next paint
        if values is None:
            self._values = self._rgba = self._image = None
        else:
            self._values = np.array(values, dtype=float)
            self._rgba = colors.rgba(self._values, self.kind)
            if not self.grid.text:
                self._image = self._strip_image(self._rgba)
        self.update()

    def _strip_image(self, rgba: np.ndarray) -> QImage:
        g = self.grid
        pixels = np.zeros((g.columns * g.lines, 4), dtype=np.uint8)
        pixels[: g.units] = rgba
        data = np.ascontiguousarray(pixels.reshape(g.lines, g.columns, 4))
        image = QImage(data.data, g.columns, g.lines, g.columns * 4, QImage.Format.Format_RGBA8888)
        return image.copy()  # own the pixels: ``data`` goes away with this frame

    def set_selected(self, selected: bool) -> None:
        """Outline the row as the selected part."""
        if selected != self._selected:
            self._selected = selected
            self.update()

    def set_highlighted_unit(self, unit: int | None) -> None:
        """Outline the cell of ``unit`` as the selected unit (``None``, or a unit this row lacks: none)."""
        if unit is not None and not 0 <= unit < self.grid.units:
            unit = None
        if unit != self._unit:
            self._unit = unit
            self.update()

    @property
    def highlighted_unit(self) -> int | None:
        """The unit whose cell is outlined, or ``None``."""
        return self._unit

    def highlight_rect(self, unit: int) -> QRectF:
        """Where the outline of ``unit`` is drawn (the middle of its pen), in item coordinates.

        The cell itself, grown to :data:`style.MIN_UNIT_HIGHLIGHT` around its centre when the
        cells are smaller (compact strips of many units).
        """
        cell = self.cell_rect(unit)
        size = style.MIN_UNIT_HIGHLIGHT
        grow_x, grow_y = max(size - cell.width(), 0.0) / 2, max(size - cell.height(), 0.0) / 2
        return cell.adjusted(-grow_x, -grow_y, grow_x, grow_y)

    @property
    def computed(self) -> bool:
        return self._values is not None

    def colors(self) -> list[QColor]:
        """The current fill of each unit's cell."""
        if self._rgba is None:
            return [QColor(style.NOT_COMPUTED) for _ in range(self.grid.units)]
        return [QColor(int(r), int(g), int(b), int(a)) for r, g, b, a in self._rgba]

    def texts(self) -> list[str]:
        """The value printed in each cell ("" when nothing is printed)."""
        if self._values is None or not self.grid.text:
            return [""] * self.grid.units
        return [format_value(v) for v in self._values]

    def value(self, unit: int) -> float | None:
        """The value of one unit, or ``None`` when not computed yet."""
        return None if self._values is None else float(self._values[unit])

    def cell_rect(self, unit: int) -> QRectF:
        """One unit's cell, in item coordinates."""
        g = self.grid
        line, column = divmod(unit, g.columns)
        left, top = -g.width / 2, -g.height / 2
        return QRectF(left + column * g.cell_width, top + line * g.cell_height, g.cell_width, g.cell_height)

    def unit_at(self, pos: QPointF) -> int | None:
        """The unit whose cell contains ``pos`` (item coordinates), or ``None``."""
        g = self.grid
        x, y = pos.x() + g.width / 2, pos.y() + g.height / 2
        if not (0 <= x < g.width and 0 <= y < g.height):
            return None
        unit = int(y // g.cell_height) * g.columns + int(x // g.cell_width)
        return unit if unit < g.units else None

    # ------------------------------------------------------------ painting
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        rect = self.cells_rect()
        painter.fillRect(rect, style.CELL_FILL)
        if self._values is None:
            self._paint_not_computed(painter, rect)
        elif self.grid.text:
            self._paint_text_cells(painter)
        elif self._image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            painter.drawImage(rect, self._image)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self._selected:
            pen = QPen(style.SELECTED, style.SELECTED_WIDTH)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
        else:
            painter.setPen(QPen(style.INK, 2.0))
        painter.drawRect(rect)
        if self._unit is not None:
            self._paint_unit_outline(painter, self.highlight_rect(self._unit))

    @staticmethod
    def _paint_unit_outline(painter: QPainter, rect: QRectF) -> None:
        """A thick outline in the highlight colour between two thin lines of the background colour."""
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for color, width in (
            (style.BACKGROUND, style.UNIT_HIGHLIGHT_WIDTH + 2 * style.UNIT_HALO_WIDTH),
            (style.UNIT_HIGHLIGHT, style.UNIT_HIGHLIGHT_WIDTH),
        ):
            pen = QPen(color, width)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            painter.drawRect(rect)

    def _paint_not_computed(self, painter: QPainter, rect: QRectF) -> None:
        hatch = QBrush(style.NOT_COMPUTED_HATCH, Qt.BrushStyle.BDiagPattern)
        if self.grid.text:
            for unit in range(self.grid.units):
                cell = self.cell_rect(unit).adjusted(1.5, 1.5, -1.5, -1.5)
                painter.fillRect(cell, style.NOT_COMPUTED)
                painter.fillRect(cell, hatch)
        else:
            painter.fillRect(rect, style.NOT_COMPUTED)
            painter.fillRect(rect, hatch)

    def _paint_text_cells(self, painter: QPainter) -> None:
        if self._cells is None:
            self._cells = [
                (
                    self.cell_rect(unit).adjusted(1.5, 1.5, -1.5, -1.5),
                    color,
                    colors.text_color_on(color),
                    text,
                )
                for unit, (color, text) in enumerate(zip(self.colors(), self.texts(), strict=True))
            ]
        painter.setFont(style.font(VALUE_FONT_SIZE, limit=VALUE_FONT_LIMIT))
        for cell, color, text_color, text in self._cells:
            painter.fillRect(cell, color)
            painter.setPen(text_color)
            painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, text)


class NodeItem(QGraphicsItem):
    """A dense layer (a box: σ or tanh) or a pointwise operation (×, +, tanh), centred on its position."""

    def __init__(self, part: str, shape: NodeShape) -> None:
        super().__init__()
        self.part = part
        self.shape_kind = shape
        self._selected = False
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(1)
        # Drawn once into a pixmap: values changing around it repaint it from there.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def outline_rect(self) -> QRectF:
        if self.shape_kind == "box":
            w, h = BOX_SIZE
        elif self.shape_kind == "oval":
            w, h = OVAL_SIZE
        else:
            w = h = 2 * NODE_RADIUS
        return QRectF(-w / 2, -h / 2, w, h)

    def boundingRect(self) -> QRectF:
        m = style.SELECTED_WIDTH
        return self.outline_rect().adjusted(-m, -m, m, m)

    def set_selected(self, selected: bool) -> None:
        """Outline the node as the selected part."""
        if selected != self._selected:
            self._selected = selected
            self.update()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        rect = self.outline_rect()
        if self._selected:
            painter.setPen(QPen(style.SELECTED, style.SELECTED_WIDTH))
        else:
            painter.setPen(QPen(style.INK, style.OUTLINE_WIDTH))
        if self.shape_kind == "box":
            painter.setBrush(style.BOX_FILL)
            painter.drawRoundedRect(rect, 14, 14)
            self._paint_box_text(painter, rect)
            return
        painter.setBrush(style.NODE_FILL)
        painter.drawEllipse(rect)
        if self.shape_kind == "oval":
            painter.setPen(style.INK)
            painter.setFont(style.font(24))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "tanh")
            return
        arm = NODE_RADIUS * 0.45
        pen = QPen(style.INK, 5.0)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        if self.shape_kind == "times":
            d = arm * math.sqrt(0.5)
            painter.drawLine(QPointF(-d, -d), QPointF(d, d))
            painter.drawLine(QPointF(-d, d), QPointF(d, -d))
        else:
            painter.drawLine(QPointF(-arm, 0), QPointF(arm, 0))
            painter.drawLine(QPointF(0, -arm), QPointF(0, arm))

    def _paint_box_text(self, painter: QPainter, rect: QRectF) -> None:
        gate = GATE_OF_PART[self.part]
        symbol = "tanh" if gate == "candidate" else "σ"
        caption = gate if gate == "candidate" else f"{gate} gate"
        painter.setPen(style.INK)
        painter.setFont(style.font(36 if symbol == "σ" else 30))
        painter.drawText(rect.adjusted(0, 4, 0, -rect.height() * 0.36), Qt.AlignmentFlag.AlignCenter, symbol)
        painter.setPen(style.MUTED)
        painter.setFont(style.font(19, bold=False))
        painter.drawText(rect.adjusted(0, rect.height() * 0.58, 0, -6), Qt.AlignmentFlag.AlignCenter, caption)


class WireItem(QGraphicsItem):
    """A polyline with an optional arrowhead, as thick and dark as the vector it carries is large.

    Parameters
    ----------
    part : str
        What it carries (a part name, or ``"bus"`` for [h_{t-1}, x_t]).
    points : sequence of QPointF
        The corners, from source to destination.
    arrow : bool
        Draw an arrowhead at the last point.
    start_dot : bool
        Mark the first point as a junction.
    """

    DOT_RADIUS = 8.0

    def __init__(self, part: str, points: tuple[QPointF, ...], arrow: bool = True, start_dot: bool = False):
        super().__init__()
        self.part = part
        self.points = points
        self.arrow = arrow
        self.start_dot = start_dot
        self._magnitude: float | None = None
        self._path = QPainterPath(points[0])
        tip, before = points[-1], points[-2]
        end = tip
        if arrow:  # stop the line inside the arrowhead so its cap does not poke through the tip
            dx, dy = tip.x() - before.x(), tip.y() - before.y()
            length = math.hypot(dx, dy) or 1.0
            back = min(style.ARROW_LENGTH * 0.7, length)
            end = QPointF(tip.x() - dx / length * back, tip.y() - dy / length * back)
        for p in (*points[1:-1], end):
            self._path.lineTo(p)
        self._bounds = QRectF(self._path.boundingRect()).united(QRectF(tip, tip))
        margin = max(style.WIRE_MAX_WIDTH, style.ARROW_LENGTH, 2 * self.DOT_RADIUS)
        self._bounds.adjust(-margin, -margin, margin, margin)
        self.setZValue(0)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        """The line itself widened to be easy to hit, so clicks beside an L-shaped wire miss it."""
        stroker = QPainterPathStroker()
        stroker.setWidth(2 * style.WIRE_MAX_WIDTH)
        return stroker.createStroke(self._path)

    def set_magnitude(self, magnitude: float | None) -> None:
        """The mean absolute value carried now, or ``None`` when nothing flows yet; repainted
        only when that changes the line (see :func:`wire_level`)."""
        if magnitude != self._magnitude:
            drawn = wire_level(self._magnitude)
            self._magnitude = magnitude
            if wire_level(magnitude) != drawn:
                self.update()

    @property
    def magnitude(self) -> float | None:
        return self._magnitude

    def pen(self) -> QPen:
        """Width and darkness grow with the magnitude; dashed grey when nothing flows."""
        step = wire_level(self._magnitude)
        if step is None:
            pen = QPen(style.WIRE_QUIET, style.WIRE_MIN_WIDTH, Qt.PenStyle.DashLine)
        else:
            level = step / WIRE_LEVELS
            width = style.WIRE_MIN_WIDTH + (style.WIRE_MAX_WIDTH - style.WIRE_MIN_WIDTH) * level
            pen = QPen(style.mix(style.WIRE_QUIET, style.WIRE_LOUD, 0.3 + 0.7 * level), width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        return pen

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        pen = self.pen()
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(pen.color())
        if self.start_dot:
            r = self.DOT_RADIUS
            painter.drawEllipse(self.points[0], r, r)
        if self.arrow:
            painter.drawPolygon(self._arrowhead(pen.widthF()))

    def _arrowhead(self, width: float) -> QPolygonF:
        tip, before = self.points[-1], self.points[-2]
        dx, dy = tip.x() - before.x(), tip.y() - before.y()
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        half = max(style.ARROW_HALF_WIDTH, width)
        base = QPointF(tip.x() - ux * style.ARROW_LENGTH, tip.y() - uy * style.ARROW_LENGTH)
        return QPolygonF([tip, base + QPointF(-uy * half, ux * half), base + QPointF(uy * half, -ux * half)])


WIRE_LEVELS = 64
"""A wire's width and shade take this many steps from quiet to loud: a change of magnitude
smaller than a step (a fraction of a pixel, a shade the eye cannot tell) repaints nothing."""


def wire_level(magnitude: float | None) -> int | None:
    """The step, 0..:data:`WIRE_LEVELS`, a wire carrying ``magnitude`` is drawn at: the square
    root of |magnitude| (at most 1), rounded; ``None`` for nothing flowing."""
    if magnitude is None:
        return None
    return round(math.sqrt(min(abs(magnitude), 1.0)) * WIRE_LEVELS)


class LabelItem(QGraphicsTextItem):
    """A part's symbol in rich text (subscripts), clickable like the part itself."""

    def __init__(self, part: str | None, html: str, size: float = LABEL_FONT_SIZE, muted: bool = False):
        super().__init__()
        self.part = part
        self.muted = muted
        self.setFont(style.font(size))
        self.recolor()
        self._html = html
        self.setHtml(html)
        self.document().setDocumentMargin(2)
        if part is not None:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(3)
        # Laying out rich text is slow: drawn once into a pixmap, repainted from there.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set_html(self, html: str) -> None:
        """Show ``html`` (laying text out is slow: nothing is done when it is what is shown)."""
        if html != self._html:
            self._html = html
            self.setHtml(html)

    def recolor(self) -> None:
        """Take the text colour (ink, or muted for a caption) from the active palette."""
        self.setDefaultTextColor(style.MUTED if self.muted else style.INK)

    def place(self, anchor: QPointF, side: str, gap: float = 10.0) -> None:
        """Put the label on ``side`` of ``anchor`` (a point on the edge of what it names)."""
        r = self.boundingRect()
        x = {"left": anchor.x() - gap - r.width(), "right": anchor.x() + gap}.get(
            side, anchor.x() - r.width() / 2
        )
        y = {"above": anchor.y() - gap - r.height(), "below": anchor.y() + gap}.get(
            side, anchor.y() - r.height() / 2
        )
        self.setPos(x, y)


def symbol_html(part: str) -> str:
    """The part's symbol, italic as in the equations."""
    return f"<i>{PARTS[part].html}</i>"
