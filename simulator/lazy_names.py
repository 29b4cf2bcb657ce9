"""Public names of a package imported from their modules on first use (Qt-free).

A package's ``__init__`` that re-exports names from heavy modules would import them all when
any one submodule is imported. :func:`lazy_getattr` gives it a module ``__getattr__`` that
imports a name's home module the first time the name is asked for, and keeps the value in the
package's namespace so later look-ups skip it.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping


def lazy_getattr(package: str, homes: Mapping[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` for ``package`` (its ``__name__``): each name of ``homes`` from
    the module named there; any other name raises :class:`AttributeError`."""

    def module_getattr(name: str) -> object:
        if name in homes:
            value = getattr(importlib.import_module(homes[name]), name)
            setattr(sys.modules[package], name, value)  # later look-ups skip this function
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return module_getattr


__all__ = ["lazy_getattr"]
