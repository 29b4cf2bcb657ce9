"""The side panels: the input sequence, the weights of a gate, and the inspector of the selected part.

The panel classes are imported on first use (``from simulator.ui.panels import WeightsPanel``
works as before), so that importing one panel module does not import them all.
"""

from __future__ import annotations

import importlib

_HOMES = {
    "InputsPanel": "simulator.ui.panels.inputs",
    "InspectorPanel": "simulator.ui.panels.inspector",
    "ValueSlider": "simulator.ui.panels.slider",
    "WeightsPanel": "simulator.ui.panels.weights",
}


def __getattr__(name: str) -> object:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["InputsPanel", "InspectorPanel", "ValueSlider", "WeightsPanel"]
