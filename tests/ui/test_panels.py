"""The side panels, driven through their own widgets, checked in both directions."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLineEdit, QMessageBox

from simulator import explain, generators
from simulator.engine import LSTMParams
from simulator.io.errors import LoadError
from simulator.io.presets import Preset, load_preset
from simulator.session import Session
from simulator.ui.panels import InputsPanel, InspectorPanel, ValueSlider, WeightsPanel
from simulator.ui.undo import UndoableEdits


@pytest.fixture
def session() -> Session:
    return Session()


@pytest.fixture
def stack(qtbot) -> QUndoStack:
    return QUndoStack()


@pytest.fixture
def edits(session: Session, stack: QUndoStack) -> UndoableEdits:
    return UndoableEdits(session, stack)


@pytest.fixture
def inputs_panel(qtbot, session: Session, edits: UndoableEdits) -> InputsPanel:
    panel = InputsPanel(session, edits)
    qtbot.addWidget(panel)
    return panel


@pytest.fixture
def weights_panel(qtbot, session: Session, edits: UndoableEdits) -> WeightsPanel:
    panel = WeightsPanel(session, edits)
    qtbot.addWidget(panel)
    return panel


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *rest: shown.append(text))
    return shown


def drag(slider: ValueSlider, *positions: int) -> None:
    """Press the slider, move it through ``positions`` and let go, as a mouse drag does."""
    slider.slider.setSliderDown(True)
    for position in positions:
        slider.slider.setValue(position)
    slider.slider.setSliderDown(False)


def big_session(H: int = 64, D: int = 2) -> Session:
    params = LSTMParams.random(D, H, seed=5)
    preset = Preset("big", "Big", "", params, np.zeros((6, D)), np.zeros(H), np.zeros(H))
    return Session(preset)


# --------------------------------------------------------------------------- inputs
def test_editing_a_cell_changes_the_inputs_and_the_trace(inputs_panel, session, stack) -> None:
    session.seek(4)
    before = session.current_step().hidden.copy()
    model = inputs_panel.model
    assert model.setData(model.index(2, 1), "0.75")
    assert session.inputs[2, 1] == 0.75
    assert session.trace.inputs[2, 1] == 0.75
    assert not np.array_equal(session.current_step().hidden, before)
    assert model.data(model.index(2, 1)) == "0.75"
    stack.undo()
    assert session.inputs[2, 1] == 0.5
    np.testing.assert_array_equal(session.current_step().hidden, before)


def test_editing_through_the_cell_editor(qtbot, inputs_panel, session) -> None:
    index = inputs_panel.model.index(0, 0)
    inputs_panel.table.edit(index)
    editor = inputs_panel.table.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    assert float(editor.text()) == 1.0
    editor.setText("-2.5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: session.inputs[0, 0] == -2.5)


@pytest.mark.parametrize("text", ["abc", "nan", "NaN", "inf", ""])
def test_non_numbers_are_refused(inputs_panel, session, stack, text) -> None:
    before = session.inputs.copy()
    assert not inputs_panel.model.setData(inputs_panel.model.index(1, 0), text)
    np.testing.assert_array_equal(session.inputs, before)
    assert stack.count() == 0
    assert not inputs_panel.status.isHidden()
    assert "step 2" in inputs_panel.status.text() and "kept the old value" in inputs_panel.status.text()
    assert inputs_panel.model.setData(inputs_panel.model.index(1, 0), "3")
    assert inputs_panel.status.isHidden()


def test_current_row_is_highlighted_and_the_sliders_edit_it(inputs_panel, session, stack) -> None:
    model = inputs_panel.model
    background = Qt.ItemDataRole.BackgroundRole
    assert model.data(model.index(0, 0), background) is None
    session.seek(3)
    assert model.current_row == 2
    assert model.data(model.index(2, 0), background) is not None
    assert model.data(model.index(1, 0), background) is None
    x0, x1 = inputs_panel.sliders()
    assert (x0.value(), x1.value()) == (0.5, 0.5)
    drag(x1, 80, -120, -175)
    assert session.inputs[2, 1] == -1.75
    assert session.current_step().inputs[1] == -1.75
    assert stack.count() == 1
    stack.undo()
    assert session.inputs[2, 1] == 0.5
    assert x1.value() == 0.5 and x1.slider.value() == 50


def test_input_slider_at_t0_edits_the_first_row(inputs_panel, session) -> None:
    inputs_panel.sliders()[0].spin.setValue(2.0)
    assert session.inputs[0, 0] == 2.0


def test_generators_make_the_right_arrays() -> None:
    wave = generators.sine(8, 1, amplitude=2.0, period=4.0, phase=0.0)[:, 0]
    np.testing.assert_allclose(wave, [0, 2, 0, -2, 0, 2, 0, -2], atol=1e-12)
    np.testing.assert_array_equal(
        generators.pulse(6, 2, start=2, width=3, height=1.5)[:, 1], [0, 1.5, 1.5, 1.5, 0, 0]
    )
    np.testing.assert_array_equal(generators.constant(3, 2, value=-1.0), -np.ones((3, 2)))
    a = generators.random(5, 2, seed=4, scale=0.5)
    np.testing.assert_array_equal(a, generators.random(5, 2, seed=4, scale=0.5))
    assert np.abs(a).max() <= 0.5 and not np.array_equal(a[:, 0], a[:, 1])
    with pytest.raises(ValueError, match="period"):
        generators.sine(4, period=0.0)


def test_generate_sine_for_all_dimensions(inputs_panel, session, stack) -> None:
    box = inputs_panel.generator
    assert box.length_box.value() == session.length
    box.kind_box.setCurrentIndex(box.kind_box.findData("sine"))
    box.options["sine"]["amplitude"].setValue(0.5)
    box.options["sine"]["period"].setValue(4.0)
    box.length_box.setValue(20)
    box.generate_button.click()
    expected = 0.5 * np.sin(2 * np.pi * np.arange(20) / 4.0)
    assert session.inputs.shape == (20, 2)
    np.testing.assert_allclose(session.inputs[:, 0], expected)
    np.testing.assert_allclose(session.inputs[:, 1], expected)
    assert inputs_panel.model.rowCount() == 20
    stack.undo()
    assert session.length == 12 and box.length_box.value() == 12


def test_generate_a_pulse_in_one_dimension_keeps_the_other(inputs_panel, session) -> None:
    box = inputs_panel.generator
    other = session.inputs[:, 0].copy()
    box.kind_box.setCurrentIndex(box.kind_box.findData("pulse"))
    box.target_box.setCurrentIndex(box.target_box.findData(1))
    box.options["pulse"]["start"].setValue(3)
    box.options["pulse"]["width"].setValue(2)
    box.generate_button.click()
    np.testing.assert_array_equal(session.inputs[:, 0], other)
    np.testing.assert_array_equal(session.inputs[:5, 1], [0, 0, 1, 1, 0])


def fake_reader(monkeypatch, read) -> None:
    module = types.ModuleType("simulator.io.sequences")
    module.read_inputs = read
    monkeypatch.setitem(sys.modules, "simulator.io.sequences", module)


def test_import_replaces_the_inputs(monkeypatch, inputs_panel, session, warnings) -> None:
    fake_reader(monkeypatch, lambda path: np.arange(8.0).reshape(4, 2))
    assert inputs_panel.import_file("/data/seq.npy")
    assert session.inputs.shape == (4, 2) and session.inputs[3, 1] == 7.0
    assert warnings == []


@pytest.mark.parametrize(
    ("read", "message"),
    [
        (lambda path: (_ for _ in ()).throw(LoadError(path, "row 3: 'x' is not a number")), "not a number"),
        (lambda path: np.zeros((4, 5)), "input"),
    ],
)
def test_import_errors_warn_and_change_nothing(
    monkeypatch, inputs_panel, session, stack, warnings, read, message
):
    fake_reader(monkeypatch, read)
    before = session.inputs.copy()
    assert not inputs_panel.import_file("/data/bad.csv")
    np.testing.assert_array_equal(session.inputs, before)
    assert stack.count() == 0
    assert len(warnings) == 1 and message in warnings[0] and "\n" not in warnings[0]


def test_import_a_real_csv(tmp_path, inputs_panel, session) -> None:
    pytest.importorskip("simulator.io.sequences")
    path = tmp_path / "x.csv"
    path.write_text("1,2\n3,4\n5,6\n")
    assert inputs_panel.import_file(path)
    np.testing.assert_array_equal(session.inputs, [[1, 2], [3, 4], [5, 6]])


# --------------------------------------------------------------------------- weights
def test_a_slider_per_weight_labelled_by_symbol(weights_panel) -> None:
    labels = set(weights_panel.sliders())
    assert {"W_f[0,1]", "U_f[2,0]", "b_f[1]", "h_0[2]", "C_0[0]"} <= labels
    assert len(labels) == 3 * 2 + 3 * 3 + 3 + 2 * 3
    assert not weights_panel.heatmap_mode
    assert weights_panel.sliders()["W_f[2,0]"].spin.value() == 20.0


def test_dragging_a_weight_is_one_undo_step(weights_panel, session, stack) -> None:
    session.seek(1)
    params, gate = session.params, session.current_step().forget_gate.copy()
    slider = weights_panel.sliders()["W_f[1,0]"]
    drag(slider, 50, 120, 230)
    assert session.params.forget.input_weights[1, 0] == 2.3
    assert session.current_step().forget_pre[1] == pytest.approx(2.3)
    assert session.current_step().forget_gate[1] == pytest.approx(1 / (1 + np.exp(-2.3)))
    assert stack.count() == 1
    drag(slider, 100)
    assert stack.count() == 2
    stack.undo()
    stack.undo()
    assert session.params == params
    np.testing.assert_array_equal(session.current_step().forget_gate, gate)
    assert slider.slider.value() == 0 and slider.spin.value() == 0.0


def test_spin_box_and_slider_stay_in_sync(weights_panel, session, stack) -> None:
    slider = weights_panel.sliders()["b_f[1]"]
    slider.spin.setValue(3.25)
    assert session.params.forget.bias[1] == 3.25
    assert slider.slider.value() == 325
    slider.spin.setValue(40.0)  # beyond the slider's ±6
    assert session.params.forget.bias[1] == 40.0
    assert slider.slider.value() == slider.slider.maximum() == 600
    stack.undo()
    assert (slider.spin.value(), slider.slider.value()) == (3.25, 325)
    stack.undo()
    assert (slider.spin.value(), slider.slider.value()) == (0.0, 0)
    weights_panel.range_box.setValue(2.0)
    assert slider.slider.maximum() == 200


def test_initial_state_sliders(weights_panel, session, stack) -> None:
    drag(weights_panel.sliders()["C_0[1]"], 10, -30)
    assert session.c0[1] == -0.3
    stack.undo()
    assert session.c0[1] == 0.64


def test_gate_follows_the_selection_and_selects(weights_panel, session) -> None:
    session.select("output_gate")
    assert weights_panel.gate == "output"
    assert weights_panel.gate_box.currentData() == "output"
    assert weights_panel.sliders()["W_o[2,1]"].value() == 1.0
    session.select("cell")  # not a gate: the panel keeps what it shows
    assert weights_panel.gate == "output"
    weights_panel.gate_box.setCurrentIndex(weights_panel.gate_box.findData("candidate"))
    assert session.selected == "candidate"
    weights_panel.sliders()["U_C[1,2]"].spin.setValue(-0.7)
    assert session.params.candidate.recurrent_weights[1, 2] == -0.7


def test_heatmap_mode_for_a_big_cell(qtbot, stack) -> None:
    session = big_session()
    panel = WeightsPanel(session, UndoableEdits(session, stack))
    qtbot.addWidget(panel)
    panel.resize(520, 640)
    assert panel.heatmap_mode
    assert len(panel.sliders()) == 1
    heatmap = panel.heatmap("recurrent")
    heatmap.resize(256, 256)
    qtbot.mouseClick(heatmap, Qt.MouseButton.LeftButton, pos=heatmap.cell_rect(5, 7).center().toPoint())
    assert panel.picked == ("weight", "recurrent", (5, 7))
    editor = panel.sliders()["U_f[5,7]"]
    assert editor.spin.value() == pytest.approx(session.params.forget.recurrent_weights[5, 7], abs=1e-3)
    drag(editor, 40, 90)
    assert session.params.forget.recurrent_weights[5, 7] == 0.9
    assert heatmap.values()[5, 7] == 0.9
    assert stack.count() == 1
    panel.heatmap("c0").resize(12, 256)
    qtbot.mouseClick(
        panel.heatmap("c0"),
        Qt.MouseButton.LeftButton,
        pos=panel.heatmap("c0").cell_rect(63, 0).center().toPoint(),
    )
    assert panel.picked == ("state", "c0", (63,))
    panel.sliders()["C_0[63]"].spin.setValue(1.5)
    assert session.c0[63] == 1.5


def test_randomize_is_reproducible_and_undoable(weights_panel, session, stack) -> None:
    original = session.params
    weights_panel.seed_box.setValue(7)
    weights_panel.randomize_button.click()
    assert session.params == LSTMParams.random(2, 3, seed=7)
    w00 = weights_panel.sliders()["W_f[0,0]"]
    assert w00.value() == session.params.forget.input_weights[0, 0] != original.forget.input_weights[0, 0]
    assert w00.spin.value() == pytest.approx(w00.value(), abs=1e-3)
    stack.undo()
    assert session.params == original
    weights_panel.seed_box.setValue(8)
    weights_panel.randomize_button.click()
    assert session.params != LSTMParams.random(2, 3, seed=7)


def test_reset_to_preset(weights_panel, session, stack, warnings) -> None:
    weights_panel.sliders()["W_f[0,0]"].spin.setValue(1.0)
    weights_panel.reset_button.click()
    assert session.params == load_preset("worked-example").params
    assert warnings == []
    stack.undo()
    assert session.params.forget.input_weights[0, 0] == 1.0


def test_reset_uses_the_getter_and_reports_failures(qtbot, session, edits, warnings) -> None:
    target = LSTMParams.random(2, 3, seed=11)
    panel = WeightsPanel(session, edits, preset_params_getter=lambda: target)
    qtbot.addWidget(panel)
    panel.reset_button.click()
    assert session.params == target
    bad = WeightsPanel(session, edits, preset_params_getter=lambda: LSTMParams.random(2, 5))
    qtbot.addWidget(bad)
    bad.reset_button.click()
    assert session.params == target
    assert len(warnings) == 1 and "do not fit" in warnings[0]


def test_weights_panel_rebuilds_on_load(weights_panel, session) -> None:
    session.load_preset(
        Preset("big", "Big", "", LSTMParams.random(2, 10), np.zeros((3, 2)), np.zeros(10), np.zeros(10))
    )
    assert weights_panel.heatmap_mode
    assert weights_panel.heatmap("input").values().shape == (10, 2)


# --------------------------------------------------------------------------- inspector
def test_inspector_shows_the_formula_and_follows_steps(qtbot, session) -> None:
    panel = InspectorPanel(session)
    qtbot.addWidget(panel)
    session.select("forget_product")
    assert "press Step" in panel.formula_text()
    assert panel.table.isHidden()
    session.step()
    assert panel.formula_text() == "C_{t-1} ⊙ f_t = [0.82×0.00, 0.64×0.50, 0.53×1.00] = [0.00, 0.32, 0.53]"
    np.testing.assert_array_equal(panel.vector.values(), session.current_step().forget_product)
    assert "what the cell keeps" in panel.heading.text()
    session.step()
    assert panel.formula_text() == explain.formula("forget_product", session.current_step(), session.params)
    session.select("hidden")
    assert panel.formula_text().startswith("h_t = o_t ⊙ tanh(C_t) = [")
    assert panel.vector.rowCount() == 3


def test_inspector_at_t0_shows_the_initial_state(qtbot, session) -> None:
    panel = InspectorPanel(session)
    qtbot.addWidget(panel)
    session.select("cell_prev")
    assert panel.formula_text() == "C_{t-1} = C_0 = [0.82, 0.64, 0.53]"
    np.testing.assert_array_equal(panel.vector.values(), session.c0)
    session.select("inputs")
    assert panel.formula_text() == "x_t = x_1 = [1.00, 0.00]"


def test_inspector_keeps_its_place_in_a_long_table_while_stepping(qtbot) -> None:
    """A new step of the same part updates the numbers where they are: the table is not laid out
    anew, so a reader scrolled down to unit 50 stays there."""
    session = big_session(H=64)
    panel = InspectorPanel(session)
    qtbot.addWidget(panel)
    panel.resize(400, 500)
    panel.show()
    qtbot.waitExposed(panel)
    session.select("hidden")
    session.step()
    bar = panel.table.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    resets = []
    panel.vector.modelReset.connect(lambda: resets.append(1))
    session.step()
    qtbot.wait(20)
    assert bar.value() == bar.maximum() > 0 and resets == []
    assert panel.vector.values()[63] == pytest.approx(session.current_step().hidden[63])
    session.select("forget_gate")  # another part: the same length, new colours and numbers
    assert panel.vector.values()[0] == pytest.approx(session.current_step().forget_gate[0])


def test_inspector_lists_every_unit_of_a_big_cell(qtbot) -> None:
    session = big_session(H=200)
    panel = InspectorPanel(session)
    qtbot.addWidget(panel)
    session.select("hidden")
    session.step()
    assert panel.vector.rowCount() == 200
    assert "… 195 more" in panel.formula_text()
