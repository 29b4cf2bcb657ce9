"""PySide6's check of which imported modules use it gives the same answers, read from bytes."""

from __future__ import annotations

import importlib
import inspect
import sys

import pytest

import simulator.ui.app  # noqa: F401  (replaces the check on import)
from simulator.ui.pyside_scan import read_module_sources_quickly

USES_PYSIDE = {
    "simulator.ui.main_window": True,
    "simulator.ui.plots_curves": True,
    "pyqtgraph.Qt": True,
    "pyqtgraph.graphicsItems.PlotItem.PlotItem": False,  # imports Qt through pyqtgraph.Qt
    "simulator.engine.cell": False,
    "simulator.session": False,
    "numpy.lib._type_check_impl": False,
    "json.decoder": False,
}


def feature_check():
    return getattr(sys.modules["shibokensupport.feature"], "_mod_uses_pyside", None)


def test_the_app_module_replaced_the_check_and_doing_it_again_changes_nothing():
    check = feature_check()
    if check is None:
        pytest.skip("this PySide6 has no such check")
    assert getattr(check, "reads_bytes", False)
    assert read_module_sources_quickly() and feature_check() is check


@pytest.mark.parametrize(("name", "uses"), USES_PYSIDE.items())
def test_the_answer_is_the_one_the_source_gives(name, uses):
    check = feature_check()
    if check is None:
        pytest.skip("this PySide6 has no such check")
    module = importlib.import_module(name)
    assert check(module) is uses
    assert ("PySide6" in inspect.getsource(module)) is uses  # how PySide6 itself reads it


def test_modules_without_a_source_file_go_to_the_original_check():
    check = feature_check()
    if check is None:
        pytest.skip("this PySide6 has no such check")
    assert check(sys) is False  # built in: PySide6's own check answers
    assert check(importlib.import_module("numpy._core._multiarray_umath")) is False  # compiled
