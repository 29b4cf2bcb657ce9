"""One item draws every unit's curve: bounds for auto-range, and the pixels it paints."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPen
from PySide6.QtWidgets import QGraphicsItem

from simulator.ui.plots_curves import (
    DASH_PIXELS,
    LINE_ROWS_PER_COLUMN,
    WIDE_PEN_POINTS,
    UnitCurve,
    UnitCurves,
)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

RED, BLUE = QColor(255, 0, 0), QColor(0, 0, 255)


def pen(color: QColor, width: float = 1.0, dashed: bool = False) -> QPen:
    made = QPen(color)
    made.setWidthF(width)
    if dashed:
        made.setStyle(Qt.PenStyle.DashLine)
    return made


@pytest.fixture
def canvas(qtbot):
    """A white plot, 400 × 200 pixels, whose view shows x 0..100 and y 0..1."""
    widget = pg.PlotWidget(background="w")
    qtbot.addWidget(widget)
    widget.resize(400, 200)
    widget.hideAxis("left")
    widget.hideAxis("bottom")
    widget.setXRange(0, 100, padding=0)
    widget.setYRange(0, 1, padding=0)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def add_curves(canvas: pg.PlotWidget, x: np.ndarray, y: np.ndarray, pens: list[QPen]) -> UnitCurves:
    curves = UnitCurves(y.shape[1])
    canvas.addItem(curves)
    curves.set_pens(pens)
    curves.set_data(x, y)
    canvas.setXRange(float(x[0]), float(x[-1]), padding=0)
    canvas.setYRange(0, 1, padding=0)
    return curves


def shot(canvas: pg.PlotWidget) -> QImage:
    canvas.grab()  # lays out before the real grab
    return canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def pixel(canvas: pg.PlotWidget, image: QImage, x: float, y: float) -> tuple[int, int]:
    """The image pixel where the plot shows data point (x, y)."""
    point = canvas.mapFromScene(canvas.getPlotItem().vb.mapViewToScene(QPointF(x, y)))
    return point.x(), point.y()


def column_hits(image: QImage, column: int, color: QColor) -> list[int]:
    return [row for row in range(image.height()) if image.pixelColor(column, row) == color]


def count(image: QImage, color: QColor) -> int:
    return sum(
        image.pixelColor(col, row) == color
        for col in range(0, image.width(), 2)
        for row in range(image.height())
    )


# ----------------------------------------------------------------- bounds
def test_bounds_cover_the_visible_units_finite_data_and_the_rows_in_an_x_range():
    curves = UnitCurves(2)
    x = np.arange(1.0, 6.0)
    y = np.array([[0.1, 5.0], [0.2, np.nan], [0.3, -4.0], [np.inf, 1.0], [0.5, 2.0]])
    curves.set_data(x, y)
    assert curves.dataBounds(0) == (1.0, 5.0)
    assert curves.dataBounds(1) == (-4.0, 5.0)
    assert curves.dataBounds(1, orthoRange=(2.0, 3.0)) == (-4.0, 0.3)
    UnitCurve(curves, 1, "unit 1").setVisible(False)
    assert curves.dataBounds(1) == (0.1, 0.5)
    UnitCurve(curves, 0, "unit 0").setVisible(False)
    assert curves.dataBounds(0) == (None, None) and curves.dataBounds(1) == (None, None)


def test_data_of_the_wrong_shape_is_refused():
    curves = UnitCurves(3)
    with pytest.raises(ValueError, match=r"shape \(4, 3\)"):
        curves.set_data(np.arange(4.0), np.zeros((4, 2)))


def test_a_unit_curve_shows_its_column_and_the_legend_its_pen_and_dot():
    curves = UnitCurves(2)
    curves.set_pens([pen(RED, 1.5), pen(BLUE)])
    curves.set_data(np.arange(1.0, 4.0), np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]))
    curve = UnitCurve(curves, 1, "unit 1")
    np.testing.assert_array_equal(curve.yData, [1.0, 3.0, 5.0])
    np.testing.assert_array_equal(curve.getData()[0], [1.0, 2.0, 3.0])
    assert curve.opts["pen"].color() == BLUE and curve.opts["symbol"] is None
    curves.set_dotted(True)
    assert curve.opts["symbol"] == "o"


# ----------------------------------------------------------------- pixels
def test_a_one_step_spike_in_a_long_history_is_drawn(canvas):
    x = np.arange(1.0, 100_001.0)
    y = np.full((len(x), 1), 0.2)
    y[50_000, 0] = 0.9
    add_curves(canvas, x, y, [pen(RED)])
    image = shot(canvas)
    col, top = pixel(canvas, image, 50_001, 0.9)
    _, base = pixel(canvas, image, 50_001, 0.2)
    hits = column_hits(image, col, RED)
    assert min(hits) <= top + 1 and max(hits) >= base - 1  # the column spans the spike
    far, _ = pixel(canvas, image, 20_000, 0.2)
    assert len(column_hits(image, far, RED)) <= 2  # elsewhere a flat line


@pytest.mark.parametrize("rows_per_pixel", [1.5, 3, LINE_ROWS_PER_COLUMN + 0.5, 8])
def test_a_one_step_spike_is_drawn_as_a_line_or_as_columns(canvas, rows_per_pixel):
    x = np.arange(1.0, 400 * rows_per_pixel + 1)
    y = np.full((len(x), 1), 0.2)
    spike = len(x) // 2
    y[spike, 0] = 0.9
    add_curves(canvas, x, y, [pen(RED)])
    image = shot(canvas)
    col, top = pixel(canvas, image, x[spike], 0.9)
    _, base = pixel(canvas, image, x[spike], 0.2)
    hits = [row for c in (col - 1, col, col + 1) for row in column_hits(image, c, RED)]
    assert min(hits) <= top + 1 and max(hits) >= base - 1  # up to the spike and back
    far, _ = pixel(canvas, image, x[len(x) // 5], 0.2)
    assert len(column_hits(image, far, RED)) <= 2  # elsewhere a flat line


def test_columns_join_a_jump_between_them(canvas):
    x = np.arange(1.0, 10_001.0)
    y = np.where(x <= 5_000, 0.1, 0.8)[:, None]
    add_curves(canvas, x, y, [pen(RED)])
    image = shot(canvas)
    _, low = pixel(canvas, image, 5_000, 0.1)
    _, high = pixel(canvas, image, 5_000, 0.8)
    rows = set()
    for col in range(image.width()):
        rows.update(column_hits(image, col, RED))
    assert set(range(high + 1, low - 1)) <= rows  # no gap on the way up


def test_wide_pens_while_few_points_one_pixel_beyond(canvas):
    few = np.arange(1.0, 51.0)
    curves = add_curves(canvas, few, np.full((len(few), 1), 0.5), [pen(RED, 4.0)])
    image = shot(canvas)
    col, _ = pixel(canvas, image, 25, 0.5)
    assert len(column_hits(image, col, RED)) >= 4
    many = np.arange(1.0, WIDE_PEN_POINTS + 2.0)
    curves.set_data(many, np.full((len(many), 1), 0.5))
    canvas.setXRange(1, len(many), padding=0)
    image = shot(canvas)
    col, _ = pixel(canvas, image, len(many) / 2, 0.5)
    assert len(column_hits(image, col, RED)) <= 2  # a 1 px line (a half-pixel step may take two rows)
    curves.set_pens([pen(RED, 4.0)], on_top=0)  # the selected unit stays wide
    image = shot(canvas)
    assert len(column_hits(image, col, RED)) >= 4


def test_the_unit_on_top_is_drawn_last(canvas):
    x = np.arange(1.0, 101.0)
    curves = add_curves(canvas, x, np.full((len(x), 2), 0.5), [pen(RED, 3.0), pen(BLUE, 3.0)])
    image = shot(canvas)
    col, row = pixel(canvas, image, 50, 0.5)
    assert image.pixelColor(col, row) == BLUE
    curves.set_pens([pen(RED, 3.0), pen(BLUE, 3.0)], on_top=0)
    assert curves.order == (1, 0)
    assert shot(canvas).pixelColor(col, row) == RED


def test_a_hidden_unit_and_non_finite_values_are_not_drawn(canvas):
    x = np.arange(1.0, 101.0)
    y = np.column_stack([np.full(len(x), 0.3), np.full(len(x), 0.7)])
    y[40:60, 0] = np.nan
    curves = add_curves(canvas, x, y, [pen(RED), pen(BLUE)])
    image = shot(canvas)
    gap, _ = pixel(canvas, image, 50, 0.3)
    kept, _ = pixel(canvas, image, 20, 0.3)
    assert column_hits(image, gap, RED) == [] and column_hits(image, kept, RED)
    blue = UnitCurve(curves, 1, "unit 1")
    assert blue.isVisible()
    blue.setVisible(False)
    assert not blue.isVisible()
    assert count(shot(canvas), BLUE) == 0


def test_a_dashed_unit_stays_dashed_when_drawn_as_columns(canvas):
    x = np.arange(1.0, 10_001.0)
    add_curves(canvas, x, np.full((len(x), 1), 0.5), [pen(BLUE, dashed=True)])
    image = shot(canvas)
    _, row = pixel(canvas, image, 5_000, 0.5)
    drawn = [image.pixelColor(col, row) == BLUE for col in range(20, 380)]
    period = sum(DASH_PIXELS)
    assert 0.5 < sum(drawn) / len(drawn) < 0.8  # 4 of every 6 columns
    assert any(drawn[k : k + period] == [False] * DASH_PIXELS[1] + [True] * 4 for k in range(period))


# ----------------------------------------------------------------- growing: partial repaints
def growing_canvas(qtbot, x_end: float = 100.0) -> pg.PlotWidget:
    """A 400 × 200 white plot of x 0..``x_end``, y 0..1."""
    widget = pg.PlotWidget(background="w")
    qtbot.addWidget(widget)
    widget.resize(400, 200)
    widget.hideAxis("left")
    widget.hideAxis("bottom")
    widget.setXRange(0, x_end, padding=0)
    widget.setYRange(0, 1, padding=0)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def curves_in(widget: pg.PlotWidget, hidden_size: int, pens: list[QPen]) -> UnitCurves:
    curves = UnitCurves(hidden_size)
    widget.addItem(curves)
    curves.set_pens(pens)
    return curves


def drawn_afresh(qtbot, pens: list[QPen], x: np.ndarray, y: np.ndarray, x_end: float = 100.0) -> QImage:
    """What a new plot of ``x_end`` shows of (x, y)."""
    fresh = growing_canvas(qtbot, x_end)
    curves_in(fresh, y.shape[1], pens).set_data(x, y)
    return shot(fresh)


def wavy(rows: int) -> np.ndarray:
    """Two units of a long, busy history on x 0.01 .. rows / 100 (many rows per pixel)."""
    k = np.arange(rows)
    return np.column_stack([0.5 + 0.4 * np.sin(k / 37.0), 0.5 + 0.3 * np.cos(k / 91.0) * np.sin(k / 7.0)])


class PaintSpy:
    """Records the exposed rect (item coordinates) of every paint of a UnitCurves."""

    def __init__(self, curves: UnitCurves) -> None:
        self.exposed: list[tuple[float, float]] = []
        paint = curves.paint

        def spy(painter, option, *rest):
            self.exposed.append((option.exposedRect.left(), option.exposedRect.right()))
            return paint(painter, option, *rest)

        curves.paint = spy


@pytest.mark.parametrize("dashed", [False, True])
def test_a_grown_history_repaints_only_its_new_end_and_looks_as_if_drawn_afresh(qtbot, dashed):
    pens = [pen(RED), pen(BLUE, dashed=dashed)]
    y = wavy(9_000)
    x = np.arange(1.0, len(y) + 1) / 100
    grown = growing_canvas(qtbot)
    curves = curves_in(grown, 2, pens)
    curves.set_data(x[:8_000], y[:8_000])
    shot(grown)
    curves.set_data(x[:8_001], y[:8_001])  # growing: from now on cached, this first time in full
    shot(grown)
    rect = curves.boundingRect()
    spy = PaintSpy(curves)
    for end in (8_002, 8_003, 8_050, 8_300):  # a step at a time, then a few at once
        curves.set_data(x[:end], y[:end])
        image = shot(grown)
    assert curves.boundingRect() == rect  # room was kept for the growth
    assert spy.exposed and all(left > 75 for left, _ in spy.exposed)  # x 80 is at pixel 320 of 400
    assert image == drawn_afresh(qtbot, pens, x[:8_300], y[:8_300])


def test_growth_out_of_the_kept_room_repaints_the_whole_curve(qtbot):
    y = wavy(9_000)
    x = np.arange(1.0, len(y) + 1) / 100
    grown = growing_canvas(qtbot)
    curves = curves_in(grown, 2, [pen(RED), pen(BLUE)])
    curves.set_data(x[:5_000], y[:5_000])
    shot(grown)
    y_out = y.copy()
    y_out[5_000:, 0] = 0.97  # higher than anything before: outside the bounding rect
    curves.set_data(x[:9_000], y_out[:9_000])  # and far past the room kept on the right
    image = shot(grown)
    assert curves.boundingRect().right() >= x[8_999] and curves.boundingRect().bottom() >= 0.97
    assert image == drawn_afresh(qtbot, [pen(RED), pen(BLUE)], x, y_out)


def wavy_plot(qtbot) -> tuple[pg.PlotWidget, UnitCurves, np.ndarray, np.ndarray]:
    """A plot of x 0..40 showing 4 000 rows of :func:`wavy` in red and blue, painted once."""
    y = wavy(4_000)
    x = np.arange(1.0, len(y) + 1) / 100
    widget = growing_canvas(qtbot, x_end=40.0)
    curves = curves_in(widget, 2, [pen(RED), pen(BLUE)])
    curves.set_data(x, y)
    return widget, curves, x, y


def test_a_growing_history_is_cached_and_a_rewritten_one_drawn_straight_into_the_view(qtbot):
    """A cache pays while the data grows (only its new end is drawn); a history drawn anew in
    full is drawn faster straight into the view than into a translucent cache and copied."""
    widget, curves, x, y = wavy_plot(qtbot)
    cached = QGraphicsItem.CacheMode.DeviceCoordinateCache
    assert curves.cacheMode() != cached
    curves.set_data(x[:3_000], y[:3_000])  # cut back: drawn anew
    assert curves.cacheMode() != cached
    shot(widget)
    curves.set_data(x[:3_001], y[:3_001])
    assert curves.cacheMode() == cached
    curves.set_data(x[:3_001], 1.0 - y[:3_001])  # every row changed
    assert curves.cacheMode() != cached
    assert shot(widget) == drawn_afresh(qtbot, [pen(RED), pen(BLUE)], x[:3_001], 1.0 - y[:3_001], 40.0)


def test_rows_rewritten_in_place_are_redrawn(qtbot):
    """The arrays handed over are kept, not copied: what was drawn is compared with a copy."""
    widget, curves, x, y = wavy_plot(qtbot)
    before = shot(widget)
    y[:] = 1.0 - y  # the same array object, new values
    curves.set_data(x, y)
    after = shot(widget)
    assert after != before
    assert after == drawn_afresh(qtbot, [pen(RED), pen(BLUE)], x, y.copy(), x_end=40.0)


def test_the_same_data_again_repaints_nothing(qtbot):
    widget, curves, x, y = wavy_plot(qtbot)
    shot(widget)
    asked = []
    curves.update = lambda *args: asked.append(args)
    curves.prepareGeometryChange = lambda: asked.append("geometry")
    curves.set_data(x.copy(), y.copy())
    assert asked == []
    curves.set_data(x[:-1], y[:-1])
    assert asked  # a change is asked for
