"""Write tests/fixtures/torch_lstm_parity.npz: PyTorch's LSTM on seeded random cases.

Run once with PyTorch installed (``python tests/make_parity_fixture.py``) and
commit the result; ``tests/engine/test_parity.py`` checks the engine against it
with or without PyTorch, and against PyTorch live when it is installed.

Each case has independent random ``bias_ih`` and ``bias_hh`` and a non-zero
``h0`` and ``c0``. The reference gates come from torch operations on PyTorch's
packing (z = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh, chunked into i, f, g, o); h and C
from ``torch.nn.LSTMCell`` step by step, and the whole hidden sequence once more
from ``torch.nn.LSTM``.

Large recurrent weights make the recurrence chaotic: a rounding difference in
h_{t-1} then grows step by step, and PyTorch's own ``LSTMCell`` and ``LSTM``
drift apart by as much as 0.07 over 60 steps with W_hh uniform in ±30. So every
case is compared step by step from PyTorch's previous state, and only the cases
whose recurrent weights have PyTorch's default scale 1/√H (well-conditioned,
whatever the input weights) are also compared as one whole run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

FIXTURE = Path(__file__).parent / "fixtures" / "torch_lstm_parity.npz"

CASES: tuple[tuple[int, int, int, float, float | None], ...] = (
    # (D, H, T, scale of W_ih and the biases, scale of W_hh; None: 1/√H, well-conditioned)
    (1, 1, 1, 1.0, None),
    (8, 32, 60, 10.0, None),
    (1, 1, 60, 30.0, 30.0),
    (8, 4, 20, 30.0, 30.0),
    (2, 3, 12, 10.0, 10.0),
    (3, 5, 17, 3.0, None),
    (5, 16, 25, 0.5, None),
    (4, 8, 1, 30.0, 30.0),
    (1, 32, 8, 5.0, 5.0),
    (8, 1, 30, 30.0, None),
)
"""The fixture's cases: the extremes D = H = T = 1 and D = 8, H = 32, T = 60, and sizes between."""

PACKING = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "inputs", "h0", "c0")
"""A case's arrays: PyTorch's packing, the input sequence (T, D) and the initial state."""

REFERENCE = (
    "input_pre",
    "forget_pre",
    "candidate_pre",
    "output_pre",
    "input_gate",
    "forget_gate",
    "candidate",
    "output_gate",
    "cell",
    "hidden",
    "lstm_hidden",
)
"""PyTorch's results, named as the engine's trace fields (``lstm_hidden``: from ``nn.LSTM``)."""


def well_conditioned(recurrent_scale: float | None) -> bool:
    """Whether a whole run can be compared to 1e-10: W_hh at PyTorch's default scale."""
    return recurrent_scale is None


def random_case(
    D: int, H: int, T: int, scale: float, recurrent_scale: float | None, seed: int
) -> dict[str, np.ndarray]:
    """PyTorch-packed weights, two independent biases, inputs and a non-zero state.

    ``weight_ih`` and both biases are uniform in ±``scale``, ``weight_hh`` in
    ±``recurrent_scale`` (1/√H when ``None``).
    """
    rng = np.random.default_rng(seed)
    recurrent_scale = 1.0 / np.sqrt(H) if recurrent_scale is None else recurrent_scale
    return {
        "weight_ih": rng.uniform(-scale, scale, (4 * H, D)),
        "weight_hh": rng.uniform(-recurrent_scale, recurrent_scale, (4 * H, H)),
        "bias_ih": rng.uniform(-scale, scale, 4 * H),
        "bias_hh": rng.uniform(-scale, scale, 4 * H),
        "inputs": rng.normal(0.0, 2.0, (T, D)),
        "h0": rng.uniform(-1.0, 1.0, H),
        "c0": rng.normal(0.0, 2.0, H),
    }


def fixture_cases() -> list[dict[str, np.ndarray]]:
    """The fixture's cases, the seed of each being its position in :data:`CASES`."""
    return [random_case(*sizes, seed=k) for k, sizes in enumerate(CASES)]


def torch_reference(case: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every gate, pre-activation and state of ``case`` computed by PyTorch in float64."""
    import torch

    W_ih, W_hh, b_ih, b_hh, X, h0, c0 = (torch.from_numpy(case[name]) for name in PACKING)
    D, H = X.shape[1], h0.shape[0]
    cell = torch.nn.LSTMCell(D, H, dtype=torch.float64)
    lstm = torch.nn.LSTM(D, H, dtype=torch.float64)
    rows: dict[str, list] = {name: [] for name in REFERENCE[:-1]}
    with torch.no_grad():
        for module, suffix in ((cell, ""), (lstm, "_l0")):
            for name, value in zip(PACKING[:4], (W_ih, W_hh, b_ih, b_hh), strict=True):
                getattr(module, name + suffix).copy_(value)
        h, c = h0[None], c0[None]
        for x in X:
            z = x @ W_ih.T + b_ih + h[0] @ W_hh.T + b_hh
            z_i, z_f, z_g, z_o = z.chunk(4)
            pre = {"input": z_i, "forget": z_f, "candidate": z_g, "output": z_o}
            for gate, value in pre.items():
                rows[f"{gate}_pre"].append(value)
            rows["input_gate"].append(torch.sigmoid(z_i))
            rows["forget_gate"].append(torch.sigmoid(z_f))
            rows["candidate"].append(torch.tanh(z_g))
            rows["output_gate"].append(torch.sigmoid(z_o))
            h, c = cell(x[None], (h, c))
            rows["cell"].append(c[0])
            rows["hidden"].append(h[0])
        sequence, _ = lstm(X[:, None, :], (h0[None, None], c0[None, None]))
    reference = {name: torch.stack(values).numpy() for name, values in rows.items()}
    reference["lstm_hidden"] = sequence[:, 0].numpy()
    return reference


def main() -> None:
    arrays = {}
    for k, case in enumerate(fixture_cases()):
        for name, value in {**case, **torch_reference(case)}.items():
            arrays[f"case{k}.{name}"] = value
    FIXTURE.parent.mkdir(exist_ok=True)
    np.savez_compressed(FIXTURE, **arrays)
    print(f"wrote {FIXTURE} ({FIXTURE.stat().st_size // 1024} KB, {len(CASES)} cases)")


if __name__ == "__main__":
    main()
