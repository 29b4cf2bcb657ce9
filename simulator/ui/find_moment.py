""" "Find the moment": the breakpoints and statistics docks, added to a main window.

Both docks start tabbed behind the history plots, so their panels are built when first seen or
first asked for (see :class:`~simulator.ui.docks.LazyDock`): start-up imports neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from simulator.ui.docks import LazyDock, add_tabbed_dock, follow_raised

if TYPE_CHECKING:
    from simulator.ui.panels.breakpoints import BreakpointsPanel
    from simulator.ui.panels.statistics import StatisticsPanel

STATUS_TIMEOUT_MS = 10_000
"""How long the "Stopped at step …" message stays in the status bar."""

DOCKS = {
    "breakpoints": ("Breakpoints", "Show or hide the breakpoints: conditions that stop Play"),
    "statistics": ("Statistics", "Show or hide how often each unit saturates, and its range"),
}
"""Name → (title, toggle tooltip) of each dock, in View-menu order."""


class FindMoment:
    """The two panels :func:`install` added, each built on first access.

    Parameters
    ----------
    window : MainWindow
        Whose ``docks`` hold ``breakpoints`` and ``statistics``.
    """

    def __init__(self, window: QMainWindow) -> None:
        self._window = window

    @property
    def breakpoints(self) -> BreakpointsPanel:
        """The Breakpoints panel."""
        return _panel(self._window, "breakpoints")

    @property
    def statistics(self) -> StatisticsPanel:
        """The Statistics panel."""
        return _panel(self._window, "statistics")


def install(window: QMainWindow) -> FindMoment:
    """Add the Breakpoints and Statistics docks to a main window, tabbed with the history plots.

    Parameters
    ----------
    window : MainWindow
        Needs ``session``, ``player``, ``docks`` (with ``plots``), a status bar and a "View" menu.
        The docks (objectNames ``dock_breakpoints`` and ``dock_statistics``) are also stored in
        ``window.docks``; their View-menu toggles go after the other docks' toggles. Each panel
        is built when its dock is first seen or the panel first asked for. The statistics are
        computed only while their tab is seen; breakpoints, once there are any, watch every step.

    Returns
    -------
    FindMoment
        The two panels (those already there if the window has them).
    """
    builders = {"breakpoints": lambda: _breakpoints(window), "statistics": lambda: _statistics(window)}
    for name, (title, tip) in DOCKS.items():
        if name in window.docks:
            continue
        add_tabbed_dock(
            window,
            name,
            title,
            builders[name],
            beside="plots",
            area=Qt.DockWidgetArea.BottomDockWidgetArea,
            tooltip=tip,
            toggle="before_toolbar",
            scrollable=True,
        )
    return FindMoment(window)


def _breakpoints(window: QMainWindow) -> BreakpointsPanel:
    from simulator.ui.panels.breakpoints import BreakpointsPanel

    panel = BreakpointsPanel(window.session, window.player)
    # Breakpoints watch every step, seen or not (they stop Play).
    panel.hit_reached.connect(
        lambda _step, message: window.statusBar().showMessage(message, STATUS_TIMEOUT_MS)
    )
    return panel


def _statistics(window: QMainWindow) -> StatisticsPanel:
    from simulator.ui.panels.statistics import StatisticsPanel

    panel = StatisticsPanel(window.session)
    panel.set_active(False)  # computes only while its tab is seen
    follow_raised(window.docks["statistics"], panel.set_active)
    return panel


def _panel(window: QMainWindow, name: str):
    dock = window.docks[name]
    return dock.panel() if isinstance(dock, LazyDock) else dock.widget().widget()


__all__ = ["FindMoment", "install"]
