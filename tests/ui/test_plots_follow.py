"""The plots' x range runs ahead of a fast-growing history and closes in when it stops."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine import LSTMParams
from simulator.io.presets import Preset
from simulator.session import Session
from simulator.ui.plots import FIELDS, SETTLE_MS, HistoryPlots
from simulator.ui.plots_follow import AHEAD_S, MARGIN_SHARE, RangeFollower

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def test_stepping_by_hand_keeps_a_small_margin():
    follower = RangeFollower()
    follower.observe(100, 0.0)
    follower.observe(101, 0.1)
    follower.observe(102, 0.2)
    assert not follower.growing
    assert follower.new_end(102, 101.0) == pytest.approx(102 + MARGIN_SHARE * 102)
    assert follower.new_end(102, 104.0) is None  # still inside the margin: nothing moves


def test_a_small_batch_soon_after_the_last_update_is_fast_growth_at_once():
    follower = RangeFollower()
    follower.observe(100_000, 0.0)
    follower.observe(102_000, 0.03)  # 2% of the history in a frame
    assert follower.rate == pytest.approx(2_000 / 0.03)
    follower.observe(103_000, 1.0)  # a while later: stepping, not playing
    assert not follower.growing


def test_a_single_jump_is_not_fast_growth():
    follower = RangeFollower()
    follower.observe(0, 0.0)
    follower.observe(5_000, 0.01)
    assert not follower.growing
    follower.observe(5_001, 0.02)
    assert not follower.growing


def test_fast_growth_runs_ahead_and_the_range_moves_seldom():
    follower = RangeFollower()
    follower.observe(7_000, 0.0)
    follower.observe(10_000, 0.03)
    follower.observe(13_000, 0.06)  # 100 000 steps/s
    assert follower.rate == pytest.approx(100_000)
    end = follower.new_end(13_000, 12_000.0)
    assert end == pytest.approx(13_000 + MARGIN_SHARE * 13_000 + 100_000 * AHEAD_S)
    moves, length, now = 0, 13_000, 0.06
    for _ in range(30):  # a second of frames
        length, now = length + 3_000, now + 0.03
        follower.observe(length, now)
        new = follower.new_end(length, end)
        if new is not None:
            moves, end = moves + 1, new
    assert 1 <= moves <= 5
    follower.settle()
    assert follower.new_end(length, end) == pytest.approx(length + MARGIN_SHARE * length)


@pytest.fixture
def long_session() -> Session:
    session = Session(None)
    params = LSTMParams.random(2, 3, seed=0)
    inputs = np.sin(np.arange(200_000)[:, None] * np.array([0.01, 0.02]))
    session.load_preset(Preset("long", "Long", "", params, inputs, np.zeros(3), np.zeros(3)))
    return session


def test_plots_follow_fast_play_ahead_then_close_in(qtbot, long_session):
    plots = HistoryPlots(long_session)
    qtbot.addWidget(plots)
    plot = plots.plot_item(FIELDS[0])
    long_session.seek(50_000)  # a far jump: the plots take it in over the next turns
    qtbot.waitUntil(lambda: plots.shown(FIELDS[0]) is not None and plots.shown(FIELDS[0]).stop == 50_000)
    for step in range(1, 4):  # three frames of fast play, as the player's batches come
        qtbot.wait(20)
        long_session.seek(50_000 + 2_000 * step)
        # the plots take each batch in within a 20 Hz frame
        qtbot.waitUntil(lambda step=step: plots.shown(FIELDS[0]).stop == 50_000 + 2_000 * step, timeout=500)
    length = 56_000
    end = plot.viewRange()[0][1]
    assert end > length + 1.1 * MARGIN_SHARE * length  # room ahead for the coming steps
    qtbot.waitUntil(lambda: plot.viewRange()[0][1] < end, timeout=SETTLE_MS * 5)
    assert plot.viewRange()[0][1] == pytest.approx(length + MARGIN_SHARE * length)
