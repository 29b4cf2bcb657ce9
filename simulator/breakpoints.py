"""Breakpoints: conditions on a run, written as short expressions, that find the moment something happens.

The language
------------
::

    forget_gate[2] < 0.1                one unit
    abs(cell) > 3                       any unit (the hit names which)
    input_gate saturated for 5 steps    > 0.99 or < 0.01 for 5 steps in a row, per unit
    f[0] > 0.5 and not (h[1] < -0.2 or o saturated)

Fields are the trace's arrays (:data:`simulator.engine.trace.TRACE_FIELDS`)
or their short names (:data:`ALIASES`); ``[k]`` picks unit ``k``. Numbers are
decimal (``3``, ``-0.5``, ``1e-3``). ``abs()``, ``+ - * /``, the comparisons
``< <= > >= == !=``, ``saturated`` (see :func:`simulator.stats.saturated`),
``for N steps``, ``not``, ``and``, ``or`` and parentheses combine them, binding
in that order (``or`` loosest). ``for N steps`` holds at a step when the
condition before it held on that step and the N − 1 before it.

Conditions are evaluated per unit, vectorised over the steps: a condition on
a whole vector holds where *any* unit satisfies it, and a hit lists those
units. A breakpoint *fires* at the step where it starts to hold for a unit
(it held there and not on the step before), so Play stops once per
occurrence, not on every step of a long saturation.

Text is tokenized and parsed here by recursive descent into a small tree of
dataclasses; nothing is ever handed to ``eval``. Every mistake raises
:class:`BreakpointError` with a one-line message naming the column.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from simulator.engine import Trace
from simulator.engine.trace import GATE_FIELDS, PRE_FIELDS, TRACE_FIELDS
from simulator.parts import PART_NAMES
from simulator.stats import SATURABLE_FIELDS, saturated

ALIASES = {
    "f": "forget_gate",
    "i": "input_gate",
    "g": "candidate",
    "o": "output_gate",
    "c": "cell",
    "h": "hidden",
    "x": "inputs",
    "f_pre": "forget_pre",
    "i_pre": "input_pre",
    "g_pre": "candidate_pre",
    "o_pre": "output_pre",
}
"""Short names of fields."""

COMPARISONS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}
ARITHMETIC: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
}
KEYWORDS = ("and", "or", "not", "saturated", "for", "steps", "step", "abs")
MAX_DEPTH = 40
"""Deepest nesting of parentheses and operators accepted."""


class BreakpointError(ValueError):
    """A breakpoint that cannot be parsed or evaluated; the message is one line and names the column."""

    @property
    def column(self) -> int | None:
        """The 1-based column the message points at, or ``None`` if it names none."""
        match = re.search(r"at column (\d+)", str(self))
        return int(match.group(1)) if match else None


# ------------------------------------------------------------------ syntax tree
@dataclass(frozen=True)
class Number:
    value: float
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Field:
    name: str
    """A name from :data:`TRACE_FIELDS` (aliases are resolved by the parser)."""
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Index:
    operand: Field
    unit: int
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Unary:
    op: str
    """``-``, ``abs`` or ``not``."""
    operand: Node
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Binary:
    op: str
    """An arithmetic or comparison operator, ``and`` or ``or``."""
    left: Node
    right: Node
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Saturated:
    operand: Field | Index
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class For:
    operand: Node
    steps: int
    column: int = field(default=0, compare=False)


Node = Number | Field | Index | Unary | Binary | Saturated | For


# ------------------------------------------------------------------ tokenizer
class Token(NamedTuple):
    kind: str
    """``number``, ``name``, ``op`` or ``end``."""
    text: str
    column: int
    """1-based."""


_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_]\w*)"
    r"|(?P<op><=|>=|==|!=|[<>()\[\]+\-*/])",
    re.ASCII,
)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, ending with an ``end`` token.

    Raises
    ------
    BreakpointError
        At the first character that starts no token.
    """
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            char = text[pos]
            hint = "; did you mean '=='?" if char == "=" else ""
            raise BreakpointError(f"unexpected character {char!r} at column {pos + 1}{hint}")
        if match.lastgroup != "space":
            tokens.append(Token(match.lastgroup, match.group(), pos + 1))
        pos = match.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


# ------------------------------------------------------------------ parser
def _suggest(word: str) -> str:
    names = [*TRACE_FIELDS, *ALIASES, *KEYWORDS]
    close = difflib.get_close_matches(word.lower(), names, n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


# The grammar, loosest binding first:
#   or    := and ('or' and)*
#   and   := not ('and' not)*
#   not   := 'not' not | test
#   test  := sum [COMPARE sum | 'saturated'] ['for' INT ('steps' | 'step')]
#   sum   := term (('+' | '-') term)*
#   term  := unary (('*' | '/') unary)*
#   unary := '-' unary | atom
#   atom  := NUMBER | FIELD ['[' INT ']'] | 'abs' '(' or ')' | '(' or ')'
class _Parser:
    """Recursive descent over the tokens of one breakpoint: one method per rule of the grammar."""

    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def accept(self, *texts: str) -> Token | None:
        if self.token.kind in ("op", "name") and self.token.text in texts:
            return self.take()
        return None

    def expect(self, text: str, after: str) -> Token:
        token = self.accept(text)
        if token is None:
            raise BreakpointError(
                f"expected '{text}' at column {self.token.column} {after}, {_found(self.token)}"
            )
        return token

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise BreakpointError(f"too deeply nested at column {self.token.column}")

    def parse(self) -> Node:
        if self.token.kind == "end":
            raise BreakpointError("empty breakpoint: write a condition such as 'forget_gate[0] < 0.1'")
        node = self.or_()
        if self.token.kind != "end":
            raise BreakpointError(f"unexpected '{self.token.text}' at column {self.token.column}")
        return node

    def or_(self) -> Node:
        return self._chain(self.and_, "or")

    def and_(self) -> Node:
        return self._chain(self.not_, "and")

    def _chain(self, operand: Callable[[], Node], op: str) -> Node:
        node = operand()
        while token := self.accept(op):
            node = Binary(op, node, operand(), token.column)
        return node

    def not_(self) -> Node:
        if token := self.accept("not"):
            self.nest()
            node = Unary("not", self.not_(), token.column)
            self.depth -= 1
            return node
        return self.test()

    def test(self) -> Node:
        node = self.sum_()
        if token := self.accept(*COMPARISONS):
            node = Binary(token.text, node, self.sum_(), token.column)
            if self.token.text in COMPARISONS:
                raise BreakpointError(
                    f"chained comparison at column {self.token.column}; join two comparisons with 'and'"
                )
        elif token := self.accept("saturated"):
            if not isinstance(node, Field | Index):
                raise BreakpointError(
                    f"'saturated' at column {token.column} needs a field or one unit of it, such as 'i[0]'"
                )
            node = Saturated(node, token.column)
        if token := self.accept("for"):
            steps = _whole(self.take(), f"'for' at column {token.column} needs a number of steps")
            if steps < 1:
                raise BreakpointError(f"'for' at column {token.column} needs at least 1 step")
            if not self.accept("steps", "step"):
                raise BreakpointError(f"expected 'steps' at column {self.token.column}, {_found(self.token)}")
            node = For(node, steps, token.column)
        return node

    def sum_(self) -> Node:
        return self._arithmetic(self.term, "+", "-")

    def term(self) -> Node:
        return self._arithmetic(self.unary, "*", "/")

    def _arithmetic(self, operand: Callable[[], Node], *ops: str) -> Node:
        node = operand()
        while token := self.accept(*ops):
            node = Binary(token.text, node, operand(), token.column)
        return node

    def unary(self) -> Node:
        if token := self.accept("-"):
            self.nest()
            operand = self.unary()
            self.depth -= 1
            if isinstance(operand, Number):
                return Number(-operand.value, token.column)
            return Unary("-", operand, token.column)
        return self.atom()

    def atom(self) -> Node:
        token = self.take()
        if token.kind == "number":
            value = float(token.text)
            if not np.isfinite(value):
                raise BreakpointError(f"number {token.text} at column {token.column} is too large")
            return Number(value, token.column)
        if token.text == "(" or token.text == "abs":
            if token.text == "abs":
                self.expect("(", "after 'abs'")
            self.nest()
            inner = self.or_()
            self.depth -= 1
            self.expect(")", f"to close the '(' at column {token.column}")
            return Unary("abs", inner, token.column) if token.text == "abs" else inner
        if token.kind == "name" and token.text not in KEYWORDS:
            name = ALIASES.get(token.text, token.text)
            if name not in TRACE_FIELDS:
                raise BreakpointError(
                    f"unknown field '{token.text}' at column {token.column}{_suggest(token.text)}"
                )
            node = Field(name, token.column)
            if bracket := self.accept("["):
                unit = _whole(self.take(), "expected a unit number")
                self.expect("]", f"to close the '[' at column {bracket.column}")
                return Index(node, unit, bracket.column)
            return node
        raise BreakpointError(f"expected a field or a number at column {token.column}, {_found(token)}")


def _found(token: Token) -> str:
    return "found the end" if token.kind == "end" else f"found '{token.text}'"


def _whole(token: Token, what: str) -> int:
    """The whole number in ``token`` (up to nine digits); else a :class:`BreakpointError` saying ``what``."""
    if token.kind != "number" or not token.text.isdigit():
        raise BreakpointError(f"{what} at column {token.column}, {_found(token)}")
    if len(token.text) > 9:
        raise BreakpointError(f"number {token.text} at column {token.column} is too large")
    return int(token.text)


# ------------------------------------------------------------------ checks
class _Shape(NamedTuple):
    condition: bool
    width: int | None
    """Units of the value; ``None`` for a constant."""


def _check(node: Node, hidden_size: int, input_size: int) -> _Shape:
    """What ``node`` computes (a condition or a number, and how many units), or a :class:`BreakpointError`."""

    def number(child: Node, what: str) -> _Shape:
        shape = _check(child, hidden_size, input_size)
        if shape.condition:
            raise BreakpointError(f"{what} at column {node.column} needs a number, not a condition")
        return shape

    def condition(child: Node, what: str) -> _Shape:
        shape = _check(child, hidden_size, input_size)
        if not shape.condition:
            raise BreakpointError(
                f"{what} at column {node.column} needs a condition such as 'f[0] < 0.1', not a number"
            )
        return shape

    if isinstance(node, Number):
        return _Shape(False, None)
    if isinstance(node, Field):
        return _Shape(False, input_size if node.name == "inputs" else hidden_size)
    if isinstance(node, Index):
        width = _check(node.operand, hidden_size, input_size).width or 0
        if node.unit >= width:
            raise BreakpointError(f"unit {node.unit} is outside 0..{width - 1} at column {node.column}")
        return _Shape(False, 1)
    if isinstance(node, Saturated):
        name = node.operand.name if isinstance(node.operand, Field) else node.operand.operand.name
        if name not in SATURABLE_FIELDS:
            raise BreakpointError(
                f"'saturated' at column {node.column} applies to {', '.join(SATURABLE_FIELDS)}, not {name}"
            )
        return _Shape(True, _check(node.operand, hidden_size, input_size).width)
    if isinstance(node, For):
        return condition(node.operand, "'for'")
    if isinstance(node, Unary):
        check = condition if node.op == "not" else number
        return _Shape(node.op == "not", check(node.operand, f"'{node.op}'").width)
    check = condition if node.op in ("and", "or") else number
    left, right = check(node.left, f"'{node.op}'"), check(node.right, f"'{node.op}'")
    widths = {w for w in (left.width, right.width) if w not in (None, 1)}
    if len(widths) > 1:
        raise BreakpointError(
            f"'{node.op}' at column {node.column} combines vectors of "
            f"{' and '.join(map(str, sorted(widths)))} units"
        )
    width = max((w for w in (left.width, right.width) if w is not None), default=None)
    return _Shape(node.op in COMPARISONS or node.op in ("and", "or"), width)


# ------------------------------------------------------------------ evaluation
class _Value(NamedTuple):
    data: np.ndarray
    """(rows, columns), or a 0-d array for a constant."""
    units: tuple[frozenset[int], ...] | None
    """The units behind each column; ``None`` for a constant."""


def _merge(a: _Value, b: _Value) -> tuple[frozenset[int], ...] | None:
    if a.units is None or b.units is None:
        return a.units if b.units is None else b.units
    if len(a.units) == 1 and len(b.units) > 1:
        return tuple(a.units[0] | u for u in b.units)
    if len(b.units) == 1 and len(a.units) > 1:
        return tuple(u | b.units[0] for u in a.units)
    return tuple(u | v for u, v in zip(a.units, b.units, strict=True))


def _evaluate(node: Node, trace: Trace, lo: int, hi: int) -> _Value:
    """``node`` over rows ``lo`` to ``hi`` of ``trace`` (0 ≤ lo ≤ hi ≤ len(trace))."""
    if isinstance(node, Number):
        return _Value(np.asarray(node.value), None)
    if isinstance(node, Field):
        data = getattr(trace, node.name)[lo:hi]
        return _Value(data, tuple(frozenset({k}) for k in range(data.shape[1])))
    if isinstance(node, Index):
        data = getattr(trace, node.operand.name)
        if node.unit >= data.shape[1]:
            raise BreakpointError(
                f"unit {node.unit} is outside 0..{data.shape[1] - 1} at column {node.column}"
            )
        return _Value(data[lo:hi, node.unit : node.unit + 1], (frozenset({node.unit}),))
    if isinstance(node, Saturated):
        value = _evaluate(node.operand, trace, lo, hi)
        name = node.operand.name if isinstance(node.operand, Field) else node.operand.operand.name
        return _Value(saturated(name, value.data), value.units)
    if isinstance(node, For):
        start = max(lo - node.steps + 1, 0)
        value = _evaluate(node.operand, trace, start, hi)
        held = np.broadcast_to(value.data, (hi - start, len(value.units or ((),))))
        return _Value(_held_for(held, node.steps)[lo - start :], value.units)
    if isinstance(node, Unary):
        value = _evaluate(node.operand, trace, lo, hi)
        operation = {"-": np.negative, "abs": np.abs, "not": np.logical_not}[node.op]
        return _Value(operation(value.data), value.units)
    left, right = _evaluate(node.left, trace, lo, hi), _evaluate(node.right, trace, lo, hi)
    operations = {**COMPARISONS, **ARITHMETIC, "and": np.logical_and, "or": np.logical_or}
    return _Value(operations[node.op](left.data, right.data), _merge(left, right))


def _held_for(held: np.ndarray, steps: int) -> np.ndarray:
    """Where ``held`` (rows, units) has been true for the last ``steps`` rows, inclusive."""
    rows = np.arange(len(held))[:, None]
    last_false = np.maximum.accumulate(np.where(held, -1, rows), axis=0)
    return rows - last_false >= steps


# ------------------------------------------------------------------ breakpoints
class Hit(NamedTuple):
    """One moment a breakpoint fired."""

    step: int
    """1-based step (trace row + 1)."""
    units: tuple[int, ...]
    """The units that started to satisfy the condition."""
    description: str
    """``forget_gate[2] < 0.1 (unit 2)``."""


@dataclass(frozen=True)
class Breakpoint:
    """A parsed condition; make one with :func:`parse` or :meth:`from_parts`.

    Attributes
    ----------
    text : str
        The condition as written.
    root : Node
        Its syntax tree.
    """

    text: str
    root: Node

    @classmethod
    def from_parts(
        cls,
        field: str,
        unit: int | None,
        op: str,
        value: float,
        *,
        hidden_size: int | None = None,
        input_size: int | None = None,
    ) -> Breakpoint:
        """The breakpoint ``field[unit] op value`` (``field op value`` for any unit), as a form builds it.

        Parameters
        ----------
        field : str
            A trace field or an alias.
        unit : int or None
            One unit, or ``None`` for any unit.
        op : str
            One of ``< <= > >= == !=``.
        value : float
        hidden_size, input_size : int, optional
            When both are given, ``unit`` is checked against the field's size.

        Raises
        ------
        BreakpointError
            For an unknown field or operator, a negative unit or a value that is not finite.
        """
        name = ALIASES.get(field, field)
        if name not in TRACE_FIELDS:
            raise BreakpointError(f"unknown field '{field}'{_suggest(field)}")
        if op not in COMPARISONS:
            raise BreakpointError(f"unknown comparison '{op}'; expected one of {' '.join(COMPARISONS)}")
        if not np.isfinite(value):
            raise BreakpointError(f"the value must be finite, got {value}")
        if unit is not None and unit < 0:
            raise BreakpointError(f"unit {unit} is negative")
        target = f"{name}[{unit}]" if unit is not None else name
        text = f"{target} {op} {float(value)!r}"
        left: Field | Index = Field(name, 1)
        if unit is not None:
            left = Index(left, int(unit), len(name) + 1)
        root = Binary(op, left, Number(float(value), len(target) + len(op) + 3), len(target) + 2)
        if hidden_size is not None and input_size is not None:
            _checked(root, hidden_size, input_size)
        return cls(text, root)

    @property
    def fields(self) -> tuple[str, ...]:
        """The trace fields the condition reads, in order of first appearance."""
        found: list[str] = []
        stack: list[Node] = [self.root]
        while stack:
            node = stack.pop()
            if isinstance(node, Field):
                found.append(node.name)
            elif isinstance(node, Index | Unary | Saturated | For):
                stack.append(node.operand)
            elif isinstance(node, Binary):
                stack.extend((node.right, node.left))
        return tuple(dict.fromkeys(found))

    @property
    def part(self) -> str | None:
        """The diagram part to select for a hit: the first field read (a pre-activation selects its gate)."""
        if not self.fields:
            return None
        name = self.fields[0]
        if name in PRE_FIELDS:
            name = GATE_FIELDS[PRE_FIELDS.index(name)]
        return name if name in PART_NAMES else None

    def holds(self, trace: Trace, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Where the condition holds: a boolean array (rows start..stop, columns) before "any unit"."""
        stop = len(trace) if stop is None else min(stop, len(trace))
        start = min(max(start, 0), stop)
        with np.errstate(all="ignore"):
            value = _evaluate(self.root, trace, start, stop)
        return np.broadcast_to(value.data, (stop - start, len(value.units or ((),))))

    def hits(self, trace: Trace, start: int = 0, stop: int | None = None) -> list[Hit]:
        """Every step in rows ``start`` to ``stop`` (default: the end) where the breakpoint fires.

        It fires at a row for the units whose condition holds there and did not
        hold on the row before (a first row has no row before).
        """
        stop = len(trace) if stop is None else min(stop, len(trace))
        start = min(max(start, 0), stop)
        before = max(start - 1, 0)
        held = self.holds(trace, before, stop)
        held_before = np.concatenate([np.zeros_like(held[:1]), held[:-1]])  # row -1 never held
        onsets = (held & ~held_before)[start - before :]
        units = self._units(trace)
        hits = []
        for offset in np.flatnonzero(onsets.any(axis=1)):
            columns = np.flatnonzero(onsets[offset])
            fired = tuple(sorted(set().union(*(units[k] for k in columns)))) if units else ()
            hits.append(Hit(start + int(offset) + 1, fired, self.describe(fired)))
        return hits

    def fires_at(self, trace: Trace, row: int) -> tuple[int, ...] | None:
        """The units for which the breakpoint fires at trace row ``row``, or ``None``.

        Reads only the rows that decide it (``row`` and the few before it that
        ``for N steps`` needs), so it is cheap enough to call on every step.
        """
        if not 0 <= row < len(trace):
            return None
        hits = self.hits(trace, row, row + 1)
        return hits[0].units if hits else None

    def first_hit_after(self, trace: Trace, row: int) -> Hit | None:
        """The first hit at a row after ``row`` (so ``first_hit_after(trace, -1)`` is the first hit)."""
        hits = self.hits(trace, row + 1)
        return hits[0] if hits else None

    def describe(self, units: tuple[int, ...]) -> str:
        """``text (unit 2)``, ``text (units 0, 2)`` or just ``text``."""
        if not units:
            return self.text
        noun = "unit" if len(units) == 1 else "units"
        return f"{self.text} ({noun} {', '.join(map(str, units))})"

    def _units(self, trace: Trace) -> tuple[frozenset[int], ...] | None:
        with np.errstate(all="ignore"):
            return _evaluate(self.root, trace, 0, 0).units


def _checked(root: Node, hidden_size: int, input_size: int) -> None:
    if not _check(root, hidden_size, input_size).condition:
        raise BreakpointError(
            "the text from column 1 is a number, not a condition: compare it, as in 'forget_gate[0] < 0.1'"
        )


def parse(text: str, hidden_size: int, input_size: int) -> Breakpoint:
    """Parse a breakpoint for a cell of ``hidden_size`` units and ``input_size`` inputs.

    Raises
    ------
    BreakpointError
        With a one-line message naming the column and, for a misspelt name, a suggestion.
    """
    text = text.strip()
    root = _Parser(text).parse()
    _checked(root, hidden_size, input_size)
    return Breakpoint(text, root)


__all__ = ["ALIASES", "COMPARISONS", "Breakpoint", "BreakpointError", "Hit", "parse", "tokenize"]
