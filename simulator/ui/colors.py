"""The two colour maps of the app, shared by the diagram, the legend, the panels and the heatmaps.

Gate outputs (0 to 1) use viridis, a sequential map; tanh outputs, states and
inputs use CET-CBD1, a diverging map centred on 0. Both are perceptually
uniform and safe for the common forms of colour blindness.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

Kind = Literal["gate", "signed"]

SEQUENTIAL_NAME = "viridis"
DIVERGING_NAME = "CET-CBD1"

GATE_PARTS = frozenset({"forget_gate", "input_gate", "output_gate", "reset_gate", "update_gate"})
"""Parts whose values lie in 0..1 (σ outputs, the GRU's gates too); every other part is signed."""

_MAPS: dict[str, pg.ColorMap] = {}


def colormap(kind: Kind) -> pg.ColorMap:
    """The pyqtgraph colour map for a kind of value (cached)."""
    name = SEQUENTIAL_NAME if kind == "gate" else DIVERGING_NAME
    if name not in _MAPS:
        _MAPS[name] = pg.colormap.get(name)
    return _MAPS[name]


def kind_of(part: str) -> Kind:
    """``gate`` for σ outputs, ``signed`` for everything else."""
    return "gate" if part in GATE_PARTS else "signed"


def value_range(kind: Kind, limit: float = 1.0) -> tuple[float, float]:
    """The values at the two ends of the map: 0..1 for gates, ±limit for signed values."""
    return (0.0, 1.0) if kind == "gate" else (-limit, limit)


LUT_SIZE = 1024
"""Colours looked up per map: neighbours differ by at most one level of a byte, and a lookup
costs a fraction of interpolating the map's stops (done for every row of the diagram each step)."""

_LUTS: dict[str, np.ndarray] = {}


def _lookup_table(kind: Kind) -> np.ndarray:
    """(LUT_SIZE, 4) RGBA bytes from the map's low end to its high end (cached)."""
    if kind not in _LUTS:
        _LUTS[kind] = colormap(kind).getLookupTable(0.0, 1.0, LUT_SIZE, alpha=True, mode=pg.ColorMap.BYTE)
    return _LUTS[kind]


def rgba(values: np.ndarray, kind: Kind, limit: float = 1.0) -> np.ndarray:
    """RGBA bytes (N, 4) for values; out-of-range values take the colour of the nearer end."""
    low, high = value_range(kind, limit)
    values = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    position = np.clip((values - low) / (high - low), 0.0, 1.0)
    return _lookup_table(kind)[np.rint(position * (LUT_SIZE - 1)).astype(np.intp)]


def qcolors(values: np.ndarray, kind: Kind, limit: float = 1.0) -> list[QColor]:
    """One QColor per value."""
    return [QColor(int(r), int(g), int(b), int(a)) for r, g, b, a in rgba(values, kind, limit)]


def text_color_on(color: QColor) -> QColor:
    """Black or white, whichever reads better on ``color``."""
    luminance = 0.2126 * color.redF() + 0.7152 * color.greenF() + 0.0722 * color.blueF()
    return QColor("#000000") if luminance > 0.5 else QColor("#ffffff")
