"""Long runs: a 1 000 000-step run at H = 16, and how long the window's event loop stalls.

The event-loop gap is the longest time between two ticks of a 1 ms timer while the window does
something long: play at full speed through a long history, go to the end of a long input, and
change a weight deep into a long history (the trace up to t is recomputed).
"""

from __future__ import annotations

import time
import tracemalloc
from dataclasses import dataclass

import numpy as np

from simulator.engine import LSTMParams, run

GAP_TARGET_MS = 50.0


@dataclass(frozen=True)
class MillionStepRun:
    steps: int
    hidden_size: int
    seconds: float
    bytes_per_step: float
    """The trace's own arrays, per step."""
    peak_bytes_per_step: float
    """The largest memory traced while running (inputs and trace included), per step."""
    raw_bytes_per_step: float
    """The raw size of one step's values: inputs, four pre-activations, four gates, five states."""

    @property
    def steps_per_s(self) -> float:
        return self.steps / self.seconds

    @property
    def ratio(self) -> float:
        return self.bytes_per_step / self.raw_bytes_per_step


def million_step_run(quick: bool, hidden_size: int = 16) -> MillionStepRun:
    """Run ``hidden_size`` units over 1 000 000 steps (100 000 when ``quick``) and weigh the trace."""
    steps = 100_000 if quick else 1_000_000
    params = LSTMParams.random(hidden_size, hidden_size, seed=0)
    inputs = np.sin(np.arange(steps)[:, None] * np.linspace(0.01, 0.05, hidden_size))
    start = time.perf_counter()
    trace = run(params, inputs)
    seconds = time.perf_counter() - start  # timed apart: tracing allocations slows NumPy down
    del trace
    tracemalloc.start()
    try:
        trace = run(params, inputs)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    raw = 8 * (hidden_size + 13 * hidden_size)  # x_t (D = H) + 4 pre + 4 gates + 5 states, float64
    return MillionStepRun(steps, hidden_size, seconds, trace.nbytes / steps, peak / steps, raw)


def event_loop_gaps(app, make_window, long_session, quick: bool) -> dict[str, float]:
    """The longest event-loop gap (ms) in each long operation of the window.

    ``make_window(session)`` shows a main window; ``long_session(H, steps)`` builds a session.
    """
    from PySide6.QtCore import QTimer

    steps = 50_000 if quick else 200_000
    history = steps // 2
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))

    def largest_gap(action, until) -> float:
        ticks.clear()
        timer.start()
        app.processEvents()
        ticks.append(time.perf_counter())
        action()
        deadline = time.perf_counter() + 120.0
        while not until() and time.perf_counter() < deadline:
            app.processEvents()
        app.processEvents()
        timer.stop()
        ticks.append(time.perf_counter())
        return 1000.0 * float(np.max(np.diff(ticks)))

    session = long_session(3, steps)
    window = make_window(session)
    app.processEvents()
    gaps = {}
    gaps["go to the end"] = largest_gap(
        lambda: window.actions_by_name["action_end"].trigger(), lambda: session.t == session.length
    )
    session.seek(history)
    app.processEvents()
    gaps["weight edit at t = " + f"{history:,}"] = largest_gap(
        lambda: window.edits.set_weight("forget", "bias", (0,), 0.5), lambda: True
    )
    session.seek(history)
    window.player.set_max_speed(True)
    played_from = session.t
    gaps["play at full speed"] = largest_gap(
        window.player.play, lambda: session.t >= min(played_from + 20_000, session.length)
    )
    window.player.pause()
    window.undo_stack.setClean()
    window.close()
    return gaps


def window_event_loop_gaps(quick: bool) -> dict[str, float]:
    """:func:`event_loop_gaps` in this process's application, with the benchmark's windows."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from simulator.bench.gui import _long_session, _window
    from simulator.ui.app import application

    return event_loop_gaps(application(), _window, _long_session, quick)


__all__ = ["GAP_TARGET_MS", "MillionStepRun", "event_loop_gaps", "million_step_run", "window_event_loop_gaps"]
