"""The side panels: the input sequence, the weights of a gate, and the inspector of the selected part.

The panel classes are imported on first use (``from simulator.ui.panels import WeightsPanel``
works as before), so that importing one panel module does not import them all.
"""

from __future__ import annotations

from simulator.lazy_names import lazy_getattr

_HOMES = {
    "InputsPanel": "simulator.ui.panels.inputs",
    "InspectorPanel": "simulator.ui.panels.inspector",
    "ValueSlider": "simulator.ui.panels.slider",
    "WeightsPanel": "simulator.ui.panels.weights",
}


__getattr__ = lazy_getattr(__name__, _HOMES)


__all__ = ["InputsPanel", "InspectorPanel", "ValueSlider", "WeightsPanel"]
