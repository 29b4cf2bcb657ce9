"""Playback and the time controls: a play timer, a speed box and the timeline slider."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QSpinBox, QWidget

from simulator.session import Session
from simulator.ui.steady_label import SteadyLabel

MIN_SPEED, MAX_SPEED = 1, 60
FRAME_BUDGET_S = 0.9 / 60
"""At full speed, the time one frame (a timer tick, the views' updates and the painting) aims to
take: a 60 Hz frame less a tenth, room for the frames that run long (the plots' 20 Hz updates, a
busy machine) so that the frames still keep up with the display; see :func:`plan_chunk`."""
MIN_STEPPING_S = 0.003
"""However slow the views, each frame at full speed spends at least this long computing steps."""
MIN_STEPPING_SHARE = 0.3
"""... and at least this share of the rest of the frame: however slow the views (or the edits made
while playing), play keeps a quarter of the engine's speed, and the frame rate drops by a quarter
at most."""
MIN_STEPS_PER_S = 1_000
"""Full speed never plays slower than this many steps per second (unless one step alone takes
longer than a millisecond)."""
MAX_CHUNK = 20_000
"""Full speed advances at most this many steps per frame."""


def plan_chunk(fixed_s: float, per_step_s: float) -> int:
    """Steps per frame at full speed, for a frame that takes ``fixed_s + per_step_s × steps``.

    ``fixed_s`` is what a frame costs whatever the number of steps (the views' updates, the
    painting); ``per_step_s`` what each step adds (the engine). The steps fill what the fixed
    cost leaves of :data:`FRAME_BUDGET_S`, but never less than :data:`MIN_STEPPING_S` or
    :data:`MIN_STEPPING_SHARE` × ``fixed_s`` of stepping, and never fewer than keep
    :data:`MIN_STEPS_PER_S`: views slower than the budget lower the frame rate, not the steps
    per frame.

    Returns
    -------
    int
        1 to :data:`MAX_CHUNK`.
    """
    fixed_s, per_step_s = max(float(fixed_s), 0.0), max(float(per_step_s), 1e-9)
    chunk = max(FRAME_BUDGET_S - fixed_s, MIN_STEPPING_S, MIN_STEPPING_SHARE * fixed_s) / per_step_s
    if MIN_STEPS_PER_S * per_step_s < 1:
        # steps / (fixed + per_step × steps) ≥ MIN_STEPS_PER_S
        chunk = max(chunk, MIN_STEPS_PER_S * fixed_s / (1 - MIN_STEPS_PER_S * per_step_s))
    return int(min(max(chunk, 1), MAX_CHUNK))


class Player(QObject):
    """Steps the session on a timer: ``speed`` steps per second, or as fast as possible.

    As fast as possible, each timer tick advances as many steps as fit in a frame's budget (the
    count adapts to the machine and the model), so long sequences play in seconds and the window
    keeps answering. Each tick times the engine (the new steps) apart from the rest of the frame
    (the views and the painting, measured from one tick to the next) and :func:`plan_chunk`
    picks the next tick's steps from the two. Stops by itself at the end of the input sequence.
    """

    playing_changed = Signal(bool)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._speed = 4
        self._max_speed = False
        self._chunk = 1
        self._fixed_s = 0.0  # a frame's cost apart from its steps (smoothed)
        self._last_tick: tuple[float, float] | None = None  # (start, time computing steps)
        self._apply_interval()

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    @property
    def speed(self) -> int:
        return self._speed

    @property
    def max_speed(self) -> bool:
        return self._max_speed

    @property
    def chunk(self) -> int:
        """The steps the next tick advances at full speed."""
        return self._chunk

    def set_speed(self, steps_per_second: int) -> None:
        self._speed = int(min(max(steps_per_second, MIN_SPEED), MAX_SPEED))
        self._apply_interval()

    def set_max_speed(self, on: bool) -> None:
        self._max_speed = bool(on)
        self._last_tick = None  # the next full-speed tick starts a new measurement
        self._apply_interval()

    def _apply_interval(self) -> None:
        self._timer.setInterval(0 if self._max_speed else round(1000 / self._speed))

    def play(self) -> None:
        if self.playing:
            return
        self._chunk = 1
        self._fixed_s, self._last_tick = 0.0, None
        if self._session.t >= self._session.length:
            self._session.reset()  # play from the start when at the end
        self._timer.start()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if not self.playing:
            return
        self._timer.stop()
        self.playing_changed.emit(False)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def _tick(self) -> None:
        session = self._session
        if session.t >= session.length:
            self.pause()
            return
        if not self._max_speed:
            session.step()
            return
        # As fast as possible: as many steps per frame as fit in FRAME_BUDGET_S, computed in one go
        # (the engine's fast path) and drawn once.
        start = time.perf_counter()
        if self._last_tick is not None:
            # Since the last tick began: its steps, then the views, the painting and other events.
            previous_start, previous_stepping = self._last_tick
            fixed = max(start - previous_start - previous_stepping, 0.0)
            self._fixed_s = fixed if self._fixed_s == 0.0 else 0.5 * (self._fixed_s + fixed)
        chunk = self._chunk
        session.precompute(session.t + chunk)
        stepping = time.perf_counter() - start
        self._last_tick = (start, stepping)
        session.seek(session.t + chunk)
        self._chunk = plan_chunk(self._fixed_s, stepping / chunk)


class TimeControls(QWidget):
    """The timeline slider (scrubs to any t), ``t / T`` and the speed box."""

    def __init__(self, session: Session, player: Player, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._player = player
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 0, 8, 0)

        self.timeline = QSlider(Qt.Orientation.Horizontal)
        self.timeline.setObjectName("timeline")
        self.timeline.setMinimumWidth(240)
        self.timeline.setToolTip("Timeline: drag to any step t (0 shows the initial state)")
        self.timeline.valueChanged.connect(session.seek)
        self.position = SteadyLabel(min_width=120)
        self.position.setObjectName("time_label")
        self.position.setToolTip("Current step t of T steps")

        self.speed = QSpinBox()
        self.speed.setObjectName("speed")
        self.speed.setRange(MIN_SPEED, MAX_SPEED)
        self.speed.setSuffix(" steps/s")
        self.speed.setValue(player.speed)
        self.speed.setToolTip("Playback speed in steps per second (1–60)")
        self.speed.valueChanged.connect(player.set_speed)

        layout.addWidget(QLabel("t"))
        layout.addWidget(self.timeline, 1)
        layout.addWidget(self.position)
        layout.addWidget(QLabel("Speed"))
        layout.addWidget(self.speed)

        session.trace_changed.connect(self.refresh)
        session.inputs_changed.connect(self.refresh)
        session.replaced.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        session = self._session
        with QSignalBlocker(self.timeline):
            self.timeline.setRange(0, session.length)
            self.timeline.setValue(session.t)
        label = f"t = {session.t} / {session.length}"
        if session.step_labels and session.t > 0:
            label += f"  “{session.step_labels[session.t - 1]}”"
        self.position.setText(label)
