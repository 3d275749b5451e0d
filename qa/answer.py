"""A question in, a cited answer out: retrieve, check coverage, pack, ask, check grounding, fall back.

The model's answer is kept only when everything it states stands in the
passage it cites and it holds a value of the kind asked for; it gets one
retry told what was wrong, and after that the answer is the best supporting
sentence, verbatim (the extractive floor), so a weak model never prints a
figure the releases do not state.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from qa import analyze, context, coverage, extractive, grounding, prompting
from qa.answer_type import AnswerType, answer_type
from qa.llm_client import ModelClient, ModelError, Usage
from qa.models import Hit
from qa.schemas import Answer, Citation, answer_schema
from qa.search import Searcher
from qa.settings import Settings
from qa.store import Store

DECLINE = "The releases do not say"
# Sentences the model may choose from; the schema allows no other.
CANDIDATES = 4
VALUE_KINDS = {AnswerType.MONEY, AnswerType.COUNT, AnswerType.PERCENT, AnswerType.ORDINAL, AnswerType.DATE,
               AnswerType.PERSON, AnswerType.PLACE}


def _idf(searcher: Searcher, question: str) -> dict[str, float]:
    words = sorted(set(analyze.terms(question)))
    hashes = np.array([analyze.term_hash(t) for t in words], dtype=np.uint64)
    return dict(zip(words, searcher.index.idf(hashes).tolist()))


class Answerer:
    """Answers questions from one index with one model; the model is reached only when needed."""

    def __init__(self, store: Store, settings: Settings, client: Callable[[], ModelClient]) -> None:
        self.store = store
        self.settings = settings
        self.searcher = Searcher(store, settings.search)
        self._client_factory = client
        self._client: ModelClient | None = None
        self.prompt = prompting.load("answer")

    @property
    def client(self) -> ModelClient:
        if self._client is None:
            self._client = self._client_factory()
        return self._client

    def ask(self, question: str) -> Answer:
        question = " ".join(question.split())
        hits = self.searcher.search(question, self.settings.search.k)
        idf = _idf(self.searcher, question)
        reason = coverage.uncovered(question, hits, idf)
        if reason:
            return Answer(question=question, answered=False, answer=f"{DECLINE}: {reason}.", mode="declined",
                          verified=True, reason=reason, prompt=self.prompt.tag)
        passages = context.pack(question, hits, self.store, self.settings.model.text_budget,
                                self.settings.index.encoding)
        picks = _distinct(extractive.rank(question, passages, idf))[:CANDIDATES]
        if not picks:
            return Answer(question=question, answered=False, answer=f"{DECLINE}: no sentence supports an answer.",
                          mode="declined", verified=True, reason="no retrieved sentence shares the question's words",
                          prompt=self.prompt.tag)
        options = {_option(p.sentence): p for p in picks}
        schema = answer_schema(list(options))
        # The model sees only the candidate sentences it may quote: a short prompt, and a small model
        # does no better with more to read.
        excerpts = [context.Passage(n=i, release_id=p.passage.release_id, title=p.passage.title, date=p.passage.date,
                                    source=p.passage.source, chunk_ids=p.passage.chunk_ids, spans=[(p.start, p.end)],
                                    release_text=p.passage.release_text)
                    for i, p in enumerate(picks, 1)]
        messages = self.prompt.messages(passages="\n\n".join(e.render() for e in excerpts), question=question)
        usage: list[Usage] = []
        problems: list[str] = []
        try:
            for _ in range(2):
                reply, used = self.client.structured(messages, schema, name="answer",
                                                     metadata={"prompt": self.prompt.tag})
                usage += used
                chosen = options[reply.quote]
                problems = self._problems(question, reply.answer, chosen)
                if chosen.score < self.settings.model.choice_margin * picks[0].score:
                    problems.append("another sentence answers the question better")
                if not problems:
                    return Answer(question=question, answered=True, answer=reply.answer.strip(), mode="model",
                                  verified=True, evidence=[_citation(1, chosen, hits)], prompt=self.prompt.tag,
                                  usage=usage)
                # One informed retry: the model hears what was wrong with its answer.
                messages = [*messages, {"role": "assistant", "content": reply.model_dump_json()},
                            {"role": "user", "content": "That answer was rejected: " + "; ".join(problems)
                             + ". Answer again with words and figures from the sentence you quote."}]
        except ModelError as err:
            problems = [f"the model failed: {err}"]
        # The extractive floor: the best supporting sentence, verbatim.
        return Answer(question=question, answered=True, answer=picks[0].sentence, mode="extractive", verified=True,
                      evidence=[_citation(1, picks[0], hits)], ungrounded=problems,
                      reason="the model's answer was not used: " + "; ".join(problems), prompt=self.prompt.tag,
                      usage=usage)

    @staticmethod
    def _problems(question: str, answer: str, chosen: extractive.Pick) -> list[str]:
        """What keeps the model's answer from being printed: a claim its sentence does not hold,
        a word that neither the sentence nor the question has, or no value of the kind asked for."""
        if not answer.strip():
            return ["the answer is empty"]
        problems = [f"“{c.text}” is not in the quoted sentence"
                    for c in grounding.check(answer, [chosen.sentence]).ungrounded]
        question_terms = set(analyze.terms(question))
        answer_terms = set(analyze.terms(answer))
        if _copies_start(answer, chosen.sentence):
            return ["the answer copies the start of the sentence instead of answering"]
        strange = answer_terms - set(analyze.terms(chosen.sentence)) - question_terms
        if strange and not problems:
            problems.append("words not in the quoted sentence: " + ", ".join(sorted(strange)))
        kind = answer_type(question)
        if kind in VALUE_KINDS and not extractive.holds_new_value(kind, answer, answer_terms, question_terms, question):
            problems.append(f"the answer gives no {kind.value}")
        elif not answer_terms - question_terms:
            problems.append("the answer only repeats the question")
        return problems


def _copies_start(answer: str, sentence: str) -> bool:
    """Whether an answer is the opening of its sentence, cut off by the length limit: no answer at all."""
    a, s = re.findall(r"\w+", answer.lower()), re.findall(r"\w+", sentence.lower())
    return len(a) >= 6 and sum(x == y for x, y in zip(a, s)) >= 0.8 * len(a)


def _option(sentence: str) -> str:
    """A sentence as a schema choice: the local server's grammar builder breaks on a straight
    double quote or a backslash inside a choice (and the server then dies), so those are replaced."""
    return " ".join(sentence.replace('"', "'").replace("\\", "/").split())


def _distinct(picks: list[extractive.Pick]) -> list[extractive.Pick]:
    seen: set[str] = set()
    out = []
    for p in picks:
        if _option(p.sentence) not in seen:
            seen.add(_option(p.sentence))
            out.append(p)
    return out


def _citation(n: int, pick: extractive.Pick, hits: list[Hit]) -> Citation:
    passage = pick.passage
    chunk_id = next((h.chunk_id for h in hits if h.release_id == passage.release_id and h.start <= pick.start < h.end),
                    passage.chunk_ids[0])
    return Citation(n=n, chunk_id=chunk_id, release_id=passage.release_id, title=passage.title, date=passage.date,
                    source=passage.source, start=pick.start, end=pick.end, quote=pick.sentence)
