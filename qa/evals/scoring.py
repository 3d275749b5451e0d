"""Scoring of the eval harness: exact, explained, and the same for every run.

A gold fact is found in an answer when its normalised terms occur, in order and
contiguous, in the answer's normalised terms. Normalising is qa.text.analyze.terms
(case, punctuation, stems, "four" = "4", "52nd" = "fifty-second", "$175M" =
"$175 million" = "175 million dollars" = "$175,000,000", "150,000" = "150000")
with four changes:

- stop words are kept (analyze drops them), except the articles "a", "an" and
  "the": "four of the six" matches "4 of 6" and "four of six", but not "four to
  six", "four and six" or "4, 6".
- hyphens separate words, as spaces do: "pre-2014 borders" = "pre 2014
  borders". A number word keeps its hyphen, so "fifty-second" stays "#52".
- a plain number followed by a scale word is one number: "3.5 million" =
  "3,500,000", "150 thousand" = "150,000".
- an ordinal right after a month is a day: "Sept. 19th" = "Sept. 19"; a day
  written before its month is moved after it: "31 March 2022" = "March 31, 2022".

Whole terms only: "18" is not in "180", "18th" or "$18 million"; "$43 billion"
is not in "$43.7 billion"; "fifth" is not "fifty". Inflections with the same stem
match ("border" in "borders", "Kyiv" in "Kyiv's"); derived words do not ("Kyiv"
is not in "Kyivan", "Iran" not in "Iranian"). A fact with no terms at all (only
punctuation or articles) falls back to a literal whole-word match.

Beyond right and wrong, a run says how answers are printed (issue 8), each a
share of the answerable questions: short answers (every fact in at most
`short_words` words: the answer, not its sentence), answered wrong (printed as a
full answer, support "full", with a fact missing: the worst outcome, since the
reader trusts it) and partial (support "partial"). And what the model adds: each
question is also answered without the model, and `model_gain` counts questions
right with it minus right without it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from statistics import fmean

from pydantic import BaseModel, Field

from qa.evals import squad
from qa.evals.retrieval import GoldQuestion
from qa.schemas import Answer
from qa.text.analyze import CARDINALS, ORDINALS, STOP_WORDS, terms
from qa.text.answer_type import MONTH_TERMS
from qa.text.dates import MONTH
from qa.text.grounding import check

_ARTICLES = frozenset({"a", "an", "the"})
# Not after an apostrophe or a dot, so the "s" of "Austin's" and of "U.S." is no stop word.
_STOP = re.compile(
    r"(?<![\w'’.])(" + "|".join(sorted(STOP_WORDS, key=len, reverse=True)) + r")(?![\w'’]|\.\w)",
    re.IGNORECASE,
)
_COMPOUND = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+")
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# "may" is a stop word too, kept as "~may".
_MONTHS = MONTH_TERMS | {"~may"}
_DAY_FIRST = re.compile(r"(?<![\w.,$-])([12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\s+(" + MONTH + ")", re.IGNORECASE)


def _unhyphen(m: re.Match[str]) -> str:
    word = m.group()
    return word if word.lower() in CARDINALS or word.lower() in ORDINALS else word.replace("-", " ")


@lru_cache(maxsize=4096)
def _terms(text: str) -> tuple[str, ...]:
    """The matching terms of a text (see the module docstring)."""
    text = _COMPOUND.sub(_unhyphen, _DAY_FIRST.sub(r"\2 \1", text))
    raw: list[str] = []
    pos = 0
    for m in _STOP.finditer(text):
        raw.extend(terms(text[pos:m.start()]))
        word = m.group(1).lower()
        if word not in _ARTICLES:
            # "~" never comes out of analyze.terms, so a kept stop word cannot equal a content term.
            raw.append("~" + word)
        pos = m.end()
    raw.extend(terms(text[pos:]))
    out: list[str] = []
    for term in raw:
        if term in _SCALES and out and _PLAIN_NUMBER.fullmatch(out[-1]):
            value = float(out[-1]) * _SCALES[term]
            # Rounded as analyze rounds money, so float noise in 43.7 * 10**9 does not make two numbers.
            out[-1] = f"{value:.0f}" if value >= 1 else f"{value:g}"
        elif term.startswith("#") and out and out[-1] in _MONTHS:
            out.append(term[1:])  # a day, not a rank: "Sept. 19th" is "Sept. 19"
        else:
            out.append(term)
    return tuple(out)


def _has_run(haystack: tuple[str, ...], run: tuple[str, ...]) -> bool:
    n = len(run)
    return any(haystack[i:i + n] == run for i, t in enumerate(haystack) if t == run[0])


def _literal(fact: str, answer: str) -> bool:
    fact = " ".join(fact.split())
    answer = " ".join(answer.replace("’", "'").split())
    # Nor inside a number: "200" is not in "1,200" or "3.200".
    pattern = r"(?<!\w)(?<!\d[.,])" + re.escape(fact.replace("’", "'")) + r"(?!\w)(?![.,]\d)"
    return re.search(pattern, answer, re.IGNORECASE) is not None


def fact_found(fact: str, answer: str) -> bool:
    """Whether a gold fact stands in an answer, normalised, on whole words (rules in the module docstring)."""
    if not fact.strip():
        return False  # a blank gold fact is a data error, never credited
    run = _terms(fact)
    if not run:
        return _literal(fact, answer)
    return _has_run(_terms(answer), run)


SQUAD = "squad"  # the kind of an answerable question of a SQuAD-format dataset


class QuestionScore(BaseModel):
    id: str
    kind: str
    question: str
    answer: str
    mode: str
    answered: bool
    facts: list[str]
    missing: list[str]
    all_facts: bool  # answerable: every gold fact found; unanswerable: declined
    fact_share: float  # answerable: found/total; unanswerable: 1.0 if declined else 0.0
    declined: bool  # the answer says the releases don't cover it (answer.answered is False)
    hallucinated: bool  # an unanswerable question answered confidently
    citations_in_gold: bool | None  # None when no gold release or no citation
    grounded: float  # grounding rate of the answer against its citations' quotes; 1.0 for declines
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    # Defaults keep reports recorded before these measures loadable.
    support: str = "none"  # the Answer's: full (printed as the answer), partial (the closest), none
    words: int = 0  # words of the printed answer
    short: bool = False  # answerable: every gold fact in at most short_words words
    answered_wrong: bool = False  # answerable: printed as a full answer while a gold fact is missing
    partial: bool = False  # answerable: printed as partial support
    extractive_answer: str | None = None  # the same question answered without the model; None: not computed
    extractive_right: bool | None = None  # that answer scored by the same rules as `all_facts`
    in_evidence: bool = False  # answerable: every gold fact in the answer or the sentences it cites
    exact: float | None = None  # SQuAD questions: exact match of the printed answer, best over the gold answers
    f1: float | None = None  # SQuAD questions: token F1 of the printed answer, best over the gold answers

    @property
    def answerable(self) -> bool:
        return bool(self.facts)


def _missing(q: GoldQuestion, answer: Answer) -> list[str]:
    # A decline often repeats the question ("no release says how many of the $450 million..."): it finds nothing.
    if not answer.answered:
        return list(q.gold_facts)
    missing = [f for f in q.gold_facts if not fact_found(f, answer.answer)]
    # A reading-comprehension question's facts are its crowd's alternative answers: any one of them will do.
    return [] if q.kind == SQUAD and len(missing) < len(q.gold_facts) else missing


def right(q: GoldQuestion, answer: Answer) -> bool:
    """An answerable question with every gold fact found, or an unanswerable one declined."""
    return not _missing(q, answer) if q.gold_facts else not answer.answered


def score_question(q: GoldQuestion, answer: Answer, gold_release_ids: set[str], latency_s: float, *,
                   short_words: int = 15, extractive: Answer | None = None) -> QuestionScore:
    """One answer scored against its gold question; gold_release_ids are the store ids of q's release(s).

    `extractive` is the same question answered without the model, scored beside it so a report shows
    what the model adds; short_words is AnswerSettings.short_words, the most words of a short answer.
    """
    declined = not answer.answered
    missing = _missing(q, answer)
    words = len(answer.answer.split())
    if q.gold_facts:
        all_facts = not missing
        share = (len(q.gold_facts) - len(missing)) / len(q.gold_facts)
    else:
        all_facts = declined
        share = 1.0 if declined else 0.0
    cited = {c.release_id for c in answer.evidence}
    return QuestionScore(
        id=q.id, kind=q.kind, question=q.question, answer=answer.answer, mode=answer.mode,
        answered=answer.answered, facts=list(q.gold_facts), missing=missing,
        all_facts=all_facts, fact_share=share, declined=declined,
        hallucinated=not q.gold_facts and answer.answered,
        citations_in_gold=cited <= gold_release_ids if cited and gold_release_ids else None,
        grounded=1.0 if declined else check(answer.answer, [f"{c.quote} {c.date}" for c in answer.evidence]).rate,
        prompt_tokens=sum(u.prompt_tokens for u in answer.usage),
        completion_tokens=sum(u.completion_tokens for u in answer.usage),
        latency_s=latency_s,
        support=answer.support, words=words,
        short=bool(q.gold_facts) and not missing and words <= short_words,
        answered_wrong=bool(q.gold_facts) and answer.answered and answer.support == "full" and bool(missing),
        partial=bool(q.gold_facts) and answer.answered and answer.support == "partial",
        extractive_answer=None if extractive is None else extractive.answer,
        extractive_right=None if extractive is None else right(q, extractive),
        in_evidence=bool(q.gold_facts) and answer.answered and (any if q.kind == SQUAD else all)(
            fact_found(f, " ".join([answer.answer, *(c.quote for c in answer.evidence)])) for f in q.gold_facts),
        exact=squad.best("exact", answer.answer if answer.answered else "", q.gold_facts) if q.kind == SQUAD else None,
        f1=squad.best("f1", answer.answer if answer.answered else "", q.gold_facts) if q.kind == SQUAD else None,
    )


class KindSummary(BaseModel):
    kind: str
    questions: int
    all_facts: float
    fact_share: float
    wrong: int = 0  # printed as a full answer with a fact missing (answerable), or answered (unanswerable)
    declined: int = 0


class SupportSummary(BaseModel):
    """How often an answer printed at one support level was right: the calibration of that level."""

    support: str  # full, partial, none (declined)
    answers: int
    right: int
    precision: float | None  # right / answers; None when there were none


class RunScore(BaseModel):
    questions: int
    answerable_all_facts: float  # share of answerable questions with every fact found
    fact_share: float  # mean over answerable questions
    unanswerable_declined: float  # share of unanswerable questions declined
    hallucinations: int
    citation_accuracy: float  # share of answered answerable questions whose citations are all in the gold release(s)
    grounding_rate: float  # mean of grounded
    prompt_tokens: int
    completion_tokens: int
    latency_p50_s: float
    latency_p95_s: float
    cost_usd: float | None  # None when prices are unknown
    by_kind: list[KindSummary]
    # Issue 8's measures; defaults keep older reports loadable (they read as "not measured").
    short_answers: float = 0.0  # share of answerable questions with every fact in at most short_words words
    answered_wrong: float = 0.0  # share of answerable questions printed as a full answer with a fact missing
    partial: float = 0.0  # share of answerable questions answered with partial support
    model_answers: int = 0  # printed answers that are the model's (mode "model")
    extractive_all_facts: float | None = None  # answerable_all_facts of the extractive answers; None: not computed
    model_improved: int = 0  # questions right with the model and wrong without it
    model_worsened: int = 0  # questions wrong with the model and right without it
    model_gain: int = 0  # questions right with the model minus right without it (improved - worsened)
    in_evidence: float = 0.0  # share of answerable questions with every fact in the answer or its cited sentences
    calibration: list[SupportSummary] = Field(default_factory=list)  # right answers by printed support level
    exact: float | None = None  # SQuAD datasets: mean exact match over the answerable questions
    f1: float | None = None  # SQuAD datasets: mean token F1 over the answerable questions


def _mean(values: list[float]) -> float:
    # An empty group scores 0.0 rather than failing a whole run's report.
    return fmean(values) if values else 0.0


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = p / 100 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(scores: list[QuestionScore], price_per_million: tuple[float, float] | None = None) -> RunScore:
    """Totals of a run; price_per_million is (prompt, completion) USD per million tokens."""
    answerable = [s for s in scores if s.answerable]
    unanswerable = [s for s in scores if not s.answerable]
    # Citations are judged only where they can be: answered, with a gold release known and something cited.
    judged = [s.citations_in_gold for s in answerable if s.answered and s.citations_in_gold is not None]
    prompt_tokens = sum(s.prompt_tokens for s in scores)
    completion_tokens = sum(s.completion_tokens for s in scores)
    cost = None
    if price_per_million is not None:
        cost = (prompt_tokens * price_per_million[0] + completion_tokens * price_per_million[1]) / 1_000_000
    kinds: dict[str, list[QuestionScore]] = defaultdict(list)
    for s in scores:
        kinds[s.kind].append(s)
    latencies = [s.latency_s for s in scores]
    paired = [s for s in scores if s.extractive_right is not None]
    improved = sum(s.all_facts and not s.extractive_right for s in paired)
    worsened = sum(s.extractive_right and not s.all_facts for s in paired)
    return RunScore(
        questions=len(scores),
        answerable_all_facts=_mean([s.all_facts for s in answerable]),
        fact_share=_mean([s.fact_share for s in answerable]),
        unanswerable_declined=_mean([s.declined for s in unanswerable]),
        hallucinations=sum(s.hallucinated for s in scores),
        citation_accuracy=_mean(judged),
        grounding_rate=_mean([s.grounded for s in scores]),
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        latency_p50_s=percentile(latencies, 50),
        latency_p95_s=percentile(latencies, 95),
        cost_usd=cost,
        by_kind=[KindSummary(kind=kind, questions=len(group), all_facts=_mean([s.all_facts for s in group]),
                             fact_share=_mean([s.fact_share for s in group]),
                             wrong=sum(s.answered_wrong or s.hallucinated for s in group),
                             declined=sum(s.declined for s in group))
                 for kind, group in sorted(kinds.items())],
        short_answers=_mean([s.short for s in answerable]),
        answered_wrong=_mean([s.answered_wrong for s in answerable]),
        partial=_mean([s.partial for s in answerable]),
        model_answers=sum(s.mode == "model" for s in scores),
        extractive_all_facts=(_mean([bool(s.extractive_right) for s in answerable if s.extractive_right is not None])
                              if paired else None),
        model_improved=improved,
        model_worsened=worsened,
        model_gain=improved - worsened,
        in_evidence=_mean([s.in_evidence for s in answerable]),
        calibration=calibration(scores),
        exact=_mean([s.exact for s in answerable if s.exact is not None]) if any(
            s.exact is not None for s in answerable) else None,
        f1=_mean([s.f1 for s in answerable if s.f1 is not None]) if any(s.f1 is not None for s in answerable) else None,
    )


def calibration(scores: list[QuestionScore]) -> list[SupportSummary]:
    """Per printed support level, how many answers were right: full ones should almost always be (a wrong answer
    printed as full costs a reader most), partial ones are the closest the releases come, declines are right on
    unanswerable questions."""
    out = []
    for level in ("full", "partial", "none"):
        group = [s for s in scores if (s.support if s.answered else "none") == level]
        right = sum(s.all_facts for s in group)
        out.append(SupportSummary(support=level, answers=len(group), right=right,
                                  precision=right / len(group) if group else None))
    return out
