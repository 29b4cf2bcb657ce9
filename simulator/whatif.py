"""What-if: freeze the current run as a baseline, change one value, compare the two histories.

A :class:`WhatIf` watches a :class:`~simulator.session.Session`. :meth:`WhatIf.duplicate`
freezes a copy of the session's weights, inputs and initial state together with their run over
*all* the inputs (the baseline). The *changed* run is always the session's live state, so an
edit made anywhere (the what-if form, the Inputs or Weights panel, undo) shows up at once.
:meth:`WhatIf.difference` is changed − baseline for any trace field and :meth:`WhatIf.changes`
lists, in the diagram's notation, every value that differs from the baseline.

Row ``k`` of a trace field is step ``k + 1``; messages count steps from 1, as the app does.
Qt-free: the panel in :mod:`simulator.ui.panels.whatif` draws it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.engine import GATES, LSTMParams, Trace, run
from simulator.engine.params import PARTS as WEIGHT_PARTS
from simulator.engine.trace import TRACE_FIELDS
from simulator.explain import weight_symbol
from simulator.parts import PARTS
from simulator.session import Session, Signal

FIELDS: tuple[str, ...] = tuple(field for field in TRACE_FIELDS if field != "inputs")
"""The trace fields that can be compared: every gate, pre-activation, product and state, (T, H)."""

_PRE_SYMBOLS = {
    "forget_pre": "z_f",
    "input_pre": "z_i",
    "candidate_pre": "z_C",
    "output_pre": "z_o",
}
"""Pre-activations are not parts of the diagram; they are named like the weights' subscripts."""


@dataclass(frozen=True, eq=False)
class Baseline:
    """A frozen run: the weights, inputs and initial state, and their trace over all the inputs."""

    params: LSTMParams
    inputs: np.ndarray
    h0: np.ndarray
    c0: np.ndarray
    trace: Trace


def field_symbol(field: str) -> str:
    """The diagram's symbol of a trace field: ``forget_gate`` → ``f_t``, ``forget_pre`` → ``z_f``.

    Raises
    ------
    ValueError
        If ``field`` is not one of :data:`FIELDS`.
    """
    _check_field(field)
    return PARTS[field].symbol if field in PARTS else _PRE_SYMBOLS[field]


def number(value: float, digits: int = 6) -> str:
    """A value short enough to read: ``0.5``, ``-1.25``, ``3.14159``, ``1e-07``."""
    return f"{float(value):.{digits}g}"


def _pair(old: float, new: float, digits: int = 6) -> str:
    """``old → new``, with every digit when ``digits`` significant ones would hide the change."""
    a, b = number(old, digits), number(new, digits)
    if a == b:
        a, b = repr(float(old)), repr(float(new))
    return f"{a} → {b}"


def _index(index: tuple[int, ...] | np.ndarray) -> str:
    return ", ".join(str(int(i)) for i in index)


class WhatIf:
    """A frozen baseline run and the session's live run, side by side.

    Parameters
    ----------
    session : Session
        The live ("changed") run; the model only reads it.

    Attributes
    ----------
    changed : Signal
        Emitted with no arguments when the baseline is set or cleared, or when the changed run
        may differ (the session's weights, inputs or initial state changed, or it was replaced).
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.changed = Signal()
        self._baseline: Baseline | None = None
        self._changed_trace: Trace | None = None
        self._sizes = (session.input_size, session.hidden_size)
        self._slots = (
            (session.replaced, self._on_replaced),
            (session.params_changed, self._invalidate),
            (session.inputs_changed, self._invalidate),
            (session.initial_state_changed, self._invalidate),
        )
        for signal, slot in self._slots:
            signal.connect(slot)

    def close(self) -> None:
        """Stop watching the session (the baseline stays readable)."""
        for signal, slot in self._slots:
            signal.disconnect(slot)

    # ------------------------------------------------------------ baseline
    @property
    def active(self) -> bool:
        """Whether a baseline has been frozen."""
        return self._baseline is not None

    @property
    def baseline(self) -> Baseline | None:
        """The frozen run, or ``None`` before :meth:`duplicate`."""
        return self._baseline

    def duplicate(self) -> None:
        """Freeze a copy of the session's current run (over all its inputs) as the baseline."""
        s = self.session
        inputs, h0, c0 = s.inputs.copy(), s.h0.copy(), s.c0.copy()
        params = s.params.copy()
        trace = run(params, inputs, h0, c0)
        for array in (inputs, h0, c0):
            array.flags.writeable = False
        self._baseline = Baseline(params, inputs, h0, c0, trace)
        self.changed.emit()

    def clear(self) -> None:
        """Forget the baseline."""
        if self._baseline is None:
            return
        self._baseline = None
        self.changed.emit()

    # ------------------------------------------------------------ changed run
    def changed_trace(self) -> Trace:
        """The session's weights run over all its inputs from its h0 and c0 (computed once per edit)."""
        if self._changed_trace is None:
            s = self.session
            self._changed_trace = run(s.params, s.inputs, s.h0, s.c0)
        return self._changed_trace

    def _invalidate(self) -> None:
        self._changed_trace = None
        self.changed.emit()

    def _on_replaced(self) -> None:
        sizes = (self.session.input_size, self.session.hidden_size)
        if sizes != self._sizes:
            self._sizes = sizes
            self._baseline = None
        self._invalidate()

    # ------------------------------------------------------------ comparing
    def _require(self) -> Baseline:
        if self._baseline is None:
            raise RuntimeError("no baseline: call duplicate() first")
        return self._baseline

    def changes(self) -> list[str]:
        """Every value of the session that differs from the baseline, one line each.

        For example ``"W_f[1, 0]: 0.5 → 0.8"``, ``"U_i[0, 2]: …"``, ``"b_o[1]: …"``,
        ``"x_3[0]: 1 → 2"`` (step 3, input dimension 0), ``"h0[1]: …"``; an input sequence of
        another length gives one line saying so. Empty without a baseline or when nothing differs.
        """
        base = self._baseline
        if base is None:
            return []
        s = self.session
        lines: list[str] = []
        if s.params.gate_activation != base.params.gate_activation:
            lines.append(f"gate activation: {base.params.gate_activation} → {s.params.gate_activation}")
        for gate in GATES:
            for part in WEIGHT_PARTS:
                old, new = base.params.part(gate, part), s.params.part(gate, part)
                symbol = weight_symbol(gate, part)
                for index in np.argwhere(old != new):
                    where = tuple(index)
                    lines.append(f"{symbol}[{_index(where)}]: {_pair(old[where], new[where])}")
        inputs = s.inputs
        if inputs.shape != base.inputs.shape:
            lines.append(f"inputs: {base.inputs.shape[0]} steps → {inputs.shape[0]} steps")
        else:
            for row, dim in np.argwhere(inputs != base.inputs):
                lines.append(f"x_{row + 1}[{dim}]: {_pair(base.inputs[row, dim], inputs[row, dim])}")
        for name, old, new in (("h0", base.h0, s.h0), ("c0", base.c0, s.c0)):
            for (unit,) in np.argwhere(old != new):
                lines.append(f"{name}[{unit}]: {_pair(old[unit], new[unit])}")
        return lines

    def difference(self, field: str) -> np.ndarray:
        """Changed − baseline of a trace field, shape (T, H); row ``k`` is step ``k + 1``.

        If the input sequences differ in length, only the steps both runs have are compared.

        Raises
        ------
        ValueError
            If ``field`` is not one of :data:`FIELDS`.
        RuntimeError
            Without a baseline.
        """
        _check_field(field)
        base = self._require()
        new, old = getattr(self.changed_trace(), field), getattr(base.trace, field)
        length = min(len(new), len(old))
        return new[:length] - old[:length]

    def summary(self, field: str) -> str:
        """One line on how a field differs: where it first differs, and where it differs most.

        For example ``"h_t: first differs at step 4; largest |Δ| 0.213 at step 7, unit 1
        (0.512 → 0.725)"`` (three significant digits), or ``"h_t: no difference"``.

        Raises
        ------
        ValueError
            If ``field`` is not one of :data:`FIELDS`.
        """
        symbol = field_symbol(field)
        if self._baseline is None:
            return f"{symbol}: no baseline yet"
        diff = self.difference(field)
        moved = np.any(diff != 0, axis=1)
        if not moved.any():
            return f"{symbol}: no difference"
        first = int(np.argmax(moved))
        row, unit = np.unravel_index(int(np.argmax(np.abs(diff))), diff.shape)
        old = getattr(self._baseline.trace, field)[row, unit]
        new = getattr(self.changed_trace(), field)[row, unit]
        return (
            f"{symbol}: first differs at step {first + 1}; largest |Δ| {number(abs(diff[row, unit]), 3)} "
            f"at step {row + 1}, unit {unit} ({_pair(old, new, 3)})"
        )


def _check_field(field: str) -> None:
    if field not in FIELDS:
        raise ValueError(f"unknown trace field {field!r}; expected one of {', '.join(FIELDS)}")


__all__ = ["FIELDS", "Baseline", "WhatIf", "field_symbol", "number"]
