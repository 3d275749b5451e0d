"""Which releases a briefing's query is about: the query's terms against what each release names.

Search (BM25) finds the candidates; a candidate is about the query when the query's terms stand among the
release's topic words: its title, the entities the recogniser finds in it (people, bodies, places, events,
laws) and its noun chunks. A one- or two-word query needs every term there, a longer one more than half of
them: "critical minerals rare earth industrial base" keeps each release that names most of it, however its
search score compares with the best one's, and a release that only shares a common word ("defense") stays out.

A query said in other words than the releases use ("troop deaths in combat" for casualty notices, "critical
minerals" for "critical materials") is matched by meaning: the trained sentence encoder (qa.text.embed) compares
the query with the release's title and lead sentence, and the closer of them decides (`nearest`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from qa.brief import parsed
from qa.text import analyze, embed

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


# Content sentences read for a release's meaning, besides its title: its lead, which says what it is about. On the
# train briefings 1, 2, 3 and 8 keep the same wanted releases at their fitted floors; 1 lets in the fewest others
# (8 let Panetta's farewell into "Department of War name change").
LEAD_SENTENCES = 1


def nearest(query: str, releases: Sequence[Sequence[str]]) -> list[float]:
    """For each release (its title and lead sentences), the cosine of the query with the closest of them."""
    pieces = [p for r in releases for p in r]
    if not pieces:
        return [0.0] * len(releases)
    found = _vectors([query, *pieces])
    sims = found[1:] @ found[0]
    out, at = [], 0
    for r in releases:
        out.append(float(sims[at:at + len(r)].max()) if r else 0.0)
        at += len(r)
    return out


_seen: dict[str, np.ndarray] = {}


def _vectors(texts: list[str]) -> np.ndarray:
    """The encoder's vectors, each text encoded once per process (a release's sentences come back for every query).
    Read into a dict of this call's own, so another thread's briefing clearing the cache takes nothing from it."""
    known = {t: v for t in texts if (v := _seen.get(t)) is not None}
    todo = [t for t in dict.fromkeys(texts) if t not in known]
    if todo:
        new = dict(zip(todo, embed.vectors(todo)))
        known.update(new)
        if len(_seen) > 50_000:
            _seen.clear()
        _seen.update(new)
    return np.stack([known[t] for t in texts])
