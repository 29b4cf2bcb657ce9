"""A label for text that changes with every step (``t = 412 / 1000``) without re-laying out the window.

Setting a label's text asks its parent layout to work out the geometry again,
and from there every layout up to the main window: a few milliseconds a step,
then a repaint of whatever the layouts touched. A widget whose minimum and
maximum sizes are equal skips that request (Qt's ``updateGeometry`` has nothing
to ask), so :class:`SteadyLabel` keeps a fixed size: the size of the widest
text it has shown, grown (once) only when a new text needs more room, and
fitted again to the new height of a new font.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QWidget


class SteadyLabel(QLabel):
    """A one-line :class:`QLabel` of fixed size, at least ``min_width`` pixels wide."""

    def __init__(self, min_width: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._min_width = min_width

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit(shrink=False)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit(shrink=True)

    def _fit(self, shrink: bool) -> None:
        """Fix the size to the text's, never narrower than now unless ``shrink``."""
        needed = super().sizeHint()
        width = max(needed.width(), self._min_width)
        steady = self.minimumSize() == self.maximumSize()
        if steady and not shrink:
            width = max(width, self.maximumWidth())
        if not steady or (width, needed.height()) != (self.maximumWidth(), self.maximumHeight()):
            self.setFixedSize(width, needed.height())  # re-laid out once, then left alone


__all__ = ["SteadyLabel"]
