"""Long runs in slices: going far ahead computes in short slices from the event loop, with Cancel.

Edits deep into a long history use the same slices: the session recomputes at most
:data:`LONG_RUN_STEPS` steps at once (its ``replay_limit``), moves t back there and asks to be
taken back to where it was (``replay_requested``), which :meth:`LongRun.replay` does in slices.

A jump that needs more than :data:`LONG_RUN_STEPS` new steps (Go to End on a long input, a far
click on the timeline) does not compute them in one call, which would freeze the window for as
long: :class:`LongRun` computes them in slices of about :data:`SLICE_BUDGET_S` each, shows a
progress dialog (after a short delay, so quick runs never flash one) and moves ``t`` once all are
there. Cancel stops at the end of the current slice; ``t`` stays where it was and the steps
already computed are kept for the next jump.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from simulator.session import Session

LONG_RUN_STEPS = 2_000
"""Jumps that need more new steps than this are computed in slices."""
SLICE_BUDGET_S = 0.015
"""The time one slice aims to take, so the window keeps answering between slices."""
FIRST_SLICE = 2_000
MIN_SLICE = 100


class LongRun(QObject):
    """Seeks the session, computing what is missing in slices when it is a lot.

    Signals
    -------
    finished(bool)
        A sliced run ended: ``True`` when ``t`` reached its target, ``False`` when cancelled.
    """

    finished = Signal(bool)

    def __init__(
        self, session: Session, parent: QWidget, playing: Callable[[], bool] = lambda: False
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._playing = playing
        self._parent = parent
        self._target: int | None = None
        self._slice = FIRST_SLICE
        self._start = 0
        self.dialog: QProgressDialog | None = None
        session.replay_limit = LONG_RUN_STEPS
        session.replay_requested.connect(self.replay)

    @property
    def running(self) -> bool:
        return self._target is not None

    def seek(self, t: int) -> None:
        """Go to step ``t``: at once when few steps are missing, else in slices (see the module)."""
        session = self._session
        t = int(min(max(t, 0), session.length))
        if self.running:
            self._target = t if t > len(session.trace) else self._target
            if t <= len(session.trace):
                session.seek(t)
            return
        if t - len(session.trace) <= LONG_RUN_STEPS:
            session.seek(t)
            return
        self._target, self._start = t, len(session.trace)
        dialog = self.dialog = QProgressDialog(
            f"Computing steps {self._start + 1:,} to {t:,}…", "Cancel", 0, t - self._start, self._parent
        )
        dialog.setMaximum(max(t - self._start, 1))
        dialog.setObjectName("long_run_progress")
        dialog.setWindowTitle("Long run")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self._cancel)
        # Start small (the machine may be busier than during the last run), and on a timer rather
        # than a posted call, so that the window paints what it has before the first slice.
        self._slice = max(MIN_SLICE, self._slice // 2)
        QTimer.singleShot(1, self._next_slice)

    def replay(self, t: int) -> None:
        """Go back to step ``t`` after an edit recomputed only part of the history (see
        ``Session.replay_requested``); while a run is going, it carries on to the later of the two."""
        if self.running:
            self._target = max(self._target, int(t))
        elif self._playing():  # during play there is no dialog: the next frame simply comes later
            self._session.seek(t)
        else:
            self.seek(t)

    def cancel(self) -> None:
        """Stop after the current slice; ``t`` does not move."""
        if self.running:
            self._cancel()

    def _next_slice(self) -> None:
        if self._target is None:
            return
        if self.dialog is not None and (not shiboken6.isValid(self.dialog) or self.dialog.wasCanceled()):
            self._cancel()
            return
        session = self._session
        began = time.perf_counter()
        session.precompute(min(len(session.trace) + self._slice, self._target))
        elapsed = time.perf_counter() - began
        if self._target is None:  # cancelled while computing
            return
        # Aim the next slice at the budget, changing by at most a factor of two at a time.
        scale = SLICE_BUDGET_S / elapsed if elapsed > 0 else 2.0
        self._slice = max(MIN_SLICE, int(self._slice * min(max(scale, 0.5), 2.0)))
        done = len(session.trace)
        if session.t >= self._target:  # something else (playback) got there first
            self._end()
            self.finished.emit(True)
            return
        if self.dialog is not None:
            self.dialog.setValue(min(max(done - self._start, 0), self.dialog.maximum()))
        if done >= self._target:
            target = self._target
            self._end()
            session.seek(target)
            self.finished.emit(True)
        else:
            QTimer.singleShot(0, self._next_slice)

    def _cancel(self) -> None:
        self._end()
        self.finished.emit(False)

    def _end(self) -> None:
        self._target = None
        dialog, self.dialog = self.dialog, None
        if dialog is not None and shiboken6.isValid(dialog):  # the window may have taken it already
            dialog.canceled.disconnect(self._cancel)
            dialog.close()
            dialog.deleteLater()


__all__ = ["LONG_RUN_STEPS", "SLICE_BUDGET_S", "LongRun"]
