"""Write tests/fixtures/models/: small PyTorch LSTMs and their outputs, for tests without PyTorch.

Run once with PyTorch installed (``python tests/make_model_fixtures.py``) and
commit the result; ``tests/io/test_models.py`` imports the weights from the
``.npz`` and ``.safetensors`` files and checks each layer's hidden states
against the outputs PyTorch computed here, in float64.

- ``lstm_2x_bidir.{npz,safetensors}``: the state_dict of a model holding an
  ``nn.LSTM(3, 4, num_layers=2, bidirectional=True)`` as ``encoder.lstm`` and a
  linear ``head``; ``lstm_2x_bidir_reference.npz`` holds ``inputs`` (T, 3) and
  the outputs ``layer0`` and ``layer1`` (T, 8), forward then reverse.
- ``lstm_cell.npz``: the state_dict of an ``nn.LSTMCell(2, 3)``;
  ``lstm_cell_reference.npz`` holds ``inputs`` and the ``hidden`` and ``cell``
  states of each step.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

FOLDER = Path(__file__).parent / "fixtures" / "models"
T = 6


def main() -> None:
    import torch
    from safetensors.numpy import save_file

    FOLDER.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(20240611)
    model = torch.nn.Module()
    model.encoder = torch.nn.Module()
    model.encoder.lstm = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, dtype=torch.float64)
    model.head = torch.nn.Linear(8, 1, dtype=torch.float64)
    state = {key: value.numpy() for key, value in model.state_dict().items()}
    np.savez(FOLDER / "lstm_2x_bidir.npz", **state)
    save_file(state, str(FOLDER / "lstm_2x_bidir.safetensors"))
    inputs = np.random.default_rng(1).normal(size=(T, 3))
    with torch.no_grad():
        layer1, _ = model.encoder.lstm(torch.from_numpy(inputs))
        first = torch.nn.LSTM(3, 4, bidirectional=True, dtype=torch.float64)
        first.load_state_dict({k: v for k, v in model.encoder.lstm.state_dict().items() if "_l0" in k})
        layer0, _ = first(torch.from_numpy(inputs))
    np.savez(
        FOLDER / "lstm_2x_bidir_reference.npz",
        inputs=inputs,
        layer0=layer0.numpy(),
        layer1=layer1.numpy(),
    )

    cell = torch.nn.LSTMCell(2, 3, dtype=torch.float64)
    np.savez(FOLDER / "lstm_cell.npz", **{k: v.numpy() for k, v in cell.state_dict().items()})
    inputs = np.random.default_rng(2).normal(size=(T, 2))
    h, c = torch.zeros(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
    hidden, cells = [], []
    with torch.no_grad():
        for x in torch.from_numpy(inputs):
            h, c = cell(x, (h, c))
            hidden.append(h.numpy().copy())
            cells.append(c.numpy().copy())
    np.savez(FOLDER / "lstm_cell_reference.npz", inputs=inputs, hidden=hidden, cell=cells)
    print(f"wrote {FOLDER}")


if __name__ == "__main__":
    main()
