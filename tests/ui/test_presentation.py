"""Presentation mode: F5 / Esc, what shows and hides, large text, clicker keys, and a faithful way back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from simulator.ui import MainWindow, presentation
from simulator.ui.diagram import style
from simulator.ui.docks import view_menu
from simulator.ui.presentation import EDITING_DOCKS, PresentationMode


@pytest.fixture
def window(qtbot) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    return win


@pytest.fixture
def mode(window: MainWindow) -> PresentationMode:
    mode = presentation.install(window)
    yield mode
    mode.leave()


def visibility(window: MainWindow) -> dict[str, bool]:
    return {name: dock.isVisible() for name, dock in window.docks.items()}


def test_the_action_is_named_checkable_in_the_view_menu_with_its_shortcut(window: MainWindow, mode):
    action = window.findChild(QAction, "action_presentation")
    assert action is mode.action is window.actions_by_name["action_presentation"]
    assert action.isCheckable()
    assert action.shortcut().toString() == "F5"
    assert "(F5)" in action.toolTip()
    assert action in view_menu(window).actions()
    assert presentation.install(window) is mode


def test_f5_toggles_and_esc_leaves(window: MainWindow, mode, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert mode.active and mode.action.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert not mode.active and not mode.action.isChecked()
    mode.toggle()
    assert mode.active
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not mode.active
    assert not mode.leave_action.isEnabled()


def test_entering_shows_the_diagram_and_the_explanation_large(window: MainWindow, mode):
    mode.enter()
    assert window.isFullScreen()
    for name in EDITING_DOCKS:
        assert not window.docks[name].isVisible()
    assert window.docks["explanation"].isVisible()
    assert window.diagram.isVisible()
    assert not window.menuBar().isVisible()
    assert window.toolbar.isVisible()
    line = mode.panel.findChild(QLabel, "explanation_line_forget_gate")
    assert line.fontInfo().pixelSize() >= 24
    assert style.TEXT_SCALE > 1.0


def test_clicker_keys_step_and_go_back_and_right_left_stay_primary(window: MainWindow, mode, qtbot):
    step, back = window.actions_by_name["action_step"], window.actions_by_name["action_back"]
    assert step.shortcut().toString() == "Right" and back.shortcut().toString() == "Left"
    assert "PgDown" in [k.toString() for k in step.shortcuts()]
    assert "PgUp" in [k.toString() for k in back.shortcuts()]
    mode.enter()
    session = window.session
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert session.t == 2
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    assert session.t == 1
    qtbot.keyClick(window, Qt.Key.Key_Home)
    assert session.t == 0


def test_leaving_restores_docks_geometry_menu_and_fonts(window: MainWindow, mode):
    window.docks["inputs"].hide()  # a layout the user chose, not the default
    before = visibility(window)
    geometry = window.geometry()
    pixels = mode.panel.font_pixel_size()
    mode.enter()
    assert visibility(window) != before
    mode.leave()
    assert visibility(window) == before
    assert window.geometry() == geometry
    assert not window.isFullScreen()
    assert window.menuBar().isVisible()
    assert mode.panel.font_pixel_size() == pixels
    assert style.TEXT_SCALE == 1.0
