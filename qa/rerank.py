"""Second look at the best BM25 chunks: reward the one sentence that answers.

BM25 scores a chunk by its words anywhere; a chunk whose single sentence
holds most of the question's rare words, and a value of the kind asked for,
is more often the one with the answer.
"""

from __future__ import annotations

from qa import analyze, sentences
from qa.answer_type import AnswerType, answer_type, holds


def _pairs(term_list: list[str]) -> set[tuple[str, str]]:
    return set(zip(term_list, term_list[1:]))


def best_sentence_score(text: str, question: list[str], idf: dict[str, float], kind: AnswerType,
                        type_bonus: float) -> float:
    """The highest idf mass of question terms in one sentence, counting again the
    pairs that stand side by side in both ("Air Force Reserve"), raised by a share if
    the sentence holds the kind of value asked for."""
    query = set(question)
    query_pairs = _pairs(question)
    best = 0.0
    for start, end in sentences.spans(text):
        sentence = text[start:end]
        sentence_terms = analyze.terms(sentence)
        found = set(sentence_terms)
        score = sum(idf.get(t, 0.0) for t in found & query)
        score += sum((idf.get(a, 0.0) + idf.get(b, 0.0)) / 2 for a, b in _pairs(sentence_terms) & query_pairs)
        if score and kind is not AnswerType.OTHER and holds(kind, sentence, found, query):
            # In proportion, so a value of the right kind never outweighs a missing rare word.
            score *= 1 + type_bonus
        best = max(best, score)
    return best


def rerank_scores(question: str, texts: list[str], bm25: list[float], idf: dict[str, float],
                  weight: float, type_bonus: float) -> list[float]:
    query = analyze.terms(question)
    kind = answer_type(question)
    return [
        score + weight * best_sentence_score(text, query, idf, kind, type_bonus)
        for text, score in zip(texts, bm25)
    ]
