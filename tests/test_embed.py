"""The sentence encoder (qa.text.embed): all-MiniLM-L6-v2 run in numpy gives the similarities its authors
publish, and its tokenizer reads text as BERT's uncased WordPiece does."""

from __future__ import annotations

import numpy as np
import pytest

from qa.text import embed


def test_the_encoder_is_installed() -> None:
    # The test command installs it (README); without it briefings fall back to words, which CI must not hide.
    assert embed.available()


def test_the_published_similarities_to_four_places() -> None:
    # sentence-transformers' own example for all-MiniLM-L6-v2: 0.6660, 0.1046 and 0.1411.
    found = embed.vectors(["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."])
    assert found.shape == (3, 384)
    assert np.allclose(np.linalg.norm(found, axis=1), 1.0, atol=1e-5)
    sims = found @ found.T
    assert sims[0, 1] == pytest.approx(0.6660, abs=5e-5)
    assert sims[0, 2] == pytest.approx(0.1046, abs=5e-5)
    assert sims[1, 2] == pytest.approx(0.1411, abs=5e-5)


def test_a_text_means_the_same_alone_as_in_a_batch_of_other_lengths() -> None:
    texts = ["Troop deaths in combat.", "Spc. Jason A. Lucas died on Oct. 13 in Kandahar, Afghanistan, from injuries "
             "sustained when his vehicle was struck by a suicide bomber.", "Contract awards"]
    together = embed.vectors(texts)
    for i, text in enumerate(texts):
        assert np.allclose(embed.vectors([text])[0], together[i], atol=1e-5)


def test_the_tokenizer_folds_case_and_accents_and_splits_punctuation() -> None:
    assert embed.token_ids("Café, NATO!") == embed.token_ids("cafe , nato !")
    _, vocab = embed._model()
    assert embed.token_ids("x" * 101) == [vocab["[CLS]"], vocab["[UNK]"], vocab["[SEP]"]]  # longer than a word is read
    pieces = [vocab["[CLS]"], vocab["un"], vocab["##pack"], vocab["##ing"], vocab["[SEP]"]]
    assert embed.token_ids("unpacking") == pieces
    long = embed.token_ids("word " * 1000)
    assert len(long) == embed.MAX_TOKENS and long[0] != long[-1]
