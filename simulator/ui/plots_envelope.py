"""What a history plot hands pyqtgraph: every step of a short history, min/max bins of a long one.

A trace field has one row per step, (L, H). Up to :data:`EXACT_STEPS` steps the
plots draw the rows themselves. A longer history is cut into bins of 2^k
consecutive steps, at most :data:`MAX_BINS` of them, and each bin is drawn by
its minimum and its maximum (peak decimation: a one-step spike still shows at
any zoom). The bins of the whole history (:class:`Envelope`) are kept up to
date as the trace grows: complete bins are kept, only the last, partial one is
read again with the new rows, and when there are too many bins, neighbours are
merged in pairs and the bin size doubles. The per-frame cost is thus set by
the number of new steps and the bin size, not by the length of the history.
A view zoomed in to a part of a long history gets that part binned finer
(:meth:`FieldHistory.shown`), from the rows it covers only.

NumPy only: the Qt side is :mod:`simulator.ui.plots_heatmap`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

EXACT_STEPS = 4096
"""Histories (and zoomed-in windows) up to this many steps are drawn point for point."""

MAX_BINS = 2048
"""Longer ones are drawn as at most this many min/max bins: at most 2 × MAX_BINS points per curve."""


@dataclass(frozen=True, eq=False)
class Decimated:
    """Rows ``start .. stop - 1`` of a field, in bins of ``bin_size`` steps.

    Attributes
    ----------
    start, stop : int
        The rows covered (row ``k`` is step ``k + 1``).
    bin_size : int
        Steps per bin; 1: the rows themselves, and ``lows`` is ``highs``. The last bin may be
        partial (it ends at ``stop``).
    lows, highs : numpy.ndarray
        (bins, H): each bin's minimum and maximum per unit.
    """

    start: int
    stop: int
    bin_size: int
    lows: np.ndarray
    highs: np.ndarray

    @property
    def exact(self) -> bool:
        """Whether every step is shown as it is (one step per bin)."""
        return self.bin_size == 1

    def bin_edges(self) -> tuple[np.ndarray, np.ndarray]:
        """The first and last step number of each bin, (bins,) each."""
        first = self.start + 1 + self.bin_size * np.arange(len(self.lows), dtype=np.float64)
        last = np.minimum(first + (self.bin_size - 1), self.stop)
        return first, last

    def curves(self) -> tuple[np.ndarray, np.ndarray]:
        """x (steps, 2·bins) and y (2·bins, H) of every unit's curve: for each bin its min at its
        first step, then its max at its last step, so each line sweeps the whole band it covered."""
        first, last = self.bin_edges()
        x = np.empty(2 * len(first))
        y = np.empty((2 * len(first), self.lows.shape[1]), dtype=self.lows.dtype)
        x[0::2], x[1::2] = first, last
        y[0::2], y[1::2] = self.lows, self.highs
        return x, y

    def peaks(self, middle: float) -> np.ndarray:
        """(bins, H): per bin and unit, whichever of min and max lies farther from ``middle``."""
        lows, highs = self.lows, self.highs
        return np.where(np.abs(highs - middle) >= np.abs(lows - middle), highs, lows)

    def magnitude(self) -> float:
        """The largest finite |value| shown (0 when there is none)."""
        if len(self.lows) == 0:
            return 0.0
        both = np.abs(np.concatenate([self.lows, self.highs]))
        return float(np.max(both, where=np.isfinite(both), initial=0.0))


def bin_size_for(steps: int, max_bins: int = MAX_BINS) -> int:
    """The smallest power of two that cuts ``steps`` steps into at most ``max_bins`` bins."""
    if steps <= max_bins:
        return 1
    return 1 << math.ceil(math.log2(math.ceil(steps / max_bins)))


def _bins(rows: np.ndarray, bin_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Min and max of each complete bin of ``rows`` (n × bin_size, H).

    ``reduceat`` along the rows: a trace field is a strided column block of the trace's records,
    where reducing a reshaped middle axis is three times slower.
    """
    starts = np.arange(0, len(rows), bin_size)
    return np.minimum.reduceat(rows, starts, axis=0), np.maximum.reduceat(rows, starts, axis=0)


def decimate(values: np.ndarray, start: int, stop: int, bin_size: int) -> Decimated:
    """Rows ``start:stop`` of ``values`` (L, H) in bins of ``bin_size`` (1: the rows as they are)."""
    rows = values[start:stop]
    if bin_size == 1:
        return Decimated(start, stop, 1, rows, rows)
    full = len(rows) // bin_size * bin_size
    lows, highs = _bins(rows[:full], bin_size)
    if full < len(rows):
        tail = rows[full:]
        lows = np.concatenate([lows, tail.min(axis=0)[None]])
        highs = np.concatenate([highs, tail.max(axis=0)[None]])
    return Decimated(start, stop, bin_size, lows, highs)


class Envelope:
    """Min/max bins of a whole history, kept up to date from the new rows as it grows.

    Parameters
    ----------
    max_bins : int
        At most this many bins (complete ones plus the partial last one).
    """

    def __init__(self, max_bins: int = MAX_BINS) -> None:
        self._max_bins = int(max_bins)
        self.clear()

    @property
    def bin_size(self) -> int:
        return self._bin_size

    def clear(self) -> None:
        """Forget all bins: the next :meth:`update` reads its rows from the first."""
        self._bin_size = 0  # not started
        self._complete = 0
        self._lows = self._highs = np.zeros((0, 0))

    def update(self, values: np.ndarray) -> Decimated:
        """Bring the bins up to ``values`` (L, H), whose rows seen before must be unchanged.

        Returns
        -------
        Decimated
            Every row of ``values``, binned (the arrays are copies).
        """
        length, hidden = values.shape
        if self._bin_size == 0 or self._lows.shape[1] != hidden:
            self._bin_size = max(bin_size_for(length, self._max_bins), 2)
            self._complete = 0
            self._lows = np.empty((self._max_bins + 1, hidden), dtype=values.dtype)
            self._highs = np.empty_like(self._lows)
        while -(-length // self._bin_size) > self._max_bins:
            self._merge()
        size, done = self._bin_size, self._complete
        full = length // size
        if full > done:
            lows, highs = _bins(values[done * size : full * size], size)
            self._lows[done:full], self._highs[done:full] = lows, highs
            self._complete = done = full
        count = done
        if length > done * size:
            tail = values[done * size : length]
            np.min(tail, axis=0, out=self._lows[done])
            np.max(tail, axis=0, out=self._highs[done])
            count += 1
        return Decimated(0, length, size, self._lows[:count].copy(), self._highs[:count].copy())

    def _merge(self) -> None:
        """Merge neighbouring complete bins in pairs and double the bin size; an odd last complete
        bin is dropped (its rows are read again as part of the new partial bin)."""
        pairs = self._complete // 2
        lows, highs = self._lows[: 2 * pairs], self._highs[: 2 * pairs]
        hidden = lows.shape[1]
        merged_lows = lows.reshape(pairs, 2, hidden).min(axis=1)
        merged_highs = highs.reshape(pairs, 2, hidden).max(axis=1)
        self._lows[:pairs], self._highs[:pairs] = merged_lows, merged_highs
        self._complete = pairs
        self._bin_size *= 2


class FieldHistory:
    """What one plot of a trace field shows: the whole history, or a zoomed-in window of it.

    Parameters
    ----------
    exact_steps : int
        Histories and windows up to this many steps are shown point for point.
    max_bins : int
        Longer ones in at most this many bins.
    """

    def __init__(self, exact_steps: int = EXACT_STEPS, max_bins: int = MAX_BINS) -> None:
        self._exact_steps = int(exact_steps)
        self._max_bins = int(max_bins)
        self._envelope = Envelope(max_bins)
        self._values = np.zeros((0, 0))
        self._overview: Decimated | None = None
        self._detail: Decimated | None = None

    @property
    def values(self) -> np.ndarray:
        """The field's rows, (L, H)."""
        return self._values

    def set_values(self, values: np.ndarray, grown: bool) -> None:
        """Show ``values`` (L, H). ``grown``: the rows shown before are unchanged, only new rows
        were added (the same trace, longer); otherwise everything is read again."""
        old_length = len(self._values)
        self._values = values
        length = len(values)
        if not grown or length < old_length:
            self._envelope.clear()
            self._detail = None
        elif self._detail is not None and length > old_length and self._detail.stop >= old_length:
            self._detail = None  # a window reaching the old end would miss the new rows
        if not grown or length != old_length:
            self._overview = None

    def overview(self) -> Decimated:
        """Every step: the rows themselves up to ``exact_steps``, else the envelope's bins."""
        if self._overview is None:
            values = self._values
            if len(values) <= self._exact_steps:
                self._overview = decimate(values, 0, len(values), 1)
            else:
                self._overview = self._envelope.update(values)
        return self._overview

    def shown(self, rows: tuple[int, int] | None = None) -> Decimated:
        """What to draw when rows ``rows[0]:rows[1]`` are in view (``None``: all of them).

        A view of less than half of a long history gets its own bins (or its rows), covering
        the view and half its width on either side, so that panning a little needs nothing new.
        The same object is returned while nothing changed.
        """
        length = len(self._values)
        if rows is None or length <= self._exact_steps:
            return self.overview()
        low, high = max(0, min(rows[0], length)), max(0, min(rows[1], length))
        width = max(high - low, 1)
        if 2 * width >= length:
            return self.overview()
        start, stop = max(0, low - width // 2), min(length, high + width // 2)
        size = 1 if stop - start <= self._exact_steps else bin_size_for(stop - start, self._max_bins)
        detail = self._detail
        if detail is None or detail.bin_size != size or not detail.start <= low <= high <= detail.stop:
            self._detail = detail = decimate(self._values, start, stop, size)
        return detail

    def magnitude(self) -> float:
        """The largest finite |value| of the whole history."""
        return self.overview().magnitude()


__all__ = ["EXACT_STEPS", "MAX_BINS", "Decimated", "Envelope", "FieldHistory", "bin_size_for", "decimate"]
