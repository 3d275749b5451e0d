"""How likely a lifted short answer is the value asked for: a logistic model over what the parse and the
ranking tell, fitted on the train split, so that "full" means what it says.

A short answer can be grounded, of the right form and still wrong: another figure of the same sentence, a name
the sentence gives for something else. Hand rules fitted to the questions one has seen catch those questions
and miss the next ones; a few general signals, weighed by a model fitted on questions kept apart from the ones
it is reported on, carry over. The weights and the threshold live in confidence.json beside this module,
written by scripts/fit-support from the train split only; printed as full is only an answer whose probability
reaches the threshold, the rest are partial ("the closest the releases come").
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from qa.answer.candidates import Evidence
from qa.answer.question import Question
from qa.text import analyze, spans
from qa.text.answer_type import AnswerType

WEIGHTS = Path(__file__).with_name("confidence.json")
_LABELLED = {AnswerType.PERSON: {"PERSON"}, AnswerType.PLACE: spans.PLACE_LABELS | {"ORG"},
             AnswerType.DATE: {"DATE"}, AnswerType.MONEY: {"MONEY"}, AnswerType.PERCENT: {"PERCENT"},
             AnswerType.COUNT: {"CARDINAL", "QUANTITY", "MONEY"}, AnswerType.ORDINAL: {"ORDINAL"}}


class Vectored(Protocol):
    """Features a logistic model reads: their values, a bias of 1 first."""

    def vector(self) -> list[float]: ...


class FeatureVector:
    """A dataclass of features whose vector is a bias of 1, then its fields in their order: the order `names_of`
    gives the fitted file's weights, so the two are never kept apart by hand."""

    def vector(self) -> list[float]:
        return [1.0, *(float(getattr(self, f.name)) for f in fields(self))]


def names_of(features: type) -> list[str]:
    """The names of a FeatureVector dataclass's weights, as its fitted file keys them: the bias, then its fields."""
    return ["bias", *(f.name for f in fields(features))]


@dataclass(frozen=True)
class Features(FeatureVector):
    """What is known of one lifted answer, each in [0, 1]."""

    label_agrees: float  # the recogniser's label of the value fits the kind asked (0.5: no label, or no kind)
    sentence_share: float  # share of the question's key weight held by the evidence sentences themselves
    release_share: float  # the same share held anywhere in the evidence's release
    alone: float  # 1 / the number of values of the kind in the evidence: one value is no choice
    margin: float  # how far the evidence's score stands above the next candidate's
    near: float  # how close the value stands to the question's rarest words in the sentence
    named: float  # the kind asked is a name (person, place, thing), not a figure or a date
    focused: float  # a "which X" / "what X" question: the value must be an X
    typed: float  # typed as search words, not a question
    agree: float = 0.0  # share of the next best candidates whose own short answer is the same value
    figure: float = 0.0  # the kind asked is a figure (money, count, percent, ordinal)
    date: float = 0.0  # the kind asked is a date


NAMES = names_of(Features)
_FIGURES = frozenset({AnswerType.MONEY, AnswerType.COUNT, AnswerType.PERCENT, AnswerType.ORDINAL})
_AGREE_OF = 3  # how many of the next candidates vote on the value


def features(q: Question, best: Evidence, found: list[Evidence], values_in_evidence: int) -> Features:
    """The features of `best`'s short answer among the ranked candidates `found`."""
    assert best.short is not None
    text, short = best.text, best.short
    wanted = _LABELLED.get(q.kind)
    got = spans.labels(text, short.start, short.end)
    agrees = 0.5 if wanted is None or not got else float(bool(got & wanted))
    said = set(analyze.terms(text)) | set(analyze.terms(best.title)) | set(analyze.date_terms(best.date))
    held = set(analyze.terms(best.release_text)) | said
    total = q.total_weight
    others = [e.score for e in found if e.key != best.key]
    second = max(others, default=0.0)
    margin = (best.score - second) / best.score if best.score > 0 else 0.0
    return Features(
        label_agrees=agrees,
        sentence_share=q.weight(said) / total,
        release_share=q.weight(held) / total,
        alone=1.0 / max(1, values_in_evidence),
        margin=max(0.0, min(1.0, margin)),
        near=_near(q, text, short.start, short.end),
        named=1.0 if q.kind in (AnswerType.PERSON, AnswerType.PLACE, AnswerType.OTHER) else 0.0,
        focused=1.0 if q.focus else 0.0,
        typed=1.0 if q.typed else 0.0,
        agree=_agreement(best, found),
        figure=1.0 if q.kind in _FIGURES else 0.0,
        date=1.0 if q.kind is AnswerType.DATE else 0.0,
    )


def _agreement(best: Evidence, found: list[Evidence]) -> float:
    """How many of the next best candidates lift the same value (answer redundancy: a value several sentences
    give for the question is likelier the one asked for)."""
    assert best.short is not None
    value = set(analyze.terms(best.short.text))
    others = [e for e in found if e.key != best.key and e.short is not None][:_AGREE_OF]
    if not others or not value:
        return 0.0
    return sum(bool(value & set(analyze.terms(e.short.text))) for e in others if e.short) / _AGREE_OF


def _near(q: Question, text: str, start: int, end: int) -> float:
    """1 when the rarest question word stands next to the value, falling with the words between them."""
    rare = q.key_terms[:3]
    if not rare:
        return 0.0
    words = [(m, analyze.terms(m)) for m in text.split()]
    positions, at, pos = [], None, 0
    for i, (word, terms) in enumerate(words):
        found = text.find(word, pos)
        pos = found + len(word)
        if at is None and found >= start:
            at = i
        if set(terms) & set(rare):
            positions.append(i)
    if not positions or at is None:
        return 0.0
    gap = min(abs(p - at) for p in positions)
    return 1.0 / (1.0 + gap / 4.0)


def fitted(path: Path, names: list[str]) -> tuple[list[float], float] | None:
    """A logistic model's weights (in the order of `names`) and threshold, as scripts/fit-support wrote them to
    `path`; None before any fit."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return [float(data["weights"][name]) for name in names], float(data["threshold"])


@lru_cache(maxsize=1)
def model() -> tuple[list[float], float] | None:
    """The fitted weights and the threshold of a full answer; None before any fit (every answer stays as is)."""
    return fitted(WEIGHTS, NAMES)


def probability(f: Vectored, weights: list[float]) -> float:
    z = sum(w * x for w, x in zip(weights, f.vector()))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def reaches(f: Vectored, trained: tuple[list[float], float] | None, unfitted: bool) -> bool:
    """Whether the `trained` model (weights, threshold) puts `f` at or above its threshold; `unfitted` when there is
    no model yet."""
    if trained is None:
        return unfitted
    weights, threshold = trained
    return probability(f, weights) >= threshold


def sure(f: Features) -> bool:
    """Whether the fitted model puts this answer at or above the threshold of a full answer."""
    return reaches(f, model(), unfitted=True)


def fit(rows: Sequence[tuple[Vectored, bool]], l2: float = 0.01, steps: int = 3000, rate: float = 0.5,
        weights: Sequence[float] | None = None) -> list[float]:
    """Logistic regression by gradient descent on (features, right) pairs, each row weighed by `weights` (1 when
    none: what a row's outcome is worth may differ); small, dependency-free, deterministic."""
    w = [0.0] * (len(rows[0][0].vector()) if rows else len(NAMES))
    counts = list(weights) if weights is not None else [1.0] * len(rows)
    n = sum(counts) or 1.0
    for _ in range(steps):
        grad = [0.0] * len(w)
        for (f, right), count in zip(rows, counts):
            x = f.vector()
            err = count * (probability(f, w) - (1.0 if right else 0.0))
            for i, xi in enumerate(x):
                grad[i] += err * xi
        w = [wi - rate * (g / n + (l2 * wi if i else 0.0)) for i, (wi, g) in enumerate(zip(w, grad))]
    return w
