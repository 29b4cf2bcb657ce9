"""The formulas with numbers: exact text for the worked example, numbers equal to the engine's."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

from simulator import explain
from simulator.engine import LSTMParams, step
from simulator.parts import PARTS
from simulator.session import Session

NUMBER = re.compile(r"-?\d+\.\d+")


@pytest.fixture
def session() -> Session:
    s = Session()  # the worked-example preset
    s.step()
    return s


def numbers(text: str) -> list[float]:
    return [float(n) for n in NUMBER.findall(text)]


def test_worked_example_forget_product_exactly(session: Session) -> None:
    text = explain.formula("forget_product", session.current_step(), session.params)
    assert text == "C_{t-1} ⊙ f_t = [0.82×0.00, 0.64×0.50, 0.53×1.00] = [0.00, 0.32, 0.53]"


def test_worked_example_forget_gate_exactly(session: Session) -> None:
    text = explain.formula("forget_gate", session.current_step(), session.params)
    assert text == "f_t = σ(W_f x_t + U_f h_{t-1} + b_f) = σ([-30.00, 0.00, 30.00]) = [0.00, 0.50, 1.00]"


def test_each_formula_starts_with_the_parts_symbol(session: Session) -> None:
    for part, info in PARTS.items():
        assert explain.formula(part, session.current_step(), session.params).startswith(info.symbol + " ")


@pytest.mark.parametrize("t", [1, 2, 5])
def test_every_parts_numbers_equal_the_engines(t: int) -> None:
    s = Session()
    s.seek(t)
    r = s.current_step()
    expected = {
        "inputs": [r.inputs],
        "hidden_prev": [r.hidden_prev],
        "cell_prev": [r.cell_prev],
        "forget_gate": [r.forget_pre, r.forget_gate],
        "input_gate": [r.input_pre, r.input_gate],
        "candidate": [r.candidate_pre, r.candidate],
        "output_gate": [r.output_pre, r.output_gate],
        "forget_product": [np.column_stack([r.cell_prev, r.forget_gate]).ravel(), r.forget_product],
        "input_product": [np.column_stack([r.input_gate, r.candidate]).ravel(), r.input_product],
        "cell": [np.column_stack([r.forget_product, r.input_product]).ravel(), r.cell],
        "cell_tanh": [r.cell, r.cell_tanh],
        "hidden": [np.column_stack([r.output_gate, r.cell_tanh]).ravel(), r.hidden],
    }
    for part in PARTS:
        shown = numbers(explain.formula(part, r, s.params))
        engine = np.concatenate(expected[part])
        assert len(shown) == len(engine), part
        np.testing.assert_allclose(shown, np.round(engine, 2), atol=1e-9, err_msg=part)


def test_more_decimals(session: Session) -> None:
    text = explain.formula("forget_gate", session.current_step(), session.params, decimals=4)
    assert text.endswith("= [0.0000, 0.5000, 1.0000]")


def test_negative_zero_is_written_as_zero() -> None:
    assert explain.number(-0.0) == "0.00"
    assert explain.number(-0.004) == "0.00"
    assert explain.number(-0.005001) == "-0.01"
    assert explain.vector([-1e-9, 2.0]) == "[0.00, 2.00]"


def test_negative_factors_and_terms_read_unambiguously() -> None:
    params = LSTMParams.random(2, 3, seed=3, scale=2.0)
    r = step(params, np.array([1.0, -1.0]), np.array([0.5, -0.5, 0.2]), np.array([-0.8, 0.6, -0.4]))
    assert (r.candidate < -0.005).any() and (r.input_product < -0.005).any()
    product = explain.formula("input_product", r, params)
    assert re.search(r"×\(-\d", product)
    assert not re.search(r"×-", product)
    cell = explain.formula("cell", r, params)
    assert re.search(r"\d-\d", cell)
    assert "+-" not in cell and "--" not in cell


def test_long_vectors_are_abbreviated() -> None:
    H = 300
    params = LSTMParams.random(4, H, seed=1)
    r = step(params, np.ones(4))
    for part in PARTS:
        text = explain.formula(part, r, params)
        assert len(numbers(text)) < 40, part
        if part != "inputs":
            assert f"… {H - explain.HEAD} more" in text, part
    assert explain.formula("inputs", r, params) == "x_t = [1.00, 1.00, 1.00, 1.00]"


def test_html_has_subscripts(session: Session) -> None:
    html = explain.formula_html("cell", session.current_step(), session.params)
    assert html.startswith("C<sub>t</sub> = C<sub>t−1</sub> ⊙ f<sub>t</sub> + i<sub>t</sub> ⊙ C̃<sub>t</sub>")
    assert numbers(html) == numbers(explain.formula("cell", session.current_step(), session.params))


def test_before_the_first_step() -> None:
    s = Session()
    h0, c0, x1 = s.h0, s.c0, s.inputs[0]
    assert explain.start_formula("cell_prev", h0, c0, x1) == "C_{t-1} = C_0 = [0.82, 0.64, 0.53]"
    assert explain.start_formula("inputs", h0, c0, x1) == "x_t = x_1 = [1.00, 0.00]"
    assert "press Step" in explain.start_formula("forget_gate", h0, c0, x1)


def test_weight_symbols() -> None:
    assert explain.weight_symbol("forget", "input") == "W_f"
    assert explain.weight_symbol("candidate", "recurrent") == "U_C"
    assert explain.weight_symbol("output", "bias", html=True) == "b<sub>o</sub>"


def test_errors_are_clear(session: Session) -> None:
    with pytest.raises(ValueError, match="unknown part 'gate'"):
        explain.formula("gate", session.current_step(), session.params)
    with pytest.raises(ValueError, match="does not fit"):
        explain.formula("cell", session.current_step(), LSTMParams.random(2, 4))


def test_explain_imports_no_qt() -> None:
    code = (
        "import sys, simulator.explain; "
        "print(any(m.startswith(('PySide6', 'pyqtgraph')) for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
