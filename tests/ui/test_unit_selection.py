"""One unit selected everywhere: statistics, diagram, plots, inspector and breakpoints share it."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage

from simulator.engine import LSTMParams
from simulator.io.presets import Preset
from simulator.session import Session
from simulator.ui import MainWindow
from simulator.ui.diagram import DiagramView, style
from simulator.ui.panels import InspectorPanel
from simulator.ui.panels.inspector import SELECTED_MARK
from simulator.ui.plots import HistoryPlots
from simulator.ui.plots_heatmap import DIMMED_ALPHA, SELECTED_WIDTH

H_ROWS = ("forget_gate", "input_gate", "candidate", "output_gate", "cell", "hidden", "cell_prev")


def wide_preset(hidden: int) -> Preset:
    params = LSTMParams.random(4, hidden, seed=1, scale=0.5)
    inputs = np.random.default_rng(2).normal(size=(6, 4))
    return Preset("wide", "Wide", "", params, inputs, np.zeros(hidden), np.zeros(hidden))


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4).copy()


def rgb(color: QColor) -> tuple[int, int, int]:
    return color.red(), color.green(), color.blue()


def scene_image(view: DiagramView) -> tuple[np.ndarray, QRectF]:
    """The diagram rendered one pixel per scene unit, and the scene rectangle it shows."""
    source = view.scene().sceneRect()
    return pixels(view.render_image(round(source.width()), round(source.height()))), source


def pixel_at(image: np.ndarray, source: QRectF, point: QPointF) -> tuple[int, int, int]:
    x, y = round(point.x() - source.left()), round(point.y() - source.top())
    return tuple(int(v) for v in image[y, x, :3])


def outline_point(view: DiagramView, name: str) -> QPointF:
    """The middle of the top edge of the selected unit's outline in row ``name``: on the outline's pen."""
    rect = view.unit_highlight_rect(name)
    assert rect is not None
    return QPointF(rect.center().x(), rect.top())


@pytest.fixture
def window(qtbot) -> MainWindow:
    win = MainWindow(restore=False)
    qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def session() -> Session:
    return Session()  # the worked example, H = 3


@pytest.fixture
def view(qtbot, session: Session) -> DiagramView:
    widget = DiagramView(session)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


# ----------------------------------------------------------------- statistics → session → diagram
def test_clicking_a_statistics_row_selects_the_unit_and_the_diagram_outlines_it(window, qtbot) -> None:
    s = window.session
    s.seek(s.length)
    panel = window.find_moment.statistics
    panel.set_field("input_gate")
    window.docks["statistics"].raise_()
    index = panel.proxy.mapFromSource(panel.model.index(2, 1))
    rect = panel.table.visualRect(index)
    with qtbot.waitSignal(panel.unit_selected) as signal:
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == ["input_gate", 2]
    assert (s.selected, s.selected_unit) == ("input_gate", 2)
    assert panel.selected_unit == 2

    diagram = window.diagram
    for name in H_ROWS:
        assert diagram.highlighted_unit(name) == 2, name
    assert diagram.highlighted_unit("inputs") is None  # x_t's units are not the layer's

    image, source = scene_image(diagram)
    assert pixel_at(image, source, outline_point(diagram, "input_gate")) == rgb(style.UNIT_HIGHLIGHT)
    other = diagram.part_rect("input_gate")  # unit 0's cell: the same height, no outline
    cell_width = other.width() / 4
    unit0_top = QPointF(other.left() + cell_width / 2, outline_point(diagram, "input_gate").y())
    assert pixel_at(image, source, unit0_top) != rgb(style.UNIT_HIGHLIGHT)


def test_the_statistics_row_follows_a_unit_selected_elsewhere(window) -> None:
    s = window.session
    s.seek(5)
    panel = window.find_moment.statistics
    s.select_unit(1)
    rows = panel.table.selectionModel().selectedRows()
    assert [panel.proxy.mapToSource(r).row() for r in rows] == [1]
    s.select_unit(None)
    assert panel.table.selectionModel().selectedRows() == []
    assert panel.selected_unit is None


# ----------------------------------------------------------------- the diagram
def test_the_outline_comes_and_goes_with_the_session_unit(view: DiagramView, session: Session) -> None:
    session.step()
    session.select_unit(0)
    point_before = outline_point(view, "cell")
    image, source = scene_image(view)
    assert pixel_at(image, source, point_before) == rgb(style.UNIT_HIGHLIGHT)
    session.select_unit(None)
    assert view.unit_highlight_rect("cell") is None
    image, source = scene_image(view)
    assert pixel_at(image, source, point_before) != rgb(style.UNIT_HIGHLIGHT)


def test_the_outline_is_drawn_from_the_active_palette(view: DiagramView, session: Session) -> None:
    session.select_unit(1)
    try:
        view.set_theme(style.DARK)
        image, source = scene_image(view)
        assert pixel_at(image, source, outline_point(view, "hidden")) == rgb(style.DARK.unit_highlight)
    finally:
        view.set_theme(style.LIGHT)


def test_a_compact_strip_of_1024_units_outlines_one_tiny_cell(view: DiagramView, session: Session) -> None:
    session.load_preset(wide_preset(1024))
    session.step()
    session.select_unit(700)
    assert view.highlighted_unit("forget_gate") == 700
    rect = view.unit_highlight_rect("forget_gate")
    assert rect.width() >= style.MIN_UNIT_HIGHLIGHT  # a cell is ~4 units: the outline stays findable
    image, source = scene_image(view)
    assert pixel_at(image, source, outline_point(view, "forget_gate")) == rgb(style.UNIT_HIGHLIGHT)


def test_clicking_a_cell_selects_its_part_and_unit_and_empty_space_clears_the_unit(
    qtbot, view: DiagramView, session: Session
) -> None:
    rect = view.part_rect("output_gate")
    cell = QPointF(rect.left() + rect.width() * (1.5 / 3), rect.center().y())  # unit 1 of 3
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(cell))
    assert (session.selected, session.selected_unit) == ("output_gate", 1)
    node = view.scene().nodes["candidate"]
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(node.sceneBoundingRect().center())
    )
    assert (session.selected, session.selected_unit) == ("candidate", 1)  # a node keeps the unit
    x_t = view.part_rect("inputs").center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(x_t))
    assert (session.selected, session.selected_unit) == ("inputs", 1)  # x_t's cells are not units of H
    corner = view.scene().sceneRect().topLeft() + QPointF(5, 5)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(corner))
    assert (session.selected, session.selected_unit) == ("inputs", None)


def test_the_hover_text_names_the_selected_unit(view: DiagramView, session: Session) -> None:
    session.step()
    session.select_unit(2)
    rect = view.part_rect("forget_gate")
    centre = QPointF(rect.left() + rect.width() * (2.5 / 3), rect.center().y())
    value = session.current_step().forget_gate[2]
    assert view.describe_at(centre) == f"f_t[2] = {value:.3g} (selected unit)"


def test_another_hidden_size_clears_the_outline(view: DiagramView, session: Session) -> None:
    session.select_unit(2)
    session.load_preset(wide_preset(12))
    assert session.selected_unit is None
    assert view.highlighted_unit("cell") is None
    session.select_unit(11)
    assert view.highlighted_unit("cell") == 11


# ----------------------------------------------------------------- breakpoints
def test_play_stopping_at_a_hit_on_unit_2_selects_unit_2(window, qtbot) -> None:
    panel = window.find_moment.breakpoints
    assert panel.add("forget_gate[2] < 0.1")  # the worked example shuts unit 2's forget gate at step 6
    window.player.set_max_speed(True)
    window.player.play()
    qtbot.waitUntil(lambda: not window.player.playing, timeout=3000)
    s = window.session
    assert s.t == 6
    assert s.selected_unit == 2
    assert window.diagram.highlighted_unit("forget_gate") == 2


def test_jumping_to_a_hit_selects_the_unit_it_names(window, qtbot) -> None:
    panel = window.find_moment.breakpoints
    s = window.session
    s.seek(s.length)
    panel.add("abs(cell) > 2")  # unit 2's cell state passes 2 at step 4
    hit, _bp = panel.hits_model.row(0)
    assert (hit.step, hit.units) == (4, (2,))
    s.seek(0)
    window.docks["breakpoints"].raise_()
    rect = panel.hits_view.visualRect(panel.hits_model.index(0, 0))
    qtbot.mouseClick(panel.hits_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert (s.t, s.selected, s.selected_unit) == (4, "cell", 2)


def test_a_hit_on_an_input_dimension_selects_no_unit(window) -> None:
    panel = window.find_moment.breakpoints
    s = window.session
    s.seek(s.length)
    panel.add("inputs[1] > -100")
    hit, _bp = panel.hits_model.row(0)
    assert hit.units == (1,)
    panel._go_to_hit(panel.hits_model.index(0, 0))
    assert s.selected_unit is None


# ----------------------------------------------------------------- plots and inspector
def test_the_selected_units_curve_is_wider_and_the_others_fade(qtbot, session: Session) -> None:
    plots = HistoryPlots(session)
    qtbot.addWidget(plots)
    session.seek(5)
    normal = plots.curve("hidden", 1).opts["pen"].widthF()
    session.select_unit(1)
    for field in ("hidden", "cell", "forget_gate"):
        selected, other = plots.curve(field, 1), plots.curve(field, 0)
        assert selected.opts["pen"].widthF() == SELECTED_WIDTH > normal
        assert other.opts["pen"].widthF() < selected.opts["pen"].widthF()
        assert other.opts["pen"].color().alpha() == DIMMED_ALPHA
        assert plots.unit_curves(field).order[-1] == 1  # drawn over the others
    session.select_unit(None)
    assert plots.curve("hidden", 1).opts["pen"].widthF() == normal
    assert plots.curve("hidden", 0).opts["pen"].color().alpha() == 255


def test_heatmaps_frame_the_selected_units_row(qtbot, session: Session) -> None:
    plots = HistoryPlots(session)
    qtbot.addWidget(plots)
    session.load_preset(wide_preset(40))
    session.seek(3)
    assert plots.heatmap("cell") is not None
    assert plots.unit_marks("cell") == []
    session.select_unit(17)
    assert plots.unit_marks("cell") == [16.5, 17.5]
    session.select_unit(None)
    assert plots.unit_marks("cell") == []


def test_the_inspector_marks_the_selected_units_row(qtbot, session: Session) -> None:
    panel = InspectorPanel(session)
    qtbot.addWidget(panel)
    session.step()
    session.select("cell")
    model = panel.vector
    session.select_unit(2)
    assert model.index(2, 0).data() == f"{SELECTED_MARK} 2"
    font = model.index(2, 1).data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    assert model.index(1, 0).data() == "1"
    session.select("inputs")  # x_t's entries are input dimensions, not units of the layer
    assert model.marked_unit is None
    session.select("hidden")
    assert model.marked_unit == 2
    session.select_unit(None)
    assert model.index(2, 0).data() == "2"
