"""Docks added to the main window after it is built: tabbed beside another dock, toggled from View."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QMenu, QScrollArea, QWidget

TogglePlace = Literal["after_beside", "before_toolbar"]


def view_menu(window: QMainWindow) -> QMenu:
    """The window's "View" menu.

    Raises
    ------
    LookupError
        If the menu bar has no "View" menu.
    """
    menus = getattr(window, "menus", {})
    if "view" in menus:
        return menus["view"]
    raise LookupError("the window has no View menu")


def add_tabbed_dock(
    window: QMainWindow,
    name: str,
    title: str,
    widget: QWidget,
    *,
    beside: str,
    area: Qt.DockWidgetArea,
    tooltip: str,
    toggle: TogglePlace = "after_beside",
    scrollable: bool = False,
) -> QDockWidget:
    """Add ``widget`` as a dock tabbed behind ``window.docks[beside]``, with a View-menu toggle.

    The dock's objectName is ``dock_<name>`` and it is stored as ``window.docks[name]``; its
    toggle action's objectName is ``action_show_<name>``. The dock it joins stays the raised tab.

    Parameters
    ----------
    window : MainWindow
        Needs ``docks`` (holding ``beside``) and ``menus["view"]``.
    beside : str
        The key of the dock to tab with.
    area : Qt.DockWidgetArea
        Where the dock goes when it is undocked and docked again.
    tooltip : str
        The toggle action's tooltip.
    toggle : {"after_beside", "before_toolbar"}
        Where the toggle goes in the View menu: right after the toggle of ``beside``, or at the
        end of the docks' toggles (just before the toolbar's).
    scrollable : bool
        Put ``widget`` in a frameless scroll area, so that a short window can still hold it.
    """
    dock = QDockWidget(title, window)
    dock.setObjectName(f"dock_{name}")
    if scrollable:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(widget)
        widget = scroll
    dock.setWidget(widget)
    window.addDockWidget(area, dock)
    neighbour = window.docks[beside]
    window.tabifyDockWidget(neighbour, dock)
    neighbour.raise_()
    window.docks[name] = dock

    action = dock.toggleViewAction()
    action.setObjectName(f"action_show_{name}")
    action.setToolTip(tooltip)
    menu = view_menu(window)
    if toggle == "after_beside":
        before = _action_after(menu, neighbour.toggleViewAction())
    else:
        toolbar = getattr(window, "toolbar", None)
        before = toolbar.toggleViewAction() if toolbar is not None else None
        before = before if before in menu.actions() else None
    menu.insertAction(before, action)
    return dock


def follow_raised(dock: QDockWidget, set_active: Callable[[bool], object]) -> None:
    """Call ``set_active(seen)`` whenever ``dock`` is shown, hidden, raised or tabbed behind another.

    A panel that computes only while seen ties its ``set_active`` to this. A dock tabbed behind
    another is still "visible" to Qt 6; only a raised tab has a visible region, and that is
    known once the layout has settled, so a shown dock is checked again on the next turn of the
    event loop. A floating dock counts as seen.
    """

    def follow(visible: bool) -> None:
        set_active(visible)
        if visible:
            QTimer.singleShot(
                0,
                lambda: (
                    shiboken6.isValid(dock)
                    and set_active(not dock.visibleRegion().isEmpty() or dock.isFloating())
                ),
            )

    dock.visibilityChanged.connect(follow)


def _action_after(menu: QMenu, action: QAction) -> QAction | None:
    """The action following ``action`` in ``menu`` (``None``: it is the last or not there)."""
    actions = menu.actions()
    index = actions.index(action) + 1 if action in actions else len(actions)
    return actions[index] if index < len(actions) else None


__all__ = ["add_tabbed_dock", "follow_raised", "view_menu"]
