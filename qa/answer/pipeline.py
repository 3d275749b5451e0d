"""A question in, a short cited answer out: rewrite → retrieve → cover → candidates → choose → verify → present.

The answer is the value asked for, lifted out of the best evidence (or the
model's words, when the verifier accepts them), then the evidence sentences
with citations. Support says how far the evidence answers: a partial answer
is printed as the closest the releases come, never as a plain answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from qa import analyze, coverage, prompting, spelling
from qa.answer import candidates as cands
from qa.answer import parts
from qa.answer.candidates import Evidence
from qa.answer.lift import titled
from qa.answer.question import Question, analyse
from qa.answer.verify import check_model, missing, support, surface
from qa.answer_type import AnswerType
from qa.index import bm25_idf
from qa.llm_client import ModelClient, ModelError, Usage
from qa.models import Hit
from qa.schemas import Answer, Citation, Correction, answer_schema
from qa.search import Searcher
from qa.settings import Settings
from qa.store import Store

DECLINE = "The releases do not say"
PARTIAL = "The closest the releases come"


@dataclass
class Outcome:
    """One question's (or one part's) result before presentation."""

    question: Question
    evidence: list[Evidence] = field(default_factory=list)
    answer: str = ""
    support: str = "none"
    reason: str = ""
    declined: bool = False
    hits: list[Hit] = field(default_factory=list)
    candidates: list[Evidence] = field(default_factory=list)


@dataclass
class Retrieval:
    """One question's search: the question, as rewritten for search, its corrections, and each part's hits."""

    question: str
    searched: str
    corrections: list[Correction]
    parts: list[tuple[str, list[Hit]]]

    @property
    def hits(self) -> list[Hit]:
        """Every part's hits, each chunk once."""
        seen: dict[str, Hit] = {}
        for _, hits in self.parts:
            for h in hits:
                seen.setdefault(h.chunk_id, h)
        return list(seen.values())


class Answerer:
    """Answers questions from one index; the model is reached only when the mode says it may add something."""

    def __init__(self, store: Store, settings: Settings, client: Callable[[], ModelClient],
                 searcher: Searcher | None = None) -> None:
        self.store = store
        self.settings = settings
        # The service passes its searcher over the one shared index; alone, the answerer builds its own.
        self.searcher = searcher or Searcher(store, settings.search)
        self._client_factory = client
        self._client: ModelClient | None = None
        self.prompt = prompting.load("answer")

    @property
    def client(self) -> ModelClient:
        if self._client is None:
            self._client = self._client_factory()
        return self._client

    def uses_model(self) -> bool:
        """extractive: never; model: always; auto: unless the model's recorded eval shows it adds nothing."""
        from qa.model_value import wanted

        return wanted(self.settings.answer.mode, self.settings.model.model, self.settings.answer.reports)

    def ask(self, question: str) -> Answer:
        return self.answer(self.retrieve(question))

    def retrieve(self, question: str) -> Retrieval:
        """The search an answer stands on, done once: the service streams these hits before the answer."""
        question = " ".join(question.split())
        rewrite = spelling.rewrite(question, self.store, self.settings.answer)
        corrections = [Correction(wrote=w, searched=s) for w, s in rewrite.corrections]
        pieces = parts.split(rewrite.question)
        return Retrieval(question, rewrite.question, corrections,
                         [(p, self.searcher.search(p, self.settings.search.k)) for p in pieces])

    def answer(self, retrieval: Retrieval) -> Answer:
        """The answer over what `retrieve` found."""
        question, searched, corrections = retrieval.question, retrieval.searched, retrieval.corrections
        outcomes = [self._evidence(p, hits) for p, hits in retrieval.parts]
        declined = next((o for o in outcomes if o.declined), None)
        if declined is not None:
            return Answer(question=question, answered=False, answer=f"{DECLINE}: {declined.reason}.",
                          support="none", mode="declined", verified=True, reason=declined.reason,
                          corrections=corrections, prompt=self.prompt.tag)
        several = parts.wants_several(searched) if len(outcomes) == 1 else 0
        if several:
            outcomes = [_from_releases(outcomes[0], several)]
        answer = self._extractive(outcomes, question, corrections)
        if self.uses_model():
            answer = self._with_model(outcomes, answer)
        return answer

    # --- stages -------------------------------------------------------------------------------------------------

    def _idf(self, text: str) -> dict[str, float]:
        words = sorted(set(analyze.terms(text)))
        hashes = np.array([analyze.term_hash(t) for t in words], dtype=np.uint64)
        return dict(zip(words, self.searcher.index.idf(hashes).tolist()))

    def _evidence(self, text: str, hits: list[Hit]) -> Outcome:
        """Check coverage of one question's hits, and rank its candidate evidence."""
        idf = self._idf(text)
        # A word of which no release holds any form weighs as the rarest word there is: "golden dome" typed in
        # lower case is the question's subject, and its absence is the strongest sign the releases do not answer.
        rarest = bm25_idf(1, max(1, self.searcher.index.n_docs))
        absent = {t for w in spelling.unheard(re.findall(r"[A-Za-z]+", text), self.store) for t in analyze.terms(w)}
        q = analyse(text, {t: (rarest if w == 0 and t in absent else w) for t, w in idf.items()})
        reason = coverage.uncovered(text, hits, idf)
        if reason:
            return Outcome(q, declined=True, reason=reason)
        found = cands.gather(q, hits, self.store, self.settings.answer)
        if not found:
            return Outcome(q, declined=True, reason="no retrieved sentence shares the question's words")
        best = found[0]
        settings = self.settings.answer
        if best.short is None and q.kind is not AnswerType.OTHER:
            # The value may stand in another sentence of the same release ("committed more than $43.7 billion").
            alt = next((e for e in found if e.release_id == best.release_id and e.short is not None), None)
            if alt is not None and alt.score >= settings.same_release * best.score:
                best = alt
        if best.short is None or (q.kind is AnswerType.OTHER and q.focus is None):
            # Nothing of the kind asked, or nothing to look for but the question's words: decline when the
            # release lacks too many of them ("what did Austin say about golden dome").
            gone, share = missing(q, [best])
            if gone and share >= settings.decline_missing:
                return Outcome(q, declined=True, reason="the releases do not mention "
                               + ", ".join(f"“{surface(q, t)}”" for t in gone[:3]))
        level, why = support(q, [best], best.short is not None, settings.partial_missing)
        return Outcome(q, evidence=[best], answer=best.short.text if best.short else best.text, support=level,
                       reason=why, hits=hits, candidates=found)

    def _extractive(self, outcomes: list[Outcome], question: str, corrections: list[Correction]) -> Answer:
        evidence = [e for o in outcomes for e in o.evidence]
        full = all(o.support == "full" for o in outcomes)
        if len(outcomes) == 1 and len(evidence) == 1:
            o = outcomes[0]
            text = o.answer if full else o.evidence[0].text
        else:
            # One claim per piece of evidence, each with its release's date.
            text = "; ".join(f"{(e.short.text if e.short else e.text)} ({_when(e.date)})" if e.date
                             else (e.short.text if e.short else e.text) for e in evidence)
        return Answer(question=question, answered=True, answer=text, support="full" if full else "partial",
                      mode="extractive", verified=True, evidence=_citations(evidence, outcomes),
                      corrections=corrections, reason="; ".join(o.reason for o in outcomes if o.reason),
                      prompt=self.prompt.tag)

    def _with_model(self, outcomes: list[Outcome], fallback: Answer) -> Answer:
        """One model call over the candidates; its answer replaces the extractive one only when verified.
        Each part of the question offers its evidence and its best candidates, an equal share of the options."""
        share = max(1, self.settings.answer.candidates // len(outcomes))
        options: list[Evidence] = []
        for o in outcomes:
            for e in (o.evidence + o.candidates)[: share + len(o.evidence)]:
                if all(e.key != x.key for x in options) and len([x for x in options if x in o.candidates]) <= share:
                    options.append(e)
        options = options[: max(self.settings.answer.candidates, len(outcomes))]
        by_option = {_option(e.text): e for e in options}
        schema = answer_schema(list(by_option))
        rendered = "\n\n".join(_render(i, e) for i, e in enumerate(by_option.values(), 1))
        messages = self.prompt.messages(passages=rendered, question=fallback.question)
        from qa.local_model import LocalModelError  # here: a question the model is not asked never loads it

        usage: list[Usage] = []
        try:
            reply, usage = self.client.structured(messages, schema, name="answer", metadata={"prompt": self.prompt.tag})
        except (ModelError, LocalModelError) as err:
            # The answer does not depend on the model: without it, the extractive one stands.
            return fallback.model_copy(update={"ungrounded": [f"the model failed: {err}"]})
        q = outcomes[0].question if len(outcomes) == 1 else analyse(fallback.question, outcomes[0].question.idf)
        verdict = check_model(q, reply.answer, by_option.get(reply.quote), options)
        if not verdict.accepted:
            return fallback.model_copy(update={"usage": usage, "ungrounded": verdict.problems})
        if len(outcomes) == 1:
            level, why = support(q, verdict.cited, True, self.settings.answer.partial_missing)
        else:
            level = "full" if len({e.release_id for e in verdict.cited}) >= len(outcomes) else "partial"
            why = "" if level == "full" else "the answer stands on fewer releases than the question asks about"
        answer = " ".join(reply.answer.split()) if level == "full" else verdict.cited[0].text
        return fallback.model_copy(update={
            "answer": answer, "support": level, "mode": "model", "evidence": _citations(verdict.cited, outcomes),
            "usage": usage, "ungrounded": [], "reason": why})


def _from_releases(outcome: Outcome, n: int) -> Outcome:
    """The best evidence of each of `n` releases, for "which two officials ..."."""
    chosen: list[Evidence] = []
    q = outcome.question
    # Of each release, its best evidence holding a value; for people, one whose title the question gives.
    ranked = sorted(outcome.candidates, key=lambda e: (q.kind is AnswerType.PERSON and e.short is not None
                                                       and titled(q, e.text, e.short) == 0, -e.score))
    for e in ranked:
        if e.short is not None and all(e.release_id != c.release_id for c in chosen):
            chosen.append(e)
        if len(chosen) == n:
            break
    if len(chosen) < n:
        return outcome
    return Outcome(outcome.question, evidence=chosen, answer=outcome.answer, support=outcome.support,
                   reason=outcome.reason, hits=outcome.hits, candidates=outcome.candidates)


_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


def _when(iso: str) -> str:
    """A release date as the releases write dates: "Sept. 11, 2023"."""
    try:
        year, month, day = (int(p) for p in iso.split("-"))
        return f"{_MONTHS[month - 1]} {day}, {year}"
    except (ValueError, IndexError):
        return iso


def _option(sentence: str) -> str:
    """A sentence as a schema choice: the local server's grammar builder breaks on a straight
    double quote or a backslash inside a choice (and the server then dies), so those are replaced."""
    return " ".join(sentence.replace('"', "'").replace("\\", "/").split())


def _render(n: int, e: Evidence) -> str:
    head = " | ".join(p for p in (f"PASSAGE {n}", e.title, e.date) if p)
    return f"<<<{head}\n{_option(e.text)}\nEND>>>"


def _citations(evidence: list[Evidence], outcomes: list[Outcome]) -> list[Citation]:
    """One citation per evidence sentence, numbered in order, each with the chunk that holds it."""
    hits = [h for o in outcomes for h in o.hits]
    out: list[Citation] = []
    for e in evidence:
        for start, end in e.spans:
            chunk_id = next((h.chunk_id for h in hits if h.release_id == e.release_id and h.start <= start < h.end),
                            e.chunk_ids[0])
            out.append(Citation(n=len(out) + 1, chunk_id=chunk_id, release_id=e.release_id, title=e.title,
                                date=e.date, source=e.source, start=start, end=end,
                                quote=e.release_text[start:end]))
    return out
