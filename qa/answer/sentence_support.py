"""Whether a sentence shown whole, where no value was lifted, answers enough to be shown: a logistic model over what
the question and the sentence tell, fitted on the train split, so that the closest sentence is shown when it is
likely the answer and the question is declined when it is likely not.

Shown whole, a sentence is the closest the releases come; for a question they do not answer, it is about something
near, and the reader is better told "the releases do not say". One bar on the share of the question's subject the
sentence lacks (answer.decline_unsaid) decides much of that; a few more signals, weighed by a model fitted by
`scripts/fit-support --sentences` on train questions (ours and reading-comprehension ones), decide the rest. The
weights and the threshold live in sentence_support.json beside this module; with none, every sentence is shown as
before.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qa.answer.candidates import Evidence, introduced
from qa.answer.confidence import FeatureVector, fitted, names_of, reaches
from qa.answer.question import Question
from qa.answer.verify import unsaid
from qa.text import analyze
from qa.text.answer_type import AnswerType

WEIGHTS = Path(__file__).with_name("sentence_support.json")
# A sentence's length counts up to this many words: past it, longer says nothing more.
_LONG = 80
# A question's key terms count up to this many.
_MANY_KEYS = 10


@dataclass(frozen=True)
class SentenceFeatures(FeatureVector):
    """What is known of a sentence shown whole for a question, each in [0, 1]."""

    unsaid: float  # share of the question's subject weight the sentence (with what it refers to) lacks
    unsaid_acts: float  # the same, the question's own verbs counted with its subject
    acts_held: float  # share of the question's own verbs the sentence says in some form (1 when it has none)
    typed: float  # typed as search words, not a question
    margin: float  # how far the sentence's score stands above the next candidate's
    words: float  # the sentence's length in words, over _LONG
    other: float  # no kind of value asked ("what did they discuss"): a phrase may answer
    keys: float  # the question's key terms, over _MANY_KEYS
    acts: float  # the question has verbs of its own


NAMES = names_of(SentenceFeatures)


def features(q: Question, best: Evidence, found: list[Evidence]) -> SentenceFeatures:
    """The features of the best candidate, shown whole with the sentence it introduces or is introduced by, among
    the candidates `found`."""
    shown = [best, *introduced(best, found)]
    _, share = unsaid(q, shown)
    _, share_acts = unsaid(q, shown, acts=True)
    said = {t for ev in shown for t in analyze.terms(ev.text)}
    acts = [t for t in q.acts if t in q.term_set]
    held = sum(q.holds(t, said) for t in acts) / len(acts) if acts else 1.0
    second = max((e.score for e in found if e.key != best.key), default=0.0)
    margin = (best.score - second) / best.score if best.score > 0 else 0.0
    return SentenceFeatures(
        unsaid=share,
        unsaid_acts=share_acts,
        acts_held=held,
        typed=1.0 if q.typed else 0.0,
        margin=max(0.0, min(1.0, margin)),
        words=min(len(best.text.split()), _LONG) / _LONG,
        other=1.0 if q.kind is AnswerType.OTHER else 0.0,
        keys=min(len(q.key_terms), _MANY_KEYS) / _MANY_KEYS,
        acts=1.0 if acts else 0.0,
    )


@lru_cache(maxsize=1)
def model() -> tuple[list[float], float] | None:
    """The fitted weights and the threshold at which a sentence is declined; None before any fit."""
    return fitted(WEIGHTS, NAMES)


def declines(f: SentenceFeatures) -> bool:
    """Whether the fitted model puts the sentence at or above the threshold of a decline."""
    return reaches(f, model(), unfitted=False)
