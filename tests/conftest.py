"""Test set-up: Qt runs offscreen, settings never touch the user's files."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

import pytest


@pytest.fixture(autouse=True)
def _private_settings(tmp_path, monkeypatch):
    """Every test keeps settings, the recovery file and the log in its own temporary folder."""
    monkeypatch.setenv("LSTM_SIM_SETTINGS", str(tmp_path / "settings.conf"))
    monkeypatch.setenv("LSTM_SIM_RECOVERY_DIR", str(tmp_path / "recovery"))
    monkeypatch.setenv("LSTM_SIM_LOG", str(tmp_path / "lstm-sim.log"))


@pytest.fixture(autouse=True)
def _collect_qt_garbage():
    """Delete closed widgets and collect their Python wrappers while Qt is still fully alive.

    Left to a random later collection (often at interpreter exit, after the QApplication is
    gone), cycles holding wrappers of deleted Qt objects can crash the garbage collector.
    """
    yield
    import gc
    import sys

    if "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtCore import QCoreApplication, QEvent
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is not None:
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            app.processEvents()
    gc.collect()
