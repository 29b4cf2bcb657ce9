"""Unexpected exceptions: logged in full, summed up in one dialog, and the app keeps running.

:func:`install_error_handler` replaces ``sys.excepthook`` and
``threading.excepthook``. Each unexpected exception is appended, with its
whole traceback, to a log file (``<AppLocalDataLocation>/lstm-sim.log``; the
environment variable ``LSTM_SIM_LOG`` names another) and shown in a critical
message box with a one-line summary, the log's path and the traceback as its
details. Only one such dialog is open at a time: errors raised while it is
open are only logged. Nothing is re-raised. ``KeyboardInterrupt`` and
``SystemExit`` keep their usual handling.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

import shiboken6
from PySide6.QtCore import QObject, QStandardPaths, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

ENV_LOG = "LSTM_SIM_LOG"
LOG_NAME = "lstm-sim.log"
SUMMARY_CHARS = 200
TITLE = "Unexpected error"
KEEPS_RUNNING = "The app keeps running; your work is unchanged."


def default_log_path() -> Path:
    """``$LSTM_SIM_LOG`` if set, else ``lstm-sim.log`` in the app's local data folder."""
    path = os.environ.get(ENV_LOG)
    if path:
        return Path(path)
    location = QStandardPaths.StandardLocation.AppLocalDataLocation
    return Path(QStandardPaths.writableLocation(location)) / LOG_NAME


def summary(value: BaseException) -> str:
    """One line: the exception's type and the first line of its message, cut short if long."""
    first = (str(value).strip().splitlines() or [""])[0]
    text = f"{type(value).__name__}: {first}" if first else type(value).__name__
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


class ErrorHandler(QObject):
    """Logs unexpected exceptions and reports them in a dialog; see :func:`install_error_handler`.

    Parameters
    ----------
    parent : QApplication or QWidget
        A window to show the dialogs over, or the application (the active
        window is then used).
    log_path : Path
        The log file, appended to; its folder is created when needed.
    """

    reported = Signal(str, str)
    """(summary, details) of an exception to show; emitted from any thread, shown in the GUI thread."""

    def __init__(self, parent: QObject, log_path: Path) -> None:
        super().__init__(parent)
        self.log_path = Path(log_path)
        self._window = parent if isinstance(parent, QWidget) else None
        self._showing = False
        self._lock = threading.Lock()
        self._reporting = threading.local()  # .active: this thread is reporting an error now
        self.reported.connect(self._show)

    def excepthook(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        """``sys.excepthook``: log, then report (unless a dialog is already open)."""
        if issubclass(kind, (KeyboardInterrupt, SystemExit)):
            sys.__excepthook__(kind, value, tb)
            return
        details = "".join(traceback.format_exception(kind, value, tb))
        self._log(details)
        if not getattr(self._reporting, "active", False):
            self._report(summary(value), details)

    def threading_excepthook(self, args: threading.ExceptHookArgs) -> None:
        """``threading.excepthook``: as :meth:`excepthook`, naming the thread in the log."""
        if args.exc_value is None:
            return
        thread = f" in thread {args.thread.name}" if args.thread is not None else ""
        details = f"Exception{thread}:\n" + "".join(
            traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)
        )
        self._log(details)
        self._report(summary(args.exc_value), details)

    def _report(self, text: str, details: str) -> None:
        # An error raised while reporting (the window already gone, say) goes to the log only:
        # reporting it again would recurse without end.
        self._reporting.active = True
        try:
            if shiboken6.isValid(self):
                self.reported.emit(text, details)
        except RuntimeError:  # the window the handler belonged to is gone: the log has it
            pass
        finally:
            self._reporting.active = False

    def _log(self, details: str) -> None:
        stamp = datetime.now().isoformat(timespec="seconds")
        print(details, file=sys.stderr, end="")
        with self._lock:
            try:
                self.log_path.parent.mkdir(parents=True, exist_ok=True)
                with self.log_path.open("a", encoding="utf-8") as log:
                    log.write(f"--- {stamp}\n{details}\n")
            except OSError as exc:
                print(f"cannot write the error log {self.log_path}: {exc}", file=sys.stderr)

    def _show(self, text: str, details: str) -> None:
        if self._showing:
            return  # one dialog at a time: this error is in the log only
        self._showing = True
        try:
            window = self._window if self._window is not None and shiboken6.isValid(self._window) else None
            parent = window or QApplication.activeWindow()
            box = QMessageBox(
                QMessageBox.Icon.Critical,
                TITLE,
                f"Something went wrong: {text}\n{KEEPS_RUNNING}\nDetails are in {self.log_path}",
                QMessageBox.StandardButton.Ok,
                parent,
            )
            box.setDetailedText(details)
            box.exec()
            box.deleteLater()
        finally:
            self._showing = False


def install_error_handler(app_or_window: QObject, log_path: str | Path | None = None) -> ErrorHandler:
    """Send unexpected exceptions (of any thread) to a log file and a dialog, and keep running.

    Parameters
    ----------
    app_or_window : QApplication or QWidget
        What the handler belongs to; a window is also the dialogs' parent.
    log_path : str or Path, optional
        The log file; by default :func:`default_log_path`.

    Returns
    -------
    ErrorHandler
        The handler now in ``sys.excepthook`` and ``threading.excepthook``.
    """
    handler = ErrorHandler(app_or_window, Path(log_path) if log_path else default_log_path())
    sys.excepthook = handler.excepthook
    threading.excepthook = handler.threading_excepthook
    return handler
