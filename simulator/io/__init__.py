"""File formats: presets, input sequences and trace exports. Qt-free.

Every reader raises :class:`LoadError` (and nothing else) for a bad file.
"""

from simulator.io.errors import LoadError
from simulator.io.models import Model, load_model
from simulator.io.presets import Preset, load_preset, preset_names
from simulator.io.sequences import read_inputs, write_trace

__all__ = [
    "LoadError",
    "Model",
    "Preset",
    "load_model",
    "load_preset",
    "preset_names",
    "read_inputs",
    "write_trace",
]
