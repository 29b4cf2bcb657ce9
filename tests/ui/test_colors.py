"""The colour maps as the views use them: looked up, within a level of the maps themselves."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from simulator.ui import colors


@pytest.mark.parametrize("kind", ["gate", "signed"])
def test_looked_up_colours_are_within_one_level_of_the_map(kind):
    values = np.linspace(-1.5, 1.5, 4001)
    low, high = colors.value_range(kind)
    exact = colors.colormap(kind).map(np.clip((values - low) / (high - low), 0, 1), mode=pg.ColorMap.BYTE)
    looked_up = colors.rgba(values, kind)
    assert looked_up.shape == (len(values), 4) and looked_up.dtype == np.uint8
    assert np.abs(looked_up.astype(int) - exact.astype(int)).max() <= 1


def test_out_of_range_and_not_finite_values_take_an_end_or_the_middle():
    ends = colors.rgba(np.array([-5.0, 5.0]), "signed")
    np.testing.assert_array_equal(colors.rgba(np.array([-np.inf, np.inf]), "signed"), ends)
    for kind in ("signed", "gate"):
        nan, zero = colors.rgba(np.array([np.nan]), kind), colors.rgba(np.array([0.0]), kind)
        np.testing.assert_array_equal(nan, zero)
    wide = colors.rgba(np.array([-2.0, 2.0]), "signed", limit=4.0)
    assert not np.array_equal(wide, ends)  # a wider limit: ±2 is no longer an end
