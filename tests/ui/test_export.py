"""Exports: diagram PNG/SVG, plots PNG, GIF/MP4 animations, the Export menu and the headless commands."""

from __future__ import annotations

import itertools
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QProgressDialog

from simulator.cli import main
from simulator.io.lessons import save_lesson
from simulator.session import Session
from simulator.ui import MainWindow
from simulator.ui.diagram import DiagramView
from simulator.ui.export import (
    VIDEO_EXTRA,
    MissingExtraError,
    export_diagram_png,
    export_diagram_svg,
    export_gif,
    qimage_to_rgba,
    render_frames,
)
from simulator.ui.export_actions import SPECS, export_animation, install_export_menu, save_plots_png
from simulator.ui.settings import Settings

SIZE = (480, 300)
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def window(qtbot, tmp_path):
    session = Session("worked-example")
    win = MainWindow(session, Settings(str(tmp_path / "export.conf")), restore=False)
    qtbot.addWidget(win)
    install_export_menu(win)  # once: the window may have installed it already
    session.seek(2)
    return win


def pixels(path: Path) -> np.ndarray:
    image = QImage(str(path))
    assert not image.isNull(), f"{path} is not a picture"
    return qimage_to_rgba(image)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def decoded_frames(path: Path, width: int, height: int) -> int:
    """How many ``width`` × ``height`` frames ffmpeg decodes from a video (fails on another size)."""
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-v",
        "error",
        "-i",
        str(path),
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-",
    ]
    raw = subprocess.run(command, capture_output=True, check=True).stdout
    frame_bytes = width * height * 3
    assert raw and len(raw) % frame_bytes == 0, f"not {width}x{height} frames"
    return len(raw) // frame_bytes


# ------------------------------------------------------------------ still pictures
def test_diagram_png_is_a_real_picture_with_the_diagrams_aspect(qtbot, tmp_path):
    view = DiagramView(Session())
    qtbot.addWidget(view)
    path = tmp_path / "cell.png"
    width, height = export_diagram_png(view, path, width=600)
    rgba = pixels(path)
    rect = view.scene().sceneRect()
    assert rgba.shape == (height, 600, 4) and width == 600
    assert abs(height - 600 * rect.height() / rect.width()) <= 2
    assert len(np.unique(rgba.reshape(-1, 4), axis=0)) > 50
    background = view.scene().backgroundBrush().color()
    assert tuple(rgba[0, 0]) == (background.red(), background.green(), background.blue(), 255)
    assert leftovers(tmp_path) == ["cell.png"]


def test_diagram_png_of_a_given_size_centres_the_diagram(qtbot, tmp_path):
    view = DiagramView(Session())
    qtbot.addWidget(view)
    export_diagram_png(view.scene(), tmp_path / "wide.png", *SIZE)
    assert pixels(tmp_path / "wide.png").shape == (SIZE[1], SIZE[0], 4)


def test_diagram_svg_is_xml_with_title_viewbox_shapes_and_text(qtbot, tmp_path):
    session = Session()
    session.seek(3)
    view = DiagramView(session)
    qtbot.addWidget(view)
    path = tmp_path / "cell.svg"
    export_diagram_svg(view, path, title="Worked example, t = 3")
    text = path.read_text(encoding="utf-8")
    assert "<svg" in text
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg" and len(root.get("viewBox").split()) == 4
    assert root.find(f"{SVG}title").text == "Worked example, t = 3"
    assert len(root.findall(f".//{SVG}path")) > 20
    words = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "forget gate" in words and "0.50" in words


def test_plots_png_is_written(window, tmp_path):
    window.show()
    path = tmp_path / "plots.png"
    assert save_plots_png(window, path)
    rgba = pixels(path)
    assert rgba.shape[0] > 50 and rgba.shape[1] > 50
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".plots")]


def test_qimage_to_rgba_drops_the_row_padding():
    image = QImage(5, 3, QImage.Format.Format_RGB888)
    image.fill(0x336699)
    assert image.bytesPerLine() != 5 * 3
    rgba = qimage_to_rgba(image)
    assert rgba.shape == (3, 5, 4)
    assert (rgba == [0x33, 0x66, 0x99, 255]).all()


# ------------------------------------------------------------------ the menu
def test_export_menu_holds_every_action_with_a_tooltip(window):
    menu = window.findChild(QMenu, "menu_export")
    file_menu = menu.parentWidget()
    assert file_menu.title() == "&File"
    assert menu.menuAction() in file_menu.actions()
    names = [a.objectName() for a in menu.actions()]
    assert names == [
        "action_export_diagram_png",
        "action_export_diagram_svg",
        "action_export_plots_png",
        "action_export_gif",
        "action_export_mp4",
    ]
    for name in names:
        action = window.actions_by_name[name]
        assert action in menu.actions() and action.toolTip() and action.toolTip() != action.text()
    assert install_export_menu(window) is menu and len(menu.actions()) == len(names)
    after_trace = file_menu.actions().index(window.actions_by_name["action_export_trace"]) + 1
    assert file_menu.actions()[after_trace] is menu.menuAction()


@pytest.mark.parametrize("spec", SPECS[:2], ids=lambda s: s.name)
def test_diagram_actions_ask_for_a_file_and_add_the_suffix(window, tmp_path, monkeypatch, spec):
    asked = []

    def fake_dialog(parent, caption, name, filters):
        asked.append((caption, filters))
        return str(tmp_path / "picture"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_dialog)
    window.actions_by_name[spec.name].trigger()
    suffix = Path(spec.default_name).suffix
    assert asked and (tmp_path / f"picture{suffix}").stat().st_size > 1000
    assert window.statusBar().currentMessage().startswith("Saved the diagram")


# ------------------------------------------------------------------ animations
def test_gif_has_one_frame_per_step_and_the_frames_differ(window, tmp_path):
    from PIL import Image

    path = tmp_path / "cell.gif"
    assert export_animation(window, path, fps=4, steps=4, size=SIZE)
    with Image.open(path) as gif:
        assert gif.n_frames == 4 and gif.size == SIZE
        assert gif.info["loop"] == 0 and gif.info["duration"] == 250
        frames = []
        for index in range(gif.n_frames):
            gif.seek(index)
            frames.append(np.asarray(gif.convert("RGB")))
    assert all(not np.array_equal(a, b) for a, b in itertools.pairwise(frames))
    assert len(np.unique(frames[0].reshape(-1, 3), axis=0)) > 20
    assert window.session.t == 2


def test_mp4_parses_back_with_one_frame_per_step(window, tmp_path):
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    path = tmp_path / "cell.mp4"
    assert export_animation(window, path, fps=5, steps=3, size=SIZE)
    assert decoded_frames(path, 480, 304) == 3, "one frame per step, padded to a multiple of 16"
    assert imageio_ffmpeg.count_frames_and_secs(str(path)) == (3, pytest.approx(0.6, abs=0.05))
    assert window.session.t == 2
    assert sorted(p.name for p in tmp_path.glob("*.mp4")) == ["cell.mp4"]


@pytest.mark.parametrize("suffix", [".gif", ".mp4"])
def test_cancelling_midway_leaves_no_file_and_keeps_t(window, tmp_path, suffix):
    path = tmp_path / f"cell{suffix}"
    seen: list[int] = []

    def cancel_after_two_frames() -> None:
        dialog = window.findChild(QProgressDialog, "export_progress")
        if dialog is not None and dialog.isVisible():
            seen.append(dialog.value())
            if dialog.value() >= 2:
                dialog.cancel()

    timer = QTimer()
    timer.timeout.connect(cancel_after_two_frames)
    timer.start(0)
    try:
        assert not export_animation(window, path, steps=8, size=SIZE)
    finally:
        timer.stop()
    assert seen and max(seen) == 2
    assert not path.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cell")]
    assert window.session.t == 2
    assert "cancelled" in window.statusBar().currentMessage()


def test_a_failed_export_warns_in_one_line_and_keeps_the_old_file(window, tmp_path, monkeypatch):
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    assert not export_animation(window, tmp_path / "cell.webm", steps=2, size=SIZE)
    assert warnings == ["cell.webm: an animation is a .gif or an .mp4 file"]
    assert not export_animation(window, tmp_path / "no-such-folder" / "cell.gif", steps=2, size=SIZE)
    assert len(warnings) == 2 and "\n" not in warnings[1] and warnings[1].startswith("cell.gif: ")


def test_render_frames_leave_the_session_alone_and_check_steps():
    session = Session()
    session.seek(5)
    calls = []
    frames = list(render_frames(session, 2, SIZE, progress=lambda done, total: calls.append((done, total))))
    assert [f.shape for f in frames] == [(SIZE[1], SIZE[0], 4)] * 2
    assert calls == [(1, 2), (2, 2)] and session.t == 5
    with pytest.raises(ValueError, match="steps"):
        next(render_frames(session, session.length + 1, SIZE))


def test_missing_pillow_names_the_extra_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(MissingExtraError, match="Pillow") as caught:
        export_gif(iter([np.zeros((16, 16, 4), np.uint8)]), tmp_path / "a.gif", 2)
    assert VIDEO_EXTRA in str(caught.value)
    assert VIDEO_EXTRA == 'pip install "lstm-gate-simulator[video]"'
    assert leftovers(tmp_path) == []


# ------------------------------------------------------------------ headless commands
def test_render_png_and_svg_from_a_preset_and_a_lesson(qapp, tmp_path):
    png = tmp_path / "cell.png"
    assert (
        main(["render", "--preset", "worked-example", "--step", "3", "--size", "480x300", "--out", str(png)])
        == 0
    )
    assert pixels(png).shape == (300, 480, 4)

    session = Session("worked-example")
    session.seek(4)
    lesson = save_lesson(session.snapshot(), tmp_path / "lesson")
    svg = tmp_path / "cell.svg"
    assert main(["render", "--session", str(lesson), "--out", str(svg)]) == 0
    root = ET.parse(svg).getroot()
    assert root.find(f"{SVG}title").text.endswith("t = 4")


def test_animate_gif_and_mp4_headless(qapp, tmp_path):
    from PIL import Image

    gif = tmp_path / "cell.gif"
    assert (
        main(
            [
                "animate",
                "--preset",
                "worked-example",
                "--steps",
                "3",
                "--fps",
                "5",
                "--size",
                "480x300",
                "--out",
                str(gif),
            ]
        )
        == 0
    )
    with Image.open(gif) as image:
        assert image.n_frames == 3 and image.info["duration"] == 200
    mp4 = tmp_path / "cell.mp4"
    argv = ["animate", "--preset", "counter", "--steps", "2", "--size", "480x300", "--out", str(mp4)]
    assert main(argv) == 0
    assert decoded_frames(mp4, 480, 304) == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["render", "--preset", "worked-example", "--out", "cell.jpg"], "cell.jpg: unknown suffix '.jpg'"),
        (["render", "--preset", "worked-example", "--step", "99", "--out", "cell.png"], "--step 99:"),
        (["render", "--preset", "no-such-preset", "--out", "cell.png"], "unknown preset 'no-such-preset'"),
        (["render", "--session", "missing.lstm.json", "--out", "cell.svg"], "missing.lstm.json: cannot read"),
        (["render", "--preset", "counter", "--session", "x.lstm.json", "--out", "cell.png"], "not allowed"),
        (["animate", "--preset", "worked-example", "--out", "cell.avi"], "an animation is a GIF or an MP4"),
        (["animate", "--preset", "worked-example", "--steps", "99", "--out", "cell.gif"], "--steps 99:"),
        (["animate", "--preset", "worked-example", "--fps", "0", "--out", "cell.gif"], "frames per second"),
        (["animate", "--preset", "worked-example", "--out", "no-such-folder/cell.gif"], "no such folder"),
    ],
)
def test_headless_errors_are_one_line_and_exit_2(qapp, tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert leftovers(tmp_path) == []
