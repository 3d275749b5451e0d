"""Token-aware chunks of a release body that end on sentence boundaries."""

from __future__ import annotations

from qa.models import Chunk
from qa.text import sentences
from qa.text.tokens import DEFAULT_ENCODING, encoding


def _units(text: str, max_tokens: int, enc_name: str,
           spans: list[tuple[int, int]] | None = None) -> list[tuple[int, int, int]]:
    """(start, end, tokens) of each sentence, with over-long sentences cut at token edges."""
    enc = encoding(enc_name)
    spans = sentences.spans(text) if spans is None else spans
    # Not encode_ordinary_batch: it starts a thread pool per call, which costs more than it saves here.
    # A line break before a sentence is a token of its own in the joined text; counting
    # it with the sentence keeps a chunk's size (the sum of its units) from falling short.
    counts = [len(enc.encode_ordinary(text[s:e])) + ("\n" in text[spans[i - 1][1]:s] if i else 0)
              for i, (s, e) in enumerate(spans)]
    units: list[tuple[int, int, int]] = []
    for (start, end), n in zip(spans, counts):
        if n <= max_tokens:
            units.append((start, end, n))
            continue
        tokens = enc.encode_ordinary(text[start:end])
        _, offsets = enc.decode_with_offsets(tokens)
        cuts = [*offsets[::max_tokens], end - start]
        for i, (a, b) in enumerate(zip(cuts, cuts[1:])):
            units.append((start + a, start + b, min(max_tokens, n - i * max_tokens)))
    return units


def chunk_text(
    text: str,
    max_tokens: int = 256,
    overlap_tokens: int = 32,
    enc_name: str = DEFAULT_ENCODING,
) -> list[Chunk]:
    """Greedy packing of whole sentences up to max_tokens.

    Each chunk after the first starts with the last sentences of the previous
    one, up to overlap_tokens, so a fact near a boundary is whole in one chunk.
    """
    return [chunk for chunk, _ in chunk_sentences(text, max_tokens, overlap_tokens, enc_name)]


def chunk_sentences(
    text: str,
    max_tokens: int = 256,
    overlap_tokens: int = 32,
    enc_name: str = DEFAULT_ENCODING,
    spans: list[tuple[int, int]] | None = None,
) -> list[tuple[Chunk, list[tuple[int, int]]]]:
    """The chunks of chunk_text, each with the (start, end) of its sentences in the text. `spans`: the text's
    sentence spans (qa.text.sentences), when the caller has them already."""
    if max_tokens < 1 or not 0 <= overlap_tokens < max_tokens:
        raise ValueError("need max_tokens >= 1 and 0 <= overlap_tokens < max_tokens")
    units = _units(text, max_tokens, enc_name, spans)
    groups: list[list[tuple[int, int, int]]] = []
    current: list[tuple[int, int, int]] = []
    size = 0
    for unit in units:
        if current and size + unit[2] > max_tokens:
            groups.append(current)
            carried: list[tuple[int, int, int]] = []
            kept = 0
            for prev in reversed(current[1:]):
                if kept + prev[2] > overlap_tokens or kept + prev[2] + unit[2] > max_tokens:
                    break
                carried.insert(0, prev)
                kept += prev[2]
            current, size = carried, kept
        current.append(unit)
        size += unit[2]
    if current:
        groups.append(current)
    # A chunk's size is the sum of its units' counts: at most a token or two above
    # encoding the joined text, never below, and it spares a second tokenizer pass.
    return [
        (Chunk(ordinal=i, start=g[0][0], end=g[-1][1], n_tokens=sum(u[2] for u in g), text=text[g[0][0]:g[-1][1]]),
         [(a, b) for a, b, _ in g])
        for i, g in enumerate(groups)
    ]
