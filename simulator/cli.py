"""The ``lstm-sim`` command: the desktop window, and headless commands for scripts and slides.

Every failure a user can cause (an unknown option, a missing or malformed file,
a wrong shape, a NaN) ends in one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from simulator.commands.animate import add_animate_parser
from simulator.commands.arguments import non_negative_int, positive_int
from simulator.commands.render import add_render_parser

EXIT_USAGE = 2
PROG = "lstm-sim"


class UsageError(Exception):
    """A problem with what the user asked for; printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line rather than usage text plus the error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="LSTM Gate Simulator: the inside of an LSTM cell, made visible. "
        "Without a command, opens the desktop window; `lstm-sim FILE.lstm.json` opens a saved lesson.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--preset", metavar="NAME", help="open the window with this preset")
    parser.add_argument(
        "--quit-after",
        type=non_negative_int,
        metavar="MS",
        help="close the window after MS milliseconds (for demos and smoke tests)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run = commands.add_parser(
        "run", help="run a preset over an input sequence and print every gate and state"
    )
    run.add_argument(
        "--preset",
        default="worked-example",
        metavar="NAME",
        help="preset whose weights (and inputs, unless --input) are used (default: %(default)s)",
    )
    run.add_argument(
        "--model",
        type=Path,
        metavar="FILE",
        help="a trained LSTM (.pt, .pth, .safetensors, .npz, .keras, .h5, .onnx) whose weights "
        "replace the preset's; needs --input",
    )
    run.add_argument(
        "--layer",
        type=non_negative_int,
        metavar="K",
        help="with --model: run layers 0..K and print layer K (default: the last)",
    )
    run.add_argument(
        "--input", type=Path, metavar="FILE.csv|FILE.npy", help="input sequence, one row per timestep"
    )
    run.add_argument("--steps", type=positive_int, metavar="N", help="run only the first N steps")
    run.add_argument(
        "--out",
        type=Path,
        metavar="FILE.csv|FILE.npz",
        help="write the whole trace (NPZ keys are the trace field names)",
    )
    run.add_argument("--float32", action="store_true", help="compute in float32 instead of float64")
    run.add_argument("--quiet", action="store_true", help="do not print the table")
    run.add_argument(
        "--decimals",
        type=_decimals,
        default=3,
        metavar="N",
        help="decimals in the printed table (default: %(default)s)",
    )

    commands.add_parser("presets", help="list the shipped presets")

    bench = commands.add_parser("bench", help="measure speed and memory and print a table")
    bench.add_argument("--quick", action="store_true", help="a reduced set (well under a minute)")
    bench.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    bench.add_argument("--engine-only", action="store_true", help="skip the window figures")

    shot = commands.add_parser("screenshot", help="render the main window offscreen to a PNG")
    shot.add_argument("out", type=Path, metavar="OUT.png")
    shot.add_argument("--preset", default="worked-example", metavar="NAME")
    shot.add_argument(
        "--step",
        type=non_negative_int,
        default=1,
        metavar="T",
        help="the step to show (default: %(default)s)",
    )
    shot.add_argument(
        "--size",
        type=_size,
        default=(1600, 1000),
        metavar="WxH",
        help="window size in pixels (default: 1600x1000)",
    )
    add_render_parser(commands)
    add_animate_parser(commands)
    return parser


def _decimals(text: str) -> int:
    value = non_negative_int(text)
    if value > 15:
        raise argparse.ArgumentTypeError(f"expected 0 to 15 decimals, got {text!r}")
    return value


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1600x1000, got {text!r}") from None
    if not (200 <= width <= 8192 and 200 <= height <= 8192):
        raise argparse.ArgumentTypeError(f"size {text!r} outside 200x200 to 8192x8192")
    return width, height


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``lstm-sim``; returns the exit code."""
    from simulator.io.errors import LoadError

    argv = list(sys.argv[1:] if argv is None else argv)
    lesson = None
    if argv and argv[0].endswith(".lstm.json"):
        lesson, argv = Path(argv[0]), argv[1:]  # `lstm-sim FILE.lstm.json [options]` opens a lesson
    try:
        args = build_parser().parse_args(argv)
        if lesson is not None and args.command is not None:
            raise UsageError(f"a lesson file opens the window; it does not go with '{args.command}'")
        if args.version:
            from simulator import __version__

            print(f"{PROG} {__version__}")
            return 0
        if args.command == "run":
            from simulator.commands.run import run_command

            return run_command(args)
        if args.command == "presets":
            from simulator.commands.run import presets_command

            return presets_command()
        if args.command == "bench":
            from simulator.bench.report import bench_command

            return bench_command(args)
        if args.command == "render":
            from simulator.commands.render import render_command

            return render_command(args)
        if args.command == "animate":
            from simulator.commands.animate import animate_command

            return animate_command(args)
        if args.command == "screenshot":
            from simulator.commands.screenshot import screenshot_command

            return screenshot_command(args)
        from simulator.ui.app import run_app

        return run_app(preset=args.preset, lesson=lesson, quit_after_ms=args.quit_after)
    except (UsageError, LoadError, ValueError, OSError) as exc:
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug of ours: still one line, never a traceback
        print(f"{PROG}: internal error: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return 1


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or exc}"
    return " ".join(str(exc).split()) or type(exc).__name__
