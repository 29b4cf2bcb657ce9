"""Full-speed playback: steps per frame sized from the engine's cost and the rest of the frame's."""

from __future__ import annotations

import time

import numpy as np
import pytest

from simulator.session import Session
from simulator.ui.transport import (
    FRAME_BUDGET_S,
    MAX_CHUNK,
    MIN_STEPPING_S,
    MIN_STEPPING_SHARE,
    MIN_STEPS_PER_S,
    Player,
    plan_chunk,
)


def test_fast_views_leave_the_rest_of_the_budget_to_the_steps():
    assert plan_chunk(0.005, 1e-5) == pytest.approx((FRAME_BUDGET_S - 0.005) / 1e-5, abs=1)
    assert plan_chunk(0.0, 1e-9) == MAX_CHUNK  # replaying computed steps costs next to nothing


@pytest.mark.parametrize("fixed", [0.03, 0.06, 0.2, 1.0])
def test_views_slower_than_the_budget_do_not_shrink_the_steps_per_frame(fixed):
    per_step = 3e-6  # the engine at H = 3
    chunk = plan_chunk(fixed, per_step)
    stepping = max(MIN_STEPPING_S, MIN_STEPPING_SHARE * fixed)
    assert chunk == min(int(stepping / per_step), MAX_CHUNK)
    assert chunk / (fixed + per_step * chunk) >= MIN_STEPS_PER_S


def test_slow_steps_still_keep_a_thousand_steps_per_second():
    fixed, per_step = 0.5, 3e-4
    chunk = plan_chunk(fixed, per_step)
    assert chunk / (fixed + per_step * chunk) >= MIN_STEPS_PER_S * 0.999
    assert plan_chunk(0.01, 0.1) == 1  # one step alone takes longer than a frame
    assert plan_chunk(10.0, 1e-9) == MAX_CHUNK


def test_a_slow_view_does_not_collapse_full_speed_play(qtbot):
    session = Session()
    session.set_inputs(np.random.default_rng(0).uniform(-1, 1, (200_000, session.input_size)))
    player = Player(session)
    ticks: list[int] = []

    def slow_view() -> None:  # a view that costs 60 ms a frame, however many steps it shows
        ticks.append(session.t)
        time.sleep(0.06)

    session.trace_changed.connect(slow_view)
    player.set_max_speed(True)
    player.play()
    try:
        qtbot.waitUntil(lambda: len(ticks) >= 8, timeout=20_000)
    finally:
        player.pause()
    advanced = np.diff([0, *ticks])
    assert advanced[0] == 1  # the first tick only measures
    # From then on each tick advances many steps: the old halving rule fell to 1 step a tick.
    print("steps per tick:", advanced.tolist())
    assert advanced[3:].min() >= 300, advanced
    assert player.chunk >= 300
