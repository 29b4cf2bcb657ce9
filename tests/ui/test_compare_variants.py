"""The Compare Variants window: two cells' diagrams, gate histories and h_t side by side."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QAction

from simulator.ui import colors
from simulator.ui.main_window import MainWindow
from simulator.ui.variants.scene import DashedWireItem
from simulator.ui.variants.window import CompareVariantsWindow
from simulator.variants import run_variant


@pytest.fixture
def window(qtbot) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
    return win


@pytest.fixture
def compare(qtbot, window: MainWindow) -> CompareVariantsWindow:
    window.findChild(QAction, "action_compare_variants").trigger()
    comparer = window.compare_variants
    assert isinstance(comparer, CompareVariantsWindow) and comparer.isVisible()
    return comparer


def expected(compare: CompareVariantsWindow, key: str):
    s = compare.session
    return run_variant(key, compare.comparison.weights, s.inputs, s.h0, s.c0)


def test_the_action_is_in_the_run_menu_with_a_shortcut(window: MainWindow):
    action = window.findChild(QAction, "action_compare_variants")
    assert action in window.menus["run"].actions()
    assert action.shortcut().toString() == "Ctrl+Shift+V"
    assert window.actions_by_name["action_compare_variants"] is action


def test_each_side_draws_its_variant_at_the_sessions_step(window: MainWindow, compare: CompareVariantsWindow):
    window.session.seek(4)
    left, right = compare.panes
    gru = expected(compare, "gru").fields
    scene = right.diagram.scene_
    assert set(scene.vectors) == {
        "inputs",
        "hidden_prev",
        "reset_gate",
        "update_gate",
        "candidate",
        "keep_product",
        "write_product",
        "hidden",
    }
    for name in ("reset_gate", "update_gate", "hidden"):
        vector = scene.vectors[name]
        np.testing.assert_allclose([vector.value(u) for u in range(3)], gru[name][3])
        want = colors.qcolors(gru[name][3], colors.kind_of(name))
        assert [c.rgba() for c in vector.colors()] == [c.rgba() for c in want]
    assert colors.kind_of("update_gate") == "gate"
    np.testing.assert_allclose([scene.vectors["hidden_prev"].value(u) for u in range(3)], gru["hidden"][2])
    lstm = window.session.current_step()
    np.testing.assert_allclose(
        [left.diagram.scene_.vectors["forget_gate"].value(u) for u in range(3)], lstm.forget_gate
    )
    window.session.step()
    np.testing.assert_allclose([scene.vectors["hidden"].value(u) for u in range(3)], gru["hidden"][4])


def test_choosing_a_variant_redraws_that_side(compare: CompareVariantsWindow):
    left = compare.panes[0]
    left.chooser.setCurrentIndex(left.chooser.findData("peephole"))
    assert compare.comparison.keys[0] == "peephole"
    scene = left.diagram.scene_
    assert sum(isinstance(w, DashedWireItem) for w in scene.wires) == 3
    assert "p<sub>f</sub>" in left.equations.text()
    left.chooser.setCurrentIndex(left.chooser.findData("cifg"))
    shapes = {(n.part, n.shape_kind) for n in left.diagram.scene_.nodes}
    assert ("input_gate", "one_minus") in shapes and ("input_gate", "box") not in shapes
    assert set(left.gate_curves) == {"forget_gate", "input_gate", "output_gate"}


def test_the_plots_hold_the_runs(window: MainWindow, compare: CompareVariantsWindow):
    compare.unit.setValue(2)
    window.session.seek(3)
    lstm, gru = expected(compare, "lstm").fields, expected(compare, "gru").fields
    x, y = compare.hidden_curves[1].getData()
    np.testing.assert_array_equal(x, np.arange(1, len(gru["hidden"]) + 1))
    np.testing.assert_allclose(y, gru["hidden"][:, 2])
    _, difference = compare.difference_curve.getData()
    np.testing.assert_allclose(difference, gru["hidden"][:, 2] - lstm["hidden"][:, 2])
    _, reset = compare.panes[1].gate_curves["reset_gate"].getData()
    np.testing.assert_allclose(reset, gru["reset_gate"][:, 2])
    assert compare.cursors[0].value() == 3
    assert "Largest |difference|" in compare.note.text()


def test_a_weight_edit_in_the_main_window_reaches_both_sides(
    window: MainWindow, compare: CompareVariantsWindow
):
    window.session.seek(2)
    before = compare.panes[1].diagram.scene_.vectors["hidden"].value(0)
    window.edits.set_weight("candidate", "bias", (0,), 3.0)
    assert compare.panes[1].diagram.scene_.vectors["hidden"].value(0) != before
    np.testing.assert_allclose(
        compare.panes[1].diagram.scene_.vectors["hidden"].value(0),
        expected(compare, "gru").fields["hidden"][1, 0],
    )


def test_keys_step_the_session_and_closing_only_hides(
    qtbot, window: MainWindow, compare: CompareVariantsWindow
):
    step = compare.findChild(QAction, "compare_step")
    step.trigger()
    step.trigger()
    assert window.session.t == 2
    compare.findChild(QAction, "compare_back").trigger()
    assert window.session.t == 1
    compare.close()
    assert not compare.isVisible()
    window.findChild(QAction, "action_compare_variants").trigger()
    assert window.compare_variants is compare and compare.isVisible()


def test_a_new_preset_rebuilds_for_its_sizes(window: MainWindow, compare: CompareVariantsWindow):
    window.open_preset("sentence")
    H = window.session.hidden_size
    assert compare.unit.maximum() == H - 1
    assert compare.panes[1].diagram.scene_.vectors["hidden"].grid.units == H
