"""Write tests/fixtures/gru_reference.npz: PyTorch's GRU on seeded random cases.

Run once with PyTorch installed (``python tests/make_gru_fixture.py``) and
commit the result; ``tests/engine/test_gru.py`` checks the engine against it
with or without PyTorch, and against PyTorch live when it is installed.

Each case has independent random ``bias_ih`` and ``bias_hh`` (the trap: the
candidate's recurrent bias b_hn sits inside the reset product, so a GRU that
adds the two biases up front only agrees when r = 1 or b_hn = 0) and a non-zero
``h0``. The reference gates come from torch operations on PyTorch's packing
(gi = x W_ihᵀ + b_ih and gh = h W_hhᵀ + b_hh, chunked into r, z, n), taken from
PyTorch's previous state; h from ``torch.nn.GRUCell`` step by step, and the
whole hidden sequence once more from ``torch.nn.GRU``.

As for the LSTM fixture (``make_parity_fixture.py``), large recurrent weights
can make the recurrence chaotic, so every case is compared step by step from
PyTorch's previous state, and only the cases whose recurrent weights have
PyTorch's default scale 1/√H are also compared as one whole run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

FIXTURE = Path(__file__).parent / "fixtures" / "gru_reference.npz"

CASES: tuple[tuple[int, int, int, float, float | None], ...] = (
    # (D, H, T, scale of W_ih and the biases, scale of W_hh; None: 1/√H, well-conditioned)
    (1, 1, 1, 1.0, None),
    (8, 32, 12, 3.0, None),
    (1, 1, 40, 10.0, 10.0),
    (3, 5, 17, 3.0, None),
    (2, 3, 12, 10.0, 10.0),
    (5, 16, 25, 0.5, None),
    (8, 1, 30, 30.0, None),
)
"""The fixture's cases: the extremes D = H = T = 1 and D = 8, H = 32 and T = 40, and sizes between."""

PACKING = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "inputs", "h0")
"""A case's arrays: PyTorch's packing, the input sequence (T, D) and the initial state."""

REFERENCE = (
    "reset_pre",
    "update_pre",
    "candidate_pre",
    "reset_gate",
    "update_gate",
    "candidate_recurrent",
    "candidate",
    "hidden",
    "gru_hidden",
)
"""PyTorch's results, named as the engine's GRU trace fields (``gru_hidden``: from ``nn.GRU``)."""


def well_conditioned(recurrent_scale: float | None) -> bool:
    """Whether a whole run can be compared to 1e-10: W_hh at PyTorch's default scale."""
    return recurrent_scale is None


def random_case(
    D: int, H: int, T: int, scale: float, recurrent_scale: float | None, seed: int
) -> dict[str, np.ndarray]:
    """PyTorch-packed GRU weights, two independent biases, inputs and a non-zero state.

    ``weight_ih`` and both biases are uniform in ±``scale``, ``weight_hh`` in
    ±``recurrent_scale`` (1/√H when ``None``).
    """
    rng = np.random.default_rng(seed)
    recurrent_scale = 1.0 / np.sqrt(H) if recurrent_scale is None else recurrent_scale
    return {
        "weight_ih": rng.uniform(-scale, scale, (3 * H, D)),
        "weight_hh": rng.uniform(-recurrent_scale, recurrent_scale, (3 * H, H)),
        "bias_ih": rng.uniform(-scale, scale, 3 * H),
        "bias_hh": rng.uniform(-scale, scale, 3 * H),
        "inputs": rng.normal(0.0, 2.0, (T, D)),
        "h0": rng.uniform(-1.0, 1.0, H),
    }


def fixture_cases() -> list[dict[str, np.ndarray]]:
    """The fixture's cases, the seed of each being 100 + its position in :data:`CASES`."""
    return [random_case(*sizes, seed=100 + k) for k, sizes in enumerate(CASES)]


def torch_reference(case: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every gate, pre-activation and state of ``case`` computed by PyTorch in float64."""
    import torch

    W_ih, W_hh, b_ih, b_hh, X, h0 = (torch.from_numpy(case[name]) for name in PACKING)
    D, H = X.shape[1], h0.shape[0]
    cell = torch.nn.GRUCell(D, H, dtype=torch.float64)
    gru = torch.nn.GRU(D, H, dtype=torch.float64)
    rows: dict[str, list] = {name: [] for name in REFERENCE[:-1]}
    with torch.no_grad():
        for module, suffix in ((cell, ""), (gru, "_l0")):
            for name, value in zip(PACKING[:4], (W_ih, W_hh, b_ih, b_hh), strict=True):
                getattr(module, name + suffix).copy_(value)
        h = h0[None]
        for x in X:
            i_r, i_z, i_n = (x @ W_ih.T + b_ih).chunk(3)
            h_r, h_z, h_n = (h[0] @ W_hh.T + b_hh).chunk(3)
            r = torch.sigmoid(i_r + h_r)
            rows["reset_pre"].append(i_r + h_r)
            rows["update_pre"].append(i_z + h_z)
            rows["candidate_pre"].append(i_n + r * h_n)
            rows["reset_gate"].append(r)
            rows["update_gate"].append(torch.sigmoid(i_z + h_z))
            rows["candidate_recurrent"].append(h_n)
            rows["candidate"].append(torch.tanh(i_n + r * h_n))
            h = cell(x[None], h)
            rows["hidden"].append(h[0])
        sequence, _ = gru(X[:, None, :], h0[None, None])
    reference = {name: torch.stack(values).numpy() for name, values in rows.items()}
    reference["gru_hidden"] = sequence[:, 0].numpy()
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
