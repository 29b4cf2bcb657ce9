"""NaN, ±inf, huge values and words typed into inputs, weights and h0/c0: refused at the field.

Each field is driven the way a user drives it: text typed into the spin box's
line edit (or the table's cell editor), then Return or a focus change. A refused
entry must show a message at the field, leave the session as it was and push no
undo step; the next valid entry applies and clears the message.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QLineEdit

from simulator.ui import MainWindow
from simulator.ui.panels.slider import ValueSlider
from simulator.ui.value_entry import VALUE_LIMIT, FiniteSpinBox, parse_finite

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")
"""The balloon (QToolTip) raises its window, which the offscreen test platform only warns about."""

BAD = ["nan", "inf", "-inf", "1e400", "abc"]
"""What the issue lists, typed exactly so."""

WHAT = {
    "nan": "NaN is not a number",
    "inf": "Infinity is not a number",
    "-inf": "−Infinity is not a number",
    "1e400": "too large",
    "abc": "'abc' is not a number",
}
"""A piece of the message each bad entry must produce."""

ALLOWED = "between −1,000,000 and 1,000,000"


@pytest.fixture
def window(qtbot):
    win = MainWindow()
    qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
    win.show()
    qtbot.waitExposed(win)
    return win


def type_and_enter(qtbot, spin: FiniteSpinBox, text: str) -> None:
    """Select what the spin box shows, type ``text`` and press Return, as a user does."""
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)
    assert spin.lineEdit().text() == text  # every keystroke reached the field: none swallowed
    qtbot.keyClick(spin, Qt.Key.Key_Return)


def snapshot(window) -> tuple:
    s = window.session
    return s.params.copy(), s.inputs.copy(), s.h0.copy(), s.c0.copy(), window.undo_stack.count()


def assert_unchanged(window, before: tuple) -> None:
    params, inputs, h0, c0, steps = before
    s = window.session
    assert s.params == params
    np.testing.assert_array_equal(s.inputs, inputs)
    np.testing.assert_array_equal(s.h0, h0)
    np.testing.assert_array_equal(s.c0, c0)
    assert window.undo_stack.count() == steps


def assert_refused_at(slider: ValueSlider, text: str, shown_before: str) -> None:
    """The message is under the row, in the spin box's tooltip, and the box has a red border."""
    message = slider.message.text()
    assert WHAT[text] in message and ALLOWED in message and "\n" not in message
    assert not slider.message.isHidden()
    assert slider.spin.message() == message
    assert slider.spin.toolTip() == message
    assert slider.spin.property("refused") is True  # drawn with a red border
    assert slider.spin.lineEdit().text() == shown_before  # the old value is shown again


def assert_cleared(slider: ValueSlider) -> None:
    assert slider.message.isHidden() and slider.spin.message() == ""
    assert slider.spin.property("refused") is False
    assert "Type any finite value" in slider.spin.toolTip()


# --------------------------------------------------------------------------- parse_finite
@pytest.mark.parametrize("text", BAD)
def test_parse_finite_refuses_with_one_line_saying_what_is_allowed(text) -> None:
    with pytest.raises(ValueError) as info:
        parse_finite(text)
    message = str(info.value)
    assert WHAT[text] in message and ALLOWED in message and "\n" not in message


@pytest.mark.parametrize(
    ("text", "low", "high", "piece"),
    [
        ("", -1, 1, "Nothing typed"),
        ("  ", -1, 1, "Nothing typed"),
        ("51", -50, 50, "'51' is out of range: type a finite value between −50 and 50"),
        ("2e6", -VALUE_LIMIT, VALUE_LIMIT, "'2e6' is out of range"),
        ("NaN", -0.5, 0.5, "NaN is not a number the cell can use: type a finite value between −0.5 and 0.5"),
        ("x" * 40, -1, 1, "…' is not a number"),
    ],
)
def test_parse_finite_messages(text, low, high, piece) -> None:
    with pytest.raises(ValueError) as info:
        parse_finite(text, low, high)
    assert piece in str(info.value)


@pytest.mark.parametrize(
    ("text", "value"), [("1.5", 1.5), (" −2 ", -2.0), ("1e-400", 0.0), ("1e6", 1e6), ("-1_000", -1000.0)]
)
def test_parse_finite_reads_numbers(text, value) -> None:
    assert parse_finite(text) == value


def test_parse_finite_reads_the_locale_s_way() -> None:
    assert parse_finite("1,5", locale=QLocale(QLocale.Language.German)) == 1.5
    with pytest.raises(ValueError, match="not a number"):
        parse_finite("1,5")


# --------------------------------------------------------------------------- (a) a weight
@pytest.mark.parametrize("text", BAD)
def test_a_weight_spin_box_refuses_at_the_field(qtbot, window, text) -> None:
    slider = window.weights_panel.sliders()["W_f[0,1]"]
    shown = slider.spin.lineEdit().text()
    before = snapshot(window)
    type_and_enter(qtbot, slider.spin, text)
    assert_unchanged(window, before)
    assert_refused_at(slider, text, shown)
    assert slider.value() == before[0].forget.input_weights[0, 1]

    type_and_enter(qtbot, slider.spin, "1.25")
    assert window.session.params.forget.input_weights[0, 1] == 1.25
    assert window.undo_stack.count() == before[4] + 1
    assert_cleared(slider)
    assert slider.slider.value() == 125


def test_a_bias_beyond_the_range_is_refused(qtbot, window) -> None:
    slider = window.weights_panel.sliders()["b_f[1]"]
    before = snapshot(window)
    type_and_enter(qtbot, slider.spin, "2000000")
    assert_unchanged(window, before)
    assert "'2000000' is out of range" in slider.message.text() and ALLOWED in slider.message.text()
    type_and_enter(qtbot, slider.spin, "1000000")  # the limit itself is allowed
    assert window.session.params.forget.bias[1] == VALUE_LIMIT
    assert_cleared(slider)


def test_leaving_the_field_refuses_too(qtbot, window) -> None:
    slider = window.weights_panel.sliders()["U_f[1,2]"]
    before = snapshot(window)
    slider.spin.setFocus()
    slider.spin.lineEdit().selectAll()
    qtbot.keyClicks(slider.spin.lineEdit(), "nan")
    window.weights_panel.seed_box.setFocus()
    qtbot.waitUntil(lambda: not slider.message.isHidden())
    assert "NaN" in slider.message.text()
    assert_unchanged(window, before)


def test_the_message_stays_until_a_valid_entry(qtbot, window) -> None:
    slider = window.weights_panel.sliders()["W_f[1,1]"]
    type_and_enter(qtbot, slider.spin, "1e400")
    window.weights_panel.seed_box.setFocus()  # only leaving the field: no new entry
    qtbot.wait(10)
    assert "too large" in slider.message.text() and not slider.message.isHidden()
    slider.spin.setFocus()
    slider.spin.lineEdit().selectAll()
    qtbot.keyClicks(slider.spin.lineEdit(), slider.spin.lineEdit().text())  # the same value, retyped
    qtbot.keyClick(slider.spin, Qt.Key.Key_Return)
    assert_cleared(slider)


def test_the_slider_clears_the_message_and_a_new_gate_too(qtbot, window) -> None:
    slider = window.weights_panel.sliders()["W_f[0,0]"]
    type_and_enter(qtbot, slider.spin, "inf")
    assert "Infinity" in slider.message.text()
    slider.slider.setValue(40)  # dragging is a valid entry
    assert_cleared(slider)
    type_and_enter(qtbot, slider.spin, "abc")
    assert not slider.message.isHidden()
    window.weights_panel.gate_box.setCurrentIndex(window.weights_panel.gate_box.findData("output"))
    assert window.weights_panel.sliders()["W_o[0,0]"] is slider and slider.message.isHidden()


def test_the_input_sliders_of_the_current_step_refuse_too(qtbot, window) -> None:
    slider = window.inputs_panel.sliders()[1]
    before = snapshot(window)
    type_and_enter(qtbot, slider.spin, "-inf")
    assert_unchanged(window, before)
    assert "−Infinity" in slider.message.text()
    type_and_enter(qtbot, slider.spin, "-0.5")
    assert window.session.inputs[0, 1] == -0.5
    assert slider.message.isHidden()


# --------------------------------------------------------------------------- (b) the inputs table
def open_editor(qtbot, panel, row: int, column: int) -> QLineEdit:
    index = panel.model.index(row, column)
    panel.table.setFocus()
    panel.table.setCurrentIndex(index)
    panel.table.edit(index)
    editor = panel.table.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    return editor


@pytest.mark.parametrize("text", BAD)
def test_the_table_editor_refuses_and_stays_open(qtbot, window, text) -> None:
    panel = window.inputs_panel
    index = panel.model.index(1, 0)
    before = snapshot(window)
    editor = open_editor(qtbot, panel, 1, 0)
    qtbot.keyClicks(editor, text)
    assert editor.text() == text
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.wait(10)  # a commit would be queued: give it the chance to (wrongly) happen
    assert panel.table.indexWidget(index) is editor  # still open, with the text to correct
    assert WHAT[text] in editor.toolTip() and ALLOWED in editor.toolTip()
    assert "border" in editor.styleSheet()
    status = panel.status.text()
    assert not panel.status.isHidden()
    assert status.startswith("x[0] of step 2: ") and WHAT[text] in status and "kept the old value" in status
    assert_unchanged(window, before)

    editor.selectAll()
    qtbot.keyClicks(editor, "2.5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session.inputs[1, 0] == 2.5)
    assert window.undo_stack.count() == before[4] + 1
    assert panel.status.isHidden()
    assert panel.table.indexWidget(index) is None


@pytest.mark.parametrize("text", [*BAD, "2e6", ""])
def test_the_table_model_refuses_what_the_editor_commits(window, text) -> None:
    """Leaving a cell editor (a click elsewhere) commits its text through ``setData``."""
    panel = window.inputs_panel
    before = snapshot(window)
    assert not panel.model.setData(panel.model.index(3, 1), text)
    assert_unchanged(window, before)
    assert not panel.status.isHidden() and "x[1] of step 4" in panel.status.text()
    assert panel.model.setData(panel.model.index(3, 1), "−4")
    assert window.session.inputs[3, 1] == -4.0 and panel.status.isHidden()


def test_leaving_a_table_editor_with_nan_keeps_the_old_value(qtbot, window) -> None:
    panel = window.inputs_panel
    before = snapshot(window)
    editor = open_editor(qtbot, panel, 0, 1)
    qtbot.keyClicks(editor, "nan")
    window.weights_panel.seed_box.setFocus()
    qtbot.waitUntil(lambda: panel.table.indexWidget(panel.model.index(0, 1)) is None)
    assert_unchanged(window, before)
    assert "NaN" in panel.status.text() and not panel.status.isHidden()


# --------------------------------------------------------------------------- (c) h0 and c0
@pytest.mark.parametrize("text", BAD)
@pytest.mark.parametrize("label", ["h_0[1]", "C_0[2]"])
def test_initial_state_fields_refuse_at_the_field(qtbot, window, label, text) -> None:
    slider = window.weights_panel.sliders()[label]
    shown = slider.spin.lineEdit().text()
    before = snapshot(window)
    type_and_enter(qtbot, slider.spin, text)
    assert_unchanged(window, before)
    assert_refused_at(slider, text, shown)

    type_and_enter(qtbot, slider.spin, "0.3")
    state = window.session.h0 if label.startswith("h") else window.session.c0
    assert state[int(label[-2])] == 0.3
    assert window.undo_stack.count() == before[4] + 1
    assert_cleared(slider)


# --------------------------------------------------------------------------- generators, extremes
def test_a_generator_value_refuses_nan(qtbot, window) -> None:
    box = window.inputs_panel.generator.options["constant"]["value"]
    assert isinstance(box, FiniteSpinBox)
    box.show()
    type_and_enter(qtbot, box, "nan")
    assert box.value() == 1.0 and "NaN" in box.message() and "NaN" in box.toolTip()
    type_and_enter(qtbot, box, "2")
    assert box.value() == 2.0 and box.message() == ""


def test_the_largest_allowed_values_run_without_warnings(qtbot, window) -> None:
    """Weights, inputs and c0 at ±1e6 through the fields: every step runs, no warning (warnings fail)."""
    sliders = window.weights_panel.sliders()
    type_and_enter(qtbot, sliders["W_f[0,0]"].spin, "1000000")
    type_and_enter(qtbot, sliders["b_f[0]"].spin, "-1e6")
    type_and_enter(qtbot, sliders["C_0[0]"].spin, "1e6")
    type_and_enter(qtbot, window.inputs_panel.sliders()[0].spin, "1e6")
    session = window.session
    session.seek(session.length)
    assert session.t == session.length
    assert np.all(np.isfinite(session.current_step().hidden))
