"""Build the hand-designed ``sentence`` preset from the built-in vocabulary.

Run ``python -m simulator.training.sentence_preset --out resources/presets/sentence.json``
whenever the vocabulary changes (its size is the preset's input size D).

The inputs are one-hot words, so column *k* of each gate's input weights is
what word *k* does. Three units, every gate saturated with ±12 so that a gate
is either open (σ(12) ≈ 1 − 6·10⁻⁶) or shut:

* unit 1 — **positive words.** Its input gate opens only on a positive word;
  the candidate is tanh(2 − 5.252·h₃): +0.96, or −0.96 when a "not" is
  remembered in unit 3. Forget gate always open (the sum is kept).
* unit 2 — **negative words**, the same for the negative words (+0.96 per
  word, −0.96 when negated).
* unit 3 — **"not" remembered.** A negator writes tanh(5) ≈ 1 (its forget gate
  shuts so that "not not" stays 1); the next sentiment word shuts the forget
  gate and erases it. Filler words in between leave it alone.

Output gates are open (h_t = tanh(C_t)); the sentence's sentiment is
C₁ − C₂. Filler and unknown words open no input gate and shut no forget gate,
so they leave every cell state unchanged. The weight 5.252 makes a negated
word exactly as strong as a plain one: h₃ = tanh(tanh 5) = 0.7616 and
2 − 5.252·0.7616 = −2.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from simulator.training.preset_file import write_preset
from simulator.words import NEGATIVE_WORDS, NEGATORS, POSITIVE_WORDS, default_vocabulary

SENTENCE = "the movie was not very good"
OPEN = 12.0  # σ(±12): a gate fully open or shut
WORD = 2.0  # candidate pre-activation of a sentiment word: tanh(2) = 0.964
FLIP = 5.252  # how strongly a remembered "not" turns the next sentiment word round
NOT = 5.0  # candidate pre-activation of a negator: tanh(5) ≈ 1


def preset_json() -> dict:
    """The preset file's content."""
    vocabulary = default_vocabulary()
    D, H = vocabulary.size, 3
    positive = [vocabulary.index(w) for w in POSITIVE_WORDS]
    negative = [vocabulary.index(w) for w in NEGATIVE_WORDS]
    negators = [vocabulary.index(w) for w in NEGATORS]
    W = {gate: np.zeros((H, D)) for gate in ("forget", "input", "candidate", "output")}
    U = {gate: np.zeros((H, H)) for gate in W}
    b = {
        "forget": np.full(H, OPEN),
        "input": np.full(H, -OPEN),
        "candidate": np.zeros(H),
        "output": np.full(H, OPEN),
    }
    for unit, words in ((0, positive), (1, negative)):
        W["input"][unit, words] = 2 * OPEN  # open on this unit's words
        W["candidate"][unit, words] = WORD  # write ≈ +1 ...
        U["candidate"][unit, 2] = -FLIP  # ... or ≈ −1 after a "not"
    W["input"][2, negators] = 2 * OPEN  # a negator is remembered
    W["candidate"][2, negators] = NOT
    W["forget"][2, negators + positive + negative] = -2 * OPEN  # and replaced or used up
    return {
        "format": "lstm-sim-preset",
        "version": 1,
        "title": "A sentence: keep the words that matter",
        "description": (
            "One-hot words in: unit 1 adds ±1 for each positive word, unit 2 for each negative word, "
            "unit 3 holds a 'not' until the next sentiment word, which it turns round. Watch the "
            "cell state stay flat on filler words (sentiment = C₁ − C₂)."
        ),
        "input_size": D,
        "hidden_size": H,
        "weights": {
            gate: {"input": W[gate].tolist(), "recurrent": U[gate].tolist(), "bias": b[gate].tolist()}
            for gate in W
        },
        "h0": [0.0] * H,
        "c0": [0.0] * H,
        "sentence": SENTENCE,
    }


def main(argv: list[str] | None = None) -> int:
    """Write the preset JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where to write the preset JSON")
    args = parser.parse_args(argv)
    write_preset(preset_json(), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
