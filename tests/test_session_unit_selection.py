"""Session.selected_unit: one unit of the hidden layer selected for every view, Qt-free."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine import LSTMParams
from simulator.io.presets import Preset
from simulator.session import Session


@pytest.fixture
def session() -> Session:
    return Session("worked-example")  # H = 3


@pytest.fixture
def announced(session: Session) -> list[int | None]:
    units: list[int | None] = []
    session.unit_selection_changed.connect(units.append)
    return units


def preset_of_size(hidden: int, name: str = "sized") -> Preset:
    params = LSTMParams.random(2, hidden, seed=hidden)
    return Preset(name, name.title(), "", params, np.zeros((4, 2)), np.zeros(hidden), np.zeros(hidden))


def test_no_unit_is_selected_at_first(session: Session) -> None:
    assert session.selected_unit is None


def test_selecting_a_unit_announces_it_once(session: Session, announced: list) -> None:
    session.select_unit(2)
    assert session.selected_unit == 2
    assert announced == [2]
    session.select_unit(2)  # no change, no signal
    assert announced == [2]
    session.select_unit(np.int64(0))  # NumPy integers (an argmax, say) are fine
    assert session.selected_unit == 0 and type(session.selected_unit) is int
    session.select_unit(None)
    session.select_unit(None)
    assert session.selected_unit is None
    assert announced == [2, 0, None]


@pytest.mark.parametrize("unit", [-1, 3, 100])
def test_a_unit_outside_the_layer_is_refused_with_the_range(
    session: Session, announced: list, unit: int
) -> None:
    session.select_unit(1)
    with pytest.raises(ValueError, match=r"unit .* outside 0\.\.2.*3 hidden units"):
        session.select_unit(unit)
    assert session.selected_unit == 1
    assert announced == [1]


@pytest.mark.parametrize("unit", [1.0, "1", True])
def test_a_unit_that_is_not_a_whole_number_is_refused(session: Session, unit: object) -> None:
    with pytest.raises(ValueError, match="whole number"):
        session.select_unit(unit)  # type: ignore[arg-type]
    assert session.selected_unit is None


def test_selecting_a_unit_leaves_the_part_and_time_alone(session: Session) -> None:
    session.seek(4)
    session.select("cell")
    fired: list[str] = []
    for name in ("selection_changed", "trace_changed", "replaced"):
        getattr(session, name).connect(lambda *_, name=name: fired.append(name))
    session.select_unit(1)
    assert fired == []
    assert (session.selected, session.t) == ("cell", 4)


def test_a_model_of_another_hidden_size_clears_the_unit(session: Session) -> None:
    session.select_unit(2)
    order: list[str] = []
    session.replaced.connect(lambda: order.append("replaced"))
    session.unit_selection_changed.connect(lambda unit: order.append(f"unit {unit}"))
    session.trace_changed.connect(lambda: order.append("trace"))
    session.load_preset(preset_of_size(8))
    assert session.selected_unit is None
    assert order == ["replaced", "unit None", "trace"]  # views rebuilt first, then told


def test_a_model_of_the_same_hidden_size_keeps_the_unit(session: Session, announced: list) -> None:
    session.select_unit(2)
    session.load_preset(preset_of_size(3))
    assert session.selected_unit == 2
    assert announced == [2]  # nothing changed, nothing announced


def test_a_larger_model_clears_the_unit_even_though_it_would_fit(session: Session) -> None:
    session.select_unit(1)
    session.load_preset(preset_of_size(8))
    assert session.selected_unit is None


def test_the_new_size_bounds_the_unit(session: Session) -> None:
    session.load_preset(preset_of_size(8))
    session.select_unit(7)
    assert session.selected_unit == 7
    with pytest.raises(ValueError, match=r"outside 0\.\.7"):
        session.select_unit(8)


def test_a_saved_lesson_keeps_its_unit(session: Session) -> None:
    session.select_unit(1)
    lesson = session.snapshot()
    assert lesson.view["selected_unit"] == 1
    other = Session(preset_of_size(8))
    other.select_unit(6)
    announced: list[int | None] = []
    other.unit_selection_changed.connect(announced.append)
    other.restore(lesson)
    assert other.selected_unit == 1
    assert announced == [1]


def test_a_lesson_without_a_unit_clears_another_sizes_unit(session: Session) -> None:
    lesson = Session(preset_of_size(8)).snapshot()
    assert "selected_unit" not in lesson.view
    session.select_unit(2)
    session.restore(lesson)
    assert session.selected_unit is None
