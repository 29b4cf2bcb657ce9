"""The one exception a bad file raises."""

from __future__ import annotations

from pathlib import Path


class LoadError(Exception):
    """A file could not be read; the message is one line naming the file and what is wrong."""

    def __init__(self, path: str | Path | None, problem: str) -> None:
        self.path = None if path is None else Path(path)
        self.problem = " ".join(str(problem).split())
        where = f"{self.path.name}: " if self.path is not None else ""
        super().__init__(f"{where}{self.problem}")
