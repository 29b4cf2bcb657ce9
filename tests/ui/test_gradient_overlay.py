"""The gradient along the cell-state line: ‖∂C_T/∂C_t‖ from simulator.gradients, drawn on the diagram."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QAction, QImage

from simulator.engine import LSTMParams, run
from simulator.gradients import cell_state_jacobian_norms
from simulator.io.presets import Preset
from simulator.session import Session
from simulator.ui import MainWindow
from simulator.ui.diagram import DiagramView, gradient_overlay
from simulator.ui.diagram.gradient_overlay import format_norm
from simulator.ui.panels import gradients as gradient_panel
from simulator.ui.panels.gradients import OVERLAY_ACTION

NUMBER = re.compile(r"‖∂C_T/∂C_t‖ = (\S+) \(T = (\d+)\)")


def expected_norm(session: Session) -> float:
    """‖∂C_T/∂C_t‖ at the session's t, T the last step, straight from simulator.gradients."""
    s = session
    full = run(s.params, s.inputs, s.h0, s.c0)
    return float(cell_state_jacobian_norms(s.params, full)[s.t])


def shown_number(view: DiagramView) -> tuple[float, int]:
    match = NUMBER.fullmatch(view.gradient_caption())
    assert match, view.gradient_caption()
    return float(match[1]), int(match[2])


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4).copy()


@pytest.fixture
def window(qtbot) -> MainWindow:
    win = MainWindow(restore=False)
    qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def action(window: MainWindow) -> QAction:
    return window.findChild(QAction, OVERLAY_ACTION)


def test_the_view_menu_toggle_is_off_by_default_and_explained(window: MainWindow, action: QAction) -> None:
    assert action is not None and window.actions_by_name[OVERLAY_ACTION] is action
    assert action in window.menus["view"].actions()  # never QAction.menu()
    assert action.isCheckable() and not action.isChecked()
    assert "cell-state line" in action.toolTip()
    assert not window.diagram.gradient_overlay_shown
    assert window.diagram.gradient_caption() == ""
    scene = window.diagram.scene()
    assert not scene.gradient_badge.isVisible() and not scene.gradient_glow.isVisible()


def test_the_caption_shows_the_gradient_at_t_and_follows_steps(window: MainWindow, action: QAction) -> None:
    s, diagram = window.session, window.diagram
    s.seek(3)
    action.setChecked(True)
    value, T = shown_number(diagram)
    assert T == s.length
    assert value == pytest.approx(expected_norm(s), rel=0.05)  # two significant digits
    assert diagram.gradient_overlay.value == pytest.approx(expected_norm(s), rel=1e-12)
    assert f"= {format_norm(expected_norm(s))} " in diagram.gradient_caption()
    scene = diagram.scene()
    assert scene.gradient_badge.isVisible() and scene.gradient_glow.isVisible()
    before = diagram.gradient_overlay.value
    s.step()
    assert diagram.gradient_overlay.value == pytest.approx(expected_norm(s), rel=1e-12) != before
    assert shown_number(diagram)[0] == pytest.approx(expected_norm(s), rel=0.05)
    s.seek(s.length)  # ∂C_T/∂C_T = I: ‖I‖ = √H
    assert diagram.gradient_overlay.value == pytest.approx(np.sqrt(s.hidden_size))


def test_toggling_off_hides_the_overlay(window: MainWindow, action: QAction) -> None:
    action.setChecked(True)
    assert window.diagram.gradient_caption()
    action.setChecked(False)
    scene = window.diagram.scene()
    assert not scene.gradient_badge.isVisible() and not scene.gradient_glow.isVisible()
    assert window.diagram.gradient_caption() == ""
    assert window.diagram.gradient_overlay.value is None


def test_the_glow_is_drawn_under_the_cell_state_line(window: MainWindow, action: QAction) -> None:
    diagram = window.diagram
    source = diagram.scene().sceneRect()
    line = next(w for w in diagram.scene().wires if w.part == "cell_prev")
    row, end = diagram.part_rect("cell_prev"), line.points[-1]  # the wire runs from C_{t-1}'s row to ×
    beside = QPointF((row.right() + end.x()) / 2, end.y() - 13)  # just above the wire, inside the glow

    def colour() -> tuple[int, ...]:
        image = pixels(diagram.render_image(round(source.width()), round(source.height())))
        x, y = round(beside.x() - source.left()), round(beside.y() - source.top())
        return tuple(int(v) for v in image[y, x, :3])

    window.session.seek(2)
    off = colour()
    action.setChecked(True)
    on = colour()
    assert on != off
    assert on[2] > on[0]  # blue: the light palette's gradient colour


def test_the_panel_checkbox_and_the_action_stay_in_step(window: MainWindow, action: QAction) -> None:
    box = window.docks["gradients"].widget().show_on_diagram
    box.setChecked(True)
    assert action.isChecked() and window.diagram.gradient_overlay_shown
    action.setChecked(False)
    assert not box.isChecked() and not window.diagram.gradient_overlay_shown


def test_hard_sigmoid_weights_say_why_there_is_no_gradient(window: MainWindow, action: QAction) -> None:
    s = window.session
    s.seek(2)
    action.setChecked(True)
    s.set_params(s.params.replace(gate_activation="hard_sigmoid"))
    caption = window.diagram.gradient_caption()
    assert caption.startswith("No gradient along the cell state:")
    assert "sigmoid gates" in caption and "\n" not in caption
    assert window.diagram.gradient_overlay.value is None
    assert not window.diagram.scene().gradient_glow.isVisible()
    s.set_params(s.params.replace(gate_activation="sigmoid"))
    assert shown_number(window.diagram)[0] == pytest.approx(expected_norm(s), rel=0.05)


def test_nothing_is_computed_while_hidden_and_stepping_reuses_the_numbers(
    window: MainWindow, action: QAction, monkeypatch
) -> None:
    calls: list[int] = []
    real = gradient_overlay.cell_line_gradient
    monkeypatch.setattr(gradient_overlay, "cell_line_gradient", lambda s: calls.append(s.t) or real(s))
    s = window.session
    for _ in range(3):
        s.step()
    s.set_params(s.params.with_value("forget", "bias", (0,), 0.5))
    assert calls == []  # off: stepping and editing cost nothing
    action.setChecked(True)
    assert calls == [3]
    s.step()
    s.back()
    s.seek(s.length)
    assert calls == [3]  # one model, one computation
    s.set_params(s.params.with_value("forget", "bias", (0,), 0.7))
    assert len(calls) == 2  # a new model is computed again while shown
    assert window.diagram.gradient_overlay.value == pytest.approx(expected_norm(s), rel=1e-12)


def test_the_window_limits_how_far_back_it_is_computed(
    window: MainWindow, action: QAction, monkeypatch
) -> None:
    monkeypatch.setattr(gradient_panel, "WINDOW", 5)
    s = window.session
    T = s.length
    action.setChecked(True)
    data = window.diagram.gradient_overlay.data
    assert (data.start, data.T, len(data.norms)) == (T - 5, T, 6)
    assert window.diagram.gradient_caption() == "‖∂C_T/∂C_t‖: only the last 5 steps before T = 12 computed"
    s.seek(T - 2)
    assert window.diagram.gradient_overlay.value == pytest.approx(expected_norm(s), rel=1e-12)


def test_a_new_model_of_another_size_is_shown_at_once(window: MainWindow, action: QAction) -> None:
    action.setChecked(True)
    H = 20
    params = LSTMParams.random(2, H, seed=3)
    inputs = np.random.default_rng(4).normal(size=(30, 2))
    window.session.load_preset(Preset("wide", "Wide", "", params, inputs, np.zeros(H), np.zeros(H)))
    assert shown_number(window.diagram)[1] == 30
    assert window.diagram.gradient_overlay.value == pytest.approx(expected_norm(window.session), rel=1e-12)
    assert window.diagram.scene().gradient_badge.isVisible()


@pytest.mark.parametrize(
    ("value", "text"), [(0.031, "3.1e-2"), (3.14159, "3.1e0"), (12345.0, "1.2e4"), (0.0, "0")]
)
def test_norms_print_in_two_digits(value: float, text: str) -> None:
    assert format_norm(value) == text
