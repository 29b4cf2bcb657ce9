"""The live cell diagram: a QGraphicsScene of the LSTM cell, coloured by the current step."""

from __future__ import annotations

from simulator.ui.diagram.view import DiagramView

__all__ = ["DiagramView"]
