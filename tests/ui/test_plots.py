"""History plots: curves and heatmaps follow the trace, the cursor and the session stay in step."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from simulator.engine import LSTMParams
from simulator.io.presets import Preset
from simulator.parts import PARTS
from simulator.session import Session
from simulator.ui.plots import DEFER_FROM_NEW_STEPS, FIELDS, MIN_UPDATE_MS, HistoryPlots
from simulator.ui.plots_curves import UnitCurves
from simulator.ui.plots_envelope import MAX_BINS, bin_size_for
from simulator.ui.plots_follow import steady_range
from simulator.ui.plots_heatmap import DIMMED_ALPHA, SELECTED_WIDTH

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
    curves = plots.unit_curves("input_gate")
    monkeypatch.setattr(curves, "set_data", lambda *args, **kwargs: calls.append(args))
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
    curve, curves = plots.curve("hidden", 2), plots.unit_curves("hidden")
    calls = []
    set_data = curves.set_data
    monkeypatch.setattr(curves, "set_data", lambda *args: calls.append(args) or set_data(*args))
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


def test_gates_have_fixed_ranges_and_states_auto_range(plots, session):
    low, high = plots.plot_item("forget_gate").viewRange()[1]
    assert low <= 0 and 1 <= high < 1.2
    low, high = plots.plot_item("candidate").viewRange()[1]
    assert -1.2 < low <= -1 and 1 <= high < 1.2
    session.seek(session.length)
    cell = session.trace.cell
    low, high = plots.plot_item("cell").viewRange()[1]
    assert low < cell.min() and cell.max() < high  # all the data, with room
    assert (cell.max() - cell.min()) >= 0.6 * (high - low)  # and not much more
    before = (low, high)
    session.set_input_value(0, 0, session.inputs[0, 0] + 1e-6)  # a tiny edit: the range stays
    assert tuple(plots.plot_item("cell").viewRange()[1]) == before


def test_a_state_range_stays_while_the_data_fills_it_and_moves_when_it_does_not():
    assert steady_range(0.1, 0.9, (0.0, 1.0)) is None
    assert steady_range(0.1, 1.2, (0.0, 1.0)) == pytest.approx((0.0, 1.4))  # outside: grows
    assert steady_range(0.4, 0.5, (0.0, 1.0)) == pytest.approx((0.38, 0.52))  # a tenth of it: closes in
    low, high = steady_range(2.0, 2.0, None)  # a flat line gets room
    assert low < 2.0 < high


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


def caught_up(qtbot, plots: HistoryPlots, session: Session) -> None:
    """Wait for the plots to take in a far jump (they do it in the next turn of the event loop)."""
    qtbot.waitUntil(
        lambda: plots.shown("hidden") is not None and plots.shown("hidden").stop == len(session.trace)
    )


def test_a_far_jump_moves_the_cursors_at_once_and_the_curves_in_the_next_turn(qtbot, plots, session):
    session.load_preset(make_preset(3, DEFER_FROM_NEW_STEPS + 10))
    session.seek(DEFER_FROM_NEW_STEPS + 5)
    assert plots.cursor_position() == DEFER_FROM_NEW_STEPS + 5
    assert len(plots.curve("hidden", 0).xData) == 0  # not yet
    caught_up(qtbot, plots, session)
    assert_envelope(plots.curve("hidden", 0), session.trace.hidden[:, 0])
    qtbot.wait(MIN_UPDATE_MS + 10)
    session.seek(DEFER_FROM_NEW_STEPS + 10)  # a few more steps, a while later: at once
    assert plots.shown("hidden").stop == DEFER_FROM_NEW_STEPS + 10


def test_plots_catch_up_with_a_far_jump_while_play_keeps_adding_steps(qtbot, plots, session):
    session.load_preset(make_preset(3, 3 * DEFER_FROM_NEW_STEPS))
    session.seek(DEFER_FROM_NEW_STEPS + 5)  # a far jump, then play adds steps every turn
    for frame in range(1, 30):
        session.seek(DEFER_FROM_NEW_STEPS + 5 + 500 * frame)
        QApplication.processEvents()  # one turn of the event loop per frame, as in play
        shown = plots.shown("hidden")
        if shown is not None and shown.stop > DEFER_FROM_NEW_STEPS:
            break
    assert shown is not None and shown.stop > DEFER_FROM_NEW_STEPS  # drawn, not binning forever
    caught_up(qtbot, plots, session)
    assert_envelope(plots.curve("hidden", 0), session.trace.hidden[:, 0])


def assert_envelope(curve: pg.PlotDataItem, values: np.ndarray, start: int = 0) -> None:
    """The curve sweeps each bin's min then max, bin by bin, from step start + 1 on."""
    x, y = curve.xData, curve.yData
    first, last = x[0::2].astype(int), x[1::2].astype(int)
    assert first[0] == start + 1 and last[-1] == start + len(values)
    np.testing.assert_array_equal(first[1:], last[:-1] + 1)  # bins tile the steps
    for k in (0, len(first) // 2, len(first) - 1):
        rows = values[first[k] - 1 - start : last[k] - start]
        assert (y[2 * k], y[2 * k + 1]) == (rows.min(), rows.max())
    assert (y.min(), y.max()) == (values.min(), values.max())  # peaks are kept


def test_a_long_history_is_drawn_as_min_max_bins(qtbot, plots, session):
    session.load_preset(make_preset(3, 100_000))
    session.seek(100_000)
    caught_up(qtbot, plots, session)
    curve = plots.curve("cell", 2)
    assert len(curve.xData) <= 2 * MAX_BINS
    assert_envelope(curve, session.trace.cell[:, 2])
    plots.show()
    qtbot.waitExposed(plots)
    plots.grab()
    shown = plots.unit_curves("cell").y
    session.back()
    assert plots.unit_curves("cell").y is shown
    assert plots.cursor_position() == 99_999


def test_playing_on_a_long_history_updates_the_bins_and_keeps_the_emphasis(qtbot, plots, session):
    session.load_preset(make_preset(3, 60_000))
    session.seek(40_000)
    session.select_unit(1)
    for t in (40_001, 40_500, 47_123, 60_000):
        session.seek(t)
        caught_up(qtbot, plots, session)  # the coalescing timer's update
        curve = plots.curve("hidden", 1)
        assert len(curve.xData) <= 2 * MAX_BINS
        assert_envelope(curve, session.trace.hidden[:, 1])
        assert curve.opts["pen"].widthF() == SELECTED_WIDTH
        assert plots.curve("hidden", 0).opts["pen"].color().alpha() == DIMMED_ALPHA
    before = plots.shown("forget_gate")
    session.set_input_value(10, 0, 3.0)  # rewrites steps 11.. in the same trace: binned again
    qtbot.waitUntil(lambda: plots.shown("forget_gate") is not before)
    assert_envelope(plots.curve("forget_gate", 0), session.trace.forget_gate[:, 0])


def test_zooming_in_on_a_long_history_shows_its_steps(qtbot, plots, session):
    plots.show()
    qtbot.waitExposed(plots)
    session.load_preset(make_preset(3, 50_000))
    session.seek(50_000)
    caught_up(qtbot, plots, session)
    vb = plots.plot_item("hidden").vb
    vb.setXRange(20_000, 20_040, padding=0)
    vb.sigRangeChangedManually.emit([True, False])  # what a wheel zoom emits
    curve = plots.curve("hidden", 0)
    shown = plots.shown("hidden")
    assert shown.exact and shown.start <= 19_999 and 20_040 <= shown.stop
    np.testing.assert_array_equal(curve.xData, np.arange(shown.start + 1, shown.stop + 1))
    np.testing.assert_array_equal(curve.yData, session.trace.hidden[shown.start : shown.stop, 0])
    texts: list[str] = []
    plots.hovered.connect(texts.append)
    value = session.trace.hidden[20_019, 2]
    viewport, pos = viewport_pos(plots, "hidden", 20_020, value)
    qtbot.mouseMove(viewport, pos)
    assert texts[-1] == f"step 20020 · h_t[2] = {value:.3g}"  # the exact step and value
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    assert session.t == 20_020
    vb.setXRange(10_000, 15_000, padding=0)  # wider: binned, but finer than the whole history
    binned = plots.shown("hidden")
    assert 1 < binned.bin_size < bin_size_for(50_000)
    assert_envelope(curve, session.trace.hidden[binned.start : binned.stop, 0], binned.start)
    viewport, pos = viewport_pos(plots, "hidden", 12_345, 0)
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=pos)  # back to all steps
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=pos)
    assert plots.shown("hidden").start == 0 and plots.shown("hidden").stop == 50_000


def test_a_long_history_of_a_wide_layer_is_a_binned_heatmap(qtbot, plots, session):
    session.load_preset(make_preset(64, 30_000))
    session.seek(30_000)
    caught_up(qtbot, plots, session)
    image = plots.heatmap("forget_gate")
    shown = plots.shown("forget_gate")
    assert image.image.shape == (64, len(shown.lows)) and len(shown.lows) <= MAX_BINS
    gate = session.trace.forget_gate
    extreme = shown.peaks(0.5)  # the value farthest from the middle of 0..1
    np.testing.assert_array_equal(image.image, extreme.T)
    assert (image.image.min(), image.image.max()) == (gate.min(), gate.max())
    rect = image.mapRectToView(image.boundingRect())
    assert rect.left() == 0.5 and 30_000.5 <= rect.right() < 30_000.5 + shown.bin_size


def test_replacing_the_preset_rebuilds_for_the_new_size(plots, session):
    session.load_preset(make_preset(5, 10))
    assert plots.curve("hidden", 4) is not None
    assert plots.curve("hidden", 5) is None
    drawn = [item for item in plots.plot_item("hidden").items if isinstance(item, UnitCurves)]
    assert [item.hidden_size for item in drawn] == [5]
    session.load_preset(make_preset(64, 10))
    assert plots.heatmap("hidden") is not None
    session.load_preset(make_preset(2, 10))
    assert plots.heatmap("hidden") is None
    items = plots.plot_item("hidden").items
    assert not any(isinstance(item, pg.ImageItem) for item in items)
    drawn = [item for item in items if isinstance(item, UnitCurves)]
    assert [item.hidden_size for item in drawn] == [2]


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


def test_moving_only_the_y_range_does_not_redo_the_curves(qtbot, plots, session, monkeypatch):
    for _ in range(5):
        session.step()
    curves = plots.unit_curves("cell")
    redone = []
    monkeypatch.setattr(curves, "set_data", lambda *a, **k: redone.append(a))
    plots.plot_item("cell").setYRange(-5, 5)
    plots.grab()
    assert redone == []
    plots.plot_item("cell").setXRange(0, 3)  # the rows in view are picked when painting
    plots.grab()
    assert redone == []
