"""Exports of what the window shows: diagram PNG and SVG, plots PNG, GIF and MP4 animations.

Every writer is atomic: the file is written beside the target under a temporary
name and renamed over it only when complete, so a failure or a cancelled
animation never leaves a partial file behind.

Animations step a private copy of the session, so the user's ``t`` (and every
view following the user's session) is untouched by an export.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PySide6.QtCore import QBuffer, QIODevice, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from simulator.io.atomic import atomic_write
from simulator.session import Session
from simulator.ui.diagram.scene import (
    DiagramScene,
    current_values,
    drawn_afresh,
    header_html,
    step_label_html,
)
from simulator.ui.plots import HistoryPlots

VIDEO_EXTRA = 'pip install "lstm-gate-simulator[video]"'
"""The command that installs what GIF and MP4 export need (Pillow, imageio-ffmpeg)."""
DIAGRAM_WIDTH = 1920
ANIMATION_WIDTH = 1280
VIDEO_BLOCK = 16
"""MP4 frames are padded to a multiple of this, which H.264 encoders and players want."""
RENDER_HINTS = (
    QPainter.RenderHint.Antialiasing
    | QPainter.RenderHint.TextAntialiasing
    | QPainter.RenderHint.SmoothPixmapTransform
)


class ExportCancelledError(Exception):
    """The user cancelled an animation export; nothing was written."""


class MissingExtraError(OSError):
    """GIF or MP4 export needs a package that is not installed; the message says how to install it."""


# ------------------------------------------------------------------ still images
def diagram_size(scene: QGraphicsScene, width: int, height: int | None = None) -> tuple[int, int]:
    """``(width, height)`` of an image of ``scene``; a missing height keeps the scene's aspect.

    The height worked out is rounded to an even number (video encoders want one).
    """
    if height is None:
        rect = scene.sceneRect()
        height = max(2, 2 * round(width * rect.height() / rect.width() / 2))
    return int(width), int(height)


def render_scene(scene: QGraphicsScene, width: int, height: int) -> QImage:
    """The whole scene drawn into a new ``width`` × ``height`` image, centred, aspect kept, antialiased."""
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(_background(scene))
    painter = QPainter(image)
    painter.setRenderHints(RENDER_HINTS)
    source = scene.sceneRect()
    scale = min(width / source.width(), height / source.height())
    target = QRectF(0, 0, source.width() * scale, source.height() * scale)
    target.moveCenter(QPointF(width / 2, height / 2))
    with drawn_afresh(scene):
        scene.render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)
    painter.end()
    return image


def export_diagram_png(
    view_or_scene: QGraphicsView | QGraphicsScene,
    path: str | os.PathLike[str],
    width: int = DIAGRAM_WIDTH,
    height: int | None = None,
) -> tuple[int, int]:
    """Save the diagram as a PNG, ``width`` pixels wide (and ``height`` high, or the diagram's aspect).

    Returns
    -------
    tuple of int
        The size written, ``(width, height)``.

    Raises
    ------
    OSError
        If the file cannot be written.
    """
    scene = _scene_of(view_or_scene)
    size = diagram_size(scene, width, height)
    data = _encode(render_scene(scene, *size), "PNG")
    atomic_write(path, lambda handle: handle.write(data))
    return size


def export_diagram_svg(
    view_or_scene: QGraphicsView | QGraphicsScene,
    path: str | os.PathLike[str],
    title: str = "LSTM cell",
    size: tuple[int, int] | None = None,
) -> None:
    """Save the diagram as an SVG drawing (vector shapes and text) with a title and a viewBox.

    Drawn with Qt's own SVG generator; pyqtgraph's SVG exporter is not used (it fails).

    Parameters
    ----------
    view_or_scene : QGraphicsView or QGraphicsScene
        The diagram (its whole scene is drawn, whatever the view shows).
    path : str or path-like
        The file to write.
    title : str
        The drawing's ``<title>``.
    size : tuple of int, optional
        ``(width, height)`` of the drawing, the diagram centred with its aspect
        kept; by default the size of the scene.

    Raises
    ------
    OSError
        If the file cannot be written.
    """
    scene = _scene_of(view_or_scene)
    rect = scene.sceneRect()
    width, height = size if size is not None else (round(rect.width()), round(rect.height()))
    scale = min(width / rect.width(), height / rect.height())
    target = QRectF(0, 0, rect.width() * scale, rect.height() * scale)
    target.moveCenter(QPointF(width / 2, height / 2))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRect(0, 0, width, height))
    generator.setTitle(title)
    generator.setDescription("Drawn by LSTM Gate Simulator")
    painter = QPainter(generator)
    painter.setRenderHints(RENDER_HINTS)
    painter.fillRect(QRectF(0, 0, width, height), _background(scene))
    with drawn_afresh(scene):
        scene.render(painter, target, rect, Qt.AspectRatioMode.KeepAspectRatio)
    painter.end()
    data = bytes(buffer.data())
    atomic_write(path, lambda handle: handle.write(data))


def export_plots_png(plots: HistoryPlots, path: str | os.PathLike[str]) -> None:
    """Save the history plots as one PNG.

    Raises
    ------
    OSError
        If the file cannot be written.
    """
    with _replacing(Path(path)) as tmp:
        plots.export_png(tmp)


# ------------------------------------------------------------------ frames
def diagram_scene(session: Session) -> DiagramScene:
    """A new diagram scene showing ``session`` at its current step.

    No widget is created and the scene does not follow later changes of the
    session: it is a snapshot to render offscreen.
    """
    scene = DiagramScene(session.hidden_size, session.input_size)
    _show(scene, session)
    return scene


def qimage_to_rgba(image: QImage) -> np.ndarray:
    """A copy of ``image`` as a ``(height, width, 4)`` uint8 RGBA array (row padding removed)."""
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    raw = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height)
    return raw.reshape(height, stride)[:, : width * 4].reshape(height, width, 4).copy()


def render_frames(
    session: Session,
    steps: int | None = None,
    size: tuple[int, int] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> Iterator[np.ndarray]:
    """The diagram of ``session`` at t = 1, 2, …, ``steps``: one RGBA array per step.

    A copy of the session is stepped and drawn into a diagram scene of its own
    (no widget), so the session passed in (and its ``t``) is never changed.

    Parameters
    ----------
    session : Session
        What to animate: weights, inputs, initial state and selected part.
    steps : int, optional
        How many steps (default: the whole sequence, T).
    size : tuple of int, optional
        ``(width, height)`` of every frame; by default 1280 wide with the diagram's aspect.
    cancelled : callable
        Asked before each frame; when it returns ``True``, :class:`ExportCancelledError` is raised.
    progress : callable
        Called as ``progress(done, total)`` after each frame has been taken.

    Raises
    ------
    ValueError
        If ``steps`` is not between 1 and T.
    ExportCancelledError
        When ``cancelled()`` turns true.
    """
    total = session.length if steps is None else int(steps)
    if not 1 <= total <= session.length:
        raise ValueError(f"steps: expected 1 to {session.length} (the length of the inputs), got {steps}")
    copy = Session(None)
    copy.restore(session.snapshot())
    scene = diagram_scene(copy)
    width, height = size if size is not None else diagram_size(scene, ANIMATION_WIDTH)
    for t in range(1, total + 1):
        if cancelled():
            raise ExportCancelledError("export cancelled")
        copy.seek(t)
        _show(scene, copy)
        yield qimage_to_rgba(render_scene(scene, width, height))
        progress(t, total)


# ------------------------------------------------------------------ animations
def export_gif(frames: Iterable[np.ndarray], path: str | os.PathLike[str], fps: float) -> None:
    """Save RGBA or RGB frames as a looping GIF, one frame each, shown 1/``fps`` seconds.

    Raises
    ------
    MissingExtraError
        If Pillow is not installed.
    ValueError
        If there are no frames or ``fps`` is not positive.
    OSError
        If the file cannot be written.
    """
    try:
        from PIL import Image
    except ImportError:
        raise MissingExtraError(f"GIF export needs Pillow: {VIDEO_EXTRA}") from None
    duration = _frame_ms(fps)
    images = (
        Image.fromarray(np.ascontiguousarray(frame[..., :3])).convert("P", palette=Image.Palette.ADAPTIVE)
        for frame in frames
    )
    first = next(images, None)
    if first is None:
        raise ValueError("an animation needs at least one frame")
    atomic_write(
        path,
        lambda handle: first.save(
            handle, format="GIF", save_all=True, append_images=images, duration=duration, loop=0
        ),
    )


def export_mp4(frames: Iterable[np.ndarray], path: str | os.PathLike[str], fps: float) -> None:
    """Save RGBA or RGB frames as an H.264 MP4 at ``fps`` frames per second, one frame each.

    Frames are padded (with their edge colour) to a multiple of 16 pixels.

    Raises
    ------
    MissingExtraError
        If imageio-ffmpeg is not installed.
    ValueError
        If there are no frames or ``fps`` is not positive.
    OSError
        If the file cannot be written or ffmpeg fails.
    """
    try:
        import imageio_ffmpeg
    except ImportError:
        raise MissingExtraError(f"MP4 export needs imageio-ffmpeg: {VIDEO_EXTRA}") from None
    _frame_ms(fps)
    padded = (_pad_to_block(frame[..., :3]) for frame in frames)
    first = next(padded, None)
    if first is None:
        raise ValueError("an animation needs at least one frame")
    height, width = first.shape[:2]
    with _replacing(Path(path)) as tmp:
        writer = imageio_ffmpeg.write_frames(
            str(tmp), (width, height), fps=float(fps), quality=8, ffmpeg_log_level="error"
        )
        try:
            writer.send(None)
            writer.send(first)
            for frame in padded:
                if frame.shape != first.shape:
                    raise ValueError(f"frames of different sizes in one video ({width}x{height} first)")
                writer.send(frame)
        finally:
            writer.close()


ANIMATION_WRITERS: dict[str, Callable[[Iterable[np.ndarray], str | os.PathLike[str], float], None]] = {
    ".gif": export_gif,
    ".mp4": export_mp4,
}
"""The animation writer for each file suffix."""


def export_animation_file(frames: Iterable[np.ndarray], path: str | os.PathLike[str], fps: float) -> None:
    """Save frames as a GIF or an MP4, chosen by the suffix of ``path``.

    Raises
    ------
    ValueError
        If the suffix is neither ``.gif`` nor ``.mp4``.
    """
    writer = ANIMATION_WRITERS.get(Path(path).suffix.lower())
    if writer is None:
        raise ValueError(f"{Path(path).name}: an animation is a .gif or an .mp4 file")
    writer(frames, path, fps)


# ------------------------------------------------------------------ helpers
def _show(scene: DiagramScene, session: Session) -> None:
    scene.show_values(current_values(session), header_html(session), step_label_html(session))
    scene.select(session.selected)


def _scene_of(view_or_scene: QGraphicsView | QGraphicsScene) -> QGraphicsScene:
    return view_or_scene.scene() if isinstance(view_or_scene, QGraphicsView) else view_or_scene


def _background(scene: QGraphicsScene) -> QColor:
    brush = scene.backgroundBrush()
    return brush.color() if brush.style() != Qt.BrushStyle.NoBrush else QColor("white")


def _encode(image: QImage, fmt: str) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, fmt):
        raise OSError(f"cannot encode the image as {fmt}")
    return bytes(buffer.data())


def _frame_ms(fps: float) -> int:
    if not fps > 0:
        raise ValueError(f"fps: expected a positive number, got {fps}")
    return max(1, round(1000 / fps))


def _pad_to_block(frame: np.ndarray) -> np.ndarray:
    height, width = frame.shape[:2]
    pad = ((0, -height % VIDEO_BLOCK), (0, -width % VIDEO_BLOCK), (0, 0))
    return np.ascontiguousarray(np.pad(frame, pad, mode="edge"))


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` (same suffix) that replaces it when the block succeeds."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=folder)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
