"""Presets: readable JSON files in ``resources/presets/``, one lesson's weights, inputs and initial state.

A preset file holds ``title``, ``description``, ``weights`` as
``{gate: {"input": W, "recurrent": U, "bias": b}}``, ``inputs`` (T rows of D
numbers) and optionally ``h0``, ``c0`` and ``step_labels`` (one label per row
of ``inputs``).

Instead of ``inputs`` a preset may hold a ``sentence``: its inputs and step
labels are then the one-hot encoding of its words by
:func:`simulator.words.default_vocabulary` (so D is the vocabulary size). An
optional ``readout`` ``{"weights": [H numbers], "bias": number}`` is a linear
output y_t = w·h_t + c read from the hidden state (e.g. a prediction).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from simulator.engine import LSTMParams
from simulator.engine.validate import as_sequence, as_state, as_vector
from simulator.io.errors import LoadError
from simulator.io.resources import resource_path
from simulator.words import default_vocabulary

PRESET_SUFFIX = ".json"
MAX_PRESET_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Preset:
    """A lesson's starting point: weights, an input sequence and the initial state."""

    name: str
    title: str
    description: str
    params: LSTMParams
    inputs: np.ndarray
    h0: np.ndarray
    c0: np.ndarray
    step_labels: tuple[str, ...] = field(default=())
    readout: tuple[np.ndarray, float] | None = None
    """The linear readout y_t = w·h_t + c as ``(w (H,), c)``, or None."""
    sentence: str | None = None
    """The sentence the inputs encode, when the preset was given one."""


def presets_dir() -> Path:
    return resource_path("presets")


def preset_names() -> list[str]:
    """Names of the shipped presets, sorted."""
    folder = presets_dir()
    if not folder.is_dir():
        return []
    return sorted(p.name[: -len(PRESET_SUFFIX)] for p in folder.glob(f"*{PRESET_SUFFIX}"))


def load_preset(name_or_path: str | Path) -> Preset:
    """A shipped preset by name, or a preset file by path.

    Raises
    ------
    LoadError
        If there is no such preset or the file is malformed.
    """
    candidate = Path(name_or_path)
    if candidate.suffix == PRESET_SUFFIX and candidate.is_file():
        path = candidate
    else:
        path = presets_dir() / f"{name_or_path}{PRESET_SUFFIX}"
        if not path.is_file():
            known = ", ".join(preset_names()) or "none"
            raise LoadError(None, f"unknown preset {str(name_or_path)!r} (known: {known})")
    return parse_preset(_read_json(path), path)


def _read_json(path: Path) -> object:
    try:
        size = path.stat().st_size
        if size > MAX_PRESET_BYTES:
            raise LoadError(path, f"file is {size} bytes, more than a preset may be")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LoadError(path, f"cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise LoadError(path, "not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(path, f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise LoadError(path, "JSON nested too deeply") from None


def parse_preset(data: object, path: Path) -> Preset:
    """Build a :class:`Preset` from parsed JSON; every problem is a :class:`LoadError`."""
    if not isinstance(data, dict):
        raise LoadError(path, "expected a JSON object at the top")
    try:
        weights = data["weights"]
        if not isinstance(weights, dict):
            raise ValueError("weights: expected an object of gates")
        params = LSTMParams.from_gates(weights)
        sentence, inputs, labels = _inputs_and_labels(data, params.input_size)
        inputs = as_sequence(inputs, params.input_size, "inputs", params.dtype)
        if inputs.shape[0] == 0:
            raise ValueError("inputs: the sequence is empty")
        if np.isinf(inputs).any():
            raise ValueError("inputs: contains an infinite value")
        h0 = as_state(data.get("h0"), params.hidden_size, "h0", params.dtype)
        c0 = as_state(data.get("c0"), params.hidden_size, "c0", params.dtype)
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise ValueError("step_labels: expected a list of strings")
        if labels and len(labels) != inputs.shape[0]:
            raise ValueError(f"step_labels: {len(labels)} labels for {inputs.shape[0]} steps")
        title = data.get("title", path.stem)
        description = data.get("description", "")
        if not isinstance(title, str) or not isinstance(description, str):
            raise ValueError("title and description must be strings")
        readout = _readout(data.get("readout"), params.hidden_size)
    except KeyError as exc:
        raise LoadError(path, f"missing {exc.args[0]!r}") from None
    except (ValueError, TypeError, OverflowError) as exc:  # OverflowError: an integer beyond any float
        raise LoadError(path, str(exc)) from None
    return Preset(
        name=path.name[: -len(PRESET_SUFFIX)] if path.name.endswith(PRESET_SUFFIX) else path.stem,
        title=title,
        description=description,
        params=params,
        inputs=inputs,
        h0=h0,
        c0=c0,
        step_labels=tuple(labels),
        readout=readout,
        sentence=sentence,
    )


def _inputs_and_labels(data: dict, input_size: int) -> tuple[str | None, object, object]:
    """``(sentence, inputs, step_labels)``: as given, or encoded from the preset's sentence."""
    if "sentence" not in data:
        return None, data.get("inputs", []), data.get("step_labels", [])
    sentence = data["sentence"]
    if not isinstance(sentence, str):
        raise ValueError(f"sentence: expected a string, got {type(sentence).__name__}")
    for key in ("inputs", "step_labels"):
        if key in data:
            raise ValueError(f"give either a sentence or {key}, not both (the sentence makes the {key})")
    inputs, labels = default_vocabulary().encode(sentence)
    if inputs.shape[1] != input_size:
        raise ValueError(
            f"sentence: the built-in vocabulary encodes words as D = {inputs.shape[1]} inputs, "
            f"but the weights take D = {input_size}"
        )
    return sentence, inputs, list(labels)


def _readout(value: object, hidden_size: int) -> tuple[np.ndarray, float] | None:
    """The validated readout ``(w, c)``; None when the preset has none."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"weights", "bias"}:
        raise ValueError('readout: expected {"weights": [H numbers], "bias": number}')
    bias = value["bias"]
    if isinstance(bias, bool) or not isinstance(bias, (int, float)) or not np.isfinite(bias):
        raise ValueError(f"readout bias: expected a finite number, got {bias!r}")
    weights = as_vector(value["weights"], hidden_size, "readout weights", np.dtype(np.float64))
    weights.flags.writeable = False
    return weights, float(bias)
