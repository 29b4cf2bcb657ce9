"""Soak: 200 000 steps at full speed while a weight is edited all along, in the whole window.

Memory must stay within the trace's own size plus a fixed margin, nothing may be logged or raised,
the trace must be the engine's for the final weights, and the undo stack must hold every edit.
"""

from __future__ import annotations

import gc
import os
import time
import tracemalloc
from pathlib import Path

import numpy as np
from PySide6.QtCore import QTimer

from simulator.engine import run
from simulator.ui import MainWindow
from simulator.ui.transport import MAX_CHUNK

STEPS = 200_000
EDIT_EVERY_MS = 100
EDIT_SHARE = 1 / 2
MAX_STEPS_BETWEEN_EDITS = STEPS // 4
"""The edit rate, lowered from one every 100 ms: an edit recomputes steps 0..t, ~3 µs a step, but
10 to 40 µs under tracemalloc (measured on the project's machine: the more the window has drawn,
the slower tracemalloc's bookkeeping), so that back-to-back edits from start to end take over 70 s.
The timer looks every EDIT_EVERY_MS; an edit is due once play has run at least as long as the
last edit took (edits take at most EDIT_SHARE of the run), and at the latest after
MAX_STEPS_BETWEEN_EDITS steps. Early edits come every 100 ms; the last ones every few seconds."""
MARGIN_BYTES = 16 * 2**20
"""What the window may hold beyond the trace, whatever the history's length: the plots' min/max
bins (6 fields × 2 049 bins × H × 2 × 8 bytes, 0.6 MB at H = 3), the ≤ 2 × 4 096-point arrays
handed to 18 pyqtgraph curves and pyqtgraph's downsampled copies of them (~2 MB), a recovery
snapshot if one is being written (a copy of the inputs, 3.2 MB), the undo commands (under 1 kB
each), Qt and Python caches and the last frame's temporaries. None of it grows with the steps
played; 3 MB were measured on the project's machine."""


def test_full_speed_play_with_continuous_weight_edits(qtbot):
    win = MainWindow()
    qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
    win.show()
    qtbot.waitExposed(win)
    session = win.session
    inputs = np.random.default_rng(0).uniform(-1, 1, (STEPS, session.input_size))
    session.set_inputs(inputs)
    qtbot.wait(10)

    gc.collect()
    gc.freeze()  # what exists now is never collected: full collections during the run stay quick
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        edited_at: list[int] = [0]  # t at each edit (after a first entry)
        base = float(session.params.part("forget", "bias")[0])
        due = 0.0

        def edit() -> None:
            nonlocal due
            if time.perf_counter() < due and session.t - edited_at[-1] < MAX_STEPS_BETWEEN_EDITS:
                return
            edited_at.append(session.t)
            begun = time.perf_counter()
            win.edits.set_weight("forget", "bias", (0,), base + 0.001 * (len(edited_at) - 1))
            ended = time.perf_counter()
            due = ended + (ended - begun) * (1 / EDIT_SHARE - 1)

        timer = QTimer()
        timer.setInterval(EDIT_EVERY_MS)
        timer.timeout.connect(edit)
        start = time.perf_counter()
        with qtbot.captureExceptions() as exceptions:
            win.player.set_max_speed(True)
            win.player.play()
            timer.start()
            qtbot.waitUntil(lambda: session.t == STEPS, timeout=240_000)
            timer.stop()
            qtbot.waitUntil(lambda: not win.player.playing, timeout=5_000)
        elapsed = time.perf_counter() - start
        # Let the plots' coalesced update land before measuring.
        qtbot.waitUntil(lambda: win.plots.shown("hidden").stop == len(session.trace), timeout=5_000)
        gc.collect()
        growth = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        gc.unfreeze()

    trace = session.trace
    edited_at.pop(0)
    edits = len(edited_at)
    print(
        f"\nsoak: {STEPS} steps in {elapsed:.1f} s with {edits} edits (last at t = {edited_at[-1]}); "
        f"trace {trace.nbytes / 2**20:.1f} MB, memory growth {growth / 2**20:.1f} MB "
        f"(margin {(growth - trace.nbytes) / 2**20:+.1f} MB of {MARGIN_BYTES / 2**20:.0f}); "
        f"edits at t = {edited_at}"
    )
    assert exceptions == []
    log = Path(os.environ["LSTM_SIM_LOG"])
    assert not log.exists() or log.stat().st_size == 0
    # Edits all along the run: a tick may pass the mark by MAX_CHUNK before the timer looks.
    assert np.diff([0, *edited_at, STEPS]).max() <= MAX_STEPS_BETWEEN_EDITS + 2 * MAX_CHUNK
    assert growth <= trace.nbytes + MARGIN_BYTES

    assert len(trace) == STEPS
    reference = run(session.params, inputs, session.h0, session.c0)
    assert float(session.params.part("forget", "bias")[0]) == base + 0.001 * edits  # the final weights
    for row in (0, 1, 12_345, STEPS // 2, STEPS - 2, STEPS - 1):
        for field in ("forget_gate", "cell", "hidden"):
            np.testing.assert_allclose(
                getattr(trace, field)[row], getattr(reference, field)[row], rtol=1e-12, atol=1e-12
            )
    assert win.undo_stack.count() == edits
    assert win.undo_stack.command(edits - 1).text() == "Change forget bias weight [0]"
