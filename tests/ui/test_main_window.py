"""The assembled window: actions and shortcuts, time in sync everywhere, undo, settings, start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QToolBar

from simulator.session import Session
from simulator.ui import MainWindow
from simulator.ui.settings import Settings

CONTRACT = {"action_step": "Right", "action_back": "Left", "action_play": "Space", "action_reset": "Home"}


@pytest.fixture
def window(qtbot):
    win = MainWindow()
    # No unsaved-changes prompt when the test closes the window.
    qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    return win


def test_contract_actions_have_names_shortcuts_tooltips_menus_and_toolbar(window):
    toolbar = window.findChild(QToolBar, "toolbar_time")
    menu_actions = {a for menu in window.menus.values() for a in menu.actions()}
    for name, key in CONTRACT.items():
        action = window.findChild(type(window.actions_by_name[name]), name)
        assert action is window.actions_by_name[name]
        assert action.shortcut().toString() == key
        assert f"({key})" in action.toolTip()
        assert action in toolbar.actions()
        assert action in menu_actions


def test_starts_with_the_worked_example_ready_to_step(window):
    assert window.session.preset_name == "worked-example"
    assert window.session.t == 0 and window.session.length == 12
    assert "Worked example" in window.windowTitle()


@pytest.mark.parametrize("key", [Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_Home, Qt.Key.Key_Space])
def test_shortcut_keys_trigger_the_actions(window, qtbot, key):
    session = window.session
    session.seek(3)
    qtbot.keyClick(window, key)
    if key == Qt.Key.Key_Right:
        assert session.t == 4
    elif key == Qt.Key.Key_Left:
        assert session.t == 2
    elif key == Qt.Key.Key_Home:
        assert session.t == 0
    else:
        assert window.player.playing
        qtbot.keyClick(window, key)
        assert not window.player.playing


def test_step_changes_diagram_colours_plots_and_timeline(window, qtbot):
    before = [c.name() for c in window.diagram.part_colors("forget_gate")]
    window.actions_by_name["action_step"].trigger()
    after = [c.name() for c in window.diagram.part_colors("forget_gate")]
    assert before != after
    assert window.time_controls.timeline.value() == 1
    assert window.plots.cursor_position() == 1
    _x, y = window.plots.curve("hidden", 0).getData()
    np.testing.assert_array_equal(y, window.session.trace.hidden[:, 0])
    assert "t = 1 / 12" in window.time_status.text()


def test_back_and_forward_is_exact_on_screen(window):
    actions = window.actions_by_name
    for _ in range(3):
        actions["action_step"].trigger()
    shown = {p: [c.name() for c in window.diagram.part_colors(p)] for p in ("cell", "hidden", "input_gate")}
    state = [a.copy() for a in window.session.state()]
    for _ in range(2):
        actions["action_step"].trigger()
    for _ in range(2):
        actions["action_back"].trigger()
    assert window.session.t == 3
    for a, b in zip(state, window.session.state(), strict=False):
        assert np.array_equal(a, b)
    assert shown == {p: [c.name() for c in window.diagram.part_colors(p)] for p in shown}


def test_timeline_and_plot_cursor_stay_in_sync(window, qtbot):
    window.time_controls.timeline.setValue(7)
    assert window.session.t == 7
    assert window.plots.cursor_position() == 7
    window.session.seek(4)
    assert window.time_controls.timeline.value() == 4
    assert window.plots.cursor_position() == 4


def test_weight_edit_and_undo_restore_values_and_picture(window, qtbot):
    session = window.session
    session.seek(2)
    gate_before = session.current_step().forget_gate.copy()
    colours_before = [c.name() for c in window.diagram.part_colors("forget_gate")]
    for value in (1.0, 2.5, 4.0):  # one drag of the slider
        window.edits.set_weight("forget", "bias", (1,), value, drag=True)
    window.edits.finish_drag()
    assert session.current_step().forget_gate[1] != gate_before[1]
    assert [c.name() for c in window.diagram.part_colors("forget_gate")] != colours_before
    assert window.undo_stack.count() == 1
    window.actions_by_name["action_undo"].trigger()
    np.testing.assert_array_equal(session.current_step().forget_gate, gate_before)
    assert [c.name() for c in window.diagram.part_colors("forget_gate")] == colours_before
    window.actions_by_name["action_redo"].trigger()
    assert session.params.part("forget", "bias")[1] == 4.0


def test_play_at_full_speed_runs_to_the_end_and_stops(window, qtbot):
    window.actions_by_name["action_max_speed"].setChecked(True)
    window.actions_by_name["action_play"].trigger()
    qtbot.waitUntil(lambda: window.session.t == window.session.length, timeout=5000)
    qtbot.waitUntil(lambda: not window.player.playing, timeout=1000)
    assert not window.actions_by_name["action_play"].isChecked()
    assert not window.actions_by_name["action_step"].isEnabled()


def test_import_inputs_refuses_a_bad_file_and_keeps_the_session(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2\n3,oops\n")
    inputs = window.session.inputs.copy()
    assert not window.load_inputs(bad)
    assert shown and "bad.csv" in shown[0] and "oops" in shown[0]
    np.testing.assert_array_equal(window.session.inputs, inputs)
    good = tmp_path / "good.csv"
    good.write_text("1,2\n3,4\n5,6\n")
    assert window.load_inputs(good)
    assert window.session.length == 3
    window.actions_by_name["action_undo"].trigger()
    np.testing.assert_array_equal(window.session.inputs, inputs)


def test_settings_persist_geometry_speed_and_preset(qtbot, tmp_path):
    path = str(tmp_path / "persist.conf")
    first = MainWindow(settings=Settings(path))
    qtbot.addWidget(first)
    screen = first.screen().availableGeometry()
    first.resize(screen.width() - 61, screen.height() - 93)  # well inside the screen: not clamped
    size = first.size()
    fresh = MainWindow(settings=Settings(str(tmp_path / "other.conf")))
    qtbot.addWidget(fresh)
    assert size != fresh.size()
    first.time_controls.speed.setValue(17)
    first.docks["plots"].hide()
    first.close()
    second = MainWindow(settings=Settings(path))
    qtbot.addWidget(second)
    assert second.size() == size
    assert second.player.speed == 17
    assert second.docks["plots"].isHidden()
    assert second.session.preset_name == "worked-example"


def test_large_model_window_builds(qtbot):
    from simulator.engine import LSTMParams
    from simulator.io.presets import Preset

    session = Session()
    params = LSTMParams.random(4, 1024, seed=1)
    session.load_preset(
        Preset("big", "Big", "", params, np.zeros((20, 4)) + 0.5, np.zeros(1024), np.zeros(1024))
    )
    win = MainWindow(session=session)
    qtbot.addWidget(win)
    win.show()
    session.seek(5)
    assert len(win.diagram.part_colors("cell")) == 1024
    assert win.plots.heatmap("cell") is not None


def test_screenshot_command_writes_a_png(tmp_path):
    out = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "screenshot", str(out), "--step", "1", "--size", "1200x800"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 800)
    colours = {image.pixel(x, y) for x in range(0, 1200, 37) for y in range(0, 800, 37)}
    assert len(colours) > 20  # a real picture, not a blank window


def test_console_command_opens_the_window_and_quits_cleanly(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "LSTM_SIM_SETTINGS": str(tmp_path / "s.conf")}
    script = Path(sys.executable).with_name("lstm-sim")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "simulator"]
    done = subprocess.run(
        [*command, "--quit-after", "1500"], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "last_preset=worked-example" in (tmp_path / "s.conf").read_text()


def long_window(qtbot, steps: int) -> MainWindow:
    from simulator.engine import LSTMParams
    from simulator.io.presets import Preset

    session = Session()
    inputs = np.sin(np.arange(steps)[:, None] * np.array([0.01, 0.03]))
    session.load_preset(
        Preset("long", "Long", "", LSTMParams.random(2, 4, seed=3), inputs, np.zeros(4), np.zeros(4))
    )
    win = MainWindow(session=session)
    qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
    return win


def test_full_speed_plays_many_steps_per_frame(qtbot):
    win = long_window(qtbot, 20_000)
    ticks = []
    win.session.trace_changed.connect(lambda: ticks.append(win.session.t))
    win.player.set_max_speed(True)
    win.player.play()
    qtbot.waitUntil(lambda: not win.player.playing, timeout=20_000)
    assert win.session.t == 20_000
    assert len(ticks) < 20_000 / 5  # several steps per frame, each drawn once
    reference = Session(None)
    reference.restore(win.session.snapshot())
    np.testing.assert_allclose(win.session.trace.hidden, reference.trace.hidden, rtol=0, atol=1e-12)


def test_full_speed_stops_exactly_at_a_breakpoint_it_would_jump_over(qtbot):
    win = long_window(qtbot, 20_000)
    from simulator.engine import run

    session = win.session
    trace = run(session.params, session.inputs, session.h0, session.c0)
    above = trace.hidden[:, 1] > np.quantile(trace.hidden[:, 1], 0.999)
    expected = int(np.argmax(above)) + 1  # the first step where it holds
    threshold = float(np.quantile(trace.hidden[:, 1], 0.999))
    assert win.find_moment.breakpoints.add(f"hidden[1] > {threshold!r}")
    win.player.set_max_speed(True)
    win.player.play()
    qtbot.waitUntil(lambda: not win.player.playing, timeout=20_000)
    assert session.t == expected
    assert win.statusBar().currentMessage().startswith(f"Stopped at step {expected}:")
