r"""Verify the engine against PyTorch: rerun a cell in ``torch.nn.LSTM`` and compare.

PyTorch computes, in its packing (gate order i, f, g, o, two biases),

.. math::

    [i_t; f_t; g_t; o_t] &= [σ; σ; \tanh; σ](W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}) \\
    c_t &= f_t ⊙ c_{t-1} + i_t ⊙ g_t \\
    h_t &= o_t ⊙ \tanh(c_t)

The hidden states come from ``nn.LSTM`` itself (float64); the gates and the
cell state, which ``nn.LSTM`` does not hand out, from the lines above in torch
operations, each step starting from PyTorch's own previous state. ``nn.LSTM``
knows only the logistic σ: for a hard-sigmoid cell the hidden states too come
from those torch operations, with ``torch.clamp(0.2 z + 0.5, 0, 1)`` (Keras 2)
or ``torch.nn.functional.hardsigmoid`` (Keras 3) as σ.
"""

from __future__ import annotations

import numpy as np

from simulator.engine import LSTMParams, run
from simulator.engine.validate import as_sequence, as_state

COMPARED = ("forget_gate", "input_gate", "candidate", "output_gate", "cell", "hidden")
"""The trace fields :func:`verify_against_torch` compares."""


def verify_against_torch(
    params: LSTMParams,
    inputs: np.ndarray,
    h0: np.ndarray | None = None,
    c0: np.ndarray | None = None,
) -> dict[str, float]:
    """The largest absolute difference between the engine and PyTorch, per gate and state.

    Parameters
    ----------
    params : LSTMParams
        The cell; it is run in float64 on both sides.
    inputs : array (T, D)
        The input sequence.
    h0, c0 : array (H,), optional
        The initial state; zero when omitted.

    Returns
    -------
    dict
        ``{field: max |ours − PyTorch's|}`` for each field of :data:`COMPARED`.

    Raises
    ------
    ImportError
        If PyTorch is not installed.
    ValueError
        If a shape is wrong or a value is NaN or infinite.
    """
    try:
        import torch
    except ImportError:
        raise ImportError("PyTorch is not installed: pip install 'lstm-gate-simulator[torch]'") from None
    params = params.astype(np.float64)
    D, H = params.input_size, params.hidden_size
    X = as_sequence(inputs, D, "inputs", np.dtype(np.float64))
    h0 = as_state(h0, H, "h0", np.dtype(np.float64))
    c0 = as_state(c0, H, "c0", np.dtype(np.float64))
    ours = run(params, X, h0, c0)
    packed = {name: torch.from_numpy(np.ascontiguousarray(a)) for name, a in params.to_torch().items()}
    sigma = {
        "sigmoid": torch.sigmoid,
        "hard_sigmoid": lambda z: torch.clamp(0.2 * z + 0.5, 0.0, 1.0),
        "hard_sigmoid_keras3": torch.nn.functional.hardsigmoid,
    }[params.gate_activation]
    x = torch.from_numpy(X)
    with torch.no_grad():
        hidden = _torch_hidden(torch, packed, x, h0, c0) if params.gate_activation == "sigmoid" else None
        reference: dict[str, list] = {name: [] for name in COMPARED}
        h, c = torch.from_numpy(h0), torch.from_numpy(c0)
        for t in range(X.shape[0]):
            z = packed["weight_ih"] @ x[t] + packed["bias_ih"] + packed["weight_hh"] @ h + packed["bias_hh"]
            i_pre, f_pre, g_pre, o_pre = z.chunk(4)
            i, f, g, o = sigma(i_pre), sigma(f_pre), torch.tanh(g_pre), sigma(o_pre)
            c = f * c + i * g
            h = o * torch.tanh(c) if hidden is None else hidden[t]
            for name, value in zip(COMPARED, (f, i, g, o, c, h), strict=True):
                reference[name].append(value.numpy())
    return {
        name: float(
            np.max(np.abs(getattr(ours, name) - np.array(reference[name]).reshape(-1, H)), initial=0.0)
        )
        for name in COMPARED
    }


def _torch_hidden(torch: object, packed: dict, x: object, h0: np.ndarray, c0: np.ndarray) -> object:
    """h_1 … h_T from ``torch.nn.LSTM`` in float64."""
    D, H = packed["weight_ih"].shape[1], packed["weight_hh"].shape[1]
    lstm = torch.nn.LSTM(D, H, dtype=torch.float64)
    for name, value in packed.items():
        getattr(lstm, f"{name}_l0").copy_(value)
    output, _ = lstm(x, (torch.from_numpy(h0)[None], torch.from_numpy(c0)[None]))
    return output
