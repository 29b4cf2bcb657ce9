"""The LSTM engine: NumPy only, never Qt.

``LSTMParams`` holds the weights, :func:`step` computes one timestep with every
intermediate, :func:`run` a whole sequence into a :class:`Trace`.
"""

from simulator.engine.activations import sigmoid, tanh
from simulator.engine.cell import StepResult, step
from simulator.engine.params import GATES, PARTS, GateWeights, LSTMParams
from simulator.engine.trace import TRACE_FIELDS, Trace, run

__all__ = [
    "GATES",
    "PARTS",
    "TRACE_FIELDS",
    "GateWeights",
    "LSTMParams",
    "StepResult",
    "Trace",
    "run",
    "sigmoid",
    "step",
    "tanh",
]
