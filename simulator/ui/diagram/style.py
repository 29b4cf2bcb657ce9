"""Fonts, pens and colours of the diagram, chosen to read well on a projector.

The colour and width constants below are those of the active
:class:`DiagramPalette`; :func:`use_palette` rebinds them (the app shows one
theme at a time), and items read them each time they paint. The data colours
of the cells (viridis, CET-CBD1) are not part of a palette: they never change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QColor, QFont

FONT_FAMILY = "DejaVu Sans"


@dataclass(frozen=True)
class DiagramPalette:
    """The colours and line widths of the diagram in one theme."""

    background: QColor
    ink: QColor
    muted: QColor
    cell_fill: QColor
    cell_edge: QColor
    box_fill: QColor
    node_fill: QColor
    selected: QColor
    not_computed: QColor
    not_computed_hatch: QColor
    wire_quiet: QColor
    wire_loud: QColor
    unit_highlight: QColor = field(default_factory=lambda: QColor("#d4007a"))
    """The outline of the selected unit's cell in every row (a hue no data colour map uses)."""
    gradient: QColor = field(default_factory=lambda: QColor("#1f77b4"))
    """The gradient overlay on the cell-state line at full strength (fades to ``wire_quiet``)."""
    outline_width: float = 3.0
    wire_min_width: float = 3.0
    wire_max_width: float = 11.0


LIGHT = DiagramPalette(
    background=QColor("#ffffff"),
    ink=QColor("#1a1a1a"),
    muted=QColor("#5f6368"),
    cell_fill=QColor("#f3f6fa"),
    cell_edge=QColor("#9aa7b8"),
    box_fill=QColor("#ffe28a"),
    node_fill=QColor("#f7c6d9"),
    selected=QColor("#ff6d00"),
    not_computed=QColor("#d4d4d4"),
    not_computed_hatch=QColor("#b0b0b0"),
    wire_quiet=QColor("#b8bcc2"),
    wire_loud=QColor("#1f2328"),
    unit_highlight=QColor("#d4007a"),
    gradient=QColor("#1f77b4"),
)

DARK = DiagramPalette(
    background=QColor("#1b1d21"),
    ink=QColor("#e8eaed"),
    muted=QColor("#a9b0b8"),
    cell_fill=QColor("#252a31"),
    cell_edge=QColor("#5b6775"),
    box_fill=QColor("#5c4a12"),
    node_fill=QColor("#5e2a40"),
    selected=QColor("#ff9e40"),
    not_computed=QColor("#3b3f45"),
    not_computed_hatch=QColor("#6a7078"),
    wire_quiet=QColor("#4d535c"),
    wire_loud=QColor("#f1f3f4"),
    unit_highlight=QColor("#ff4fc8"),
    gradient=QColor("#4ea8ff"),
)

HIGH_CONTRAST = DiagramPalette(
    background=QColor("#000000"),
    ink=QColor("#ffffff"),
    muted=QColor("#ffff00"),
    cell_fill=QColor("#000000"),
    cell_edge=QColor("#ffffff"),
    box_fill=QColor("#000000"),
    node_fill=QColor("#000000"),
    selected=QColor("#00ffff"),
    not_computed=QColor("#3a3a3a"),
    not_computed_hatch=QColor("#9a9a9a"),
    wire_quiet=QColor("#8c8c8c"),
    wire_loud=QColor("#ffffff"),
    unit_highlight=QColor("#ff00ff"),
    gradient=QColor("#00ff66"),
    outline_width=4.0,
    wire_min_width=5.0,
    wire_max_width=15.0,
)

BACKGROUND = LIGHT.background
INK = LIGHT.ink
MUTED = LIGHT.muted
CELL_FILL = LIGHT.cell_fill
CELL_EDGE = LIGHT.cell_edge
BOX_FILL = LIGHT.box_fill
NODE_FILL = LIGHT.node_fill
SELECTED = LIGHT.selected
NOT_COMPUTED = LIGHT.not_computed
NOT_COMPUTED_HATCH = LIGHT.not_computed_hatch
WIRE_QUIET = LIGHT.wire_quiet
WIRE_LOUD = LIGHT.wire_loud
UNIT_HIGHLIGHT = LIGHT.unit_highlight
GRADIENT = LIGHT.gradient

OUTLINE_WIDTH = LIGHT.outline_width
SELECTED_WIDTH = 7.0
UNIT_HIGHLIGHT_WIDTH = 6.0
"""The selected unit's outline: wide enough to find from the back of a lecture hall."""
UNIT_HALO_WIDTH = 2.0
"""A line of background colour on each side of the unit's outline, so it shows on any cell colour."""
MIN_UNIT_HIGHLIGHT = 20.0
"""A compact strip's cells are a few scene units wide: the outline is at least this large around one."""
WIRE_MIN_WIDTH = LIGHT.wire_min_width
WIRE_MAX_WIDTH = LIGHT.wire_max_width
ARROW_LENGTH = 22.0
ARROW_HALF_WIDTH = 11.0

TEXT_SCALE = 1.0
"""Every font of the diagram is this much larger (presentation mode enlarges the text)."""

_palette = LIGHT


def use_palette(palette: DiagramPalette) -> None:
    """Make ``palette`` the active one: rebind the colour and width constants of this module.

    Items pick the new values up when they next paint; call
    :meth:`~simulator.ui.diagram.DiagramView.set_palette` to recolour a view now.
    """
    global _palette, BACKGROUND, INK, MUTED, CELL_FILL, CELL_EDGE, BOX_FILL, NODE_FILL, SELECTED
    global NOT_COMPUTED, NOT_COMPUTED_HATCH, WIRE_QUIET, WIRE_LOUD, UNIT_HIGHLIGHT, GRADIENT
    global OUTLINE_WIDTH, WIRE_MIN_WIDTH, WIRE_MAX_WIDTH
    _palette = palette
    BACKGROUND, INK, MUTED = palette.background, palette.ink, palette.muted
    CELL_FILL, CELL_EDGE = palette.cell_fill, palette.cell_edge
    BOX_FILL, NODE_FILL, SELECTED = palette.box_fill, palette.node_fill, palette.selected
    NOT_COMPUTED, NOT_COMPUTED_HATCH = palette.not_computed, palette.not_computed_hatch
    WIRE_QUIET, WIRE_LOUD = palette.wire_quiet, palette.wire_loud
    UNIT_HIGHLIGHT, GRADIENT = palette.unit_highlight, palette.gradient
    OUTLINE_WIDTH, WIRE_MIN_WIDTH, WIRE_MAX_WIDTH = (
        palette.outline_width,
        palette.wire_min_width,
        palette.wire_max_width,
    )


def current_palette() -> DiagramPalette:
    """The palette the diagram is drawn with now."""
    return _palette


def use_text_scale(scale: float) -> None:
    """Make every font of the diagram ``scale`` times its normal size (items built after this use it)."""
    global TEXT_SCALE
    if scale <= 0:
        raise ValueError(f"text scale must be positive, got {scale}")
    TEXT_SCALE = float(scale)


def font(pixel_size: float, bold: bool = True, italic: bool = False, limit: float | None = None) -> QFont:
    """The diagram's font at a size in scene units (so it scales with the view), times :data:`TEXT_SCALE`.

    ``limit`` caps the scaled size, for text that must stay inside a fixed box.
    """
    size = pixel_size * TEXT_SCALE
    if limit is not None:
        size = min(size, limit)
    f = QFont(FONT_FAMILY)
    f.setPixelSize(max(round(size), 1))
    f.setBold(bold)
    f.setItalic(italic)
    return f


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``a`` moved towards ``b`` by ``amount`` (0 gives ``a``, 1 gives ``b``)."""
    t = min(max(amount, 0.0), 1.0)
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )
