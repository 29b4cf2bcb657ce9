"""The live cell diagram: values, colours, clicks, hovers, rebuilds and rendering."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QGraphicsItem

from simulator.engine import LSTMParams
from simulator.io.presets import Preset
from simulator.parts import PART_NAMES
from simulator.session import Session
from simulator.ui import colors
from simulator.ui.diagram import DiagramView, style
from simulator.ui.diagram.items import WIRE_LEVELS, LabelItem, NodeItem, WireItem, wire_level
from simulator.ui.diagram.layout import grid_for
from simulator.ui.export import export_diagram_svg

COMPUTED_PARTS = [name for name in PART_NAMES if name not in ("inputs", "hidden_prev", "cell_prev")]


@pytest.fixture
def session() -> Session:
    return Session()


@pytest.fixture
def view(qtbot, session: Session) -> DiagramView:
    widget = DiagramView(session)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def rgb(color: QColor) -> tuple[int, int, int]:
    return color.red(), color.green(), color.blue()


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4).copy()


def viewport_point(view: DiagramView, scene_point: QPointF) -> QPoint:
    return view.mapFromScene(scene_point)


def unit_centre(view: DiagramView, name: str, unit: int) -> QPointF:
    """The scene centre of one unit's cell (cells run left to right, line by line)."""
    rect = view.part_rect(name)
    grid = grid_for(len(view.part_colors(name)))
    line, column = divmod(unit, grid.columns)
    return QPointF(
        rect.left() + (column + 0.5) * grid.cell_width, rect.top() + (line + 0.5) * grid.cell_height
    )


def test_t0_shows_initial_state_and_grey_computed_parts(view: DiagramView, session: Session) -> None:
    assert session.current_step() is None
    assert view.cell_text("cell_prev") == ["0.82", "0.64", "0.53"]
    assert view.cell_text("hidden_prev") == ["0.00", "0.00", "0.00"]
    assert view.cell_text("inputs") == ["1.00", "0.00"]  # x_1, about to be read
    for name in COMPUTED_PARTS:
        assert view.cell_text(name) == ["", "", ""]
        assert [rgb(c) for c in view.part_colors(name)] == [rgb(style.NOT_COMPUTED)] * 3
        assert view.wire_magnitudes(name) and set(view.wire_magnitudes(name)) == {None}
    expected = colors.qcolors(session.c0, "signed")
    assert [rgb(c) for c in view.part_colors("cell_prev")] == [rgb(c) for c in expected]


def test_step_one_prints_the_worked_example(view: DiagramView, session: Session) -> None:
    session.step()
    assert view.cell_text("forget_gate") == ["0.00", "0.50", "1.00"]
    assert view.cell_text("forget_product") == ["0.00", "0.32", "0.53"]
    assert view.cell_text("cell_prev") == ["0.82", "0.64", "0.53"]
    step = session.current_step()
    assert view.cell_text("hidden") == [f"{v:.2f}" for v in step.hidden]
    assert view.cell_text("candidate") == [f"{v:.2f}" for v in step.candidate]


def test_stepping_recolours_gates_and_pixels_without_rebuilding(view: DiagramView, session: Session) -> None:
    items_before = set(view.scene().items())
    gates_before = {name: [rgb(c) for c in view.part_colors(name)] for name in COMPUTED_PARTS[:4]}
    image_before = pixels(view.render_image(800, 450))
    session.step()
    for name, before in gates_before.items():
        assert [rgb(c) for c in view.part_colors(name)] != before
    assert np.count_nonzero(np.any(pixels(view.render_image(800, 450)) != image_before, axis=2)) > 500
    session.step()
    session.back()
    assert set(view.scene().items()) == items_before


def test_gate_colours_at_zero_and_one_are_the_ends_of_the_map(view: DiagramView, session: Session) -> None:
    session.step()
    forget = session.current_step().forget_gate
    assert forget[0] < 1e-12 and forget[2] > 1 - 1e-12
    shown = [rgb(c) for c in view.part_colors("forget_gate")]
    assert shown == [tuple(int(v) for v in e[:3]) for e in colors.rgba(forget, "gate")]
    ends = colors.rgba(np.array([0.0, 1.0]), "gate").astype(int)
    assert np.abs(np.array(shown[0]) - ends[0][:3]).max() <= 1  # viridis' dark purple
    assert np.abs(np.array(shown[2]) - ends[1][:3]).max() <= 1  # viridis' yellow
    assert shown[1] != shown[0] != shown[2]


def test_the_shown_colour_is_painted(view: DiagramView, session: Session) -> None:
    session.step()
    source = view.scene().sceneRect()
    image = pixels(view.render_image(round(source.width()), round(source.height())))
    for name in ("forget_gate", "candidate", "hidden"):
        for unit, color in enumerate(view.part_colors(name)):
            centre = unit_centre(view, name, unit)
            # a point inside the cell but off the printed digits
            x = round(centre.x() - source.left())
            y = round(view.part_rect(name).top() + 5 - source.top())
            assert np.abs(image[y, x, :3].astype(int) - rgb(color)).max() <= 2, (name, unit)


def test_wires_follow_the_magnitude_of_what_they_carry(view: DiagramView, session: Session) -> None:
    assert set(view.wire_magnitudes("forget_gate")) == {None}
    assert view.wire_magnitudes("cell_prev") == [pytest.approx(np.mean(np.abs(session.c0)))]
    session.step()
    step = session.current_step()
    assert view.wire_magnitudes("forget_gate") == [pytest.approx(np.mean(np.abs(step.forget_gate)))]
    bus = np.concatenate([step.hidden_prev, step.inputs])
    assert view.wire_magnitudes("bus") == [pytest.approx(np.mean(np.abs(bus)))] * 5


@pytest.mark.parametrize("name", ["forget_gate", "input_product", "cell", "hidden", "inputs", "cell_tanh"])
def test_clicking_a_row_selects_its_part(qtbot, view: DiagramView, session: Session, name: str) -> None:
    session.select("output_gate")
    point = viewport_point(view, view.part_rect(name).center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert session.selected == name


def test_clicking_a_gate_box_or_node_selects_its_part(qtbot, view: DiagramView, session: Session) -> None:
    for name in ("candidate", "cell", "hidden"):
        node = view.scene().nodes[name]
        point = viewport_point(view, node.sceneBoundingRect().center())
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
        assert session.selected == name


def test_the_selected_part_is_outlined(view: DiagramView, session: Session) -> None:
    source = view.scene().sceneRect()

    def outline_pixel(name: str) -> tuple[int, int, int]:
        image = pixels(view.render_image(round(source.width()), round(source.height())))
        rect = view.part_rect(name)
        x, y = round(rect.center().x() - source.left()), round(rect.top() - source.top())
        return tuple(int(v) for v in image[y, x, :3])

    session.select("cell")
    assert outline_pixel("cell") == rgb(style.SELECTED)
    session.select("hidden")
    assert outline_pixel("cell") != rgb(style.SELECTED)
    assert outline_pixel("hidden") == rgb(style.SELECTED)


def test_hovering_a_cell_emits_its_value(qtbot, view: DiagramView, session: Session) -> None:
    session.step()
    point = viewport_point(view, unit_centre(view, "cell", 2))
    with qtbot.waitSignal(view.hovered, timeout=1000) as blocker:
        qtbot.mouseMove(view.viewport(), point)
    assert blocker.args == [f"C_t[2] = {session.current_step().cell[2]:.3g}"]
    away = viewport_point(view, view.scene().sceneRect().topLeft() + QPointF(5, 5))
    with qtbot.waitSignal(view.hovered, timeout=1000) as blocker:
        qtbot.mouseMove(view.viewport(), away)
    assert blocker.args == [""]


def test_describe_at_names_unit_and_value(view: DiagramView, session: Session) -> None:
    assert view.describe_at(unit_centre(view, "forget_gate", 1)) == "f_t[1]: not computed yet"
    session.step()
    assert view.describe_at(unit_centre(view, "forget_gate", 1)) == "f_t[1] = 0.5"
    assert view.describe_at(unit_centre(view, "cell_prev", 0)) == "C_{t-1}[0] = 0.82"


def large_preset(hidden: int, steps: int = 3, labels: tuple[str, ...] = ()) -> Preset:
    params = LSTMParams.random(4, hidden, seed=1, scale=0.5)
    inputs = np.random.default_rng(2).normal(size=(steps, 4))
    zeros = np.zeros(hidden)
    return Preset("big", "Big", "", params, inputs, zeros, zeros, labels)


def test_a_1024_unit_model_renders(qtbot, view: DiagramView, session: Session) -> None:
    session.load_preset(large_preset(1024))
    assert len(view.part_colors("forget_gate")) == 1024
    assert view.cell_text("cell") == [""] * 1024
    session.step()
    forget = session.current_step().forget_gate
    expected = colors.rgba(forget, "gate")
    assert [rgb(c) for c in view.part_colors("forget_gate")] == [
        tuple(int(v) for v in e[:3]) for e in expected
    ]
    image = view.render_image(1600, 900)
    assert not image.isNull() and (image.width(), image.height()) == (1600, 900)
    assert len({tuple(p) for p in pixels(image).reshape(-1, 4)[::7]}) > 200  # a colourful strip, not a blank
    unit = int(np.argmax(forget))
    assert view.describe_at(unit_centre(view, "forget_gate", unit)) == f"f_t[{unit}] = {forget[unit]:.3g}"


def test_replacing_the_model_rebuilds_for_new_sizes(view: DiagramView, session: Session) -> None:
    session.load_preset(large_preset(5, labels=("the", "cat", "sat")))
    assert len(view.part_colors("cell")) == 5
    assert view.cell_text("inputs") == [f"{v:.2f}" for v in session.inputs[0]]
    assert view.scene().step_label.toPlainText() == "xt = “the”"
    session.step()
    session.step()
    assert view.scene().step_label.toPlainText() == "xt = “cat”"
    assert view.cell_text("hidden") == [f"{v:.2f}" for v in session.current_step().hidden]


def test_no_step_label_without_labels(view: DiagramView) -> None:
    assert not view.scene().step_label.isVisible()


def test_render_image_draws_the_diagram(view: DiagramView) -> None:
    image = pixels(view.render_image(1280, 720))
    assert image.shape == (720, 1280, 4)
    assert (image[..., :3] < 60).all(axis=2).sum() > 5000  # dark ink: wires, outlines, labels
    assert (image[..., :3] == 255).all(axis=2).sum() > 0.2 * 1280 * 720  # on a white background


def test_clicking_a_wire_selects_what_it_carries_and_empty_space_selects_nothing(
    qtbot, view: DiagramView, session: Session
) -> None:
    wire = next(w for w in view.scene().wires if w.part == "output_gate")  # up from σ, then right
    corner = wire.points[1]
    on_wire = (corner + wire.points[2]) / 2
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=viewport_point(view, on_wire))
    assert session.selected == "output_gate"
    session.select("cell")
    inside_the_l = QPointF(on_wire.x(), (corner.y() + wire.points[0].y()) / 2 - 40)
    assert view.part_at(inside_the_l) is None
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=viewport_point(view, inside_the_l))
    assert session.selected == "cell"


# ----------------------------------------------------------------- repainting only what changed
CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache


def test_each_new_step_is_painted_in_the_window(qtbot, view: DiagramView):
    """What the window shows (labels and nodes from their pixmaps) follows step after step."""
    session = view.session
    for _ in range(3):
        session.step()
        image = pixels(view.grab().toImage())
        for name in ("forget_gate", "cell", "hidden"):
            for unit, color in enumerate(view.part_colors(name)):
                centre = view.mapFromScene(
                    unit_centre(view, name, unit) + QPointF(0, -view.part_rect(name).height() / 2 + 5)
                )
                assert np.abs(image[centre.y(), centre.x(), :3].astype(int) - rgb(color)).max() <= 2, (
                    name,
                    unit,
                )


def test_labels_and_nodes_are_cached_and_a_file_still_holds_their_text(view: DiagramView, tmp_path):
    items = view.scene().items()
    labels = [item for item in items if isinstance(item, LabelItem)]
    nodes = [item for item in items if isinstance(item, NodeItem)]
    assert labels and nodes and all(item.cacheMode() == CACHED for item in labels + nodes)
    path = tmp_path / "cell.svg"
    export_diagram_svg(view, path, title="cell")
    words = " ".join("".join(t.itertext()) for t in ET.parse(path).iter("{http://www.w3.org/2000/svg}text"))
    assert "forget gate" in words  # drawn as text, not as a cached pixmap
    assert all(item.cacheMode() == CACHED for item in labels + nodes)  # and cached again after


def test_a_caption_set_to_the_same_text_is_not_laid_out_again(view: DiagramView):
    label = view.scene().header
    calls = []
    set_html = label.setHtml
    label.setHtml = lambda html: (calls.append(html), set_html(html))
    label.set_html("<b>t</b> = 5")
    label.set_html("<b>t</b> = 5")
    assert calls == ["<b>t</b> = 5"] and label.toPlainText() == "t = 5"


def test_wire_levels_step_with_the_square_root_of_the_magnitude():
    assert wire_level(None) is None
    assert wire_level(0.0) == 0 and wire_level(1.0) == WIRE_LEVELS == wire_level(-7.0)
    assert wire_level(0.25) == WIRE_LEVELS // 2
    levels = [wire_level(m) for m in np.linspace(0, 1, 200)]
    assert levels == sorted(levels)


def test_a_wire_repaints_only_when_its_line_changes(view: DiagramView):
    wire = next(item for item in view.scene().items() if isinstance(item, WireItem))
    wire.set_magnitude(0.5)
    updates = []
    update = wire.update
    wire.update = lambda *args: (updates.append(args), update(*args))
    width = wire.pen().widthF()
    wire.set_magnitude(0.5 + 1e-4)  # the same width and shade
    assert updates == [] and wire.magnitude == pytest.approx(0.5001)
    assert wire.pen().widthF() == width
    wire.set_magnitude(0.9)
    assert len(updates) == 1 and wire.pen().widthF() > width
    wire.set_magnitude(None)
    assert len(updates) == 2 and wire.pen().widthF() < width
