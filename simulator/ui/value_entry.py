"""Typed numbers that the cell can use: refuse NaN, ±inf and out-of-range values with a message at the field.

Every place where a user types an input value, a weight, a bias or h0/c0 goes
through this module:

* :func:`parse_finite` reads typed text and raises :class:`ValueError` with a
  one-line message (what is wrong, what is allowed) for anything else;
* :class:`FiniteSpinBox` is a ``QDoubleSpinBox`` that lets any text be typed
  (so ``nan`` is not silently swallowed keystroke by keystroke), refuses it on
  Return or focus-out, keeps its value and shows the message at the field;
* :class:`FiniteItemDelegate` does the same for the cells of a table; its
  editor stays open on Return until the text is a usable number;
* :class:`FieldMessage` is the small inline label under a field.

A refused entry changes nothing: no value is emitted, so no session method is
called and no undo step is pushed. The message goes away on the next valid entry.
"""

from __future__ import annotations

import math

import shiboken6
from PySide6.QtCore import QLocale, QModelIndex, QPersistentModelIndex, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen, QValidator
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

VALUE_LIMIT = 1e6
"""Where a field has no range of its own, typed values must lie within ±VALUE_LIMIT."""

ERROR_COLOR = "#d32f2f"
"""The red of a refused field's border and message, on a light theme."""

ERROR_COLOR_DARK = "#ff8a80"
"""The same on a dark theme, where the darker red is hard to read."""

REFUSED_PROPERTY = "refused"
"""Qt property set to ``True`` on a field while it shows a refusal (usable in style sheets)."""

_NORMAL_TOOLTIP = "finite_entry_tooltip"
"""Qt property keeping a field's own tooltip while the tooltip shows a message."""

_MAX_ECHO = 24
"""Typed text longer than this is shortened when quoted in a message."""


# --------------------------------------------------------------------------- parsing
def parse_finite(
    text: str,
    low: float = -VALUE_LIMIT,
    high: float = VALUE_LIMIT,
    locale: QLocale | None = None,
) -> float:
    """The number typed in ``text`` if it is finite and within ``[low, high]``.

    Parameters
    ----------
    text : str
        What the user typed. Surrounding spaces, a Unicode minus ``−`` and
        Python's spellings (``1e-3``, ``1_000``) are accepted.
    low, high : float
        The allowed range, inclusive.
    locale : QLocale, optional
        Also read numbers written the locale's way (``1,5`` in German), as a
        spin box shows them.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        With a one-line message saying what is wrong and what is allowed, e.g.
        ``NaN is not a number the cell can use: type a finite value between
        −1,000,000 and 1,000,000``.
    """
    typed = str(text).strip()
    allowed = f"type a finite value between {_number(low)} and {_number(high)}"
    if not typed:
        raise ValueError(f"Nothing typed: {allowed}")
    plain = typed.replace("−", "-").replace(" ", "")
    try:
        value = float(plain)
    except ValueError:
        value = _locale_number(plain, locale)
        if value is None:
            raise ValueError(f"{_echo(typed)} is not a number: {allowed}") from None
    if math.isnan(value):
        raise ValueError(f"NaN is not a number the cell can use: {allowed}")
    if math.isinf(value):
        if "inf" in plain.lower():
            sign = "−" if value < 0 else ""
            raise ValueError(f"{sign}Infinity is not a number the cell can use: {allowed}")
        raise ValueError(f"{_echo(typed)} is too large to store (it overflows to infinity): {allowed}")
    if not low <= value <= high:
        raise ValueError(f"{_echo(typed)} is out of range: {allowed}")
    return value


def _locale_number(text: str, locale: QLocale | None) -> float | None:
    if locale is None:
        return None
    value, ok = locale.toDouble(text)
    return float(value) if ok else None


def _number(value: float) -> str:
    """``1000000`` → ``1,000,000``, ``-50`` → ``−50``, ``0.1`` → ``0.1``."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"
    return text.replace("-", "−")


def _echo(text: str) -> str:
    return repr(text if len(text) <= _MAX_ECHO else text[: _MAX_ECHO - 1] + "…")


# --------------------------------------------------------------------------- showing a message
def error_color(widget: QWidget) -> str:
    """The red that reads well on ``widget``'s background (light or dark theme)."""
    dark = widget.palette().color(QPalette.ColorRole.Window).lightness() < 128
    return ERROR_COLOR_DARK if dark else ERROR_COLOR


def mark_field(widget: QWidget, message: str, balloon_parent: QWidget | None = None) -> None:
    """Show ``message`` at ``widget``: a red border, the message as its tooltip and as a balloon below it.

    An empty ``message`` takes all of that away again. A line edit gets its red
    border from a style sheet; any other widget (our spin boxes) is repainted and
    draws the border itself, which keeps the style's own frame and arrows intact.
    ``balloon_parent`` is the widget the balloon belongs to (by default
    ``widget``; pass a longer-lived one for an editor that is about to close).
    The widget's Qt property ``refused`` says whether a message is shown.
    """
    normal = widget.property(_NORMAL_TOOLTIP)
    if message:
        if normal is None:
            widget.setProperty(_NORMAL_TOOLTIP, widget.toolTip())
        widget.setProperty(REFUSED_PROPERTY, True)
        widget.setToolTip(message)
        if isinstance(widget, QLineEdit):
            widget.setStyleSheet(f"QLineEdit {{ border: 2px solid {error_color(widget)}; }}")
        widget.update()
        if widget.isVisible():
            below = widget.mapToGlobal(QPoint(0, widget.height()))
            QToolTip.showText(below, message, balloon_parent or widget)
        return
    if normal is not None:
        shown = widget.toolTip()
        widget.setToolTip(str(normal))
        widget.setProperty(_NORMAL_TOOLTIP, None)
        widget.setProperty(REFUSED_PROPERTY, False)
        if isinstance(widget, QLineEdit):
            widget.setStyleSheet("")
        widget.update()
        if QToolTip.isVisible() and QToolTip.text() == shown:
            QToolTip.hideText()


class FieldMessage(QLabel):
    """A small red line under a field, hidden while there is nothing to say.

    Parameters
    ----------
    tooltip : str
        What the label is for (shown when hovering over the message).
    parent : QWidget, optional
    """

    def __init__(
        self, tooltip: str = "Why the value typed here was refused.", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setToolTip(tooltip)
        self.hide()

    def show_message(self, message: str) -> None:
        """Show ``message``; an empty one hides the label."""
        self.setText(message)
        self.setStyleSheet(f"QLabel {{ color: {error_color(self)}; font-weight: bold; }}")
        self.setVisible(bool(message))


# --------------------------------------------------------------------------- spin box
class FiniteSpinBox(QDoubleSpinBox):
    """A ``QDoubleSpinBox`` that refuses NaN, ±inf and out-of-range text with a message at the field.

    Unlike ``QDoubleSpinBox``, any text can be typed. On Return or focus-out,
    text that is not a finite number within ``[minimum(), maximum()]`` is
    refused: the value stays as it was (no ``valueChanged``), the box gets a
    red border and shows the message as a balloon and tooltip, and
    :attr:`message_changed` carries it for an inline label. The next valid entry
    clears it.

    Parameters
    ----------
    parent : QWidget, optional
    """

    message_changed = Signal(str)
    """The message now shown at the field; ``""`` once a valid entry cleared it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._message = ""
        self._refused_now = False  # fixup() refused the text being committed
        self._typed = False  # the user edited the text since the last commit
        self.setRange(-VALUE_LIMIT, VALUE_LIMIT)
        self.lineEdit().textEdited.connect(self._on_text_edited)
        self.editingFinished.connect(self._on_editing_finished)
        self.valueChanged.connect(self._on_value_changed)

    def message(self) -> str:
        """The message shown at the field, or ``""``."""
        return self._message

    def clear_message(self) -> None:
        """Take the message away (a valid entry, or the field now edits something else)."""
        self._set_message("")

    def set_help(self, tooltip: str) -> None:
        """Set the field's own tooltip, kept aside while a message is shown."""
        if self._message:
            self.setProperty(_NORMAL_TOOLTIP, tooltip)
        else:
            self.setToolTip(tooltip)

    def parse(self, text: str) -> float:
        """The value ``text`` (as shown, with prefix and suffix) stands for; ValueError if unusable."""
        text = text.strip()
        if self.prefix() and text.startswith(self.prefix().strip()):
            text = text[len(self.prefix().strip()) :]
        if self.suffix() and text.endswith(self.suffix().strip()):
            text = text[: -len(self.suffix().strip())]
        return parse_finite(text, self.minimum(), self.maximum(), self.locale())

    # ------------------------------------------------------------ Qt overrides
    def validate(self, text: str, pos: int) -> object:
        try:
            self.parse(text)
        except ValueError:
            return QValidator.State.Intermediate, text, pos  # never Invalid: every keystroke shows
        return QValidator.State.Acceptable, text, pos

    def fixup(self, text: str) -> str:
        # Qt calls this on Return or focus-out when validate() did not accept the text, then puts
        # the previous value back: the place to say why.
        try:
            self.parse(text)
        except ValueError as exc:
            self._refused_now = True
            self._set_message(str(exc))
        return text

    def valueFromText(self, text: str) -> float:
        try:
            return self.parse(text)
        except ValueError:
            return self.value()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._message:  # a red border over the style's own frame
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(QColor(error_color(self)), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 2, 2)
            painter.end()

    # ------------------------------------------------------------ internals
    def _on_text_edited(self, _text: str) -> None:
        self._typed = True

    def _on_editing_finished(self) -> None:
        # A typed entry that was accepted clears the message (even if it equals the value);
        # merely leaving the field after a refusal does not.
        if self._typed and not self._refused_now:
            self.clear_message()
        self._refused_now = self._typed = False

    def _on_value_changed(self, _value: float) -> None:
        if not self._refused_now:
            self.clear_message()

    def _set_message(self, message: str) -> None:
        if not shiboken6.isValid(self):
            return  # Qt asks for a fixup while the window is being torn down: nothing to show
        if message == self._message:
            if message and self.isVisible():
                mark_field(self, message)  # show the balloon again for a repeated refusal
            return
        self._message = message
        mark_field(self, message)
        self.message_changed.emit(message)


# --------------------------------------------------------------------------- table cells
class FiniteValidator(QValidator):
    """Accepts finite numbers within ``[low, high]``; anything else is Intermediate, never Invalid.

    :attr:`refused` is emitted with the message when Qt asks to fix up refused
    text (Return or focus-out in a line edit).
    """

    refused = Signal(str)

    def __init__(self, low: float, high: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.low, self.high = float(low), float(high)

    def validate(self, text: str, pos: int) -> object:
        try:
            parse_finite(text, self.low, self.high)
        except ValueError:
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Acceptable, text, pos

    def fixup(self, text: str) -> str:
        try:
            parse_finite(text, self.low, self.high)
        except ValueError as exc:
            self.refused.emit(str(exc))
        return text


class FiniteItemDelegate(QStyledItemDelegate):
    """Table cells edited as numbers: Return on unusable text keeps the editor open and says why.

    The editor (a ``QLineEdit``) takes any keystroke. When Return, Enter or Tab
    is pressed on text that :func:`parse_finite` refuses, Qt's delegate keeps
    the editor open; it gets a red border and a balloon with the message, and
    :attr:`refused` is emitted. Text left there by clicking elsewhere reaches
    the model's ``setData``, which must refuse it too (see :func:`parse_finite`).

    Parameters
    ----------
    low, high : float
        The allowed range.
    parent : QWidget, optional
    """

    refused = Signal(QModelIndex, str)
    """``(index, message)``: the cell being edited and why its text was refused."""

    def __init__(
        self, low: float = -VALUE_LIMIT, high: float = VALUE_LIMIT, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.low, self.high = float(low), float(high)

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QLineEdit):
            validator = FiniteValidator(self.low, self.high, editor)
            where = QPersistentModelIndex(index)
            validator.refused.connect(lambda message: self._refuse(editor, where, message))
            editor.setValidator(validator)
        return editor

    def _refuse(self, editor: QLineEdit, index: QPersistentModelIndex, message: str) -> None:
        if not shiboken6.isValid(editor):
            return  # the editor lost focus because it is being deleted (the window closes)
        # The balloon belongs to the view's viewport, which outlives the editor.
        mark_field(editor, message, editor.parentWidget())
        if index.isValid():
            self.refused.emit(QModelIndex(index), message)
