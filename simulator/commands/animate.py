"""``lstm-sim animate``: the diagram at t = 1 … N, one frame per step, to a GIF or an MP4."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simulator.commands.arguments import positive_int
from simulator.commands.render import (
    add_source_arguments,
    checked_out,
    describe,
    load_session,
    parse_size,
    start_qt,
)

ANIMATION_SUFFIXES = (".gif", ".mp4")
DEFAULT_FPS = 2.0
MAX_FPS = 60.0


def add_animate_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``animate`` subcommand to ``commands`` (the result of ``add_subparsers``)."""
    parser = commands.add_parser(
        "animate", help="draw the diagram at every step to a GIF or MP4, one frame per step, without a window"
    )
    add_source_arguments(parser)
    parser.add_argument(
        "--steps", type=positive_int, metavar="N", help="animate t = 1 to N (default: the whole sequence)"
    )
    parser.add_argument(
        "--fps",
        type=_fps,
        default=DEFAULT_FPS,
        metavar="F",
        help="steps shown per second (default: %(default)g)",
    )
    parser.add_argument(
        "--size",
        type=parse_size,
        metavar="WxH",
        help="frame size, the diagram centred (default: 1280 wide, the diagram's aspect)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE.gif|FILE.mp4",
        help="the animation to write; the suffix chooses the format",
    )
    return parser


def animate_command(args: argparse.Namespace) -> int:
    """Run ``lstm-sim animate``; returns 0 or raises ValueError, OSError or LoadError with one line."""
    out = checked_out(args.out, ANIMATION_SUFFIXES, "an animation is a GIF or an MP4")
    session = load_session(args)
    steps = args.steps if args.steps is not None else session.length
    if steps > session.length:
        raise ValueError(f"--steps {steps}: {describe(args)} has only {session.length} steps")
    start_qt()
    from simulator.ui.export import export_animation_file, render_frames

    export_animation_file(render_frames(session, steps, args.size), out, args.fps)
    print(f"saved {out} ({steps} frames at {args.fps:g} per second)", file=sys.stderr)
    return 0


def _fps(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of frames per second, got {text!r}") from None
    if not 0 < value <= MAX_FPS:
        raise argparse.ArgumentTypeError(f"expected 0 < F <= {MAX_FPS:g} frames per second, got {text!r}")
    return value
