"""A chunk's terms in order, sentence by sentence, stored at ingest for the second look.

Analysing the candidates' text at query time would cost milliseconds per
query; keeping each chunk's term sequence (32-bit hashes), its sentence starts
and the kinds of value each sentence holds makes the second look a few array
operations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.text import analyze, sentences
from qa.text.answer_type import held_kinds, to_mask

MASK32 = np.uint64(0xFFFFFFFF)


@dataclass
class Layout:
    seq: np.ndarray  # term hashes in text order, low 32 bits (uint32)
    starts: np.ndarray  # index in seq where each sentence begins (uint32)
    kinds: np.ndarray  # bit mask of the answer kinds each sentence holds (uint8)

    def to_bytes(self) -> tuple[bytes, bytes, bytes]:
        return self.seq.tobytes(), self.starts.tobytes(), self.kinds.tobytes()

    @classmethod
    def from_bytes(cls, seq: bytes, starts: bytes, kinds: bytes) -> Layout:
        return cls(np.frombuffer(seq, np.uint32), np.frombuffer(starts, np.uint32), np.frombuffer(kinds, np.uint8))


def hash32(term_list: list[str]) -> np.ndarray:
    return (np.fromiter(map(analyze.term_hash, term_list), dtype=np.uint64, count=len(term_list))
            & MASK32).astype(np.uint32)


def layout(text: str, spans: list[tuple[int, int]] | None = None,
           analysed: dict[tuple[int, int], list[str]] | None = None) -> tuple[Layout, list[str]]:
    """The layout of text made of the given sentence spans (found here if not given),
    and all its terms (for its BM25 bag). `analysed` keeps each sentence's terms,
    so a sentence shared by two overlapping chunks is analysed once."""
    cache = analysed if analysed is not None else {}
    all_terms: list[str] = []
    starts: list[int] = []
    kinds: list[int] = []
    for span in spans if spans is not None else sentences.spans(text):
        found = cache.get(span)
        if found is None:
            found = cache[span] = analyze.terms(text[span[0]:span[1]])
        if not found:
            continue
        starts.append(len(all_terms))
        kinds.append(to_mask(held_kinds(found)))
        all_terms.extend(found)
    return Layout(hash32(all_terms), np.array(starts, np.uint32), np.array(kinds, np.uint8)), all_terms
