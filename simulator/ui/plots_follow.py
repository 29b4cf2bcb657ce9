"""How the plots' ranges follow the data: x while the history grows, y of the states.

**y of the states** (C_t and h_t, whose values are not bounded): :func:`steady_range` keeps the
range while the data stays inside it and fills at least :data:`KEEP_SHARE` of it, and otherwise
moves it to the data's extent padded and rounded out to a round step. Dragging a weight or
playing on thus rarely moves it, and the axis and grid, redrawn whenever the range moves, stay as
they are.

**x**, while following the history:

Re-ranging x redraws every axis, grid and curve of the six plots. Stepping by
hand, the range ends a small margin past the last step. While the history
grows fast (playing as fast as possible, thousands of steps a frame) the range
runs ahead of it by what :data:`AHEAD_S` seconds of that growth add, so it
moves a few times a second instead of every frame; once the growth stops, it
closes in to the small margin again.

Qt-free: :class:`simulator.ui.plots.HistoryPlots` calls it with the clock.
"""

from __future__ import annotations

import math

MARGIN_SHARE = 0.02
"""The range ends this share of the history (at least half a step) past its last step."""

AHEAD_S = 0.3
"""While growing fast, the range also holds this many seconds of growth."""

BATCH_SHARE = 0.1
"""Growth by at most this share of the history, soon after the last, is a frame of fast play
(more is a jump, taken for play only when more growth follows at once)."""


class RangeFollower:
    """The end of the x range for a history of ``length`` steps, from how fast it grows."""

    def __init__(self) -> None:
        self._length = 0
        self._time_s: float | None = None
        self._grew = False
        self.rate = 0.0
        """Steps per second the history grows by, while it keeps growing by many steps at a time
        (0 after a single jump, stepping by hand, or once the growth stops)."""

    def reset(self) -> None:
        """Forget the growth (a new history)."""
        self.__init__()

    def observe(self, length: int, now_s: float) -> None:
        """The history has ``length`` steps at time ``now_s`` (seconds, any origin)."""
        grew = False
        if self._time_s is not None:
            grown, elapsed = length - self._length, now_s - self._time_s
            grew = grown > 1 and 0 < elapsed <= AHEAD_S
            # Two growths in a row, or one small against the history: playing fast, not a jump.
            batch = grown <= BATCH_SHARE * length
            self.rate = grown / elapsed if grew and (self._grew or batch) else 0.0
        self._length, self._time_s, self._grew = length, now_s, grew

    def settle(self) -> None:
        """The growth has stopped: the range may close in."""
        self.rate = 0.0

    @property
    def growing(self) -> bool:
        return self.rate > 0

    def new_end(self, length: int, end: float, force: bool = False) -> float | None:
        """Where the range should end now that it ends at ``end``; ``None`` to leave it."""
        margin = max(0.5, MARGIN_SHARE * length)
        ahead = self.rate * AHEAD_S
        if force or not length <= end <= length + 2 * margin + 2 * ahead:
            return max(length, 1) + margin + ahead
        return None

    @staticmethod
    def margin(length: int) -> float:
        """The room left before the first step."""
        return max(0.5, MARGIN_SHARE * length)


KEEP_SHARE = 0.6
"""A state plot's y range stays while its data spans at least this share of it."""

Y_PADDING = 0.05
"""A new y range reaches this share of the data's extent past either end (before rounding)."""


def steady_range(low: float, high: float, shown: tuple[float, float] | None) -> tuple[float, float] | None:
    """The y range for data from ``low`` to ``high`` while ``shown`` is shown: ``None`` to keep
    it, else a new one (padded and rounded out to a round step)."""
    if shown is not None:
        shown_low, shown_high = shown
        if shown_low <= low and high <= shown_high and high - low >= KEEP_SHARE * (shown_high - shown_low):
            return None
    span = high - low
    if span <= 0:
        span = max(abs(high), 1.0) * 0.2  # a flat line: room around it
        low, high = low - span / 2, high + span / 2
    step = 10 ** math.floor(math.log10(span)) / 5
    return (
        math.floor((low - Y_PADDING * span) / step) * step,
        math.ceil((high + Y_PADDING * span) / step) * step,
    )


__all__ = ["AHEAD_S", "BATCH_SHARE", "KEEP_SHARE", "MARGIN_SHARE", "RangeFollower", "steady_range"]
