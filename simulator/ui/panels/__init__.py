"""The side panels: the input sequence, the weights of a gate, and the inspector of the selected part."""

from __future__ import annotations

from simulator.ui.panels.inputs import InputsPanel
from simulator.ui.panels.inspector import InspectorPanel
from simulator.ui.panels.slider import ValueSlider
from simulator.ui.panels.weights import WeightsPanel

__all__ = ["InputsPanel", "InspectorPanel", "ValueSlider", "WeightsPanel"]
