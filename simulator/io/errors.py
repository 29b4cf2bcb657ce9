"""The one exception a bad file raises."""

from __future__ import annotations

from pathlib import Path

MAX_PROBLEM_CHARS = 300
"""Longer explanations (a library's whole error report, a quoted megabyte) are cut short."""


class LoadError(Exception):
    """A file could not be read; the message is one line naming the file and what is wrong."""

    def __init__(self, path: str | Path | None, problem: str) -> None:
        self.path = None if path is None else Path(path)
        problem = " ".join(str(problem).split())
        if len(problem) > MAX_PROBLEM_CHARS:
            problem = problem[: MAX_PROBLEM_CHARS - 1] + "…"
        self.problem = problem
        where = f"{self.path.name}: " if self.path is not None else ""
        super().__init__(f"{where}{self.problem}")
