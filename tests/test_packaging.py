"""The wheel carries the resources: a regular (non-editable) install finds the presets."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )
    if done.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{done.stderr[-2000:]}")
    (path,) = out.glob("lstm_gate_simulator-*.whl")
    return path


def test_wheel_contains_presets_inside_the_package(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "simulator/resources/presets/worked-example.json" in names
    assert any(name.endswith("entry_points.txt") for name in names)


def test_regular_install_finds_resources(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True, capture_output=True, timeout=600,
    )
    script = (
        "import simulator, simulator.io.resources as r, simulator.io.presets as p;"
        "print(simulator.__file__); print(r.resources_dir());"
        "print(p.load_preset('worked-example').params.hidden_size)"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=120, check=True)
    module_file, resources, hidden = done.stdout.split("\n")[:3]
    assert Path(module_file).is_relative_to(target)
    assert Path(resources) == target / "simulator" / "resources"
    assert hidden == "3"
