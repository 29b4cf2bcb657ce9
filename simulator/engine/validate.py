"""Checks on vectors and sequences handed to the engine; each failure is one clear ValueError."""

from __future__ import annotations

import numpy as np


def _as_array(value: object, what: str, dtype: np.dtype) -> np.ndarray:
    # An infinite input would give inf - inf or 0·inf = NaN in the products, silently:
    # refuse it here (and a number beyond float32's range, which the cast makes infinite).
    try:
        with np.errstate(over="ignore"):
            array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what}: not a numeric array ({exc})") from None
    if np.isnan(array).any():
        raise ValueError(f"{what}: contains NaN")
    if np.isinf(array).any():
        raise ValueError(f"{what}: contains an infinite value (or one beyond the range of {dtype})")
    return array


def as_vector(value: object, size: int, what: str, dtype: np.dtype) -> np.ndarray:
    """``value`` as a 1-D array of ``size`` finite numbers."""
    array = _as_array(value, what, dtype)
    if array.shape != (size,):
        raise ValueError(f"{what}: expected shape ({size},), got {array.shape}")
    return array


def as_state(value: object | None, size: int, what: str, dtype: np.dtype) -> np.ndarray:
    """An initial or previous state: zeros when ``None``, else a finite vector of ``size``."""
    if value is None:
        return np.zeros(size, dtype=dtype)
    return as_vector(value, size, what, dtype)


def as_sequence(value: object, input_size: int, what: str, dtype: np.dtype) -> np.ndarray:
    """An input sequence of shape (T, D), all finite; a 1-D array is taken as T steps of D = 1."""
    array = _as_array(value, what, dtype)
    if array.ndim == 1 and input_size == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[1] != input_size:
        raise ValueError(f"{what}: expected shape (T, {input_size}), got {array.shape}")
    return array
