"""A small clickable heatmap of a matrix, for weight matrices too big for one slider each."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from simulator.explain import number
from simulator.ui.colors import rgba

_TARGET_SIDE = 260
"""About how many pixels the longer side of a heatmap asks for."""


class MatrixHeatmap(QWidget):
    """Draws a (rows, columns) matrix in the diverging colours; a click picks a cell.

    Parameters
    ----------
    name : str
        The matrix's symbol, used in tooltips: ``W_f`` gives ``W_f[2,0] = 0.13``.
    tooltip : str
        What the matrix is.
    parent : QWidget, optional
    """

    cell_clicked = Signal(int, int)
    """``(row, column)`` of the cell the user clicked."""

    def __init__(self, name: str, tooltip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._description = tooltip
        self._values = np.zeros((1, 1))
        self._limit = 6.0
        self._image = QImage()
        self._selected: tuple[int, int] | None = None
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setToolTip(f"{tooltip}\nClick a cell to edit that weight.")

    # ------------------------------------------------------------ model → view
    def set_values(self, values: np.ndarray, limit: float) -> None:
        """Show ``values`` (a 2-D array; a vector is drawn as one column) coloured over ±``limit``."""
        values = np.asarray(values, dtype=float)
        if values.ndim == 1:
            values = values[:, None]
        resized = values.shape != self._values.shape
        self._values, self._limit = values.copy(), float(limit)
        rows, columns = values.shape
        colours = np.ascontiguousarray(rgba(values.ravel(), "signed", self._limit).reshape(rows, columns, 4))
        self._image = QImage(colours.data, columns, rows, 4 * columns, QImage.Format.Format_RGBA8888).copy()
        if resized:
            self.updateGeometry()
        self.update()

    def set_selected(self, cell: tuple[int, int] | None) -> None:
        """Outline ``cell`` (row, column), or nothing."""
        self._selected = cell
        self.update()

    def values(self) -> np.ndarray:
        return self._values

    # ------------------------------------------------------------ geometry
    def sizeHint(self) -> QSize:
        rows, columns = self._values.shape
        cell = max(3, min(24, _TARGET_SIDE // max(rows, columns)))
        return QSize(max(columns * cell, 16), max(rows * cell, 16))

    def minimumSizeHint(self) -> QSize:
        rows, columns = self._values.shape
        return QSize(min(max(columns * 2, 12), 120), min(max(rows * 2, 12), 120))

    def cell_rect(self, row: int, column: int) -> QRectF:
        """Where a cell is drawn, in widget coordinates."""
        rows, columns = self._values.shape
        width, height = self.width() / columns, self.height() / rows
        return QRectF(column * width, row * height, width, height)

    def cell_at(self, point: QPoint) -> tuple[int, int] | None:
        """The (row, column) under ``point``, or ``None`` outside the matrix."""
        rows, columns = self._values.shape
        if not self.rect().contains(point):
            return None
        row = min(int(point.y() * rows / max(self.height(), 1)), rows - 1)
        column = min(int(point.x() * columns / max(self.width(), 1)), columns - 1)
        return row, column

    # ------------------------------------------------------------ Qt overrides
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawImage(QRectF(self.rect()), self._image)
        painter.setPen(QPen(QColor("#808080"), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        if self._selected is not None:
            rect = self.cell_rect(*self._selected).adjusted(-1, -1, 1, 1)
            painter.setPen(QPen(QColor("#000000"), 3))
            painter.drawRect(rect)
            painter.setPen(QPen(QColor("#ffffff"), 1))
            painter.drawRect(rect)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position().toPoint())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.cell_clicked.emit(*cell)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position().toPoint())
        if cell is None:
            return
        row, column = cell
        index = f"{row}" if self._values.shape[1] == 1 else f"{row},{column}"
        text = f"{self.name}[{index}] = {number(self._values[row, column], 3)}\nClick to edit it."
        QToolTip.showText(event.globalPosition().toPoint(), text, self)
