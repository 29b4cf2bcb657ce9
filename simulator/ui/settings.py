"""The app's persistent settings: one dict of defaults, typed reads, unknown keys refused.

Stored with QSettings in an INI file: by default Qt's place for the user
(``~/.config/LSTM Gate Simulator/lstm-sim.conf`` on Linux); the environment
variable ``LSTM_SIM_SETTINGS`` names another file (the tests point it at a
temporary one).
"""

from __future__ import annotations

import os

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "LSTM Gate Simulator"
APPLICATION = "lstm-sim"
ENV_FILE = "LSTM_SIM_SETTINGS"

DEFAULTS: dict[str, object] = {
    "window/geometry": QByteArray(),
    "window/state": QByteArray(),
    "session/last_preset": "worked-example",
    "play/speed": 4,
    "play/max_speed": False,
    "lessons/recent": [],
    "view/theme": "light",
}


class Settings:
    """Typed access to the keys of :data:`DEFAULTS`."""

    def __init__(self, path: str | None = None) -> None:
        path = path or os.environ.get(ENV_FILE)
        if path:
            self._store = QSettings(path, QSettings.Format.IniFormat)
        else:
            self._store = QSettings(
                QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
            )

    @property
    def path(self) -> str:
        return self._store.fileName()

    def get(self, key: str) -> object:
        """The stored value converted to the type of its default; the default if unset or unreadable."""
        default = _default(key)
        value = self._store.value(key, default)
        try:
            if isinstance(default, bool):
                return value if isinstance(value, bool) else str(value).lower() in ("true", "1")
            if isinstance(default, int):
                return int(value)
            if isinstance(default, list):
                # INI files give back a one-element list as a plain string.
                if value is None or value == "":
                    return []
                return [str(v) for v in value] if isinstance(value, list) else [str(value)]
            if isinstance(default, QByteArray):
                return value if isinstance(value, QByteArray) else default
            return type(default)(value)
        except (TypeError, ValueError):
            return default

    def set(self, key: str, value: object) -> None:
        _default(key)
        self._store.setValue(key, value)

    def sync(self) -> None:
        self._store.sync()


def _default(key: str) -> object:
    try:
        return DEFAULTS[key]
    except KeyError:
        raise KeyError(f"unknown setting {key!r}") from None
