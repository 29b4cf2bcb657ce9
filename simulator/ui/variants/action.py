"""Run → Compare Variants…: the action, without the window it opens.

The main window installs this at start-up; :mod:`simulator.ui.variants.window` (the variants,
their layouts and scenes) is imported the first time the action is triggered.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow


def install(window: QMainWindow) -> QAction:
    """Add Run → Compare Variants… (objectName ``action_compare_variants``, Ctrl+Shift+V) to a main window.

    The window is made on first use and kept (hidden when closed) as ``window.compare_variants``.
    """
    action = QAction("Compare &Variants…", window)
    action.setObjectName("action_compare_variants")
    action.setShortcut(QKeySequence("Ctrl+Shift+V"))
    action.setToolTip("Run LSTM, peephole LSTM, CIFG or GRU side by side on the same input")
    window.compare_variants = None

    def show() -> None:
        if window.compare_variants is None:
            from simulator.ui.variants.window import CompareVariantsWindow

            window.compare_variants = CompareVariantsWindow(window.session, window)
        comparer = window.compare_variants
        if comparer.isVisible():  # already open, perhaps behind the main window: bring it forward
            comparer.raise_()
            comparer.activateWindow()
        else:
            comparer.show()

    action.triggered.connect(show)
    window.addAction(action)
    window.actions_by_name["action_compare_variants"] = action
    menu = window.menus["run"]
    menu.addSeparator()
    menu.addAction(action)
    return action


__all__ = ["install"]
