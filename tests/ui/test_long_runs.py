"""Far jumps compute in slices with a progress dialog and Cancel; short ones at once."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton

from simulator.engine import run
from simulator.ui import long_runs
from simulator.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, monkeypatch) -> MainWindow:
    monkeypatch.setattr(long_runs, "LONG_RUN_STEPS", 500)
    monkeypatch.setattr(long_runs, "FIRST_SLICE", 100)
    win = MainWindow()
    qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
    session = win.session
    session.set_inputs(np.random.default_rng(0).uniform(-1, 1, (5_000, session.input_size)))
    return win


def test_go_to_end_computes_in_slices_then_moves_t(qtbot, window: MainWindow):
    session = window.session
    seen = []
    session.trace_changed.connect(lambda: seen.append(session.t))
    window.findChild(QAction, "action_end").trigger()
    assert window.long_run.running and session.t == 0  # nothing moved yet: the slices run from the loop
    with qtbot.waitSignal(window.long_run.finished, timeout=20_000) as blocker:
        pass
    assert blocker.args == [True]
    assert session.t == session.length == 5_000 and seen == [5_000]
    reference = run(session.params, session.inputs, session.h0, session.c0)
    np.testing.assert_allclose(session.trace.hidden[::499], reference.hidden[::499], rtol=1e-12, atol=1e-14)
    assert window.long_run.dialog is None


def test_cancel_keeps_t_and_what_was_computed(qtbot, window: MainWindow, monkeypatch):
    session = window.session
    compute = session.precompute
    calls = []

    def first_slice_then_cancel(t: int) -> int:  # the user presses Cancel during the first slice
        calls.append(t)
        done = compute(t)
        if len(calls) == 1:
            window.long_run.dialog.findChild(QPushButton).click()
        return done

    monkeypatch.setattr(session, "precompute", first_slice_then_cancel)
    with qtbot.waitSignal(window.long_run.finished) as blocker:
        window.long_run.seek(session.length)
        assert window.long_run.dialog.labelText() == "Computing steps 1 to 5,000…"
    assert blocker.args == [False]
    assert session.t == 0 and len(session.trace) == calls[0] == 100 and len(calls) == 1
    assert not window.long_run.running and window.long_run.dialog is None


def test_short_jumps_happen_at_once(window: MainWindow):
    window.time_controls.timeline.setValue(300)
    assert window.session.t == 300 and not window.long_run.running


def test_a_far_jump_on_the_timeline_is_sliced(qtbot, window: MainWindow):
    window.time_controls.timeline.setValue(4_000)
    assert window.long_run.running
    qtbot.waitUntil(lambda: window.session.t == 4_000, timeout=20_000)


def test_a_cancel_noticed_between_slices_also_stops(qtbot, window: MainWindow):
    session = window.session
    window.long_run.seek(session.length)
    window.long_run.dialog.cancel()  # wasCanceled() without the button's signal
    with qtbot.waitSignal(window.long_run.finished) as blocker:
        pass
    assert blocker.args == [False] and session.t == 0 and len(session.trace) == 0


def test_an_edit_deep_in_history_recomputes_in_slices_and_comes_back(qtbot, window: MainWindow):
    session = window.session
    window.long_run.seek(4_000)
    qtbot.waitUntil(lambda: session.t == 4_000, timeout=20_000)
    positions = []
    session.trace_changed.connect(lambda: positions.append(session.t))
    window.edits.set_weight("forget", "bias", (0,), 3.0)
    assert positions[0] == 500  # the edit recomputed the first replay_limit steps only
    with qtbot.waitSignal(window.long_run.finished, timeout=20_000) as blocker:
        pass
    assert blocker.args == [True] and session.t == 4_000
    reference = run(session.params, session.inputs[:4_000], session.h0, session.c0)
    np.testing.assert_allclose(session.trace.cell[:4_000], reference.cell, rtol=1e-12, atol=1e-14)
    window.undo_stack.undo()  # undo is an edit too: back in slices
    qtbot.waitUntil(lambda: session.t == 4_000 and not window.long_run.running, timeout=20_000)
    assert session.params.part("forget", "bias")[0] != 3.0


def test_during_play_an_edit_deep_in_history_returns_at_once(window: MainWindow, monkeypatch):
    session = window.session
    session.seek(4_000)
    monkeypatch.setattr(type(window.player), "playing", property(lambda self: True))
    window.edits.set_weight("forget", "bias", (0,), 3.0)
    assert session.t == 4_000 and not window.long_run.running and window.long_run.dialog is None
