"""Whether the retrieved chunks can answer a question at all, before any model is asked.

A question about something the releases never mention ("the 37th drawdown",
"Golden Dome") still retrieves chunks, the nearest ones; answering from them
would be a guess. Two signs tell: a proper name of the question that no
release contains, and a number, amount, ordinal or year of the question that
no retrieved chunk holds along with enough of the rest of the question.

A question may say a thing the releases' way or its own ("450 million" for
"$450 million", "FY2024" for "fiscal year 2024", "HIMARS" for "High Mobility
Artillery Rocket Systems"): what qa.index.spelling appended as equivalent forms, and
the reader's number forms it recognises, count as held when a chunk holds any
one of the forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.index import spelling
from qa.models import Hit
from qa.text import analyze, dates

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


@dataclass
class _Group:
    """Something the question wrote, and the terms of each of its forms (the written one first)."""

    surface: str
    forms: list[frozenset[str]]

    @property
    def written(self) -> frozenset[str]:
        return self.forms[0]

    def number_forms(self) -> list[set[str]]:
        """Per form, the terms with a digit in them: one form's must all stand in a chunk that answers."""
        return [k for k in ({t for t in f if any(c.isdigit() for c in t)} for f in self.forms) if k]

    def holds_number(self, chunk: set[str]) -> bool:
        """Whether the chunk holds the number in some form: one form's digit terms, or the whole of a form written
        without digits ("Article V" for "article 5")."""
        return any(key <= chunk for key in self.number_forms()) or any(
            f <= chunk for f in self.forms if not any(c.isdigit() for t in f for c in t))

    def weighed(self, idf: dict[str, float]) -> list[frozenset[str]]:
        """The forms whose weights are known: the written one, and those the caller gave idf for (a form
        missing terms would look wholly held by a chunk holding the rest)."""
        return [self.written] + [f for f in self.forms[1:] if f <= idf.keys()]

    def weight(self, idf: dict[str, float]) -> float:
        """The weight of what the reader wrote; of its best other form when the index lacks the reader's."""
        return _idf(self.written, idf) or max(_idf(f, idf) for f in self.weighed(idf))

    def held(self, chunk: set[str], idf: dict[str, float]) -> float:
        """The largest share of one form's weight that the chunk holds."""
        return max((_idf(f & chunk, idf) / _idf(f, idf) for f in self.weighed(idf) if _idf(f, idf) > 0),
                   default=0.0)


def _idf(terms: set[str], idf: dict[str, float]) -> float:
    return sum(idf.get(t, 0.0) for t in terms)


def _groups(question: str) -> tuple[str, list[_Group]]:
    """The question without its appended forms, and its groups of equivalent forms."""
    main, written = spelling.alternatives(question)
    seen = {tuple(sorted(analyze.terms(w))) for w, _ in written}
    written += [g for g in spelling.reader_forms(main) if tuple(sorted(analyze.terms(g[0]))) not in seen]
    groups = []
    for surface, others in written:
        forms = spelling.form_terms(surface, others)
        if forms[0]:
            groups.append(_Group(surface, forms))
    return main, groups


def uncovered(question: str, hits: list[Hit], idf: dict[str, float], frame: frozenset[str] = frozenset()) -> str | None:
    """Why the hits cannot answer the question, or None when they may. `idf` holds the question's terms
    (those of its appended forms too); `frame` are numbers that count what is asked ("which four countries"),
    which no release need hold."""
    main, groups = _groups(question)
    grouped = set().union(*(g.written for g in groups))
    terms = set(analyze.terms(main)) - grouped
    numbers = sorted(t for t in terms if _is_number(t) and t not in frame)
    counted = [g for g in groups if g.number_forms()]
    if not hits:
        if numbers:
            return f"no release found mentions “{_surface(main, numbers[0])}”"
        if counted:
            return f"no release found mentions “{counted[0].surface}”"
        return "no release matches the question"
    for m in _CAPITALISED.finditer(main):
        parts = analyze.terms(m.group())
        if len(parts) > 1:
            parts = parts[:-1]  # the joined form of a hyphenated word
        if set(parts) <= grouped:
            continue  # the reader's form of something written otherwise in the releases: checked below
        if parts and all(idf.get(t, 0.0) == 0.0 for t in parts):
            return f"no release mentions “{m.group()}”"
    total = _idf(terms, idf) + sum(g.weight(idf) for g in groups) or 1.0
    chunks = [set(analyze.terms(h.text)) | set(analyze.terms(h.title)) | set(analyze.date_terms(h.date)) for h in hits]

    def share(chunk: set[str]) -> float:
        return (_idf(terms & chunk, idf) + sum(g.weight(idf) * g.held(chunk, idf) for g in groups)) / total

    # A release without a date, whose chunk names no year, can neither hold nor contradict the year a question
    # gives ("nominated in 2011" of an undated announcement): the year is no reason to decline when such a chunk
    # covers the rest. One naming another year ("the 1965 film") tells a different time.
    def undated_covers() -> bool:
        undated = [c for c, h in zip(chunks, hits) if not h.date and not any(dates.years_named(t) for t in c)]
        return bool(undated) and max(map(share, undated)) >= COVERAGE_FLOOR

    for term in numbers:
        holding = [c for c in chunks if term in c]
        if not holding and dates.years_named(term) == {term} and undated_covers():
            continue
        if not holding:
            return f"no release found mentions “{_surface(main, term)}”"
        if max(map(share, holding)) < COVERAGE_FLOOR:
            return f"no release found mentions “{_surface(main, term)}” in this connection"
    for group in counted:
        holding = [c for c in chunks if group.holds_number(c)]
        if not holding:
            return f"no release found mentions “{group.surface}”"
        if max(map(share, holding)) < COVERAGE_FLOOR:
            return f"no release found mentions “{group.surface}” in this connection"
    return None
