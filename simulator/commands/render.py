"""``lstm-sim render``: the diagram at one step, drawn to a PNG or an SVG without a window.

Also holds what ``render`` and ``animate`` share: the ``--preset | --session``
choice, the ``--size`` parser and the checks on ``--out``. Qt is imported only
when a command runs, after ``QT_QPA_PLATFORM`` defaults to ``offscreen``.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

from simulator.commands.arguments import non_negative_int
from simulator.io.lessons import load_lesson
from simulator.session import Session

RENDER_SUFFIXES = (".png", ".svg")
MIN_SIZE, MAX_SIZE = 64, 8192


def add_render_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``render`` subcommand to ``commands`` (the result of ``add_subparsers``)."""
    parser = commands.add_parser("render", help="draw the diagram at one step to a PNG or SVG")
    add_source_arguments(parser)
    parser.add_argument(
        "--step",
        type=non_negative_int,
        metavar="T",
        help="the step shown (default: 1 for a preset, the saved step for a lesson)",
    )
    parser.add_argument(
        "--size",
        type=parse_size,
        metavar="WxH",
        help="picture size, the diagram centred (default: 1920 wide, the diagram's aspect)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE.png|FILE.svg",
        help="the picture to write; the suffix chooses the format",
    )
    return parser


def render_command(args: argparse.Namespace) -> int:
    """Run ``lstm-sim render``; returns 0 or raises ValueError, OSError or LoadError with one line."""
    out = checked_out(args.out, RENDER_SUFFIXES, "the picture is a PNG or an SVG")
    session = load_session(args)
    step = args.step if args.step is not None else (session.t if args.session is not None else 1)
    if step > session.length:
        raise ValueError(f"--step {step}: {describe(args)} has only {session.length} steps")
    session.seek(step)
    start_qt()
    from simulator.ui.export import DIAGRAM_WIDTH, diagram_scene, export_diagram_png, export_diagram_svg

    scene = diagram_scene(session)
    if out.suffix.lower() == ".png":
        width, height = export_diagram_png(scene, out, *(args.size or (DIAGRAM_WIDTH, None)))
        print(f"saved {out} ({width}x{height}, t = {step})", file=sys.stderr)
    else:
        title = session.title or session.preset_name or "LSTM cell"
        export_diagram_svg(scene, out, title=f"{title}, t = {step}", size=args.size)
        print(f"saved {out} (t = {step})", file=sys.stderr)
    return 0


# ------------------------------------------------------------------ shared with animate
def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """The required choice of what to draw: ``--preset NAME`` or ``--session FILE``."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--preset", metavar="NAME", help="a shipped preset (or a preset file)")
    source.add_argument("--session", type=Path, metavar="FILE.lstm.json", help="a saved lesson")


def load_session(args: argparse.Namespace) -> Session:
    """The session named by ``--preset`` or ``--session``.

    Raises
    ------
    LoadError
        If the preset is unknown or the lesson cannot be read.
    """
    if args.session is None:
        return Session(args.preset)
    session = Session(None)
    session.restore(load_lesson(args.session))
    return session


def describe(args: argparse.Namespace) -> str:
    """``preset 'counter'`` or ``lesson.lstm.json``: what the user asked to draw, for messages."""
    return f"preset {args.preset!r}" if args.session is None else Path(args.session).name


def checked_out(out: Path, suffixes: tuple[str, ...], what: str) -> Path:
    """``out``, after checking its suffix is one of ``suffixes`` and its folder exists.

    Raises
    ------
    ValueError
        If the suffix is not one of ``suffixes`` (the message ends with ``what``).
    FileNotFoundError
        If the folder does not exist.
    """
    out = Path(out)
    if out.suffix.lower() not in suffixes:
        raise ValueError(f"{out.name}: unknown suffix {out.suffix or '(none)'!r}; {what}")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such folder", str(folder))
    return out


def start_qt() -> None:
    """Create the QApplication, offscreen unless ``QT_QPA_PLATFORM`` says otherwise."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from simulator.ui.app import application

    application()


def parse_size(text: str) -> tuple[int, int]:
    """``"480x300"`` → ``(480, 300)``; an ``argparse`` type."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1280x720, got {text!r}") from None
    if not (MIN_SIZE <= width <= MAX_SIZE and MIN_SIZE <= height <= MAX_SIZE):
        raise argparse.ArgumentTypeError(
            f"size {text!r} outside {MIN_SIZE}x{MIN_SIZE} to {MAX_SIZE}x{MAX_SIZE}"
        )
    return width, height
