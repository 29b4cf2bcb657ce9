"""Write a preset as readable JSON: one line per row of numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path

_NUMBER_LIST = re.compile(r"\[[-+0-9.eE,\s]*\]")


def dumps_preset(data: dict) -> str:
    """``data`` as indented JSON in which every list of plain numbers sits on one line."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return _NUMBER_LIST.sub(lambda m: json.dumps(json.loads(m.group(0))), text) + "\n"


def write_preset(data: dict, path: Path) -> None:
    """Write ``data`` to ``path`` with :func:`dumps_preset` (UTF-8)."""
    path.write_text(dumps_preset(data), encoding="utf-8")
