"""Which releases a briefing's query is about: the query's terms against what each release names.

Search (BM25) finds the candidates; a candidate is about the query when the query's terms stand among the
release's topic words: its title, the entities the recogniser finds in it (people, bodies, places, events,
laws) and its noun chunks. A one- or two-word query needs every term there, a longer one more than half of
them: "critical minerals rare earth industrial base" keeps each release that names most of it, however its
search score compares with the best one's, and a release that only shares a common word ("defense") stays out.
"""

from __future__ import annotations

from functools import lru_cache

from qa.brief import parsed
from qa.text import analyze

# Entity kinds that name what a release is about (dates, money and counts say how much, not about what).
TOPIC_ENTITIES = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"}
# More than this share of a longer query's terms must be topic words of the release.
SHARE = 0.5


@lru_cache(maxsize=128)
def topic_terms(title: str, text: str) -> frozenset[str]:
    """The release's topic words as search terms: its title, entities and noun chunks."""
    doc = parsed.doc(text)
    pieces = [title]
    pieces += [e.text for e in doc.ents if e.label_ in TOPIC_ENTITIES]
    pieces += [c.text for c in doc.noun_chunks]
    return frozenset(t for p in pieces for t in analyze.terms(p))


def query_terms(query: str) -> list[str]:
    return list(dict.fromkeys(analyze.terms(query)))


def coverage(query: str, title: str, text: str) -> float:
    """Share of the query's terms that are topic words of the release."""
    wanted = query_terms(query)
    if not wanted:
        return 0.0
    have = topic_terms(title, text)
    return sum(t in have for t in wanted) / len(wanted)


def about(query: str, title: str, text: str) -> bool:
    """Whether the release is about the query (rule in the module docstring)."""
    n = len(query_terms(query))
    share = coverage(query, title, text)
    return share == 1.0 if n <= 2 else share > SHARE
