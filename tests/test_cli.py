"""The headless ``lstm-sim`` commands: output, files, and one-line errors with exit code 2."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from simulator.cli import main
from simulator.engine import TRACE_FIELDS, run
from simulator.io.presets import load_preset


def test_run_prints_every_gate_and_the_forget_product(capsys):
    assert main(["run", "--preset", "worked-example", "--steps", "3"]) == 0
    out = capsys.readouterr().out
    assert out.count("step ") == 3
    lines = {line.split("  ")[0].strip(): line for line in out.splitlines()}
    assert "C_{t-1} ⊙ f_t" in lines and "i_t ⊙ ~C_t" in lines
    first_block = out.split("step 2")[0]
    product = next(line for line in first_block.splitlines() if line.startswith("C_{t-1} ⊙ f_t"))
    assert product.split()[-3:] == ["0.000", "0.320", "0.530"]
    forget = next(line for line in first_block.splitlines() if line.startswith("f_t"))
    assert forget.split()[-3:] == ["0.000", "0.500", "1.000"]


def test_run_reads_csv_and_writes_npz_with_field_names(tmp_path, capsys):
    inputs = np.array([[0.5, -1.0], [1.0, 0.25], [0.0, 2.0]])
    csv = tmp_path / "in.csv"
    csv.write_text("a,b\n" + "\n".join(",".join(repr(float(v)) for v in row) for row in inputs) + "\n")
    out = tmp_path / "trace.npz"
    assert main(["run", "--input", str(csv), "--out", str(out), "--quiet"]) == 0
    preset = load_preset("worked-example")
    expected = run(preset.params, inputs, preset.h0, preset.c0)
    with np.load(out) as data:
        assert set(TRACE_FIELDS) <= set(data.files)
        for field in TRACE_FIELDS:
            np.testing.assert_array_equal(data[field], getattr(expected, field))
        np.testing.assert_array_equal(data["c0"], preset.c0)


def test_run_reads_npy_and_writes_csv(tmp_path):
    inputs = np.linspace(-1, 1, 10).reshape(5, 2)
    npy = tmp_path / "in.npy"
    np.save(npy, inputs)
    out = tmp_path / "trace.csv"
    assert main(["run", "--input", str(npy), "--out", str(out), "--quiet"]) == 0
    header, *rows = out.read_text().splitlines()
    columns = header.split(",")
    assert columns[0] == "step" and "cell[2]" in columns and "forget_gate[0]" in columns
    assert len(rows) == 5
    preset = load_preset("worked-example")
    expected = run(preset.params, inputs, preset.h0, preset.c0)
    table = np.array([[float(v) for v in row.split(",")] for row in rows])
    np.testing.assert_array_equal(table[:, columns.index("hidden[1]")], expected.hidden[:, 1])


def test_presets_lists_names_and_descriptions(capsys):
    assert main(["presets"]) == 0
    out = capsys.readouterr().out
    from simulator.io.presets import preset_names

    starts = [line.split()[0] for line in out.splitlines() if line and not line.startswith(" ")]
    assert starts == preset_names() and "worked-example" in starts
    assert "Worked example: the forget gate" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["run", "--bogus"], "unrecognized arguments: --bogus"),
        (["frobnicate"], "invalid choice"),
        (["run", "--preset", "no-such-preset"], "unknown preset 'no-such-preset'"),
        (["run", "--input", "missing.csv"], "missing.csv: cannot read"),
        (["run", "--steps", "0"], "at least 1"),
        (["run", "--steps", "99"], "only 12 steps"),
        (["run", "--out", "trace.txt", "--quiet"], "unknown trace format .txt"),
        (["screenshot", "out.jpg"], "the screenshot is a PNG"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(argv, needle, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("lstm-sim: error: ")
    assert needle in err
    assert "Traceback" not in captured.err + captured.out


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("1,2\n3,x\n", "line 2: 'x' is not a number"),
        ("1,2\n3,nan\n", "NaN at step 2"),
        ("1,2\n3\n", "line 2: 1 values, expected 2"),
        ("1\n2\n", "1 values per step, but preset 'worked-example' takes 2"),
        ("", "no rows of numbers"),
    ],
)
def test_malformed_csv_is_refused_in_one_line(content, needle, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    assert main(["run", "--input", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and needle in err


def test_pickled_or_malformed_npy_is_refused(tmp_path, capsys):
    path = tmp_path / "objects.npy"
    np.save(path, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    assert main(["run", "--input", str(path)]) == 2
    assert "objects.npy" in capsys.readouterr().err
    junk = tmp_path / "junk.npy"
    junk.write_bytes(b"not an npy file at all")
    assert main(["run", "--input", str(junk)]) == 2
    assert "junk.npy" in capsys.readouterr().err


def test_console_module_runs_without_traceback():
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "run", "--steps", "1", "--nope"],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "lstm-sim: error: unrecognized arguments: --nope"
