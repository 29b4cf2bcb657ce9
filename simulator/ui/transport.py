"""Playback and the time controls: a play timer, a speed box and the timeline slider."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QSpinBox, QWidget

from simulator.session import Session

MIN_SPEED, MAX_SPEED = 1, 60
FRAME_BUDGET_S = 0.025
"""At full speed, the time one timer tick aims to spend computing steps and updating the views:
the steps per tick double while a tick takes less, and halve when it takes twice as long."""
MAX_CHUNK = 20_000


class Player(QObject):
    """Steps the session on a timer: ``speed`` steps per second, or as fast as possible.

    As fast as possible, each timer tick advances as many steps as fit in a frame's budget (the
    count adapts to the machine and the model), so long sequences play in seconds and the window
    keeps answering. Stops by itself at the end of the input sequence.
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

    def set_speed(self, steps_per_second: int) -> None:
        self._speed = int(min(max(steps_per_second, MIN_SPEED), MAX_SPEED))
        self._apply_interval()

    def set_max_speed(self, on: bool) -> None:
        self._max_speed = bool(on)
        self._apply_interval()

    def _apply_interval(self) -> None:
        self._timer.setInterval(0 if self._max_speed else round(1000 / self._speed))

    def play(self) -> None:
        if self.playing:
            return
        self._chunk = 1
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
        session.seek(session.t + self._chunk)
        elapsed = time.perf_counter() - start
        if elapsed < FRAME_BUDGET_S:
            self._chunk = min(2 * self._chunk, MAX_CHUNK)
        elif elapsed > 2 * FRAME_BUDGET_S:
            self._chunk = max(self._chunk // 2, 1)


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
        self.position = QLabel()
        self.position.setObjectName("time_label")
        self.position.setMinimumWidth(120)
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
