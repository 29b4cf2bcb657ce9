"""Tables follow every step, except while playing as fast as possible: then at most 20 times a second."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject

from simulator.session import Session
from simulator.ui.main_window import MainWindow
from simulator.ui.settings import Settings
from simulator.ui.throttle import INTERVAL_MS, Throttle

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def calls(qtbot):
    owner = QObject()
    made: list[int] = []
    throttle = Throttle(lambda: made.append(1), owner)
    yield throttle, made
    owner.deleteLater()


def test_off_every_call_runs_at_once(calls):
    throttle, made = calls
    for _ in range(5):
        throttle()
    assert len(made) == 5


def test_soon_runs_once_in_a_coming_turn_of_the_event_loop(qtbot, calls):
    throttle, made = calls
    throttle.soon()
    throttle.soon()  # one already due: no second
    assert made == []
    qtbot.waitUntil(lambda: len(made) == 1, timeout=INTERVAL_MS)
    qtbot.wait(INTERVAL_MS)
    assert len(made) == 1


def test_on_calls_are_coalesced_and_the_last_one_still_runs(qtbot, calls):
    throttle, made = calls
    throttle.set_on(True)
    qtbot.wait(INTERVAL_MS + 10)
    throttle()  # the first after a while runs at once
    for _ in range(10):
        throttle()
    assert len(made) == 1
    qtbot.waitUntil(lambda: len(made) == 2, timeout=4 * INTERVAL_MS)  # the trailing one
    qtbot.wait(2 * INTERVAL_MS)
    assert len(made) == 2


def test_turning_it_off_runs_a_pending_call_at_once(qtbot, calls):
    throttle, made = calls
    throttle.set_on(True)
    qtbot.wait(INTERVAL_MS + 10)
    throttle()
    throttle()
    assert len(made) == 1
    throttle.set_on(False)
    assert len(made) == 2


def test_full_speed_play_coalesces_the_tables_and_pause_shows_the_current_step(qtbot, tmp_path):
    session = Session("sine-predictor")
    window = MainWindow(session, Settings(str(tmp_path / "s.conf")), restore=False)
    qtbot.addWidget(window, before_close_func=lambda w: w.undo_stack.setClean())
    tables = (window.inputs_panel.trace_updates, window.inspector.trace_updates)
    window.player.play()
    assert not any(t.on for t in tables)  # steps per second: every step shows
    window.player.pause()
    window.actions_by_name["action_max_speed"].setChecked(True)
    window.player.play()
    assert all(t.on for t in tables)
    qtbot.waitUntil(lambda: session.t >= 20)
    window.player.pause()
    assert not any(t.on for t in tables)
    assert f"t = {session.t} of" in window.inspector.where.text()
    assert window.inputs_panel.model.current_row == session.t - 1
