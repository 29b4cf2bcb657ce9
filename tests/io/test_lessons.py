"""Saved lessons: exact round trips, atomic writes, and clean refusals of bad files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulator.io.errors import LoadError
from simulator.io.lessons import LESSON_VERSION, load_lesson, save_lesson
from simulator.session import Session


@pytest.fixture
def edited_session() -> Session:
    session = Session("sentence")
    session.seek(4)
    session.set_weight("input", "recurrent", (1, 2), 0.1 + 0.2)  # a float with a long repr
    session.set_initial_state("c0", 0, -1.0 / 3.0)
    session.select("cell")
    return session


def test_round_trip_is_exact(edited_session, tmp_path):
    path = save_lesson(edited_session.snapshot({"theme": "dark"}), tmp_path / "lesson")
    assert path.name == "lesson.lstm.json"
    restored = Session(None)
    restored.restore(load_lesson(path))
    assert restored.params == edited_session.params
    assert np.array_equal(restored.inputs, edited_session.inputs)
    assert np.array_equal(restored.c0, edited_session.c0) and restored.c0[0] == -1.0 / 3.0
    assert restored.t == 4 and restored.step_labels == edited_session.step_labels
    assert restored.selected == "cell"
    assert restored.preset_name == "sentence" and restored.description == edited_session.description
    for field in ("hidden", "cell", "forget_gate"):
        assert np.array_equal(getattr(restored.trace, field)[:4], getattr(edited_session.trace, field)[:4])
    assert load_lesson(path).view["theme"] == "dark"


def test_every_truncation_is_refused_cleanly(edited_session, tmp_path):
    good = save_lesson(edited_session.snapshot(), tmp_path / "good.lstm.json").read_bytes()
    bad = tmp_path / "bad.lstm.json"
    for cut in range(0, len(good) - 1, max(1, len(good) // 200)):
        bad.write_bytes(good[:cut])
        with pytest.raises(LoadError) as info:
            load_lesson(bad)
        assert str(info.value).startswith("bad.lstm.json: ")
        assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda d: d.update(version=LESSON_VERSION + 1), "newer version"),
        (lambda d: d.update(format="something-else"), "not an LSTM Gate Simulator lesson"),
        (lambda d: d["weights"]["forget"].update(bias=[1.0]), "forget gate bias: expected shape"),
        (lambda d: d.update(t=999), "t: expected a whole number"),
        (lambda d: d.update(inputs=[]), "inputs"),
        (lambda d: d.update(step_labels=[1, 2]), "step_labels"),
        (lambda d: d.update(view={"theme": [1]}), "view"),
        (lambda d: d.pop("weights"), "missing 'weights'"),
    ],
)
def test_malformed_lessons_name_the_problem(change, needle, edited_session, tmp_path):
    data = edited_session.snapshot().to_json()
    change(data)
    path = tmp_path / "odd.lstm.json"
    path.write_text(json.dumps(data))
    with pytest.raises(LoadError, match=needle):
        load_lesson(path)


def test_nan_in_a_lesson_is_refused(edited_session, tmp_path):
    text = json.dumps(edited_session.snapshot().to_json()).replace("0.30000000000000004", "NaN", 1)
    path = tmp_path / "nan.lstm.json"
    path.write_text(text)
    with pytest.raises(LoadError, match="NaN"):
        load_lesson(path)


def test_failed_save_leaves_the_previous_file(edited_session, tmp_path, monkeypatch):
    path = save_lesson(edited_session.snapshot(), tmp_path / "keep.lstm.json")
    before = path.read_bytes()
    edited_session.set_weight("forget", "bias", (0,), 5.0)

    def broken_dumps(*args, **kwargs):
        raise OSError("disk full")

    import simulator.io.atomic as atomic

    monkeypatch.setattr(atomic.os, "fsync", broken_dumps)
    with pytest.raises(OSError):
        save_lesson(edited_session.snapshot(), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.lstm.json"]
