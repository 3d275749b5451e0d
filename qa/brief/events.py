"""Releases about one event: a call and its readout, or the same meeting reported twice.

Two releases report one event when both are dated on the same or adjacent days and the main people, bodies
and places they name agree: those the entity recogniser finds in the title and the lead (the first two content
sentences), each by its last word (a person's surname: "Secretary Austin", "Lloyd J. Austin III"), at least two
of them and half of all, the Department's own names ("Department of Defense", "United States") left out. Austin's
calls with two counterparts on one day share Austin, not the counterpart and the country, and stay apart. A
briefing gives such releases one section, every bullet still cited to its own release.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from qa.brief import entities, parsed
from qa.models import Release
from qa.text import boilerplate

# Entity kinds that say who and where: people, bodies, places.
MAIN = {"PERSON", "ORG", "GPE", "LOC", "FAC"}
# The names every release of the Department gives (its own, its country's): they tell no two events apart.
PUBLISHER = {"defense", "department", "pentagon", "states", "dod"}
# Days apart at most: a readout out the evening of a call and the story of it the next morning.
DAYS = 1
# Share (Jaccard) of the main names two releases must have in common.
SHARED = 0.5
# Content sentences of the lead read for its names.
LEAD = 2


def _key(words: str) -> str:
    """A name by its last word: a person's surname ("Lloyd J. Austin III": austin), whatever label the
    recogniser gave the name this time ("Rustem Umerov" is a PERSON in one release and an ORG in the next)."""
    return entities.surname(parsed.clean(words)).lower().strip(".,'’")


@lru_cache(maxsize=256)
def main_names(title: str, text: str) -> frozenset[str]:
    """The people (by surname), bodies and places the title and the lead name."""
    keys = {_key(e.text) for e in parsed.phrase(title).ents if e.label_ in MAIN} if title else set()
    lead = boilerplate.content_sentences(text)[:LEAD]
    keys |= {_key(e.text) for e in parsed.doc(text).ents
             if e.label_ in MAIN and any(s <= e.start_char < t for s, t in lead)}
    # People the title rule finds too ("Minister of Defense Rustem Umerov", which the recogniser may miss).
    said = " ".join(text[s:t] for s, t in lead)
    keys |= {_key(p.name) for p in entities.people(text) if p.quote and p.quote in said}
    return frozenset(k for k in keys if k and k not in PUBLISHER)


def _day(r: Release) -> date | None:
    try:
        return date.fromisoformat(r.date) if r.date else None
    except ValueError:
        return None


def one_event(a: Release, a_text: str, b: Release, b_text: str) -> bool:
    """Whether two releases report one event (rule in the module docstring)."""
    da, db = _day(a), _day(b)
    if da is None or db is None or abs((da - db).days) > DAYS:
        return False
    na, nb = main_names(a.title, a_text), main_names(b.title, b_text)
    shared = na & nb
    return len(shared) >= 2 and len(shared) / len(na | nb) >= SHARED


def groups(chosen: list[Release], texts: dict[str, str]) -> list[list[Release]]:
    """The releases in groups of one event each, in the order given (a group where its first release stands);
    a release joins the first group that holds a release of its event."""
    out: list[list[Release]] = []
    for r in chosen:
        home = next((g for g in out if any(one_event(o, texts[o.id], r, texts[r.id]) for o in g)), None)
        if home is None:
            out.append([r])
        else:
            home.append(r)
    return out
