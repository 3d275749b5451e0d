"""Who provided, wrote or is credited with a release: answered from its attribution lines.

Bylines ("By C. Todd Lopez"), readout introductions ("Pentagon Press Secretary John Kirby provided the following
readout:") and "Attributed to ...:" lines are boilerplate: never a lead, bullet or evidence for what a release
reports. They are, though, the release's own word on who speaks in it, so a question about that ("who provided
the readout of Austin's call", "who wrote the article on ...") is answered from them; where a release has none, from
a sentence in which a person says something in the readout or statement asked about ("White said yesterday in a
readout of the meeting"), as a news story tells of one it does not print.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from qa.answer import full_name
from qa.answer.candidates import Evidence
from qa.answer.lift import Span
from qa.index.store import Store
from qa.models import Hit
from qa.text import analyze, boilerplate, sentences, spans, subject, wordnet
from qa.text.answer_type import AnswerType, answer_type

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

# The boilerplate kinds that credit someone with a release.
CREDITS = frozenset({"byline", "readout"})
# Lemmas of the verbs and nouns that make a "who" question one about a release's credit, read by the parser:
# "who provided the readout", "who wrote the article", "who is the announcement attributed to".
_VERBS = frozenset({"provide", "write", "author", "attribute", "issue", "give", "deliver", "release", "credit"})
_THINGS = frozenset({"readout", "statement", "article", "story", "announcement", "release", "byline", "report"})
# Which lines credit which thing: a byline names who wrote an article, never who issued the statement it quotes
# ("In a written statement, Morrell noted ..." under "By John D. Banusiewicz"); a readout or "Attributed to" line
# names who gave a readout or statement. A release, report or announcement may be credited either way.
_CREDITED_BY = {"readout": frozenset({"readout"}), "statement": frozenset({"readout"}),
                "article": frozenset({"byline"}), "story": frozenset({"byline"}), "byline": frozenset({"byline"})}


def asks_credit(question: str) -> bool:
    """Whether the question asks who is credited with a release (its readout, article or statement)."""
    doc = spans.parse(question)
    lemmas = {t.lemma_.lower() for t in doc}
    # "which press secretary provided the readout" asks for a person as "who" does.
    person = bool({"who", "whom"} & lemmas) or answer_type(question) is AnswerType.PERSON
    # A word is the thing or the act, as the parser reads it: "the release of hostages" names no act of releasing.
    acts = {t.lemma_.lower() for t in doc if t.pos_ != "NOUN"}
    return person and bool(_THINGS & lemmas) and bool(_VERBS & acts or any(_publishes(t) for t in doc))


def _publishes(verb: Token) -> bool:
    """Whether a verb, with its particle ("put out"), is in any sense a way to publish, issue or write, as WordNet
    knows verbs: "who put out the readout", not "who did he call per the readout"."""
    if verb.pos_ != "VERB":
        return False
    particle = next((c.lower_ for c in verb.children if c.dep_ == "prt"), None)
    forms = [f"{verb.lemma_.lower()}_{particle}"] if particle else [verb.lemma_.lower()]
    return any(wordnet.is_kind_of(form, kind, first=None, pos="verb") for form in forms for kind in _PUBLISH)


_PUBLISH = ("publish", "issue", "write")


def credited(question: str, hits: list[Hit], store: Store, missing: Callable[[Hit], int]) -> Evidence | None:
    """The attribution line crediting what the question asks about (its readout, article or statement) in the
    best-ranked release among those `missing` the fewest of the names the question gives, with the person it names
    as the short answer; None when that release has no such line (another release's byline would answer a
    question nobody asked)."""
    if not hits:
        return None
    things = {t.lemma_.lower() for t in spans.parse(question)} & _THINGS
    kinds = frozenset().union(*(_CREDITED_BY.get(t, CREDITS) for t in things)) if things else CREDITS
    hit = min(enumerate(hits), key=lambda p: (missing(p[1]), p[0]))[1]
    return next(_credits(hit, store, kinds), None) or next(_told_in(hit, store, things), None)


def holding(role: frozenset[str], idf: dict[str, float], hits: list[Hit], store: Store) -> Evidence | None:
    """For "who is the Pentagon press secretary": the person an attribution line of the hits' releases ties to the
    role ("Pentagon Press Secretary John Kirby provided the following readout:"), from the newest such release;
    None when no line names someone in that role."""
    weight = sum(idf.get(t, 1.0) for t in role)
    found: list[Evidence] = []
    for hit in hits:
        if any(e.release_id == hit.release_id for e in found):
            continue
        for ev in _credits(hit, store, CREDITS):
            assert ev.short is not None
            line = ev.text
            # The person's title is the words of the line before the name, and the phrase it stands in.
            tied = subject.tied_words(line, ev.short.start, ev.short.end) | set(analyze.terms(line[:ev.short.start]))
            if sum(idf.get(t, 1.0) for t in role & tied) >= weight / 2:
                found.append(ev)
                break
    return max(found, key=lambda e: e.date, default=None)


def _credits(hit: Hit, store: Store, kinds: frozenset[str]) -> Iterator[Evidence]:
    """Each attribution line of the `kinds` in the hit's release that names a person, as evidence with that person
    as its short answer (offsets in the line, as lift's)."""
    text = store.release_text(hit.release_id)
    for line in store.boilerplate(hit.release_id):
        if line.kind not in kinds:
            continue
        start, end = _trimmed(text, line)
        # The last name the line gives: "Pentagon Press Secretary Brig. Gen. Pat Ryder provided ..." may read
        # "Brig" as a name of its own too.
        person = next((e for e in reversed(spans.parse(text[start:end]).ents) if e.label_ == "PERSON"), None)
        if person is None:
            continue
        yield _credit(hit, text, (start, end), person)


def _told_in(hit: Hit, store: Store, things: set[str]) -> Iterator[Evidence]:
    """Each sentence of the hit's release whose person says something in the thing asked about ("Pentagon chief
    spokesperson Dana W. White said yesterday in a readout of the meeting"): a news story tells of a readout or
    statement it does not print, and names who gave it so. The person is the subject of a verb of saying (WordNet)
    whose phrase holds the thing, by the parse."""
    if not things:
        return
    text = store.release_text(hit.release_id)
    for start, end in sentences.spans(text):
        doc = spans.parse(text[start:end])
        for thing in (t for t in doc if t.pos_ == "NOUN" and t.lemma_.lower() in things):
            verb = next((a for a in thing.ancestors if a.pos_ == "VERB"), None)
            if verb is None or not wordnet.is_kind_of(verb.lemma_.lower(), "say", first=None, pos="verb"):
                continue
            person = next((e for e in doc.ents if e.label_ == "PERSON" and e.root.dep_ == "nsubj"
                           and e.root.head.i == verb.i), None)
            if person is None:
                continue
            # "Morrell said in a statement": Geoff Morrell, as the release named him.
            yield full_name.in_full(_credit(hit, text, (start, end), person))


def _credit(hit: Hit, text: str, line: tuple[int, int], person: SpacySpan) -> Evidence:
    """Evidence of the line (or sentence) that credits `person`, the person as its short answer (offsets in it)."""
    ev = Evidence(release_id=hit.release_id, title=hit.title, date=hit.date, source=hit.source,
                  release_text=text, spans=[line], chunk_ids=[hit.chunk_id], score=hit.score)
    ev.short = Span(person.text, person.start_char, person.end_char)
    return ev


def _trimmed(text: str, line: boilerplate.Span) -> tuple[int, int]:
    """The line without the whitespace around it: citation spans start and end on characters."""
    start, end = line.start, line.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
