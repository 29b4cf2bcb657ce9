"""Saving and opening lessons from the window: Save, Save As, Open, Open Recent, unsaved-changes prompt.

A lesson is "modified" when the undo stack is not at its clean index: every
edit goes through the stack, and saving marks the stack clean.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from simulator.io.errors import LoadError
from simulator.io.lessons import LESSON_SUFFIX, load_lesson, save_lesson
from simulator.session import Session
from simulator.ui.settings import Settings

MAX_RECENT = 8
FILE_FILTER = f"Lessons (*{LESSON_SUFFIX})"


class LessonFiles(QObject):
    """The lesson file behind the window, and the commands that read and write it.

    Parameters
    ----------
    parent : QWidget
        The window: dialogs are shown over it.
    session, undo_stack, settings
        What is saved, what tells whether it changed, where the recent files are kept.
    view_state : callable
        Returns the display settings saved with a lesson (theme, …).
    apply_view_state : callable
        Applies display settings read from a lesson.
    """

    def __init__(self, parent: QWidget, session: Session, undo_stack: QUndoStack, settings: Settings,
                 view_state: Callable[[], dict[str, object]],
                 apply_view_state: Callable[[dict[str, object]], None]) -> None:
        super().__init__(parent)
        self._window = parent
        self._session = session
        self._stack = undo_stack
        self._settings = settings
        self._view_state = view_state
        self._apply_view_state = apply_view_state
        self.path: Path | None = None
        self.recent_menu: QMenu | None = None

    @property
    def modified(self) -> bool:
        return not self._stack.isClean()

    # ---------------------------------------------------------------- save
    def save(self) -> bool:
        """Save to the current file, or ask for one."""
        return self.save_to(self.path) if self.path is not None else self.save_as()

    def save_as(self) -> bool:
        start = str(self.path or Path.home() / f"{self._session.preset_name or 'lesson'}{LESSON_SUFFIX}")
        path, _ = QFileDialog.getSaveFileName(self._window, "Save lesson", start, FILE_FILTER)
        return self.save_to(Path(path)) if path else False

    def save_to(self, path: Path) -> bool:
        """Write the lesson atomically; a failure shows its message and changes nothing."""
        try:
            written = save_lesson(self._session.snapshot(self._view_state()), path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self._window, "Cannot save lesson", f"{Path(path).name}: {exc}")
            return False
        self.path = written
        self._stack.setClean()
        self._remember(written)
        return True

    # ---------------------------------------------------------------- open
    def open(self) -> bool:
        if not self.confirm_discard():
            return False
        start = str(self.path.parent if self.path else Path.home())
        path, _ = QFileDialog.getOpenFileName(self._window, "Open lesson", start, FILE_FILTER)
        return self.open_path(Path(path), ask=False) if path else False

    def open_path(self, path: Path, ask: bool = True) -> bool:
        """Open a lesson file; a bad file shows its message and leaves the open lesson untouched."""
        if ask and not self.confirm_discard():
            return False
        try:
            lesson = load_lesson(path)
        except LoadError as exc:
            QMessageBox.warning(self._window, "Cannot open lesson", str(exc))
            return False
        self._session.restore(lesson)
        self._apply_view_state(dict(lesson.view))
        self._stack.clear()
        self.path = Path(path)
        self._remember(self.path)
        return True

    def forget_file(self) -> None:
        """After a preset is loaded, the lesson no longer belongs to a file."""
        self.path = None

    def confirm_discard(self) -> bool:
        """Ask before unsaved changes are lost: Save, Discard or Cancel. True to go on."""
        if not self.modified:
            return True
        answer = QMessageBox.question(
            self._window, "Unsaved changes",
            "The lesson has changes that are not saved. Save them first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    # -------------------------------------------------------------- recent
    def recent(self) -> list[str]:
        value = self._settings.get("lessons/recent")
        return [str(p) for p in value][:MAX_RECENT]  # type: ignore[union-attr]

    def _remember(self, path: Path) -> None:
        entry = str(Path(path).resolve())
        self._settings.set("lessons/recent", [entry, *(p for p in self.recent() if p != entry)][:MAX_RECENT])
        self.fill_recent_menu()

    def fill_recent_menu(self) -> None:
        menu = self.recent_menu
        if menu is None:
            return
        menu.clear()
        for entry in self.recent():
            action = menu.addAction(Path(entry).name)
            action.setToolTip(entry)
            action.triggered.connect(lambda _=False, p=entry: self.open_path(Path(p)))
        menu.setEnabled(bool(self.recent()))
