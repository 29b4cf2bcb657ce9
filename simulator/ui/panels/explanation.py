"""The step, explained: the equations of the current step in the order the cell computes them.

Three small sections, one per gate, each with a sentence in plain words and
one line per part with the step's numbers put in (from :mod:`simulator.explain`).
Clicking a line selects its part (the diagram and the inspector follow); the
selected part's line is highlighted. Before the first step the panel says what
Step will read and shows the equations it will compute.
"""

from __future__ import annotations

import html
import re
from itertools import takewhile

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QMouseEvent, QPalette
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from simulator import explain
from simulator.engine.cell import step as compute_step
from simulator.engine.trace import Trace
from simulator.session import Session
from simulator.ui.docks import add_tabbed_dock

GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "1 Forget",
        "The forget gate decides how much of the old cell state to keep.",
        ("forget_gate", "forget_product"),
    ),
    (
        "2 Input",
        "The input gate decides how much of the new candidate to write into the cell state.",
        ("candidate", "input_gate", "input_product", "cell"),
    ),
    (
        "3 Output",
        "The output gate decides how much of the squashed cell state to show as the output h<sub>t</sub>.",
        ("cell_tanh", "output_gate", "hidden"),
    ),
)
"""(heading, sentence as rich text, parts) of each section, in the order the cell computes them."""

SHORT_STAGE = 36
"""Stages of an equation up to this many characters are never broken across lines."""

HEADING_GROWTH = 1.1
SENTENCE_SHRINK = 0.86
DEFAULT_GROWTH = 1.2
"""Outside presentation mode the panel's text is this much larger than the application's."""


class _Line(QLabel):
    """One equation: rich text, clickable, highlighted when its part is selected."""

    def __init__(self, part: str, panel: ExplanationPanel) -> None:
        super().__init__()
        self.part = part
        self._panel = panel
        self.plain = ""
        self.setObjectName(f"explanation_line_{part}")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click to show this part on the diagram")
        self.setContentsMargins(8, 1, 8, 1)

    def set_equation(self, plain: str, html: str) -> None:
        self.plain = plain
        self.setText(html)

    def set_highlighted(self, on: bool) -> None:
        self.setAutoFillBackground(on)
        self.setBackgroundRole(QPalette.ColorRole.Highlight if on else QPalette.ColorRole.Window)
        self.setForegroundRole(QPalette.ColorRole.HighlightedText if on else QPalette.ColorRole.WindowText)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._panel.session.select(self.part)
        event.accept()


class ExplanationPanel(QWidget):
    """The current step narrated equation by equation, with its numbers.

    Parameters
    ----------
    session : Session
        Follows ``trace_changed`` (every step), ``params_changed`` (every weight
        edit), ``replaced`` and ``selection_changed``; a click on a line calls
        :meth:`Session.select`.
    parent : QWidget, optional
        The Qt parent.
    """

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        base = QFont(self.font())
        self._default_pixel_size = round(_pixel_size(base) * DEFAULT_GROWTH)

        self.caption = QLabel()
        self.caption.setObjectName("explanation_caption")
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setWordWrap(True)
        self.caption.setContentsMargins(8, 0, 8, 4)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setSpacing(1)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.caption)
        self._headings: list[QLabel] = []
        self._sentences: list[QLabel] = []
        self._lines: dict[str, _Line] = {}
        for heading, sentence, parts in GROUPS:
            title = QLabel(heading)
            title.setForegroundRole(QPalette.ColorRole.Link)
            title.setContentsMargins(8, 6, 8, 0)
            words = QLabel(sentence)
            words.setTextFormat(Qt.TextFormat.RichText)
            words.setWordWrap(True)
            words.setContentsMargins(8, 0, 8, 0)
            layout.addWidget(title)
            layout.addWidget(words)
            self._headings.append(title)
            self._sentences.append(words)
            for part in parts:
                self._lines[part] = _Line(part, self)
                layout.addWidget(self._lines[part])
        layout.addStretch(1)

        self.scroll = QScrollArea()
        self.scroll.setWidget(content)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)

        self.set_font_pixel_size(self._default_pixel_size)
        # A weight edit emits params_changed then trace_changed: refresh on the first only.
        self._refreshed_for_params: tuple[Trace, int] | None = None
        session.params_changed.connect(self._on_params_changed)
        session.trace_changed.connect(self._on_trace_changed)
        session.replaced.connect(self._refresh)
        session.selection_changed.connect(self._show_selection)
        self._refresh()
        self._show_selection(session.selected)

    # ------------------------------------------------------------ public API
    def lines(self) -> list[tuple[str, str]]:
        """``(part, plain text)`` of every equation shown, in order."""
        return [(part, line.plain) for part, line in self._lines.items()]

    def set_font_pixel_size(self, px: int | None) -> None:
        """Draw the equations ``px`` pixels high (headings a little larger); ``None``: the default size."""
        px = self._default_pixel_size if px is None else int(px)
        font = QFont(self.font())
        font.setPixelSize(px)
        self.setFont(font)
        heading = QFont(font)
        heading.setPixelSize(round(px * HEADING_GROWTH))
        heading.setBold(True)
        sentence = QFont(font)
        sentence.setPixelSize(round(px * SENTENCE_SHRINK))
        sentence.setItalic(True)
        for label in self._headings:
            label.setFont(heading)
        for label in self._sentences:
            label.setFont(sentence)

    def font_pixel_size(self) -> int:
        """The pixel size of the equations."""
        return self.font().pixelSize()

    # ------------------------------------------------------------ session → view
    def _on_params_changed(self) -> None:
        self._refresh()
        self._refreshed_for_params = (self.session.trace, self.session.t)

    def _on_trace_changed(self) -> None:
        done, self._refreshed_for_params = self._refreshed_for_params, None
        if done is None or done[0] is not self.session.trace or done[1] != self.session.t:
            self._refresh()

    def _refresh(self) -> None:
        s = self.session
        result = s.current_step()
        if result is None:
            # Before step 1: the equations Step will compute, without numbers yet.
            result = compute_step(s.params, s.inputs[0], s.h0, s.c0)
            self.caption.setText(
                f"<b>t = 0</b>, before the first step. <b>Step</b> will read "
                f"x<sub>1</sub> = {explain.vector(result.inputs)}{_word(s, 0)} with "
                f"h<sub>0</sub> = {explain.vector(s.h0)} and C<sub>0</sub> = {explain.vector(s.c0)}, "
                "then compute:"
            )
            shown = _definition
        else:
            self.caption.setText(
                f"<b>Step t = {s.t}</b> of {s.length}: "
                f"x<sub>{s.t}</sub> = {explain.vector(result.inputs)}{_word(s, s.t - 1)}"
            )
            shown = str
        for part, line in self._lines.items():
            plain = explain.formula(part, result, s.params)
            rich = explain.formula_html(part, result, s.params)
            line.set_equation(shown(plain), _keep_stages_together(shown(rich)))

    def _show_selection(self, name: str) -> None:
        for part, line in self._lines.items():
            line.set_highlighted(part == name)
        if name in self._lines:
            self.scroll.ensureWidgetVisible(self._lines[name])


def _definition(equation: str) -> str:
    """The symbolic part of an equation: its leading stages that hold no numbers."""
    return " = ".join(takewhile(lambda stage: "[" not in stage, equation.split(" = ")))


def _keep_stages_together(rich: str) -> str:
    """Let a line wrap only between the stages of its equation (at " = "), unless a stage is long."""
    stages = rich.split(" = ")
    short = [
        stage.replace(" ", "&nbsp;") if len(re.sub(r"<[^>]+>", "", stage)) <= SHORT_STAGE else stage
        for stage in stages
    ]
    return " = ".join(short)


def _word(session: Session, row: int) -> str:
    """`` (“word”)`` when the inputs have step labels, else ``""``."""
    labels = session.step_labels
    return f" (“{html.escape(labels[row])}”)" if row < len(labels) else ""


def _pixel_size(font: QFont) -> float:
    """The font's height in pixels, whether it was set in pixels or points (96 dpi)."""
    return font.pixelSize() if font.pixelSize() > 0 else font.pointSizeF() * 96 / 72


def install(window: QMainWindow) -> QDockWidget:
    """Add the "Step, Explained" dock to a main window, tabbed behind the inspector, and its View menu entry.

    Parameters
    ----------
    window : MainWindow
        Needs ``session``, ``docks`` (``inspector`` is the tab it joins) and a "View" menu.

    Returns
    -------
    QDockWidget
        The dock, objectName ``dock_explanation``, also stored as ``window.docks["explanation"]``;
        the one already there if the window has it. Its panel is built when the dock is first
        seen or ``dock.widget()`` first asked for (a :class:`~simulator.ui.docks.LazyDock`).
    """
    if "explanation" in window.docks:
        return window.docks["explanation"]
    return add_tabbed_dock(
        window,
        "explanation",
        "Step, Explained",
        lambda: ExplanationPanel(window.session),
        beside="inspector",
        area=Qt.DockWidgetArea.RightDockWidgetArea,
        tooltip="Show or hide the current step's equations, with their numbers",
    )


__all__ = ["GROUPS", "ExplanationPanel", "install"]
