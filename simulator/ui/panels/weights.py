"""The weights panel: every weight of one gate, and the initial state, as sliders or heatmaps.

Small cells get one slider per number. When a gate has more than
:data:`MAX_SLIDERS` weights the panel shows each matrix as a heatmap instead;
clicking a cell picks the number that the one slider below edits.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from simulator.engine import GATES, LSTMParams
from simulator.explain import weight_symbol
from simulator.io.errors import LoadError
from simulator.parts import GATE_OF_PART, PARTS
from simulator.session import Session
from simulator.ui.panels.heatmap import MatrixHeatmap
from simulator.ui.panels.slider import ValueSlider
from simulator.ui.undo import UndoableEdits

MAX_SLIDERS = 48
"""A gate with more weights than this is shown as heatmaps."""

DEFAULT_LIMIT = 6.0

PART_OF_GATE = {gate: part for part, gate in GATE_OF_PART.items()}
"""``forget`` → ``forget_gate``, ``candidate`` → ``candidate``, ..."""

_STATE_SYMBOLS = {"h0": "h_0", "c0": "C_0"}
_STATE_WORDS = {"h0": "initial hidden state", "c0": "initial cell state"}

Target = tuple[str, str, tuple[int, ...]]
"""What a slider edits: ``("weight", part, index)`` or ``("state", "h0" | "c0", (unit,))``."""

_HEATMAPS = (
    ("weight", "input"),
    ("weight", "recurrent"),
    ("weight", "bias"),
    ("state", "h0"),
    ("state", "c0"),
)
"""The matrices of heatmap mode, left to right."""


def _cell_target(key: tuple[str, str], row: int, column: int) -> Target:
    """The number behind a heatmap cell: matrices have (row, column), vectors (row,)."""
    kind, part = key
    return (kind, part, (row, column) if part in ("input", "recurrent") else (row,))


class WeightsPanel(QWidget):
    """Sliders (or heatmaps) for the chosen gate's W, U and b, and for h0 and c0.

    Parameters
    ----------
    session : Session
        The model shown and edited.
    edits : UndoableEdits
        Every edit goes through it, one undo step per drag.
    preset_params_getter : callable, optional
        Returns the weights "Reset to preset" restores; by default the session's
        preset is loaded again.
    parent : QWidget, optional
    """

    def __init__(
        self,
        session: Session,
        edits: UndoableEdits,
        preset_params_getter: Callable[[], LSTMParams] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.edits = session, edits
        self._preset_params_getter = preset_params_getter
        self._gate = session.gate_of(session.selected) or GATES[0]
        self._sliders: list[tuple[ValueSlider, Target | None]] = []
        self._heatmaps: dict[tuple[str, str], MatrixHeatmap] = {}
        self._titles: dict[object, QWidget] = {}
        self._picked: Target = ("weight", "input", (0, 0))

        self.gate_box = QComboBox()
        for gate in GATES:
            self.gate_box.addItem(
                f"{PARTS[PART_OF_GATE[gate]].title}  {PARTS[PART_OF_GATE[gate]].symbol}", gate
            )
        self.gate_box.setCurrentIndex(GATES.index(self._gate))
        self.gate_box.setToolTip(
            "The gate whose weights are shown; follows the part selected in the diagram."
        )
        self.range_box = QDoubleSpinBox()
        self.range_box.setRange(0.1, 1000.0)
        self.range_box.setDecimals(1)
        self.range_box.setValue(DEFAULT_LIMIT)
        self.range_box.setPrefix("± ")
        self.range_box.setToolTip("How far the sliders reach each way (and the heatmaps' colour scale).")
        self.seed_box = QSpinBox()
        self.seed_box.setRange(0, 2**31 - 1)
        self.seed_box.setToolTip("Seed of the random weights: the same seed gives the same weights.")
        self.randomize_button = QPushButton("Randomize")
        self.randomize_button.setToolTip("Replace all weights of all gates with random ones (uniform ±1/√H).")
        self.reset_button = QPushButton("Reset to preset")
        self.reset_button.setToolTip("Put every weight back to the preset's value.")

        header = QHBoxLayout()
        header.addWidget(QLabel("Gate"))
        header.addWidget(self.gate_box, 1)
        header.addWidget(QLabel("Range"))
        header.addWidget(self.range_box)
        footer = QHBoxLayout()
        footer.addWidget(QLabel("Seed"))
        footer.addWidget(self.seed_box)
        footer.addWidget(self.randomize_button)
        footer.addStretch(1)
        footer.addWidget(self.reset_button)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self._scroll, 1)
        layout.addLayout(footer)

        self.gate_box.currentIndexChanged.connect(self._on_gate_chosen)
        self.range_box.valueChanged.connect(self._on_range_changed)
        self.randomize_button.clicked.connect(self.randomize)
        self.reset_button.clicked.connect(self.reset_to_preset)
        session.replaced.connect(self._rebuild)
        session.params_changed.connect(self._update_values)
        session.initial_state_changed.connect(self._update_values)
        session.selection_changed.connect(self._on_selection_changed)
        self._rebuild()

    # ------------------------------------------------------------ public
    @property
    def gate(self) -> str:
        """The gate shown (``forget``, ``input``, ``candidate`` or ``output``)."""
        return self._gate

    @property
    def heatmap_mode(self) -> bool:
        """Whether the weights are shown as heatmaps (a big gate) rather than sliders."""
        return bool(self._heatmaps)

    def sliders(self) -> dict[str, ValueSlider]:
        """The sliders shown, by label (``W_f[0,1]``, ``b_f[2]``, ``h_0[1]``; in heatmap mode the editor)."""
        return {slider.label.text(): slider for slider, _ in self._sliders}

    def heatmap(self, part: str) -> MatrixHeatmap:
        """Heatmap mode: the heatmap of ``input``, ``recurrent``, ``bias``, ``h0`` or ``c0``."""
        return self._heatmaps["state" if part in _STATE_SYMBOLS else "weight", part]

    @property
    def picked(self) -> Target:
        """Heatmap mode: what the editor slider edits."""
        return self._picked

    def pick(self, target: Target) -> None:
        """Heatmap mode: let the one slider edit ``target`` and outline its cell."""
        self._picked = target
        editor = self._sliders[0][0]
        editor.set_label(self._label(target), self._tooltip(target))
        editor.set_value(self._value(target))
        kind, part, index = target
        for key, heatmap in self._heatmaps.items():
            cell = (index[0], index[1] if len(index) > 1 else 0) if key == (kind, part) else None
            heatmap.set_selected(cell)

    def randomize(self) -> None:
        """Replace all weights with reproducible random ones from the seed box."""
        params = LSTMParams.random(
            self.session.input_size, self.session.hidden_size, seed=self.seed_box.value()
        )
        self.edits.set_params(params.astype(self.session.params.dtype), "Randomize weights")

    def reset_to_preset(self) -> None:
        """Put back the preset's weights; a preset that cannot be loaded is reported, not applied."""
        try:
            if self._preset_params_getter is not None:
                params = self._preset_params_getter()
            else:
                from simulator.io.presets import load_preset

                params = load_preset(self.session.preset_name).params
            self.edits.set_params(params, "Reset weights to preset")
        except (LoadError, ValueError) as exc:
            QMessageBox.warning(self, "Cannot reset the weights", str(exc))

    # ------------------------------------------------------------ building
    def _rebuild(self) -> None:
        self._sliders, self._heatmaps, self._titles = [], {}, {}
        self._picked = ("weight", "input", (0, 0))
        H, D = self.session.hidden_size, self.session.input_size
        content = QWidget()
        layout = QVBoxLayout(content)
        if H * D + H * H + H > MAX_SLIDERS:
            self._build_heatmaps(layout)
        else:
            self._build_sliders(layout)
        layout.addStretch(1)
        self._scroll.setWidget(content)
        self._relabel()

    def _build_sliders(self, layout: QVBoxLayout) -> None:
        H, D = self.session.hidden_size, self.session.input_size
        groups: dict[str, list[Target]] = {
            "input": [("weight", "input", (r, c)) for r in range(H) for c in range(D)],
            "recurrent": [("weight", "recurrent", (r, c)) for r in range(H) for c in range(H)],
            "bias": [("weight", "bias", (r,)) for r in range(H)],
            "state": [("state", w, (u,)) for w in ("h0", "c0") for u in range(H)],
        }
        width = self.fontMetrics().horizontalAdvance("U_f[00,00]  ")
        for key, targets in groups.items():
            group = QGroupBox()
            rows = QVBoxLayout(group)
            rows.setSpacing(2)
            for target in targets:
                rows.addWidget(self._add_slider(target, width))
            self._titles[key] = group
            layout.addWidget(group)

    def _build_heatmaps(self, layout: QVBoxLayout) -> None:
        grid = QGridLayout()
        for column, key in enumerate(_HEATMAPS):
            heatmap = MatrixHeatmap("", "")
            heatmap.cell_clicked.connect(lambda row, col, key=key: self.pick(_cell_target(key, row, col)))
            title = QLabel()
            title.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(title, 0, column)
            grid.addWidget(heatmap, 1, column, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self._heatmaps[key], self._titles[key] = heatmap, title
        layout.addLayout(grid)
        self._hint = QLabel()
        self._hint.setWordWrap(True)
        layout.addWidget(self._hint)
        editor = self._add_slider(None, self.fontMetrics().horizontalAdvance("U_f[000,000]"))
        editor.label.setStyleSheet("font-weight: bold;")
        layout.addWidget(editor)

    def _add_slider(self, target: Target | None, label_width: int) -> ValueSlider:
        """A slider editing ``target``, or (``None``) whatever cell is picked."""
        slider = ValueSlider("", "", self.range_box.value(), label_width)
        slider.value_edited.connect(lambda value, drag: self._edit(target or self._picked, value, drag))
        slider.drag_finished.connect(self.edits.finish_drag)
        self._sliders.append((slider, target))
        return slider

    # ------------------------------------------------------------ model → view
    def _relabel(self) -> None:
        """Labels and tooltips for the gate shown, then every value."""
        g = self._gate
        H, D = self.session.hidden_size, self.session.input_size
        titles = {
            "input": f"Input weights {weight_symbol(g, 'input')}  ({H}×{D})",
            "recurrent": f"Recurrent weights {weight_symbol(g, 'recurrent')}  ({H}×{H})",
            "bias": f"Bias {weight_symbol(g, 'bias')}  ({H})",
            "state": "Initial state h_0, C_0  (shared by all gates)",
        }
        for key, title in self._titles.items():
            if isinstance(title, QGroupBox):
                title.setTitle(titles[key])
        for slider, target in self._sliders:
            if target is not None:
                slider.set_label(self._label(target), self._tooltip(target))
        for (kind, part), heatmap in self._heatmaps.items():
            heatmap.name = _STATE_SYMBOLS[part] if kind == "state" else weight_symbol(g, part)
            words = _STATE_WORDS[part] if kind == "state" else titles[part]
            heatmap.setToolTip(f"{words}\nClick a cell to edit it with the slider below.")
            self._titles[kind, part].setText(heatmap.name)
        if self._heatmaps:
            self.pick(self._picked)
        self._update_values()

    def _update_values(self) -> None:
        limit = self.range_box.value()
        if self._heatmaps:
            self._hint.setText(
                f"Click a cell to pick the number the slider below edits. "
                f"Colour scale: blue −{limit:g}, grey 0, yellow +{limit:g} (set with Range)."
            )
        for slider, target in self._sliders:
            slider.set_value(self._value(target or self._picked))
        for (kind, part), heatmap in self._heatmaps.items():
            values = (
                getattr(self.session, part) if kind == "state" else self.session.params.part(self._gate, part)
            )
            heatmap.set_values(values, limit)

    def _value(self, target: Target) -> float:
        kind, part, index = target
        if kind == "state":
            return float(getattr(self.session, part)[index[0]])
        return float(self.session.params.part(self._gate, part)[index])

    def _label(self, target: Target) -> str:
        kind, part, index = target
        symbol = _STATE_SYMBOLS[part] if kind == "state" else weight_symbol(self._gate, part)
        return f"{symbol}[{','.join(str(i) for i in index)}]"

    def _tooltip(self, target: Target) -> str:
        kind, part, index = target
        gate = PARTS[PART_OF_GATE[self._gate]].title
        if kind == "state":
            return f"{_STATE_WORDS[part]}: unit {index[0]} before step 1"
        if part == "input":
            return f"input weight of the {gate}: from input x[{index[1]}] to unit {index[0]}"
        if part == "recurrent":
            return f"recurrent weight of the {gate}: from h_{{t-1}}[{index[1]}] to unit {index[0]}"
        return f"bias of the {gate}: unit {index[0]}"

    # ------------------------------------------------------------ view → model
    def _edit(self, target: Target, value: float, drag: bool) -> None:
        kind, part, index = target
        if kind == "state":
            self.edits.set_initial_state(part, index[0], value, drag=drag)
        else:
            self.edits.set_weight(self._gate, part, index, value, drag=drag)

    def _on_gate_chosen(self, row: int) -> None:
        gate = self.gate_box.itemData(row)
        self.session.select(PART_OF_GATE[gate])
        self._show_gate(gate)

    def _on_selection_changed(self, name: str) -> None:
        gate = self.session.gate_of(name)
        if gate is not None:
            self._show_gate(gate)

    def _show_gate(self, gate: str) -> None:
        if gate == self._gate and self.gate_box.currentData() == gate:
            return
        self._gate = gate
        with QSignalBlocker(self.gate_box):
            self.gate_box.setCurrentIndex(GATES.index(gate))
        self._relabel()

    def _on_range_changed(self, limit: float) -> None:
        for slider, _ in self._sliders:
            slider.set_limit(limit)
        self._update_values()
