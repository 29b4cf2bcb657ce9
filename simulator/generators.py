"""Input sequences made from a formula: constant, sine, square pulse, seeded random. Qt-free.

Each generator returns an array of shape (length, columns); steps are counted
from 1 like the rows of the inputs table, so a pulse that starts at step 1
starts at the first row.
"""

from __future__ import annotations

import numpy as np

KINDS: dict[str, str] = {
    "constant": "Constant",
    "sine": "Sine wave",
    "pulse": "Square pulse",
    "random": "Seeded random",
}
"""Generator names and the words shown for them."""


def _check(length: int, columns: int) -> None:
    if int(length) != length or length < 1:
        raise ValueError(f"length: expected a positive whole number of steps, got {length}")
    if int(columns) != columns or columns < 1:
        raise ValueError(f"columns: expected a positive whole number, got {columns}")


def constant(length: int, columns: int = 1, value: float = 0.0) -> np.ndarray:
    """Every step equals ``value``."""
    _check(length, columns)
    return np.full((length, columns), float(value))


def sine(
    length: int, columns: int = 1, amplitude: float = 1.0, period: float = 8.0, phase: float = 0.0
) -> np.ndarray:
    """``amplitude · sin(2π (k − 1) / period + phase)`` at step k = 1..length.

    Parameters
    ----------
    length, columns : int
        Shape of the result.
    amplitude : float
        Height of the peaks.
    period : float
        Steps per full cycle; must be positive.
    phase : float
        Shift in radians.
    """
    _check(length, columns)
    if not period > 0:
        raise ValueError(f"period: expected a positive number of steps, got {period}")
    k = np.arange(length, dtype=float)
    wave = amplitude * np.sin(2.0 * np.pi * k / period + phase)
    return np.repeat(wave[:, None], columns, axis=1)


def pulse(length: int, columns: int = 1, start: int = 1, width: int = 1, height: float = 1.0) -> np.ndarray:
    """``height`` for the ``width`` steps from step ``start`` (1-based), 0 elsewhere."""
    _check(length, columns)
    if width < 0:
        raise ValueError(f"width: expected a number of steps ≥ 0, got {width}")
    out = np.zeros((length, columns))
    first = max(int(start) - 1, 0)
    out[first : max(int(start) - 1 + int(width), 0)] = float(height)
    return out


def random(length: int, columns: int = 1, seed: int = 0, scale: float = 1.0) -> np.ndarray:
    """Uniform in ±``scale``, reproducible from ``seed``; each column draws its own values."""
    _check(length, columns)
    return np.random.default_rng(int(seed)).uniform(-scale, scale, (length, columns))


def generate(kind: str, length: int, columns: int = 1, **options: float) -> np.ndarray:
    """The generator named ``kind`` (a key of :data:`KINDS`) with its keyword options."""
    makers = {"constant": constant, "sine": sine, "pulse": pulse, "random": random}
    if kind not in makers:
        raise ValueError(f"unknown generator {kind!r}; expected one of {', '.join(makers)}")
    return makers[kind](length, columns, **options)


__all__ = ["KINDS", "constant", "generate", "pulse", "random", "sine"]
