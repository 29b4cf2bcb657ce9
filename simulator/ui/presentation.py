"""Presentation mode: full screen, the diagram and the step's equations large, driven by a clicker.

F5 (or View → Presentation Mode) enters it and F5 or Esc leaves it. While it
is on, the editing panels and the menu bar are hidden, the explanation panel
stands at the right in large type and the diagram fills the rest of the
screen. Presentation clickers send Page Down / Page
Up, which step forward and back (as Right / Left do). Leaving restores the
window exactly as it was: geometry, full-screen state, docks and fonts.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QObject, QRect, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from simulator.ui.actions import add_shortcut_to_tip
from simulator.ui.diagram import style
from simulator.ui.docks import view_menu
from simulator.ui.panels import explanation
from simulator.ui.panels.explanation import ExplanationPanel

EDITING_DOCKS = ("inputs", "weights", "inspector", "plots", "breakpoints", "statistics")
"""Docks hidden while presenting (those the window has): the diagram gets the whole left side."""

FONT_PIXELS = 28
"""The explanation's text height at 1080 screen lines (scaled with taller screens, never smaller)."""

DIAGRAM_TEXT_SCALE = 1.25
"""How much larger the diagram's labels are while presenting (its values grow as far as their cells allow)."""

EXPLANATION_SHARE = 0.30
"""The share of the screen's width given to the explanation."""


CLICKER_KEYS = {"action_step": "PgDown", "action_back": "PgUp"}
"""Extra shortcuts for the keys presentation clickers send."""


@dataclass
class _Saved:
    """What entering presentation mode changes, to put back on leaving."""

    geometry: QByteArray
    rect: QRect
    state: QByteArray
    window_state: Qt.WindowState
    menu_bar: bool
    status_bar: bool
    corner: Qt.DockWidgetArea
    font_pixels: int
    diagram_text_scale: float


class PresentationMode(QObject):
    """Presentation mode of a main window: create it once, then toggle it.

    Parameters
    ----------
    window : MainWindow
        Needs ``docks`` (with ``inputs``, ``weights``, ``inspector`` and
        ``plots``), ``actions_by_name``, ``diagram`` and a "View" menu. Adds
        the explanation dock if ``docks`` has none. Use :func:`install`, which
        gives a window one presentation mode only.

    Attributes
    ----------
    action : QAction
        ``action_presentation``: checkable, F5, in the View menu and
        ``window.actions_by_name``.
    leave_action : QAction
        ``action_leave_presentation``: Esc, enabled only while presenting.
    """

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._saved: _Saved | None = None
        self.dock: QDockWidget = explanation.install(window)
        self._no_title_bar = QWidget(self.dock)
        self._no_title_bar.hide()

        self.action = QAction("Presentation &Mode", window)
        self.action.setObjectName("action_presentation")
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence("F5"))
        add_shortcut_to_tip(self.action, "Full screen, large type, driven by the keyboard or a clicker")
        self.action.toggled.connect(self._set_active)
        self.leave_action = QAction("Leave Presentation Mode", window)
        self.leave_action.setObjectName("action_leave_presentation")
        self.leave_action.setShortcut(QKeySequence("Esc"))
        self.leave_action.setEnabled(False)
        add_shortcut_to_tip(self.leave_action, "Back to the normal window")
        self.leave_action.triggered.connect(self.leave)
        for action in (self.action, self.leave_action):
            window.addAction(action)
            window.actions_by_name[action.objectName()] = action
        menu = view_menu(window)
        menu.addSeparator()
        menu.addAction(self.action)

        for name, key in CLICKER_KEYS.items():
            action = window.actions_by_name[name]
            action.setShortcuts([*action.shortcuts(), QKeySequence(key)])

    @property
    def active(self) -> bool:
        """Whether the window is presenting."""
        return self._saved is not None

    @property
    def panel(self) -> ExplanationPanel:
        """The explanation panel of the dock shown while presenting."""
        return self.dock.widget()

    def toggle(self) -> None:
        """Enter if off, leave if on."""
        self.action.toggle()

    def enter(self) -> None:
        """Go full screen with the diagram and the explanation large; nothing happens if already on."""
        self.action.setChecked(True)

    def leave(self) -> None:
        """Restore the window as it was before :meth:`enter`; nothing happens if not presenting."""
        self.action.setChecked(False)

    # ------------------------------------------------------------ the switch
    def _set_active(self, on: bool) -> None:
        if on and self._saved is None:
            self._enter()
        elif not on and self._saved is not None:
            self._leave()
        self.leave_action.setEnabled(self.active)

    def _enter(self) -> None:
        w = self.window
        self._saved = _Saved(
            geometry=w.saveGeometry(),
            rect=w.geometry(),
            state=w.saveState(),
            window_state=w.windowState(),
            menu_bar=w.menuBar().isVisibleTo(w),
            status_bar=w.statusBar().isVisibleTo(w),
            corner=w.corner(Qt.Corner.BottomRightCorner),
            font_pixels=self.panel.font_pixel_size(),
            diagram_text_scale=style.TEXT_SCALE,
        )
        for name in EDITING_DOCKS:
            if name in w.docks:
                w.docks[name].hide()
        w.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.dock.setFloating(False)
        w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.show()
        self.dock.setTitleBarWidget(self._no_title_bar)
        w.menuBar().hide()
        w.statusBar().hide()
        screen = w.screen().size()
        self.panel.set_font_pixel_size(max(FONT_PIXELS, round(FONT_PIXELS * screen.height() / 1080)))
        w.diagram.set_text_scale(DIAGRAM_TEXT_SCALE)
        w.showFullScreen()
        w.resizeDocks([self.dock], [round(screen.width() * EXPLANATION_SHARE)], Qt.Orientation.Horizontal)
        w.diagram.setFocus()

    def _leave(self) -> None:
        w, saved = self.window, self._saved
        self._saved = None
        w.setWindowState(saved.window_state)
        w.restoreGeometry(saved.geometry)
        if not saved.window_state & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
            w.setGeometry(saved.rect)  # exactly, even where restoreGeometry would fit it to the screen
        w.setCorner(Qt.Corner.BottomRightCorner, saved.corner)
        w.restoreState(saved.state)
        w.menuBar().setVisible(saved.menu_bar)
        w.statusBar().setVisible(saved.status_bar)
        self.panel.set_font_pixel_size(saved.font_pixels)
        self.dock.setTitleBarWidget(None)
        self._no_title_bar.hide()
        w.diagram.set_text_scale(saved.diagram_text_scale)


def install(window: QMainWindow) -> PresentationMode:
    """Give a main window presentation mode (and the explanation dock it shows).

    Returns
    -------
    PresentationMode
        Keep it (e.g. as ``window.presentation``) to enter or leave from code; the
        one already installed if there is one.
    """
    return window.findChild(PresentationMode) or PresentationMode(window)


__all__ = ["CLICKER_KEYS", "EDITING_DOCKS", "PresentationMode", "install"]
