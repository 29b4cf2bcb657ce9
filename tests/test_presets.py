"""The lesson presets do what their descriptions promise; bad sentence or readout keys are LoadErrors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from simulator.engine import run
from simulator.io import LoadError
from simulator.io.presets import load_preset, parse_preset, presets_dir
from simulator.training import sentence_preset
from simulator.training.sine_predictor import WARM_UP, last_value_rmse, one_step_rmse
from simulator.words import NEGATIVE_WORDS, NEGATORS, POSITIVE_WORDS, default_vocabulary

LESSONS = ("remember-a-word", "counter", "sentence", "sine-predictor")
SINE_RMSE_BOUND = 0.02
"""The sine predictor's one-step-ahead RMSE (after the warm-up) must stay below this."""


def preset_data(name: str) -> dict:
    """A shipped preset's JSON, parsed (a fresh copy each time)."""
    return json.loads((presets_dir() / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_has_a_title_and_a_one_line_description(name: str) -> None:
    preset = load_preset(name)
    assert preset.title and preset.description
    assert "\n" not in preset.description
    assert preset.step_labels == () or len(preset.step_labels) == len(preset.inputs)


# ----------------------------------------------------------------- remember a word
def test_remember_a_word_latches_the_value_through_the_distractors_and_erases() -> None:
    preset = load_preset("remember-a-word")
    value, write, erase = preset.inputs.T
    (write_at,) = np.flatnonzero(write == 1.0)
    (erase_at,) = np.flatnonzero(erase == 1.0)
    assert erase_at - write_at - 1 >= 20  # at least 20 distractors in between
    distractors = slice(write_at + 1, erase_at)
    assert np.ptp(value[distractors]) > 1.0  # and the value channel really is noisy there

    trace = run(preset.params, preset.inputs, preset.h0, preset.c0)
    cell = trace.cell[:, 0]
    stored = np.tanh(value[write_at])
    assert stored > 0.5
    np.testing.assert_allclose(cell[write_at:erase_at], stored, atol=1e-3)
    np.testing.assert_allclose(cell[erase_at:], 0.0, atol=1e-3)
    np.testing.assert_array_less(trace.input_gate[distractors, 0], 1e-4)
    np.testing.assert_array_less(1.0 - trace.forget_gate[distractors, 0], 1e-4)
    assert trace.forget_gate[erase_at, 0] < 1e-4
    assert trace.input_gate[write_at, 0] > 0.999


# ------------------------------------------------------------------------ counter
def test_counter_rises_by_a_constant_per_token_and_stays_flat_otherwise() -> None:
    preset = load_preset("counter")
    token = preset.inputs[:, 0] == 1.0
    assert 5 <= token.sum() < len(token) - 5
    trace = run(preset.params, preset.inputs, preset.h0, preset.c0)
    rise = np.diff(np.concatenate([preset.c0, trace.cell[:, 0]]))
    increment = rise[token].mean()
    assert increment == pytest.approx(1.0, abs=1e-3)
    np.testing.assert_allclose(rise[token], increment, atol=1e-3)
    np.testing.assert_allclose(rise[~token], 0.0, atol=1e-3)
    assert trace.cell[-1, 0] == pytest.approx(token.sum(), abs=1e-3)


# ----------------------------------------------------------------------- sentence
def cell_changes(preset, sentence: str) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Per word the largest change of any cell-state unit, the final cell state, and the labels."""
    inputs, labels = default_vocabulary().encode(sentence)
    trace = run(preset.params, inputs, preset.h0, preset.c0)
    states = np.vstack([preset.c0, trace.cell])
    return np.abs(np.diff(states, axis=0)).max(axis=1), trace.cell[-1], labels


def test_sentence_preset_encodes_its_sentence() -> None:
    preset = load_preset("sentence")
    assert preset.sentence == "the movie was not very good"
    assert preset.step_labels == ("the", "movie", "was", "not", "very", "good")
    assert preset.params.input_size == default_vocabulary().size


@pytest.mark.parametrize(
    ("sentence", "sentiment"),
    [
        ("the movie was not very good", -1),
        ("the food was not bad", +1),
        ("I loved this zebra book", +1),
        ("the plot was never really fun and the acting was boring", -2),
        ("a good film but the story was awful", 0),
    ],
)
def test_sentence_cell_changes_on_the_words_that_matter_only(sentence: str, sentiment: int) -> None:
    preset = load_preset("sentence")
    matters = set(POSITIVE_WORDS + NEGATIVE_WORDS + NEGATORS)
    change, final, labels = cell_changes(preset, sentence)
    for word, delta in zip(labels, change, strict=True):
        if word in matters:
            assert delta > 0.9, word
        else:
            assert delta < 1e-4, word
    assert final[0] - final[1] == pytest.approx(0.964 * sentiment, abs=0.01)
    assert abs(final[2]) < 1e-3  # no "not" left over


def test_sentence_preset_is_what_its_construction_script_builds() -> None:
    assert preset_data("sentence") == sentence_preset.preset_json()


# -------------------------------------------------------------------- sine predictor
def test_sine_predictor_predicts_the_next_value() -> None:
    preset = load_preset("sine-predictor")
    assert preset.readout is not None
    weights, bias = preset.readout
    assert weights.shape == (preset.params.hidden_size,) and isinstance(bias, float)
    assert preset.params.input_size == 1 and 4 <= preset.params.hidden_size <= 8
    assert len(preset.inputs) >= 50
    error = one_step_rmse(preset.params, preset.readout, preset.inputs)
    baseline = last_value_rmse(preset.inputs)
    assert error < SINE_RMSE_BOUND
    assert error < 0.1 * baseline
    # The same error computed here, independently of the training module's helper.
    y = run(preset.params, preset.inputs).hidden @ weights + bias
    x = preset.inputs[:, 0]
    assert np.sqrt(np.mean((y[WARM_UP:-1] - x[WARM_UP + 1 :]) ** 2)) == pytest.approx(error)


def test_presets_without_readout_have_none() -> None:
    assert load_preset("worked-example").readout is None
    assert load_preset("counter").readout is None


# ----------------------------------------------------------------- bad preset files
@pytest.mark.parametrize(
    ("readout", "message"),
    [
        ({"weights": [1.0, 2.0], "bias": 0.0}, r"readout weights: expected shape \(6,\)"),
        ({"weights": [[0.0] * 6], "bias": 0.0}, r"readout weights: expected shape \(6,\)"),
        ({"weights": [0.0] * 6, "bias": [0.0]}, "readout bias: expected a finite number"),
        ({"weights": [0.0] * 6, "bias": True}, "readout bias: expected a finite number"),
        ({"weights": [0.0] * 6}, "readout: expected"),
        ({"weights": [0.0] * 6, "bias": 0.0, "scale": 2}, "readout: expected"),
        ({"weights": ["a"] * 6, "bias": 0.0}, "readout weights: not a numeric array"),
        ({"weights": [None] * 6, "bias": 0.0}, "readout weights: contains NaN"),
        ([1, 2], "readout: expected"),
    ],
)
def test_bad_readout_is_a_load_error(readout: object, message: str) -> None:
    data = preset_data("sine-predictor")
    data["readout"] = readout
    with pytest.raises(LoadError, match=message):
        parse_preset(data, Path("bad.json"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sentence": 42}, "sentence: expected a string, got int"),
        ({"sentence": ["the", "movie"]}, "sentence: expected a string, got list"),
        ({"sentence": None}, "sentence: expected a string, got NoneType"),
        ({"sentence": "   "}, "sentence: empty"),
        ({"sentence": "?!"}, "holds no word"),
        ({"inputs": [[0.0] * 51]}, "either a sentence or inputs"),
        ({"step_labels": ["the"]}, "either a sentence or step_labels"),
    ],
)
def test_bad_sentence_is_a_load_error(change: dict, message: str) -> None:
    data = preset_data("sentence")
    data.update(change)
    with pytest.raises(LoadError, match=message):
        parse_preset(data, Path("bad.json"))


def test_sentence_with_weights_of_another_input_size_is_a_load_error() -> None:
    data = preset_data("counter")
    del data["inputs"], data["step_labels"]
    data["sentence"] = "the movie"
    with pytest.raises(LoadError, match="encodes words as D = 51 inputs, but the weights take D = 2"):
        parse_preset(data, Path("bad.json"))


def test_a_sentence_preset_loads_from_any_path(tmp_path: Path) -> None:
    data = preset_data("sentence")
    data["sentence"] = "Not bad, zebra!"
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    preset = load_preset(path)
    assert preset.step_labels == ("not", "bad", "<unk> (zebra)")
    assert preset.inputs.shape == (3, 51)
    assert preset.sentence == "Not bad, zebra!"
