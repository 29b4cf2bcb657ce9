"""``lstm-sim bench --quick`` reports every figure (the numbers themselves are not judged here)."""

from __future__ import annotations

import json

from simulator.cli import main


def test_quick_bench_reports_every_field(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert main(["bench", "--quick", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["quick"] is True and "cores" in report["machine"]
    engine = report["engine"]
    assert {row["hidden_size"] for row in engine} == {3, 16, 64}
    for row in engine:
        assert row["ours_steps_per_s"] > 0 and row["steps"] > 0
        assert set(row) >= {"torch_steps_per_s", "ratio", "dtype", "input_size"}
    memory = report["memory"]
    assert memory["hidden_size"] == 64 and memory["bytes_per_step"] >= memory["raw_bytes_per_step"] > 0
    window = report["window"]
    assert window["step_latency_ms"] > 0 and window["playback_fps"] > 0
    assert window["step_views_ms"] > 0 and window["playback_steps_per_s"] > 0
    assert window["step_full_repaint_ms"] > 0
    assert window["history_steps"] == 100_000  # step latency at the end of a long history
    assert set(window["edit_latency_ms"]) == {"3", "16"}
    assert window["first_paint_s"] > 0 and window["bare_first_paint_s"] > 0
    long_run = report["long_run"]
    assert long_run["steps"] == 100_000 and long_run["hidden_size"] == 16
    assert long_run["bytes_per_step"] == long_run["raw_bytes_per_step"] == 8 * 14 * 16
    assert set(report["event_loop_gap_ms"]) == {
        "go to the end",
        "weight edit at t = 25,000",
        "play at full speed",
    }
    assert all(gap > 0 for gap in report["event_loop_gap_ms"].values())
    printed = capsys.readouterr().out
    assert "Engine throughput" in printed and "first painted window" in printed
    assert "Long run: 100,000 steps at H = 16" in printed and "Longest event-loop gap" in printed
