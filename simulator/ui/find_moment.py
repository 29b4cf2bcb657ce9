""" "Find the moment": the breakpoints and statistics docks, added to a main window."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from simulator.ui.docks import add_tabbed_dock, follow_raised
from simulator.ui.panels.breakpoints import BreakpointsPanel
from simulator.ui.panels.statistics import StatisticsPanel

STATUS_TIMEOUT_MS = 10_000
"""How long the "Stopped at step …" message stays in the status bar."""


class FindMoment(NamedTuple):
    """The two panels :func:`install` added."""

    breakpoints: BreakpointsPanel
    statistics: StatisticsPanel


def install(window: QMainWindow) -> FindMoment:
    """Add the Breakpoints and Statistics docks to a main window, tabbed with the history plots.

    Parameters
    ----------
    window : MainWindow
        Needs ``session``, ``player``, ``docks`` (with ``plots``), a status bar and a "View" menu.
        The docks (objectNames ``dock_breakpoints`` and ``dock_statistics``) are also stored in
        ``window.docks``; their View-menu toggles go after the other docks' toggles. The
        statistics are computed only while their tab is seen; breakpoints watch every step.

    Returns
    -------
    FindMoment
        The two panels (those already there if the window has them).
    """
    if "breakpoints" in window.docks and "statistics" in window.docks:
        return FindMoment(*(window.docks[name].widget().widget() for name in ("breakpoints", "statistics")))
    breakpoints = BreakpointsPanel(window.session, window.player)
    statistics = StatisticsPanel(window.session)
    statistics.set_active(False)  # tabbed behind History: computes once its tab is shown
    for name, title, widget, tip in (
        (
            "breakpoints",
            "Breakpoints",
            breakpoints,
            "Show or hide the breakpoints: conditions that stop Play",
        ),
        ("statistics", "Statistics", statistics, "Show or hide how often each unit saturates, and its range"),
    ):
        add_tabbed_dock(
            window,
            name,
            title,
            widget,
            beside="plots",
            area=Qt.DockWidgetArea.BottomDockWidgetArea,
            tooltip=tip,
            toggle="before_toolbar",
            scrollable=True,
        )
    # Breakpoints watch every step, seen or not (they stop Play); statistics only while seen.
    follow_raised(window.docks["statistics"], statistics.set_active)
    breakpoints.hit_reached.connect(
        lambda _step, message: window.statusBar().showMessage(message, STATUS_TIMEOUT_MS)
    )
    return FindMoment(breakpoints, statistics)


__all__ = ["FindMoment", "install"]
