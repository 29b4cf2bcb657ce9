"""The desktop window: the only package that imports PySide6 and pyqtgraph."""

from __future__ import annotations

from simulator.lazy_names import lazy_getattr

# Imported on demand so that `import simulator.ui.colors` stays light.
__getattr__ = lazy_getattr(__name__, {"MainWindow": "simulator.ui.main_window"})


__all__ = ["MainWindow"]
