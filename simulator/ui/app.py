"""Start the desktop app: one QApplication, the theme, the main window.

Only what the first window needs is imported here; the error handler and the offer to
restore unsaved work are imported by :func:`run_app` once the window is up (and, as
``install_error_handler`` and ``offer_restore``, on first access to this module's names).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from simulator.lazy_names import lazy_getattr
from simulator.ui.pyside_scan import read_module_sources_quickly
from simulator.ui.settings import APPLICATION, ORGANIZATION

read_module_sources_quickly()  # before pyqtgraph and the window's modules are imported: ~40 ms

_LATER = {"install_error_handler": "simulator.ui.errors", "offer_restore": "simulator.ui.recovery"}


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), with the app's names, style and font."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setOrganizationName(ORGANIZATION)
        app.setApplicationName(APPLICATION)
        app.setApplicationDisplayName("LSTM Gate Simulator")
        app.setStyle("Fusion")
        font = QFont(app.font())
        font.setPointSizeF(max(font.pointSizeF(), 10.0))
        app.setFont(font)
    return app  # type: ignore[return-value]


def run_app(preset: str | None = None, lesson: Path | None = None, quit_after_ms: int | None = None) -> int:
    """Open the main window (with ``preset`` or a saved ``lesson`` if given) and run until it is closed.

    A lesson that cannot be read raises :class:`~simulator.io.errors.LoadError` before any window opens.
    With ``quit_after_ms`` the window closes itself (saving its settings) after that long.
    """
    app = application()
    from simulator.session import Session
    from simulator.ui.main_window import MainWindow

    if lesson is not None:
        from simulator.io.lessons import load_lesson

        loaded = load_lesson(lesson)
        session = Session(None)
        session.restore(loaded)
        window = MainWindow(session=session)
        window.lesson_files.path = Path(lesson)
        window.apply_view_state(dict(loaded.view))
    else:
        window = MainWindow(session=Session(preset)) if preset else MainWindow()
        if preset:
            window.settings.set("session/last_preset", preset)
    from simulator.ui.errors import install_error_handler
    from simulator.ui.recovery import offer_restore

    install_error_handler(window)
    window.show()
    offer_restore(window)
    if quit_after_ms is not None:
        QTimer.singleShot(quit_after_ms, window.close)
    return app.exec()


__getattr__ = lazy_getattr(__name__, _LATER)
