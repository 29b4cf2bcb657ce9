"""Train a small LSTM to predict the next value of a sine wave; write it as a preset.

Run ``python -m simulator.training.sine_predictor --out resources/presets/sine-predictor.json``.

The model is the cell (D = 1, H = 6) with a linear readout y_t = w·h_t + c
that predicts x_{t+1} from everything seen up to x_t. Training data are sine
waves x_t = sin(2π t / PERIOD + φ) with a random phase φ; the loss is the mean
squared error of the one-step-ahead prediction after a warm-up of
``WARM_UP`` steps (the cell needs a few samples to tell where on the wave it
is). Gradients come from :func:`simulator.engine.backward.backward` (BPTT),
updates from Adam. Everything is seeded, so a run reproduces the committed
preset; it takes about half a minute on two cores.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from simulator.engine import GATES, LSTMParams, run
from simulator.engine.backward import backward
from simulator.training.preset_file import write_preset

PERIOD = 20.0
"""Steps per cycle of the sine wave."""

LENGTH = 60
"""Steps in a training sequence and in the preset's input sequence."""

WARM_UP = 5
"""Steps at the start of a sequence left out of the loss (and of the preset's error)."""

HIDDEN_SIZE = 6
DECIMALS = 4
"""Weights are rounded to this many decimals in the preset."""


def sine(phase: float, length: int = LENGTH) -> np.ndarray:
    """x_t = sin(2π t / PERIOD + phase) for t = 0 … length − 1, shape (length, 1)."""
    t = np.arange(length)
    return np.sin(2.0 * np.pi * t / PERIOD + phase)[:, None]


def predictions(params: LSTMParams, readout: tuple[np.ndarray, float], inputs: np.ndarray) -> np.ndarray:
    """y_t = w·h_t + c for every step of ``inputs`` (T, 1), from a zero initial state."""
    weights, bias = readout
    return run(params, inputs).hidden @ weights + bias


def one_step_rmse(params: LSTMParams, readout: tuple[np.ndarray, float], inputs: np.ndarray) -> float:
    """RMSE of y_t against x_{t+1} over t ≥ WARM_UP (steps counted from 0)."""
    y = predictions(params, readout, inputs)[WARM_UP:-1]
    return float(np.sqrt(np.mean((y - inputs[WARM_UP + 1 :, 0]) ** 2)))


def last_value_rmse(inputs: np.ndarray) -> float:
    """RMSE of the naive prediction x_{t+1} ≈ x_t over the same steps as :func:`one_step_rmse`."""
    x = inputs[:, 0]
    return float(np.sqrt(np.mean((x[WARM_UP:-1] - x[WARM_UP + 1 :]) ** 2)))


class _Packing:
    """All trainable numbers as one flat vector: W, U, b (stacked gates), readout w, readout c."""

    def __init__(self, input_size: int, hidden_size: int) -> None:
        D, H = input_size, hidden_size
        self.shapes = [(4 * H, D), (4 * H, H), (4 * H,), (H,), ()]
        self.sizes = [int(np.prod(s)) for s in self.shapes]
        self.hidden_size = H

    def unpack(self, theta: np.ndarray) -> tuple[LSTMParams, tuple[np.ndarray, float]]:
        W, U, b, w, c = (
            part.reshape(shape)
            for part, shape in zip(np.split(theta, np.cumsum(self.sizes)[:-1]), self.shapes, strict=True)
        )
        H = self.hidden_size
        gates = {
            g: (W[k * H : (k + 1) * H], U[k * H : (k + 1) * H], b[k * H : (k + 1) * H])
            for k, g in enumerate(GATES)
        }
        return LSTMParams(**gates), (w, float(c))

    @staticmethod
    def pack(*parts: np.ndarray | float) -> np.ndarray:
        return np.concatenate([np.ravel(p) for p in parts])


def loss_and_gradient(
    theta: np.ndarray, packing: _Packing, batch: list[np.ndarray]
) -> tuple[float, np.ndarray]:
    """Mean squared one-step-ahead error over a batch of sequences, and its gradient in θ."""
    params, (w, c) = packing.unpack(theta)
    count = len(batch) * (LENGTH - 1 - WARM_UP)
    total, grad = 0.0, np.zeros_like(theta)
    for inputs in batch:
        trace = run(params, inputs)
        error = np.zeros(LENGTH)
        error[WARM_UP:-1] = trace.hidden[WARM_UP:-1] @ w + c - inputs[WARM_UP + 1 :, 0]
        total += float(error @ error) / count
        d_y = 2.0 * error / count  # ∂L/∂y_t
        grads = backward(params, trace, np.outer(d_y, w))  # ∂L/∂h_t = ∂L/∂y_t · w
        grad += packing.pack(*grads.weights.stacked, trace.hidden.T @ d_y, d_y.sum())
    return total, grad


def train(
    seed: int = 0, iterations: int = 1500, batch_size: int = 8, learning_rate: float = 0.02
) -> tuple[LSTMParams, tuple[np.ndarray, float]]:
    """Train with Adam (β = 0.9, 0.999) and a learning rate decaying tenfold; returns weights and readout."""
    rng = np.random.default_rng(seed)
    packing = _Packing(1, HIDDEN_SIZE)
    init = LSTMParams.random(1, HIDDEN_SIZE, seed=seed, scale=0.5)
    W, U, b = (a.copy() for a in init.stacked)
    b[:HIDDEN_SIZE] += 1.0  # forget gate open at the start: the usual remedy for early forgetting
    theta = packing.pack(W, U, b, rng.uniform(-0.5, 0.5, HIDDEN_SIZE), 0.0)
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    beta1, beta2 = 0.9, 0.999
    for k in range(1, iterations + 1):
        batch = [sine(phase) for phase in rng.uniform(0.0, 2.0 * np.pi, batch_size)]
        _, grad = loss_and_gradient(theta, packing, batch)
        m = beta1 * m + (1.0 - beta1) * grad
        v = beta2 * v + (1.0 - beta2) * grad**2
        rate = learning_rate * 0.1 ** (k / iterations)
        theta -= rate * (m / (1.0 - beta1**k)) / (np.sqrt(v / (1.0 - beta2**k)) + 1e-8)
    return packing.unpack(theta)


def preset_json(params: LSTMParams, readout: tuple[np.ndarray, float], inputs: np.ndarray) -> dict:
    """The preset file's content, weights rounded to :data:`DECIMALS` decimals."""

    def rounded(value: object) -> object:
        return np.round(np.asarray(value, dtype=float), DECIMALS).tolist()

    weights = {
        gate: {part: rounded(v) for part, v in parts.items()} for gate, parts in params.to_gates().items()
    }
    return {
        "format": "lstm-sim-preset",
        "version": 1,
        "title": "Sine predictor (trained)",
        "description": (
            f"A trained cell (H = {params.hidden_size}) reads a sine wave one sample at a time; "
            "the readout y_t = w·h_t + c predicts the next one. Watch the hidden units fall into "
            "a repeating pattern with the wave's period within a few steps."
        ),
        "input_size": params.input_size,
        "hidden_size": params.hidden_size,
        "weights": weights,
        "readout": {"weights": rounded(readout[0]), "bias": round(float(readout[1]), DECIMALS)},
        "h0": [0.0] * params.hidden_size,
        "c0": [0.0] * params.hidden_size,
        "inputs": np.round(inputs, DECIMALS).tolist(),
    }


def main(argv: list[str] | None = None) -> int:
    """Train, report the one-step-ahead error and write the preset JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the preset JSON")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--iterations", type=int, default=1500)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    params, readout = train(seed=args.seed, iterations=args.iterations)
    data = preset_json(params, readout, sine(0.0))
    write_preset(data, args.out)
    shipped = LSTMParams.from_gates(data["weights"])
    shipped_readout = (np.array(data["readout"]["weights"]), data["readout"]["bias"])
    inputs = np.array(data["inputs"])
    print(
        f"trained in {time.perf_counter() - start:.1f} s; one-step RMSE after {WARM_UP} steps: "
        f"{one_step_rmse(shipped, shipped_readout, inputs):.4f} "
        f"(predict-the-last-value baseline {last_value_rmse(inputs):.4f}); wrote {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
