"""Releases that give different values for the same thing: shown side by side, never settled silently.

A later release may correct an earlier one, and a planted file may claim to ("Correction: the 52nd drawdown is
now valued at $999 billion"). Neither the ranking nor the reader can tell which is right from one sentence, so
when another release answers the same question as well as the best evidence, with a value of the same kind
that differs, both are shown with their release and date, the official source (settings: answer.trusted
sources) first, and the answer is marked as conflicting.
"""

from __future__ import annotations

from urllib.parse import urlparse

from qa.answer.candidates import Evidence
from qa.answer.question import Question
from qa.text import analyze, dates
from qa.text.answer_type import AnswerType

# Kinds whose values can disagree as values: two figures or two dates for one thing.
_VALUES = frozenset({AnswerType.MONEY, AnswerType.COUNT, AnswerType.PERCENT, AnswerType.DATE, AnswerType.ORDINAL})


def _said(q: Question, e: Evidence, sentence_only: bool = False) -> float:
    """Share of the question's key weight in the evidence, its title and date (`sentence_only`: in its sentences)."""
    terms = set(analyze.terms(e.text))
    if not sentence_only:
        terms |= set(analyze.terms(e.title)) | set(analyze.date_terms(e.date))
    return q.weight(terms) / q.total_weight


def _value(e: Evidence) -> frozenset[str]:
    assert e.short is not None
    return frozenset(t for t in analyze.terms(e.short.text) if t[:1] in "$#0123456789")


def rival(q: Question, best: Evidence, found: list[Evidence], share: float, score_share: float) -> Evidence | None:
    """Evidence of another release that answers as fully as `best` (`share` of its key weight at least, a score of
    `score_share` of best's at least) with a different value of the kind asked; None when there is none."""
    if q.kind not in _VALUES or best.short is None or not _value(best):
        return None
    ours = _said(q, best)
    # A question that names its month ("the June 2023 package") is not answered by another month's release.
    months = {f"{y:04d}-{m:02d}" for y, m in dates.months_named(q.text)}
    # Nor one that names its year ("the army's accessions in fiscal 2014") by a release that never gives that year
    # (the fiscal 2015 figures), when the best evidence does.
    years = dates.years_named(q.text)
    ours_years = years & _years(best)
    # Nor one that asks through a month ("through March of fiscal 2011") by a release reporting another period,
    # when the best evidence's reports that one.
    ours_period = q.reports_period(best.release_text)
    for e in found:
        if e.release_id == best.release_id or e.short is None or e.score < score_share * best.score:
            continue
        if best.date[:7] in months and e.date[:7] not in months:
            continue
        if ours_years and not years & _years(e):
            continue
        if ours_period and not q.reports_period(e.release_text):
            continue
        theirs = _value(e)
        if theirs and theirs != _value(best) and _said(q, e) >= share * ours:
            return e
    return None


def stated(q: Question, best: Evidence, share: float) -> bool:
    """Whether the best sentence itself states `share` of the question at least. When it does not, its value and
    a rival's are both only the closest the releases come, and showing them as a disagreement ("March 19" of a
    "National War College" visit beside "September 1789", for "when was the dept of war renamed") would claim
    both are about the thing asked."""
    return _said(q, best, sentence_only=True) >= share


def _years(e: Evidence) -> set[str]:
    """The years the evidence's release gives: in its text, its title and its date."""
    return dates.years_named(e.release_text) | dates.years_named(e.title) | dates.years_named(e.date)


def official_first(pair: list[Evidence], trusted: list[str]) -> list[Evidence]:
    """The evidence of a trusted source first (a release of defense.gov before a file of unknown origin)."""
    return sorted(pair, key=lambda e: not is_trusted(e.source, trusted))


def is_trusted(source: str, trusted: list[str]) -> bool:
    host = (urlparse(source).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in trusted)
