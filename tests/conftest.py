"""Test set-up: Qt runs offscreen, settings never touch the user's files."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _private_settings(tmp_path, monkeypatch):
    """Every test reads and writes settings in its own temporary file."""
    monkeypatch.setenv("LSTM_SIM_SETTINGS", str(tmp_path / "settings.conf"))
