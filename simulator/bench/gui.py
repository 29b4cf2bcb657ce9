"""Window figures: step, edit and playback latency, and time to the first painted window.

Everything is measured offscreen (``QT_QPA_PLATFORM=offscreen`` unless set),
where Qt paints into an offscreen buffer as it would into a window on a screen.
Step and edit latency run from the model call to the moment both the diagram
and the plots have painted (Qt repaints what changed, as on a screen); the
step is also timed with a forced repaint of the whole window. Steps are spaced
as a user's clicks are, so each one redraws the curves. Step latency and
playback are measured at the end of a 100 000-step history (quick runs too: the
point is that the views cost no more there than on a short one).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class GuiFigures:
    step_latency_ms: float
    """One step until the diagram and the plots have painted."""
    edit_latency_ms: dict[int, float]
    playback_fps: float
    """Frames (timer ticks, each drawn once) per second at full speed."""
    history_steps: int
    first_paint_s: float
    bare_first_paint_s: float
    step_views_ms: float = 0.0
    """One step and the views' updates, without the painting."""
    playback_steps_per_s: float = 0.0
    """Steps per second at full speed, computing new steps."""
    step_full_repaint_ms: float = 0.0
    """One step and a forced repaint of the whole window."""

    @property
    def first_paint_ratio(self) -> float:
        return self.first_paint_s / self.bare_first_paint_s


def _window(session):
    from simulator.ui.main_window import MainWindow
    from simulator.ui.settings import Settings

    folder = tempfile.mkdtemp(prefix="lstm-sim-bench-")
    window = MainWindow(session, Settings(str(Path(folder) / "bench.conf")), restore=False)
    window.resize(1600, 1000)
    window.show()
    return window


def _long_session(hidden_size: int, steps: int):
    from simulator.engine import LSTMParams
    from simulator.io.presets import Preset
    from simulator.session import Session

    inputs = np.sin(np.arange(steps)[:, None] * np.array([0.01, 0.023]))
    session = Session(None)
    session.load_preset(
        Preset(
            "bench",
            "Benchmark",
            "",
            LSTMParams.random(2, hidden_size, seed=0),
            inputs,
            np.zeros(hidden_size),
            np.zeros(hidden_size),
        )
    )
    return session


def _median_ms(samples: list[float]) -> float:
    return 1000.0 * statistics.median(samples)


def measure_window(quick: bool) -> GuiFigures:
    """Step, edit and playback figures in this process; first paint in subprocesses."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from simulator.ui.app import application

    app = application()
    history = 100_000
    session = _long_session(3, 3 * history)  # room to play on
    window = _window(session)
    session.seek(history)
    app.processEvents()

    painted = PaintWatch(app, window)
    samples, views, full = [], [], []
    for _ in range(10 if quick else 40):
        _idle(app, USER_STEP_S)
        painted.clear()
        start = time.perf_counter()
        session.step()
        views.append(time.perf_counter() - start)
        painted.wait()
        samples.append(time.perf_counter() - start)
        _idle(app, USER_STEP_S)
        start = time.perf_counter()
        session.step()
        window.repaint()
        app.processEvents()
        full.append(time.perf_counter() - start)
    step_latency, step_views, step_full = _median_ms(samples), _median_ms(views), _median_ms(full)
    painted.remove()  # an application-wide event filter would slow playback down

    ticks: list[int] = []

    def count() -> None:
        ticks.append(session.t)

    session.trace_changed.connect(count)
    first, start = session.t, time.perf_counter()
    window.player.set_max_speed(True)
    window.player.play()
    while window.player.playing and time.perf_counter() - start < 2.0:
        app.processEvents()
    window.player.pause()
    elapsed = time.perf_counter() - start
    session.trace_changed.disconnect(count)
    playback_fps = len(ticks) / elapsed
    playback_steps = (session.t - first) / elapsed
    window.undo_stack.setClean()
    window.close()

    edits = {}
    for hidden_size in (3, 16):
        session = _long_session(hidden_size, 1000)
        window = _window(session)
        session.seek(1000)
        app.processEvents()
        painted = PaintWatch(app, window)
        samples = []
        for k in range(8 if quick else 30):
            _idle(app, USER_STEP_S)
            painted.clear()
            start = time.perf_counter()
            window.edits.set_weight("forget", "bias", (0,), 0.01 * (k + 1), drag=True)
            painted.wait()
            samples.append(time.perf_counter() - start)
        edits[hidden_size] = _median_ms(samples)
        painted.remove()
        window.undo_stack.setClean()
        window.close()

    first_paint, bare = first_paint_seconds(quick)
    return GuiFigures(
        step_latency_ms=step_latency,
        edit_latency_ms=edits,
        playback_fps=playback_fps,
        history_steps=history,
        first_paint_s=first_paint,
        bare_first_paint_s=bare,
        step_views_ms=step_views,
        playback_steps_per_s=playback_steps,
        step_full_repaint_ms=step_full,
    )


USER_STEP_S = 0.06
"""Idle time before each timed step or edit: a user's clicks come no faster, and the plots
coalesce updates that come closer than ``MIN_UPDATE_MS``."""


def _idle(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)


class PaintWatch:
    """Waits until the diagram's and the plots' viewports have both painted."""

    def __init__(self, app, window) -> None:
        from PySide6.QtCore import QEvent, QObject

        self._app = app
        self._targets = {window.diagram.viewport(), window.plots.view_widget().viewport()}
        self._painted: set[object] = set()
        paint, targets, painted = QEvent.Type.Paint, self._targets, self._painted

        class Filter(QObject):
            def eventFilter(self, obj, event):
                if event.type() == paint and obj in targets:
                    painted.add(obj)
                return False

        self._filter = Filter()
        app.installEventFilter(self._filter)

    def clear(self) -> None:
        self._painted.clear()

    def wait(self, timeout_s: float = 5.0) -> None:
        end = time.perf_counter() + timeout_s
        while len(self._painted) < len(self._targets) and time.perf_counter() < end:
            self._app.processEvents()

    def remove(self) -> None:
        self._app.removeEventFilter(self._filter)


_FIRST_PAINT = """
import os, sys, time
start = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QEvent, QObject, QTimer
{imports}
app = QApplication.instance() or QApplication([])
window = {window}
class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(time.perf_counter() - start, flush=True)
            os._exit(0)
        return False
watcher = Painted()
app.installEventFilter(watcher)
window.show()
app.exec()
"""

_APP_IMPORTS = """
from PySide6.QtWidgets import QApplication
from simulator.ui.app import application
app = application()
from simulator.ui.main_window import MainWindow
"""
_BARE_IMPORTS = """
from PySide6.QtWidgets import QApplication, QMainWindow
import pyqtgraph as pg

def bare_window():
    window = QMainWindow()
    window.setCentralWidget(pg.PlotWidget())
    window.resize(1600, 1000)
    return window
"""


def first_paint_seconds(quick: bool) -> tuple[float, float]:
    """Median seconds from interpreter start to the first paint: the app's window, and a bare one
    (a QMainWindow holding one pyqtgraph plot), each in a fresh process."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "LSTM_SIM_SETTINGS": str(Path(tempfile.mkdtemp(prefix="lstm-sim-bench-")) / "s.conf"),
    }
    scripts = {
        "app": _FIRST_PAINT.format(imports=_APP_IMPORTS, window="MainWindow()"),
        "bare": _FIRST_PAINT.format(imports=_BARE_IMPORTS, window="bare_window()"),
    }
    results = {}
    for name, script in scripts.items():
        samples = []
        for _ in range(2 if quick else 5):
            try:
                done = subprocess.run(
                    [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
                )
                samples.append(float(done.stdout.split()[0]))
            except (IndexError, ValueError, subprocess.TimeoutExpired):
                raise OSError(f"the {name} window did not paint within 60 s") from None
        results[name] = statistics.median(samples)
    return results["app"], results["bare"]
