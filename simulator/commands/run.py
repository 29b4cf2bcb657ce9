"""``lstm-sim run`` and ``lstm-sim presets``."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

import numpy as np

from simulator.engine import Trace, run
from simulator.io.presets import load_preset, preset_names
from simulator.io.sequences import read_inputs, write_trace
from simulator.parts import PARTS

TABLE_ROWS = (
    "hidden_prev",
    "cell_prev",
    "forget_gate",
    "forget_product",
    "input_gate",
    "candidate",
    "input_product",
    "cell",
    "output_gate",
    "cell_tanh",
    "hidden",
)
"""The rows of a step's table, in the order the cell computes them."""
MAX_PRINTED_UNITS = 12


def run_command(args: argparse.Namespace) -> int:
    if args.model is not None:
        from simulator.commands.model_run import model_run_command

        return model_run_command(args)
    if args.layer is not None:
        raise ValueError("--layer goes with --model")
    preset = load_preset(args.preset)
    params = preset.params.astype(np.float32) if args.float32 else preset.params
    inputs = read_inputs(args.input) if args.input is not None else preset.inputs
    source = args.input.name if args.input else "inputs"
    inputs = fitted_inputs(inputs, params.input_size, source, f"preset {preset.name!r}", args.steps)
    trace = run(params, inputs, preset.h0, preset.c0)
    if not args.quiet:
        labels = preset.step_labels if args.input is None else ()
        print_trace(trace, sys.stdout, decimals=args.decimals, labels=labels)
    if args.out is not None:
        write_trace(trace, args.out)
        print(f"wrote {len(trace)} steps to {args.out}", file=sys.stderr)
    return 0


def fitted_inputs(
    inputs: np.ndarray, input_size: int, source: str, reader: str, steps: int | None
) -> np.ndarray:
    """``inputs`` checked against the width ``reader`` takes, cut to the first ``steps`` rows."""
    if inputs.shape[1] != input_size:
        raise ValueError(f"{source}: {inputs.shape[1]} values per step, but {reader} takes {input_size}")
    if steps is not None:
        if steps > inputs.shape[0]:
            raise ValueError(f"--steps {steps}: the input sequence has only {inputs.shape[0]} steps")
        inputs = inputs[:steps]
    return inputs


def print_trace(trace: Trace, out: TextIO, decimals: int = 3, labels: tuple[str, ...] = ()) -> None:
    """A readable table per step: every gate, product and state, one column per unit."""
    H = trace.hidden_size
    shown = min(H, MAX_PRINTED_UNITS)
    width = max(decimals + 5, 8)
    name_width = max(len(PARTS[name].symbol) for name in TABLE_ROWS) + 2
    header = " " * name_width + "".join(f"{'unit ' + str(u):>{width}}" for u in range(shown))
    for k in range(len(trace)):
        result = trace.step_at(k)
        x = ", ".join(f"{v:.{decimals}f}" for v in result.inputs)
        word = f"  “{labels[k]}”" if labels else ""
        out.write(f"step {k + 1}   x_t = [{x}]{word}\n{header}\n")
        for name in TABLE_ROWS:
            values = getattr(result, name)[:shown]
            cells = "".join(f"{v:>{width}.{decimals}f}" for v in np.round(values, decimals) + 0.0)
            out.write(f"{PARTS[name].symbol:<{name_width}}{cells}\n")
        if shown < H:
            out.write(f"({H} units, the first {shown} shown; --out writes them all)\n")
        out.write("\n")


def presets_command() -> int:
    for name in preset_names():
        preset = load_preset(name)
        print(
            f"{name:<18} {preset.title} — H = {preset.params.hidden_size}, "
            f"D = {preset.params.input_size}, T = {preset.inputs.shape[0]}"
        )
        print(f"{'':<18} {preset.description}")
    return 0
