"""Whole spans from the trained parse: a name with its ordinal, qualifier and place parts, never a fragment.

A value found by the lexicon of figures and names, or by a capitalised run, can stop inside what the text names:
"Airborne Division" of "the 82nd Airborne Division", "Mountain Pass" of "Mountain Pass, California", "Public Law
117" of "Public Law 117-169". The parser and the entity recogniser know where the name ends; this module grows
a span to that end and tells what kind of thing it names. Sentences are parsed once per process (cached): the
same candidate sentences come back for every question about a release.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from qa.text import nlp, wordnet

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# Entity labels that name a thing (not a quantity): a span touching one grows to its whole.
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT", "LAW", "WORK_OF_ART"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Modifiers that belong to a name before its head: "10th" of "10th Mountain Division", "Brigade Support".
_NAME_MODIFIERS = frozenset({"compound", "amod", "nummod", "nmod"})


@lru_cache(maxsize=8192)
def parse(text: str) -> Doc:
    """The parse of one piece of evidence (a sentence or two), cached for the process."""
    return nlp.pipeline()(text)


def tokens_in(doc: Doc, start: int, end: int) -> list[Token]:
    """The tokens of `doc` that the characters [start, end) overlap."""
    # spaCy finds the tokens from its character offsets without walking the whole document, which every lifted
    # value's check did before (a tenth of an answer's time); a range it cannot align is walked as before.
    span = doc.char_span(start, end, alignment_mode="expand") if start < end else None
    if span is not None:
        return list(span)
    return [t for t in doc if t.idx < end and t.idx + len(t) > start]


def labels(text: str, start: int, end: int) -> set[str]:
    """The entity labels the recogniser gives to what the span [start, end) of `text` overlaps."""
    return {e.label_ for e in parse(text).ents if e.start_char < end and e.end_char > start}


def unpossessed(entity: Span) -> Span:
    """An entity the recogniser reads with the possessive's mark of the next word ("Hassan Sheikh’s
    administration"), without the mark."""
    if len(entity) < 2 or entity[-1].tag_ != "POS":
        return entity
    from spacy.tokens import Span  # the pipeline has loaded spaCy by now; a slice alone would lose the label

    return Span(entity.doc, entity.start, entity.end - 1, label=entity.label_)


def _root(tokens: list[Token]) -> Token:
    """The token of the span whose head lies outside it: the head of the phrase."""
    inside = {t.i for t in tokens}
    return next((t for t in tokens if t.head.i not in inside or t.head.i == t.i), tokens[-1])


def _is_name_part(t: Token) -> bool:
    return t.is_title or t.is_upper or t.like_num or t.text[:1].isdigit()


def complete(text: str, start: int, end: int, person: bool = False) -> tuple[int, int]:
    """The span [start, end) of `text` grown to the whole name it stands in. `person`: a person's name, grown to
    the recogniser's whole name only, never to the title before it ("Moisiuk", not "Lieutenant General Moisiuk")."""
    doc = parse(text)
    tokens = tokens_in(doc, start, end)
    if not tokens:
        return start, end
    start, end = min(start, tokens[0].idx), max(end, tokens[-1].idx + len(tokens[-1]))
    for ent in map(unpossessed, doc.ents):
        if person and ent.label_ != "PERSON":
            continue
        if ent.label_ in NAME_LABELS and ent.start_char < end and ent.end_char > start and len(ent) <= 8:
            first = ent[1:] if ent[0].dep_ == "det" or ent[0].lower_ == "the" else ent
            if len(first):
                start, end = min(start, first.start_char), max(end, ent.end_char)
    end = _cut_at_preposition(doc, end)
    tokens = tokens_in(doc, start, end)
    root = _root(tokens)
    if person or any(e.label_ == "PERSON" and e.start_char < end and e.end_char > start for e in doc.ents):
        # A person's name is the answer, not the title before it ("JD Vance", not "Vice President JD Vance").
        return _particled(doc, tokens), _joined(text, end if not tokens else _particled_end(tokens))
    # Left modifiers of the head that are parts of the name: "10th" before "Brigade Support Battalion".
    left = tokens[0].i - 1
    while left >= 0 and doc[left].head.i in {t.i for t in tokens_in(doc, start, end)} \
            and doc[left].dep_ in _NAME_MODIFIERS and _is_name_part(doc[left]):
        start = doc[left].idx
        left -= 1
    end = _kind_noun(doc, root, end)
    end = _numbered(doc, end)
    end = _parenthetical(doc, root, end)
    end = _place_part(doc, root, start, end)
    end = _joined(text, end)
    if text.count("(", start, end) > text.count(")", start, end):
        close = text.find(")", end)
        end = close + 1 if 0 <= close - end < 40 else end
    return start, end


def _cut_at_preposition(doc: Doc, end: int) -> int:
    """Where a name ends that the recogniser cut after a preposition of its own: "United States Agency for" and
    "International Development" read as two organisations, the second right after the first."""
    for ent, after in zip(doc.ents, doc.ents[1:]):
        if ent.end_char == end and ent[-1].pos_ == "ADP" and after.label_ == ent.label_ and after.start == ent.end:
            return after.end_char
    return end


def _numbered(doc: Doc, end: int) -> int:
    """Where a name ends whose last word a number after it numbers ("Malaysia Airlines Flight 17", "Resolution
    2334", "Article 5"): the parse hangs the number on that word; a name's word is capitalised."""
    last = next((t for t in reversed(doc) if t.idx + len(t) <= end), None)
    after = doc[last.i + 1] if last is not None and last.i + 1 < len(doc) else None
    if after is not None and after.idx >= end and after.like_num and after.dep_ == "nummod" \
            and after.head.i == last.i and last.text[:1].isupper():
        return after.idx + len(after)
    return end


def _particled(doc: Doc, tokens: list[Token]) -> int:
    """Where a person's name starts when the span opens on a lower-case particle of it ("von der" of "Ursula von
    der Leyen", which the recogniser may miss): back over the particles and the one name before them that the
    parse compounds into it, unless that word is a title, a kind of person in WordNet ("Minister von der Leyen");
    never further. Likewise when it opens on a surname the recogniser does not read as a person: back over the
    given name compounded into it ("Fikri Işik")."""
    first = tokens[0]
    if first.is_title and first.pos_ == "PROPN" and first.ent_type_ != "PERSON":
        # A surname the recogniser missed ("Işik" of "Minister of Defense Fikri Işik"): the given name the parse
        # compounds into it comes along, unless that word is a title.
        before = doc[first.i - 1] if first.i else None
        if before is not None and _given_name(before, first):
            return before.idx
        return first.idx
    if not first.is_lower or first.dep_ != "compound":
        return first.idx
    i = first.i - 1
    while i >= 0 and doc[i].is_lower and doc[i].dep_ == "compound" and doc[i].head.i > i:
        i -= 1
    before = doc[i] if i >= 0 else None
    if before is not None and before.pos_ == "PROPN" and before.is_title and before.dep_ == "compound" \
            and before.head.i > i and not wordnet.is_kind_of(before.lower_, "person"):
        return before.idx
    return doc[i + 1].idx


# Ranks climb far to "person" (general -> general officer -> ... -> worker -> person: seven steps).
_TITLE_DEPTH = 10


def _given_name(before: Token, name: Token) -> bool:
    """Whether `before` is a given name the parse compounds into `name`: a capitalised proper noun, no title (a kind
    of person in WordNet), no abbreviation ("Gen.") and no part of another name the recogniser reads."""
    return (before.pos_ == "PROPN" and before.is_title and before.dep_ == "compound" and before.head.i == name.i
            and not before.ent_type_ and before.text.isalpha()
            and not wordnet.is_kind_of(before.lower_, "person", first=None, depth=_TITLE_DEPTH))


def _particled_end(tokens: list[Token]) -> int:
    """Where a person's name ends when the span closes on a lower-case particle the parse compounds into the name
    after it ("von der" → "von der Leyen")."""
    last = tokens[-1]
    while last.is_lower and last.dep_ == "compound" and last.head.i > last.i and (
            last.head.pos_ == "PROPN" or last.head.is_lower and last.head.dep_ == "compound"):
        last = last.head
    return max(tokens[-1].idx + len(tokens[-1]), last.idx + len(last))


def _kind_noun(doc: Doc, root: Token, end: int) -> int:
    """The common noun a name modifies, which says what kind of thing it names: "Sarobi district", "AIM-9M and
    AIM-7 missiles" (the first of coordinated names modifies it for all of them)."""
    first = root
    while first.dep_ == "conj" and first.head.i < first.i:
        first = first.head
    noun = first.head
    if first.dep_ not in ("compound", "nmod") or noun.pos_ != "NOUN" or not noun.is_lower or noun.idx < end:
        return end
    inside = {t.i for t in noun.subtree}
    between = [t for t in doc[root.i + 1:noun.i] if t.idx >= end]
    if len(between) > _KIND_GAP or any(t.i not in inside for t in between):
        return end
    return noun.idx + len(noun)


# Most words between a name and the noun it modifies that may still be parts of the name ("AIM-9" "M").
_KIND_GAP = 2


def _parenthetical(doc: Doc, root: Token, end: int) -> int:
    """A bracketed qualifier of the name: "10th Mountain Division (Light Infantry)"."""
    after = [t for t in doc if t.idx >= end]
    if len(after) >= 3 and after[0].text == "(" and after[0].head.i == root.i:
        close = next((t for t in after[1:6] if t.text == ")"), None)
        if close is not None and all(_is_name_part(t) for t in after[1:close.i - after[0].i]):
            return close.idx + 1
    return end


def _place_part(doc: Doc, root: Token, start: int, end: int) -> int:
    """A place with the state or country that qualifies it: "Mountain Pass, California", "Aurora, Colorado"; also
    a proper name the recogniser gave no place label when what follows is one ("Naval Submarine Base Kings Bay,
    Georgia")."""
    if not labels(doc.text, start, end) & PLACE_LABELS and root.pos_ != "PROPN":
        return end
    after = [t for t in doc if t.idx >= end]
    if len(after) >= 2 and after[0].text == "," and after[1].dep_ in ("appos", "npadvmod") \
            and after[1].head.i == root.i:
        part = next((e for e in doc.ents if e.start == after[1].i and e.label_ in PLACE_LABELS), None)
        if part is not None:
            return part.end_char
    return end


def _joined(text: str, end: int) -> int:
    """Characters joined to the span without a space: "117-169", "AIM-9M"."""
    while end + 1 < len(text) and text[end] in "-/" and text[end + 1].isalnum():
        end += 1
        while end < len(text) and (text[end].isalnum()):
            end += 1
    return end


def phrase_end(text: str, start: int, end: int) -> int:
    """Where the noun phrase that opens at `start` ends: "43,519 accessions" of "43,519 accessions in fiscal year
    2014"; past `end` only when the span stops on a modifier of a noun after it ("nearly 200 State Department
    employees", not "... State Department"), never to a bracket it opens and does not close. `end` when no noun
    phrase of the parse holds `start`."""
    doc = parse(text)
    last = tokens_in(doc, start, end)[-1:]
    cut = bool(last) and last[0].dep_ in ("compound", "amod") and last[0].head.i > last[0].i
    for chunk in doc.noun_chunks:
        if chunk.start_char <= start < chunk.end_char and (chunk.end_char <= end or cut and text.count(
                "(", start, chunk.end_char) == text.count(")", start, chunk.end_char)):
            return chunk.end_char
    return end
