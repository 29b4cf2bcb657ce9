"""The File ▸ Export menu: diagram PNG/SVG, plots PNG, GIF/MP4 animations of the whole sequence.

Each action asks for a file name and calls one of the ``save_*`` functions or
:func:`export_animation`, which tests and scripts can call with a path. A
failure shows one line in a warning box and leaves any existing file as it was.

The exporters (:mod:`simulator.ui.export`, with QtSvg) are imported on the first export,
not when the menu is built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox, QProgressDialog, QWidget

if TYPE_CHECKING:
    from simulator.ui.main_window import MainWindow

DEFAULT_FPS = 2.0
"""Animation speed: two steps a second, slow enough to follow the gates."""
STATUS_MS = 5000


@dataclass(frozen=True)
class ExportSpec:
    name: str
    text: str
    tip: str
    caption: str
    default_name: str
    file_filter: str
    save: Callable[[MainWindow, Path], bool]


def save_diagram_png(window: MainWindow, path: str | Path, width: int | None = None) -> bool:
    """Save the diagram as shown (current step) to a PNG ``width`` pixels wide; ``False`` on failure.

    ``width`` defaults to :data:`simulator.ui.export.DIAGRAM_WIDTH`.
    """
    from simulator.ui.export import DIAGRAM_WIDTH, export_diagram_png

    width = DIAGRAM_WIDTH if width is None else width
    path = Path(path)
    try:
        width, height = export_diagram_png(window.diagram, path, width)
    except (OSError, ValueError) as exc:
        return _fail(window, path, exc)
    return _done(window, f"Saved the diagram to {path} ({width}×{height})")


def save_diagram_svg(window: MainWindow, path: str | Path) -> bool:
    """Save the diagram as shown (current step) as an SVG drawing; ``False`` on failure."""
    from simulator.ui.export import export_diagram_svg

    path = Path(path)
    title = window.session.title or window.session.preset_name or "LSTM cell"
    try:
        export_diagram_svg(window.diagram, path, title=f"{title}, t = {window.session.t}")
    except (OSError, ValueError) as exc:
        return _fail(window, path, exc)
    return _done(window, f"Saved the diagram to {path}")


def save_plots_png(window: MainWindow, path: str | Path) -> bool:
    """Save the history plots to a PNG; ``False`` on failure."""
    from simulator.ui.export import export_plots_png

    path = Path(path)
    try:
        export_plots_png(window.plots, path)
    except (OSError, ValueError) as exc:
        return _fail(window, path, exc)
    return _done(window, f"Saved the plots to {path}")


def export_animation(
    window: MainWindow,
    path: str | Path,
    fps: float = DEFAULT_FPS,
    steps: int | None = None,
    size: tuple[int, int] | None = None,
    parent: QWidget | None = None,
) -> bool:
    """Save the diagram at t = 1 … ``steps`` as a GIF or MP4 (by suffix), with a progress dialog.

    The dialog (object name ``export_progress``) ticks once per frame and its
    Cancel button stops the export, leaving no file behind; events are
    processed between frames so the window stays responsive. The user's ``t``
    is not changed.

    Parameters
    ----------
    window : MainWindow
        Whose session is animated.
    path : str or Path
        ``*.gif`` or ``*.mp4``.
    fps : float
        Steps shown per second.
    steps : int, optional
        How many steps (default: all of the sequence).
    size : tuple of int, optional
        ``(width, height)`` of the frames (default: 1280 wide, the diagram's aspect).
    parent : QWidget, optional
        Parent of the progress dialog and the warning box (default: ``window``).

    Returns
    -------
    bool
        ``True`` if the file was written; ``False`` if cancelled or failed.
    """
    from simulator.ui.export import ExportCancelledError, export_animation_file, render_frames

    path = Path(path)
    owner = parent or window
    total = window.session.length if steps is None else steps
    dialog = QProgressDialog(f"Rendering {path.name}…", "Cancel", 0, max(total, 1), owner)
    dialog.setObjectName("export_progress")
    dialog.setWindowTitle("Export animation")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setValue(0)

    def progress(done: int, _total: int) -> None:
        dialog.setValue(done)
        QApplication.processEvents()

    def cancelled() -> bool:
        QApplication.processEvents()
        return dialog.wasCanceled()

    try:
        try:
            export_animation_file(render_frames(window.session, steps, size, cancelled, progress), path, fps)
        finally:
            dialog.reset()
            dialog.deleteLater()
    except ExportCancelledError:
        return _done(window, f"Export of {path.name} cancelled", ok=False)
    except (OSError, ValueError) as exc:
        return _fail(owner, path, exc)
    return _done(window, f"Saved {total} steps to {path}")


SPECS = (
    ExportSpec(
        "action_export_diagram_png",
        "Diagram as &PNG…",
        "Save the diagram at the current step as a PNG picture, 1920 pixels wide",
        "Export diagram as PNG",
        "lstm-cell.png",
        "PNG image (*.png)",
        save_diagram_png,
    ),
    ExportSpec(
        "action_export_diagram_svg",
        "Diagram as &SVG…",
        "Save the diagram at the current step as an SVG drawing that scales without blur",
        "Export diagram as SVG",
        "lstm-cell.svg",
        "SVG drawing (*.svg)",
        save_diagram_svg,
    ),
    ExportSpec(
        "action_export_plots_png",
        "P&lots as PNG…",
        "Save the history plots as a PNG picture",
        "Export plots as PNG",
        "lstm-plots.png",
        "PNG image (*.png)",
        save_plots_png,
    ),
    ExportSpec(
        "action_export_gif",
        "Animation as &GIF…",
        "Save the diagram at every step, one frame per step, as a looping GIF",
        "Export animation as GIF",
        "lstm-cell.gif",
        "GIF animation (*.gif)",
        export_animation,
    ),
    ExportSpec(
        "action_export_mp4",
        "Animation as &MP4…",
        "Save the diagram at every step, one frame per step, as an MP4 video",
        "Export animation as MP4",
        "lstm-cell.mp4",
        "MP4 video (*.mp4)",
        export_animation,
    ),
)


def install_export_menu(window: MainWindow) -> QMenu:
    """Add File ▸ Export (object name ``menu_export``) with one action per :data:`SPECS` entry.

    The actions are also added to ``window.actions_by_name``. The submenu goes
    after "Export Trace" when the File menu has it, else at the end of the File menu.
    Installing twice returns the menu already there.
    """
    existing = window.findChild(QMenu, "menu_export")
    if existing is not None:
        return existing
    file_menu = _file_menu(window)
    menu = QMenu("E&xport", file_menu)
    menu.setObjectName("menu_export")
    menu.setToolTipsVisible(True)
    menu.setToolTip("Save pictures and animations of the diagram and the plots")
    for spec in SPECS:
        action = QAction(spec.text, window)
        action.setObjectName(spec.name)
        action.setToolTip(spec.tip)
        action.setStatusTip(spec.tip)
        action.triggered.connect(lambda _=False, s=spec: _ask_and_save(window, s))
        menu.addAction(action)
        window.addAction(action)
        window.actions_by_name[spec.name] = action
    before = _after_export_trace(file_menu)
    if before is None:
        file_menu.addMenu(menu)
    else:
        file_menu.insertMenu(before, menu)
    return menu


def _ask_and_save(window: MainWindow, spec: ExportSpec) -> None:
    name, _ = QFileDialog.getSaveFileName(window, spec.caption, spec.default_name, spec.file_filter)
    if name:
        path = Path(name)
        suffix = Path(spec.default_name).suffix
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        spec.save(window, path)


def _file_menu(window: MainWindow) -> QMenu:
    """The window's File menu: ``window.menus["file"]``, else the menu bar's "File" (created if missing).

    Never looked up through ``QAction.menu()``: in PySide6 6.10 the wrapper it
    returns dies with the temporary QAction wrapper.
    """
    menus = getattr(window, "menus", {})
    if "file" in menus:
        return menus["file"]
    bar = window.menuBar()
    for menu in bar.findChildren(QMenu, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if menu.title().replace("&", "") == "File":
            return menu
    return bar.addMenu("&File")


def _after_export_trace(menu: QMenu) -> QAction | None:
    """The action just after "Export Trace" in ``menu`` (``None``: append at the end)."""
    actions = menu.actions()
    for index, action in enumerate(actions[:-1]):
        if action.objectName() == "action_export_trace":
            return actions[index + 1]
    return None


def _done(window: MainWindow, message: str, ok: bool = True) -> bool:
    window.statusBar().showMessage(message, STATUS_MS)
    return ok


def _fail(parent: QWidget, path: Path, exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror
    else:
        text = " ".join(str(exc).split()) or type(exc).__name__
    if path.name not in text:
        text = f"{path.name}: {text}"
    QMessageBox.warning(parent, "Cannot export", text)
    return False
