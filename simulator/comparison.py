"""Two cell variants side by side on the session's inputs (Qt-free).

The comparison follows its :class:`~simulator.session.Session`: the LSTM weights, the inputs
and the initial state are the session's, so an edit in the main window shows in both variants.
The peepholes are seeded (and can be drawn again); the GRU's weights come from the LSTM's gates
(see :meth:`simulator.engine.gru.GRUParams.from_lstm`). Runs are computed when first asked
for and kept until something they depend on changes.
"""

from __future__ import annotations

import numpy as np

from simulator.session import Session, Signal
from simulator.variants import VARIANTS, VariantRun, VariantWeights, run_variant, variant

STEP_LIMIT = 20_000
"""At most this many steps are compared (the first ones of a longer sequence)."""


class VariantComparison:
    """Two variants (``keys[0]`` on the left, ``keys[1]`` on the right) run on one input sequence.

    Signals
    -------
    changed()
        A variant was chosen, or the weights, inputs or initial state changed: redraw.
    """

    def __init__(self, session: Session, left: str = "lstm", right: str = "gru") -> None:
        self.session = session
        self.changed = Signal()
        self._keys = [variant(left).key, variant(right).key]
        self._seed = 0
        self._weights: VariantWeights | None = None
        self._runs: dict[str, VariantRun] = {}
        for signal in self._signals():
            signal.connect(self._invalidate)

    def _signals(self) -> tuple[Signal, ...]:
        s = self.session
        return (s.params_changed, s.inputs_changed, s.initial_state_changed, s.replaced)

    def detach(self) -> None:
        """Stop following the session (when the comparison's window goes)."""
        for signal in self._signals():
            signal.disconnect(self._invalidate)

    # ------------------------------------------------------------ state
    @property
    def keys(self) -> tuple[str, str]:
        return self._keys[0], self._keys[1]

    @property
    def steps(self) -> int:
        """How many steps are compared: the whole sequence, at most :data:`STEP_LIMIT`."""
        return min(self.session.length, STEP_LIMIT)

    @property
    def truncated(self) -> bool:
        """Whether the sequence is longer than the steps compared."""
        return self.session.length > STEP_LIMIT

    @property
    def weights(self) -> VariantWeights:
        if self._weights is None:
            self._weights = VariantWeights.from_lstm(self.session.params, seed=self._seed)
        return self._weights

    def run(self, key: str) -> VariantRun:
        """The run of variant ``key`` over the compared steps (computed once per change)."""
        key = variant(key).key
        if key not in self._runs:
            s = self.session
            self._runs[key] = run_variant(key, self.weights, s.inputs[: self.steps], s.h0, s.c0)
        return self._runs[key]

    def values_at(self, side: int, t: int) -> dict[str, np.ndarray | None]:
        """What each part of side ``side``'s diagram holds after ``t`` steps (clamped to :attr:`steps`)."""
        t = min(max(int(t), 0), self.steps)
        next_input = self.session.inputs[0] if t == 0 else None
        return self.run(self._keys[side]).values_at(t, next_input)

    def hidden_difference(self) -> np.ndarray:
        """h_t of the right variant minus h_t of the left one, (steps, H)."""
        left, right = (self.run(key).fields["hidden"] for key in self._keys)
        return right - left

    # ------------------------------------------------------------ edits
    def set_variant(self, side: int, key: str) -> None:
        """Show variant ``key`` on side 0 (left) or 1 (right)."""
        if side not in (0, 1):
            raise ValueError(f"side {side} is neither 0 (left) nor 1 (right)")
        key = variant(key).key
        if self._keys[side] != key:
            self._keys[side] = key
            self.changed.emit()

    def new_peepholes(self) -> None:
        """Draw the peephole weights again (from the next seed)."""
        self._seed += 1
        self._invalidate()

    def _invalidate(self) -> None:
        self._weights = None
        self._runs.clear()
        self.changed.emit()


__all__ = ["STEP_LIMIT", "VARIANTS", "VariantComparison"]
