"""The desktop window: the only package that imports PySide6 and pyqtgraph."""

from __future__ import annotations


def __getattr__(name: str):
    # Imported on demand so that `import simulator.ui.colors` stays light.
    if name == "MainWindow":
        from simulator.ui.main_window import MainWindow

        return MainWindow
    raise AttributeError(name)


__all__ = ["MainWindow"]
