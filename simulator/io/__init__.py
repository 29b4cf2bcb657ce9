"""File formats: presets, input sequences and trace exports. Qt-free.

Every reader raises :class:`LoadError` (and nothing else) for a bad file.

The public names below are imported from their modules on first use, so that importing
``simulator.io.errors`` (or any one format) does not import every reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.lazy_names import lazy_getattr

if TYPE_CHECKING:
    from simulator.io.errors import LoadError
    from simulator.io.models import Model, load_model
    from simulator.io.presets import Preset, load_preset, preset_names
    from simulator.io.sequences import read_inputs, write_trace

_HOMES = {
    "LoadError": "simulator.io.errors",
    "Model": "simulator.io.models",
    "Preset": "simulator.io.presets",
    "load_model": "simulator.io.models",
    "load_preset": "simulator.io.presets",
    "preset_names": "simulator.io.presets",
    "read_inputs": "simulator.io.sequences",
    "write_trace": "simulator.io.sequences",
}


__getattr__ = lazy_getattr(__name__, _HOMES)


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


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
