"""The lesson's title and one-line description, above the diagram."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from simulator.session import Session


class LessonBanner(QLabel):
    """Shows ``session.title`` in bold and the preset's description; follows ``session.replaced``."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.setObjectName("lesson_banner")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setContentsMargins(14, 8, 14, 6)
        self.setToolTip("The lesson on screen: its title and what to watch for")
        session.replaced.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        title = escape(self._session.title or self._session.preset_name or "Untitled")
        description = escape(self._session.description)
        self.setText(f"<span style='font-size:15pt; font-weight:600'>{title}</span>"
                     + (f"<br><span style='font-size:11pt'>{description}</span>" if description else ""))
