"""History plots: curves and heatmaps follow the trace, the cursor and the session stay in step."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage

from simulator.engine import LSTMParams
from simulator.io.presets import Preset
from simulator.parts import PARTS
from simulator.session import Session
from simulator.ui.plots import FIELDS, HistoryPlots

# The offscreen platform says so whenever a top-level window is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def make_preset(hidden_size: int, length: int, labels: tuple[str, ...] = ()) -> Preset:
    params = LSTMParams.random(2, hidden_size, seed=0)
    inputs = np.random.default_rng(1).normal(size=(length, 2))
    zeros = np.zeros(hidden_size)
    return Preset("test", "Test", "", params, inputs, zeros, zeros, labels)


@pytest.fixture
def session() -> Session:
    return Session()


@pytest.fixture
def plots(qtbot, session: Session) -> HistoryPlots:
    widget = HistoryPlots(session)
    qtbot.addWidget(widget)
    widget.resize(900, 900)
    return widget


def cursors(plots: HistoryPlots) -> list[pg.InfiniteLine]:
    return [
        item for field in FIELDS for item in plots.plot_item(field).items if isinstance(item, pg.InfiniteLine)
    ]


def viewport_pos(plots: HistoryPlots, field: str, x: float, y: float) -> tuple[object, QPoint]:
    """The graphics view's viewport and the pixel where a plot shows the point (x, y)."""
    plots.grab()  # lay out and auto-range, as a paint does
    plot = plots.plot_item(field)
    view = plot.scene().views()[0]
    return view.viewport(), view.mapFromScene(plot.vb.mapViewToScene(QPointF(x, y)))


def test_curves_show_every_unit_of_the_computed_steps(plots, session):
    for _ in range(3):
        session.step()
    for field in FIELDS:
        values = getattr(session.trace, field)
        for unit in range(session.hidden_size):
            curve = plots.curve(field, unit)
            np.testing.assert_array_equal(curve.xData, [1, 2, 3])
            np.testing.assert_array_equal(curve.yData, values[:, unit])
        assert plots.curve(field, session.hidden_size) is None
        assert plots.heatmap(field) is None
        assert PARTS[field].title in plots.plot_item(field).titleLabel.text


def test_curves_are_clipped_and_downsampled(plots):
    curve = plots.curve("cell", 0)
    assert curve.opts["clipToView"]
    assert curve.opts["autoDownsample"]
    assert curve.opts["downsampleMethod"] == "peak"


def test_cursor_follows_t_and_stepping_back_keeps_the_computed_steps(plots, session):
    for _ in range(4):
        session.step()
    assert plots.cursor_position() == 4
    session.back()
    assert plots.cursor_position() == 3
    assert all(line.value() == 3 for line in cursors(plots))
    np.testing.assert_array_equal(plots.curve("hidden", 0).xData, [1, 2, 3, 4])


def test_moving_within_the_computed_trace_does_not_reset_the_data(plots, session, monkeypatch):
    for _ in range(5):
        session.step()
    calls = []
    curve = plots.curve("input_gate", 1)
    monkeypatch.setattr(curve, "setData", lambda *args, **kwargs: calls.append(args))
    session.back()
    session.back()
    session.step()
    assert calls == []
    session.seek(5)
    session.step()
    assert len(calls) == 1


def test_an_edit_that_keeps_the_trace_length_still_redraws(plots, session, monkeypatch):
    for _ in range(3):
        session.step()
    curve = plots.curve("hidden", 2)
    calls = []
    set_data = curve.setData
    monkeypatch.setattr(curve, "setData", lambda *args: calls.append(args) or set_data(*args))
    before = session.trace.hidden.copy()
    session.set_input_value(0, 0, 5.0)
    assert len(session.trace) == 3
    assert not np.array_equal(session.trace.hidden, before)
    assert len(calls) == 1
    np.testing.assert_array_equal(curve.yData, session.trace.hidden[:, 2])


def test_dragging_a_cursor_seeks_and_all_cursors_follow(plots, session):
    session.seek(10)
    session.seek(2)
    line = cursors(plots)[3]
    line.setValue(6.3)  # emits sigPositionChanged, as a drag does
    assert session.t == 6
    line.sigPositionChangeFinished.emit(line)
    assert [c.value() for c in cursors(plots)] == [6] * len(FIELDS)
    line.setValue(50.0)
    line.sigPositionChangeFinished.emit(line)
    assert session.t == session.length
    assert plots.cursor_position() == session.length


def test_clicking_a_plot_seeks_to_the_nearest_step(qtbot, plots, session):
    plots.show()
    qtbot.waitExposed(plots)
    session.seek(10)
    session.seek(2)
    viewport, pos = viewport_pos(plots, "forget_gate", 7.2, 0.5)
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    assert session.t == 7
    assert plots.cursor_position() == 7


def test_hover_reports_the_nearest_step_and_unit(qtbot, plots, session):
    plots.show()
    qtbot.waitExposed(plots)
    session.seek(6)
    texts: list[str] = []
    plots.hovered.connect(texts.append)
    value = session.trace.cell[3, 1]
    viewport, pos = viewport_pos(plots, "cell", 4.2, value)
    qtbot.mouseMove(viewport, pos)
    assert texts[-1] == f"step 4 · C_t[1] = {value:.3g}"
    plots.plot_item("cell").scene().sigMouseMoved.emit(QPointF(-10, -10))
    assert texts[-1] == ""


def test_gates_have_fixed_ranges_and_states_auto_range(plots):
    low, high = plots.plot_item("forget_gate").viewRange()[1]
    assert low <= 0 and 1 <= high < 1.2
    low, high = plots.plot_item("candidate").viewRange()[1]
    assert -1.2 < low <= -1 and 1 <= high < 1.2
    assert plots.plot_item("cell").vb.autoRangeEnabled()[1]


def test_x_range_follows_the_trace_until_the_user_zooms(qtbot, plots, session):
    plots.show()
    qtbot.waitExposed(plots)
    for _ in range(8):
        session.step()
    vb = plots.plot_item("hidden").vb
    low, high = vb.viewRange()[0]
    assert low <= 0 and 8 <= high < 9
    vb.setXRange(2, 4, padding=0)
    vb.sigRangeChangedManually.emit([True, False])  # what a wheel zoom emits
    session.step()
    assert vb.viewRange()[0] == pytest.approx([2, 4])
    viewport, pos = viewport_pos(plots, "hidden", 3, 0)
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=pos)
    low, high = vb.viewRange()[0]
    assert low <= 0 and 9 <= high < 10


def test_wide_layers_show_units_by_time_heatmaps(qtbot, plots, session):
    session.load_preset(make_preset(64, 30))
    session.seek(20)
    for field in FIELDS:
        assert plots.curve(field, 0) is None
        image = plots.heatmap(field)
        np.testing.assert_array_equal(image.image, getattr(session.trace, field).T)
        rect = image.mapRectToView(image.boundingRect())
        assert (rect.left(), rect.right()) == (0.5, 20.5)
        assert (rect.top(), rect.bottom()) == (-0.5, 63.5)
    levels = plots.heatmap("forget_gate").getLevels()
    np.testing.assert_array_equal(levels, [0, 1])
    plots.show()
    qtbot.waitExposed(plots)
    texts: list[str] = []
    plots.hovered.connect(texts.append)
    viewport, pos = viewport_pos(plots, "output_gate", 5, 10.3)
    qtbot.mouseMove(viewport, pos)
    assert texts[-1] == f"step 5 · o_t[10] = {session.trace.output_gate[4, 10]:.3g}"


def test_a_long_history_builds_and_updates(qtbot, plots, session):
    session.load_preset(make_preset(3, 100_000))
    session.seek(100_000)
    curve = plots.curve("cell", 2)
    assert len(curve.xData) == 100_000
    assert curve.xData[-1] == 100_000
    np.testing.assert_array_equal(curve.yData, session.trace.cell[:, 2])
    plots.show()
    qtbot.waitExposed(plots)
    plots.grab()
    shown = curve.yData
    session.back()
    assert curve.yData is shown
    assert plots.cursor_position() == 99_999


def test_replacing_the_preset_rebuilds_for_the_new_size(plots, session):
    session.load_preset(make_preset(5, 10))
    assert plots.curve("hidden", 4) is not None
    assert plots.curve("hidden", 5) is None
    assert len(plots.plot_item("hidden").listDataItems()) == 5
    session.load_preset(make_preset(64, 10))
    assert plots.heatmap("hidden") is not None
    session.load_preset(make_preset(2, 10))
    assert plots.heatmap("hidden") is None
    items = plots.plot_item("hidden").items
    assert not any(isinstance(item, pg.ImageItem) for item in items)
    assert len(plots.plot_item("hidden").listDataItems()) == 2


def test_short_sequences_label_steps_with_their_words(plots, session):
    words = ("the", "cat", "sat", "on", "a", "mat")
    session.load_preset(make_preset(3, len(words), words))
    axis = plots.plot_item("output_gate").getAxis("bottom")
    assert axis.tickStrings([1.0, 2.0, 6.0], 1, 1) == ["the", "cat", "mat"]
    session.load_preset(make_preset(3, 50, tuple(f"w{k}" for k in range(50))))
    assert axis.tickStrings([1.0, 2.0], 1, 1) == ["1", "2"]


def test_export_png_writes_the_plots(qtbot, plots, session, tmp_path):
    plots.show()
    qtbot.waitExposed(plots)
    session.step()
    path = tmp_path / "plots.png"
    plots.export_png(path)
    image = QImage(str(path))
    assert not image.isNull()
    assert (image.width(), image.height()) == (plots.width(), plots.height())


def test_a_deleted_widget_no_longer_listens(qtbot, session):
    widget = HistoryPlots(session)
    widget.deleteLater()
    qtbot.waitUntil(lambda: not session.trace_changed._slots)
    session.step()
