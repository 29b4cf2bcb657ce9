"""The parts of the cell diagram: names, symbols and plain-language titles.

Each name is a field of :class:`simulator.engine.StepResult`. Symbols follow
the classic diagram's notation: f_t, i_t, ~C_t, o_t, C_t, h_t.
"""

from __future__ import annotations

from typing import NamedTuple


class PartInfo(NamedTuple):
    symbol: str
    """Plain-text symbol, e.g. ``f_t``."""
    html: str
    """Rich-text symbol with subscripts, e.g. ``f<sub>t</sub>``."""
    title: str
    """What it is, in words."""


PARTS: dict[str, PartInfo] = {
    "inputs": PartInfo("x_t", "x<sub>t</sub>", "input"),
    "hidden_prev": PartInfo("h_{t-1}", "h<sub>t−1</sub>", "previous hidden state"),
    "cell_prev": PartInfo("C_{t-1}", "C<sub>t−1</sub>", "previous cell state"),
    "forget_gate": PartInfo("f_t", "f<sub>t</sub>", "forget gate"),
    "input_gate": PartInfo("i_t", "i<sub>t</sub>", "input gate"),
    "candidate": PartInfo("~C_t", "C̃<sub>t</sub>", "candidate cell state"),
    "output_gate": PartInfo("o_t", "o<sub>t</sub>", "output gate"),
    "forget_product": PartInfo("C_{t-1} ⊙ f_t", "C<sub>t−1</sub> ⊙ f<sub>t</sub>", "what the cell keeps"),
    "input_product": PartInfo("i_t ⊙ ~C_t", "i<sub>t</sub> ⊙ C̃<sub>t</sub>", "what the cell writes"),
    "cell": PartInfo("C_t", "C<sub>t</sub>", "cell state"),
    "cell_tanh": PartInfo("tanh(C_t)", "tanh(C<sub>t</sub>)", "squashed cell state"),
    "hidden": PartInfo("h_t", "h<sub>t</sub>", "hidden state (output)"),
}

PART_NAMES: tuple[str, ...] = tuple(PARTS)
"""Every selectable part, in the order the equations compute them."""

GATE_OF_PART = {
    "forget_gate": "forget",
    "input_gate": "input",
    "candidate": "candidate",
    "output_gate": "output",
}
"""The gate (a key of the weights) behind each dense-layer part."""
