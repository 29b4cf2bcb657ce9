"""Parity with PyTorch's LSTM to 1e-10 in float64, every gate and state, both packings.

The committed fixture (written by ``tests/make_parity_fixture.py``) makes the
check run without PyTorch; with PyTorch installed it also runs live on
hypothesis-drawn shapes, weight scales up to 30 and independent biases.

Every step is compared from PyTorch's previous state (h_{t-1}, C_{t-1}), which
holds to 1e-10 at any weight scale; a whole run is compared where the recurrence
is well-conditioned (see the fixture script: with large recurrent weights even
PyTorch's ``LSTMCell`` and ``LSTM`` drift apart).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.engine import LSTMParams, run

_SCRIPT = Path(__file__).parents[1] / "make_parity_fixture.py"
_spec = importlib.util.spec_from_file_location("make_parity_fixture", _SCRIPT)
fixture_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixture_script)

TOLERANCE = 1e-10


def packings(case: dict[str, np.ndarray]) -> dict[str, LSTMParams]:
    """The case's weights read through PyTorch's packing and through Keras' packing.

    PyTorch's gate order i, f, g, o is Keras' i, f, c, o, so Keras' kernel is
    ``weight_ih`` transposed and its one bias is the sum of PyTorch's two.
    """
    return {
        "torch": LSTMParams.from_torch(
            case["weight_ih"], case["weight_hh"], case["bias_ih"], case["bias_hh"]
        ),
        "keras": LSTMParams.from_keras(
            kernel=case["weight_ih"].T,
            recurrent_kernel=case["weight_hh"].T,
            bias=case["bias_ih"] + case["bias_hh"],
        ),
    }


def assert_close(actual: np.ndarray, expected: np.ndarray, what: str) -> None:
    np.testing.assert_allclose(actual, expected, rtol=TOLERANCE, atol=TOLERANCE, err_msg=what)


def assert_each_step_matches(case: dict[str, np.ndarray], reference: dict[str, np.ndarray]) -> None:
    """Run every step from PyTorch's previous state; compare all gates, pre-activations and states."""
    h_prev = np.vstack([case["h0"], reference["hidden"][:-1]])
    c_prev = np.vstack([case["c0"], reference["cell"][:-1]])
    for packing, params in packings(case).items():
        for t, x in enumerate(case["inputs"]):
            trace = run(params, x[None], h_prev[t], c_prev[t])
            for name in fixture_script.REFERENCE[:-1]:
                assert_close(
                    getattr(trace, name)[0], reference[name][t], f"{packing}: {name} at step {t + 1}"
                )


def assert_whole_run_matches(case: dict[str, np.ndarray], reference: dict[str, np.ndarray]) -> None:
    """One run over the whole sequence against LSTMCell step by step and nn.LSTM's hidden sequence."""
    for packing, params in packings(case).items():
        trace = run(params, case["inputs"], case["h0"], case["c0"])
        for name in fixture_script.REFERENCE:
            field = "hidden" if name == "lstm_hidden" else name
            assert_close(getattr(trace, field), reference[name], f"{packing}: {name}")


def load_fixture() -> list[tuple[dict[str, np.ndarray], dict[str, np.ndarray]]]:
    with np.load(fixture_script.FIXTURE) as data:
        stored = {key: data[key] for key in data.files}
    cases = []
    for k in range(len(fixture_script.CASES)):
        case = {name: stored[f"case{k}.{name}"] for name in fixture_script.PACKING}
        reference = {name: stored[f"case{k}.{name}"] for name in fixture_script.REFERENCE}
        cases.append((case, reference))
    return cases


FIXTURE_CASES = load_fixture()
CASE_IDS = [f"case{k}" for k in range(len(FIXTURE_CASES))]
WELL_CONDITIONED = [
    pytest.param(case, reference, id=name)
    for (case, reference), name, sizes in zip(FIXTURE_CASES, CASE_IDS, fixture_script.CASES, strict=True)
    if fixture_script.well_conditioned(sizes[4])
]


@pytest.mark.parametrize(("case", "reference"), FIXTURE_CASES, ids=CASE_IDS)
def test_each_step_matches_the_committed_torch_fixture(case, reference) -> None:
    assert_each_step_matches(case, reference)


@pytest.mark.parametrize(("case", "reference"), WELL_CONDITIONED)
def test_whole_run_matches_the_committed_torch_fixture(case, reference) -> None:
    assert_whole_run_matches(case, reference)


def test_fixture_is_what_the_script_makes() -> None:
    sizes = set()
    for (case, reference), expected in zip(FIXTURE_CASES, fixture_script.fixture_cases(), strict=True):
        for name in fixture_script.PACKING:
            assert np.array_equal(case[name], expected[name]), name
        T, D = case["inputs"].shape
        sizes.add((D, case["h0"].shape[0], T))
        assert reference["hidden"].shape == reference["lstm_hidden"].shape == (T, case["h0"].shape[0])
        # The trap: two equal biases (or zero ones) would hide a bias added once or twice.
        assert not np.allclose(case["bias_ih"], case["bias_hh"])
        assert np.all(case["bias_hh"] != 0) and np.all(case["h0"] != 0) and np.all(case["c0"] != 0)
    assert {(1, 1, 1), (8, 32, 60)} <= sizes
    assert len(WELL_CONDITIONED) >= len(FIXTURE_CASES) // 2
    assert fixture_script.FIXTURE.stat().st_size < 512 * 1024


def test_fixture_agrees_with_live_torch() -> None:
    pytest.importorskip("torch")
    for case, stored in FIXTURE_CASES:
        live = fixture_script.torch_reference(case)
        for name in fixture_script.REFERENCE:
            np.testing.assert_allclose(live[name], stored[name], rtol=1e-12, atol=1e-12, err_msg=name)


SIZES = {"D": st.integers(1, 8), "H": st.integers(1, 32), "T": st.integers(1, 60)}
SCALES = st.sampled_from([0.1, 0.5, 1.0, 3.0, 10.0, 30.0])
SEEDS = st.integers(0, 2**32 - 1)


@settings(max_examples=25, deadline=None)
@given(**SIZES, scale=SCALES, recurrent_scale=SCALES, seed=SEEDS)
def test_each_step_matches_live_torch(
    D: int, H: int, T: int, scale: float, recurrent_scale: float, seed: int
) -> None:
    pytest.importorskip("torch")
    case = fixture_script.random_case(D, H, T, scale, recurrent_scale, seed)
    assert_each_step_matches(case, fixture_script.torch_reference(case))


@settings(max_examples=25, deadline=None)
@given(**SIZES, scale=SCALES, seed=SEEDS)
def test_whole_run_matches_live_torch(D: int, H: int, T: int, scale: float, seed: int) -> None:
    pytest.importorskip("torch")
    case = fixture_script.random_case(D, H, T, scale, None, seed)
    assert_whole_run_matches(case, fixture_script.torch_reference(case))
