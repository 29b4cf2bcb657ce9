"""The cell variants the app can compare: what each computes, its parts, and one run of it (Qt-free).

Four cells share an input sequence and the weights of the session's LSTM:

``lstm``
    The standard LSTM of the main diagram.
``peephole``
    The LSTM whose gates also read the cell state through per-unit peephole weights
    (f_t and i_t read C_{t-1}; o_t reads the new C_t).
``cifg``
    The LSTM with a coupled input-forget gate: i_t = 1 − f_t, the input gate's own weights unused.
``gru``
    PyTorch's gated recurrent unit: a reset gate, an update gate and a candidate, no cell state.

A :class:`VariantRun` holds every intermediate of one variant over the inputs as (T, H)
arrays keyed by part name, and answers "what does each part hold at step t" for a diagram.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.engine import LSTMParams, run
from simulator.engine.cifg import run_cifg
from simulator.engine.gru import GRUParams, run_gru
from simulator.engine.peephole import random_peepholes, run_peephole
from simulator.engine.trace import TRACE_FIELDS
from simulator.parts import PARTS, PartInfo

LSTM_PARTS = tuple(PARTS)
"""The parts of the LSTM-shaped cells (standard, peephole, CIFG): those of the main diagram."""

GRU_DIAGRAM_PARTS: dict[str, PartInfo] = {
    "inputs": PARTS["inputs"],
    "hidden_prev": PARTS["hidden_prev"],
    "reset_gate": PartInfo("r_t", "r<sub>t</sub>", "reset gate"),
    "update_gate": PartInfo("z_t", "z<sub>t</sub>", "update gate"),
    "candidate": PartInfo("n_t", "n<sub>t</sub>", "candidate hidden state"),
    "keep_product": PartInfo("z_t ⊙ h_{t-1}", "z<sub>t</sub> ⊙ h<sub>t−1</sub>", "what the cell keeps"),
    "write_product": PartInfo(
        "(1 − z_t) ⊙ n_t", "(1 − z<sub>t</sub>) ⊙ n<sub>t</sub>", "what the cell writes"
    ),
    "hidden": PARTS["hidden"],
}
"""The parts of the GRU diagram, with their symbols."""

INITIAL_PARTS = ("inputs", "hidden_prev", "cell_prev")
"""Parts known before the first step (shown at t = 0)."""


@dataclass(frozen=True)
class Variant:
    """One cell variant: its key, its name in the app, a one-line summary and its equations."""

    key: str
    title: str
    summary: str
    equations: tuple[str, ...]
    """The equations as rich text, one per line, in the order the cell computes them."""

    @property
    def parts(self) -> dict[str, PartInfo]:
        """Every part the variant's diagram shows, in the order of the equations."""
        return GRU_DIAGRAM_PARTS if self.key == "gru" else PARTS

    @property
    def history_parts(self) -> tuple[str, ...]:
        """The parts whose history can be plotted (those computed at each step)."""
        return tuple(name for name in self.parts if name not in INITIAL_PARTS)


_LSTM_LINES = {
    "forget": "f<sub>t</sub> = σ(W<sub>f</sub> x<sub>t</sub> + U<sub>f</sub> h<sub>t−1</sub>"
    " + b<sub>f</sub>)",
    "input": "i<sub>t</sub> = σ(W<sub>i</sub> x<sub>t</sub> + U<sub>i</sub> h<sub>t−1</sub>"
    " + b<sub>i</sub>)",
    "candidate": "C̃<sub>t</sub> = tanh(W<sub>C</sub> x<sub>t</sub> + U<sub>C</sub> h<sub>t−1</sub>"
    " + b<sub>C</sub>)",
    "output": "o<sub>t</sub> = σ(W<sub>o</sub> x<sub>t</sub> + U<sub>o</sub> h<sub>t−1</sub>"
    " + b<sub>o</sub>)",
    "cell": "C<sub>t</sub> = f<sub>t</sub> ⊙ C<sub>t−1</sub> + i<sub>t</sub> ⊙ C̃<sub>t</sub>",
    "hidden": "h<sub>t</sub> = o<sub>t</sub> ⊙ tanh(C<sub>t</sub>)",
}

VARIANTS: dict[str, Variant] = {
    "lstm": Variant(
        "lstm",
        "LSTM",
        "The standard cell: forget, input and output gates around a cell state.",
        tuple(_LSTM_LINES.values()),
    ),
    "peephole": Variant(
        "peephole",
        "Peephole LSTM",
        "The gates also look at the cell state: f and i at C<sub>t−1</sub>, o at the new C<sub>t</sub>.",
        (
            "f<sub>t</sub> = σ(W<sub>f</sub> x<sub>t</sub> + U<sub>f</sub> h<sub>t−1</sub>"
            " + <b>p<sub>f</sub> ⊙ C<sub>t−1</sub></b> + b<sub>f</sub>)",
            "i<sub>t</sub> = σ(W<sub>i</sub> x<sub>t</sub> + U<sub>i</sub> h<sub>t−1</sub>"
            " + <b>p<sub>i</sub> ⊙ C<sub>t−1</sub></b> + b<sub>i</sub>)",
            _LSTM_LINES["candidate"],
            _LSTM_LINES["cell"],
            "o<sub>t</sub> = σ(W<sub>o</sub> x<sub>t</sub> + U<sub>o</sub> h<sub>t−1</sub>"
            " + <b>p<sub>o</sub> ⊙ C<sub>t</sub></b> + b<sub>o</sub>)",
            _LSTM_LINES["hidden"],
        ),
    ),
    "cifg": Variant(
        "cifg",
        "CIFG",
        "Coupled input-forget gate: the cell writes exactly as much as it forgets.",
        (
            _LSTM_LINES["forget"],
            "<b>i<sub>t</sub> = 1 − f<sub>t</sub></b>",
            _LSTM_LINES["candidate"],
            _LSTM_LINES["output"],
            _LSTM_LINES["cell"],
            _LSTM_LINES["hidden"],
        ),
    ),
    "gru": Variant(
        "gru",
        "GRU",
        "Gated recurrent unit: no cell state; the update gate mixes the old hidden state with a new one.",
        (
            "r<sub>t</sub> = σ(W<sub>r</sub> x<sub>t</sub> + b<sub>ir</sub> + U<sub>r</sub> h<sub>t−1</sub>"
            " + b<sub>hr</sub>)",
            "z<sub>t</sub> = σ(W<sub>z</sub> x<sub>t</sub> + b<sub>iz</sub> + U<sub>z</sub> h<sub>t−1</sub>"
            " + b<sub>hz</sub>)",
            "n<sub>t</sub> = tanh(W<sub>n</sub> x<sub>t</sub> + b<sub>in</sub> + r<sub>t</sub> ⊙"
            " (U<sub>n</sub> h<sub>t−1</sub> + b<sub>hn</sub>))",
            "h<sub>t</sub> = (1 − z<sub>t</sub>) ⊙ n<sub>t</sub> + z<sub>t</sub> ⊙ h<sub>t−1</sub>",
        ),
    ),
}
"""Every variant by key, in the order the app lists them."""


def variant(key: str) -> Variant:
    """The variant named ``key``.

    Raises
    ------
    ValueError
        If ``key`` names no variant.
    """
    try:
        return VARIANTS[key]
    except KeyError:
        raise ValueError(f"unknown cell variant {key!r}; expected one of {', '.join(VARIANTS)}") from None


@dataclass(frozen=True)
class VariantWeights:
    """Everything the four variants need: the LSTM's weights, the peepholes and a GRU's weights."""

    lstm: LSTMParams
    peepholes: np.ndarray
    """(3, H): p_i, p_f, p_o."""
    gru: GRUParams

    @classmethod
    def from_lstm(cls, params: LSTMParams, seed: int = 0) -> VariantWeights:
        """The variants of ``params``: seeded random peepholes, and a GRU built from its gates."""
        peepholes = random_peepholes(params.hidden_size, seed=seed, dtype=params.dtype)
        return cls(params, peepholes, GRUParams.from_lstm(params))


@dataclass(frozen=True)
class VariantRun:
    """One variant run over an input sequence.

    ``fields`` maps each part computed at every step to a (T, H) array (``inputs``: (T, D));
    ``h0`` and ``c0`` are the initial state (``c0`` is ``None`` for the GRU).
    """

    key: str
    fields: dict[str, np.ndarray]
    h0: np.ndarray
    c0: np.ndarray | None

    def __len__(self) -> int:
        return int(self.fields["hidden"].shape[0])

    def values_at(self, t: int, next_input: np.ndarray | None = None) -> dict[str, np.ndarray | None]:
        """What each part of the variant's diagram holds after ``t`` steps (``None``: not computed).

        At t = 0 only the initial state and ``next_input`` (x_1) are known.
        """
        parts = variant(self.key).parts
        if t <= 0:
            known = {"inputs": next_input, "hidden_prev": self.h0, "cell_prev": self.c0}
            return {name: known.get(name) for name in parts}
        if t > len(self):
            raise IndexError(f"step {t} outside 1..{len(self)}")
        k = t - 1
        out: dict[str, np.ndarray | None] = {
            name: self.fields[name][k] for name in parts if name in self.fields
        }
        out["hidden_prev"] = self.h0 if k == 0 else self.fields["hidden"][k - 1]
        if "cell_prev" in parts:
            out["cell_prev"] = self.c0 if k == 0 else self.fields["cell"][k - 1]
        return out


def run_variant(
    key: str, weights: VariantWeights, inputs: np.ndarray, h0: np.ndarray, c0: np.ndarray
) -> VariantRun:
    """Run the variant ``key`` over ``inputs`` (T, D) from ``(h0, c0)`` (the GRU ignores ``c0``).

    Raises
    ------
    ValueError
        If ``key`` is unknown, or a shape or value is wrong.
    """
    variant(key)
    params = weights.lstm
    if key == "gru":
        trace = run_gru(weights.gru, inputs, h0)
        fields = {name: getattr(trace, name) for name in GRU_DIAGRAM_PARTS if name != "hidden_prev"}
        return VariantRun(key, fields, trace.h0, None)
    if key == "peephole":
        trace = run_peephole(params, weights.peepholes, inputs, h0, c0)
    elif key == "cifg":
        trace = run_cifg(params, inputs, h0, c0)
    else:
        trace = run(params, inputs, h0, c0)
    fields = {name: getattr(trace, name) for name in TRACE_FIELDS}
    return VariantRun(key, fields, trace.h0, trace.c0)


__all__ = [
    "GRU_DIAGRAM_PARTS",
    "LSTM_PARTS",
    "VARIANTS",
    "Variant",
    "VariantRun",
    "VariantWeights",
    "run_variant",
    "variant",
]
