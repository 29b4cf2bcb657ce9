"""A view's update that may be coalesced while play runs as fast as possible.

At full speed a frame comes every 17 ms or so, each thousands of steps on.
Tables of numbers that change on every frame cannot be read at that rate, and
redrawing them costs a good part of the frame. A :class:`Throttle` wraps a
view's update: off, it calls the update at once; on (the main window turns it
on for the tables while playing as fast as possible, the history plots while
they hold a long history), at most once every :data:`INTERVAL_MS`, with a last
call when the updates stop, and at once when it is turned off again, so a
paused window always shows the current step.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QObject, QTimer

INTERVAL_MS = 50
"""While on, the update runs at most this often: 20 times a second."""


class Throttle(QObject):
    """Calls ``update`` on every call while off, at most every :data:`INTERVAL_MS` while on.

    Parameters
    ----------
    update : callable
        The view's update (no arguments are passed on).
    parent : QObject
        Owns the timer; usually the view.
    """

    def __init__(self, update: Callable[[], object], parent: QObject) -> None:
        super().__init__(parent)
        self._update = update
        self._on = False
        self._since = QElapsedTimer()
        self._since.start()
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.timeout.connect(self._run)

    @property
    def on(self) -> bool:
        return self._on

    def set_on(self, on: bool) -> None:
        """Coalesce the updates (``True``) or run each at once; turning it off runs a pending one."""
        self._on = bool(on)
        if not self._on and self._pending.isActive():
            self._run()

    def __call__(self, *_: object) -> None:
        waited = self._since.elapsed()
        if not self._on or waited >= INTERVAL_MS:
            self._run()
        elif not self._pending.isActive():
            self._pending.start(INTERVAL_MS - waited)

    def soon(self) -> None:
        """Run the update in a coming turn of the event loop: at once if none is due, else when
        the one due runs."""
        if not self._pending.isActive():
            self._pending.start(0)

    def _run(self) -> None:
        self._pending.stop()
        self._since.restart()
        self._update()


__all__ = ["INTERVAL_MS", "Throttle"]
