"""Geometry of the cell diagram, in scene units: where every row, node and wire goes.

The layout follows the classic diagram: the cell state runs along the top from
C_{t-1} to C_t, the hidden state along the bottom from h_{t-1} to h_t, x_t
comes in from below, and the four dense layers stand in a row in between,
each feeding its gate up towards the pointwise operation it drives. Every
vector sits on the wire that carries it.

Nothing here draws; :func:`build_layout` only computes positions from the
sizes of the vectors, so the scene can be rebuilt for any H and D.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from PySide6.QtCore import QPointF, QRectF

TEXT_UNITS = 8
"""Up to this many units a row prints each value in its cell."""
TEXT_COLUMNS = 4
TEXT_CELL = (72.0, 50.0)
STRIP_SIZE = (240.0, 64.0)
"""The fixed size of a compact strip (more than :data:`TEXT_UNITS` units)."""
STRIP_LINE_HEIGHT = 50.0
MIN_STRIP_CELL = 6.0

NODE_RADIUS = 30.0
BOX_SIZE = (150.0, 92.0)
OVAL_SIZE = (104.0, 56.0)

Side = Literal["above", "below", "left", "right"]
NodeShape = Literal["times", "plus", "box", "oval"]


@dataclass(frozen=True)
class Grid:
    """How the cells of one vector are arranged: ``columns`` × ``lines`` cells of ``cell`` size."""

    units: int
    columns: int
    lines: int
    cell_width: float
    cell_height: float
    text: bool

    @property
    def width(self) -> float:
        return self.columns * self.cell_width

    @property
    def height(self) -> float:
        return self.lines * self.cell_height


def grid_for(units: int) -> Grid:
    """The arrangement of a vector of ``units`` cells.

    Up to :data:`TEXT_UNITS` units the cells are large enough to print their
    values (at most :data:`TEXT_COLUMNS` per line); beyond that they share a
    compact strip of fixed size, on one line while the cells stay at least
    :data:`MIN_STRIP_CELL` wide, else wrapped into a near-square grid.
    """
    units = max(int(units), 1)
    if units <= TEXT_UNITS:
        columns = min(units, TEXT_COLUMNS)
        lines = math.ceil(units / columns)
        return Grid(units, columns, lines, *TEXT_CELL, text=True)
    width, height = STRIP_SIZE
    if units * MIN_STRIP_CELL <= width:
        return Grid(units, units, 1, width / units, STRIP_LINE_HEIGHT, text=False)
    columns = min(units, math.ceil(math.sqrt(units * width / height)))
    lines = math.ceil(units / columns)
    return Grid(units, columns, lines, width / columns, height / lines, text=False)


@dataclass(frozen=True)
class Wire:
    """A polyline carrying ``part`` (``"bus"`` for the concatenation [h_{t-1}, x_t])."""

    part: str
    points: tuple[QPointF, ...]
    arrow: bool = True
    start_dot: bool = False


@dataclass(frozen=True)
class Node:
    """A dense layer (``box``) or a pointwise operation, selecting ``part`` when clicked."""

    part: str
    shape: NodeShape
    center: QPointF


@dataclass
class Layout:
    """Every position of the diagram for one pair of sizes (H, D)."""

    hidden: Grid
    inputs: Grid
    rows: dict[str, QPointF] = field(default_factory=dict)
    """Centre of each part's vector row."""
    labels: dict[str, Side] = field(default_factory=dict)
    """On which side of its row each part's symbol goes."""
    nodes: list[Node] = field(default_factory=list)
    wires: list[Wire] = field(default_factory=list)
    cell_box: QRectF = field(default_factory=QRectF)
    """The outline of the cell itself."""
    header: QPointF = field(default_factory=QPointF)
    """Top left of the step caption."""
    step_label: QPointF = field(default_factory=QPointF)
    """Top centre of the word read at this step, under x_t."""
    output_label: QPointF = field(default_factory=QPointF)
    """Bottom centre of the caption of the upward output arrow."""
    legend: QPointF = field(default_factory=QPointF)
    """Top left of the colour legend."""

    def grid_of(self, part: str) -> Grid:
        return self.inputs if part == "inputs" else self.hidden


def _p(x: float, y: float) -> QPointF:
    return QPointF(x, y)


def build_layout(hidden_size: int, input_size: int) -> Layout:
    """Positions of every item of the diagram for hidden size H and input size D."""
    hidden, inputs = grid_for(hidden_size), grid_for(input_size)
    vw, vh = max(hidden.width, 3 * TEXT_CELL[0]), hidden.height
    r = NODE_RADIUS
    box_w, box_h = BOX_SIZE
    oval_h = OVAL_SIZE[1]
    S = vw + 150.0  # distance between the dense layers' columns

    # Columns: the four dense layers, the i ⊙ ~C node between i and ~C, the output column.
    xf, xi, xc, xo = 0.0, S, 2 * S, 3 * S
    xic = (xi + xc) / 2
    xout = xo + 0.8 * S
    xl = -(vw / 2 + 150.0)  # the inputs C_{t-1}, h_{t-1}
    xr = xout + vw / 2 + 130.0  # the outputs C_t, h_t
    xj = xl + vw / 2 + 70.0  # where x_t joins h_{t-1}

    # Levels: the cell state line at 0, the products' nodes at ym, the dense layers, the bus.
    y_top = 0.0
    ym = vh + 250.0
    y_tanh = r + 70.0
    y_gate_rows = ym + vh / 2 + 80.0
    y_box_top = ym + vh + 170.0
    y_box = y_box_top + box_h / 2
    y_box_bottom = y_box_top + box_h
    y_bus = y_box_bottom + 90.0
    y_x = y_bus + inputs.height / 2 + 120.0

    out = Layout(hidden, inputs)
    out.rows = {
        "cell_prev": _p(xl, y_top),
        "hidden_prev": _p(xl, y_bus),
        "inputs": _p(xj, y_x),
        "forget_gate": _p(xf, y_gate_rows),
        "input_gate": _p(xi, y_gate_rows),
        "candidate": _p(xc, y_gate_rows),
        "output_gate": _p(xo, y_gate_rows),
        "forget_product": _p((xf + xic) / 2, y_top),
        "input_product": _p(xic, ym / 2),
        "cell": _p(xr, y_top),
        "cell_tanh": _p(xout, (y_tanh + oval_h / 2 + ym - r) / 2),
        "hidden": _p(xr, y_bus),
    }
    out.labels = {
        "cell_prev": "above",
        "hidden_prev": "above",
        "inputs": "left",
        "forget_gate": "left",
        "input_gate": "left",
        "candidate": "right",
        "output_gate": "left",
        "forget_product": "above",
        "input_product": "right",
        "cell": "above",
        "cell_tanh": "right",
        "hidden": "above",
    }
    out.nodes = [
        Node("forget_gate", "box", _p(xf, y_box)),
        Node("input_gate", "box", _p(xi, y_box)),
        Node("candidate", "box", _p(xc, y_box)),
        Node("output_gate", "box", _p(xo, y_box)),
        Node("forget_product", "times", _p(xf, y_top)),
        Node("cell", "plus", _p(xic, y_top)),
        Node("input_product", "times", _p(xic, ym)),
        Node("cell_tanh", "oval", _p(xout, y_tanh)),
        Node("hidden", "times", _p(xout, ym)),
    ]

    x_end = xr + vw / 2 + 40.0  # the tips of the arrows leaving to the next step
    x_split = x_end + 40.0  # where h_t splits into "next step" and "output"
    y_out = y_top - vh / 2 - 110.0
    top_gap = y_tanh - oval_h / 2
    out.wires = [
        Wire("cell_prev", (_p(xl - vw / 2 - 70.0, y_top), _p(xf - r, y_top))),
        Wire("forget_product", (_p(xf + r, y_top), _p(xic - r, y_top))),
        Wire("cell", (_p(xic + r, y_top), _p(x_end, y_top))),
        Wire("cell", (_p(xout, y_top), _p(xout, top_gap)), start_dot=True),
        Wire("cell_tanh", (_p(xout, y_tanh + oval_h / 2), _p(xout, ym - r))),
        Wire("hidden", (_p(xout, ym + r), _p(xout, y_bus), _p(x_split, y_bus)), arrow=False),
        Wire("hidden", (_p(x_split, y_bus), _p(x_split + 70.0, y_bus)), start_dot=True),
        Wire("hidden", (_p(x_split, y_bus), _p(x_split, y_out))),
        Wire("hidden_prev", (_p(xl - vw / 2 - 70.0, y_bus), _p(xj, y_bus)), arrow=False),
        Wire("inputs", (_p(xj, y_x), _p(xj, y_bus)), arrow=False),
        Wire("bus", (_p(xj, y_bus), _p(xo, y_bus)), arrow=False, start_dot=True),
        Wire("forget_gate", (_p(xf, y_box_top), _p(xf, y_top + r))),
        Wire("input_gate", (_p(xi, y_box_top), _p(xi, ym), _p(xic - r, ym))),
        Wire("candidate", (_p(xc, y_box_top), _p(xc, ym), _p(xic + r, ym))),
        Wire("input_product", (_p(xic, ym - r), _p(xic, y_top + r))),
        Wire("output_gate", (_p(xo, y_box_top), _p(xo, ym), _p(xout - r, ym))),
    ]
    for x in (xf, xi, xc):
        out.wires.append(Wire("bus", (_p(x, y_bus), _p(x, y_box_bottom)), start_dot=True))
    out.wires.append(Wire("bus", (_p(xo, y_bus), _p(xo, y_box_bottom))))

    out.cell_box = QRectF(_p(xf - box_w / 2 - 50.0, y_top - vh / 2 - 70.0), _p(xout + 110.0, y_bus + 50.0))
    out.header = _p(xl - vw / 2 - 70.0, y_out - 40.0)
    out.step_label = _p(xj, y_x + inputs.height / 2 + 12.0)
    out.output_label = _p(x_split, y_out - 8.0)
    out.legend = _p(xi - box_w / 2, y_bus + 130.0)
    return out
