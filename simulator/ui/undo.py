"""Undoable user edits: every edit a view makes goes through :class:`UndoableEdits`.

Each method mirrors one :class:`~simulator.session.Session` edit method, pushes
a command on a ``QUndoStack`` and so applies it. Edits made while a slider is
dragged pass ``drag=True``: they merge into one undo step until
:meth:`UndoableEdits.finish_drag` is called (on the slider's release).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import numpy as np
from PySide6.QtGui import QUndoCommand, QUndoStack

from simulator.engine import LSTMParams
from simulator.engine.validate import as_sequence, as_state
from simulator.parts import PARTS
from simulator.session import Session

_MERGEABLE_ID = 0x15_7A


class _ValueCommand(QUndoCommand):
    """Set something from ``old`` to ``new`` through ``apply``; merges with the same ``key``.

    ``apply`` must not raise: Qt calls ``redo`` from inside ``QUndoStack.push``, where a Python
    exception would leave the stack owning a half-made command. Edits are checked before the push.
    """

    def __init__(
        self, text: str, apply: Callable[[object], None], old: object, new: object, key: Hashable | None
    ) -> None:
        super().__init__(text)
        self._apply, self._old, self._new, self._key = apply, old, new, key

    def redo(self) -> None:
        self._apply(self._new)

    def undo(self) -> None:
        self._apply(self._old)

    def id(self) -> int:
        return _MERGEABLE_ID if self._key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _ValueCommand) or other._key != self._key or self._key is None:
            return False
        self._new = other._new
        return True


class UndoableEdits:
    """The edit methods of a session, each one undo step (or one per drag)."""

    def __init__(self, session: Session, stack: QUndoStack) -> None:
        self.session = session
        self.stack = stack
        self._drag_serial = 0

    def finish_drag(self) -> None:
        """End the current drag: the next drag edit starts a new undo step."""
        self._drag_serial += 1

    def _key(self, drag: bool, *what: object) -> Hashable | None:
        return (*what, self._drag_serial) if drag else None

    def _push(
        self, text: str, apply: Callable[[object], None], old: object, new: object, key: Hashable | None
    ) -> None:
        self.stack.push(_ValueCommand(text, apply, old, new, key))

    # -------------------------------------------------------------- weights
    def set_weight(
        self, gate: str, part: str, index: tuple[int, ...], value: float, drag: bool = False
    ) -> None:
        """Change one weight (see :meth:`Session.set_weight`)."""
        value = _finite(value, f"{gate} {part} weight")
        index = tuple(int(i) for i in index)
        weights = self.session.params.part(gate, part)
        if len(index) != weights.ndim or not all(
            0 <= i < n for i, n in zip(index, weights.shape, strict=False)
        ):
            raise ValueError(f"{gate} {part} weights have no index {index}")
        old = float(weights[index])
        if old == value:
            return

        def apply(v: object) -> None:
            self.session.set_weight(gate, part, index, float(v))  # type: ignore[arg-type]

        where = ",".join(str(i) for i in index)
        self._push(
            f"Change {gate} {part} weight [{where}]",
            apply,
            old,
            value,
            self._key(drag, "weight", gate, part, index),
        )

    def set_params(self, params: LSTMParams, text: str = "Change weights") -> None:
        """Replace all weights (randomize, reset to preset)."""
        old = self.session.params
        if (params.input_size, params.hidden_size) != (old.input_size, old.hidden_size):
            # Checked here: a command must never fail inside QUndoStack.push (C++ calls redo()).
            raise ValueError(
                f"weights of size D={params.input_size}, H={params.hidden_size} do not fit this "
                f"session (D={old.input_size}, H={old.hidden_size})"
            )
        if params == old:
            return
        self._push(text, self.session.set_params, old, params, None)  # type: ignore[arg-type]

    # -------------------------------------------------------- initial state
    def set_initial_state(self, which: str, unit: int, value: float, drag: bool = False) -> None:
        """Change one unit of h0 or c0."""
        value = _finite(value, f"{which}[{unit}]")
        if which not in ("h0", "c0") or not 0 <= unit < self.session.hidden_size:
            raise ValueError(f"no initial state {which}[{unit}]")
        old = float({"h0": self.session.h0, "c0": self.session.c0}[which][unit])
        if old == value:
            return

        def apply(v: object) -> None:
            self.session.set_initial_state(which, unit, float(v))  # type: ignore[arg-type]

        self._push(f"Change {which}[{unit}]", apply, old, value, self._key(drag, which, unit))

    def set_initial_states(self, h0: np.ndarray, c0: np.ndarray, text: str = "Change h0 and c0") -> None:
        old = (self.session.h0.copy(), self.session.c0.copy())
        size, dtype = self.session.hidden_size, np.dtype(float)
        new = (as_state(h0, size, "h0", dtype).copy(), as_state(c0, size, "c0", dtype).copy())
        if all(np.array_equal(a, b) for a, b in zip(old, new, strict=False)):
            return

        def apply(v: object) -> None:
            self.session.set_initial_states(*v)  # type: ignore[misc]

        self._push(text, apply, old, new, None)

    # --------------------------------------------------------------- inputs
    def set_input_value(self, row: int, dim: int, value: float, drag: bool = False) -> None:
        """Change x of step ``row + 1`` in dimension ``dim``."""
        value = _finite(value, f"x[{row + 1}][{dim}]")
        if not (0 <= row < self.session.length and 0 <= dim < self.session.input_size):
            raise ValueError(f"no input x[{row + 1}][{dim}]")
        old = float(self.session.inputs[row, dim])
        if old == value:
            return

        def apply(v: object) -> None:
            self.session.set_input_value(row, dim, float(v))  # type: ignore[arg-type]

        self._push(
            f"Change {PARTS['inputs'].symbol}[{row + 1}][{dim}]",
            apply,
            old,
            value,
            self._key(drag, "input", row, dim),
        )

    def set_inputs(
        self, inputs: np.ndarray, step_labels: tuple[str, ...] = (), text: str = "Replace the inputs"
    ) -> None:
        """Replace the whole input sequence."""
        old = (self.session.inputs.copy(), self.session.step_labels)
        new = (
            as_sequence(inputs, self.session.input_size, "inputs", np.dtype(float)).copy(),
            tuple(step_labels),
        )
        if new[0].shape[0] == 0:
            raise ValueError("inputs: the sequence is empty")
        if step_labels and len(step_labels) != new[0].shape[0]:
            raise ValueError(f"step labels: {len(step_labels)} labels for {new[0].shape[0]} steps")

        def apply(v: object) -> None:
            self.session.set_inputs(*v)  # type: ignore[misc]

        self._push(text, apply, old, new, None)


def _finite(value: float, what: str) -> float:
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{what}: value must be a finite number, got {value}")
    return value
