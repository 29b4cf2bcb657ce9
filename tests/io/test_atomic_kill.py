"""Crash-safe saving: a process killed mid-save leaves the previous lesson whole, and usual permissions.

A child process saves a lesson of a few megabytes over and over, each version
numbered in its title and its first input; it is killed with SIGKILL at random
moments. Each time the file must load, be one complete version, and no
leftover temporary file may look like a lesson.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulator.io.atomic import atomic_write
from simulator.io.lessons import LESSON_SUFFIX, load_lesson

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

SAVER = """
import sys
import numpy as np
from simulator.engine import LSTMParams
from simulator.io.lessons import Lesson, save_lesson

path, first = sys.argv[1], int(sys.argv[2])
params = LSTMParams.random(8, 4, seed=1)
inputs = np.random.default_rng(0).normal(size=(20_000, 8))
h0 = np.zeros(4)
version = first
while True:
    inputs[0, 0] = version
    save_lesson(Lesson(params, inputs, h0, h0, title=f"v{version}"), path)
    if version == first:
        print("saved", flush=True)
    version += 1
"""


def _assert_one_whole_version(path: Path) -> int:
    lesson = load_lesson(path)
    version = int(lesson.inputs[0, 0])
    assert lesson.title == f"v{version}" and lesson.inputs.shape == (20_000, 8)
    return version


def test_killed_saves_leave_the_previous_lesson_whole(tmp_path):
    path = tmp_path / f"class{LESSON_SUFFIX}"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    rng = random.Random(11)
    first = 0
    for _ in range(5):
        child = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(path), str(first)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert child.stdout.readline().strip() == "saved"
            time.sleep(rng.uniform(0.0, 0.4))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
            child.stdout.close()
        assert child.returncode == -signal.SIGKILL
        version = _assert_one_whole_version(path)
        assert version >= first
        first = version + 1
        lessons = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(LESSON_SUFFIX))
        assert lessons == [path.name]
        for leftover in tmp_path.iterdir():
            if leftover != path:
                assert leftover.name.startswith(".") and leftover.name.endswith(".tmp"), leftover.name


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_new_files_get_the_usual_permissions(tmp_path, umask_022):
    path = tmp_path / "new.txt"
    atomic_write(path, lambda f: f.write(b"x"))
    assert path.stat().st_mode & 0o777 == 0o644


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_replaced_file_keeps_its_permissions(tmp_path, umask_022):
    path = tmp_path / "private.txt"
    path.write_bytes(b"old")
    path.chmod(0o600)
    atomic_write(path, lambda f: f.write(b"new"))
    assert path.read_bytes() == b"new" and path.stat().st_mode & 0o777 == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "kept.txt"
    path.write_bytes(b"old")

    def fail(handle) -> None:
        handle.write(b"partial")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, fail)
    assert path.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["kept.txt"]
