"""The step number beside the time cursor: its text, its side, its height, and that it is drawn."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage

from simulator.session import Session
from simulator.ui.plots import HistoryPlots
from simulator.ui.plots_cursor import HEIGHT_SHARE, CursorLabel

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def plots(qtbot) -> HistoryPlots:
    widget = HistoryPlots(Session())
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def label_of(plots: HistoryPlots) -> CursorLabel:
    (label,) = [item for item in plots.plot_item("forget_gate").items if isinstance(item, CursorLabel)]
    return label


def reddish_pixels(plots: HistoryPlots, label: CursorLabel) -> int:
    """Pixels of the cursor's red inside the label's patch, as the window shows it."""
    plots.grab()  # lay out first
    image = plots.view_widget().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    view = plots.view_widget()
    # drawn in device pixels: the item's own transform to the view, not its scene rect
    rect = label.deviceTransform(view.viewportTransform()).mapRect(label.boundingRect()).toRect()
    count = 0
    for x in range(max(rect.left(), 0), min(rect.right(), image.width() - 1)):
        for y in range(max(rect.top(), 0), min(rect.bottom(), image.height() - 1)):
            color = image.pixelColor(x, y)
            count += color.red() > 150 and color.green() < 90 and color.blue() < 90
    return count


def test_the_label_writes_the_step_and_sits_high_beside_the_cursor(plots):
    session = plots._session
    label = label_of(plots)
    for _ in range(3):
        session.step()
    assert label.text == "t = 3"
    _, (y0, y1) = plots.plot_item("forget_gate").viewRange()
    assert label.pos().x() == 3 and label.pos().y() == pytest.approx(y0 + HEIGHT_SHARE * (y1 - y0))
    assert label.on_left  # the last step is in the right half: the label goes left of it
    assert reddish_pixels(plots, label) > 10


def test_the_label_changes_side_with_the_room_and_follows_a_zoom(plots):
    session = plots._session
    label = label_of(plots)
    session.seek(10)
    session.seek(2)
    plot = plots.plot_item("forget_gate")
    plot.setXRange(0, 10, padding=0)
    assert label.text == "t = 2" and not label.on_left
    right = label.boundingRect()
    plot.setXRange(-10, 4, padding=0)  # now t = 2 is in the right half
    assert label.on_left and label.boundingRect().right() < 0 < right.left()
    plot.setYRange(0, 2, padding=0)
    assert label.pos().y() == pytest.approx(HEIGHT_SHARE * 2)
    assert np.isfinite(label.pos().x()) and label.pos().x() == 2
