"""Light, dark and high-contrast themes: the widgets' palette, the diagram's ink and the plots' frame.

A theme recolours everything around the data: window and panel colours (the
application's :class:`QPalette`, Fusion style), the diagram's background,
wires, outlines and text, and the history plots' background, axes and titles.
The data colours themselves (viridis for gates, CET-CBD1 for signed values,
the curves' unit colours) are the same in every theme, so a value always has
the same colour.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QColor, QPalette
from PySide6.QtWidgets import QApplication, QMainWindow, QToolTip

from simulator.ui.diagram import style
from simulator.ui.docks import view_menu
from simulator.ui.plots import FIELDS

SETTING = "view/theme"
DEFAULT_THEME = "light"
_PROPERTY = "lstm_theme"
"""The Qt property of the main window that records its theme."""


@dataclass(frozen=True)
class Theme:
    """Everything a theme sets.

    ``colors`` maps :class:`QPalette` role names to colours; roles left out keep
    the Fusion style's standard (light) colour.
    """

    name: str
    title: str
    colors: dict[str, str]
    diagram: style.DiagramPalette
    plot_background: str
    plot_foreground: str
    plot_axis: str


THEMES: dict[str, Theme] = {
    theme.name: theme
    for theme in (
        Theme("light", "&Light", {"Link": "#1a5fb4"}, style.LIGHT, "#ffffff", "#333333", "#999999"),
        Theme(
            "dark",
            "&Dark",
            {
                "Window": "#25282d",
                "WindowText": "#e8eaed",
                "Base": "#1b1d21",
                "AlternateBase": "#2c3036",
                "Text": "#e8eaed",
                "Button": "#30343a",
                "ButtonText": "#e8eaed",
                "ToolTipBase": "#30343a",
                "ToolTipText": "#e8eaed",
                "PlaceholderText": "#9aa0a6",
                "BrightText": "#ffffff",
                "Highlight": "#3d7bd9",
                "HighlightedText": "#ffffff",
                "Link": "#8ab4f8",
                "Light": "#4a4f57",
                "Midlight": "#3a3e45",
                "Mid": "#2c3036",
                "Dark": "#15171a",
                "Shadow": "#000000",
            },
            style.DARK,
            "#1b1d21",
            "#d6d9dd",
            "#8a9099",
        ),
        Theme(
            "high_contrast",
            "&High Contrast",
            {
                "Window": "#000000",
                "WindowText": "#ffffff",
                "Base": "#000000",
                "AlternateBase": "#1a1a1a",
                "Text": "#ffffff",
                "Button": "#000000",
                "ButtonText": "#ffffff",
                "ToolTipBase": "#000000",
                "ToolTipText": "#ffff00",
                "PlaceholderText": "#ffff00",
                "BrightText": "#ffff00",
                "Highlight": "#ffff00",
                "HighlightedText": "#000000",
                "Link": "#ffff00",
                "Light": "#ffffff",
                "Midlight": "#ffffff",
                "Mid": "#ffffff",
                "Dark": "#ffffff",
                "Shadow": "#ffffff",
            },
            style.HIGH_CONTRAST,
            "#000000",
            "#ffffff",
            "#ffffff",
        ),
    )
}
"""Every theme by name, in menu order."""


def palette_of(theme: Theme) -> QPalette:
    """The application palette of ``theme``: Fusion's standard palette with the theme's colours."""
    palette = QApplication.style().standardPalette()
    for role_name, color in theme.colors.items():
        role = QPalette.ColorRole[role_name]
        palette.setColor(QPalette.ColorGroup.All, role, QColor(color))
        if role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
            disabled = QColor(color)
            disabled.setAlphaF(0.45)
            palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def apply_theme(target: QApplication | QMainWindow, name: str) -> Theme:
    """Switch to the theme called ``name``.

    Parameters
    ----------
    target : QApplication or MainWindow
        An application: set its palette and the diagram palette used from now
        on. A main window: that, plus recolour its diagram (``window.diagram``)
        and plots (``window.plots``) now, and remember the theme
        (see :func:`current_theme`).
    name : str
        A key of :data:`THEMES`.

    Returns
    -------
    Theme
        The theme applied.

    Raises
    ------
    KeyError
        If there is no theme called ``name``.
    """
    if name not in THEMES:
        raise KeyError(f"unknown theme {name!r}; expected one of {', '.join(THEMES)}")
    theme = THEMES[name]
    palette = palette_of(theme)
    QApplication.setPalette(palette)
    QToolTip.setPalette(palette)
    style.use_palette(theme.diagram)
    if isinstance(target, QMainWindow):
        target.diagram.set_theme(theme.diagram)
        theme_plots(target.plots, theme)
        target.setProperty(_PROPERTY, name)
    return theme


def theme_plots(plots: object, theme: Theme) -> None:
    """Recolour the frame of the history plots (background, axes, titles, legend); data colours stay.

    Works through :meth:`HistoryPlots.plot_item` and pyqtgraph's public API.
    """
    foreground, axis_pen = theme.plot_foreground, pg.mkPen(theme.plot_axis)
    view = None
    for field in FIELDS:
        plot: pg.PlotItem = plots.plot_item(field)
        view = plot.getViewWidget()
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(axis_pen)
            axis.setTextPen(foreground)
        plot.titleLabel.setText(plot.titleLabel.text, color=foreground)
    if view is None:
        return
    view.setBackground(theme.plot_background)
    for item in view.ci.items:
        if isinstance(item, pg.LegendItem):
            item.setLabelTextColor(foreground)  # for labels added later
            for _sample, label in item.items:
                label.setText(label.text, color=foreground)


def current_theme(window: QMainWindow) -> str:
    """The name of the theme last applied to ``window`` (``light`` if none was)."""
    return str(window.property(_PROPERTY) or DEFAULT_THEME)


class ThemeMenu(QObject):
    """View → Theme: one exclusive checkable action per theme, remembered in the settings."""

    def __init__(self, window: QMainWindow, settings: object | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        menu = view_menu(window).addMenu("&Theme")
        menu.setObjectName("menu_theme")
        self.actions: dict[str, QAction] = {}
        for name, theme in THEMES.items():
            action = QAction(theme.title, window)
            action.setObjectName(f"action_theme_{name}")
            action.setCheckable(True)
            action.setToolTip(f"Show the app in the {theme.title.replace('&', '').lower()} theme")
            action.triggered.connect(lambda _=False, n=name: self.choose(n))
            self.group.addAction(action)
            menu.addAction(action)
            window.actions_by_name[action.objectName()] = action
            self.actions[name] = action

    def choose(self, name: str) -> None:
        """Apply theme ``name``, tick its action and store it in the settings."""
        apply_theme(self.window, name)
        self.actions[name].setChecked(True)
        if self.settings is not None:
            self.settings.set(SETTING, name)


def install_themes(window: QMainWindow, settings: object | None = None) -> str:
    """Add View → Theme to a main window and apply the stored theme (``light`` the first time).

    Parameters
    ----------
    window : MainWindow
        Needs ``diagram``, ``plots``, ``actions_by_name`` and a "View" menu.
    settings : Settings, optional
        Reads and writes the ``view/theme`` key; without it the theme is not remembered.

    Returns
    -------
    str
        The name of the theme applied (the current one if the menu is there already).
    """
    if window.findChild(ThemeMenu) is not None:
        return current_theme(window)
    name = str(settings.get(SETTING)) if settings is not None else DEFAULT_THEME
    if name not in THEMES:
        name = DEFAULT_THEME
    ThemeMenu(window, settings).choose(name)
    return name


__all__ = [
    "DEFAULT_THEME",
    "THEMES",
    "Theme",
    "apply_theme",
    "current_theme",
    "install_themes",
    "theme_plots",
]
