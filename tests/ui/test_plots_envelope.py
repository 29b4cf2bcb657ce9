"""Min/max bins of long histories: kept up to date from the new rows, equal to binning from scratch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.ui.plots_envelope import Envelope, FieldHistory, bin_size_for, decimate


def reference_bins(values: np.ndarray, bin_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Each bin's min and max, one slice at a time."""
    starts = range(0, len(values), bin_size)
    lows = np.array([values[s : s + bin_size].min(axis=0) for s in starts])
    highs = np.array([values[s : s + bin_size].max(axis=0) for s in starts])
    return lows, highs


def test_bin_sizes_are_the_smallest_powers_of_two_that_fit():
    assert bin_size_for(10, 16) == 1
    assert bin_size_for(16, 16) == 1
    assert bin_size_for(17, 16) == 2
    assert bin_size_for(33, 16) == 4
    assert bin_size_for(100_000, 2048) == 64
    for steps in (2049, 5000, 123_457, 10**6):
        size = bin_size_for(steps, 2048)
        assert -(-steps // size) <= 2048 < -(-steps // (size // 2))


@settings(max_examples=150, deadline=None)
@given(
    growth=st.lists(st.integers(0, 300), min_size=1, max_size=15),
    max_bins=st.integers(2, 12),
    hidden=st.integers(1, 3),
    seed=st.integers(0, 2**16),
)
def test_an_envelope_grown_in_any_steps_equals_binning_from_scratch(growth, max_bins, hidden, seed):
    values = np.random.default_rng(seed).normal(size=(sum(growth), hidden))
    envelope = Envelope(max_bins)
    length = 0
    first_size = None
    for more in growth:
        length += more
        if length == 0:
            continue
        shown = envelope.update(values[:length])
        first_size = first_size or shown.bin_size
        size = shown.bin_size
        assert size & (size - 1) == 0 and size >= first_size
        assert size == max(first_size, bin_size_for(length, max_bins))  # doubled only when needed
        assert len(shown.lows) == -(-length // size) <= max_bins
        assert (shown.start, shown.stop) == (0, length)
        lows, highs = reference_bins(values[:length], size)
        np.testing.assert_array_equal(shown.lows, lows)
        np.testing.assert_array_equal(shown.highs, highs)


def test_an_envelope_reads_only_the_new_rows_and_the_partial_bin():
    values = np.random.default_rng(0).normal(size=(10_000, 2))
    envelope = Envelope(64)
    envelope.update(values[:9_000])
    size = envelope.bin_size
    assert size == 256
    read = []

    class Spy(np.ndarray):
        def __getitem__(self, key):
            read.append(key)
            return super().__getitem__(key)

    envelope.update(values[:9_010].view(Spy))
    # One slice: the last partial bin (8960..9000) and the 10 new rows.
    assert read == [slice(8960, 9010)]


def test_peaks_survive_binning():
    values = np.zeros((100_000, 2))
    values[31_415, 0] = 7.0  # a one-step spike
    values[77_777, 1] = -3.0
    shown = Envelope(2048).update(values)
    assert shown.highs[:, 0].max() == 7.0 and shown.lows[:, 1].min() == -3.0
    x, y = shown.curves()
    y = y[:, 0]
    assert len(x) <= 4096 and x[0] == 1 and x[-1] == 100_000
    spike = np.flatnonzero(y == 7.0)
    assert len(spike) == 1 and x[spike[0]] - shown.bin_size < 31_416 <= x[spike[0]]
    peaks = shown.peaks(0.0)
    assert peaks[:, 0].max() == 7.0 and peaks[:, 1].min() == -3.0
    assert shown.magnitude() == 7.0


def test_decimate_keeps_short_windows_exact():
    values = np.arange(20.0).reshape(10, 2)
    exact = decimate(values, 2, 7, 1)
    assert exact.exact and exact.lows is exact.highs
    np.testing.assert_array_equal(exact.lows, values[2:7])
    binned = decimate(values, 2, 7, 2)
    np.testing.assert_array_equal(binned.lows, [[4, 5], [8, 9], [12, 13]])
    np.testing.assert_array_equal(binned.highs, [[6, 7], [10, 11], [12, 13]])
    first, last = binned.bin_edges()
    np.testing.assert_array_equal(first, [3, 5, 7])
    np.testing.assert_array_equal(last, [4, 6, 7])


class TestFieldHistory:
    def test_short_histories_are_shown_as_they_are(self):
        values = np.random.default_rng(0).normal(size=(100, 3))
        history = FieldHistory(exact_steps=128, max_bins=32)
        history.set_values(values, grown=False)
        shown = history.shown()
        assert shown.exact and np.shares_memory(shown.lows, values)  # a view, not a copy
        np.testing.assert_array_equal(shown.lows, values)
        assert history.shown((10, 20)) is shown  # short: zooming changes nothing

    def test_long_histories_are_binned_and_zooming_in_shows_the_steps_in_view(self):
        values = np.random.default_rng(0).normal(size=(10_000, 3))
        history = FieldHistory(exact_steps=128, max_bins=32)
        history.set_values(values, grown=False)
        overview = history.shown()
        assert overview.bin_size == 512 and (overview.start, overview.stop) == (0, 10_000)
        assert history.shown((0, 10_000)) is overview and history.shown((-50, 6_000)) is overview
        detail = history.shown((5_000, 5_060))  # 60 steps in view: exact, with margins
        assert detail.exact and detail.start <= 5_000 and 5_060 <= detail.stop
        np.testing.assert_array_equal(detail.lows, values[detail.start : detail.stop])
        assert history.shown((5_010, 5_070)) is detail  # panned a little: nothing new
        wider = history.shown((2_000, 4_000))
        assert wider.bin_size == bin_size_for(wider.stop - wider.start, 32) > 1
        lows, _ = reference_bins(values[wider.start : wider.stop], wider.bin_size)
        np.testing.assert_array_equal(wider.lows, lows)

    def test_growth_keeps_what_it_can_and_edits_start_again(self):
        values = np.random.default_rng(0).normal(size=(10_000, 2))
        history = FieldHistory(exact_steps=128, max_bins=32)
        history.set_values(values[:8_000], grown=False)
        early = history.shown((100, 160))
        history.set_values(values[:8_500], grown=True)
        assert history.shown((100, 160)) is early  # its rows did not change
        late = history.shown((8_450, 8_490))
        assert late.stop == 8_500  # the margin reaches the last step
        history.set_values(values[:9_000], grown=True)
        late_again = history.shown((8_450, 8_490))
        assert late_again is not late and late_again.stop == 8_510  # now it fits in
        overview = history.shown()
        np.testing.assert_array_equal(overview.highs, reference_bins(values[:9_000], overview.bin_size)[1])
        edited = values[:9_000].copy()
        edited[50] = 99.0
        history.set_values(edited, grown=False)
        assert history.shown((100, 160)) is not early
        assert history.shown().highs.max() == 99.0

    @pytest.mark.parametrize("rows", [(0, 0), (20_000, 30_000), (-500, -100)])
    def test_views_outside_the_history_are_clamped(self, rows):
        values = np.random.default_rng(0).normal(size=(10_000, 2))
        history = FieldHistory(exact_steps=128, max_bins=32)
        history.set_values(values, grown=False)
        shown = history.shown(rows)
        assert 0 <= shown.start <= shown.stop <= 10_000
