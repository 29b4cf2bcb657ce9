"""The scene of one variant's cell, built from its layout with the main diagram's items."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsScene, QStyleOptionGraphicsItem, QWidget

from simulator.ui.diagram import style
from simulator.ui.diagram.items import LabelItem, NodeItem, VectorItem, WireItem
from simulator.ui.diagram.legend import LegendItem
from simulator.ui.diagram.scene import SCENE_MARGIN, mean_magnitude, row_edge
from simulator.ui.variants.layouts import BOX_CAPTIONS, VariantLayout, build_variant_layout
from simulator.variants import variant

NOTE_SIZE = 26


class VariantNodeItem(NodeItem):
    """A node of a variant: boxes captioned from :data:`BOX_CAPTIONS`, and the "1 −" node."""

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if self.shape_kind != "one_minus":
            super().paint(painter, option, widget)
            return
        rect = self.outline_rect()
        width = style.SELECTED_WIDTH if self._selected else style.OUTLINE_WIDTH
        painter.setPen(QPen(style.SELECTED if self._selected else style.INK, width))
        painter.setBrush(style.NODE_FILL)
        painter.drawEllipse(rect)
        painter.setPen(style.INK)
        painter.setFont(style.font(22))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "1−")

    def _paint_box_text(self, painter: QPainter, rect) -> None:
        symbol, caption = BOX_CAPTIONS[self.part]
        painter.setPen(style.INK)
        painter.setFont(style.font(36 if symbol == "σ" else 30))
        painter.drawText(rect.adjusted(0, 4, 0, -rect.height() * 0.36), Qt.AlignmentFlag.AlignCenter, symbol)
        painter.setPen(style.MUTED)
        painter.setFont(style.font(19, bold=False))
        painter.drawText(rect.adjusted(0, rect.height() * 0.58, 0, -6), Qt.AlignmentFlag.AlignCenter, caption)


class DashedWireItem(WireItem):
    """A peephole: drawn like a wire of its magnitude, but dashed."""

    def pen(self) -> QPen:
        pen = super().pen()
        pen.setStyle(Qt.PenStyle.DashLine)
        return pen


class VariantScene(QGraphicsScene):
    """One variant's cell: rows, layers, nodes, wires, the step caption and the colour legend."""

    def __init__(self, key: str, hidden_size: int, input_size: int) -> None:
        super().__init__()
        self.build(key, hidden_size, input_size)

    def build(self, key: str, hidden_size: int, input_size: int) -> None:
        """Replace every item with the diagram of variant ``key`` for sizes H and D."""
        self.clear()
        self.key = key
        layout = build_variant_layout(key, hidden_size, input_size)
        self.layout_: VariantLayout = layout
        parts = variant(key).parts
        box = QPainterPath()
        box.addRoundedRect(layout.cell_box, 36, 36)
        self.cell_box = QGraphicsPathItem(box)
        self.cell_box.setZValue(-1)
        self.addItem(self.cell_box)
        self.wires: list[WireItem] = []
        for w in layout.wires:
            item = (DashedWireItem if w.dashed else WireItem)(w.part, w.points, w.arrow, w.start_dot)
            self.addItem(item)
            self.wires.append(item)
        self.nodes: list[VariantNodeItem] = []
        for node in layout.nodes:
            item = VariantNodeItem(node.part, node.shape)
            item.setPos(node.center)
            self.addItem(item)
            self.nodes.append(item)
        self.vectors: dict[str, VectorItem] = {}
        self.labels: dict[str, LabelItem] = {}
        for name, at in layout.rows.items():
            vector = VectorItem(name, layout.grid_of(name))
            vector.setPos(at)
            self.addItem(vector)
            self.vectors[name] = vector
            label = LabelItem(name, f"<i>{parts[name].html}</i>")
            self.addItem(label)
            label.place(row_edge(vector, layout.labels[name]), layout.labels[name])
            self.labels[name] = label
        for html, anchor, side in layout.notes:
            note = LabelItem(None, f"<i>{html}</i>", size=NOTE_SIZE, muted=True)
            self.addItem(note)
            note.place(anchor, side, gap=6.0)
        self.header = LabelItem(None, "", size=30)
        self.header.setPos(layout.header)
        self.legend = LegendItem()
        self.legend.setPos(layout.legend)
        self.addItem(self.header)
        self.addItem(self.legend)
        m = SCENE_MARGIN
        self.setSceneRect(self.itemsBoundingRect().adjusted(-m, -m, m, m))
        self.recolor()

    def recolor(self) -> None:
        """Take the background, outline and captions' colours from the active palette."""
        self.setBackgroundBrush(style.BACKGROUND)
        self.cell_box.setPen(QPen(style.CELL_EDGE, style.OUTLINE_WIDTH))
        self.cell_box.setBrush(style.CELL_FILL)
        for item in self.items():
            if isinstance(item, LabelItem):
                item.recolor()
        self.update()

    def show_values(self, values: dict[str, np.ndarray | None], header: str) -> None:
        """Recolour every row and wire from ``values`` (part → vector or ``None``) and set the caption."""
        for name, vector in self.vectors.items():
            vector.set_values(values.get(name))
        bus = None
        if values.get("hidden_prev") is not None and values.get("inputs") is not None:
            bus = np.concatenate([values["hidden_prev"], values["inputs"]])
        for wire in self.wires:
            wire.set_magnitude(mean_magnitude(bus if wire.part == "bus" else values.get(wire.part)))
        self.header.setHtml(header)

    def select(self, part: str) -> None:
        """Outline the rows and nodes of ``part``, and no other."""
        for name, vector in self.vectors.items():
            vector.set_selected(name == part)
        for node in self.nodes:
            node.set_selected(node.part == part)


__all__ = ["DashedWireItem", "VariantNodeItem", "VariantScene"]
