"""Saved lessons: the whole state of a session in a versioned JSON file (``*.lstm.json``).

Floats are written with Python's shortest round-trip representation, so a
lesson saved and loaded again is bit for bit the same. Writes are atomic.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from simulator.engine import LSTMParams
from simulator.engine.validate import as_sequence, as_state
from simulator.io.atomic import atomic_write
from simulator.io.errors import LoadError

LESSON_SUFFIX = ".lstm.json"
LESSON_FORMAT = "lstm-sim-lesson"
LESSON_VERSION = 1
MAX_LESSON_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Lesson:
    """Everything needed to put a lesson back on screen exactly as it was."""

    params: LSTMParams
    inputs: np.ndarray
    h0: np.ndarray
    c0: np.ndarray
    t: int = 0
    step_labels: tuple[str, ...] = ()
    preset_name: str = ""
    title: str = ""
    description: str = ""
    view: dict[str, object] = field(default_factory=dict)
    """Display settings (theme, selected part, …): strings, numbers and booleans only."""

    def to_json(self) -> dict[str, object]:
        return {
            "format": LESSON_FORMAT,
            "version": LESSON_VERSION,
            "preset": self.preset_name,
            "title": self.title,
            "description": self.description,
            "input_size": self.params.input_size,
            "hidden_size": self.params.hidden_size,
            "weights": self.params.to_gates(),
            "h0": self.h0.tolist(),
            "c0": self.c0.tolist(),
            "inputs": self.inputs.tolist(),
            "step_labels": list(self.step_labels),
            "t": self.t,
            "view": dict(self.view),
        }


def save_lesson(lesson: Lesson, path: str | Path) -> Path:
    """Write ``lesson`` to ``path`` atomically (the suffix ``.lstm.json`` is added if missing)."""
    path = Path(path)
    if not path.name.endswith(LESSON_SUFFIX):
        path = path.with_name(path.name.removesuffix(".json") + LESSON_SUFFIX)
    text = json.dumps(lesson.to_json(), indent=1, allow_nan=False)
    atomic_write(path, lambda handle: handle.write(text.encode("utf-8")))
    return path


def load_lesson(path: str | Path) -> Lesson:
    """Read a lesson file.

    Raises
    ------
    LoadError
        If the file is missing, not a lesson, from a newer version, truncated or malformed.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_LESSON_BYTES:
            raise LoadError(path, f"file is {size} bytes, more than a lesson may be")
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"cannot read ({exc.strerror or exc})") from None
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise LoadError(path, "not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise LoadError(path, f"not valid JSON, perhaps truncated (line {exc.lineno}: {exc.msg})") from None
    except (RecursionError, ValueError) as exc:
        raise LoadError(path, f"not a valid lesson ({exc})") from None
    return parse_lesson(data, path)


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number a lesson may hold")


def parse_lesson(data: object, path: Path) -> Lesson:
    """Check and convert parsed JSON into a :class:`Lesson`; every problem is a :class:`LoadError`."""
    if not isinstance(data, dict) or data.get("format") != LESSON_FORMAT:
        raise LoadError(path, "not an LSTM Gate Simulator lesson")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise LoadError(path, "the lesson has no version number")
    if version > LESSON_VERSION:
        raise LoadError(path, f"made by a newer version of the app (lesson version {version}; "
                              f"this app reads up to {LESSON_VERSION})")
    try:
        params = LSTMParams.from_gates(_mapping(data, "weights"))
        inputs = as_sequence(data["inputs"], params.input_size, "inputs", params.dtype)
        if inputs.shape[0] == 0:
            raise ValueError("inputs: the sequence is empty")
        h0 = as_state(data.get("h0"), params.hidden_size, "h0", params.dtype)
        c0 = as_state(data.get("c0"), params.hidden_size, "c0", params.dtype)
        t = data.get("t", 0)
        if not isinstance(t, int) or isinstance(t, bool) or not 0 <= t <= inputs.shape[0]:
            raise ValueError(f"t: expected a whole number from 0 to {inputs.shape[0]}, got {t!r}")
        labels = data.get("step_labels", [])
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise ValueError("step_labels: expected a list of strings")
        if labels and len(labels) != inputs.shape[0]:
            raise ValueError(f"step_labels: {len(labels)} labels for {inputs.shape[0]} steps")
        view = data.get("view", {})
        if not isinstance(view, dict) or not all(
            isinstance(k, str) and isinstance(v, (str, int, float, bool)) for k, v in view.items()
        ):
            raise ValueError("view: expected an object of plain settings")
        if any(isinstance(v, float) and not math.isfinite(v) for v in view.values()):
            raise ValueError("view: numbers must be finite")
        preset, title = data.get("preset", ""), data.get("title", "")
        description = data.get("description", "")
        if not all(isinstance(v, str) for v in (preset, title, description)):
            raise ValueError("preset, title and description must be strings")
    except KeyError as exc:
        raise LoadError(path, f"missing {exc.args[0]!r}") from None
    except (ValueError, TypeError, OverflowError) as exc:  # OverflowError: an integer beyond any float
        raise LoadError(path, str(exc)) from None
    return Lesson(params, inputs, h0, c0, t, tuple(labels), preset, title, description, view)


def _mapping(data: dict, key: str) -> dict:
    value = data[key]
    if not isinstance(value, dict):
        raise ValueError(f"{key}: expected an object")
    return value
