"""Words as inputs: tokenizing, one-hot encoding, the unknown token and bad sentences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.words import UNKNOWN, Vocabulary, default_vocabulary, tokenize


def test_tokenize_lowercases_and_drops_punctuation() -> None:
    assert tokenize("The movie, was NOT... very good!") == ["the", "movie", "was", "not", "very", "good"]
    assert tokenize("Isn’t it 'fun'?") == ["isn't", "it", "fun"]
    assert tokenize(" \t?! ") == []


def test_default_vocabulary_has_the_unknown_token_first_and_no_repeats() -> None:
    vocabulary = default_vocabulary()
    assert vocabulary.words[0] == UNKNOWN
    assert vocabulary.size == len(set(vocabulary.words)) == 51
    for word in ("the", "a", "cat", "dog", "not", "very", "good", "bad", "movie", "was"):
        assert vocabulary.is_known(word), word
    assert vocabulary.is_known("GOOD")
    assert not vocabulary.is_known("zebra")
    assert not vocabulary.is_known(UNKNOWN)


def test_encode_is_one_hot_with_labels_as_typed() -> None:
    vocabulary = default_vocabulary()
    inputs, labels = vocabulary.encode("The movie was NOT very good.")
    assert inputs.dtype == np.float64
    assert inputs.shape == (6, vocabulary.size)
    np.testing.assert_array_equal(inputs.sum(axis=1), np.ones(6))
    assert labels == ("the", "movie", "was", "not", "very", "good")
    assert [vocabulary.words[k] for k in inputs.argmax(axis=1)] == list(labels)


def test_unknown_words_map_to_the_unknown_token_and_say_so() -> None:
    vocabulary = default_vocabulary()
    inputs, labels = vocabulary.encode("the zebra was good")
    assert labels == ("the", "<unk> (zebra)", "was", "good")
    unknown = vocabulary.index(UNKNOWN)
    assert inputs[1, unknown] == 1.0 and inputs[1].sum() == 1.0
    assert vocabulary.index("zebra") == unknown
    assert inputs[:, unknown].sum() == 1.0  # only the zebra


@pytest.mark.parametrize("sentence", ["", "   ", "\n\t"])
def test_empty_sentence_is_refused(sentence: str) -> None:
    with pytest.raises(ValueError, match="empty; type at least one word"):
        default_vocabulary().encode(sentence)


def test_punctuation_only_sentence_is_refused() -> None:
    with pytest.raises(ValueError, match="holds no word"):
        default_vocabulary().encode("?!...")


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (("a", "b"), "unknown token"),
        ((UNKNOWN, "a", "a"), "repeated word"),
        ((UNKNOWN, "Big"), "not a lower-case"),
    ],
)
def test_bad_vocabularies_are_refused(words: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Vocabulary(words)


def test_a_custom_vocabulary_encodes_over_its_own_words() -> None:
    vocabulary = Vocabulary(("yes", UNKNOWN, "no"))
    inputs, labels = vocabulary.encode("No, yes maybe")
    np.testing.assert_array_equal(inputs, [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    assert labels == ("no", "yes", "<unk> (maybe)")


@given(st.text(max_size=40))
def test_any_text_encodes_to_one_hot_rows_or_is_refused(text: str) -> None:
    vocabulary = default_vocabulary()
    tokens = tokenize(text)
    if not tokens:
        with pytest.raises(ValueError):
            vocabulary.encode(text)
        return
    inputs, labels = vocabulary.encode(text)
    assert inputs.shape == (len(tokens), vocabulary.size)
    np.testing.assert_array_equal(inputs.sum(axis=1), 1.0)
    assert len(labels) == len(tokens)
