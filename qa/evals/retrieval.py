"""Retrieval recall against gold facts: does the top k hold every fact a question needs?"""

from __future__ import annotations

import re

from pydantic import BaseModel

from qa.index.search import Searcher


class GoldQuestion(BaseModel):
    id: str
    question: str
    gold_facts: list[str]
    kind: str
    release: str | list[str] | None = None
    note: str = ""


class Recall(BaseModel):
    questions: int
    found: dict[int, int]  # k -> questions whose facts all stand in the top k
    misses: dict[int, list[str]]  # k -> ids of the questions missed

    def at(self, k: int) -> float:
        return self.found[k] / self.questions if self.questions else 0.0


def fact_in(fact: str, text: str) -> bool:
    """Whole-word, case-insensitive: "18" is not in "180"."""
    return re.search(r"(?<!\w)" + re.escape(fact) + r"(?!\w)", text, re.IGNORECASE) is not None


def recall(searcher: Searcher, questions: list[GoldQuestion], ks: tuple[int, ...] = (1, 3, 5)) -> Recall:
    answerable = [q for q in questions if q.gold_facts]
    found = {k: 0 for k in ks}
    misses: dict[int, list[str]] = {k: [] for k in ks}
    for q in answerable:
        hits = searcher.search(q.question, max(ks))
        for k in ks:
            text = "\n".join(h.text for h in hits[:k])
            if all(fact_in(f, text) for f in q.gold_facts):
                found[k] += 1
            else:
                misses[k].append(q.id)
    return Recall(questions=len(answerable), found=found, misses=misses)
