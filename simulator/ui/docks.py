"""Docks added to the main window after it is built: tabbed beside another dock, toggled from View.

A dock that starts tabbed behind another can be a :class:`LazyDock`: the dock itself (its
objectName, its place in saved layouts, its View-menu toggle) exists at once, but its content is
built only when the dock is first seen or first asked for, so that start-up pays only for what
the first window shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QMenu, QScrollArea, QWidget

TogglePlace = Literal["after_beside", "before_toolbar"]


class LazyDock(QDockWidget):
    """A dock whose content is built the first time it is seen or asked for.

    Parameters
    ----------
    title : str
        The dock's title.
    parent : QMainWindow
        The window.
    build : callable
        Makes the content (no arguments); called once, when the dock first becomes visible
        (raised, floated or shown alone), or when :meth:`widget` or :meth:`panel` is first
        called. It should connect whatever the content needs (session signals, the window's
        actions); the content is made with the session's state of that moment.
    scrollable : bool
        Put the content in a frameless scroll area, so that a short window can still hold it.

    Notes
    -----
    Python code that asks for ``dock.widget()`` gets the built content, as from a plain
    :class:`QDockWidget`; Qt's own layout code sees no widget until then.
    """

    def __init__(
        self, title: str, parent: QMainWindow, build: Callable[[], QWidget], *, scrollable: bool = False
    ) -> None:
        super().__init__(title, parent)
        self._build: Callable[[], QWidget] | None = build
        self._scrollable = scrollable
        self._panel: QWidget | None = None
        self.seen = False
        """What the last ``visibilityChanged`` said: raised, floating or alone (not tabbed behind)."""
        self.visibilityChanged.connect(self._on_visibility_changed)

    @property
    def built(self) -> bool:
        """Whether the content has been made."""
        return self._build is None

    def panel(self) -> QWidget:
        """The content (built now if it was not yet), without the scroll area of a scrollable dock."""
        if self._panel is None:
            build, self._build = self._build, None
            if build is None:
                raise RuntimeError(f"{self.objectName()}: the content was asked for while being built")
            try:
                panel = build()
            except BaseException:
                self._build = build
                raise
            self._panel = panel
            super().setWidget(scroll_area(panel) if self._scrollable else panel)
        return self._panel

    def widget(self) -> QWidget | None:
        """The dock's widget (the content, or its scroll area), built first if it was not yet."""
        self.panel()
        return super().widget()

    def setWidget(self, widget: QWidget) -> None:
        """Replace the content (and the builder, if it had not run)."""
        self._build, self._panel = None, widget
        super().setWidget(widget)

    def _on_visibility_changed(self, visible: bool) -> None:
        self.seen = visible
        if visible and self._build is not None:
            self.panel()


def new_dock(
    title: str, window: QMainWindow, widget: QWidget | Callable[[], QWidget], *, scrollable: bool = False
) -> QDockWidget:
    """A dock holding ``widget``; given a function instead, a :class:`LazyDock` that calls it.

    A ``scrollable`` widget sits in a :func:`scroll_area`.
    """
    if isinstance(widget, QWidget):
        dock = QDockWidget(title, window)
        dock.setWidget(scroll_area(widget) if scrollable else widget)
        return dock
    return LazyDock(title, window, widget, scrollable=scrollable)


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
    widget: QWidget | Callable[[], QWidget],
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
    Given a function instead of a widget, the dock is a :class:`LazyDock` that calls it when the
    dock is first seen or its content first asked for.

    Parameters
    ----------
    window : MainWindow
        Needs ``docks`` (holding ``beside``) and ``menus["view"]``.
    widget : QWidget or callable
        The content, or a function (no arguments) that makes it.
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
    dock = new_dock(title, window, widget, scrollable=scrollable)
    dock.setObjectName(f"dock_{name}")
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

    ``set_active`` is also called at once with what is known now: the content of a
    :class:`LazyDock`, built when its dock is first seen, is told so straight away.
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
    seen = dock.isVisible() and not dock.visibleRegion().isEmpty()
    follow(dock.seen if isinstance(dock, LazyDock) else seen)


def scroll_area(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless, resizable scroll area.

    Besides letting a short window hold the content, the scroll area keeps the content's layout
    changes to itself: a label whose text changes asks its layout to work again, and without the
    scroll area every layout above it up to the main window's would work again too, then repaint
    much of the window (about 9 ms of work after each step for the Inputs and Inspector panels).
    The scroll area's viewport has no layout, so the request stops there.
    """
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(widget)
    return scroll


def _action_after(menu: QMenu, action: QAction) -> QAction | None:
    """The action following ``action`` in ``menu`` (``None``: it is the last or not there)."""
    actions = menu.actions()
    index = actions.index(action) + 1 if action in actions else len(actions)
    return actions[index] if index < len(actions) else None


__all__ = ["LazyDock", "add_tabbed_dock", "follow_raised", "new_dock", "scroll_area", "view_menu"]
