"""The equation behind each part of the cell, with the step's numbers put in. Qt-free.

:func:`formula` writes, for one part of the diagram, the equation that computes
it followed by the same equation with the actual values of one step, e.g.::

    C_{t-1} ⊙ f_t = [0.82×0.00, 0.64×0.50, 0.53×1.00] = [0.00, 0.32, 0.53]

:func:`formula_html` gives the same text with real subscripts for a rich-text
label. Every number is the engine's value rounded to ``decimals`` places; long
vectors show their first few entries and how many more there are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from simulator.engine import LSTMParams, StepResult
from simulator.parts import PARTS

MAX_SHOWN = 8
"""Vectors up to this length are written out in full."""

HEAD = 5
"""How many entries a longer vector shows before the "…"."""

GATE_SUBSCRIPTS = {"forget": "f", "input": "i", "candidate": "C", "output": "o"}
"""The subscript of each gate's weights: W_f, U_i, b_C, ..."""

_WEIGHT_LETTERS = {"input": "W", "recurrent": "U", "bias": "b"}

_GATE_OF_PART = {
    "forget_gate": "forget",
    "input_gate": "input",
    "candidate": "candidate",
    "output_gate": "output",
}

_PRODUCTS = {
    # part: (left factor, right factor)
    "forget_product": ("cell_prev", "forget_gate"),
    "input_product": ("input_gate", "candidate"),
    "hidden": ("output_gate", "cell_tanh"),
}

_PLAIN_VALUES = ("inputs", "hidden_prev", "cell_prev")

_START_SYMBOLS = {
    "inputs": ("x_1", "x<sub>1</sub>"),
    "hidden_prev": ("h_0", "h<sub>0</sub>"),
    "cell_prev": ("C_0", "C<sub>0</sub>"),
}


def weight_symbol(gate: str, part: str, html: bool = False) -> str:
    """The symbol of a gate's weight part: ``W_f`` (input), ``U_f`` (recurrent), ``b_f`` (bias).

    Parameters
    ----------
    gate : str
        ``forget``, ``input``, ``candidate`` or ``output``.
    part : str
        ``input``, ``recurrent`` or ``bias``.
    html : bool
        Write the subscript as ``<sub>`` instead of ``_``.
    """
    letter, sub = _WEIGHT_LETTERS[part], GATE_SUBSCRIPTS[gate]
    return f"{letter}<sub>{sub}</sub>" if html else f"{letter}_{sub}"


def number(value: float, decimals: int = 2) -> str:
    """``value`` rounded to ``decimals`` places; a value that rounds to zero is ``0.00``, never ``-0.00``."""
    text = f"{float(value):.{decimals}f}"
    if text.startswith("-") and float(text) == 0.0:
        text = text[1:]
    return text


def vector(values: Sequence[float] | np.ndarray, decimals: int = 2) -> str:
    """``[a, b, c]``; longer than :data:`MAX_SHOWN` → the first :data:`HEAD` and ``… N more``."""
    values = np.ravel(values)
    return _bracket([number(v, decimals) for v in _head(values)], len(values))


def formula(part: str, step: StepResult, params: LSTMParams, decimals: int = 2) -> str:
    """The equation of ``part`` with the numbers of ``step``, as plain text.

    Parameters
    ----------
    part : str
        A name from :data:`simulator.parts.PARTS` (``forget_gate``, ``cell``, ...).
    step : StepResult
        The step whose values are shown.
    params : LSTMParams
        The weights that computed ``step``; their sizes must match it.
    decimals : int
        Places after the decimal point.

    Returns
    -------
    str
        For example
        ``"f_t = σ(W_f x_t + U_f h_{t-1} + b_f) = σ([-30.00, 0.00, 30.00]) = [0.00, 0.50, 1.00]"``.

    Raises
    ------
    ValueError
        If ``part`` is unknown or the step does not fit ``params``.
    """
    return _compose(part, step, params, decimals, lambda name: PARTS[name].symbol, False)


def formula_html(part: str, step: StepResult, params: LSTMParams, decimals: int = 2) -> str:
    """The same equation as :func:`formula`, as rich text with ``<sub>`` subscripts."""
    return _compose(part, step, params, decimals, lambda name: PARTS[name].html, True)


def start_formula(
    part: str, h0: np.ndarray, c0: np.ndarray, x_first: np.ndarray, decimals: int = 2, html: bool = False
) -> str:
    """What ``part`` shows before the first step (t = 0).

    The inputs of the cell show the values step 1 will read (``x_1``, ``h_0``,
    ``C_0``); every computed part says that nothing has been computed yet.

    Parameters
    ----------
    part : str
        A name from :data:`simulator.parts.PARTS`.
    h0, c0 : array (H,)
        The initial state.
    x_first : array (D,)
        The first input.
    decimals : int
        Places after the decimal point.
    html : bool
        Rich text with subscripts instead of plain text.
    """
    _check_part(part)
    symbol = PARTS[part].html if html else PARTS[part].symbol
    if part not in _START_SYMBOLS:
        return f"{symbol}: not computed yet; press Step to compute step 1."
    values = {"inputs": x_first, "hidden_prev": h0, "cell_prev": c0}[part]
    start = _START_SYMBOLS[part][1 if html else 0]
    return f"{symbol} = {start} = {vector(values, decimals)}"


# --------------------------------------------------------------------------- helpers
def _check_part(part: str) -> None:
    if part not in PARTS:
        raise ValueError(f"unknown part {part!r}; expected one of {', '.join(PARTS)}")


def _head(values: np.ndarray) -> np.ndarray:
    """The entries a vector of this length shows (all, or the first :data:`HEAD`)."""
    return values if len(values) <= MAX_SHOWN else values[:HEAD]


def _bracket(items: list[str], total: int) -> str:
    if total > len(items):
        items = [*items, f"… {total - len(items)} more"]
    return "[" + ", ".join(items) + "]"


def _product(a: float, b: float, decimals: int) -> str:
    right = number(b, decimals)
    return f"{number(a, decimals)}×{f'({right})' if right.startswith('-') else right}"


def _sum(a: float, b: float, decimals: int) -> str:
    right = number(b, decimals)
    return f"{number(a, decimals)}{'' if right.startswith('-') else '+'}{right}"


def _compose(
    part: str,
    step: StepResult,
    params: LSTMParams,
    decimals: int,
    symbol: Callable[[str], str],
    html: bool,
) -> str:
    _check_part(part)
    H = params.hidden_size
    if step.cell.shape != (H,) or step.inputs.shape != (params.input_size,):
        raise ValueError(
            f"the step (D={step.inputs.shape[0]}, H={step.cell.shape[0]}) does not fit the weights "
            f"(D={params.input_size}, H={H})"
        )
    values = getattr(step, part)
    result = vector(values, decimals)
    if part in _PLAIN_VALUES:
        return f"{symbol(part)} = {result}"
    if part in _GATE_OF_PART:
        gate = _GATE_OF_PART[part]
        activation = "tanh" if gate == "candidate" else "σ"
        W, U, b = (weight_symbol(gate, p, html) for p in ("input", "recurrent", "bias"))
        dense = f"{W} {symbol('inputs')} + {U} {symbol('hidden_prev')} + {b}"
        pre = vector(getattr(step, f"{gate}_pre"), decimals)
        return f"{symbol(part)} = {activation}({dense}) = {activation}({pre}) = {result}"
    if part in _PRODUCTS:
        left, right = _PRODUCTS[part]
        pairs = zip(_head(getattr(step, left)), _head(getattr(step, right)), strict=True)
        terms = [_product(a, b, decimals) for a, b in pairs]
        lhs = f"{symbol(part)} = {symbol(left)} ⊙ {symbol(right)}" if part == "hidden" else symbol(part)
        return f"{lhs} = {_bracket(terms, H)} = {result}"
    if part == "cell":
        pairs = zip(_head(step.forget_product), _head(step.input_product), strict=True)
        terms = [_sum(p, q, decimals) for p, q in pairs]
        definition = f"{symbol('forget_product')} + {symbol('input_product')}"
        return f"{symbol('cell')} = {definition} = {_bracket(terms, H)} = {result}"
    # cell_tanh
    return f"{symbol(part)} = tanh({vector(step.cell, decimals)}) = {result}"


__all__ = [
    "GATE_SUBSCRIPTS",
    "HEAD",
    "MAX_SHOWN",
    "formula",
    "formula_html",
    "number",
    "start_formula",
    "vector",
    "weight_symbol",
]
