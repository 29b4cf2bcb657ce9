"""``lstm-sim run --model FILE``: run a trained LSTM's layers over an input sequence.

``--model`` takes the place of ``--preset``'s weights (the preset is not
read). Layers 0..K run in order (``--layer K``, by default the last), each
reading the hidden states of the one below; the table printed is layer K's.
``--out trace.npz`` writes every field of every layer run, keyed
``l{k}_<field>`` (``l0_hidden``, ``l1_forget_gate`` …, plus ``l{k}_h0`` and
``l{k}_c0``) and ``layer_names``; ``--out trace.csv`` writes layer K's table.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from simulator.commands.run import fitted_inputs, print_trace
from simulator.io.atomic import atomic_write
from simulator.io.models import load_model
from simulator.io.sequences import read_inputs, write_trace


def model_run_command(args: argparse.Namespace) -> int:
    """Run ``args.model`` over ``args.input``; options as for a preset run, plus ``args.layer``.

    Raises
    ------
    LoadError
        A bad model or input file.
    ValueError
        No ``--input``, a layer outside the model, inputs of the wrong width,
        ``--steps`` beyond the sequence, an unknown ``--out`` suffix.
    """
    model = load_model(args.model)
    if args.float32:
        model = model.astype(np.float32)
    if args.input is None:
        raise ValueError("--model needs --input FILE.csv|FILE.npy (a model file holds no inputs)")
    inputs = fitted_inputs(
        read_inputs(args.input), model.input_size, args.input.name, args.model.name, args.steps
    )
    last = len(model.layers) - 1
    layer = last if args.layer is None else args.layer
    if not 0 <= layer <= last:
        raise ValueError(f"--layer {layer}: {args.model.name} has layers 0..{last}")
    for note in model.notes:
        print(f"{args.model.name}: {note}", file=sys.stderr)
    traces = model.run_layers(inputs, upto=layer)
    if not args.quiet:
        name = model.layers[layer].name
        order = " (runs over the reversed sequence: step 1 is the last input)" if model.reverse[layer] else ""
        print(f"layer {layer}: {name}{order}\n")
        print_trace(traces[layer], sys.stdout, decimals=args.decimals)
    if args.out is not None:
        if args.out.suffix.lower() == ".npz":
            arrays = {
                f"l{k}_{field}": np.ascontiguousarray(values)
                for k, trace in enumerate(traces)
                for field, values in trace.arrays().items()
            }
            arrays["layer_names"] = np.array(model.layer_names[: layer + 1])
            atomic_write(args.out, lambda f: np.savez(f, **arrays))
        else:
            write_trace(traces[layer], args.out)
        print(f"wrote {len(traces)} layers of {len(traces[layer])} steps to {args.out}", file=sys.stderr)
    return 0
