"""What a release states, read off its sentences without a model: figures, people, bodies, places, equipment,
quotes.

Each item keeps the sentence it came from, so a summary built on them is cited by construction; a small model
is only asked for the prose around them. People, bodies, places and quotes come from the trained pipeline
(qa.brief.entities, qa.brief.quotes), figures with what they measure from its parse (qa.brief.figures).
"""

from __future__ import annotations

import re

from qa.brief import entities, figures, quotes
from qa.schemas import KeyFact, Person, Quotation
from qa.text import boilerplate

_EQUIPMENT = re.compile(
    r"\b(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|up to [\d,]+)\s+"
    r"((?:[\w-]+\s+){0,5}(?:systems?|missiles?|rounds|vehicles|boats|aircraft|rockets?|munitions|launchers?|"
    r"radars?|drones?|helicopters?|tanks?|howitzers?|ammunition|interceptors?|batteries|trucks))\b",
    re.IGNORECASE,
)
_ACRONYM_GEAR = re.compile(r"\(([A-Z]{3,}s?)\)")


def _sentences(text: str) -> list[str]:
    """The release's content sentences: no byline, dateline or readout introduction is a fact or a lead."""
    return [text[s:e] for s, e in boilerplate.content_sentences(text)]


def key_facts(text: str, limit: int = 15) -> list[KeyFact]:
    """Figures in the order the release gives them, each once, with its sentence, what it measures and its
    scope; calibers and model numbers are not figures."""
    facts: list[KeyFact] = []
    seen: set[str] = set()
    for f in figures.figures(text):
        if f.value.lower() in seen:
            continue
        seen.add(f.value.lower())
        facts.append(KeyFact(value=f.value, kind=f.kind, quote=f.sentence, measure=f.measure, scope=f.scope))
    return facts[:limit]


def fact_sentences(text: str, limit: int = 10) -> list[KeyFact]:
    """Each sentence that states figures, once, with every figure of it and what each measures: "four
    high-mobility artillery rocket systems; 36,000 rounds of 105 mm ammunition; 18 coastal and riverine patrol
    boats"."""
    grouped: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    for f in figures.figures(text):
        labels = grouped.setdefault(f.sentence, [])
        if f.label not in labels:
            labels.append(f.label)
        kinds.setdefault(f.sentence, f.kind)
    return [KeyFact(value="; ".join(values), kind=kinds[quote], quote=quote)
            for quote, values in list(grouped.items())[:limit]]


def people(text: str) -> list[Person]:
    """Named people with the title the release gives them, first mention first (qa.brief.entities)."""
    return entities.people(text)


def organizations(text: str) -> list[str]:
    return entities.organizations(text)


def places(text: str) -> list[str]:
    return entities.places(text)


def equipment(text: str) -> list[str]:
    out: list[str] = []
    for m in _EQUIPMENT.finditer(text):
        item = " ".join(m.group(1).split())
        if item.lower() not in (o.lower() for o in out):
            out.append(item)
    for m in _ACRONYM_GEAR.finditer(text):
        if m.group(1) not in out and m.group(1) not in {"DOD", "DoD", "USAI", "PDA", "UDCG", "NATO"}:
            out.append(m.group(1))
    return out


def quotations(text: str) -> list[Quotation]:
    """Quoted words with their speaker, attributed by the parse (qa.brief.quotes)."""
    return quotes.quotations(text)


def lead(text: str, n: int = 2) -> str:
    """The release's first sentences: news writing puts what matters first."""
    return " ".join(_sentences(text)[:n])
