"""Input sequences from CSV or NPY files, and traces out to CSV or NPZ."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from simulator.engine import TRACE_FIELDS, Trace
from simulator.io.atomic import atomic_write
from simulator.io.bounded import npy_from_bytes
from simulator.io.errors import LoadError

INPUT_SUFFIXES = (".csv", ".npy")
TRACE_SUFFIXES = (".csv", ".npz")
MAX_INPUT_BYTES = 1 << 30


def read_inputs(path: str | Path) -> np.ndarray:
    """An input sequence of shape (T, D), one row per timestep, float64.

    CSV: comma-separated numbers, one row per step; a first row of column
    names is skipped. NPY: a 1-D (D = 1) or 2-D numeric array.

    Raises
    ------
    LoadError
        Missing file, unknown suffix, malformed content, wrong shape, NaN.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in INPUT_SUFFIXES:
        raise LoadError(path, f"unknown input format {suffix or '(none)'}; expected .csv or .npy")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(path, f"cannot read ({exc.strerror or exc})") from None
    if size > MAX_INPUT_BYTES:
        raise LoadError(path, f"file is {size} bytes, more than an input sequence may be")
    array = _read_csv(path) if suffix == ".csv" else _read_npy(path)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise LoadError(path, f"expected rows of numbers (T, D), got shape {array.shape}")
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise LoadError(path, "no input values")
    if np.isnan(array).any():
        row = int(np.argwhere(np.isnan(array))[0][0])
        raise LoadError(path, f"NaN at step {row + 1}")
    if np.isinf(array).any():
        row = int(np.argwhere(np.isinf(array))[0][0])
        raise LoadError(path, f"infinite value at step {row + 1}")
    return array


def _read_csv(path: Path) -> np.ndarray:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise LoadError(path, f"cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise LoadError(path, "not UTF-8 text") from None
    try:
        return _parse_csv(path, text)
    except csv.Error as exc:
        raise LoadError(path, f"not readable as CSV ({exc})") from None


def _parse_csv(path: Path, text: str) -> np.ndarray:
    rows: list[list[float]] = []
    for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        try:
            values = [float(c) for c in cells]
        except ValueError:
            if not rows and number == 1:
                continue  # a header row
            bad = next(c for c in cells if not _is_number(c))
            raise LoadError(path, f"line {number}: {bad!r} is not a number") from None
        if rows and len(values) != len(rows[0]):
            raise LoadError(path, f"line {number}: {len(values)} values, expected {len(rows[0])}")
        rows.append(values)
    if not rows:
        raise LoadError(path, "no rows of numbers")
    return np.array(rows, dtype=np.float64)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _read_npy(path: Path) -> np.ndarray:
    """The array of a ``.npy`` file; its header's shape is checked against the file's size first."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"cannot read ({exc.strerror or exc})") from None
    if data.startswith(b"PK\x03\x04"):
        raise LoadError(path, "expected one array, found an archive of several")
    try:
        array = npy_from_bytes(data)
    except ValueError as exc:
        raise LoadError(path, str(exc)) from None
    return array.astype(np.float64)


def trace_columns(trace: Trace) -> tuple[list[str], np.ndarray]:
    """Column names and a (T, columns) table of every field of every step, step numbers first."""
    names = ["step"]
    blocks = [np.arange(1, len(trace) + 1, dtype=np.float64)[:, None]]
    for field in TRACE_FIELDS:
        values = getattr(trace, field)
        names += [f"{field}[{k}]" for k in range(values.shape[1])]
        blocks.append(values)
    return names, np.hstack(blocks)


def write_trace(trace: Trace, path: str | Path) -> None:
    """Write a trace as CSV (one row per step) or NPZ (keys are the trace field names, plus h0, c0)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".npz":
        arrays = {k: np.ascontiguousarray(v) for k, v in trace.arrays().items()}
        atomic_write(path, lambda f: np.savez(f, **arrays))
    elif suffix == ".csv":
        names, table = trace_columns(trace)

        def write(handle) -> None:
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(names)
            for row in table:
                writer.writerow([repr(float(v)) for v in row])
            handle.write(text.getvalue().encode("utf-8"))

        atomic_write(path, write)
    else:
        raise ValueError(f"unknown trace format {suffix or '(none)'}; expected .csv or .npz")
