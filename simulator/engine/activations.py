"""The cell's activations, safe for any input.

σ(x) = ½·tanh(x/2) + ½ is the logistic function written through tanh: it never
overflows (tanh saturates at ±1), so inputs up to ±1e300 and ±inf give 0 or 1
without a warning, and one tanh call serves all σ gates at once.
"""

from __future__ import annotations

import numpy as np


def sigmoid(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The logistic function σ(x) = 1 / (1 + e^{-x}), computed as ½·tanh(x/2) + ½."""
    out = np.multiply(x, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def tanh(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The hyperbolic tangent; saturates at ±1 for any input, ±inf included."""
    return np.tanh(x, out=out)


def hard_sigmoid(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Keras 2's (and ONNX's default) hard sigmoid: clip(0.2·x + 0.5, 0, 1)."""
    out = np.multiply(x, 0.2, out=out)
    out += 0.5
    return np.clip(out, 0.0, 1.0, out=out)


def hard_sigmoid_keras3(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Keras 3's (and PyTorch's) hard sigmoid: clip(x/6 + 0.5, 0, 1) = relu6(x + 3)/6."""
    out = np.divide(x, 6.0, out=out)
    out += 0.5
    return np.clip(out, 0.0, 1.0, out=out)


GATE_ACTIVATIONS = {
    "sigmoid": sigmoid,
    "hard_sigmoid": hard_sigmoid,
    "hard_sigmoid_keras3": hard_sigmoid_keras3,
}
"""The activations the σ gates (f, i, o) may use, by the name :class:`LSTMParams` stores."""
