"""Which releases a briefing's query is about: the query's terms against what each release names, else the query's
meaning against the release's.

Search (BM25) finds the candidates for words; a candidate is about the query when the query's terms stand among the
release's topic words: its title, the entities the recogniser finds in it (people, bodies, places, events,
laws) and its noun chunks. A one- or two-word query needs every term there, a longer one more than half of
them, each term weighed by its idf: "critical minerals rare earth industrial base" keeps each release that names
most of it, however its search score compares with the best one's, and a release that only shares common words
("military", "service" of "the military's space service") stays out. What covers more of the query comes first.

A query said in other words than the releases use ("troop deaths in combat" for casualty notices, "critical
minerals" for "critical materials") is matched by meaning: the trained sentence encoder (qa.text.embed) compares
the query with the release's title and lead sentence, and the closer of them decides (`nearest`; the floor is
settings.brief.meaning_floor). Meaning is asked of every release in the briefing's date range, not only of those
search returns: a topic said in other words may share none with the query ("weapons aid to Kyiv" and a drawdown
package). Each release's vectors are made once and kept in the index (qa.brief.meanings).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from qa.brief import parsed
from qa.text import analyze, embed, wordnet

# Entity kinds that name what a release is about (dates, money and counts say how much, not about what).
TOPIC_ENTITIES = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"}
# More than this share of a longer query's terms must be topic words of the release.
SHARE = 0.5
# WordNet steps between a query's noun and a release's that count it as there: one ("mineral" is a "material");
# two let in the general ("base" is an "installation", and many things are).
KIN_DEPTH = 1


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


def coverage(query: str, title: str, text: str, weights: dict[str, float] | None = None,
             kin_floor: float = 1.01) -> float:
    """Share of the query's terms that are topic words of the release, or whose noun is the next kind up or down
    of one of its topic nouns (WordNet: "minerals" of the query, "critical materials" of a release; "weapons" and
    "missiles") and means nearly the same (the sentence encoder's cosine of the two words reaches `kin_floor`;
    1.01: words only): "assistance" is an "activity", yet a release naming activities is not about assistance.
    With `weights` (each term's idf), the share of their weight: "space" says more of "the military's space
    service" than "military" and "service", which most releases name."""
    wanted = query_terms(query)
    weight = weights or {}
    total = sum(weight.get(t, 1.0) for t in wanted)
    if not wanted or total <= 0:
        return 0.0
    have = topic_terms(title, text)
    nouns = _query_nouns(query)
    missing = [t for t in wanted if t not in have]
    if kin_floor <= 1 and embed.available() and any(t in nouns for t in missing):
        kin = topic_nouns(title, text)
        missing = [t for t in missing if t not in nouns or not any(_kin(nouns[t], n) >= kin_floor for n in kin)]
    return 1 - sum(weight.get(t, 1.0) for t in missing) / total


@lru_cache(maxsize=128)
def topic_nouns(title: str, text: str) -> frozenset[str]:
    """The lemmas of the nouns of the release's title and noun chunks."""
    doc = parsed.doc(text)
    spans = [parsed.phrase(title)[:], *doc.noun_chunks]
    return frozenset(t.lemma_.lower() for s in spans for t in s if t.pos_ == "NOUN" and t.is_alpha)


@lru_cache(maxsize=256)
def _query_nouns(query: str) -> dict[str, str]:
    """Each search term of the query that comes from a noun, with that noun's lemma."""
    return {term: t.lemma_.lower() for t in parsed.phrase(query) if t.pos_ == "NOUN" and t.is_alpha
            for term in analyze.terms(t.text)}


@lru_cache(maxsize=65536)
def _kin(a: str, b: str) -> float:
    """The cosine of two nouns' meanings when one is the other's next kind up (their first senses, one step of
    WordNet), else -1."""
    if a == b or not (wordnet.is_kind_of(a, b, depth=KIN_DEPTH) or wordnet.is_kind_of(b, a, depth=KIN_DEPTH)):
        return -1.0
    va, vb = embed.vectors([a, b])
    return float(va @ vb)


def enough(query: str, share: float) -> bool:
    """Whether a release covering this share of the query's terms is about it (rule in the module docstring)."""
    return share == 1.0 if len(query_terms(query)) <= 2 else share > SHARE


def nearest(query: str, releases: Sequence[np.ndarray]) -> list[float]:
    """For each release, given by the vectors of its title and lead sentences (qa.brief.meanings), the cosine of the
    query with the closest of them."""
    if not releases:
        return []
    sims = np.concatenate(releases) @ _query_vector(query)
    bounds = np.cumsum([len(v) for v in releases])[:-1]
    return [float(part.max()) if len(part) else 0.0 for part in np.split(sims, bounds)]


@lru_cache(maxsize=256)
def _query_vector(query: str) -> np.ndarray:
    return embed.vectors([query])[0]
