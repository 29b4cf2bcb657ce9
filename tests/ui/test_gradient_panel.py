"""The gradient-flow panel: its curves are simulator.gradients' numbers at the session's current step."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from simulator.gradients import (
    TanhRNN,
    cell_state_jacobian,
    cell_state_jacobian_norms,
    rnn_run,
    rnn_state_jacobian_norms,
)
from simulator.session import Session
from simulator.ui import MainWindow
from simulator.ui.panels import gradients
from simulator.ui.panels.gradients import WINDOW, GradientPanel, gradient_along_cell_line


@pytest.fixture
def window(qtbot) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
    gradients.install(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def panel(qtbot, window: MainWindow) -> GradientPanel:
    window.docks["gradients"].raise_()
    qtbot.waitUntil(lambda: not window.docks["gradients"].visibleRegion().isEmpty())
    return window.docks["gradients"].widget()


def expected_curves(session: Session) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Steps k, ‖∂C_t/∂C_k‖ and the RNN's ‖∂h_t/∂h_k‖ at the current t, straight from simulator.gradients."""
    t = session.t
    start = max(0, t - WINDOW)
    lstm = cell_state_jacobian_norms(session.params, session.trace, start, t)
    rnn = TanhRNN.from_lstm(session.params)
    hidden = rnn_run(rnn, session.inputs[:t], session.h0)
    return np.arange(start, t + 1), lstm, rnn_state_jacobian_norms(rnn, hidden, start, t)


def assert_shows_current_step(panel: GradientPanel, session: Session) -> None:
    steps, lstm, rnn = expected_curves(session)
    np.testing.assert_array_equal(panel.lstm_curve.xData, steps)
    np.testing.assert_array_equal(panel.rnn_curve.xData, steps)
    np.testing.assert_allclose(panel.lstm_curve.yData, lstm, rtol=1e-12)
    np.testing.assert_allclose(panel.rnn_curve.yData, rnn, rtol=1e-12)
    assert f"t = {session.t}" in panel.plot_item.titleLabel.text


def test_install_adds_a_dock_tabbed_with_the_plots_and_a_view_toggle(window: MainWindow) -> None:
    dock = window.docks["gradients"]
    assert isinstance(dock, QDockWidget)
    assert dock.objectName() == "dock_gradients"
    assert dock.windowTitle() == "Gradient Flow"
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert dock in window.tabifiedDockWidgets(window.docks["plots"])
    assert isinstance(dock.widget(), GradientPanel)
    toggles = {a.objectName(): a for a in window.menus["view"].actions()}
    assert toggles["action_show_gradients"] is dock.toggleViewAction()
    assert gradients.install(window) is dock  # a second install changes nothing
    toggles["action_show_gradients"].trigger()
    assert dock.isHidden()


def test_curves_are_the_gradients_at_the_current_step(panel: GradientPanel, window: MainWindow) -> None:
    session = window.session
    assert_shows_current_step(panel, session)  # t = 0: only k = 0, ‖I‖ = √H
    for _ in range(6):
        session.step()
        assert_shows_current_step(panel, session)
    assert len(panel.lstm_curve.xData) == 7
    session.back()
    session.back()
    assert_shows_current_step(panel, session)
    assert panel.plot_item.ctrl.logYCheck.isChecked()


def test_caption_reports_the_gradient_passed_along_the_cell_line(
    panel: GradientPanel, window: MainWindow
) -> None:
    session = window.session
    assert len(gradient_along_cell_line(session)) == 0
    session.seek(4)
    along = gradient_along_cell_line(session)
    jacobian = cell_state_jacobian(session.params, session.trace, 3, 4)
    np.testing.assert_allclose(along, np.linalg.norm(jacobian, axis=1), rtol=1e-14)
    assert along.shape == (session.hidden_size,)
    rms = np.sqrt(np.mean(along**2))
    assert f"passes back {rms:.2f} of the gradient along the cell-state line" in panel.caption.text()
    assert f"(per unit {', '.join(f'{value:.2f}' for value in along)})" in panel.caption.text()


def test_edits_at_the_same_step_are_redrawn(panel: GradientPanel, window: MainWindow) -> None:
    session = window.session
    session.seek(8)
    before = panel.rnn_curve.yData.copy()
    session.set_weight("candidate", "recurrent", (0, 1), 0.9)  # the RNN's weights too
    assert_shows_current_step(panel, session)
    assert not np.allclose(panel.rnn_curve.yData, before)
    trace = session.trace
    session.set_input_value(2, 0, -0.75)  # recomputed in the same trace object
    assert session.trace is trace
    assert_shows_current_step(panel, session)
    session.set_initial_state("c0", 2, -0.4)
    assert_shows_current_step(panel, session)


def test_hidden_panel_waits_until_shown(qtbot, window: MainWindow) -> None:
    dock = window.docks["gradients"]
    window.docks["plots"].raise_()
    qtbot.waitUntil(lambda: dock.visibleRegion().isEmpty())  # tabbed behind the history plots
    panel = dock.widget()
    window.session.seek(5)
    assert len(panel.lstm_curve.xData) == 1  # still t = 0's curve: nothing computed while unseen
    with qtbot.waitSignal(dock.visibilityChanged):
        dock.raise_()
    assert_shows_current_step(panel, window.session)


def test_long_runs_show_the_last_window_of_steps(panel: GradientPanel, window: MainWindow) -> None:
    session = window.session
    session.set_inputs(np.random.default_rng(0).normal(size=(WINDOW + 150, session.input_size)))
    session.seek(WINDOW + 120)
    assert panel.lstm_curve.xData[0] == 120
    assert_shows_current_step(panel, session)
    assert f"last {WINDOW} of the {WINDOW + 120} steps" in panel.caption.text()


def test_zero_gradients_and_hard_sigmoid_are_explained(panel: GradientPanel, window: MainWindow) -> None:
    session = window.session
    session.load_preset("counter")  # H = 1, U_C = 0: the RNN's gradient is exactly 0 one step back
    session.seek(5)
    assert_shows_current_step(panel, session)
    assert panel.rnn_curve.yData[0] == 0.0
    assert "exactly 0" in panel.caption.text()
    session.set_params(session.params.replace(gate_activation="hard_sigmoid"))
    assert panel.lstm_curve.xData is None and panel.rnn_curve.xData is None  # pyqtgraph: no data
    assert "sigmoid gates" in panel.caption.text()
