"""The LSTM engine: NumPy only, never Qt.

``LSTMParams`` holds the weights, :func:`step` computes one timestep with every
intermediate, :func:`run` a whole sequence into a :class:`Trace`. The variants:
the peephole LSTM (:func:`peephole_step`, :func:`run_peephole`), the coupled
input-forget gate LSTM (:func:`cifg_step`, :func:`run_cifg`), both into a
:class:`Trace`, and PyTorch's GRU (:class:`GRUParams`, :func:`gru_step`,
:func:`run_gru` into a :class:`GRUTrace`).
"""

from simulator.engine.activations import sigmoid, tanh
from simulator.engine.cell import StepResult, step
from simulator.engine.cifg import cifg_step, extend_cifg, run_cifg
from simulator.engine.gru import (
    GRU_GATES,
    GRU_PARTS,
    GRU_TRACE_FIELDS,
    GRUGateWeights,
    GRUParams,
    GRUStepResult,
    GRUTrace,
    gru_step,
    run_gru,
)
from simulator.engine.params import GATES, PARTS, GateWeights, LSTMParams
from simulator.engine.peephole import (
    PEEPHOLE_GATES,
    extend_peephole,
    peephole_step,
    random_peepholes,
    run_peephole,
    zero_peepholes,
)
from simulator.engine.trace import TRACE_FIELDS, Trace, run

__all__ = [
    "GATES",
    "GRU_GATES",
    "GRU_PARTS",
    "GRU_TRACE_FIELDS",
    "PARTS",
    "PEEPHOLE_GATES",
    "TRACE_FIELDS",
    "GRUGateWeights",
    "GRUParams",
    "GRUStepResult",
    "GRUTrace",
    "GateWeights",
    "LSTMParams",
    "StepResult",
    "Trace",
    "cifg_step",
    "extend_cifg",
    "extend_peephole",
    "gru_step",
    "peephole_step",
    "random_peepholes",
    "run",
    "run_cifg",
    "run_gru",
    "run_peephole",
    "sigmoid",
    "step",
    "tanh",
    "zero_peepholes",
]
