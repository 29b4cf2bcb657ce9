"""Trained LSTMs from PyTorch, Keras and ONNX files, as a stack of :class:`LSTMParams`.

:func:`load_model` reads the file (choosing the reader by its suffix) and
returns a :class:`Model`: one :class:`~simulator.engine.LSTMParams` per layer
and direction, in order, each named (``"layer 0 forward"``, ``"lstm_1"`` …).
Each reader is in :mod:`simulator.io.importers`; none needs TensorFlow or
Keras, and only ``.pt``/``.pth`` files need PyTorch. Whatever is wrong with a
file, the one exception is :class:`~simulator.io.LoadError`.

Layer k of a stack reads the hidden states of layer k − 1; in a bidirectional
stack it reads both directions' hidden states side by side, forward first,
each in the order of the original sequence. A reverse direction runs over the
reversed sequence, so row 0 of its trace is the last timestep.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from simulator.engine import LSTMParams, Trace, run
from simulator.engine.activations import GATE_ACTIVATIONS
from simulator.engine.validate import as_sequence
from simulator.io.errors import LoadError

MODEL_SUFFIXES = (".pt", ".pth", ".safetensors", ".npz", ".keras", ".h5", ".hdf5", ".onnx")
"""File suffixes :func:`load_model` reads."""


@dataclass(frozen=True)
class Model:
    """A stack of LSTM layers, each direction its own selectable entry.

    Attributes
    ----------
    layers : list of LSTMParams
        One entry per layer and direction, in order (layer 0 forward, layer 0
        reverse, layer 1 forward, …); ``layers[k].name`` names each.
    source_format : str
        ``"pytorch"``, ``"safetensors"``, ``"npz"``, ``"keras"``, ``"keras-h5"`` or ``"onnx"``.
    depths : tuple of int
        The layer (depth in the stack) of each entry: 0, 0, 1, 1, … when bidirectional.
    reverse : tuple of bool
        Whether each entry runs over the reversed sequence.
    notes : tuple of str
        What the reader chose or assumed, e.g. which of several LSTMs it took.

    Raises
    ------
    ValueError
        If the entries do not form a stack: the input size of layer k must be
        the sum of the hidden sizes of layer k − 1.
    """

    layers: list[LSTMParams]
    source_format: str
    depths: tuple[int, ...]
    reverse: tuple[bool, ...]
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.layers:
            raise ValueError("no LSTM layers")
        if not len(self.layers) == len(self.depths) == len(self.reverse):
            raise ValueError("layers, depths and reverse differ in length")
        for depth in range(max(self.depths) + 1):
            entries = self._at_depth(depth)
            if not entries or [self.reverse[k] for k in entries] not in ([False], [True], [False, True]):
                raise ValueError(f"layer {depth}: expected a forward and/or a reverse direction")
            if entries != list(range(entries[0], entries[-1] + 1)) or any(
                self.depths[k] < depth for k in range(entries[-1], len(self.layers))
            ):
                raise ValueError("layers are not in order of depth")
            expected = (
                self.layers[0].input_size
                if depth == 0
                else sum(self.layers[k].hidden_size for k in self._at_depth(depth - 1))
            )
            for k in entries:
                if self.layers[k].input_size != expected:
                    raise ValueError(
                        f"{self.layers[k].name or f'layer {depth}'}: input size "
                        f"{self.layers[k].input_size}, but the layer below gives {expected}"
                    )

    def _at_depth(self, depth: int) -> list[int]:
        return [k for k, d in enumerate(self.depths) if d == depth]

    @property
    def bidirectional(self) -> bool:
        """Whether some layer has both a forward and a reverse direction."""
        return any(len(self._at_depth(d)) == 2 for d in set(self.depths))

    @property
    def layer_names(self) -> list[str]:
        """``layers[k].name`` for each entry."""
        return [params.name for params in self.layers]

    @property
    def input_size(self) -> int:
        """D of the model's input sequence."""
        return self.layers[0].input_size

    def astype(self, dtype: np.dtype | type | str) -> Model:
        """The same model computing in ``float64`` or ``float32``."""
        return dataclasses.replace(self, layers=[params.astype(dtype) for params in self.layers])

    def run_layers(self, inputs: np.ndarray, upto: int | None = None) -> list[Trace]:
        """Run entries 0..``upto`` (default: all) over ``inputs`` (T, D), each from a zero state.

        Entry k reads the model's input when it is in layer 0, otherwise the
        hidden states of every entry of the layer below, side by side (reverse
        directions flipped back into the original order). A reverse entry runs
        over its input reversed in time.

        Returns
        -------
        list of Trace
            One trace per entry 0..``upto``, in order.

        Raises
        ------
        ValueError
            If ``upto`` is outside the model, or the inputs have the wrong
            shape or a NaN or infinite value.
        """
        last = len(self.layers) - 1
        upto = last if upto is None else int(upto)
        if not 0 <= upto <= last:
            raise ValueError(f"layer {upto} outside 0..{last}")
        first = self.layers[0]
        layer_inputs = as_sequence(inputs, first.input_size, "inputs", first.dtype)
        traces: list[Trace] = []
        for k in range(upto + 1):
            depth = self.depths[k]
            if depth > 0 and self.depths[k - 1] != depth:
                below = self._at_depth(depth - 1)
                layer_inputs = np.concatenate(
                    [traces[j].hidden[::-1] if self.reverse[j] else traces[j].hidden for j in below],
                    axis=1,
                )
            x = layer_inputs[::-1] if self.reverse[k] else layer_inputs
            traces.append(run(self.layers[k], x))
        return traces


def load_model(path: str | Path, *, module: str | None = None, gate_activation: str | None = None) -> Model:
    """Read a trained LSTM from a PyTorch, safetensors, NPZ, Keras or ONNX file.

    Parameters
    ----------
    path : str or Path
        ``.pt``/``.pth`` (a ``state_dict`` saved by ``torch.save``; needs
        PyTorch), ``.safetensors`` or ``.npz`` (PyTorch's key names),
        ``.keras`` or ``.h5``/``.hdf5`` (Keras 3 or Keras 2 weights), ``.onnx``.
    module : str, optional
        Of a PyTorch state_dict holding several LSTMs, the one to take, by its
        key prefix (``"encoder.lstm"``); by default the first, said in ``notes``.
    gate_activation : str, optional
        Overrides the gate activation the file says or implies (see
        :class:`~simulator.engine.LSTMParams`), e.g. for a Keras weights file
        without its model's configuration.

    Returns
    -------
    Model

    Raises
    ------
    LoadError
        For any problem with the file: missing, unknown suffix, unreadable,
        not an LSTM, an unsupported variant (projections, peepholes), wrong
        shapes, NaN. The message is one line naming the file.
    """
    path = Path(path)
    if gate_activation is not None and gate_activation not in GATE_ACTIVATIONS:
        raise LoadError(
            path,
            f"unknown gate activation {gate_activation!r}; expected one of {', '.join(GATE_ACTIVATIONS)}",
        )
    suffix = path.suffix.lower()
    if suffix not in MODEL_SUFFIXES:
        raise LoadError(
            path, f"unknown model format {suffix or '(none)'}; expected one of {', '.join(MODEL_SUFFIXES)}"
        )
    if not path.is_file():
        raise LoadError(path, "no such file")
    try:
        model = _read(path, suffix, module)
    except LoadError:
        raise
    except ValueError as exc:  # wrong shapes, NaN, layers that do not stack
        raise LoadError(path, str(exc)) from None
    except Exception as exc:  # whatever a library raises on a bad file
        raise LoadError(path, f"not a readable {suffix} model ({type(exc).__name__}: {exc})") from None
    if gate_activation is not None:
        model = dataclasses.replace(
            model, layers=[params.replace(gate_activation=gate_activation) for params in model.layers]
        )
    return model


def _read(path: Path, suffix: str, module: str | None) -> Model:
    if suffix in (".pt", ".pth", ".safetensors", ".npz"):
        from simulator.io.importers.torch_files import read_torch_file

        return read_torch_file(path, module)
    if module is not None:
        raise LoadError(path, "module selects an LSTM of a PyTorch state_dict only")
    if suffix in (".keras", ".h5", ".hdf5"):
        from simulator.io.importers.keras_files import read_keras_file

        return read_keras_file(path)
    from simulator.io.importers.onnx_files import read_onnx_file

    return read_onnx_file(path)
