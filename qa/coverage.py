"""Whether the retrieved chunks can answer a question at all, before any model is asked.

A question about something the releases never mention ("the 37th drawdown",
"Golden Dome") still retrieves chunks, the nearest ones; answering from them
would be a guess. Two signs tell: a proper name of the question that no
release contains, and a number, amount, ordinal or year of the question that
no retrieved chunk holds along with enough of the rest of the question.
"""

from __future__ import annotations

import re

from qa import analyze
from qa.models import Hit

# Share of the question's weight (idf) that a chunk holding one of its numbers must also cover.
COVERAGE_FLOOR = 0.4

_CAPITALISED = re.compile(r"(?<![.?!]\s)(?<!^)\b[A-Z][\w’'-]*[\w]")


def _is_number(term: str) -> bool:
    return term[0] in "$#0123456789"


def _surface(question: str, term: str) -> str:
    """The question's own word for a term, for the message."""
    for m in re.finditer(r"\$?[\w’'.,-]+(?:\s+(?:million|billion|thousand))?", question):
        word = m.group().rstrip(".,")
        if term in analyze.terms(word):
            return word
    return term


def uncovered(question: str, hits: list[Hit], idf: dict[str, float]) -> str | None:
    """Why the hits cannot answer the question, or None when they may. `idf` holds the question's terms."""
    numbers = sorted(t for t in set(analyze.terms(question)) if _is_number(t))
    if not hits:
        if numbers:
            return f"no release found mentions “{_surface(question, numbers[0])}”"
        return "no release matches the question"
    for m in _CAPITALISED.finditer(question):
        parts = analyze.terms(m.group())
        if len(parts) > 1:
            parts = parts[:-1]  # the joined form of a hyphenated word
        if parts and all(idf.get(t, 0.0) == 0.0 for t in parts):
            return f"no release mentions “{m.group()}”"
    terms = set(analyze.terms(question))
    total = sum(idf.get(t, 0.0) for t in terms) or 1.0
    chunks = [set(analyze.terms(h.text)) | set(analyze.terms(h.title)) | set(analyze.date_terms(h.date)) for h in hits]
    for term in numbers:
        holding = [c for c in chunks if term in c]
        if not holding:
            return f"no release found mentions “{_surface(question, term)}”"
        best = max(sum(idf.get(t, 0.0) for t in terms & c) / total for c in holding)
        if best < COVERAGE_FLOOR:
            return f"no release found mentions “{_surface(question, term)}” in this connection"
    return None
