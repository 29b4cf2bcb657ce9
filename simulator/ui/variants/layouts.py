"""Geometry of each variant's cell diagram, in scene units (nothing here draws).

The LSTM-shaped cells start from the main diagram's layout (:func:`build_layout`):

- the **peephole** LSTM adds three dashed wires: C_{t-1} into the forget and input gates, and the
  new C_t into the output gate;
- the **CIFG** cell has no input-gate layer: f_t branches into a "1 −" node that gives i_t.

The **GRU** has its own layout in the same style: the hidden state runs along the top through
z_t ⊙ h_{t-1} and the sum to h_t; below it stand the reset, update and candidate layers, the
reset gate feeding the candidate from the side and 1 − z_t weighting n_t.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from PySide6.QtCore import QPointF, QRectF

from simulator.ui.diagram.layout import BOX_SIZE, NODE_RADIUS, TEXT_CELL, Grid, Side, build_layout, grid_for

Shape = Literal["times", "plus", "box", "oval", "one_minus"]

BOX_CAPTIONS = {
    "forget_gate": ("σ", "forget gate"),
    "input_gate": ("σ", "input gate"),
    "candidate": ("tanh", "candidate"),
    "output_gate": ("σ", "output gate"),
    "reset_gate": ("σ", "reset gate"),
    "update_gate": ("σ", "update gate"),
}
"""The activation and the caption printed in each dense layer's box."""


@dataclass(frozen=True)
class VNode:
    """A dense layer or a pointwise operation, selecting ``part`` when clicked."""

    part: str
    shape: Shape
    center: QPointF


@dataclass(frozen=True)
class VWire:
    """A polyline carrying ``part``; ``dashed`` for a peephole."""

    part: str
    points: tuple[QPointF, ...]
    arrow: bool = True
    start_dot: bool = False
    dashed: bool = False


@dataclass
class VariantLayout:
    """Every position of one variant's diagram."""

    hidden: Grid
    inputs: Grid
    rows: dict[str, QPointF] = field(default_factory=dict)
    labels: dict[str, Side] = field(default_factory=dict)
    nodes: list[VNode] = field(default_factory=list)
    wires: list[VWire] = field(default_factory=list)
    notes: list[tuple[str, QPointF, Side]] = field(default_factory=list)
    """Small captions (rich text) beside a wire: text, anchor, side."""
    cell_box: QRectF = field(default_factory=QRectF)
    header: QPointF = field(default_factory=QPointF)
    legend: QPointF = field(default_factory=QPointF)

    def grid_of(self, part: str) -> Grid:
        return self.inputs if part == "inputs" else self.hidden


def _p(x: float, y: float) -> QPointF:
    return QPointF(x, y)


def build_variant_layout(key: str, hidden_size: int, input_size: int) -> VariantLayout:
    """The layout of variant ``key`` (``lstm``, ``peephole``, ``cifg`` or ``gru``) for sizes H and D."""
    if key == "gru":
        return _gru_layout(hidden_size, input_size)
    out = _lstm_layout(hidden_size, input_size)
    if key == "peephole":
        _add_peepholes(out)
    elif key == "cifg":
        _couple_input_to_forget(out)
    return out


def _lstm_layout(hidden_size: int, input_size: int) -> VariantLayout:
    base = build_layout(hidden_size, input_size)
    out = VariantLayout(base.hidden, base.inputs, dict(base.rows), dict(base.labels))
    out.nodes = [VNode(n.part, n.shape, n.center) for n in base.nodes]
    out.wires = [VWire(w.part, w.points, w.arrow, w.start_dot) for w in base.wires]
    out.cell_box, out.header, out.legend = base.cell_box, base.header, base.legend
    return out


def _center(out: VariantLayout, part: str, shape: str = "box") -> QPointF:
    return next(n.center for n in out.nodes if n.part == part and n.shape == shape)


def _row_width(out: VariantLayout) -> float:
    return max(out.hidden.width, 3 * TEXT_CELL[0])


def _add_peepholes(out: VariantLayout) -> None:
    """Dashed wires C_{t-1} → forget and input layers, C_t → output layer (see the module docstring)."""
    box_w, box_h = BOX_SIZE
    vw = _row_width(out)
    f, i, o = (_center(out, part) for part in ("forget_gate", "input_gate", "output_gate"))
    y_box, y_bottom = f.y(), f.y() + box_h / 2
    # Make room left of the forget column: C_{t-1} starts further left.
    shift = 90.0
    cell_prev = out.rows["cell_prev"]
    out.rows["cell_prev"] = _p(cell_prev.x() - shift, cell_prev.y())
    out.wires = [
        replace(w, points=(_p(w.points[0].x() - shift, w.points[0].y()), *w.points[1:]))
        if w.part == "cell_prev"
        else w
        for w in out.wires
    ]
    out.labels["forget_gate"] = "right"
    x_f = f.x() - vw / 2 - 45.0  # down from the C_{t-1} line, left of the forget column
    y_i = y_bottom + 42.0  # below the boxes, above the bus
    x_i = i.x() - box_w / 2 - 40.0
    x_o = o.x() + vw / 2 + 45.0  # down from the C_t line, right of the output column
    out.wires += [
        VWire("cell_prev", (_p(x_f, 0.0), _p(x_f, y_box), _p(f.x() - box_w / 2, y_box)), True, True, True),
        VWire(
            "cell_prev",
            (
                _p(x_f, y_box),
                _p(x_f, y_i),
                _p(x_i, y_i),
                _p(x_i, y_box + 22.0),
                _p(i.x() - box_w / 2, y_box + 22.0),
            ),
            True,
            True,
            True,
        ),
        VWire("cell", (_p(x_o, 0.0), _p(x_o, y_box), _p(o.x() + box_w / 2, y_box)), True, True, True),
    ]
    out.notes += [
        (
            "p<sub>f</sub> ⊙ C<sub>t−1</sub>",
            _p(x_f, (y_box + out.rows["forget_gate"].y()) / 2 + 60.0),
            "left",
        ),
        ("p<sub>i</sub> ⊙ C<sub>t−1</sub>", _p((x_f + x_i) / 2 + 40.0, y_i), "below"),
        ("p<sub>o</sub> ⊙ C<sub>t</sub>", _p(x_o, (y_box + out.rows["output_gate"].y()) / 2 + 60.0), "right"),
    ]
    out.cell_box = out.cell_box.adjusted(-60.0, 0.0, 0.0, 0.0)


def _couple_input_to_forget(out: VariantLayout) -> None:
    """No input-gate layer: f_t branches into a "1 −" node whose output is i_t."""
    box_h = BOX_SIZE[1]
    r = NODE_RADIUS
    f, i = _center(out, "forget_gate"), _center(out, "input_gate")
    y_node = i.y() - box_h / 2 - 40.0
    out.nodes = [n for n in out.nodes if not (n.part == "input_gate" and n.shape == "box")]
    out.nodes.append(VNode("input_gate", "one_minus", _p(i.x(), y_node)))
    box_top = i.y() - box_h / 2
    wires = []
    for w in out.wires:
        first = w.points[0]
        if w.part == "bus" and abs(first.x() - i.x()) < 1e-6:
            continue  # nothing feeds an input-gate layer
        if w.part == "input_gate" and abs(first.y() - box_top) < 1e-6:
            w = replace(w, points=(_p(i.x(), y_node - r), *w.points[1:]))
        wires.append(w)
    wires.append(VWire("forget_gate", (_p(f.x(), y_node), _p(i.x() - r, y_node)), True, True))
    out.wires = wires
    out.notes.append(("i<sub>t</sub> = 1 − f<sub>t</sub>", _p(i.x() + r, y_node), "right"))


def _gru_layout(hidden_size: int, input_size: int) -> VariantLayout:
    hidden, inputs = grid_for(hidden_size), grid_for(input_size)
    vw, vh = max(hidden.width, 3 * TEXT_CELL[0]), hidden.height
    r = NODE_RADIUS
    box_w, box_h = BOX_SIZE
    S = vw + 150.0

    # Columns: update, reset, candidate layers; the output column right of the candidate.
    xz, xr, xn = 0.0, S, 2 * S
    x_sum = xn  # the + on the top line, above the candidate's ×
    xl = -(vw / 2 + 190.0)  # h_{t-1}
    xj = xl + vw / 2 + 80.0  # where h_{t-1} drops to the bus and x_t joins
    xright = xn + S * 0.9  # h_t

    y_top = 0.0
    ym = vh + 250.0  # the (1 − z) ⊙ n node
    y_rows = ym + vh / 2 + 110.0
    y_box_top = ym + vh + 200.0
    y_box = y_box_top + box_h / 2
    y_box_bottom = y_box_top + box_h
    y_bus = y_box_bottom + 90.0
    y_x = y_bus + inputs.height / 2 + 120.0
    x_one_minus = (xz + xr) / 2 + 40.0

    out = VariantLayout(hidden, inputs)
    out.rows = {
        "hidden_prev": _p(xl, y_top),
        "inputs": _p(xj, y_x),
        "update_gate": _p(xz, y_rows),
        "reset_gate": _p(xr, y_rows),
        "candidate": _p(xn, y_rows),
        "keep_product": _p((xz + x_sum) / 2, y_top),
        "write_product": _p(xn, ym / 2),
        "hidden": _p(xright, y_top),
    }
    out.labels = {
        "hidden_prev": "above",
        "inputs": "left",
        "update_gate": "left",
        "reset_gate": "left",
        "candidate": "right",
        "keep_product": "above",
        "write_product": "right",
        "hidden": "above",
    }
    out.nodes = [
        VNode("update_gate", "box", _p(xz, y_box)),
        VNode("reset_gate", "box", _p(xr, y_box)),
        VNode("candidate", "box", _p(xn, y_box)),
        VNode("keep_product", "times", _p(xz, y_top)),
        VNode("hidden", "plus", _p(x_sum, y_top)),
        VNode("update_gate", "one_minus", _p(x_one_minus, ym)),
        VNode("write_product", "times", _p(xn, ym)),
    ]
    x_end = xright + vw / 2 + 60.0
    y_reset = y_box_top - 40.0  # r_t turns right here, under its row, into the candidate's side
    x_reset_down = xn - box_w / 2 - 45.0
    out.wires = [
        VWire("hidden_prev", (_p(xl - vw / 2 - 70.0, y_top), _p(xz - r, y_top))),
        VWire("hidden_prev", (_p(xj, y_top), _p(xj, y_bus)), arrow=False, start_dot=True),
        VWire("keep_product", (_p(xz + r, y_top), _p(x_sum - r, y_top))),
        VWire("hidden", (_p(x_sum + r, y_top), _p(x_end, y_top))),
        VWire("update_gate", (_p(xz, y_box_top), _p(xz, y_top + r))),
        VWire("update_gate", (_p(xz, ym), _p(x_one_minus - r, ym)), start_dot=True),
        VWire("update_gate", (_p(x_one_minus + r, ym), _p(xn - r, ym))),
        VWire("candidate", (_p(xn, y_box_top), _p(xn, ym + r))),
        VWire("write_product", (_p(xn, ym - r), _p(x_sum, y_top + r))),
        VWire(
            "reset_gate",
            (
                _p(xr, y_box_top),
                _p(xr, y_reset),
                _p(x_reset_down, y_reset),
                _p(x_reset_down, y_box),
                _p(xn - box_w / 2, y_box),
            ),
        ),
        VWire("inputs", (_p(xj, y_x), _p(xj, y_bus)), arrow=False),
        VWire("bus", (_p(xj, y_bus), _p(xn, y_bus)), arrow=False, start_dot=True),
    ]
    for x in (xz, xr):
        out.wires.append(VWire("bus", (_p(x, y_bus), _p(x, y_box_bottom)), start_dot=True))
    out.wires.append(VWire("bus", (_p(xn, y_bus), _p(xn, y_box_bottom))))
    out.notes += [
        ("1 − z<sub>t</sub>", _p((x_one_minus + xn) / 2, ym), "above"),
        (
            "r<sub>t</sub> ⊙ (U<sub>n</sub> h<sub>t−1</sub> + b<sub>hn</sub>)",
            _p(x_reset_down, y_reset),
            "above",
        ),
    ]
    out.cell_box = QRectF(
        _p(xz - box_w / 2 - 60.0, y_top - vh / 2 - 70.0), _p(xn + box_w / 2 + 80.0, y_bus + 50.0)
    )
    out.header = _p(xl - vw / 2 - 70.0, y_top - vh / 2 - 200.0)
    out.legend = _p(xr - box_w / 2, y_bus + 130.0)
    return out


__all__ = ["BOX_CAPTIONS", "VNode", "VWire", "VariantLayout", "build_variant_layout"]
