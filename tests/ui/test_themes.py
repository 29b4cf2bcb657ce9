"""Themes: the menu, the app palette, the diagram and plot frame colours; data colours unchanged."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction, QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication

from simulator.ui import MainWindow, themes
from simulator.ui.diagram import style
from simulator.ui.diagram.items import WireItem


@pytest.fixture
def window(qtbot) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    themes.apply_theme(win, "light")  # the palette is the whole app's: leave it as found


def corner(image: QImage) -> tuple[int, int, int]:
    color = image.pixelColor(2, 2)
    return color.red(), color.green(), color.blue()


def rgb(color: QColor | str) -> tuple[int, int, int]:
    color = QColor(color)
    return color.red(), color.green(), color.blue()


def window_color() -> tuple[int, int, int]:
    return rgb(QApplication.palette().color(QPalette.ColorRole.Window))


def test_install_adds_an_exclusive_theme_menu_and_applies_the_stored_theme(qtbot, window: MainWindow):
    window.settings.set(themes.SETTING, "dark")
    window = MainWindow(settings=window.settings)  # installs the themes, reading the stored one
    qtbot.addWidget(window)
    actions = [window.findChild(QAction, f"action_theme_{name}") for name in themes.THEMES]
    assert all(action is not None and action.isCheckable() for action in actions)
    assert actions[0].actionGroup().isExclusive()
    assert [a.isChecked() for a in actions] == [False, True, False]
    assert themes.current_theme(window) == "dark"
    assert themes.install_themes(window, window.settings) == "dark"  # a second call adds nothing
    assert len(window.findChildren(QAction, "action_theme_dark")) == 1


def test_an_unknown_stored_theme_falls_back_to_light(qtbot, window: MainWindow):
    window.settings.set(themes.SETTING, "neon")
    window = MainWindow(settings=window.settings)
    qtbot.addWidget(window)
    assert themes.current_theme(window) == "light"


def test_switching_recolours_palette_diagram_and_plots_and_is_remembered(window: MainWindow):
    themes.install_themes(window, window.settings)
    light_window = window_color()
    light_corner = corner(window.diagram.render_image(200, 120))
    assert light_corner == rgb(style.LIGHT.background)

    window.findChild(QAction, "action_theme_dark").trigger()
    assert themes.current_theme(window) == "dark"
    assert window.settings.get(themes.SETTING) == "dark"
    assert window_color() != light_window
    assert window_color() == rgb(themes.THEMES["dark"].colors["Window"])
    assert corner(window.diagram.render_image(200, 120)) == rgb(style.DARK.background)
    plot_view = window.plots.plot_item("hidden").getViewWidget()
    assert rgb(plot_view.backgroundBrush().color()) == rgb(themes.THEMES["dark"].plot_background)

    window.findChild(QAction, "action_theme_light").trigger()
    assert window_color() == light_window
    assert corner(window.diagram.render_image(200, 120)) == light_corner


def test_high_contrast_is_black_with_white_text_and_thick_wires(window: MainWindow):
    light_widths = [
        wire.pen().widthF() for wire in window.diagram.scene().items() if isinstance(wire, WireItem)
    ]
    themes.apply_theme(window, "high_contrast")
    assert window_color() == (0, 0, 0)
    assert rgb(QApplication.palette().color(QPalette.ColorRole.WindowText)) == (255, 255, 255)
    assert corner(window.diagram.render_image(200, 120)) == (0, 0, 0)
    widths = [wire.pen().widthF() for wire in window.diagram.scene().items() if isinstance(wire, WireItem)]
    assert min(widths) > min(light_widths)


def test_data_colours_of_the_cells_are_the_same_in_every_theme(window: MainWindow):
    window.session.seek(3)
    window.session.select("cell")  # no selection outline over the gate's cells
    seen = {}
    for name in themes.THEMES:
        themes.apply_theme(window, name)
        seen[name] = [rgb(c) for c in window.diagram.part_colors("forget_gate")]
        image = window.diagram.render_image(1200, 600)
        rect = window.diagram.part_rect("forget_gate")
        scale = min(1200 / window.diagram.sceneRect().width(), 600 / window.diagram.sceneRect().height())
        source = window.diagram.sceneRect()
        x0 = (1200 - source.width() * scale) / 2 + (rect.left() - source.left()) * scale
        below_text = rect.center().y() + rect.height() * 0.35 - source.top()
        y = (600 - source.height() * scale) / 2 + below_text * scale
        cell = rect.width() / 3 * scale
        pixels = [rgb(image.pixelColor(int(x0 + cell * (k + 0.5)), int(y))) for k in range(3)]
        assert pixels == seen[name], name
    assert seen["light"] == seen["dark"] == seen["high_contrast"]
    assert len(set(seen["light"])) == 3  # three different values, three different colours


def test_unknown_theme_is_refused(window: MainWindow):
    with pytest.raises(KeyError, match="unknown theme"):
        themes.apply_theme(window, "neon")
    assert themes.current_theme(window) == "light"
