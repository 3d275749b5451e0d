"""What a release states, read off its sentences without a model: figures, people, bodies, equipment, quotes.

Each item keeps the sentence it came from, so a summary built on them is
cited by construction; a small model is only asked for the prose around them.
"""

from __future__ import annotations

import re

from qa.schemas import KeyFact, Person, Quotation
from qa.text import boilerplate, grounding

# Words that make up titles before a name: "Acting Pentagon Press Secretary Todd Breasseale".
_TITLE_WORD = (r"(?:Acting|Deputy|Under|Vice|Assistant|Principal|Chief|Pentagon|Press|Secretary|Minister|Defense|"
               r"Defence|President|Prime|General|Gen\.|Adm\.|Admiral|Lt\.|Brig\.|Maj\.|Col\.|Capt\.|Spc\.|Sgt\.|Air|"
               r"Force|Army|Navy|Marine|Corps|Ukrainian|Australian|Philippine|Israeli|Chairman|Joint|Chiefs|Staff|"
               r"Commander|Director|Officer|Spokesman|Spokeswoman|Spokesperson|Senator|Sen\.|Representative|Rep\.|"
               r"War|State|National|Security|Adviser|Advisor|Ambassador|Dr\.|Mr\.|Ms\.|Mrs\.|of|the|for)")
_ROLE = re.compile(rf"((?:{_TITLE_WORD}\s+)+)$")
_ORG = re.compile(
    r"\b(?:the\s+)?((?:[A-Z][\w.&'-]*\s+(?:(?:of|for|and|on)\s+(?:the\s+)?)?){0,5}"
    r"(?:Department|Ministry|Agency|Command|Group|Administration|Council|Committee|Conference|Office|Alliance|"
    r"Navy|Army|Air Force|Space Force|Marine Corps|Coast Guard|National Guard|Reserve|Pentagon|Congress|Senate|"
    r"NATO|Corp\.|Inc\.|Company|Initiative)(?:\s+of\s+[A-Z][\w-]+(?:\s+[A-Z][\w-]+)*)?)"
)
_EQUIPMENT = re.compile(
    r"\b(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|up to [\d,]+)\s+"
    r"((?:[\w-]+\s+){0,5}(?:systems?|missiles?|rounds|vehicles|boats|aircraft|rockets?|munitions|launchers?|"
    r"radars?|drones?|helicopters?|tanks?|howitzers?|ammunition|interceptors?|batteries|trucks))\b",
    re.IGNORECASE,
)
_ACRONYM_GEAR = re.compile(r"\(([A-Z]{3,}s?)\)")
_QUOTE = re.compile(r"[“\"]([^”\"]{20,}?)[”\"]")
# "Austin said:" or "Austin said, " right before a quote names its speaker too.
_SAID_BEFORE = re.compile(r"([A-Z][\w.'-]*(?:\s+(?:(?:of|for|the|and)\s+)?[A-Z][\w.'-]*){0,10})\s+(?:said|says|added|"
                          r"told [\w ]{1,40}?)[:,]\s*$")
_SAID_AFTER = re.compile(r"\s*,?\s*(?:(?:he|she)\s+said|said\s+([A-Z][^,.;]{2,80}?)(?=[,.;]|$)|"
                         r"([A-Z][\w.'-]*(?:\s+(?:(?:of|for|the|and)\s+)?[A-Z][\w.'-]*){0,10})\s+said)")
_VALUE_KINDS = {"money", "number", "ordinal", "date"}
# A capitalised run ending in one of these names a body or a thing, not a person.
_NOT_A_PERSON = re.compile(r"\b(?:Conference|Initiative|Administration|Council|Systems?|Department|Ministry|"
                           r"Agency|Command|Group|Office|Committee|Coordinator|Act|Base|Dialogue|Treaty)\b")


def _sentences(text: str) -> list[str]:
    """The release's content sentences: no byline, dateline or readout introduction is a fact or a lead."""
    return [text[s:e] for s, e in boilerplate.content_sentences(text)]


# A caliber ("155 mm", "105mm") or a model number ("AIM-9M", "F-16") is a name of a thing, not a figure.
_CALIBER = re.compile(r"\s?mm\b", re.IGNORECASE)
_DESIGNATION = re.compile(r"[A-Za-z]-?\d|\d-?[A-Za-z]")
# The words after a figure that say what it measures, up to punctuation or a function word.
_MEASURE = re.compile(r"(?:\s+(?!(?:in|to|for|and|or|of|from|with|by|at|on|as|that|which|the|a|an)\b)[\w-]+){1,4}")


def key_facts(text: str, limit: int = 15) -> list[KeyFact]:
    """Figures in the order the release gives them, each with its sentence, once each; calibers and model
    numbers are not figures."""
    facts: list[KeyFact] = []
    seen: set[str] = set()
    for sentence in _sentences(text):
        for kind, value, _, end in grounding.claims(sentence):
            if kind not in _VALUE_KINDS or value.lower() in seen:
                continue
            if kind == "number" and (_CALIBER.match(sentence, end) or _DESIGNATION.search(value)):
                continue
            seen.add(value.lower())
            facts.append(KeyFact(value=value, kind=kind, quote=sentence))
    return facts[:limit]


def fact_sentences(text: str, limit: int = 10) -> list[KeyFact]:
    """Each sentence that states figures, once, with all its figures and what each measures: "four
    high-mobility artillery rocket systems; 36,000 rounds; 18 tactical vehicles"."""
    grouped: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    for fact in key_facts(text, limit=100):
        at = fact.quote.find(fact.value)
        measure = _MEASURE.match(fact.quote, at + len(fact.value)) if at >= 0 and fact.kind == "number" else None
        grouped.setdefault(fact.quote, []).append(fact.value + (measure.group() if measure else ""))
        kinds.setdefault(fact.quote, fact.kind)
    return [KeyFact(value="; ".join(values), kind=kinds[quote], quote=quote)
            for quote, values in list(grouped.items())[:limit]]


def people(text: str) -> list[Person]:
    """Named people with the title the release puts before the name, first mention first."""
    found: dict[str, Person] = {}
    for sentence in _sentences(text):
        for kind, name, start, _ in grounding.claims(sentence):
            if kind != "person" or _NOT_A_PERSON.search(name):
                continue
            role_match = _ROLE.search(sentence[:start])
            role = " ".join(role_match.group(1).split()) if role_match else ""
            role = re.sub(r"^(?:(?:the|of|for)\s+)+|(?:\s+(?:the|of|for))+$|^(?:the|of|for)$", "", role)
            key = name.split()[-1]
            if key not in found or (role and not found[key].role):
                found[key] = Person(name=name if key not in found else found[key].name, role=role, quote=sentence)
    return list(found.values())


def organizations(text: str) -> list[str]:
    out: list[str] = []
    for m in _ORG.finditer(text):
        name = re.sub(r"^The\s+", "", " ".join(m.group(1).split()))
        # "Acting Pentagon Press Secretary ...": a title before a name, not a body.
        name = re.sub(r"^(?:(?:Acting|Deputy|Former|Then|Senior|Chief)\s+)+", "", name)
        if name not in out and not any(name in other for other in out):
            out = [o for o in out if o not in name] + [name]
    return out


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
    """Quoted words with their speaker: "X said" or "said X" right after the quote; "he said" is the
    last person named before it."""
    named = [(start, name) for kind, name, start, _ in grounding.claims(text) if kind == "person"]
    out: list[Quotation] = []
    previous_end = -1000
    for m in _QUOTE.finditer(text):
        after = _SAID_AFTER.match(text, m.end())
        speaker = ""
        if after:
            speaker = (after.group(1) or after.group(2) or "").strip()
            if not speaker:
                before = [name for start, name in named if start < m.start()]
                speaker = before[-1] if before else ""
        elif before := _SAID_BEFORE.search(text[max(0, m.start() - 160):m.start()]):
            speaker = before.group(1)
        elif out and m.start() - previous_end < 40:
            speaker = out[-1].speaker  # a quote that goes on after "Austin said."
        out.append(Quotation(speaker=speaker, text=" ".join(m.group(1).split())))
        previous_end = after.end() if after else m.end()
    return out


def lead(text: str, n: int = 2) -> str:
    """The release's first sentences: news writing puts what matters first."""
    return " ".join(_sentences(text)[:n])
