"""Where the shipped resources (presets, icons, styles) are.

In a wheel they sit inside the package as ``simulator/resources``; in a source
checkout or an editable install they are the top-level ``resources/`` folder.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    """The folder holding ``presets/``, ``icons/`` and ``styles/``."""
    inside = _PACKAGE_DIR / "resources"
    if inside.is_dir():
        return inside
    return _PACKAGE_DIR.parent / "resources"


def resource_path(*parts: str) -> Path:
    """A path inside the resources folder."""
    return resources_dir().joinpath(*parts)
