"""The step, explained: the equations of the current step, their numbers, and clicks that select."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QDockWidget, QLabel

from simulator.ui import MainWindow
from simulator.ui.panels import explanation
from simulator.ui.panels.explanation import ExplanationPanel

ORDER = [
    "forget_gate",
    "forget_product",
    "candidate",
    "input_gate",
    "input_product",
    "cell",
    "cell_tanh",
    "output_gate",
    "hidden",
]
GATE_PRE = {
    "forget_gate": "forget_pre",
    "input_gate": "input_pre",
    "candidate": "candidate_pre",
    "output_gate": "output_pre",
}


@pytest.fixture
def window(qtbot) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win)
    explanation.install(win)
    win.docks["explanation"].show()
    win.docks["explanation"].raise_()
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def panel(window: MainWindow) -> ExplanationPanel:
    return window.docks["explanation"].widget()


def vectors(text: str) -> list[list[float]]:
    """Every bracketed list of plain numbers in an equation, as floats."""
    found = []
    for inside in re.findall(r"\[([^\[\]]*)\]", text):
        items = [item.strip() for item in inside.split(",")]
        if all(re.fullmatch(r"-?\d+\.\d+", item) for item in items):
            found.append([float(item) for item in items])
    return found


def assert_matches_engine(panel: ExplanationPanel, window: MainWindow) -> None:
    step = window.session.current_step()
    lines = dict(panel.lines())
    assert list(lines) == ORDER
    for part, text in lines.items():
        shown = vectors(text)
        assert shown, f"{part}: no numbers in {text!r}"
        np.testing.assert_allclose(shown[-1], np.round(getattr(step, part), 2), atol=1e-9, err_msg=part)
        if part in GATE_PRE:
            np.testing.assert_allclose(shown[0], np.round(getattr(step, GATE_PRE[part]), 2), atol=1e-9)


def test_the_dock_is_installed_once_in_the_view_menu(window: MainWindow):
    dock = window.findChild(QDockWidget, "dock_explanation")
    assert dock is window.docks["explanation"]
    assert explanation.install(window) is dock
    assert dock.toggleViewAction() in window.menus["view"].actions()
    assert len(window.findChildren(QDockWidget, "dock_explanation")) == 1


def test_numbers_equal_the_engines_and_follow_each_step(window: MainWindow, panel: ExplanationPanel):
    window.session.seek(3)
    assert_matches_engine(panel, window)
    before = panel.lines()
    window.session.step()
    assert panel.lines() != before
    assert_matches_engine(panel, window)
    assert "t = 4" in panel.caption.text()


def test_a_weight_edit_updates_the_numbers(window: MainWindow, panel: ExplanationPanel):
    window.session.seek(2)
    before = dict(panel.lines())
    window.session.set_weight("forget", "bias", (1,), 4.0)
    after = dict(panel.lines())
    assert after["forget_gate"] != before["forget_gate"]
    assert_matches_engine(panel, window)


def test_at_t0_it_says_what_step_will_do(window: MainWindow, panel: ExplanationPanel):
    window.session.seek(2)
    window.session.reset()
    assert "Step" in panel.caption.text() and "will read" in panel.caption.text()
    lines = dict(panel.lines())
    assert list(lines) == ORDER
    assert lines["forget_gate"] == "f_t = σ(W_f x_t + U_f h_{t-1} + b_f)"
    assert lines["cell"] == "C_t = C_{t-1} ⊙ f_t + i_t ⊙ ~C_t"
    assert all("[" not in text for text in lines.values())


def test_each_section_has_a_heading_and_a_sentence(panel: ExplanationPanel):
    texts = [label.text() for label in panel.findChildren(QLabel)]
    for heading, sentence, _parts in explanation.GROUPS:
        assert heading in texts
        assert sentence in texts
    assert "The forget gate decides how much of the old cell state to keep." in texts


def test_clicking_a_line_selects_its_part_and_highlights_it(
    window: MainWindow, panel: ExplanationPanel, qtbot
):
    window.session.seek(3)
    line = panel.findChild(QLabel, "explanation_line_cell")
    qtbot.mouseClick(line, Qt.MouseButton.LeftButton)
    assert window.session.selected == "cell"
    assert line.autoFillBackground() and line.backgroundRole() == QPalette.ColorRole.Highlight
    other = panel.findChild(QLabel, "explanation_line_forget_gate")
    assert not other.autoFillBackground()


def test_a_selection_made_elsewhere_moves_the_highlight(window: MainWindow, panel: ExplanationPanel):
    window.session.select("output_gate")
    highlighted = [
        label.objectName()
        for label in panel.findChildren(QLabel)
        if label.objectName().startswith("explanation_line_") and label.autoFillBackground()
    ]
    assert highlighted == ["explanation_line_output_gate"]


def test_font_size_is_settable(panel: ExplanationPanel):
    panel.set_font_pixel_size(30)
    assert panel.font_pixel_size() == 30
    assert panel.findChild(QLabel, "explanation_line_hidden").fontInfo().pixelSize() == 30
    panel.set_font_pixel_size(None)
    assert panel.font_pixel_size() < 30
