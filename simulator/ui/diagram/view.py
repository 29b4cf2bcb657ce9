"""The diagram widget: shows the scene scaled to fit and turns clicks and hovers into part names."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QGraphicsView, QWidget

from simulator.parts import PARTS
from simulator.session import Session
from simulator.ui.diagram import style
from simulator.ui.diagram.gradient_overlay import GradientOverlay
from simulator.ui.diagram.items import VectorItem, part_of
from simulator.ui.diagram.scene import (
    DiagramScene,
    current_values,
    drawn_afresh,
    header_html,
    step_label_html,
)


class DiagramView(QGraphicsView):
    """The live LSTM cell diagram of a session.

    Shows every vector of the current step as a row of coloured cells on the
    wire that carries it, scaled to fit the widget. Clicking a row, a dense
    layer, a pointwise node or a symbol calls :meth:`Session.select`; the
    selected part is outlined. Clicking a cell of a row of H units also calls
    :meth:`Session.select_unit`, and the selected unit's cell is outlined in
    every such row; clicking empty space clears the unit. On request
    (:meth:`set_gradient_overlay`) the cell-state line also shows how much of a
    gradient from the last step reaches the step shown.

    Parameters
    ----------
    session : Session
        The model shown. The view follows ``trace_changed`` (recolour),
        ``replaced`` (rebuild for new sizes), ``selection_changed`` and
        ``unit_selection_changed``.
    parent : QWidget, optional
        The parent widget.

    Signals
    -------
    hovered(str)
        The value under the mouse, e.g. ``"C_t[2] = 0.53"``; ``""`` when the
        mouse leaves the cells.
    """

    hovered = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._hover_text = ""
        self._scene = DiagramScene(session.hidden_size, session.input_size)
        self._scene.highlight_unit(session.selected_unit)
        self.setScene(self._scene)
        # Made before the view subscribes, so it forgets an old model before the view redraws.
        self.gradient_overlay = GradientOverlay(
            session, lambda: (self._scene.gradient_glow, self._scene.gradient_badge)
        )
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(style.BACKGROUND)
        self.setMinimumSize(320, 180)
        self.viewport().setMouseTracking(True)
        session.trace_changed.connect(self._update_values)
        session.replaced.connect(self._rebuild)
        session.selection_changed.connect(self._update_selection)
        session.unit_selection_changed.connect(self._update_unit)
        self._update_values()
        self._update_selection(session.selected)

    # ------------------------------------------------------------ session → view
    def _update_values(self) -> None:
        self._scene.show_values(
            current_values(self.session), header_html(self.session), step_label_html(self.session)
        )
        self._scene.show_saturation(self.session.current_step())
        self.gradient_overlay.refresh()

    def _update_selection(self, name: str) -> None:
        self._scene.select(name)

    def _update_unit(self, unit: int | None) -> None:
        self._scene.highlight_unit(unit)

    def _rebuild(self) -> None:
        self._scene.highlighted_unit = self.session.selected_unit
        self._scene.build(self.session.hidden_size, self.session.input_size)
        self._update_values()
        self._update_selection(self.session.selected)
        self._set_hover("")
        self.fit()

    # ------------------------------------------------------------ gradient overlay
    def set_gradient_overlay(self, shown: bool) -> None:
        """Show or hide ‖∂C_T/∂C_t‖ along the cell-state line (computed only while shown)."""
        self.gradient_overlay.set_shown(shown)

    @property
    def gradient_overlay_shown(self) -> bool:
        return self.gradient_overlay.shown

    def gradient_caption(self) -> str:
        """The overlay's caption, e.g. ``"‖∂C_T/∂C_t‖ = 3.1e-2 (T = 40)"``; ``""`` while hidden."""
        return self.gradient_overlay.caption

    def set_theme(self, palette: style.DiagramPalette) -> None:
        """Draw with the colours of ``palette`` from now on; every item is recoloured, none rebuilt.

        The palette is shared by every diagram of the app (see :func:`style.use_palette`).
        """
        style.use_palette(palette)
        self.setBackgroundBrush(style.BACKGROUND)
        self._scene.recolor()

    def set_text_scale(self, scale: float) -> None:
        """Make the diagram's text ``scale`` times its normal size (values only as large as their cells hold).

        Rebuilds the items so that labels are laid out for their new size; the
        scale is shared by every diagram of the app (see :func:`style.use_text_scale`).
        """
        if scale != style.TEXT_SCALE:
            style.use_text_scale(scale)
            self._rebuild()

    # ------------------------------------------------------------ fitting
    def fit(self) -> None:
        """Scale the whole diagram into the widget, keeping its aspect ratio."""
        self.fitInView(self._scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit()

    # ------------------------------------------------------------ mouse → session
    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            scene_pos = self.mapToScene(event.position().toPoint())
            part = self.part_at(scene_pos)
            if part is not None:
                self.session.select(part)
            unit = self.hidden_unit_at(scene_pos)
            if unit is not None or part is None:
                self.session.select_unit(unit)
        event.accept()  # the diagram is the last stop for clicks: nothing behind it wants them

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        self._set_hover(self.describe_at(self.mapToScene(event.position().toPoint())))

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        self._set_hover("")

    def _set_hover(self, text: str) -> None:
        if text != self._hover_text:
            self._hover_text = text
            self.hovered.emit(text)

    def part_at(self, scene_pos: QPointF) -> str | None:
        """The part drawn at a point of the scene (row, node or symbol), or ``None``."""
        for item in self._scene.items(scene_pos):
            part = part_of(item)
            if part is not None and not part == "bus":
                return part
        return None

    def hidden_unit_at(self, scene_pos: QPointF) -> int | None:
        """The unit whose cell is at a point of the scene, in a row of H units (not x_t), or ``None``."""
        for item in self._scene.items(scene_pos):
            if isinstance(item, VectorItem):
                return None if item.part == "inputs" else item.unit_at(item.mapFromScene(scene_pos))
        return None

    def describe_at(self, scene_pos: QPointF) -> str:
        """The unit under a point of the scene, e.g. ``"f_t[17] = 0.998"``, or ``""``.

        The selected unit reads ``"f_t[17] = 0.998 (selected unit)"``. Also sets that text
        as the cell's tool tip.
        """
        for item in self._scene.items(scene_pos):
            if isinstance(item, VectorItem):
                unit = item.unit_at(item.mapFromScene(scene_pos))
                if unit is None:
                    return ""
                value = item.value(unit)
                name = f"{PARTS[item.part].symbol}[{unit}]"
                text = f"{name}: not computed yet" if value is None else f"{name} = {value:.3g}"
                if unit == item.highlighted_unit:
                    text += " (selected unit)"
                item.setToolTip(text)
                return text
        return ""

    # ------------------------------------------------------------ testing and export hooks
    def part_colors(self, name: str) -> list[QColor]:
        """The current fill colour of each unit cell of part ``name``."""
        return self._scene.vectors[name].colors()

    def highlighted_unit(self, name: str) -> int | None:
        """The unit outlined in part ``name``'s row, or ``None``."""
        return self._scene.vectors[name].highlighted_unit

    def unit_highlight_rect(self, name: str) -> QRectF | None:
        """Where the selected unit's outline runs in part ``name``'s row (scene coordinates), or ``None``.

        The rectangle follows the middle of the outline's pen.
        """
        vector = self._scene.vectors[name]
        unit = vector.highlighted_unit
        return None if unit is None else vector.mapRectToScene(vector.highlight_rect(unit))

    def part_rect(self, name: str) -> QRectF:
        """The cells of part ``name``'s row, in scene coordinates."""
        vector = self._scene.vectors[name]
        return vector.mapRectToScene(vector.cells_rect())

    def cell_text(self, name: str) -> list[str]:
        """The value printed in each cell of part ``name`` ("" where nothing is printed)."""
        return self._scene.vectors[name].texts()

    def wire_magnitudes(self, name: str) -> list[float | None]:
        """The magnitude each wire carrying ``name`` shows (``"bus"`` for [h_{t-1}, x_t])."""
        return [w.magnitude for w in self._scene.wires if w.part == name]

    def render_image(self, width: int, height: int) -> QImage:
        """The whole diagram drawn into a new ``width`` × ``height`` image, centred, aspect kept.

        Rendered from the scene (not grabbed from the screen), so it works for
        any size and with no window shown.
        """
        image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(style.BACKGROUND)
        painter = QPainter(image)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        source = self._scene.sceneRect()
        scale = min(width / source.width(), height / source.height())
        target = QRectF(0, 0, source.width() * scale, source.height() * scale)
        target.moveCenter(QPointF(width / 2, height / 2))
        with drawn_afresh(self._scene):
            self._scene.render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)
        painter.end()
        return image
