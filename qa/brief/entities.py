"""People, organisations and places of a release, from the trained entity recogniser; titles from the parse.

A person is a PERSON entity of the recogniser (a capitalised proper name, no article before it: "a Security
Sector Assistance Roadmap" is a thing), or a proper noun the release puts a title before that a recognised
person of the same release wears ("Secretary Teodoro" once "Secretary Austin" is known). Mentions merge on the
surname, so "Austin", "Secretary Austin" and "Secretary of Defense Lloyd J. Austin III" are one person with
the longest name and title given. A title is what the parse hangs before the name in its phrase (compound,
nmod, "of" phrases: "Pentagon Press Secretary Kingsley Wilson") or an apposition after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qa.brief import parsed
from qa.schemas import Person

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# Name endings that are not surnames: "Lloyd J. Austin III", "Gilberto Teodoro Jr.".
_SUFFIX = re.compile(r"^(?:[IVX]+|Jr\.?|Sr\.?)$")
# Words a title never starts with: articles, pronouns, adverbs, verbs ("newly appointed"), punctuation.
_NOT_TITLE_START = {"DET", "PRON", "ADV", "VERB", "AUX", "PUNCT", "CCONJ", "ADP", "PART", "SCONJ", "NUM"}
_PLACE = {"GPE", "LOC", "FAC"}


@dataclass
class Mention:
    name: str
    role: str
    start: int  # character offset of the name in the release
    end: int
    tokens: set[int] = field(default_factory=set)  # token indices of the name and its title


@dataclass
class Cast:
    """Who and what a release names: people with every mention of each, organisations, places."""
    people: dict[str, list[Mention]]  # surname -> mentions, first mention first
    organizations: list[str]
    places: list[str]


def surname(name: str) -> str:
    words = [w for w in name.split() if not _SUFFIX.match(w) and not re.fullmatch(r"[A-Z]\.", w)]
    return words[-1] if words else name


def _capitalised(text: str) -> bool:
    return bool(text) and text[0].isupper()


def _grow_left(doc: Doc, ent: Span) -> int:
    """Where the name really starts: a first name the recogniser left out next to a title ("Secretary of
    Defense Lloyd J. Austin III" is found as "J. Austin III") is taken when, asked again about the longer
    words alone, the recogniser calls them one person, or when it comes right after the object of the title's
    "of" phrase ("Secretary of National Defense Gilberto Teodoro Jr.": the title ends with "Defense")."""
    start = ent.start
    subtree = {x.i for x in ent.root.subtree}
    while start > 0:
        t = doc[start - 1]
        if t.pos_ != "PROPN" or t.ent_type_ or not _capitalised(t.text) or t.i not in subtree:
            break
        after_of_phrase = t.text.isalpha() and t.i > 0 and doc[t.i - 1].dep_ == "pobj"
        longer = doc[start - 1:ent.end].text
        if not after_of_phrase and not any(e.label_ == "PERSON" and e.start_char == 0
                                           for e in parsed.phrase(longer).ents):
            break
        start -= 1
    return start


def _said_alone_to_be_a_person(name: str) -> bool:
    """The recogniser, asked about the name alone, calls it a person."""
    return any(e.label_ == "PERSON" and e.end_char == len(name) for e in parsed.phrase(name).ents)


def _said_alone_to_be_something_else(name: str) -> bool:
    """The recogniser, asked about the name alone, calls it something else ("Air Force Brig": an organisation)."""
    return any(e.label_ != "PERSON" and e.end_char == len(name) for e in parsed.phrase(name).ents)


def _title(doc: Doc, root: Token, first: int) -> tuple[str, set[int]]:
    """The title the parse puts before the name (its phrase's words left of it), else an apposition after it."""
    run = parsed.left_run(root, first)
    while run and (run[0].pos_ in _NOT_TITLE_START or run[0].dep_ in ("poss", "case", "det")):
        run.pop(0)
    while run and run[-1].pos_ in ("PUNCT", "CCONJ", "ADP"):
        run.pop()
    if not run:
        # The parser may hang a long title elsewhere ("National Security Council Coordinator for Strategic
        # Communications John Kirby" after a quote): the proper nouns right before the name, joined by of/for.
        i = first - 1
        while i >= 0 and (doc[i].pos_ == "PROPN" or (doc[i].lower_ in ("of", "for", "in", "the", "and") and run)):
            run.insert(0, doc[i])
            i -= 1
        while run and run[0].pos_ != "PROPN":
            run.pop(0)
    if run:
        return " ".join(t.text for t in run).replace(" .", "."), {t.i for t in run}
    for child in root.children:  # "Rustem Umerov, Ukraine's defense minister, ..."
        if child.dep_ == "appos" and child.pos_ in ("NOUN", "PROPN") and child.ent_type_ != "PERSON":
            words = [t for t in child.subtree if t.pos_ != "PUNCT"]
            return " ".join(t.text for t in words), {t.i for t in words}
    return "", set()


def _is_name(ent: Span) -> bool:
    """A PERSON entity that names someone: a capitalised proper noun with no article before it."""
    text = parsed.clean(ent)
    if not _capitalised(text) or ent.root.pos_ != "PROPN":
        return False
    # "a Security Sector Assistance Roadmap": people take no article; a title then a name is no exception.
    return not any(c.dep_ == "det" and c.lower_ in ("a", "an", "the") for c in ent.root.children)


def read(text: str) -> Cast:
    doc = parsed.doc(text)
    ents = [e for e in doc.ents if e.label_ == "PERSON" and parsed.in_content(text, e.start_char, e.end_char)
            and _is_name(e)]
    # Words of the titles the recognised people wear ("secretary", "defense", "minister"): a capitalised word
    # among them before a name is part of a title, not of the name.
    title_words = {doc[i].lower_ for e in ents for i in _title(doc, e.root, _grow_left(doc, e))[1]
                   if doc[i].pos_ in ("PROPN", "NOUN") and not doc[i].is_stop and len(doc[i]) > 2}
    people: dict[str, list[Mention]] = {}
    named_tokens: set[int] = set()
    for ent in ents:
        start = _grow_left(doc, ent)
        name = parsed.clean(doc[start:ent.end])
        role, title_tokens = _title(doc, ent.root, start)
        mention = Mention(name=name, role=role, start=doc[start].idx, end=ent.end_char,
                          tokens=set(range(start, ent.end)) | title_tokens)
        people.setdefault(surname(name), []).append(mention)
    for key, mentions in list(people.items()):
        # Nothing is a person on one doubtful reading: a name of several words must read as a person alone too,
        # and a one-word name needs a title somewhere or the recogniser's word on it alone ("Kyiv" is none).
        mentions[:] = [m for m in mentions if len(m.name.split()) == 1 or not _said_alone_to_be_something_else(m.name)]
        if not mentions or (all(len(m.name.split()) == 1 and not m.role for m in mentions)
                            and not _said_alone_to_be_a_person(mentions[0].name)):
            del people[key]
            continue
        for m in mentions:
            named_tokens |= m.tokens
    _titled(doc, text, people, named_tokens, title_words)
    first_names = {w for ms in people.values() for m in ms for w in m.name.split()}
    organizations, places = [], []
    for ent in doc.ents:
        if not parsed.in_content(text, ent.start_char, ent.end_char):
            continue
        words = parsed.clean(ent)
        inside_person = set(range(ent.start, ent.end)) <= named_tokens
        if ent.label_ == "ORG" and not inside_person and words not in first_names and _capitalised(words):
            _add(organizations, words)
        elif ent.label_ in _PLACE and not inside_person and _capitalised(words):
            _add(places, words)
    return Cast(people=people, organizations=organizations, places=places)


def _titled(doc: Doc, text: str, people: dict[str, list[Mention]], named: set[int], title_words: set[str]) -> None:
    """Mentions the recogniser missed: a known surname alone ("Ryder said", tagged an organisation), or a proper
    name under a title that recognised people of this release wear ("Israeli Minister of Defense Yoav Gallant")."""
    for t in doc:
        if t.i in named or t.pos_ != "PROPN" or not _capitalised(t.text) or t.ent_type_ in _PLACE | {"NORP"}:
            continue
        if not parsed.in_content(text, t.idx, t.idx + len(t.text)):
            continue
        if t.text in people and not (t.i + 1 < len(doc) and doc[t.i + 1].pos_ == "PROPN"):
            people[t.text].append(Mention(name=t.text, role="", start=t.idx, end=t.idx + len(t.text), tokens={t.i}))
            named.add(t.i)
            continue
        if t.dep_ == "compound" or t.ent_type_ or t.lower_ in title_words:
            continue
        run = parsed.left_run(t, t.i)
        last_title = max((x.i for x in run if x.lower_ in title_words), default=None)
        if last_title is None:
            continue
        given = [x for x in run if x.i > last_title]
        if not all(x.pos_ == "PROPN" and x.text.isalpha() and _capitalised(x.text) for x in given):
            continue
        first = given[0].i if given else t.i
        role, tokens = _title(doc, t, first)
        name = doc[first:t.i + 1].text
        people.setdefault(surname(name), []).append(
            Mention(name=name, role=role, start=doc[first].idx, end=t.idx + len(t.text),
                    tokens=set(range(first, t.i + 1)) | tokens))
        named |= set(range(first, t.i + 1)) | tokens


def _add(found: list[str], name: str) -> None:
    if name.lower() not in (f.lower() for f in found):
        found.append(name)


def people(text: str) -> list[Person]:
    """Each person once, first mention first: the fullest name and the longest title any mention gives,
    with the sentence of the first mention."""
    out = []
    for mentions in read(text).people.values():
        name = max((m.name for m in mentions), key=len)
        role = max((m.role for m in mentions), key=len)
        out.append(Person(name=name, role=role, quote=parsed.sentence_of(text, mentions[0].start)))
    return out


def speaker_at(text: str, start: int, end: int) -> str:
    """The person mentioned at characters [start, end) as a byline would name them, title first ("Pentagon Press
    Secretary Kingsley Wilson"), or "" when no person is."""
    for mentions in read(text).people.values():
        if any(m.start < end and start < m.end for m in mentions):
            name = max((m.name for m in mentions), key=len)
            role = max((m.role for m in mentions), key=len)
            return f"{role} {name}" if role else name
    return ""


def organizations(text: str) -> list[str]:
    return read(text).organizations


def places(text: str) -> list[str]:
    return read(text).places
