"""The main window: the diagram in the middle, panels and plots in docks, time controls on top."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from simulator import __version__
from simulator.engine import LSTMParams
from simulator.io.errors import LoadError
from simulator.io.presets import load_preset, preset_names
from simulator.session import DEFAULT_PRESET, Session
from simulator.ui import find_moment, presentation, recovery, themes
from simulator.ui.actions import add_shortcut_to_tip, create_actions
from simulator.ui.banner import LessonBanner
from simulator.ui.diagram import DiagramView
from simulator.ui.docks import new_dock
from simulator.ui.export_actions import install_export_menu
from simulator.ui.lesson_files import LessonFiles
from simulator.ui.long_runs import LongRun
from simulator.ui.model_import import install_model_import
from simulator.ui.panels import gradients, whatif
from simulator.ui.panels.inputs import InputsPanel
from simulator.ui.panels.inspector import InspectorPanel
from simulator.ui.plots import HistoryPlots
from simulator.ui.settings import Settings
from simulator.ui.steady_label import SteadyLabel
from simulator.ui.transport import Player, TimeControls
from simulator.ui.undo import UndoableEdits
from simulator.ui.variants import action as compare_variants

if TYPE_CHECKING:
    from simulator.ui.panels.weights import WeightsPanel

WINDOW_TITLE = "LSTM Gate Simulator"


class MainWindow(QMainWindow):
    """The whole app in one window.

    Parameters
    ----------
    session : Session, optional
        The model to show; by default a new one with the last preset used
        (``worked-example`` the first time).
    settings : Settings, optional
        Where geometry, dock layout, speed and the last preset persist.
    """

    def __init__(
        self, session: Session | None = None, settings: Settings | None = None, restore: bool = True
    ) -> None:
        super().__init__()
        self.settings = settings or Settings()
        if session is None:
            session = _session_for(str(self.settings.get("session/last_preset")))
        self.session = session
        self.undo_stack = QUndoStack(self)
        self.edits = UndoableEdits(session, self.undo_stack)
        self.player = Player(session, self)

        self.diagram = DiagramView(session)
        self.banner = LessonBanner(session)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.diagram, 1)
        self.setCentralWidget(central)
        self.plots = HistoryPlots(session)
        self.inputs_panel = InputsPanel(session, self.edits)
        self.inspector = InspectorPanel(session)
        self.docks: dict[str, QDockWidget] = {}
        self._add_dock(
            "inspector", "Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea, scrollable=True
        )
        # Tabbed behind the inspector: built when first seen (or first asked for, weights_panel).
        self._add_dock("weights", "Weights", self._make_weights_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self._add_dock("plots", "History", self.plots, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._add_dock(
            "inputs", "Inputs", self.inputs_panel, Qt.DockWidgetArea.LeftDockWidgetArea, scrollable=True
        )
        self.tabifyDockWidget(self.docks["inspector"], self.docks["weights"])
        self.docks["inspector"].raise_()

        self.lesson_files = LessonFiles(
            self, session, self.undo_stack, self.settings, self.view_state, self.apply_view_state
        )
        self.actions_by_name: dict[str, QAction] = create_actions(
            self,
            {
                "action_open_lesson": self.lesson_files.open,
                "action_save_lesson": self.lesson_files.save,
                "action_save_lesson_as": self.lesson_files.save_as,
                "action_step": session.step,
                "action_back": session.back,
                "action_play": self._set_playing,
                "action_reset": session.reset,
                "action_end": lambda: self.long_run.seek(session.length),
                "action_max_speed": self.player.set_max_speed,
                "action_import_inputs": self.import_inputs,
                "action_export_trace": self.export_trace,
                "action_quit": self.close,
                "action_randomize": self.randomize_weights,
                "action_reset_weights": self.reset_weights,
                "action_fit_diagram": self._fit_diagram,
                "action_shortcuts": self.show_shortcuts,
                "action_about": self.show_about,
            },
        )
        self._add_undo_actions()
        # Far jumps and edits deep into long histories, in slices (at once while playing).
        self.long_run = LongRun(session, self, playing=lambda: self.player.playing)
        self.time_controls = TimeControls(session, self.player)
        # A far jump on the timeline computes in slices too.
        self.time_controls.timeline.valueChanged.disconnect(session.seek)
        self.time_controls.timeline.valueChanged.connect(self.long_run.seek)
        self._build_toolbar()
        self._build_menus()
        install_export_menu(self)
        self._build_status_bar()
        self.presentation = presentation.install(self)  # also adds the "Step, Explained" dock
        self.theme = themes.install_themes(self, self.settings)
        self.find_moment = find_moment.install(self)  # panels built when first needed
        self.gradient_dock = gradients.install(self)
        self.what_if = whatif.install(self)
        self.recovery = recovery.install(self)
        compare_variants.install(self)
        install_model_import(self)

        self.player.playing_changed.connect(self._show_playing)
        self.player.playing_changed.connect(self._coalesce_tables)
        self.actions_by_name["action_max_speed"].toggled.connect(self._coalesce_tables)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        session.trace_changed.connect(self._update_status)
        session.replaced.connect(self._on_replaced)
        self.diagram.hovered.connect(self._show_hover)
        self.plots.hovered.connect(self._show_hover)

        self.player.set_speed(int(self.settings.get("play/speed")))
        self.time_controls.speed.setValue(self.player.speed)
        self.actions_by_name["action_max_speed"].setChecked(bool(self.settings.get("play/max_speed")))
        self.resize(1500, 950)
        self.resizeDocks([self.docks["plots"]], [330], Qt.Orientation.Vertical)
        side_docks = [self.docks["inputs"], self.docks["inspector"]]
        self.resizeDocks(side_docks, [290, 400], Qt.Orientation.Horizontal)
        if restore:
            self._restore_layout()
        self._on_replaced()

    # ----------------------------------------------------------------- build
    def _add_dock(
        self,
        name: str,
        title: str,
        widget: QWidget | Callable[[], QWidget],
        area: Qt.DockWidgetArea,
        *,
        scrollable: bool = False,
    ) -> None:
        """Add a dock made by :func:`~simulator.ui.docks.new_dock` as ``self.docks[name]``.

        A ``scrollable`` widget sits in a scroll area (:func:`~simulator.ui.docks.scroll_area`),
        which also keeps the layout changes of a panel redrawn every step out of the window's.
        """
        dock = new_dock(title, self, widget, scrollable=scrollable)
        dock.setObjectName(f"dock_{name}")
        self.addDockWidget(area, dock)
        self.docks[name] = dock

    def _make_weights_panel(self) -> QWidget:
        from simulator.ui.panels.weights import WeightsPanel

        return WeightsPanel(self.session, self.edits, self._preset_params)

    @property
    def weights_panel(self) -> WeightsPanel:
        """The Weights panel (built now if its dock has not been seen yet)."""
        return self.docks["weights"].panel()

    def _add_undo_actions(self) -> None:
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setObjectName("action_undo")
        undo.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Undo))
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setObjectName("action_redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action, tip in ((undo, "Undo the last edit"), (redo, "Redo the edit undone last")):
            add_shortcut_to_tip(action, tip)
            self.addAction(action)
            self.actions_by_name[action.objectName()] = action

    def _build_toolbar(self) -> None:
        bar = QToolBar("Time", self)
        bar.setObjectName("toolbar_time")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for name in ("action_reset", "action_back", "action_step", "action_play", "action_end"):
            bar.addAction(self.actions_by_name[name])
        bar.addSeparator()
        bar.addWidget(self.time_controls)
        bar.addAction(self.actions_by_name["action_max_speed"])
        bar.addSeparator()
        bar.addAction(self.actions_by_name["action_undo"])
        bar.addAction(self.actions_by_name["action_redo"])
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar

    def _build_menus(self) -> None:
        a = self.actions_by_name
        self.menus: dict[str, QMenu] = {}
        menu = self.menus["file"] = self.menuBar().addMenu("&File")
        self.file_menu = menu
        menu.setToolTipsVisible(True)
        menu.addAction(a["action_open_lesson"])
        recent = menu.addMenu("Open &Recent")
        recent.setObjectName("menu_recent")
        recent.setToolTipsVisible(True)
        self.lesson_files.recent_menu = recent
        self.lesson_files.fill_recent_menu()
        presets = menu.addMenu("Open &Preset")
        presets.setObjectName("menu_presets")
        presets.setToolTipsVisible(True)
        for name in preset_names():
            try:
                preset = load_preset(name)
            except LoadError:
                continue
            action = presets.addAction(f"{preset.title}  ({name})")
            action.setObjectName(f"action_preset_{name}")
            action.setToolTip(preset.description)
            action.setStatusTip(preset.description)
            action.triggered.connect(lambda _=False, n=name: self.open_preset(n))
        menu.addSeparator()
        menu.addAction(a["action_save_lesson"])
        menu.addAction(a["action_save_lesson_as"])
        menu.addSeparator()
        menu.addAction(a["action_import_inputs"])
        menu.addAction(a["action_export_trace"])
        menu.addSeparator()
        menu.addAction(a["action_quit"])

        menu = self.menus["edit"] = self.menuBar().addMenu("&Edit")
        for name in ("action_undo", "action_redo", None, "action_randomize", "action_reset_weights"):
            menu.addSeparator() if name is None else menu.addAction(a[name])

        menu = self.menus["run"] = self.menuBar().addMenu("&Run")
        for name in (
            "action_step",
            "action_back",
            "action_play",
            "action_reset",
            "action_end",
            None,
            "action_max_speed",
        ):
            menu.addSeparator() if name is None else menu.addAction(a[name])

        menu = self.menus["view"] = self.menuBar().addMenu("&View")
        menu.addAction(a["action_fit_diagram"])
        menu.addSeparator()
        for dock in self.docks.values():
            menu.addAction(dock.toggleViewAction())
        menu.addAction(self.toolbar.toggleViewAction())

        menu = self.menus["help"] = self.menuBar().addMenu("&Help")
        menu.addAction(a["action_shortcuts"])
        menu.addAction(a["action_about"])

    def _build_status_bar(self) -> None:
        self.time_status = SteadyLabel()
        self.time_status.setObjectName("status_time")
        self.statusBar().addPermanentWidget(self.time_status)
        self._update_status()

    # ------------------------------------------------------------- actions
    def _set_playing(self, on: bool) -> None:
        self.player.play() if on else self.player.pause()

    def _coalesce_tables(self, *_: object) -> None:
        """While playing as fast as possible, the Inputs and Inspector tables follow at 20 Hz."""
        fast = self.player.playing and self.player.max_speed
        self.inputs_panel.trace_updates.set_on(fast)
        self.inspector.trace_updates.set_on(fast)

    def _show_playing(self, playing: bool) -> None:
        action = self.actions_by_name["action_play"]
        with QSignalBlocker(action):
            action.setChecked(playing)
        action.setText("&Pause" if playing else "&Play")
        icon = self.style().standardIcon(
            self.style().StandardPixmap.SP_MediaPause if playing else self.style().StandardPixmap.SP_MediaPlay
        )
        action.setIcon(icon)

    def open_preset(self, name: str) -> bool:
        """Load a preset; a bad preset shows its message and leaves the session as it was."""
        if not self.lesson_files.confirm_discard():
            return False
        try:
            preset = load_preset(name)
        except LoadError as exc:
            QMessageBox.warning(self, "Cannot open preset", str(exc))
            return False
        self.player.pause()
        self.session.load_preset(preset)
        self.undo_stack.clear()
        self.lesson_files.forget_file()
        self.settings.set("session/last_preset", preset.name)
        return True

    def import_inputs(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import inputs", "", "Input sequences (*.csv *.npy)")
        if path:
            self.load_inputs(Path(path))

    def load_inputs(self, path: Path) -> bool:
        """Read an input sequence into the session (one undo step); refuse a bad file with a message."""
        from simulator.io.sequences import read_inputs

        try:
            self.edits.set_inputs(read_inputs(path), text=f"Import {path.name}")
        except (LoadError, ValueError) as exc:
            QMessageBox.warning(self, "Cannot import inputs", str(exc))
            return False
        return True

    def export_trace(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export trace", "trace.csv", "CSV (*.csv);;NumPy (*.npz)")
        if path:
            self.save_trace(Path(path))

    def save_trace(self, path: Path) -> bool:
        """Write the steps computed so far; a failure shows its message."""
        from simulator.io.sequences import write_trace

        try:
            write_trace(self.session.trace, path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Cannot export trace", f"{path.name}: {exc}")
            return False
        self.statusBar().showMessage(f"Wrote {len(self.session.trace)} steps to {path}", 5000)
        return True

    def randomize_weights(self) -> None:
        self.weights_panel.randomize()

    def reset_weights(self) -> None:
        preset = self._preset_params()
        self.edits.set_params(preset, "Reset weights to preset")
        try:
            original = load_preset(self.session.preset_name)
        except LoadError:
            return
        self.edits.set_initial_states(original.h0, original.c0, "Reset h0 and c0 to preset")

    def _preset_params(self) -> LSTMParams:
        try:
            return load_preset(self.session.preset_name).params
        except LoadError:
            return self.session.params

    def _fit_diagram(self) -> None:
        self.diagram.fit()

    def show_shortcuts(self) -> None:
        rows = []
        for action in self.actions_by_name.values():
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
            if keys:
                rows.append(f"<tr><td><b>{keys}</b></td><td>{action.text().replace('&', '')}</td></tr>")
        QMessageBox.information(self, "Keyboard shortcuts", f"<table cellpadding=4>{''.join(rows)}</table>")

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"About {WINDOW_TITLE}",
            f"<h3>{WINDOW_TITLE} {__version__}</h3><p>The inside of an LSTM cell, made visible: "
            "every gate and state, live, one timestep at a time.</p>",
        )

    # -------------------------------------------------------------- status
    def _update_status(self) -> None:
        s = self.session
        text = f"t = {s.t} / {s.length}"
        if s.step_labels and s.t > 0:
            text += f"  “{s.step_labels[s.t - 1]}”"
        self.time_status.setText(text)
        at_start, at_end = s.t == 0, s.t >= s.length
        self.actions_by_name["action_back"].setEnabled(not at_start)
        self.actions_by_name["action_reset"].setEnabled(not at_start)
        self.actions_by_name["action_step"].setEnabled(not at_end)
        self.actions_by_name["action_end"].setEnabled(not at_end)

    def _on_clean_changed(self, clean: bool) -> None:
        # A bound method, not a lambda: Qt drops the connection when the window is deleted.
        self.setWindowModified(not clean)

    def _show_hover(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text)
        else:
            self.statusBar().clearMessage()

    def _on_replaced(self) -> None:
        title = self.session.title or self.session.preset_name
        self.setWindowTitle(f"{title}[*] — {WINDOW_TITLE}" if title else f"{WINDOW_TITLE}[*]")
        self._update_status()

    # -------------------------------------------------------------- lessons
    def view_state(self) -> dict[str, object]:
        """Display settings saved with a lesson."""
        return {"theme": themes.current_theme(self)}

    def apply_view_state(self, view: dict[str, object]) -> None:
        """Apply display settings read from a lesson (unknown keys are ignored)."""
        action = self.actions_by_name.get(f"action_theme_{view.get('theme')}")
        if action is not None:
            action.trigger()

    def open_lesson(self, path: Path) -> bool:
        """Open a saved lesson (asks first if there are unsaved changes)."""
        return self.lesson_files.open_path(Path(path))

    # ------------------------------------------------------------ settings
    def _restore_layout(self) -> None:
        geometry = self.settings.get("window/geometry")
        if geometry and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = self.settings.get("window/state")
        if state and not state.isEmpty():
            self.restoreState(state)

    def save_settings(self) -> None:
        self.settings.set("window/geometry", self.saveGeometry())
        self.settings.set("window/state", self.saveState())
        self.settings.set("session/last_preset", self.session.preset_name or DEFAULT_PRESET)
        self.settings.set("play/speed", self.player.speed)
        self.settings.set("play/max_speed", self.player.max_speed)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.presentation.leave()
        self.player.pause()
        if not self.lesson_files.confirm_discard():
            event.ignore()
            return
        self.save_settings()
        self.recovery.discard()
        super().closeEvent(event)


def _session_for(preset_name: str) -> Session:
    """A session with the named preset, falling back to the default one if it cannot be loaded."""
    try:
        return Session(preset_name)
    except LoadError:
        return Session(DEFAULT_PRESET)
