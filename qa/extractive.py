"""The extractive floor: the retrieved sentence most likely to hold the answer, verbatim.

A small model's answer is only kept when it is grounded; otherwise qa answers
with this sentence, so every printed figure is one the releases state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa import analyze
from qa.answer_type import MONTH_TERMS, AnswerType, answer_type
from qa.context import Passage

_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ -](?:[A-Z]\. )?[A-Z][a-z]+)+")
_PLACE = re.compile(r"\b(?:in|at|near|from)\s+(?:the\s+)?([A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)")
# How much more a sentence counts when it holds a value of the kind asked for, not already in the question.
TYPE_FACTOR = 2.0
# How much less each later passage counts: retrieval's order is evidence too.
RANK_DECAY = 0.4
# A value found in the neighbouring sentence counts a little less than one in the sentence itself.
NEIGHBOUR_SHARE = 0.9


@dataclass
class Pick:
    passage: Passage
    start: int
    end: int
    score: float

    @property
    def sentence(self) -> str:
        return self.passage.release_text[self.start:self.end]


def holds_new_value(kind: AnswerType, sentence: str, sentence_terms: set[str], question_terms: set[str],
                    question: str) -> bool:
    """Whether a sentence holds a value of the kind asked for that the question does not already give."""
    new = sentence_terms - question_terms
    if kind is AnswerType.MONEY:
        return any(t.startswith("$") for t in new)
    if kind is AnswerType.PERCENT:
        return "percent" in sentence_terms and any(t[0].isdigit() for t in new)
    if kind is AnswerType.COUNT:
        return any(t[0].isdigit() for t in new)
    if kind is AnswerType.ORDINAL:
        return any(t.startswith("#") for t in new)
    if kind is AnswerType.DATE:
        return bool(new & MONTH_TERMS) or any(t.isdigit() and len(t) in (1, 2, 4) for t in new)
    if kind is AnswerType.PERSON:
        return any(set(analyze.terms(m.group())) - question_terms for m in _NAME.finditer(sentence))
    if kind is AnswerType.PLACE:
        return any(m.group(1) not in question for m in _PLACE.finditer(sentence))
    return False


def pick(question: str, passages: list[Passage], idf: dict[str, float]) -> Pick | None:
    """The best sentence: see `rank`."""
    ranked = rank(question, passages, idf)
    return ranked[0] if ranked else None


def rank(question: str, passages: list[Passage], idf: dict[str, float]) -> list[Pick]:
    """Sentences (or a sentence and its neighbour) that may answer, best first, scored by the
    question's words (rare ones count more, side-by-side pairs again), a value of the kind asked
    for, and the rank of their passage."""
    q_list = analyze.terms(question)
    q_terms = set(q_list)
    q_pairs = set(zip(q_list, q_list[1:]))
    kind = answer_type(question)
    picks: list[Pick] = []
    for position, passage in enumerate(passages):
        # The release's date chose the passage; inside it, the dateline echoes that date and
        # points at no answer, so the question's date words do not count there.
        named = set(analyze.date_terms(passage.date))
        own = q_terms - named
        pairs = {p for p in q_pairs if not set(p) <= named}
        analysed = [(s, e, analyze.terms(passage.release_text[s:e])) for s, e in passage.spans]
        for i, (start, end, s_list) in enumerate(analysed):
            sentence = passage.release_text[start:end]
            s_terms = set(s_list)
            score = sum(idf.get(t, 0.0) for t in s_terms & own)
            score += sum((idf.get(a, 0.0) + idf.get(b, 0.0)) / 2 for a, b in set(zip(s_list, s_list[1:])) & pairs)
            span = (start, end)
            if kind is not AnswerType.OTHER:
                if holds_new_value(kind, sentence, s_terms, q_terms, question):
                    score *= TYPE_FACTOR
                else:
                    # The value often stands in the sentence next to the one the question echoes.
                    for j in (i + 1, i - 1):
                        if 0 <= j < len(analysed) and _touching(passage, i, j):
                            s2, e2, terms2 = analysed[j]
                            if holds_new_value(kind, passage.release_text[s2:e2], set(terms2), q_terms, question):
                                score *= TYPE_FACTOR * NEIGHBOUR_SHARE
                                span = (min(start, s2), max(end, e2))
                                break
            score *= 1 - RANK_DECAY * min(position, 3)
            if score > 0:
                picks.append(Pick(passage, *span, score))
    picks.sort(key=lambda p: -p.score)
    return picks


def _touching(passage: Passage, i: int, j: int) -> bool:
    """Whether two sentences of a passage are next to each other in the release, not across a cut."""
    (s1, e1), (s2, e2) = sorted((passage.spans[i], passage.spans[j]))
    return not passage.release_text[e1:s2].strip()
