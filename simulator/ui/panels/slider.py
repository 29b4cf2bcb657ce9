"""A labelled slider with a spin box beside it, for one number of the model."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from simulator.ui.value_entry import VALUE_LIMIT, FieldMessage, FiniteSpinBox

STEPS_PER_UNIT = 100
"""Slider positions per unit of value: a resolution of 0.01."""

SPIN_LIMIT = VALUE_LIMIT
"""The spin box accepts any value within ±SPIN_LIMIT, beyond the slider's range."""


class ValueSlider(QWidget):
    """A label, a slider over ±``limit`` and a spin box that takes any finite value within ±SPIN_LIMIT.

    The widget never changes the model itself: it emits :attr:`value_edited`
    with the new value and whether the slider is being dragged, and
    :attr:`drag_finished` when the slider is released. The model's value comes
    back through :meth:`set_value`, which blocks the widget's signals.

    Typed text that is not a finite number within ±SPIN_LIMIT (``nan``, ``inf``,
    ``1e400``, ``abc``) is refused: nothing is emitted, the spin box keeps its
    value and :attr:`message` shows why under the row until the next valid entry.

    Parameters
    ----------
    label : str
        Text in front of the slider, e.g. ``W_f[0,1]``.
    tooltip : str
        What the number is; shown on the label, the slider and the spin box.
    limit : float
        The slider runs from −limit to +limit.
    label_width : int
        Minimum width of the label in pixels, so rows of sliders line up.
    parent : QWidget, optional
    """

    value_edited = Signal(float, bool)
    """``(value, dragging)``: the user moved the slider or typed a value."""
    drag_finished = Signal()
    """The user let go of the slider."""

    def __init__(
        self,
        label: str,
        tooltip: str,
        limit: float = 6.0,
        label_width: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.label = QLabel(label)
        self.label.setMinimumWidth(label_width)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setSingleStep(1)
        self.slider.setPageStep(STEPS_PER_UNIT // 10)
        self.slider.setMinimumWidth(80)
        self.spin = FiniteSpinBox()
        self.spin.setRange(-SPIN_LIMIT, SPIN_LIMIT)
        self.spin.setDecimals(3)
        self.spin.setSingleStep(1 / STEPS_PER_UNIT)
        self.spin.setKeyboardTracking(False)
        self.spin.setMinimumWidth(80)
        self.spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.message = FieldMessage()
        self.message.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.set_tooltip(tooltip)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.slider, 1)
        row.addWidget(self.spin)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self._value = 0.0
        self.set_limit(limit)
        self.slider.valueChanged.connect(self._on_slider)
        self.slider.sliderReleased.connect(self.drag_finished)
        self.spin.valueChanged.connect(self._on_spin)
        self.spin.message_changed.connect(self.message.show_message)

    def value(self) -> float:
        """The value last set or edited."""
        return self._value

    def set_value(self, value: float) -> None:
        """Show ``value`` (from the model) without emitting anything."""
        self._value = float(value)
        with QSignalBlocker(self.spin), QSignalBlocker(self.slider):
            self.spin.setValue(self._value)
            self.slider.setValue(self._position(self._value))

    def set_limit(self, limit: float) -> None:
        """Let the slider run over ±``limit``; the spin box keeps accepting any value."""
        steps = round(float(limit) * STEPS_PER_UNIT)
        with QSignalBlocker(self.slider):
            self.slider.setRange(-steps, steps)
            self.slider.setValue(self._position(self._value))

    def set_label(self, text: str, tooltip: str) -> None:
        """Change what the slider is labelled as (a new weight picked, a new gate)."""
        if text != self.label.text():
            self.spin.clear_message()  # it was about the number edited before
        self.label.setText(text)
        self.set_tooltip(tooltip)

    def set_tooltip(self, tooltip: str) -> None:
        self.label.setToolTip(tooltip)
        self.slider.setToolTip(f"{tooltip}\nDrag to change it; the diagram follows live.")
        self.spin.set_help(
            f"{tooltip}\nType any finite value within ±{SPIN_LIMIT:,.0f}, also beyond the slider's range."
        )

    def _position(self, value: float) -> int:
        position = round(value * STEPS_PER_UNIT)
        return min(max(position, self.slider.minimum()), self.slider.maximum())

    def _on_slider(self, position: int) -> None:
        self._value = position / STEPS_PER_UNIT
        self.spin.clear_message()  # a valid entry
        with QSignalBlocker(self.spin):
            self.spin.setValue(self._value)
        self.value_edited.emit(self._value, self.slider.isSliderDown())

    def _on_spin(self, value: float) -> None:
        self._value = float(value)
        with QSignalBlocker(self.slider):
            self.slider.setValue(self._position(self._value))
        self.value_edited.emit(self._value, False)
