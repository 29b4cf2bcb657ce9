"""Engine figures: throughput of ``run`` beside ``torch.nn.LSTM`` on the CPU, and trace memory."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from simulator.engine import LSTMParams, Trace, run

HIDDEN_SIZES = (3, 16, 64, 256, 1024)
QUICK_HIDDEN_SIZES = (3, 16, 64)


@dataclass(frozen=True)
class ThroughputRow:
    hidden_size: int
    input_size: int
    dtype: str
    steps: int
    ours_steps_per_s: float
    torch_steps_per_s: float | None

    @property
    def ratio(self) -> float | None:
        """Ours / PyTorch: above 1 means faster than PyTorch."""
        if self.torch_steps_per_s is None:
            return None
        return self.ours_steps_per_s / self.torch_steps_per_s


def median_seconds(work: Callable[[], object], repeats: int) -> float:
    """The median wall time of ``repeats`` calls of ``work`` (after one warm-up call)."""
    work()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def steps_for(hidden_size: int, quick: bool) -> int:
    """Sequence length per measurement: long enough to time, short enough to finish soon."""
    budget = 4_000 if quick else 20_000
    return int(max(200, min(budget, budget * 64 // max(hidden_size, 64))))


def engine_throughput(hidden_size: int, dtype: str, quick: bool) -> ThroughputRow:
    """Steps per second of :func:`run` (and of ``torch.nn.LSTM`` when installed) on the same data."""
    input_size = 2 if hidden_size == 3 else hidden_size
    steps = steps_for(hidden_size, quick)
    params = LSTMParams.random(input_size, hidden_size, seed=0).astype(dtype)
    inputs = np.random.default_rng(1).standard_normal((steps, input_size)).astype(dtype)
    repeats = 3 if quick else 7
    ours = median_seconds(lambda: run(params, inputs), repeats)
    theirs = _torch_seconds(params, inputs, repeats)
    return ThroughputRow(
        hidden_size, input_size, dtype, steps, steps / ours, None if theirs is None else steps / theirs
    )


def _torch_seconds(params: LSTMParams, inputs: np.ndarray, repeats: int) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    dtype = torch.float64 if inputs.dtype == np.float64 else torch.float32
    lstm = torch.nn.LSTM(params.input_size, params.hidden_size).to(dtype)
    packed = params.to_torch()
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(lstm, f"{name}_l0").copy_(torch.from_numpy(packed[name]))
        x = torch.from_numpy(inputs)[:, None, :]
        return median_seconds(lambda: lstm(x), repeats)


@dataclass(frozen=True)
class MemoryRow:
    hidden_size: int
    steps: int
    bytes_per_step: float
    raw_bytes_per_step: float

    @property
    def ratio(self) -> float:
        return self.bytes_per_step / self.raw_bytes_per_step


def trace_memory(hidden_size: int = 64, steps: int = 10_000) -> MemoryRow:
    """Bytes a trace holds per step after ``run``, beside the raw size of the arrays it exposes."""
    params = LSTMParams.random(hidden_size, hidden_size, seed=0)
    inputs = np.zeros((steps, hidden_size))
    trace: Trace = run(params, inputs)
    raw = sum(array.nbytes for name, array in trace.arrays().items() if name not in ("h0", "c0"))
    return MemoryRow(hidden_size, steps, trace.nbytes / steps, raw / steps)
