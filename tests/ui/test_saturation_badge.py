"""The "saturated" badge on a dense layer whose pre-activation exceeds ±30."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF

from simulator.engine import LSTMParams, step
from simulator.saturation import SATURATION_LIMIT, describe, saturated_units
from simulator.session import Session
from simulator.ui.diagram import DiagramView
from simulator.ui.diagram.saturation_badge import BADGE_COLOR


@pytest.fixture
def session() -> Session:
    return Session()


@pytest.fixture
def view(qtbot, session: Session) -> DiagramView:
    widget = DiagramView(session)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    return widget


def test_saturated_units_are_those_beyond_the_limit():
    params = LSTMParams.random(1, 3, seed=0)
    params = params.with_value("forget", "bias", (1,), 45.0).with_value("output", "bias", (2,), -31.0)
    result = step(params, [0.0])
    units = saturated_units(result)
    assert units["forget_gate"].tolist() == [1]
    assert units["output_gate"].tolist() == [2]
    assert units["input_gate"].tolist() == [] and units["candidate"].tolist() == []
    assert abs(result.forget_pre[1]) > SATURATION_LIMIT
    assert describe(result, "forget_gate", units["forget_gate"], "f_t").startswith(
        "Saturated (|z| > 30): f_t[1]: z = 45"
    )
    assert all(len(u) == 0 for u in saturated_units(None).values())


def test_the_badge_shows_on_the_saturated_layer_only(view: DiagramView, session: Session):
    badges = view.scene().saturation_badges
    assert set(badges) == {"forget_gate", "input_gate", "candidate", "output_gate"}
    session.set_weight("forget", "bias", (1,), 40.0)
    assert not badges["forget_gate"].isVisible()  # t = 0: nothing computed yet
    session.step()
    assert badges["forget_gate"].isVisible() and badges["forget_gate"].units == 1
    assert "f_t[1]" in badges["forget_gate"].toolTip()
    assert not any(badges[name].isVisible() for name in ("input_gate", "candidate", "output_gate"))
    session.set_weight("forget", "bias", (0,), -35.0)
    assert badges["forget_gate"].units == 2 and badges["forget_gate"].text == "saturated ×2"
    session.set_weight("forget", "bias", (1,), 0.0)
    session.set_weight("forget", "bias", (0,), 0.0)
    assert not badges["forget_gate"].isVisible()


def test_the_badge_is_painted_in_red(view: DiagramView, session: Session):
    session.set_weight("candidate", "bias", (0,), 60.0)
    session.step()
    badge = view.scene().saturation_badges["candidate"]
    image = view.render_image(1600, 1000)
    source = view.scene().sceneRect()
    scale = min(1600 / source.width(), 1000 / source.height())
    offset = QPointF((1600 - source.width() * scale) / 2, (1000 - source.height() * scale) / 2)
    rect: QRectF = badge.mapRectToScene(badge.boundingRect())
    # A point inside the pill but left of its text.
    probe = QPointF(rect.left() + rect.height() * 0.6, rect.center().y())
    x = int((probe.x() - source.left()) * scale + offset.x())
    y = int((probe.y() - source.top()) * scale + offset.y())
    color = image.pixelColor(x, y)
    assert abs(color.red() - BADGE_COLOR.red()) < 40 and color.green() < 90 and color.blue() < 90


def test_huge_weights_never_warn(session: Session):
    session.set_weight("input", "input", (0, 0), 1e6)
    session.set_inputs(np.full((5, session.input_size), 1e6))
    session.seek(5)
    assert np.all(np.isfinite(session.trace.hidden))
