"""The session model: what the user is looking at, Qt-free and observable.

A :class:`Session` holds the weights, the input sequence, the initial state,
the trace computed so far and the current time ``t`` (the number of steps
taken, 0 ≤ t ≤ T). Views subscribe to its signals and send every user edit
back through exactly one of its methods; they never touch engine arrays.

Time and the trace: ``trace`` holds at least ``t`` steps. Stepping forward
reuses a step already computed (so going back and forward again is bit-for-bit
exact) or computes one more; stepping back only moves ``t``. An edit of the
weights, of h0/c0 or of an input recomputes the trace from 0 to ``t``; what lay
beyond ``t`` belonged to the old weights and is dropped. With a ``replay_limit``, an
edit recomputes at most that many steps, moves ``t`` to where it stopped and asks, through
``replay_requested``, to be taken back to where it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from simulator.engine import LSTMParams, StepResult, Trace, run
from simulator.engine.validate import as_sequence, as_state
from simulator.io.lessons import Lesson
from simulator.io.presets import Preset, load_preset
from simulator.parts import GATE_OF_PART, PART_NAMES

DEFAULT_PRESET = "worked-example"


class Signal:
    """A minimal observer list: ``connect`` a callable, ``emit`` calls each in order."""

    def __init__(self) -> None:
        self._slots: list[Callable[..., Any]] = []

    def connect(self, slot: Callable[..., Any]) -> None:
        if slot not in self._slots:
            self._slots.append(slot)

    def disconnect(self, slot: Callable[..., Any]) -> None:
        if slot in self._slots:
            self._slots.remove(slot)

    def emit(self, *args: Any) -> None:
        for slot in list(self._slots):
            slot(*args)


class Session:
    """One lesson or debugging session.

    Signals (each a :class:`Signal`):

    ``replaced()``
        A new preset or file was loaded: sizes may have changed; rebuild.
    ``params_changed()``
        The weights changed.
    ``initial_state_changed()``
        h0 or c0 changed.
    ``inputs_changed()``
        The input sequence (or its step labels) changed.
    ``trace_changed()``
        The trace or ``t`` changed: anything showing values should redraw.
    ``selection_changed(name)``
        Another part of the diagram was selected (a name from :data:`PART_NAMES`).
    ``unit_selection_changed(unit)``
        Another unit of the hidden layer was selected (0..H-1), or ``None`` for no unit. Unit k
        is one cell of every H-sized vector (the gates, C_t, h_t, ...), so the diagram, the plots,
        the statistics and the inspector all mark it. Loading a model of another hidden size
        clears it (announced after ``replaced``); a model of the same H keeps it.
    ``replay_requested(t)``
        An edit recomputed only the first :attr:`replay_limit` steps and moved ``t`` back there;
        ``t`` is the step the user was at. Whoever listens (the window, in slices) goes back.

    ``replay_limit`` (``None`` by default: no limit) caps the steps an edit recomputes at once,
    so that an edit deep into a long history never blocks for long.
    """

    def __init__(self, preset: Preset | str | None = DEFAULT_PRESET) -> None:
        self.replaced = Signal()
        self.params_changed = Signal()
        self.initial_state_changed = Signal()
        self.inputs_changed = Signal()
        self.trace_changed = Signal()
        self.selection_changed = Signal()
        self.replay_requested = Signal()
        self.replay_limit: int | None = None
        self._replay_to: int | None = None
        self.unit_selection_changed = Signal()
        self._selected = "forget_gate"
        self._selected_unit: int | None = None
        if isinstance(preset, str):
            preset = load_preset(preset)
        if preset is None:
            params = LSTMParams.random(2, 3, seed=0)
            self._set_all(params, np.zeros((10, 2)), None, None, (), "", "Untitled")
        else:
            self._set_preset(preset)

    # ------------------------------------------------------------ state read
    @property
    def params(self) -> LSTMParams:
        return self._params

    @property
    def inputs(self) -> np.ndarray:
        """The input sequence, (T, D), read-only."""
        view = self._inputs.view()
        view.flags.writeable = False
        return view

    @property
    def step_labels(self) -> tuple[str, ...]:
        """A label per step (words of a sentence, say), or empty."""
        return self._step_labels

    @property
    def h0(self) -> np.ndarray:
        return self._trace.h0

    @property
    def c0(self) -> np.ndarray:
        return self._trace.c0

    @property
    def trace(self) -> Trace:
        """The steps computed so far; at least ``t`` long."""
        return self._trace

    @property
    def t(self) -> int:
        """Steps taken: 0 shows the initial state, ``t`` shows step ``t`` (1-based)."""
        return self._t

    @property
    def length(self) -> int:
        """T, the length of the input sequence: ``t`` runs from 0 to T."""
        return self._inputs.shape[0]

    @property
    def input_size(self) -> int:
        return self._params.input_size

    @property
    def hidden_size(self) -> int:
        return self._params.hidden_size

    @property
    def preset_name(self) -> str:
        return self._preset_name

    @property
    def title(self) -> str:
        return self._title

    @property
    def description(self) -> str:
        """What the lesson shows, in one line (from the preset)."""
        return self._description

    @property
    def selected(self) -> str:
        return self._selected

    @property
    def selected_unit(self) -> int | None:
        """The selected unit of the hidden layer (0..H-1), or ``None``; see :meth:`select_unit`."""
        return self._selected_unit

    def current_step(self) -> StepResult | None:
        """Every intermediate of step ``t``, or ``None`` at t = 0."""
        return self._trace.step_at(self._t - 1) if self._t > 0 else None

    def state(self) -> tuple[np.ndarray, np.ndarray]:
        """``(h_t, C_t)``: the state after ``t`` steps."""
        return self._trace.state_before(self._t)

    # ------------------------------------------------------------ time
    def step(self) -> bool:
        """One step forward; ``False`` (nothing changes) at the end of the inputs."""
        if self._t >= self.length:
            return False
        self._ensure_computed(self._t + 1)
        self._t += 1
        self.trace_changed.emit()
        return True

    def back(self) -> bool:
        """One step back; ``False`` at t = 0."""
        if self._t == 0:
            return False
        self._t -= 1
        self.trace_changed.emit()
        return True

    def reset(self) -> None:
        """Back to t = 0."""
        self.seek(0)

    def seek(self, t: int) -> None:
        """Go to step ``t`` (clamped to 0..T), computing what is missing."""
        t = int(min(max(t, 0), self.length))
        if t == self._t:
            return
        self._ensure_computed(t)
        self._t = t
        self.trace_changed.emit()

    def precompute(self, t: int) -> int:
        """Compute the steps up to ``t`` (clamped to 0..T) without moving ``t``; nothing is announced.

        Lets a caller time the engine apart from the views (playback does). Returns the number
        of steps computed (0 when they already were).
        """
        t = int(min(max(t, 0), self.length))
        have = len(self._trace)
        self._ensure_computed(t)
        return len(self._trace) - have

    def _ensure_computed(self, t: int) -> None:
        have = len(self._trace)
        if t > have:
            self._trace.extend(self._params, self._inputs[have:t])

    # ------------------------------------------------------------ edits
    def set_params(self, params: LSTMParams) -> None:
        """Replace all weights (randomize, reset to preset, undo of either)."""
        if (params.input_size, params.hidden_size) != (self.input_size, self.hidden_size):
            raise ValueError(
                f"weights of size D={params.input_size}, H={params.hidden_size} do not fit this "
                f"session (D={self.input_size}, H={self.hidden_size})"
            )
        if params == self._params:
            return
        self._params = params
        self._recompute()
        self.params_changed.emit()
        self.trace_changed.emit()
        self._request_replay()

    def set_weight(self, gate: str, part: str, index: tuple[int, ...], value: float) -> None:
        """Change one weight: ``part`` is ``input`` (index (row, col)), ``recurrent`` or ``bias`` (row,)."""
        current = self._params.part(gate, part)[tuple(index)]
        if float(current) == float(value):
            return
        self.set_params(self._params.with_value(gate, part, index, value))

    def set_initial_state(self, which: str, unit: int, value: float) -> None:
        """Change one unit of ``h0`` or ``c0``."""
        if which not in ("h0", "c0"):
            raise ValueError(f"unknown initial state {which!r}; expected h0 or c0")
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"{which}[{unit}]: value must be finite, got {value}")
        if not 0 <= unit < self.hidden_size:
            raise ValueError(f"{which}: unit {unit} outside 0..{self.hidden_size - 1}")
        state = {"h0": self.h0.copy(), "c0": self.c0.copy()}
        if state[which][unit] == value:
            return
        state[which][unit] = value
        self._trace = run(self._params, self._inputs[: self._replay_stop()], state["h0"], state["c0"])
        self.initial_state_changed.emit()
        self.trace_changed.emit()
        self._request_replay()

    def set_initial_states(self, h0: np.ndarray, c0: np.ndarray) -> None:
        """Replace both h0 and c0 (reset to preset, undo)."""
        dtype = self._params.dtype
        h0 = as_state(h0, self.hidden_size, "h0", dtype)
        c0 = as_state(c0, self.hidden_size, "c0", dtype)
        if np.array_equal(h0, self.h0) and np.array_equal(c0, self.c0):
            return
        self._trace = run(self._params, self._inputs[: self._replay_stop()], h0, c0)
        self.initial_state_changed.emit()
        self.trace_changed.emit()
        self._request_replay()

    def set_input_value(self, row: int, dim: int, value: float) -> None:
        """Change x of step ``row + 1`` in dimension ``dim``."""
        if not 0 <= row < self.length or not 0 <= dim < self.input_size:
            raise ValueError(f"input ({row}, {dim}) outside ({self.length}, {self.input_size})")
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"x[{row + 1}][{dim}]: value must be finite, got {value}")
        if self._inputs[row, dim] == value:
            return
        self._inputs[row, dim] = value
        if row < len(self._trace):
            self._trace.truncate(row)
            self._ensure_computed(self._replay_stop(start=row))
        self.inputs_changed.emit()
        self.trace_changed.emit()
        self._request_replay()

    def set_inputs(self, inputs: np.ndarray, step_labels: tuple[str, ...] | list[str] = ()) -> None:
        """Replace the whole input sequence (T may change; t is clamped to the new T)."""
        X = as_sequence(inputs, self.input_size, "inputs", self._params.dtype).copy()
        if X.shape[0] == 0:
            raise ValueError("inputs: the sequence is empty")
        labels = tuple(step_labels)
        if labels and len(labels) != X.shape[0]:
            raise ValueError(f"step labels: {len(labels)} labels for {X.shape[0]} steps")
        self._inputs = X
        self._step_labels = labels
        self._t = min(self._t, X.shape[0])
        self._recompute()
        self.inputs_changed.emit()
        self.trace_changed.emit()
        self._request_replay()

    def select(self, name: str) -> None:
        """Select a part of the diagram (for the inspector and the weights panel)."""
        if name not in PART_NAMES:
            raise ValueError(f"unknown part {name!r}")
        if name != self._selected:
            self._selected = name
            self.selection_changed.emit(name)

    def select_unit(self, unit: int | None) -> None:
        """Select unit ``unit`` of the hidden layer (one cell of every H-sized vector), or none.

        Raises
        ------
        ValueError
            If ``unit`` is outside 0..H-1 (or not a whole number).
        """
        if unit is not None:
            if isinstance(unit, bool) or not isinstance(unit, int | np.integer):
                raise ValueError(f"unit must be a whole number or None, got {unit!r}")
            unit = int(unit)
            if not 0 <= unit < self.hidden_size:
                raise ValueError(
                    f"unit {unit} is outside 0..{self.hidden_size - 1}: "
                    f"this cell has {self.hidden_size} hidden units"
                )
        if unit != self._selected_unit:
            self._selected_unit = unit
            self.unit_selection_changed.emit(unit)

    @staticmethod
    def gate_of(name: str) -> str | None:
        """The gate a part belongs to (``forget_gate`` → ``forget``), or ``None``."""
        return GATE_OF_PART.get(name)

    # ------------------------------------------------------------ loading
    def load_preset(self, preset: Preset | str) -> None:
        """Replace everything with a preset (by name or loaded); t goes back to 0."""
        if isinstance(preset, str):
            preset = load_preset(preset)
        unit_before = self._selected_unit
        self._set_preset(preset)
        self._announce_replaced(unit_before)

    def _announce_replaced(self, unit_before: int | None) -> None:
        self.replaced.emit()
        self.params_changed.emit()
        self.initial_state_changed.emit()
        self.inputs_changed.emit()
        self.selection_changed.emit(self._selected)
        if self._selected_unit != unit_before:
            self.unit_selection_changed.emit(self._selected_unit)
        self.trace_changed.emit()

    def snapshot(self, view: dict[str, object] | None = None) -> Lesson:
        """The whole state as a :class:`~simulator.io.lessons.Lesson`, ready to save."""
        return Lesson(
            params=self._params,
            inputs=self._inputs.copy(),
            h0=self.h0.copy(),
            c0=self.c0.copy(),
            t=self._t,
            step_labels=self._step_labels,
            preset_name=self._preset_name,
            title=self._title,
            description=self._description,
            view={
                "selected": self._selected,
                **({} if self._selected_unit is None else {"selected_unit": self._selected_unit}),
                **(view or {}),
            },
        )

    def restore(self, lesson: Lesson) -> None:
        """Replace everything with a saved lesson, at its saved step (and its selected part and unit)."""
        unit_before = self._selected_unit
        self._set_all(lesson.params, lesson.inputs, lesson.h0, lesson.c0, lesson.step_labels,
                      lesson.preset_name, lesson.title, lesson.description)
        selected = lesson.view.get("selected")
        if isinstance(selected, str) and selected in PART_NAMES:
            self._selected = selected
        unit = lesson.view.get("selected_unit")
        if isinstance(unit, int) and not isinstance(unit, bool) and 0 <= unit < self.hidden_size:
            self._selected_unit = unit
        self._ensure_computed(lesson.t)
        self._t = lesson.t
        self._announce_replaced(unit_before)

    def _set_preset(self, preset: Preset) -> None:
        self._set_all(
            preset.params, preset.inputs, preset.h0, preset.c0, preset.step_labels, preset.name, preset.title,
            preset.description,
        )

    def _set_all(self, params, inputs, h0, c0, labels, name, title, description="") -> None:
        if self._selected_unit is not None and params.hidden_size != self.hidden_size:
            self._selected_unit = None  # unit k of another hidden size is another unit
        self._params = params
        self._inputs = np.array(inputs, dtype=params.dtype)
        self._step_labels = tuple(labels)
        self._preset_name = name
        self._title = title
        self._description = description
        self._t = 0
        self._trace = Trace.for_params(params, h0, c0, capacity=max(self._inputs.shape[0], 1))

    def _recompute(self) -> None:
        """Recompute the trace from 0 to t with the current weights, inputs and initial state."""
        self._trace = run(self._params, self._inputs[: self._replay_stop()], self.h0, self.c0)

    def _replay_stop(self, start: int = 0) -> int:
        """Where an edit's recompute from step ``start`` stops: at t, or :attr:`replay_limit` steps on.

        In the second case t moves back there and the step it was at waits in ``_replay_to``.
        """
        limit = self.replay_limit
        if limit is not None and self._t - start > limit:
            self._replay_to = max(self._replay_to or 0, self._t)
            self._t = start + limit
        return self._t

    def _request_replay(self) -> None:
        target, self._replay_to = self._replay_to, None
        if target is not None:
            self.replay_requested.emit(target)


__all__ = ["DEFAULT_PRESET", "PART_NAMES", "Session", "Signal"]
