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


__all__ = [
    "HIGH",
    "LOW",
    "SATURABLE_FIELDS",
    "SIGMOID_FIELDS",
    "STAT_FIELDS",
    "TANH_FIELDS",
    "GateStats",
    "gate_statistics",
    "saturated",
]
