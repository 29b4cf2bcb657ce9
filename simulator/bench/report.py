"""The ``lstm-sim bench`` command: run the figures, print a table, optionally write JSON."""

from __future__ import annotations

import argparse
import json
import platform
from dataclasses import asdict

import numpy as np

from simulator.bench.engine import HIDDEN_SIZES, QUICK_HIDDEN_SIZES, engine_throughput, trace_memory
from simulator.bench.long_runs import GAP_TARGET_MS, million_step_run, window_event_loop_gaps
from simulator.io.atomic import atomic_write

TARGET_RATIOS = {3: 3.0, 16: 2.0, 64: 1.5, 256: 1.2, 1024: 1.2}


def bench_command(args: argparse.Namespace) -> int:
    quick = bool(args.quick)
    sizes = QUICK_HIDDEN_SIZES if quick else HIDDEN_SIZES
    dtypes = ("float64",) if quick else ("float64", "float32")
    rows = [engine_throughput(h, dtype, quick) for dtype in dtypes for h in sizes]
    memory = trace_memory(64, 2_000 if quick else 10_000)
    million = million_step_run(quick)
    gui = gaps = None
    if not args.engine_only:
        from simulator.bench.gui import measure_window

        gui = measure_window(quick)
        gaps = window_event_loop_gaps(quick)

    print(f"LSTM Gate Simulator benchmark ({'quick' if quick else 'full'}) on {machine()}")
    print("\nEngine throughput, steps/s (median):")
    print(f"{'H':>6} {'D':>5} {'dtype':>8} {'ours':>12} {'torch CPU':>12} {'ours/torch':>11} {'target':>7}")
    for row in rows:
        theirs = "—" if row.torch_steps_per_s is None else f"{row.torch_steps_per_s:,.0f}"
        ratio = "—" if row.ratio is None else f"{row.ratio:.2f}×"
        target = f"{TARGET_RATIOS[row.hidden_size]:.1f}×" if row.dtype == "float64" else ""
        print(
            f"{row.hidden_size:>6} {row.input_size:>5} {row.dtype:>8} {row.ours_steps_per_s:>12,.0f} "
            f"{theirs:>12} {ratio:>11} {target:>7}"
        )
    print(
        f"\nTrace memory at H = {memory.hidden_size}: {memory.bytes_per_step:,.0f} bytes/step, "
        f"raw arrays {memory.raw_bytes_per_step:,.0f} bytes/step ({memory.ratio:.2f}×; target ≤ 1.1×)"
    )
    print(
        f"Long run: {million.steps:,} steps at H = {million.hidden_size} in {million.seconds:.1f} s "
        f"({million.steps_per_s:,.0f} steps/s), trace {million.bytes_per_step:,.0f} bytes/step "
        f"({million.ratio:.2f}× the raw arrays; peak while running {million.peak_bytes_per_step:,.0f})"
    )
    if gui is not None:
        print(f"\nWindow ({gui.history_steps:,} steps of history, offscreen):")
        step = gui.step_latency_ms
        print(f"  step latency            {step:8.1f} ms   (target ≤ 4 ms; diagram and plots painted)")
        print(f"    of which step + views {gui.step_views_ms:8.1f} ms   (without painting)")
        print(f"    whole window repainted{gui.step_full_repaint_ms:8.1f} ms")
        for hidden_size, value in gui.edit_latency_ms.items():
            print(f"  weight edit, T = 1000, H = {hidden_size:<3}{value:6.1f} ms   (target ≤ 16 ms; painted)")
        print(
            f"  playback                {gui.playback_fps:8.1f} fps  (target ≥ 60 fps), "
            f"{gui.playback_steps_per_s:,.0f} steps/s"
        )
        print(
            f"  first painted window    {gui.first_paint_s:8.2f} s    "
            f"bare window {gui.bare_first_paint_s:.2f} s "
            f"({gui.first_paint_ratio:.2f}×; target ≤ 1.3×)"
        )
    if gaps is not None:
        print(f"\nLongest event-loop gap (target ≤ {GAP_TARGET_MS:.0f} ms):")
        for name, value in gaps.items():
            print(f"  {name:<28}{value:8.1f} ms")
    if args.json is not None:
        report = {
            "machine": machine(),
            "quick": quick,
            "engine": [{**asdict(r), "ratio": r.ratio} for r in rows],
            "memory": {**asdict(memory), "ratio": memory.ratio},
            "window": None if gui is None else {**asdict(gui), "first_paint_ratio": gui.first_paint_ratio},
            "long_run": {**asdict(million), "steps_per_s": million.steps_per_s, "ratio": million.ratio},
            "event_loop_gap_ms": gaps,
        }
        text = json.dumps(report, indent=2)
        atomic_write(args.json, lambda handle: handle.write(text.encode("utf-8")))
        print(f"\nwrote {args.json}")
    return 0


def machine() -> str:
    import os

    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"NumPy {np.__version__}"
    )
