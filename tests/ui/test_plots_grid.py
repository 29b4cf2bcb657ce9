"""The plots' grid: drawn as filled one-pixel strips, where pyqtgraph strokes translucent lines."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage

from simulator.session import Session
from simulator.ui.plots import FIELDS, HistoryPlots
from simulator.ui.plots_grid import GridAxis

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def pixels(widget) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGBA8888)
    rows = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes()).reshape(image.height(), -1)
    return rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4).copy()


def grid_plot(qtbot, axis: type[pg.AxisItem]) -> pg.PlotWidget:
    widget = pg.PlotWidget(axisItems={"left": axis("left"), "bottom": axis("bottom")})
    qtbot.addWidget(widget)
    widget.setBackground("w")
    widget.resize(400, 300)
    widget.showGrid(x=True, y=True, alpha=0.15)
    widget.setRange(xRange=(0, 10), yRange=(-1, 1), padding=0)
    return widget


def test_the_grid_looks_as_pyqtgraph_draws_it(qtbot):
    ours, theirs = pixels(grid_plot(qtbot, GridAxis)), pixels(grid_plot(qtbot, pg.AxisItem))
    assert ours.shape == theirs.shape
    differ = np.any(ours != theirs, axis=2)
    assert np.count_nonzero(theirs[..., :3] < 255) > 1000  # there is a grid to compare
    assert np.count_nonzero(differ) <= 0.005 * differ.size  # at most a line's end pixel apart


def test_an_export_at_another_scale_redraws_the_grid_for_it(qtbot):
    widget = grid_plot(qtbot, GridAxis)
    axis = widget.getPlotItem().getAxis("left")
    pixels(widget)
    assert axis._pixel == (1.0, 1.0)
    image = QImage(800, 600, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = pg.QtGui.QPainter(image)
    painter.scale(2.0, 2.0)
    widget.render(painter)
    painter.end()
    px, py = axis._pixel
    assert px < 1 and py < 1  # one device pixel is less than an item unit now


def test_every_history_plot_draws_its_grid_that_way(qtbot):
    plots = HistoryPlots(Session())
    qtbot.addWidget(plots)
    for field in FIELDS:
        for side in ("left", "bottom"):
            assert isinstance(plots.plot_item(field).getAxis(side), GridAxis)
