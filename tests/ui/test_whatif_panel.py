"""The What-If dock: Duplicate Run, one undoable change through the form, curves equal to the model's."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from simulator.ui import MainWindow
from simulator.ui.panels import whatif
from simulator.ui.panels.whatif import EMPTY_TEXT, MOST_CHANGED, WhatIfPanel


@pytest.fixture
def window(qtbot) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def panel(window: MainWindow) -> WhatIfPanel:
    return window.docks["whatif"].widget()


def duplicate(window: MainWindow, qtbot) -> None:
    window.actions_by_name["action_duplicate_run"].trigger()
    dock = window.docks["whatif"]
    qtbot.waitUntil(lambda: not dock.visibleRegion().isEmpty())


def change_weight(panel: WhatIfPanel, gate: int, part: int, row: int, column: int, value: float) -> bool:
    form = panel.form
    form.kind_box.setCurrentIndex(form.kind_box.findData("weight"))
    form.gate_box.setCurrentIndex(gate)
    form.part_box.setCurrentIndex(part)
    form.row_box.setValue(row)
    form.column_box.setValue(column)
    form.value_box.setValue(value)
    return form.apply()


def assert_curves_show_the_model(panel: WhatIfPanel) -> None:
    model, field, unit = panel.model, panel.field(), panel.unit()
    baseline = getattr(model.baseline.trace, field)[:, unit]
    changed = getattr(model.changed_trace(), field)[:, unit]
    difference = model.difference(field)[:, unit]
    for curve, values in (
        (panel.baseline_curve, baseline),
        (panel.changed_curve, changed),
        (panel.difference_curve, difference),
    ):
        np.testing.assert_array_equal(curve.yData, values)
        np.testing.assert_array_equal(curve.xData, np.arange(1, len(values) + 1))
    assert panel.summary.text() == model.summary(field)


def test_install_adds_a_tab_beside_the_plots_an_action_and_a_menu_entry(window: MainWindow) -> None:
    dock = window.docks["whatif"]
    assert dock.objectName() == "dock_whatif" and window.what_if is dock
    assert dock in window.tabifiedDockWidgets(window.docks["plots"])
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    toggle = dock.toggleViewAction()
    assert toggle.objectName() == "action_show_whatif" and toggle in window.menus["view"].actions()
    action = window.actions_by_name["action_duplicate_run"]
    assert action.objectName() == "action_duplicate_run" and action.toolTip()
    assert action in (window.menus.get("model") or window.menus["run"]).actions()
    assert action.shortcut() == QKeySequence("Ctrl+Shift+D")
    owners = [a for a in window.findChildren(type(action)) if QKeySequence("Ctrl+Shift+D") in a.shortcuts()]
    assert owners == [action]
    assert whatif.install(window) is dock  # installing twice adds nothing


def test_empty_state_until_duplicated(window: MainWindow, panel: WhatIfPanel, qtbot) -> None:
    assert not panel.model.active
    assert panel.pages.currentWidget() is panel.empty and panel.empty.text() == EMPTY_TEXT
    assert not panel.clear_button.isEnabled()
    duplicate(window, qtbot)
    assert panel.model.active and panel.pages.currentWidget() is not panel.empty
    assert panel.summary.text() == "h_t: no difference"
    assert panel.changes_list.item(0).text().startswith("None yet")
    panel.clear_button.click()
    assert not panel.model.active and panel.pages.currentWidget() is panel.empty


def test_a_weight_change_through_the_form_is_one_undo_step(
    window: MainWindow, panel: WhatIfPanel, qtbot
) -> None:
    session, stack = window.session, window.undo_stack
    duplicate(window, qtbot)
    old = float(session.params.part("forget", "input")[1, 0])
    steps = stack.count()
    assert change_weight(panel, gate=0, part=0, row=1, column=0, value=old + 2.5)
    assert session.params.part("forget", "input")[1, 0] == old + 2.5
    assert stack.count() == steps + 1
    assert panel.model.changes() == [f"W_f[1, 0]: {old:g} → {old + 2.5:g}"]
    assert panel.changes_list.item(0).text() == panel.model.changes()[0]
    assert "W_f[1, 0]" in panel.form.message.text() and "→" in panel.form.message.text()
    assert panel.model.difference("hidden").any()
    assert_curves_show_the_model(panel)
    stack.undo()
    assert session.params.part("forget", "input")[1, 0] == old
    assert panel.model.changes() == [] and not panel.model.difference("hidden").any()
    assert_curves_show_the_model(panel)


def test_curves_follow_field_unit_and_edits_made_elsewhere(
    window: MainWindow, panel: WhatIfPanel, qtbot
) -> None:
    duplicate(window, qtbot)
    panel.field_box.setCurrentIndex(panel.field_box.findData("forget_gate"))
    panel.unit_box.setCurrentIndex(panel.unit_box.findData(2))
    assert (panel.field(), panel.unit()) == ("forget_gate", 2)
    window.edits.set_input_value(4, 1, 3.0)  # as the Inputs panel would
    assert panel.model.changes()[0].startswith("x_5[1]: ")
    assert_curves_show_the_model(panel)
    assert not panel.difference_curve.yData[:4].any() and panel.difference_curve.yData[4:].any()
    panel.unit_box.setCurrentIndex(panel.unit_box.findData(MOST_CHANGED))
    diff = panel.model.difference("forget_gate")
    assert panel.unit() == int(np.argmax(np.abs(diff).max(axis=0)))
    assert_curves_show_the_model(panel)


def test_an_input_change_through_the_form_without_a_baseline_duplicates_first(
    window: MainWindow, panel: WhatIfPanel
) -> None:
    session, form = window.session, panel.form
    old = float(session.inputs[2, 0])
    form.kind_box.setCurrentIndex(form.kind_box.findData("input"))
    form.step_box.setValue(3)
    form.dim_box.setValue(0)
    assert form.current.text() == f"x_3[0] = {old:g}"
    form.value_box.setValue(old + 1)
    assert form.apply()
    assert panel.model.active and session.inputs[2, 0] == old + 1
    assert float(panel.model.baseline.inputs[2, 0]) == old
    assert panel.model.changes() == [f"x_3[0]: {old:g} → {old + 1:g}"]


def test_cursors_follow_the_current_step(window: MainWindow, panel: WhatIfPanel, qtbot) -> None:
    duplicate(window, qtbot)
    window.session.seek(5)
    assert [cursor.value() for cursor in panel.cursors] == [5, 5]


@pytest.mark.parametrize(
    ("apply", "message"),
    [
        (lambda form: form.apply_weight("forget", "input", (5, 0), 1.0), "No weight W_f[5, 0]"),
        (lambda form: form.apply_weight("forget", "bias", (0, 1), 1.0), "No weight b_f[0, 1]"),
        (lambda form: form.apply_weight("forgot", "input", (0, 0), 1.0), "No gate 'forgot'"),
        (lambda form: form.apply_weight("forget", "peephole", (0,), 1.0), "No weight part"),
        (lambda form: form.apply_input(99, 0, 1.0), "No step 100"),
        (lambda form: form.apply_input(0, 7, 1.0), "No input dimension 7"),
        (lambda form: form.apply_input(0, 0, float("nan")), "finite"),
    ],
)
def test_a_bad_entry_shows_a_message_and_changes_nothing(
    window: MainWindow, panel: WhatIfPanel, qtbot, apply, message
) -> None:
    duplicate(window, qtbot)
    params, inputs, steps = window.session.params, window.session.inputs.copy(), window.undo_stack.count()
    assert apply(panel.form) is False
    assert panel.form.message.text().startswith(message) or message in panel.form.message.text()
    assert "\n" not in panel.form.message.text()
    assert window.session.params == params and np.array_equal(window.session.inputs, inputs)
    assert window.undo_stack.count() == steps and panel.model.changes() == []


def test_apply_without_a_new_value_asks_for_one(window: MainWindow, panel: WhatIfPanel) -> None:
    steps = window.undo_stack.count()
    assert panel.form.apply() is False
    assert panel.form.message.text().startswith("Type a new value")
    assert window.undo_stack.count() == steps and not panel.model.active


def test_a_preset_of_another_size_clears_the_baseline(window: MainWindow, panel: WhatIfPanel, qtbot) -> None:
    duplicate(window, qtbot)
    window.session.load_preset("sine-predictor")
    assert not panel.model.active and panel.pages.currentWidget() is panel.empty
    assert panel.unit_box.count() == window.session.hidden_size + 1
    assert panel.form.row_box.maximum() == window.session.hidden_size - 1
    assert panel.form.dim_box.maximum() == window.session.input_size - 1


def test_the_plots_take_the_theme(window: MainWindow, panel: WhatIfPanel, qtbot) -> None:
    window.actions_by_name["action_theme_dark"].trigger()
    view = panel.history_plot.getViewWidget()
    qtbot.waitUntil(lambda: view.backgroundBrush().color().name() == "#1b1d21")
    assert panel.history_plot.getAxis("left").textPen().color().name() == "#d6d9dd"
    window.actions_by_name["action_theme_light"].trigger()
    qtbot.waitUntil(lambda: view.backgroundBrush().color().name() == "#ffffff")


def test_a_hidden_tab_catches_up_when_shown_again(window: MainWindow, panel: WhatIfPanel, qtbot) -> None:
    duplicate(window, qtbot)
    window.docks["plots"].raise_()
    qtbot.waitUntil(lambda: window.docks["whatif"].visibleRegion().isEmpty())
    window.edits.set_weight("output", "bias", (0,), 4.0)  # as the Weights panel would
    window.docks["whatif"].raise_()
    qtbot.waitUntil(
        lambda: panel.changes_list.count() > 0 and panel.changes_list.item(0).text().startswith("b_o")
    )
    assert_curves_show_the_model(panel)
