"""Words as inputs: a small built-in vocabulary that turns a typed sentence into x_1 … x_T.

Encoding is **one-hot**: x_t has one entry per vocabulary word (D = the
vocabulary size, ``<unk>`` included), 1 at the word's position and 0
elsewhere. We chose one-hot over a small dense embedding because it keeps the
weights readable: column *k* of every gate's input weights is exactly what
word *k* does to that gate, so a weight a student reads off the heatmap is the
effect of one word, and a preset's weights can be written by hand word by
word. The price is a wide input (D ≈ 50), which the weight heatmaps show well.

Tokens are the sentence lower-cased and split into runs of letters, digits
and inner apostrophes (``"Isn't it GOOD?!"`` → ``isn't``, ``it``, ``good``; a
typographic ’ counts as '); other punctuation is dropped. A word outside the
vocabulary is encoded as the unknown token ``<unk>`` and labelled
``"<unk> (zebra)"``, so the step label shows both what was typed and what the
cell received.

The built-in vocabulary's size is the input size of the ``sentence`` preset:
after changing it, rebuild that preset with
``python -m simulator.training.sentence_preset --out resources/presets/sentence.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

UNKNOWN = "<unk>"
"""The unknown token; every word outside the vocabulary is encoded as this one."""

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")

POSITIVE_WORDS: tuple[str, ...] = ("good", "great", "fun", "nice", "best", "liked", "loved")
"""Words that carry a positive sentiment (used by the ``sentence`` preset)."""

NEGATIVE_WORDS: tuple[str, ...] = ("bad", "awful", "boring", "worst", "terrible", "hated")
"""Words that carry a negative sentiment."""

NEGATORS: tuple[str, ...] = ("not", "never", "no", "isn't", "wasn't", "don't", "didn't")
"""Words that turn the next sentiment word round."""

FILLER_WORDS: tuple[str, ...] = (
    "the", "a", "an", "this", "that", "it", "is", "was", "i", "you", "we", "and", "but",
    "of", "to", "at", "movie", "film", "book", "food", "plot", "story", "acting", "cat",
    "dog", "very", "really", "so", "quite", "too",
)  # fmt: skip
"""Words that carry no sentiment of their own."""


def tokenize(sentence: str) -> list[str]:
    """Split ``sentence`` into lower-case word tokens, dropping punctuation.

    Parameters
    ----------
    sentence : str
        Any text.

    Returns
    -------
    list of str
        The tokens in order; empty when the text holds no word.
    """
    return _TOKEN.findall(sentence.lower().replace("\u2019", "'"))


@dataclass(frozen=True)
class Vocabulary:
    """A fixed list of words with a one-hot encoding; ``<unk>`` stands for every other word.

    Parameters
    ----------
    words : tuple of str
        The vocabulary in encoding order; must hold ``<unk>``, and each word
        must be a lower-case token as :func:`tokenize` produces (or ``<unk>``),
        listed once.

    Raises
    ------
    ValueError
        If ``<unk>`` is missing, a word repeats or is not a token.
    """

    words: tuple[str, ...]
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        words = tuple(self.words)
        object.__setattr__(self, "words", words)
        if UNKNOWN not in words:
            raise ValueError(f"vocabulary: the unknown token {UNKNOWN!r} is missing")
        if len(set(words)) != len(words):
            repeated = sorted({w for w in words if words.count(w) > 1})
            raise ValueError(f"vocabulary: repeated word(s) {', '.join(repeated)}")
        for word in words:
            if word != UNKNOWN and tokenize(word) != [word]:
                raise ValueError(f"vocabulary: {word!r} is not a lower-case word token")
        object.__setattr__(self, "_index", {w: k for k, w in enumerate(words)})

    @property
    def size(self) -> int:
        """The number of words, ``<unk>`` included: the input size D of an encoding."""
        return len(self.words)

    def is_known(self, word: str) -> bool:
        """Whether ``word`` (compared lower-case) is in the vocabulary other than as ``<unk>``."""
        word = word.lower()
        return word != UNKNOWN and word in self._index

    def index(self, word: str) -> int:
        """The position of ``word`` in the encoding; the position of ``<unk>`` for an unknown word."""
        return self._index[word.lower() if self.is_known(word) else UNKNOWN]

    def encode(self, sentence: str) -> tuple[np.ndarray, tuple[str, ...]]:
        """One-hot rows for the words of ``sentence``, and a label per step.

        Parameters
        ----------
        sentence : str
            The typed sentence.

        Returns
        -------
        inputs : array (T, D) float64
            Row t is 1 at the index of token t (``<unk>``'s for an unknown word), 0 elsewhere.
        labels : tuple of str
            Token t as typed (lower-cased, punctuation stripped), or ``"<unk> (word)"``
            when the word is unknown.

        Raises
        ------
        ValueError
            If the sentence is empty, only whitespace or holds no word.
        """
        if not isinstance(sentence, str):
            raise ValueError(f"sentence: expected text, got {type(sentence).__name__}")
        if not sentence.strip():
            raise ValueError("sentence: empty; type at least one word")
        tokens = tokenize(sentence)
        if not tokens:
            raise ValueError(f"sentence: {sentence.strip()!r} holds no word (only punctuation)")
        inputs = np.zeros((len(tokens), self.size), dtype=np.float64)
        labels = []
        for t, token in enumerate(tokens):
            inputs[t, self.index(token)] = 1.0
            labels.append(token if self.is_known(token) else f"{UNKNOWN} ({token})")
        return inputs, tuple(labels)


def default_vocabulary() -> Vocabulary:
    """The built-in vocabulary: ``<unk>``, then sentiment words, negators and filler words (D = 51)."""
    return Vocabulary((UNKNOWN, *POSITIVE_WORDS, *NEGATIVE_WORDS, *NEGATORS, *FILLER_WORDS))
