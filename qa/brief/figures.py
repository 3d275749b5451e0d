"""Figures of a release with what each counts and the scope it names, read off the parse.

"Since 2014, the United States has committed more than $8.7 billion in security assistance to Ukraine" gives
$8.7 billion, measuring "security assistance", scoped "since 2014": two figures are alike only when both
agree (qa.brief.briefing pairs them so). A count is the noun its number modifies with that noun's words
("18 coastal and riverine patrol boats"); an amount is what its "in"/"of"/"for" phrase names, else the noun
it is the worth of ("package"). Phrases are whole subtrees of the parse, so a label never stops mid-phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qa.brief import parsed
from qa.text import grounding

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

KINDS = {"money", "number", "ordinal", "date"}
# Prepositions that set a figure's baseline or period: closed-class words of English.
SCOPE = {"since", "through", "under", "until"}
MEASURE = {"in", "of", "for"}
# Entities whose words are names, not quantities.
NAMES = {"ORG", "FAC", "GPE", "LOC", "PERSON", "LAW", "WORK_OF_ART", "PRODUCT"}
_CODE = re.compile(r"-\d|\)")
_CALIBER = re.compile(r"\s?mm\b", re.IGNORECASE)
_DESIGNATION = re.compile(r"[A-Za-z]-?\d|\d-?[A-Za-z]")


@dataclass
class Figure:
    value: str
    kind: str
    measure: str  # what it counts or amounts to: "security assistance", "coastal and riverine patrol boats"
    scope: str  # the baseline or period it names: "since 2014", "" when none
    sentence: str
    start: int  # of the value in the release
    end: int
    # The preposition between the figure and its measure, with the words the measure leaves out: "in" of "$8.7 billion
    # in security assistance", "of its" of "101.2 percent of its goal".
    link: str = ""

    @property
    def label(self) -> str:
        """The figure as a phrase: "$8.7 billion in security assistance since 2014", "two-day"."""
        measure = " ".join(p for p in (self.link, self.measure) if p)
        words = self.value + (measure if measure.startswith("-") or not measure else " " + measure)
        return " ".join(p for p in (words, self.scope) if p)


def _words(tokens: list[Token]) -> str:
    if not tokens:
        return ""
    doc = tokens[0].doc
    text = doc[tokens[0].i:tokens[-1].i + 1].text
    return " ".join(text.split()).strip(" ,;:")


def _subtree(t: Token) -> list[Token]:
    return sorted(t.subtree, key=lambda x: x.i)


def _root(doc: Doc, start: int, end: int) -> Token | None:
    inside = [t for t in doc if start <= t.idx < end]
    outside = [t for t in inside if not (start <= t.head.idx < end) or t.head.i == t.i]
    return outside[0] if outside else (inside[-1] if inside else None)


def _measure(root: Token, value_end: int) -> tuple[str, str, Token]:
    """What the figure counts, the preposition that links it ("in" security assistance; "" when none), and the word
    to look for its scope from."""
    head = root.head
    if root.dep_ in ("nummod", "quantmod", "compound", "amod") and head.pos_ in ("NOUN", "PROPN") and head.i > root.i:
        words = [t for t in root.doc[root.i + 1:head.i + 1] if t.idx >= value_end]
        of = [c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"]
        if of:
            words += _subtree(of[0])
        return _words(words), "", head
    for holder in (root, head):
        preps = [c for c in holder.children if c.dep_ == "prep" and c.lower_ in MEASURE and c.i > root.i
                 and not any(t.ent_type_ == "DATE" for t in c.subtree)]
        if preps:
            pobj = [c for c in preps[0].children if c.dep_ == "pobj"]
            # "in security assistance": the noun and its own words, not the "to Ukraine" beyond. A name is no
            # measure: "24, of Columbus" is an age and a home town.
            if pobj and pobj[0].ent_type_ not in NAMES:
                noun = _noun(pobj[0])
                # The words the noun leaves out, kept in the label: "of its goal", "of the six reserve components".
                whole = _words(list(root.doc[pobj[0].left_edge.i:pobj[0].i + 1]))
                before = whole[:-len(noun)].strip() if whole.endswith(noun) else ""
                return noun, " ".join(w for w in (preps[0].lower_, before) if w), root.head
    if head.lower_ == "worth" and head.head.pos_ in ("NOUN", "PROPN"):  # "a package, worth $175 million"
        return _noun(head.head), "", head.head
    if root.dep_ in ("dobj", "attr") and head.pos_ in ("VERB", "AUX"):  # "The package totals $300 million"
        subject = [c for c in head.children if c.dep_ == "nsubj" and c.pos_ in ("NOUN", "PROPN")]
        if subject:
            return _noun(subject[0]), "", head
    return "", "", root.head


def _noun(noun: Token) -> str:
    """A noun with the words before it in its phrase, no article or demonstrative: "security assistance package"."""
    first = noun.i
    for t in sorted(noun.lefts, key=lambda t: -t.i):
        if t.i == first - 1 and t.dep_ in ("compound", "amod", "nmod") and t.pos_ != "ADV":
            first = t.left_edge.i if t.left_edge.pos_ not in ("DET", "PRON", "ADV") else t.i
    return _words(list(noun.doc[first:noun.i + 1]))


def _scope(root: Token, anchor: Token) -> str:
    """The baseline or period the figure is stated over, as its "since"/"through"/"under" phrase says it."""
    holders = [root, anchor]
    verb = root
    while verb.head.i != verb.i and verb.pos_ not in ("VERB", "AUX"):
        verb = verb.head
    holders.append(verb)
    for holder in holders:
        for c in holder.children:
            # "since 2014" (a phrase), or "Since Russia invaded Ukraine on Feb. 24, 2022" (a clause)
            clause = c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "since" for m in c.children)
            # A phrase with a noun ("until 2025"), not a clause ("until it merged with ...": what happened next).
            phrase = c.dep_ == "prep" and c.lower_ in SCOPE and any(x.dep_ == "pobj" for x in c.children)
            if (phrase or clause) and not any(x.i == root.i for x in c.subtree):
                words = _subtree(c)
                cut = next((i for i, t in enumerate(words) if t.is_punct and t.text != "-"), len(words))
                scope = _words(words[:cut])  # up to a comma: ", including ..." is another figure's
                return scope[:1].lower() + scope[1:]
    return ""


def figures(text: str) -> list[Figure]:
    """Every figure of the release's content sentences, in order; calibers and model numbers are names of
    things, not figures."""
    doc = parsed.doc(text)
    out: list[Figure] = []
    for s, e in parsed.content_spans(text):
        sentence = text[s:e]
        for kind, value, start, end in _claims(sentence):
            if kind not in KINDS:
                continue
            if kind == "number" and (_CALIBER.match(sentence, end) or _DESIGNATION.search(value)):
                continue
            root = _root(doc, s + start, s + end)
            if root is not None and root.ent_type_ in NAMES:
                continue  # a word of a name: "Second Thomas Shoal", "10th Mountain Division"
            if kind == "number" and (_CODE.match(sentence, end) or sentence[max(0, start - 1):start] in ("(", "-")):
                continue  # a code or a telephone number: "No. 1031-06", "(315) 772-5461"
            if kind == "number" and value.isdigit() and (value.startswith("0") or 1800 <= int(value) <= 2100):
                continue  # a year ("Since 2014", "the 1951 Treaty"), said by what it dates; "06" of a code
            measure, link, scope = "", "", ""
            if root is not None and kind != "date":
                measure, link, anchor = _measure(root, s + end)
                scope = _scope(root, anchor)
            out.append(Figure(value=value, kind=kind, measure=measure, scope=scope, sentence=sentence,
                              start=s + start, end=s + end, link=link))
    return out


def _claims(sentence: str) -> list[tuple[str, str, int, int]]:
    """grounding.claims, with the figures inside a quotation too ("...committed approximately $6.8 billion...,"
    Breasseale said): a figure said is a figure stated."""
    out: list[tuple[str, str, int, int]] = []
    for kind, value, start, end in grounding.claims(sentence):
        if kind == "quote":
            out += [(k, v, start + s, start + e) for k, v, s, e in grounding.claims(value) if k != "quote"]
        else:
            out.append((kind, value, start, end))
    return sorted(out, key=lambda c: c[2])
