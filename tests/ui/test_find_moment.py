"""Find the moment: breakpoints stop Play, hits jump, statistics sort and select."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from simulator.engine import run
from simulator.ui import MainWindow
from simulator.ui.find_moment import install
from simulator.ui.panels.statistics import SORT_ROLE


@pytest.fixture
def window(qtbot):
    win = MainWindow(restore=False)
    qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
    win.find_moment = install(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def first_step_where(window, field: str, unit: int, threshold: float) -> int:
    s = window.session
    values = getattr(run(s.params, s.inputs, s.h0, s.c0), field)[:, unit]
    return int(np.flatnonzero(values > threshold)[0]) + 1


def test_installing_twice_adds_nothing(window):
    again = install(window)
    assert again.breakpoints is window.find_moment.breakpoints
    assert len(window.findChildren(QDockWidget, "dock_breakpoints")) == 1


def test_docks_are_tabbed_with_the_plots_and_toggled_from_the_view_menu(window):
    for name in ("breakpoints", "statistics"):
        dock = window.findChild(QDockWidget, f"dock_{name}")
        assert dock is window.docks[name]
        assert dock in window.tabifiedDockWidgets(window.docks["plots"])
        view = window.menus["view"]  # never QAction.menu(): its wrapper can delete the menu
        assert dock.toggleViewAction() in view.actions()
        assert dock.toggleViewAction().toolTip()


def test_play_stops_at_the_first_step_where_the_breakpoint_holds(window, qtbot):
    expected = first_step_where(window, "forget_gate", 0, 0.5)
    assert 1 < expected < window.session.length  # the preset makes it stop in the middle
    panel = window.find_moment.breakpoints
    assert panel.add("forget_gate[0] > 0.5")
    window.player.set_max_speed(True)
    window.player.play()
    qtbot.waitUntil(lambda: not window.player.playing, timeout=3000)
    assert window.session.t == expected
    assert window.statusBar().currentMessage() == f"Stopped at step {expected}: forget_gate[0] > 0.5 (unit 0)"


def test_a_disabled_breakpoint_does_not_stop_play(window, qtbot):
    panel = window.find_moment.breakpoints
    panel.add("forget_gate[0] > 0.5")
    item = panel.breakpoint_table.item(0, 0)
    item.setCheckState(Qt.CheckState.Unchecked)
    assert panel.enabled_breakpoints() == []
    window.player.set_max_speed(True)
    window.player.play()
    qtbot.waitUntil(lambda: not window.player.playing, timeout=3000)
    assert window.session.t == window.session.length


def test_stepping_onto_a_hit_shows_a_message_without_playing(window):
    expected = first_step_where(window, "forget_gate", 0, 0.5)
    window.find_moment.breakpoints.add("forget_gate[0] > 0.5")
    window.session.seek(expected - 1)
    window.session.step()
    assert window.statusBar().currentMessage().startswith(f"Breakpoint at step {expected}:")


def test_entry_errors_show_in_red_at_the_field(window, qtbot):
    panel = window.find_moment.breakpoints
    panel.entry.setText("forgt_gate < 0.1")
    qtbot.keyClick(panel.entry, Qt.Key.Key_Return)
    assert panel.entries == []
    assert panel.error.isVisibleTo(panel)
    assert panel.error.text() == "unknown field 'forgt_gate' at column 1; did you mean forget_gate?"
    assert panel.entry.text() == "forgt_gate < 0.1"  # kept for fixing
    panel.entry.setText("forget_gate < 0.1")
    qtbot.keyClick(panel.entry, Qt.Key.Key_Return)
    assert [e.text for e in panel.entries] == ["forget_gate < 0.1"]
    assert not panel.error.isVisibleTo(panel) and panel.entry.text() == ""


def test_the_form_builds_the_same_breakpoint_as_its_text(window):
    panel = window.find_moment.breakpoints
    panel.field_box.setCurrentIndex(panel.field_box.findData("cell"))
    panel.unit_box.setCurrentIndex(panel.unit_box.findData(2))
    panel.op_box.setCurrentText(">=")
    panel.value_box.setValue(-0.25)
    assert panel.add_from_form()
    assert panel.entries[0].text == "cell[2] >= -0.25"
    panel.field_box.setCurrentIndex(panel.field_box.findData("inputs"))
    assert panel.unit_box.count() == 1 + window.session.input_size


def test_hits_list_jumps_and_selects_the_part(window, qtbot):
    panel = window.find_moment.breakpoints
    window.session.seek(window.session.length)
    panel.add("abs(cell) > 0.5")
    s = window.session
    trace = run(s.params, s.inputs, s.h0, s.c0)
    held = np.abs(trace.cell) > 0.5
    onsets = held & ~np.vstack([np.zeros((1, s.hidden_size), bool), held[:-1]])
    expected = (np.flatnonzero(onsets.any(axis=1)) + 1).tolist()
    model = panel.hits_model
    assert [model.row(r)[0].step for r in range(model.rowCount())] == expected
    window.session.select("input_gate")
    index = model.index(1, 0)
    rect = panel.hits_view.visualRect(index)
    window.docks["breakpoints"].raise_()
    qtbot.mouseClick(panel.hits_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.session.t == expected[1]
    assert window.session.selected == "cell"


def test_hits_follow_an_edit_of_the_weights(window):
    panel = window.find_moment.breakpoints
    window.session.seek(window.session.length)
    panel.add("forget_gate[0] > 0.5")
    steps = lambda: [panel.hits_model.row(r)[0].step for r in range(panel.hits_model.rowCount())]  # noqa: E731
    assert steps() == [first_step_where(window, "forget_gate", 0, 0.5)]
    params = window.session.params.with_value("forget", "bias", (0,), 50.0)
    window.session.set_params(params)  # unit 0's forget gate is now open from step 1 on
    assert steps() == [1]


def show_statistics(window, qtbot):
    """Raise the Statistics tab (it computes only while seen) and return its panel."""
    dock = window.docks["statistics"]
    dock.raise_()
    qtbot.waitUntil(lambda: not dock.visibleRegion().isEmpty())
    panel = window.find_moment.statistics
    qtbot.waitUntil(lambda: panel.active)
    return panel


def test_statistics_sort_by_any_column_and_clicking_selects(window, qtbot):
    panel = show_statistics(window, qtbot)
    window.session.seek(window.session.length)
    panel.set_field("forget_gate")
    s = window.session
    gate = run(s.params, s.inputs, s.h0, s.c0).forget_gate
    means = gate.mean(axis=0)
    panel.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    proxy = panel.proxy
    shown = [proxy.index(r, 2).data(SORT_ROLE) for r in range(proxy.rowCount())]
    assert shown == pytest.approx(sorted(means, reverse=True))
    units = [int(proxy.index(r, 0).data(SORT_ROLE)) for r in range(proxy.rowCount())]
    assert units == np.argsort(-means).tolist()

    window.session.select("hidden")
    assert panel.field == "hidden"  # follows the session's selection
    panel.set_field("forget_gate")
    window.docks["statistics"].raise_()
    with qtbot.waitSignal(panel.unit_selected) as signal:
        rect = panel.table.visualRect(proxy.index(0, 1))
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    top_unit = units[0]
    assert signal.args == ["forget_gate", top_unit]
    assert panel.selected_unit == top_unit
    assert window.session.selected == "forget_gate"


def shown_column(panel, column: int) -> list[float]:
    """A column of the statistics table in unit order."""
    rows = range(panel.proxy.rowCount())
    units = [int(panel.proxy.index(r, 0).data(SORT_ROLE)) for r in rows]
    values = [panel.proxy.index(r, column).data(SORT_ROLE) for r in rows]
    return [value for _unit, value in sorted(zip(units, values, strict=True))]


def test_statistics_update_as_the_trace_grows(window, qtbot):
    panel = show_statistics(window, qtbot)
    panel.set_field("cell")
    window.session.seek(3)
    assert "3 steps" in panel.summary.text()
    cell = window.session.trace.cell[:3]
    assert shown_column(panel, 3) == pytest.approx(cell.min(axis=0))
    window.session.seek(9)
    assert "9 steps" in panel.summary.text()
    assert shown_column(panel, 2) == pytest.approx(window.session.trace.cell[:9].mean(axis=0))


def test_hidden_statistics_wait_until_shown_and_follow_edits(window, qtbot):
    dock = window.docks["statistics"]
    window.docks["plots"].raise_()
    qtbot.waitUntil(lambda: dock.visibleRegion().isEmpty())  # tabbed behind the history plots
    panel = window.find_moment.statistics
    assert not panel.active
    panel.set_field("hidden")
    session = window.session
    session.seek(6)
    assert "6 steps" not in panel.summary.text()  # nothing computed while unseen
    show_statistics(window, qtbot)
    assert "6 steps" in panel.summary.text()
    assert shown_column(panel, 4) == pytest.approx(session.trace.hidden[:6].max(axis=0))
    session.set_input_value(1, 0, 0.9)  # rewrites steps 2.. in the same trace object
    assert shown_column(panel, 4) == pytest.approx(session.trace.hidden[:6].max(axis=0))
    session.set_weight("forget", "bias", (0,), 3.0)  # a new trace
    assert shown_column(panel, 2) == pytest.approx(session.trace.hidden[:6].mean(axis=0))
