"""Start-up pays only for what the first window shows.

Docks tabbed behind another (Weights and Step, Explained behind the Inspector; Breakpoints,
Statistics, Gradient Flow and What-If behind History) exist at once, with their objectNames,
View-menu toggles and actions, but build their panels when first seen or first asked for; the
modules only a dialog, an import, an export or a comparison needs are not imported at start-up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget

from simulator.ui import MainWindow
from simulator.ui.docks import LazyDock
from simulator.ui.panels.gradients import OVERLAY_ACTION
from simulator.ui.settings import Settings

LAZY_DOCKS = ("weights", "explanation", "breakpoints", "statistics", "gradients", "whatif")
"""The docks that start tabbed behind another on a fresh settings file."""

DOCKS = {f"dock_{name}" for name in ("inspector", "plots", "inputs", *LAZY_DOCKS)}

REGISTERED_ACTIONS = {
    "action_about",
    "action_back",
    "action_choose_layer",
    "action_compare_variants",
    "action_duplicate_run",
    "action_end",
    "action_export_diagram_png",
    "action_export_diagram_svg",
    "action_export_gif",
    "action_export_mp4",
    "action_export_plots_png",
    "action_export_trace",
    "action_fit_diagram",
    "action_import_inputs",
    "action_import_model",
    "action_leave_presentation",
    "action_max_speed",
    "action_open_lesson",
    "action_play",
    "action_presentation",
    "action_quit",
    "action_randomize",
    "action_redo",
    "action_reset",
    "action_reset_weights",
    "action_save_lesson",
    "action_save_lesson_as",
    "action_shortcuts",
    OVERLAY_ACTION,
    "action_step",
    "action_theme_dark",
    "action_theme_high_contrast",
    "action_theme_light",
    "action_undo",
    "action_verify_torch",
}
"""The keys of ``window.actions_by_name`` before the panels were built lazily."""

ACTIONS = {
    *REGISTERED_ACTIONS,
    *(f"action_preset_{name}" for name in ("counter", "remember-a-word", "sentence", "sine-predictor")),
    "action_preset_worked-example",
    *(f"action_show_{name}" for name in ("breakpoints", "explanation", "gradients", "statistics", "whatif")),
}
"""Every QAction objectName the window had before the panels were built lazily."""

LATER_MODULES = (
    "simulator.ui.panels.breakpoints",
    "simulator.breakpoints",
    "simulator.ui.panels.statistics",
    "simulator.stats",
    "simulator.ui.panels.weights",
    "simulator.ui.panels.whatif_form",
    "simulator.whatif",
    "simulator.ui.variants.window",
    "simulator.comparison",
    "simulator.ui.export",
    "simulator.io.models",
    "simulator.io.sequences",
    "simulator.io.importers",
    "simulator.ui.errors",
)
"""Modules the first window does not need: panels tabbed behind others, dialogs, readers, exporters."""


@pytest.fixture
def window(qtbot) -> MainWindow:
    win = MainWindow(restore=False)
    qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
    win.show()
    qtbot.waitExposed(win)
    return win


def built(window: MainWindow) -> set[str]:
    return {name for name, dock in window.docks.items() if not isinstance(dock, LazyDock) or dock.built}


def raise_and_wait(window: MainWindow, name: str, qtbot) -> None:
    dock = window.docks[name]
    dock.raise_()
    qtbot.waitUntil(lambda: not dock.visibleRegion().isEmpty())


def test_start_up_imports_none_of_the_modules_only_later_work_needs(tmp_path):
    script = textwrap.dedent(
        f"""
        import json, sys
        from simulator.ui.app import application
        app = application()
        from simulator.ui.main_window import MainWindow
        window = MainWindow()
        after_init = [name for name in {LATER_MODULES!r} if name in sys.modules]
        window.show()
        for _ in range(5):
            app.processEvents()
        after_show = [name for name in {LATER_MODULES!r} if name in sys.modules]
        window.docks["statistics"].raise_()
        for _ in range(5):
            app.processEvents()
        raised = "simulator.ui.panels.statistics" in sys.modules
        window.undo_stack.setClean()
        print(json.dumps([after_init, after_show, raised]))
        """
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "LSTM_SIM_SETTINGS": str(tmp_path / "fresh.conf"),
        "LSTM_SIM_RECOVERY_DIR": str(tmp_path / "recovery"),
    }
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    after_init, after_show, raised = json.loads(done.stdout.splitlines()[-1])
    assert after_init == [] and after_show == []
    assert raised  # the statistics panel is built (and imported) once its tab is shown


def test_every_dock_and_action_exists_right_after_construction(qtbot):
    window = MainWindow(restore=False)
    qtbot.addWidget(window, before_close_func=lambda w: w.undo_stack.setClean())
    assert {dock.objectName() for dock in window.findChildren(QDockWidget)} == DOCKS
    names = {action.objectName() for action in window.findChildren(QAction)}
    assert ACTIONS <= names
    assert REGISTERED_ACTIONS <= set(window.actions_by_name)
    view = window.menus["view"].actions()
    for name in LAZY_DOCKS:
        toggle = window.docks[name].toggleViewAction()
        assert toggle in view
        assert toggle.objectName() == ("" if name == "weights" else f"action_show_{name}")
    assert built(window) == {"inspector", "plots", "inputs"}


def test_hidden_tabs_stay_unbuilt_after_the_first_paint_until_shown(window: MainWindow, qtbot):
    qtbot.wait(50)
    assert built(window) == {"inspector", "plots", "inputs"}
    raise_and_wait(window, "gradients", qtbot)
    assert built(window) == {"inspector", "plots", "inputs", "gradients"}


def test_a_panel_built_late_shows_the_current_step_and_follows_the_session(window: MainWindow, qtbot):
    s = window.session
    s.seek(3)
    s.select("input_gate")

    raise_and_wait(window, "explanation", qtbot)
    explanation = window.docks["explanation"].widget()
    assert f"Step t = 3</b> of {s.length}" in explanation.caption.text()
    s.step()
    assert f"Step t = 4</b> of {s.length}" in explanation.caption.text()

    raise_and_wait(window, "gradients", qtbot)
    gradients = window.docks["gradients"].widget()
    qtbot.waitUntil(lambda: gradients.plot_item.titleLabel.text.endswith("step t = 4"))
    s.back()
    qtbot.waitUntil(lambda: gradients.plot_item.titleLabel.text.endswith("step t = 3"))

    raise_and_wait(window, "statistics", qtbot)
    statistics = window.find_moment.statistics
    assert statistics.active
    assert statistics.field == "input_gate"  # follows the selection made before it existed
    steps = len(s.trace)
    assert statistics.summary.text().startswith(f"Over the {steps} steps computed")
    assert statistics.model.rowCount() == s.hidden_size
    assert statistics.model.index(0, 0).data()

    weights = window.weights_panel  # built on first access, though its tab was never shown
    assert weights.gate_box.currentData() == "input"


def test_actions_work_before_their_panels_are_built(window: MainWindow, qtbot):
    overlay = window.actions_by_name[OVERLAY_ACTION]
    overlay.setChecked(True)
    assert window.diagram.gradient_overlay_shown
    assert "gradients" not in built(window)
    box = window.gradient_dock.widget().show_on_diagram
    assert box.isChecked()
    box.setChecked(False)
    assert not overlay.isChecked() and not window.diagram.gradient_overlay_shown

    assert "whatif" not in built(window)
    window.actions_by_name["action_duplicate_run"].trigger()
    qtbot.waitUntil(lambda: not window.what_if.visibleRegion().isEmpty())
    assert window.what_if.widget().model.active
    assert window.what_if.widget().duplicate_action is window.actions_by_name["action_duplicate_run"]

    window.randomize_weights()
    assert "weights" in built(window)


def test_a_saved_layout_restores_hidden_and_raised_lazy_docks(qtbot, tmp_path):
    path = str(tmp_path / "layout.conf")
    first = MainWindow(settings=Settings(path))
    qtbot.addWidget(first, before_close_func=lambda w: w.undo_stack.setClean())
    first.show()
    qtbot.waitExposed(first)
    raise_and_wait(first, "statistics", qtbot)
    raise_and_wait(first, "weights", qtbot)
    first.docks["gradients"].close()
    first.close()

    second = MainWindow(settings=Settings(path))
    qtbot.addWidget(second, before_close_func=lambda w: w.undo_stack.setClean())
    assert {dock.objectName() for dock in second.findChildren(QDockWidget)} == DOCKS
    second.show()
    qtbot.waitExposed(second)
    for name in ("statistics", "weights"):
        dock = second.docks[name]
        qtbot.waitUntil(lambda dock=dock: not dock.visibleRegion().isEmpty())
    assert second.docks["gradients"].isHidden()
    assert second.docks["plots"].visibleRegion().isEmpty()  # behind Statistics, as saved
    assert built(second) == {"inspector", "plots", "inputs", "statistics", "weights"}
    assert second.find_moment.statistics.active
