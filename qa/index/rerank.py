"""Second look at the best BM25 chunks: reward the one sentence that answers.

BM25 scores a chunk by its words anywhere; a chunk whose single sentence
holds most of the question's rare words, side by side as in the question,
and a value of the kind asked for, more often holds the answer.
"""

from __future__ import annotations

import numpy as np

from qa.index.layout import Layout, hash32
from qa.text.answer_type import AnswerType, answer_type, bit


class Question:
    """What the second look needs of a question, computed once per query."""

    def __init__(self, question: str, terms: list[str], idf: dict[str, float]) -> None:
        distinct = sorted(set(terms), key=lambda t: int(hash32([t])[0]))
        self.hashes = hash32(distinct)  # sorted, for searchsorted
        self.idf = np.array([idf.get(t, 0.0) for t in distinct], dtype=np.float64)
        seq = hash32(terms).astype(np.uint64)
        self.pairs = np.unique((seq[:-1] << np.uint64(32)) | seq[1:]) if len(seq) > 1 else np.empty(0, np.uint64)
        self.pair_idf = {
            (int(a) << 32) | int(b): (idf.get(ta, 0.0) + idf.get(tb, 0.0)) / 2
            for ta, tb, a, b in zip(terms, terms[1:], seq[:-1], seq[1:])
        }
        kind = answer_type(question)
        self.kind_bit = 0 if kind is AnswerType.OTHER else bit(kind)


def best_sentence_score(q: Question, layout: Layout, type_bonus: float) -> float:
    """The highest idf mass of distinct question terms in one sentence, counting
    again the pairs that stand side by side in both ("Air Force Reserve"),
    raised by a share if the sentence holds the kind of value asked for."""
    seq = layout.seq
    if len(seq) == 0 or len(q.hashes) == 0:
        return 0.0
    n_sentences = len(layout.starts)
    sentence_of = np.repeat(np.arange(n_sentences), np.diff(np.append(layout.starts, len(seq)).astype(np.int64)))
    pos = np.searchsorted(q.hashes, seq)
    pos[pos >= len(q.hashes)] = 0
    matched = np.flatnonzero(q.hashes[pos] == seq)
    if len(matched) == 0:
        return 0.0
    keys = np.unique(sentence_of[matched] * len(q.hashes) + pos[matched])
    scores = np.bincount(keys // len(q.hashes), weights=q.idf[keys % len(q.hashes)], minlength=n_sentences)
    if len(q.pairs) and len(seq) > 1:
        wide = seq.astype(np.uint64)
        pair_keys = (wide[:-1] << np.uint64(32)) | wide[1:]
        same = np.flatnonzero((sentence_of[:-1] == sentence_of[1:]) & np.isin(pair_keys, q.pairs))
        for sentence, key in {(int(sentence_of[i]), int(pair_keys[i])) for i in same}:
            scores[sentence] += q.pair_idf.get(key, 0.0)
    if q.kind_bit and type_bonus:
        # In proportion, so a value of the right kind never outweighs a missing rare word.
        scores *= 1 + type_bonus * ((layout.kinds & q.kind_bit) > 0)
    return float(scores.max())


def rerank_scores(q: Question, layouts: list[Layout], bm25: list[float], weight: float,
                  type_bonus: float) -> list[float]:
    return [score + weight * best_sentence_score(q, lay, type_bonus) for lay, score in zip(layouts, bm25)]
