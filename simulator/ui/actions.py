"""The action registry: every QAction of the window, keyed by its objectName.

The names listed in :data:`CONTRACT_ACTIONS` are public: tests and automated
checks find the actions by them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget

CONTRACT_ACTIONS = ("action_step", "action_back", "action_play", "action_reset")


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    tip: str
    shortcuts: tuple[QKeySequence | QKeySequence.StandardKey | str, ...] = ()
    icon: QStyle.StandardPixmap | None = None
    checkable: bool = False


SPECS = (
    ActionSpec(
        "action_step", "&Step", "Compute one timestep", ("Right",), QStyle.StandardPixmap.SP_MediaSeekForward
    ),
    ActionSpec(
        "action_back", "&Back", "Go back one timestep", ("Left",), QStyle.StandardPixmap.SP_MediaSeekBackward
    ),
    ActionSpec(
        "action_play",
        "&Play",
        "Play or pause the sequence",
        ("Space",),
        QStyle.StandardPixmap.SP_MediaPlay,
        checkable=True,
    ),
    ActionSpec(
        "action_reset",
        "&Reset",
        "Back to t = 0, the initial state",
        ("Home",),
        QStyle.StandardPixmap.SP_MediaSkipBackward,
    ),
    ActionSpec(
        "action_end",
        "Go to &End",
        "Jump to the last step",
        ("End",),
        QStyle.StandardPixmap.SP_MediaSkipForward,
    ),
    ActionSpec(
        "action_max_speed", "As Fast as &Possible", "Play as fast as the machine allows", (), None, True
    ),
    ActionSpec(
        "action_open_lesson",
        "&Open Lesson…",
        "Open a saved lesson (.lstm.json)",
        (QKeySequence.StandardKey.Open,),
        QStyle.StandardPixmap.SP_DialogOpenButton,
    ),
    ActionSpec(
        "action_save_lesson",
        "&Save Lesson",
        "Save the whole lesson: weights, inputs, h0/c0, step, view",
        (QKeySequence.StandardKey.Save,),
        QStyle.StandardPixmap.SP_DialogSaveButton,
    ),
    ActionSpec(
        "action_save_lesson_as",
        "Save Lesson &As…",
        "Save the lesson under a new name",
        (QKeySequence.StandardKey.SaveAs, "Ctrl+Shift+S"),
    ),
    ActionSpec(
        "action_import_inputs",
        "&Import Inputs…",
        "Read an input sequence from a CSV or NPY file",
        ("Ctrl+I",),
    ),
    ActionSpec(
        "action_export_trace",
        "&Export Trace…",
        "Write every gate and state of every step to CSV or NPZ",
        ("Ctrl+E",),
    ),
    ActionSpec("action_quit", "&Quit", "Quit LSTM Gate Simulator", (QKeySequence.StandardKey.Quit, "Ctrl+Q")),
    ActionSpec(
        "action_randomize",
        "Randomi&ze Weights",
        "Random weights (seeded: the same seed gives the same weights)",
        ("Ctrl+R",),
    ),
    ActionSpec(
        "action_reset_weights",
        "Reset Weights to &Preset",
        "The preset's weights and initial state again",
        ("Ctrl+Shift+R",),
    ),
    ActionSpec("action_fit_diagram", "&Fit Diagram", "Scale the diagram to fill its area", ("Ctrl+0",)),
    ActionSpec("action_shortcuts", "&Keyboard Shortcuts", "List the keyboard shortcuts", ("F1",)),
    ActionSpec("action_about", "&About", "About LSTM Gate Simulator"),
)


def create_actions(parent: QWidget, handlers: dict[str, Callable[..., object]]) -> dict[str, QAction]:
    """Create every action of :data:`SPECS`, connected to ``handlers[name]`` when given.

    Tooltips carry the shortcut, e.g. "Compute one timestep (Right)".
    """
    actions: dict[str, QAction] = {}
    for spec in SPECS:
        action = QAction(spec.text, parent)
        action.setObjectName(spec.name)
        keys: list[QKeySequence] = []
        for shortcut in spec.shortcuts:
            if isinstance(shortcut, QKeySequence.StandardKey):
                keys.extend(QKeySequence.keyBindings(shortcut))
            else:
                keys.append(QKeySequence(shortcut))
        unique = []
        for key in keys:
            if not key.isEmpty() and key not in unique:
                unique.append(key)
        action.setShortcuts(unique)
        if spec.icon is not None:
            action.setIcon(parent.style().standardIcon(spec.icon))
        action.setCheckable(spec.checkable)
        add_shortcut_to_tip(action, spec.tip)
        if spec.name in handlers:
            signal = action.toggled if spec.checkable else action.triggered
            handler = handlers[spec.name]
            signal.connect(lambda *args, h=handler: h(*args))
        parent.addAction(action)
        actions[spec.name] = action
    return actions


def add_shortcut_to_tip(action: QAction, tip: str) -> None:
    """Set the tooltip and status tip, naming the first shortcut if there is one."""
    keys = action.shortcuts()
    text = f"{tip} ({keys[0].toString(QKeySequence.SequenceFormat.NativeText)})" if keys else tip
    action.setToolTip(text)
    action.setStatusTip(tip)
