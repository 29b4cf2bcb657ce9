r"""The gradient along the cell-state line, drawn on the diagram.

For the step t shown, how much of a gradient on the last cell state C_T still reaches C_t:
‖∂C_T/∂C_t‖ (Frobenius norm, every path counted, see :mod:`simulator.gradients`). Two items show
it on the cell-state line (the top wire from C_{t-1} through × and + to C_t):

- a *glow* under the wire, wider and stronger in colour the larger log10‖∂C_T/∂C_t‖ is;
- a *badge* sitting on the line, with the caption "‖∂C_T/∂C_t‖ = 3.1e-2 (T = 40)" and a
  sparkline of log10‖∂C_T/∂C_k‖ for every step k, the current t marked.

The numbers come from :func:`simulator.gradients.cell_state_jacobian_norms` on a run over the
whole input sequence, computed once per model (weights, inputs, h0, c0) and only while the
overlay is shown: stepping only looks the current t up. At most
:data:`simulator.ui.panels.gradients.WINDOW` steps before T are computed (fewer for very wide
layers, see :data:`COST_LIMIT`); where the gates use a hard sigmoid there are no gradients and
the caption says why.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from simulator.engine import run
from simulator.gradients import cell_state_jacobian_norms
from simulator.session import Session
from simulator.ui.diagram import style
from simulator.ui.panels import gradients as gradient_panel

LOG_LOW, LOG_HIGH = -8.0, 1.0
"""The glow's scale: log10‖∂C_T/∂C_t‖ at or below LOG_LOW is thinnest and greyest, at LOG_HIGH widest."""
GLOW_MIN_WIDTH, GLOW_MAX_WIDTH = 12.0, 48.0
GLOW_ALPHA = 0.7

COST_LIMIT = 3e9
"""At most this many H³ × steps are spent on one model (about a third of a second): a layer of
1024 units computes a few steps before T, one of 64 units the whole window."""

CAPTION_SIZE = 32
AXIS_SIZE = 20
BADGE_PADDING = 12.0
SPARK_HEIGHT = 96.0
MARKER_RADIUS = 8.0
BADGE_GAP = GLOW_MAX_WIDTH / 2 + 6.0
"""The badge's bottom edge stays this far above the middle of the wire."""


def format_norm(value: float) -> str:
    """A norm in two significant digits, ``3.1e-2`` (no zero-padded exponent); ``0`` for zero."""
    if value == 0:
        return "0"
    if not math.isfinite(value):
        return str(value)
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


@dataclass(frozen=True)
class CellLineGradient:
    """‖∂C_T/∂C_k‖ of one model for k = ``start`` … ``T``, or the reason there is none.

    Attributes
    ----------
    T : int
        The last step, the length of the input sequence.
    start : int
        The earliest step computed (``T`` minus at most the window).
    norms : array (T − start + 1,)
        Entry ``j`` is ‖∂C_T/∂C_{start+j}‖; empty when ``reason`` is set.
    reason : str
        Why there are no gradients (hard-sigmoid gates, say), or ``""``.
    """

    T: int
    start: int
    norms: np.ndarray
    reason: str = ""

    def at(self, t: int) -> float | None:
        """‖∂C_T/∂C_t‖, or ``None`` when not computed (no gradients, or t before ``start``)."""
        if self.reason or not self.start <= t <= self.T:
            return None
        return float(self.norms[t - self.start])


def cell_line_gradient(session: Session) -> CellLineGradient:
    """‖∂C_T/∂C_k‖ for the last steps k of the session's whole input sequence (T = its length).

    Runs the sequence to its end when the session has not computed that far (its own trace is
    left alone), then one backward pass of :func:`simulator.gradients.cell_state_jacobian_norms`
    over at most ``WINDOW`` steps (fewer when H³ × steps would pass :data:`COST_LIMIT`).
    """
    T, H = session.length, session.hidden_size
    steps_back = min(gradient_panel.WINDOW, max(1, int(COST_LIMIT // H**3)))
    start = max(0, T - steps_back)
    params = session.params
    try:
        trace = session.trace
        if len(trace) < T and params.gate_activation == "sigmoid":
            trace = run(params, session.inputs, session.h0, session.c0)
        norms = cell_state_jacobian_norms(params, trace, start, T)
    except ValueError as exc:
        return CellLineGradient(T, T, np.zeros(0), reason=str(exc))
    return CellLineGradient(T, start, norms)


def glow_level(norm: float) -> float:
    """Where ``norm`` sits on the glow's log scale: 0 at 10^LOG_LOW (or 0), 1 at 10^LOG_HIGH."""
    if not norm > 0:
        return 0.0 if norm == 0 else 1.0  # 0 vanished; inf or nan exploded
    return min(max((math.log10(norm) - LOG_LOW) / (LOG_HIGH - LOG_LOW), 0.0), 1.0)


class GradientGlowItem(QGraphicsItem):
    """A translucent band under the cell-state wire, as wide and as strong as the gradient reaching it.

    Parameters
    ----------
    start, end : QPointF
        The ends of the cell-state line, in scene coordinates.
    """

    def __init__(self, start: QPointF, end: QPointF) -> None:
        super().__init__()
        self._path = QPainterPath(start)
        self._path.lineTo(end)
        m = GLOW_MAX_WIDTH
        self._bounds = self._path.boundingRect().adjusted(-m, -m, m, m)
        self._level = 0.0
        self.setZValue(-0.5)  # above the cell's box, under the wires
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.hide()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def set_level(self, level: float) -> None:
        """Show the gradient at ``level`` (0..1, see :func:`glow_level`)."""
        if level != self._level:
            self._level = level
            self.update()

    @property
    def level(self) -> float:
        return self._level

    def pen(self) -> QPen:
        color = style.mix(style.WIRE_QUIET, style.GRADIENT, 0.4 + 0.6 * self._level)
        color.setAlphaF(GLOW_ALPHA)
        pen = QPen(color, GLOW_MIN_WIDTH + (GLOW_MAX_WIDTH - GLOW_MIN_WIDTH) * self._level)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        return pen

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setPen(self.pen())
        painter.drawPath(self._path)


class GradientBadgeItem(QGraphicsItem):
    """The caption and the sparkline of log10‖∂C_T/∂C_k‖ over k, sitting on the cell-state line.

    Positioned by its bottom left corner (``setPos``); ``width`` is fixed at construction, the
    height follows the caption's font.
    """

    def __init__(self, width: float) -> None:
        super().__init__()
        self._caption_font = style.font(CAPTION_SIZE)
        self._axis_font = style.font(AXIS_SIZE, bold=False)
        caption_height = QFontMetricsF(self._caption_font).height()
        height = 2 * BADGE_PADDING + caption_height + 8.0 + SPARK_HEIGHT
        self._rect = QRectF(0.0, -height, width, height)
        self._caption_rect = QRectF(
            BADGE_PADDING, -height + BADGE_PADDING, width - 2 * BADGE_PADDING, caption_height
        )
        axis_width = QFontMetricsF(self._axis_font).horizontalAdvance("1e-10") + 8.0
        self._spark_rect = QRectF(
            BADGE_PADDING + axis_width,
            -BADGE_PADDING - SPARK_HEIGHT,
            width - 2 * BADGE_PADDING - axis_width - MARKER_RADIUS,
            SPARK_HEIGHT,
        )
        self._caption = ""
        self._logs = np.zeros(0)
        self._first, self._last, self._t = 0, 0, 0
        self.setZValue(4)  # over the cell's outline, wires and labels it may cross
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.hide()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -2, 2, 2)

    def spark_rect(self) -> QRectF:
        """The sparkline's plotting area, in item coordinates."""
        return QRectF(self._spark_rect)

    def set_state(self, caption: str, norms: np.ndarray, start: int, T: int, t: int) -> None:
        """Show ``caption`` and the series ``norms`` of steps ``start`` … ``T``, step ``t`` marked.

        Empty ``norms`` hide the sparkline (the caption then may wrap over its room).
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            self._logs = np.log10(np.asarray(norms, dtype=float))
        self._caption, self._first, self._last, self._t = caption, start, T, t
        self.update()

    @property
    def caption(self) -> str:
        return self._caption

    def marker_position(self) -> QPointF | None:
        """Where the current step's dot is drawn (item coordinates), or ``None`` when it is not."""
        j = self._t - self._first
        if not 0 <= j < len(self._logs) or not np.isfinite(self._logs[j]):
            return None
        low, high = self._y_range()
        return QPointF(self._x_of(self._t), self._y_of(float(self._logs[j]), low, high))

    # ------------------------------------------------------------ painting
    def _x_of(self, k: float) -> float:
        r = self._spark_rect
        return r.left() + r.width() * (k / self._last if self._last > 0 else 1.0)

    def _y_range(self) -> tuple[float, float]:
        finite = self._logs[np.isfinite(self._logs)]
        if len(finite) == 0:
            return -1.0, 1.0
        # Whole decades, with room so that a flat series sits inside rather than on an edge.
        low, high = math.floor(float(finite.min()) - 0.25), math.ceil(float(finite.max()) + 0.25)
        return float(low), float(high)

    def _y_of(self, log: float, low: float, high: float) -> float:
        r = self._spark_rect
        level = min(max((log - low) / (high - low), 0.0), 1.0)
        return r.bottom() - level * r.height()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        background = QColor(style.BACKGROUND)
        background.setAlphaF(0.93)
        painter.setPen(QPen(style.GRADIENT, 3.0))
        painter.setBrush(background)
        painter.drawRoundedRect(self._rect, 12, 12)
        painter.setPen(style.INK)
        painter.setFont(self._caption_font)
        if len(self._logs) == 0:  # a reason, with the sparkline's room to wrap into
            room = self._caption_rect.adjusted(0, 0, 0, SPARK_HEIGHT + 8.0)
            flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(room, int(flags), self._caption)
            return
        painter.setFont(self._fitted_caption_font())
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(self._caption_rect, left, self._caption)
        self._paint_sparkline(painter)

    def _fitted_caption_font(self) -> QFont:
        """The caption's font, made smaller (down to 60 %) when the caption is wider than the badge."""
        font = QFont(self._caption_font)
        width = QFontMetricsF(font).horizontalAdvance(self._caption)
        room = self._caption_rect.width()
        if width > room:
            font.setPixelSize(max(round(font.pixelSize() * max(room / width, 0.6)), 1))
        return font

    def _paint_sparkline(self, painter: QPainter) -> None:
        r = self._spark_rect
        low, high = self._y_range()
        painter.setFont(self._axis_font)
        painter.setPen(style.MUTED)
        axis = QRectF(BADGE_PADDING, r.top(), r.left() - BADGE_PADDING - 6.0, r.height())
        top_flags = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
        painter.drawText(axis.adjusted(0, -4, 0, 0), top_flags, f"1e{int(high)}")
        bottom_flags = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
        painter.drawText(axis.adjusted(0, 0, 0, 4), bottom_flags, f"1e{int(low)}")
        baseline = QPen(style.CELL_EDGE, 1.5)
        painter.setPen(baseline)
        painter.drawLine(QPointF(r.left(), r.bottom()), QPointF(r.right(), r.bottom()))
        if self._first > 0:  # steps not computed: a dashed baseline up to the window
            dashed = QPen(style.MUTED, 2.0, Qt.PenStyle.DashLine)
            painter.setPen(dashed)
            y = r.center().y()
            painter.drawLine(QPointF(r.left(), y), QPointF(self._x_of(self._first), y))

        line = QPainterPath()
        area = QPainterPath()
        drawing = False
        for j, log in enumerate(self._logs):
            x = self._x_of(self._first + j)
            if not np.isfinite(log):
                if drawing:
                    area.lineTo(area.currentPosition().x(), r.bottom())
                drawing = False
                continue
            y = self._y_of(float(log), low, high)
            if drawing:
                line.lineTo(x, y)
                area.lineTo(x, y)
            else:
                line.moveTo(x, y)
                area.moveTo(x, r.bottom())
                area.lineTo(x, y)
                drawing = True
        if drawing:
            area.lineTo(area.currentPosition().x(), r.bottom())
        fill = QColor(style.GRADIENT)
        fill.setAlphaF(0.22)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawPath(area)
        pen = QPen(style.GRADIENT, 3.0)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(line)

        x_t = self._x_of(min(max(self._t, 0), self._last))
        painter.setPen(QPen(style.SELECTED, 2.0))
        painter.drawLine(QPointF(x_t, r.top()), QPointF(x_t, r.bottom()))
        marker = self.marker_position()
        if marker is not None:
            painter.setPen(QPen(style.BACKGROUND, 2.5))
            painter.setBrush(style.SELECTED)
            painter.drawEllipse(marker, MARKER_RADIUS, MARKER_RADIUS)


class GradientOverlay:
    """Keeps the glow and the badge of a diagram scene in step with a session, while shown.

    Parameters
    ----------
    session : Session
        Read only. Any change of the model drops the numbers; they are computed again the next
        time the overlay is refreshed while shown.
    items : callable
        Returns the scene's current ``(glow, badge)`` (the scene makes new ones when it rebuilds).
    """

    def __init__(
        self, session: Session, items: Callable[[], tuple[GradientGlowItem, GradientBadgeItem]]
    ) -> None:
        self._session = session
        self._items = items
        self._shown = False
        self._data: CellLineGradient | None = None
        self._caption = ""
        self._value: float | None = None
        for signal in (
            session.replaced,
            session.params_changed,
            session.inputs_changed,
            session.initial_state_changed,
        ):
            signal.connect(self.invalidate)

    @property
    def shown(self) -> bool:
        return self._shown

    @property
    def caption(self) -> str:
        """The caption shown ("" while hidden)."""
        return self._caption if self._shown else ""

    @property
    def value(self) -> float | None:
        """‖∂C_T/∂C_t‖ at the session's t as shown, or ``None`` (hidden, or no gradient)."""
        return self._value if self._shown else None

    @property
    def data(self) -> CellLineGradient | None:
        """The numbers of the current model, ``None`` until computed while shown."""
        return self._data

    def set_shown(self, shown: bool) -> None:
        """Show (computing what is missing) or hide the overlay."""
        self._shown = bool(shown)
        self.refresh()

    def invalidate(self) -> None:
        """The model changed: forget the numbers (cheap; nothing is computed here)."""
        self._data = None

    def refresh(self) -> None:
        """Redraw for the session's current t; computes only when shown and the model changed."""
        glow, badge = self._items()
        if not self._shown:
            glow.hide()
            badge.hide()
            return
        s = self._session
        data = self._data
        if data is None or data.T != s.length:
            data = self._data = cell_line_gradient(s)
        t = s.t
        self._value = value = data.at(t)
        if data.reason:
            self._caption = f"No gradient along the cell state: {data.reason}"
        elif value is None:
            steps = data.T - data.start
            self._caption = f"‖∂C_T/∂C_t‖: only the last {steps} steps before T = {data.T} computed"
        else:
            self._caption = f"‖∂C_T/∂C_t‖ = {format_norm(value)} (T = {data.T})"
        badge.set_state(self._caption, data.norms, data.start, data.T, t)
        badge.show()
        glow.set_level(glow_level(value) if value is not None else 0.0)
        glow.setVisible(value is not None)


__all__ = [
    "COST_LIMIT",
    "CellLineGradient",
    "GradientBadgeItem",
    "GradientGlowItem",
    "GradientOverlay",
    "cell_line_gradient",
    "format_norm",
    "glow_level",
]
