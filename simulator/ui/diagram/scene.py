"""The diagram's scene: builds the items once per layout and feeds them new values."""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsScene

from simulator.engine import StepResult
from simulator.parts import PART_NAMES, PARTS
from simulator.saturation import describe, saturated_units
from simulator.session import Session
from simulator.ui.diagram import style
from simulator.ui.diagram.gradient_overlay import BADGE_GAP, GradientBadgeItem, GradientGlowItem
from simulator.ui.diagram.items import LabelItem, NodeItem, VectorItem, WireItem, symbol_html
from simulator.ui.diagram.layout import BOX_SIZE, NODE_RADIUS, Layout, build_layout
from simulator.ui.diagram.legend import LegendItem
from simulator.ui.diagram.saturation_badge import SaturationBadge

INPUT_PARTS = ("inputs", "hidden_prev", "cell_prev")
"""Parts known before the step is computed (shown at t = 0)."""
SCENE_MARGIN = 40.0
PLAIN = "font-weight:normal"
"""Style of the unemphasised words of a caption."""


@contextmanager
def drawn_afresh(scene: QGraphicsScene) -> Iterator[None]:
    """Inside the block, items that a view repaints from a cached pixmap are painted afresh:
    rendering the scene to an image of another size or to SVG keeps lines sharp and text text."""
    cached = [item for item in scene.items() if item.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    modes = [item.cacheMode() for item in cached]
    for item in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        yield
    finally:
        for item, mode in zip(cached, modes, strict=True):
            item.setCacheMode(mode)


def current_values(session: Session) -> dict[str, np.ndarray | None]:
    """What each part holds at the session's current ``t``; ``None`` where not computed yet.

    At t = 0 only the initial state and the first input are known; from t = 1
    on every part comes from ``session.current_step()``.
    """
    result = session.current_step()
    if result is None:
        known = {"inputs": session.inputs[0], "hidden_prev": session.h0, "cell_prev": session.c0}
        return {name: known.get(name) for name in PART_NAMES}
    return {name: getattr(result, name) for name in PART_NAMES}


def mean_magnitude(values: np.ndarray | None) -> float | None:
    """The mean absolute value of a vector (what its wire shows), ``None`` for ``None``."""
    return None if values is None else float(np.mean(np.abs(values)))


class DiagramScene(QGraphicsScene):
    """The LSTM cell: vector rows, dense layers, pointwise nodes, wires, captions and the legend.

    Also holds the selected unit's outline in every H-sized row (:meth:`highlight_unit`) and,
    hidden until shown, the gradient overlay of the cell-state line (``gradient_glow`` and
    ``gradient_badge``, driven by :class:`~simulator.ui.diagram.gradient_overlay.GradientOverlay`).

    Parameters
    ----------
    hidden_size, input_size : int
        H and D: the sizes the items are built for; call :meth:`build` when they change.
    """

    def __init__(self, hidden_size: int, input_size: int) -> None:
        super().__init__()
        self.vectors: dict[str, VectorItem] = {}
        self.nodes: dict[str, NodeItem] = {}
        self.wires: list[WireItem] = []
        self.labels: dict[str, LabelItem] = {}
        self.highlighted_unit: int | None = None
        self.layout_: Layout = build_layout(hidden_size, input_size)
        self.build(hidden_size, input_size)

    def build(self, hidden_size: int, input_size: int) -> None:
        """Replace every item with new ones laid out for H = ``hidden_size`` and D = ``input_size``."""
        self.clear()
        self.layout_ = layout = build_layout(hidden_size, input_size)
        box = QPainterPath()
        box.addRoundedRect(layout.cell_box, 36, 36)
        self.cell_box = QGraphicsPathItem(box)
        self.cell_box.setZValue(-1)
        self.addItem(self.cell_box)

        self.wires = [WireItem(w.part, w.points, w.arrow, w.start_dot) for w in layout.wires]
        for wire in self.wires:
            self.addItem(wire)
        self.nodes = {}
        self.saturation_badges: dict[str, SaturationBadge] = {}
        for node in layout.nodes:
            item = NodeItem(node.part, node.shape)
            item.setPos(node.center)
            self.addItem(item)
            self.nodes[node.part] = item
            if node.shape == "box":  # a dense layer: its badge sits on the box's top right corner
                badge = SaturationBadge(node.part)
                badge.setPos(node.center + QPointF(BOX_SIZE[0] / 2, -BOX_SIZE[1] / 2))
                self.addItem(badge)
                self.saturation_badges[node.part] = badge
        self.vectors, self.labels = {}, {}
        for name in PART_NAMES:
            vector = VectorItem(name, layout.grid_of(name))
            vector.setPos(layout.rows[name])
            self.addItem(vector)
            self.vectors[name] = vector
            label = LabelItem(name, symbol_html(name))
            self.addItem(label)
            label.place(row_edge(vector, layout.labels[name]), layout.labels[name])
            self.labels[name] = label

        self.header = LabelItem(None, "", size=30)
        self.header.setPos(layout.header)
        self.step_label = LabelItem(None, "", size=28, muted=True)
        output = LabelItem(None, "<i>h<sub>t</sub></i> (output)", size=24, muted=True)
        output.place(layout.output_label, "above", gap=0.0)
        self.legend = LegendItem()
        self.legend.setPos(layout.legend)
        for item in (self.header, self.step_label, output, self.legend):
            self.addItem(item)
        self._build_gradient_overlay(layout)
        self.highlight_unit(self.highlighted_unit)
        m = SCENE_MARGIN
        self.setSceneRect(self.itemsBoundingRect().adjusted(-m, -m, m, m))
        self.recolor()

    def _build_gradient_overlay(self, layout: Layout) -> None:
        """The glow along the cell-state line and the badge on it, between + and the tanh column."""
        line_start = next(w for w in layout.wires if w.part == "cell_prev").points[0]
        line_end = next(w for w in layout.wires if w.part == "cell").points[-1]
        end = QPointF(line_end.x() - style.ARROW_LENGTH, line_end.y())
        self.gradient_glow = GradientGlowItem(line_start, end)
        self.addItem(self.gradient_glow)
        nodes = {node.part: node.center for node in layout.nodes}
        left = nodes["cell"].x() + NODE_RADIUS + 40.0
        right = nodes["cell_tanh"].x() + 70.0
        self.gradient_badge = GradientBadgeItem(right - left)
        self.gradient_badge.setPos(left, line_start.y() - BADGE_GAP)
        self.addItem(self.gradient_badge)

    def recolor(self) -> None:
        """Take the background, the cell's outline and the captions' colours from the active palette.

        The rows, nodes and wires read the palette when they paint; this only
        updates what is stored in items, and asks for a repaint.
        """
        self.setBackgroundBrush(style.BACKGROUND)
        self.cell_box.setPen(QPen(style.CELL_EDGE, style.OUTLINE_WIDTH))
        self.cell_box.setBrush(style.CELL_FILL)
        for item in self.items():
            if isinstance(item, LabelItem):
                item.recolor()
        self.update()

    def show_values(self, values: dict[str, np.ndarray | None], header: str, step_label: str) -> None:
        """Recolour every row and wire and rewrite the captions; no item is created or removed.

        ``header`` and ``step_label`` are rich text; an empty ``step_label`` hides it.
        """
        for name, vector in self.vectors.items():
            vector.set_values(values[name])
        bus = None
        if values["hidden_prev"] is not None and values["inputs"] is not None:
            bus = np.concatenate([values["hidden_prev"], values["inputs"]])
        for wire in self.wires:
            wire.set_magnitude(mean_magnitude(bus if wire.part == "bus" else values[wire.part]))
        self.header.set_html(header)
        self.step_label.set_html(step_label)
        self.step_label.setVisible(bool(step_label))
        self.step_label.place(self.layout_.step_label, "below", gap=0.0)

    def show_saturation(self, step: StepResult | None) -> None:
        """Badge each dense layer whose pre-activation exceeds ±30 at ``step`` (none at t = 0)."""
        for part, units in saturated_units(step).items():
            badge = self.saturation_badges.get(part)
            if badge is not None:
                tip = describe(step, part, units, PARTS[part].symbol) if len(units) and step else ""
                badge.set_units(len(units), tip)

    def select(self, part: str) -> None:
        """Outline the row and the node of ``part``, and no other."""
        for name, vector in self.vectors.items():
            vector.set_selected(name == part)
        for name, node in self.nodes.items():
            node.set_selected(name == part)

    def highlight_unit(self, unit: int | None) -> None:
        """Outline the cell of ``unit`` in every row of H units (all but x_t); ``None``: in none."""
        self.highlighted_unit = unit
        for name, vector in self.vectors.items():
            vector.set_highlighted_unit(None if name == "inputs" else unit)


def row_edge(vector: VectorItem, side: str) -> QPointF:
    """The middle of one side of a row, in scene coordinates."""
    r = vector.mapRectToScene(vector.cells_rect())
    return {
        "above": QPointF(r.center().x(), r.top()),
        "below": QPointF(r.center().x(), r.bottom()),
        "left": QPointF(r.left(), r.center().y()),
        "right": QPointF(r.right(), r.center().y()),
    }[side]


def header_html(session: Session) -> str:
    """The step caption: which t is shown, out of how many."""
    if session.t == 0:
        return f"<i>t</i> = 0 &nbsp;<span style='{PLAIN}'>initial state, next input x<sub>1</sub></span>"
    return f"<i>t</i> = {session.t} <span style='{PLAIN}'>of {session.length}</span>"


def step_label_html(session: Session) -> str:
    """The word (or label) of the input shown as x_t, or "" when the inputs have no labels."""
    labels = session.step_labels
    if not labels:
        return ""
    word = html.escape(labels[max(session.t - 1, 0)])
    return f"<i>x<sub>t</sub></i> = “{word}”"
