"""The breakpoint language: parsing, errors, and where breakpoints fire on a crafted trace."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.breakpoints import (
    Binary,
    Breakpoint,
    BreakpointError,
    Field,
    For,
    Index,
    Number,
    Saturated,
    parse,
)
from simulator.engine import LSTMParams, StepResult, Trace, run

H, D = 3, 2


def crafted(**columns: list[list[float]]) -> Trace:
    """A trace whose named fields hold the given rows (T, H); every other field is 0.5."""
    T = len(next(iter(columns.values())))
    trace = Trace(D, H)
    for k in range(T):
        values = {name: np.full(H, 0.5) for name in StepResult.__dataclass_fields__}
        values["inputs"] = np.zeros(D)
        values.pop("hidden_prev"), values.pop("cell_prev")
        for name, rows in columns.items():
            values[name] = np.asarray(rows[k], dtype=float)
        trace.append(StepResult(hidden_prev=np.zeros(H), cell_prev=np.zeros(H), **values))
    return trace


def steps(bp: Breakpoint, trace: Trace) -> list[tuple[int, tuple[int, ...]]]:
    return [(hit.step, hit.units) for hit in bp.hits(trace)]


# ----------------------------------------------------------------- parsing
def test_one_unit_comparison_parses_to_the_expected_tree():
    bp = parse("forget_gate[2] < 0.1", H, D)
    assert bp.root == Binary("<", Index(Field("forget_gate"), 2), Number(0.1))
    assert bp.text == "forget_gate[2] < 0.1"


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("f", "forget_gate"),
        ("i", "input_gate"),
        ("g", "candidate"),
        ("candidate", "candidate"),
        ("o", "output_gate"),
        ("c", "cell"),
        ("h", "hidden"),
        ("x", "inputs"),
        ("forget_pre", "forget_pre"),
        ("o_pre", "output_pre"),
        ("cell_tanh", "cell_tanh"),
        ("input_product", "input_product"),
    ],
)
def test_aliases_name_trace_fields(alias, name):
    assert parse(f"{alias} > 0", H, D).root.left == Field(name)


@pytest.mark.parametrize(
    ("text", "value"),
    [("1e-3", 1e-3), ("-0.5", -0.5), (".5", 0.5), ("2.", 2.0), ("-1E+2", -100.0), ("7", 7.0)],
)
def test_numbers(text, value):
    assert parse(f"f > {text}", H, D).root.right == Number(value)


@pytest.mark.parametrize("op", ["<", "<=", ">", ">=", "==", "!="])
def test_every_comparison(op):
    assert parse(f"c {op} 1", H, D).root.op == op


def test_and_binds_tighter_than_or_and_not_tighter_than_and():
    root = parse("f > 0 or not i > 0 and o > 0", H, D).root
    assert root.op == "or"
    assert root.right.op == "and" and root.right.left.op == "not"


def test_parentheses_override_precedence():
    root = parse("(f > 0 or i > 0) and o > 0", H, D).root
    assert root.op == "and" and root.left.op == "or"


def test_arithmetic_binds_tighter_than_comparison():
    root = parse("abs(c - h) * 2 > 1 + 1", H, D).root
    assert root.op == ">" and root.left.op == "*" and root.right.op == "+"


def test_saturated_for_steps():
    root = parse("input_gate saturated for 5 steps", H, D).root
    assert root == For(Saturated(Field("input_gate")), 5)
    assert parse("i[1] saturated for 1 step", H, D).root == For(Saturated(Index(Field("input_gate"), 1)), 1)


# ----------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("forgt_gate < 0.1", "unknown field 'forgt_gate' at column 1; did you mean forget_gate?"),
        ("forget_gate[7] < 0.1", "unit 7 is outside 0..2 at column 12"),
        ("x[2] > 0", "unit 2 is outside 0..1 at column 2"),
        ("f = 1", "unexpected character '=' at column 3; did you mean '=='?"),
        ("(f > 1", "expected ')' at column 7 to close the '(' at column 1, found the end"),
        ("f > 1 )", "unexpected ')' at column 7"),
        ("f < 1 < 2", "chained comparison at column 7"),
        ("f", "is a number, not a condition"),
        ("f and i", "'and' at column 3 needs a condition"),
        ("abs(f > 1) > 0", "'abs' at column 1 needs a number, not a condition"),
        ("x > f", "'>' at column 3 combines vectors of 2 and 3 units"),
        ("cell_pre > 1", "did you mean cell?"),
        ("forget_pre saturated", "'saturated' at column 12 applies to"),
        ("f saturated for 0 steps", "'for' at column 13 needs at least 1 step"),
        ("f saturated for 2.5 steps", "needs a number of steps at column 17, found '2.5'"),
        ("f saturated for 3", "expected 'steps' at column 18, found the end"),
        ("f[1.5] > 0", "expected a unit number at column 3"),
        ("f > 1e999", "number 1e999 at column 5 is too large"),
        ("", "empty breakpoint"),
        ("__import__('os')", 'unexpected character "\'" at column 12'),
        ("f.__class__ > 0", "unexpected character '.' at column 2"),
    ],
)
def test_errors_are_one_line_and_point_at_the_column(text, message):
    with pytest.raises(BreakpointError) as info:
        parse(text, H, D)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_error_column_is_readable():
    with pytest.raises(BreakpointError) as info:
        parse("f > 0 and forgt_gate < 1", H, D)
    assert info.value.column == 11


def test_deep_nesting_is_an_error_not_a_crash():
    with pytest.raises(BreakpointError, match="too deeply nested"):
        parse("(" * 500 + "f > 0" + ")" * 500, H, D)
    with pytest.raises(BreakpointError, match="too deeply nested"):
        parse("not " * 500 + "f > 0", H, D)


def test_no_eval_is_ever_used():
    import simulator.breakpoints as module

    source = Path(module.__file__).read_text(encoding="utf-8")
    assert "eval(" not in source.replace("_evaluate(", "") and "exec(" not in source


PIECES = [
    *"fiogchx_[]()<>=!.-+*/ 0123456789e'\"",
    " and ",
    " or ",
    "not ",
    " saturated",
    " for ",
    " steps",
    "abs(",
    "cell",
    "forget_gate",
    "1e-3",
    "-",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join))
def test_junk_raises_only_breakpoint_errors(text):
    trace = crafted(forget_gate=[[0.1, 0.5, 0.9]] * 4)
    try:
        bp = parse(text, H, D)
    except BreakpointError:
        return
    bp.hits(trace)
    bp.fires_at(trace, 3)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30))
def test_any_text_raises_only_breakpoint_errors(text):
    try:
        parse(text, H, D)
    except BreakpointError:
        pass


# ----------------------------------------------------------------- from_parts
@pytest.mark.parametrize(
    ("field", "unit", "op", "value"),
    [
        ("forget_gate", 2, "<", 0.1),
        ("c", None, ">=", -3.0),
        ("x", 1, "!=", 1e-5),
        ("hidden", 0, "==", 12345678.9),
    ],
)
def test_from_parts_equals_the_parse_of_its_text(field, unit, op, value):
    bp = Breakpoint.from_parts(field, unit, op, value, hidden_size=H, input_size=D)
    assert bp == parse(bp.text, H, D)
    assert bp.root == parse(bp.text, H, D).root


def test_from_parts_text_and_checks():
    assert Breakpoint.from_parts("f", 2, "<", 0.1).text == "forget_gate[2] < 0.1"
    assert Breakpoint.from_parts("cell", None, ">", 3).text == "cell > 3.0"
    with pytest.raises(BreakpointError, match=r"outside 0\.\.2"):
        Breakpoint.from_parts("f", 3, "<", 0.1, hidden_size=H, input_size=D)
    with pytest.raises(BreakpointError, match="unknown comparison"):
        Breakpoint.from_parts("f", 0, "=<", 0.1)
    with pytest.raises(BreakpointError, match="finite"):
        Breakpoint.from_parts("f", 0, "<", float("nan"))


# ----------------------------------------------------------------- hits
def test_one_unit_hit_stops_at_the_first_step_it_holds():
    trace = crafted(forget_gate=[[0.5, 0.5, 0.5], [0.5, 0.5, 0.2], [0.9, 0.5, 0.05], [0.9, 0.5, 0.04]])
    bp = parse("forget_gate[2] < 0.1", H, D)
    assert steps(bp, trace) == [(3, (2,))]
    assert bp.hits(trace)[0].description == "forget_gate[2] < 0.1 (unit 2)"
    assert bp.fires_at(trace, 2) == (2,)
    assert bp.fires_at(trace, 1) is None
    assert bp.fires_at(trace, 3) is None  # still holds, but it started a step earlier


def test_any_unit_reports_which_units_start_to_hold():
    trace = crafted(cell=[[0, 0, 0], [4, 0, -5], [4, 0, -5], [0, 3.5, 4], [0, 0, 0], [-4, 0, 0]])
    bp = parse("abs(cell) > 3", H, D)
    assert steps(bp, trace) == [(2, (0, 2)), (4, (1,)), (6, (0,))]
    assert bp.hits(trace)[0].description == "abs(cell) > 3 (units 0, 2)"


def test_a_condition_true_from_the_first_step_fires_there():
    trace = crafted(hidden=[[0.9, 0, 0], [0.9, 0, 0]])
    assert steps(parse("h[0] > 0.5", H, D), trace) == [(1, (0,))]


def test_saturated_for_n_steps_fires_on_the_nth_consecutive_step_per_unit():
    sat, mid, low = 0.995, 0.5, 0.005
    rows = [
        [sat, low, mid],  # 1
        [sat, low, mid],  # 2
        [sat, mid, mid],  # 3: unit 1 breaks its run
        [low, low, sat],  # 4: unit 0's run goes on (low is saturated too)
        [mid, low, sat],  # 5: unit 0 breaks after 4
        [sat, low, sat],  # 6: unit 1 reaches 3 (4, 5, 6); unit 2 reaches 3
        [sat, low, sat],  # 7
    ]
    trace = crafted(input_gate=rows)
    bp = parse("input_gate saturated for 3 steps", H, D)
    assert steps(bp, trace) == [(3, (0,)), (6, (1, 2))]
    assert steps(parse("input_gate saturated for 4 steps", H, D), trace) == [(4, (0,)), (7, (1, 2))]
    assert steps(parse("input_gate saturated for 5 steps", H, D), trace) == []
    # The same, asked one row at a time as the play loop does.
    assert [r + 1 for r in range(len(rows)) if bp.fires_at(trace, r) is not None] == [3, 6]


def test_saturation_of_tanh_outputs_is_symmetric():
    trace = crafted(candidate=[[0.995, -0.995, 0.9]])
    assert steps(parse("g saturated", H, D), trace) == [(1, (0, 1))]


def test_and_or_not_combine_per_unit_and_merge_units():
    trace = crafted(forget_gate=[[0.1, 0.9, 0.9], [0.1, 0.1, 0.9]], output_gate=[[0.9, 0.9, 0.1]] * 2)
    assert steps(parse("f < 0.5 and o > 0.5", H, D), trace) == [(1, (0,)), (2, (1,))]
    assert steps(parse("not f > 0.5", H, D), trace) == [(1, (0,)), (2, (1,))]
    assert steps(parse("f[0] < 0.5 and o[2] < 0.5", H, D), trace) == [(1, (0, 2))]
    assert steps(parse("f[1] < 0.5 or o[1] < 0.5", H, D), trace) == [(2, (1,))]


def test_hits_between_start_and_stop_and_first_hit_after():
    trace = crafted(hidden=[[1, 0, 0], [0, 0, 0], [1, 0, 0], [0, 0, 0], [1, 0, 0]])
    bp = parse("h[0] > 0.5", H, D)
    assert steps(bp, trace) == [(1, (0,)), (3, (0,)), (5, (0,))]
    assert [hit.step for hit in bp.hits(trace, 1, 4)] == [3]
    assert [hit.step for hit in bp.hits(trace, 2)] == [3, 5]
    assert bp.first_hit_after(trace, 0).step == 3
    assert bp.first_hit_after(trace, 4) is None
    assert bp.fires_at(trace, 99) is None


def test_division_by_zero_warns_nothing():
    trace = crafted(cell=[[0, 1, -1]])
    assert steps(parse("c / 0 > 1", H, D), trace) == [(1, (1,))]


def test_hits_on_a_real_run_match_numpy():
    params = LSTMParams.random(D, H, seed=3)
    inputs = np.random.default_rng(1).normal(size=(40, D)) * 3
    trace = run(params, inputs)
    held = np.abs(trace.cell) > 0.8
    onsets = held & ~np.vstack([np.zeros((1, H), bool), held[:-1]])
    expected = [(r + 1, tuple(np.flatnonzero(onsets[r]).tolist())) for r in np.flatnonzero(onsets.any(1))]
    assert steps(parse("abs(cell) > 0.8", H, D), trace) == expected


def test_part_to_select():
    assert parse("f_pre > 0 and c > 0", H, D).part == "forget_gate"
    assert parse("abs(cell) > 3", H, D).part == "cell"
    assert parse("x[0] > 0", H, D).part == "inputs"
    assert parse("1 < 2", H, D).part is None
