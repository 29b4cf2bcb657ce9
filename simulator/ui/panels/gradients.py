"""The gradient-flow panel: how much of a gradient at step t still reaches each earlier step.

A log-scale plot of ‖∂C_t/∂C_k‖ of the LSTM's cell state and ‖∂h_t/∂h_k‖ of a plain tanh RNN
of the same size (:meth:`simulator.gradients.TanhRNN.from_lstm`) against the earlier step k,
for the current step t of the session, with a caption in plain words. The numbers come from
:mod:`simulator.gradients`; the panel only draws them, and only while it is seen.

:func:`install` also adds View → "Gradient on the Cell-State Line" (``action_show_gradient_on_diagram``),
which draws ‖∂C_T/∂C_t‖ along the diagram's cell-state line
(:mod:`simulator.ui.diagram.gradient_overlay`); the panel's "Show on the diagram" box toggles it too.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QDockWidget, QLabel, QMainWindow, QVBoxLayout, QWidget

from simulator.engine import Trace
from simulator.gradients import (
    TanhRNN,
    cell_state_jacobian,
    cell_state_jacobian_norms,
    rnn_run,
    rnn_state_jacobian_norms,
)
from simulator.session import Session
from simulator.session import Signal as SessionSignal
from simulator.ui.docks import add_tabbed_dock, follow_raised

WINDOW = 2000
"""At most this many steps back from t are computed and drawn."""

SYMBOLS_UP_TO = 100
"""Curves of up to this many points mark each step with a dot."""

UNITS_IN_CAPTION = 8
"""Layers up to this many units have the gradient each unit passes back listed in the caption."""

LSTM_COLOR = "#1f77b4"
RNN_COLOR = "#e66100"
_FOREGROUND = "#333333"

OVERLAY_ACTION = "action_show_gradient_on_diagram"
OVERLAY_TIP = (
    "Draw on the diagram's cell-state line how much of a gradient on the last cell state C_T "
    "still reaches the step shown: ‖∂C_T/∂C_t‖ as a glow under the line, with its value and "
    "a sparkline over all steps"
)


def gradient_along_cell_line(session: Session) -> np.ndarray:
    """How much of a gradient on C_t step t passes back to C_{t-1}, per unit of C_t.

    Parameters
    ----------
    session : Session
        Its current step t is read.

    Returns
    -------
    array (H,)
        Entry i is ‖∂C_t[i]/∂C_{t-1}‖, the norm of row i of the Jacobian (every path counted:
        along the cell-state line through f_t, and through h_{t-1}); empty at t = 0.

    Raises
    ------
    ValueError
        If the gates use a hard sigmoid.
    """
    t = session.t
    if t == 0:
        return np.zeros(0)
    return np.linalg.norm(cell_state_jacobian(session.params, session.trace, t - 1, t), axis=1)


class GradientPanel(QWidget):
    """‖∂C_t/∂C_k‖ of the LSTM and ‖∂h_t/∂h_k‖ of a tanh RNN of the same size, k = t, t − 1, …

    Parameters
    ----------
    session : Session
        The model shown; the panel only reads it.
    parent : QWidget, optional
        The Qt parent.
    """

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._shown: tuple[Trace, int] | None = None
        self._stale = True
        self._active = True
        self._rnn = TanhRNN.from_lstm(session.params)
        self._rnn_hidden = np.zeros((0, session.hidden_size))

        self._view = pg.PlotWidget(background="w")
        plot = self.plot_item = self._view.getPlotItem()
        plot.setLogMode(x=False, y=True)
        plot.showGrid(x=True, y=True, alpha=0.15)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.setLabel("bottom", "earlier step k", color=_FOREGROUND)
        plot.setLabel("left", "‖∂state_t / ∂state_k‖", color=_FOREGROUND)
        for name in ("left", "bottom"):
            plot.getAxis(name).setTextPen(_FOREGROUND)
            plot.getAxis(name).enableAutoSIPrefix(False)  # steps and norms, never "(x0.001)"
        plot.setLimits(minXRange=2.0)  # a single point (t = 0 or 1) still spans whole steps
        # Bottom right: the corner gradients leave empty (they are largest near k = t, smallest far back).
        plot.addLegend(offset=(-10, -10), labelTextColor=_FOREGROUND, brush=(255, 255, 255, 200))
        self.lstm_curve = plot.plot(name="LSTM cell state  ‖∂C_t/∂C_k‖", pen=pg.mkPen(LSTM_COLOR, width=2))
        self.rnn_curve = plot.plot(name="tanh RNN  ‖∂h_t/∂h_k‖", pen=pg.mkPen(RNN_COLOR, width=2))
        for curve, color in ((self.lstm_curve, LSTM_COLOR), (self.rnn_curve, RNN_COLOR)):
            curve.setSymbolBrush(color)
            curve.setSymbolPen(None)
            curve.setSymbolSize(5)

        self.caption = QLabel()
        self.caption.setObjectName("gradient_caption")
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_on_diagram = QCheckBox("Show on the diagram's cell-state line")
        self.show_on_diagram.setObjectName("gradient_show_on_diagram")
        self.show_on_diagram.setToolTip(OVERLAY_TIP)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._view, 1)
        layout.addWidget(self.caption)
        layout.addWidget(self.show_on_diagram)

        slots: list[tuple[SessionSignal, Callable[[], None]]] = [
            (session.trace_changed, self._on_trace_changed),
            (session.params_changed, self._on_model_changed),
            (session.inputs_changed, self._on_model_changed),
            (session.initial_state_changed, self._on_model_changed),
            (session.replaced, self._on_model_changed),
        ]
        for signal, slot in slots:
            signal.connect(slot)
        self.destroyed.connect(lambda *_: _disconnect_all(slots))
        self._refresh()

    def set_active(self, active: bool) -> None:
        """Compute and draw only while active (seen); catch up at once when made active again.

        :func:`install` ties this to the dock's ``visibilityChanged``: in Qt 6 a dock tabbed
        behind another stays ``isVisible()``, so visibility alone cannot tell.
        """
        self._active = bool(active)
        if self._active and self._stale:
            self._refresh()

    # ------------------------------------------------------------ session → view
    def _on_model_changed(self) -> None:
        """Weights, inputs or h0 changed: the RNN and its states are recomputed on the next refresh."""
        self._rnn = TanhRNN.from_lstm(self._session.params)
        self._rnn_hidden = np.zeros((0, self._session.hidden_size))
        self._stale = True

    def _on_trace_changed(self) -> None:
        s = self._session
        unchanged = self._shown is not None and self._shown[0] is s.trace and self._shown[1] == s.t
        if unchanged and not self._stale:
            return
        self._stale = True
        if self._active:
            self._refresh()

    def _refresh(self) -> None:
        s = self._session
        t = s.t
        self._shown, self._stale = (s.trace, t), False
        self.plot_item.setTitle(f"Gradient flow back from step t = {t}", color=_FOREGROUND, size="10pt")
        start = max(0, t - WINDOW)
        try:
            lstm = cell_state_jacobian_norms(s.params, s.trace, start, t)
            along = gradient_along_cell_line(s)
        except ValueError as exc:
            self._set_curves(np.zeros(0), np.zeros(0), np.zeros(0))
            self.caption.setText(f"No gradients to show: {exc}.")
            return
        rnn = rnn_state_jacobian_norms(self._rnn, self._rnn_states(t), start, t)
        self._set_curves(np.arange(start, t + 1, dtype=np.float64), lstm, rnn)
        self.caption.setText(self._describe(t, start, along, lstm, rnn))

    def _rnn_states(self, t: int) -> np.ndarray:
        """The tanh RNN's h_1…h_t, computed on demand by doubling and kept until the model changes."""
        have = len(self._rnn_hidden)
        if have < t:
            s = self._session
            target = min(max(t, 2 * have), s.length)
            h_last = s.h0 if have == 0 else self._rnn_hidden[-1]
            more = rnn_run(self._rnn, s.inputs[have:target], h_last)
            self._rnn_hidden = np.vstack([self._rnn_hidden, more])
        return self._rnn_hidden

    def _set_curves(self, steps: np.ndarray, lstm: np.ndarray, rnn: np.ndarray) -> None:
        symbol = "o" if len(steps) <= SYMBOLS_UP_TO else None
        for curve, values in ((self.lstm_curve, lstm), (self.rnn_curve, rnn)):
            curve.setSymbol(symbol)
            curve.setData(steps, values)

    @staticmethod
    def _describe(t: int, start: int, along: np.ndarray, lstm: np.ndarray, rnn: np.ndarray) -> str:
        if t == 0:
            return (
                "Step forward: the plot shows how a gradient at the current step flows back to earlier ones."
            )
        passed = float(np.sqrt(np.mean(along**2)))  # ‖∂C_t/∂C_{t-1}‖ / √H: 1 for f_t = 1 and no h path
        parts = [
            f"How strongly a nudge to the memory at an earlier step k still moves it at step {t}: the LSTM's "
            "cell state (blue) against a plain tanh RNN of the same size (orange), which has no cell-state "
            "line to carry it.",
            f"This step passes back {passed:.2f} of the gradient along the cell-state line",
        ]
        if len(along) <= UNITS_IN_CAPTION:
            parts[-1] += f" (per unit {', '.join(f'{value:.2f}' for value in along)})"
        parts[-1] += "."
        if start > 0:
            parts.append(f"Only the last {WINDOW} of the {t} steps are computed.")
        if not (np.all(lstm > 0) and np.all(rnn > 0)):
            parts.append("A gradient of exactly 0 cannot be drawn on the log scale.")
        return " ".join(parts)


def install(window: QMainWindow) -> QDockWidget:
    """Add the "Gradient Flow" dock to a main window, tabbed with the history plots, and its View menu entry.

    Also adds the checkable View-menu action ``action_show_gradient_on_diagram`` (off; also in
    ``window.actions_by_name``) that shows the gradient along the diagram's cell-state line,
    kept in step with the panel's "Show on the diagram" box.

    The panel is built when the dock is first seen or ``dock.widget()`` first asked for
    (a :class:`~simulator.ui.docks.LazyDock`); the action works without it.

    Parameters
    ----------
    window : MainWindow
        Needs ``session``, ``docks`` (``plots`` is the tab it joins), ``menus["view"]`` and
        ``diagram`` (a :class:`~simulator.ui.diagram.DiagramView`).

    Returns
    -------
    QDockWidget
        The dock, objectName ``dock_gradients``, also stored as ``window.docks["gradients"]``;
        the one already there if the window has it.
    """
    if "gradients" in window.docks:
        return window.docks["gradients"]
    action = _install_overlay_action(window)

    def build() -> GradientPanel:
        panel = GradientPanel(window.session)
        panel.set_active(False)  # tabbed behind History: computes once its tab is shown
        follow_raised(dock, panel.set_active)
        panel.show_on_diagram.setChecked(action.isChecked())
        panel.show_on_diagram.toggled.connect(action.setChecked)
        action.toggled.connect(panel.show_on_diagram.setChecked)  # no loop: setChecked emits only on change
        return panel

    dock = add_tabbed_dock(
        window,
        "gradients",
        "Gradient Flow",
        build,
        beside="plots",
        area=Qt.DockWidgetArea.BottomDockWidgetArea,
        tooltip="Show or hide how the gradient flows back through time, LSTM against a tanh RNN",
    )
    return dock


def _install_overlay_action(window: QMainWindow) -> QAction:
    """View → "Gradient on the Cell-State Line", right after "Fit Diagram" (or at the menu's end)."""
    action = QAction("&Gradient on the Cell-State Line", window)
    action.setObjectName(OVERLAY_ACTION)
    action.setCheckable(True)
    action.setChecked(False)
    action.setToolTip(OVERLAY_TIP)
    action.setStatusTip(OVERLAY_TIP)
    menu = window.menus["view"]
    entries = menu.actions()
    fit = window.findChild(QAction, "action_fit_diagram")
    after = entries.index(fit) + 1 if fit in entries else len(entries)
    if after < len(entries):
        menu.insertAction(entries[after], action)
    else:
        menu.addAction(action)
    actions = getattr(window, "actions_by_name", None)
    if isinstance(actions, dict):
        actions[OVERLAY_ACTION] = action
    action.toggled.connect(window.diagram.set_gradient_overlay)
    return action


def _disconnect_all(slots: list[tuple[SessionSignal, Callable[[], None]]]) -> None:
    for signal, slot in slots:
        signal.disconnect(slot)


__all__ = ["OVERLAY_ACTION", "WINDOW", "GradientPanel", "gradient_along_cell_line", "install"]
