"""Autosave and recovery: after a crash, the next start offers the unsaved lesson back, exactly."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from simulator.ui import MainWindow, recovery


@pytest.fixture
def folder(tmp_path, monkeypatch):
    path = tmp_path / "recovery"
    monkeypatch.setenv(recovery.ENV_FOLDER, str(path))
    return path


@pytest.fixture
def make_window(qtbot, folder):
    def make() -> MainWindow:
        win = MainWindow()
        qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
        return win

    return make


@pytest.fixture
def asked(monkeypatch):
    """The questions asked (each answered as ``asked["answer"]``, Yes by default) and warnings shown."""
    record: dict[str, object] = {"question": [], "warning": [], "answer": QMessageBox.StandardButton.Yes}

    def question(parent, title, text, *args):
        record["question"].append(text)
        return record["answer"]

    def warning(parent, title, text, *args):
        record["warning"].append(text)

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "warning", warning)
    return record


def _edit(win: MainWindow) -> None:
    win.edits.set_weight("output", "bias", (1,), 0.1 + 0.2)
    win.edits.set_weight("forget", "input", (0, 0), -1.0 / 3.0)
    win.session.seek(3)


def test_nothing_is_written_while_the_lesson_is_clean(make_window, folder):
    win = make_window()
    saver = recovery.install(win)
    assert recovery.install(win) is saver  # one per window
    assert saver.path == folder / recovery.RECOVERY_NAME
    assert saver.timer.interval() == 30_000 and saver.timer.isActive()
    assert not saver.autosave() and not saver.path.exists()


def test_a_crash_after_an_autosave_brings_the_edits_back_exactly(make_window, folder, asked, qtbot):
    crashed = make_window()
    saver = recovery.install(crashed)
    saver.timer.setInterval(20)
    _edit(crashed)
    qtbot.waitUntil(saver.path.exists, timeout=5000)
    params, t = crashed.session.params, crashed.session.t
    # The crash: no close, no discard; the window is just left behind.
    saver.timer.stop()

    restarted = make_window()
    recovery.install(restarted)
    assert recovery.offer_restore(restarted)
    assert asked["question"][0].startswith("Restore the unsaved lesson from ")
    assert restarted.session.params == params and restarted.session.t == t
    assert restarted.session.params.part("output", "bias")[1] == 0.1 + 0.2
    assert restarted.isWindowModified() and not restarted.undo_stack.isClean()
    assert saver.path.exists()  # still unsaved, so still protected
    assert restarted.lesson_files.path is None


def test_a_restored_lesson_remembers_its_own_file(make_window, folder, asked, tmp_path):
    win = make_window()
    saver = recovery.install(win)
    assert win.lesson_files.save_to(tmp_path / "class.lstm.json")
    _edit(win)
    assert saver.autosave()
    saver.timer.stop()
    restarted = make_window()
    assert recovery.offer_restore(restarted)
    assert restarted.lesson_files.path == tmp_path / "class.lstm.json"
    assert restarted.session.t == 3


def test_a_clean_save_an_undo_to_clean_and_a_clean_close_delete_the_file(make_window, tmp_path):
    win = make_window()
    saver = recovery.install(win)
    _edit(win)
    assert saver.autosave() and saver.path.exists()
    assert win.lesson_files.save_to(tmp_path / "saved.lstm.json")
    assert not saver.path.exists()

    win.edits.set_weight("output", "bias", (0,), 2.0)
    assert saver.autosave() and saver.path.exists()
    win.undo_stack.undo()
    assert win.undo_stack.isClean() and not saver.path.exists()

    win.edits.set_weight("output", "bias", (0,), 3.0)
    assert saver.autosave()
    saver.discard()
    assert not saver.path.exists() and not saver.timer.isActive()


def test_no_recovery_file_asks_nothing(make_window, asked):
    assert not recovery.offer_restore(make_window())
    assert asked["question"] == [] and asked["warning"] == []


def test_a_declined_recovery_is_deleted_and_changes_nothing(make_window, asked):
    win = make_window()
    saver = recovery.install(win)
    _edit(win)
    assert saver.autosave()
    saver.timer.stop()
    asked["answer"] = QMessageBox.StandardButton.No
    restarted = make_window()
    params = restarted.session.params
    assert not recovery.offer_restore(restarted)
    assert restarted.session.params == params and restarted.undo_stack.isClean()
    assert not saver.path.exists()


def test_a_bad_recovery_file_is_reported_and_removed(make_window, folder, asked):
    folder.mkdir()
    bad = folder / recovery.RECOVERY_NAME
    bad.write_text('{"format": "lstm-sim-lesson", "version": 1, "weights": ')
    win = make_window()
    params = win.session.params
    assert not recovery.offer_restore(win)
    assert asked["question"] == []
    assert len(asked["warning"]) == 1 and asked["warning"][0].startswith(bad.name)
    assert not bad.exists() and win.session.params == params


def test_a_failed_autosave_only_shows_in_the_status_bar(make_window, folder):
    folder.parent.mkdir(exist_ok=True)
    folder.write_text("a file where the folder should be")
    win = make_window()
    saver = recovery.install(win)
    _edit(win)
    assert not saver.autosave()
    assert win.statusBar().currentMessage().startswith("Autosave failed")
