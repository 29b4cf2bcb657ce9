"""The weights of an LSTM in the form :meth:`Trace.extend` loops over, prepared once per params.

Inside the loop the gates are stacked in :data:`LOOP_GATES` order (i, f, ~C, o:
see :meth:`simulator.engine.Trace.extend` for why), and with the logistic σ
the σ rows of W, U and b are halved, so that one ``tanh(z/2)`` activates every
gate; from :data:`TRANSPOSED_MIN_HIDDEN` on, U is also kept transposed.
Preparing that copies W and U — 64 MB and about 25 ms at H = 1024, as long as
some 40 steps there — so it is done once per :class:`LSTMParams` object and
kept for the next ``extend`` with the same object (a session stepping on
extends its trace a few steps at a time). ``LSTMParams`` is never changed in
place (editing a weight makes a copy), so the object identifies its weights;
the few most recent are kept, each only as long as its params object lives.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from simulator.engine.params import GATES, LSTMParams

LOOP_GATES = ("input", "forget", "candidate", "output")
"""The order of the gates' rows in the loop (a permutation of :data:`GATES`)."""

CACHE_SIZE = 4
"""Params objects whose prepared weights are kept."""

TRANSPOSED_MIN_HIDDEN = 768
"""From this H on, U is kept transposed: U h_{t-1} as h_{t-1}ᵀ Uᵀ reads memory faster there."""


@dataclass(frozen=True)
class LoopWeights:
    """W (4H, D), U (4H, H) and b (4H,) in :data:`LOOP_GATES` order, σ rows halved when ``fused``.

    With ``fused`` (the logistic σ) a gate is ``post_scale·tanh(z) + post_add``
    of the halved z: ½·tanh(z/2) + ½ on the σ rows, tanh(z) on the ~C rows.
    """

    W: np.ndarray
    U: np.ndarray
    b: np.ndarray
    U_transposed: bool
    fused: bool
    post_scale: np.ndarray
    post_add: np.ndarray


def loop_weights(params: LSTMParams) -> LoopWeights:
    """The loop's form of ``params``' weights (prepared on the first call for this object)."""
    global _entries
    for ref, gate_activation, weights in _entries:
        if ref() is params and gate_activation == params.gate_activation:
            return weights
    weights = _prepare(params)
    entry = (weakref.ref(params, _forget), params.gate_activation, weights)
    alive = [e for e in _entries if e[0]() is not None]
    _entries = (entry, *alive[: CACHE_SIZE - 1])
    return weights


_entries: tuple[tuple[weakref.ref, str, LoopWeights], ...] = ()
"""The most recent first. Rebound, never changed in place: safe from any thread or callback."""


def _forget(ref: weakref.ref) -> None:
    # Called when a params object dies: drop its weights at once.
    global _entries
    _entries = tuple(entry for entry in _entries if entry[0] is not ref)


def _prepare(params: LSTMParams) -> LoopWeights:
    H, dtype = params.hidden_size, params.dtype
    fused = params.gate_activation == "sigmoid"
    scales = [1.0 if gate == "candidate" or not fused else 0.5 for gate in LOOP_GATES]
    stacked = params.stacked
    W, U, b = (np.empty_like(array) for array in stacked)
    for k, (gate, scale) in enumerate(zip(LOOP_GATES, scales, strict=True)):
        source = slice(GATES.index(gate) * H, (GATES.index(gate) + 1) * H)
        target = slice(k * H, (k + 1) * H)
        for loop_array, array in zip((W, U, b), stacked, strict=True):
            np.multiply(array[source], scale, out=loop_array[target])  # exact: a power of two
    transposed = H >= TRANSPOSED_MIN_HIDDEN
    if transposed:
        U_T = np.empty((H, 4 * H), dtype)
        for first in range(0, 4 * H, 64):  # in bands: one whole transpose misses the cache
            U_T[:, first : first + 64] = U[first : first + 64].T
        U = U_T
    post_scale = np.repeat(np.array(scales, dtype), H)
    post_add = np.repeat(np.array([0.0 if gate == "candidate" else 0.5 for gate in LOOP_GATES], dtype), H)
    for array in (W, U, b, post_scale, post_add):
        array.flags.writeable = False
    return LoopWeights(W, U, b, transposed, fused, post_scale, post_add)
