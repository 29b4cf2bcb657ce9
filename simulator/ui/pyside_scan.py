"""A quicker way for PySide6 to find out which imported modules use it.

PySide6 keeps a note, for each module imported after it, of whether that module uses PySide6. Its
optional ``__feature__`` switches (snake_case names, true properties) act per module, and the
note says which modules they can concern. PySide6 finds out by reading the module's source through
:func:`inspect.getsource`, which decodes the file, splits it into lines and caches them. The
window imports some 400 modules after PySide6 (pyqtgraph's and this package's), so this costs
about 40 ms of every start. Reading the file's bytes and looking for the same word gives the same
answer in a fraction of the time.

:func:`read_module_sources_quickly` changes only how a plain ``.py`` file is read: anything else
(a compiled extension, a module without a file) still goes to PySide6's own check. With a
PySide6 that has no such check, it changes nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

import PySide6  # noqa: F401  (loads the module that holds the check)

_CHECK = "_mod_uses_pyside"
"""The name of the check in PySide6's ``shibokensupport.feature``."""

_WORD = b"PySide6"
"""What the check looks for in a module's source."""


def read_module_sources_quickly() -> bool:
    """Give PySide6's check of newly imported modules a quicker way to read their source.

    Returns
    -------
    bool
        Whether the check was found and replaced (or had been already).
    """
    feature = sys.modules.get("shibokensupport.feature")
    check = getattr(feature, _CHECK, None)
    if not callable(check):
        return False
    if getattr(check, "reads_bytes", False):
        return True
    setattr(feature, _CHECK, _reading_bytes(check))
    return True


def _reading_bytes(original: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return original(module)
        try:
            with open(path, "rb") as source:
                return _WORD in source.read()
        except OSError:
            return original(module)

    uses_pyside.reads_bytes = True  # type: ignore[attr-defined]
    return uses_pyside


__all__ = ["read_module_sources_quickly"]
