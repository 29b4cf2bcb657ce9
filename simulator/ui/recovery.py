"""Autosave and recovery: unsaved work survives a crash, a kill or a flat battery.

While the lesson has unsaved changes (the undo stack is not clean), the
lesson is written atomically every ``interval_ms`` to a recovery file. A
clean save, undoing back to the saved state, or a normal close deletes it. If
the app did not close normally, the file is still there at the next start,
and :func:`offer_restore` asks whether to bring the lesson back.

The recovery folder is ``<AppDataLocation>/recovery``; the environment
variable ``LSTM_SIM_RECOVERY_DIR`` names another (the tests point it at a
temporary one).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStandardPaths, QTimer
from PySide6.QtWidgets import QMessageBox

from simulator.io.errors import LoadError
from simulator.io.lessons import LESSON_SUFFIX, load_lesson, save_lesson

if TYPE_CHECKING:
    from simulator.ui.main_window import MainWindow

ENV_FOLDER = "LSTM_SIM_RECOVERY_DIR"
RECOVERY_NAME = f"unsaved{LESSON_SUFFIX}"
LESSON_PATH_KEY = "recovered_from"
"""The view-state key under which the recovery file remembers the lesson's own file, if any."""
STATUS_MS = 8000


def recovery_folder() -> Path:
    """``$LSTM_SIM_RECOVERY_DIR`` if set, else the app's data folder's ``recovery``."""
    folder = os.environ.get(ENV_FOLDER)
    if folder:
        return Path(folder)
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)) / "recovery"


class Recovery(QObject):
    """Writes the window's unsaved lesson to a recovery file every ``interval_ms``.

    Parameters
    ----------
    window : MainWindow
        Whose ``session`` is saved while its ``undo_stack`` is not clean.
    folder : Path, optional
        Where the recovery file lives; by default :func:`recovery_folder`.
    interval_ms : int
        Time between autosaves.
    """

    def __init__(self, window: MainWindow, folder: Path | None = None, interval_ms: int = 30_000) -> None:
        super().__init__(window)
        self._window = window
        self.path = Path(folder or recovery_folder()) / RECOVERY_NAME
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.autosave)
        self.timer.start()
        window.undo_stack.cleanChanged.connect(self._on_clean_changed)

    def autosave(self) -> bool:
        """Write the lesson if it has unsaved changes; True if written. A failure shows in the status bar."""
        window = self._window
        if window.undo_stack.isClean():
            return False
        view = dict(window.view_state())
        if window.lesson_files.path is not None:
            view[LESSON_PATH_KEY] = str(window.lesson_files.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            save_lesson(window.session.snapshot(view), self.path)
        except (OSError, ValueError) as exc:
            window.statusBar().showMessage(f"Autosave failed: {exc}", STATUS_MS)
            return False
        return True

    def discard(self) -> None:
        """Stop autosaving and delete the recovery file: the window is closing normally."""
        self.timer.stop()
        self._remove()

    def _on_clean_changed(self, clean: bool) -> None:
        if clean:
            self._remove()

    def _remove(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            self._window.statusBar().showMessage(f"Cannot remove {self.path}: {exc}", STATUS_MS)


def install(window: MainWindow, folder: Path | None = None, interval_ms: int = 30_000) -> Recovery:
    """The window's :class:`Recovery`, created on the first call."""
    existing = window.findChild(Recovery)
    return existing if existing is not None else Recovery(window, folder, interval_ms)


def offer_restore(window: MainWindow, folder: Path | None = None) -> bool:
    """If a recovery file exists, ask whether to restore it; True if the lesson was restored.

    An unreadable recovery file is reported and deleted without asking; a
    declined one is deleted. A restored lesson counts as unsaved: the window
    asks before closing, and autosaving goes on until it is saved.
    """
    path = Path(folder or recovery_folder()) / RECOVERY_NAME
    try:
        when = datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    except OSError:
        return False
    try:
        lesson = load_lesson(path)
    except LoadError as exc:
        path.unlink(missing_ok=True)
        QMessageBox.warning(window, "Cannot restore lesson", f"{exc}\nThe recovery file was removed.")
        return False
    answer = QMessageBox.question(
        window,
        "Restore unsaved lesson",
        f"Restore the unsaved lesson from {when}?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    if answer != QMessageBox.StandardButton.Yes:
        path.unlink(missing_ok=True)
        return False
    window.session.restore(lesson)
    window.apply_view_state(dict(lesson.view))
    window.lesson_files.forget_file()
    source = lesson.view.get(LESSON_PATH_KEY)
    if isinstance(source, str) and source:
        window.lesson_files.path = Path(source)
    window.undo_stack.clear()
    window.undo_stack.resetClean()
    recovery = window.findChild(Recovery)
    if recovery is not None:
        recovery.autosave()  # at once: the restored work is not safe until it is written again
    return True
