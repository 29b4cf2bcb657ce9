"""Unexpected exceptions: the traceback goes to the log, one dialog says so, and the app keeps working."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from simulator.ui import MainWindow
from simulator.ui.errors import ENV_LOG, KEEPS_RUNNING, default_log_path, install_error_handler


@pytest.fixture
def window(qtbot):
    win = MainWindow()
    qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
    return win


@pytest.fixture
def hooks_restored(monkeypatch):
    """Whatever the test installs, the interpreter's hooks are put back afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)


class Dialogs(list):
    """The message boxes shown, as dicts of what they said; ``during`` runs while one is open."""

    def __init__(self) -> None:
        super().__init__()
        self.during: list[Callable[[], None]] = []

    def exec(self, box: QMessageBox) -> int:
        self.append(
            {"icon": box.icon(), "text": box.text(), "details": box.detailedText(), "parent": box.parent()}
        )
        for action in self.during:
            action()
        return int(QMessageBox.StandardButton.Ok.value)


@pytest.fixture
def dialogs(monkeypatch, hooks_restored) -> Dialogs:
    """What each message box would have shown; ``exec`` returns at once."""
    shown = Dialogs()
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.exec(box))
    return shown


def _broken_slot() -> None:
    raise ZeroDivisionError("the slot divided by zero")


def test_an_exception_in_a_slot_is_logged_and_shown_and_the_app_keeps_going(window, dialogs, qtbot, tmp_path):
    log = tmp_path / "logs" / "app.log"
    install_error_handler(window, log)
    QTimer.singleShot(0, _broken_slot)
    qtbot.waitUntil(lambda: bool(dialogs), timeout=5000)

    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "in _broken_slot" in text
    assert "ZeroDivisionError: the slot divided by zero" in text
    (dialog,) = dialogs
    assert dialog["icon"] == QMessageBox.Icon.Critical and dialog["parent"] is window
    first_line, keeps_running, where = str(dialog["text"]).splitlines()
    assert first_line.endswith("ZeroDivisionError: the slot divided by zero")
    assert keeps_running == KEEPS_RUNNING and str(log) in where
    assert "in _broken_slot" in str(dialog["details"])

    t = window.session.t
    window.actions_by_name["action_step"].trigger()
    assert window.session.t == t + 1


def test_errors_while_a_dialog_is_open_are_only_logged(window, dialogs, tmp_path):
    log = tmp_path / "app.log"
    handler = install_error_handler(window, log)

    def another_error() -> None:
        try:
            raise KeyError("second")
        except KeyError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)

    dialogs.during.append(another_error)
    dialogs.during.append(another_error)
    try:
        raise ValueError("first")
    except ValueError as exc:
        handler.excepthook(type(exc), exc, exc.__traceback__)
    assert len(dialogs) == 1 and "ValueError: first" in str(dialogs[0]["text"])
    text = log.read_text(encoding="utf-8")
    assert text.count("--- ") == 3 and text.count("KeyError: 'second'") == 2  # three errors logged

    dialogs.during.clear()
    try:
        raise RuntimeError("later")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert len(dialogs) == 2  # the first dialog is closed: the next error is shown again


def test_an_exception_in_a_thread_is_logged_and_shown_in_the_gui_thread(window, dialogs, qtbot, tmp_path):
    log = tmp_path / "app.log"
    install_error_handler(window, log)

    def work() -> None:
        raise OSError("the worker lost its file")

    worker = threading.Thread(target=work, name="worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(dialogs), timeout=5000)
    assert "OSError: the worker lost its file" in str(dialogs[0]["text"])
    text = log.read_text(encoding="utf-8")
    assert "in thread worker" in text and "the worker lost its file" in text


def test_long_messages_are_summed_up_in_one_line(window, dialogs, tmp_path):
    handler = install_error_handler(window, tmp_path / "app.log")
    try:
        raise ValueError("x" * 5000 + "\nsecond line")
    except ValueError as exc:
        handler.excepthook(type(exc), exc, exc.__traceback__)
    first_line = str(dialogs[0]["text"]).splitlines()[0]
    assert len(first_line) < 300 and "second line" not in first_line
    assert "second line" in str(dialogs[0]["details"])


def test_an_unwritable_log_still_shows_the_dialog(window, dialogs, tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    handler = install_error_handler(window, blocker / "app.log")
    try:
        raise ValueError("no log")
    except ValueError as exc:
        handler.excepthook(type(exc), exc, exc.__traceback__)
    assert len(dialogs) == 1
    assert "cannot write the error log" in capsys.readouterr().err


def test_the_log_path_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_LOG, str(tmp_path / "x.log"))
    assert default_log_path() == tmp_path / "x.log"
    monkeypatch.delenv(ENV_LOG)
    assert default_log_path().name == "lstm-sim.log"


def test_run_app_installs_the_handler():
    from simulator.ui import app

    assert not hasattr(app, "_report_unexpected")
    assert app.install_error_handler is install_error_handler
