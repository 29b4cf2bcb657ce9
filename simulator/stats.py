"""Statistics of a run per gate and unit: how often each unit saturates, its mean, min and max.

A σ gate (forget, input, output) saturates when it is above ``HIGH`` or below
``LOW``: it is then stuck open or shut and its gradient all but vanishes. A
tanh output (candidate, tanh(C), h) saturates when ``|v| > HIGH``. The cell
state C has no bound of its own; it counts as saturated when its squashed
value tanh(C) does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.engine import Trace

LOW, HIGH = 0.01, 0.99
"""Saturation thresholds: a σ gate outside LOW..HIGH, a tanh output with |v| > HIGH."""

SIGMOID_FIELDS = ("forget_gate", "input_gate", "output_gate")
TANH_FIELDS = ("candidate", "cell_tanh", "hidden")
SATURABLE_FIELDS = (*SIGMOID_FIELDS, *TANH_FIELDS, "cell")
"""Fields for which :func:`saturated` is defined."""

STAT_FIELDS = ("forget_gate", "input_gate", "candidate", "output_gate", "cell", "hidden")
"""Fields :func:`gate_statistics` reports, in the order of the equations."""


def saturated(field: str, values: np.ndarray) -> np.ndarray:
    """Where ``values`` of trace field ``field`` are saturated (a boolean array of the same shape).

    Raises
    ------
    ValueError
        If ``field`` is not one of :data:`SATURABLE_FIELDS`.
    """
    values = np.asarray(values)
    if field in SIGMOID_FIELDS:
        return (values > HIGH) | (values < LOW)
    if field in TANH_FIELDS:
        return np.abs(values) > HIGH
    if field == "cell":
        return np.abs(np.tanh(values)) > HIGH
    expected = ", ".join(SATURABLE_FIELDS)
    raise ValueError(f"saturation is not defined for {field!r}; expected one of {expected}")


@dataclass(frozen=True)
class GateStats:
    """Per-unit statistics of one field over the steps of a trace; each array has shape (H,).

    Attributes
    ----------
    saturated : numpy.ndarray
        Fraction of steps (0..1) on which the unit was saturated.
    mean, min, max : numpy.ndarray
        Over the steps. All four are NaN for a trace without steps.
    """

    saturated: np.ndarray
    mean: np.ndarray
    min: np.ndarray
    max: np.ndarray


def gate_statistics(trace: Trace) -> dict[str, GateStats]:
    """Statistics of every field of :data:`STAT_FIELDS` over all steps of ``trace``.

    Returns
    -------
    dict
        Field name → :class:`GateStats`.
    """
    out = {}
    for field in STAT_FIELDS:
        values = getattr(trace, field)
        if len(values) == 0:
            nan = np.full(trace.hidden_size, np.nan)
            out[field] = GateStats(nan, nan.copy(), nan.copy(), nan.copy())
            continue
        out[field] = GateStats(
            saturated=saturated(field, values).mean(axis=0),
            mean=values.mean(axis=0),
            min=values.min(axis=0),
            max=values.max(axis=0),
        )
    return out


class RunningStatistics:
    """:func:`gate_statistics` kept up to date as a trace grows, from its new steps alone.

    Per field and unit it keeps the count of saturated steps, the sum, the min and the max of
    the steps seen. :meth:`update` reads only the rows added since the last call while the
    trace only grew (the same object, as long or longer, the same :attr:`Trace.revision`);
    another trace object, or one cut back, is read again from its first step. The means are
    sums divided by counts, so they can differ from :func:`gate_statistics`' in the last bits.
    """

    def __init__(self) -> None:
        self._trace: Trace | None = None
        self._revision = -1
        self._length = 0
        self._sums: dict[str, np.ndarray] = {}
        self._saturated: dict[str, np.ndarray] = {}
        self._mins: dict[str, np.ndarray] = {}
        self._maxs: dict[str, np.ndarray] = {}

    @property
    def length(self) -> int:
        """The number of steps the statistics cover."""
        return self._length

    def covers(self, trace: Trace) -> bool:
        """Whether the statistics are those of ``trace`` as it is now (nothing to update)."""
        return trace is self._trace and trace.revision == self._revision and len(trace) == self._length

    def reset(self) -> None:
        """Forget everything: the next :meth:`update` reads its trace from the first step."""
        self._trace, self._revision, self._length = None, -1, 0

    def update(self, trace: Trace) -> dict[str, GateStats]:
        """Statistics of every field of :data:`STAT_FIELDS` over all steps of ``trace``.

        Returns
        -------
        dict
            Field name → :class:`GateStats`, as :func:`gate_statistics` gives.
        """
        length = len(trace)
        grown = trace is self._trace and trace.revision == self._revision and length >= self._length
        if not grown:
            self._start(trace)
        if length > self._length:
            self._add(trace, self._length, length)
        self._length = length
        return self.statistics()

    def statistics(self) -> dict[str, GateStats]:
        """The statistics of the steps seen so far (NaN before the first step)."""
        count = self._length
        out = {}
        for field in STAT_FIELDS:
            if count == 0:
                nan = np.full(len(self._sums[field]), np.nan)
                out[field] = GateStats(nan, nan.copy(), nan.copy(), nan.copy())
                continue
            out[field] = GateStats(
                saturated=self._saturated[field] / count,
                mean=self._sums[field] / count,
                min=self._mins[field].copy(),
                max=self._maxs[field].copy(),
            )
        return out

    def _start(self, trace: Trace) -> None:
        hidden = trace.hidden_size
        self._trace, self._revision, self._length = trace, trace.revision, 0
        for field in STAT_FIELDS:
            self._sums[field] = np.zeros(hidden)
            self._saturated[field] = np.zeros(hidden, dtype=np.int64)
            self._mins[field] = np.full(hidden, np.inf)
            self._maxs[field] = np.full(hidden, -np.inf)

    def _add(self, trace: Trace, start: int, stop: int) -> None:
        for field in STAT_FIELDS:
            rows = getattr(trace, field)[start:stop]
            self._sums[field] += rows.sum(axis=0, dtype=np.float64)
            self._saturated[field] += saturated(field, rows).sum(axis=0)
            np.minimum(self._mins[field], rows.min(axis=0), out=self._mins[field])
            np.maximum(self._maxs[field], rows.max(axis=0), out=self._maxs[field])


__all__ = [
    "HIGH",
    "LOW",
    "SATURABLE_FIELDS",
    "SIGMOID_FIELDS",
    "STAT_FIELDS",
    "TANH_FIELDS",
    "GateStats",
    "RunningStatistics",
    "gate_statistics",
    "saturated",
]
