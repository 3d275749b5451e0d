"""A person the answer names in part is given by the whole name their release first gives them.

Releases name a person in full once, then by surname ("Staff Sgt. Matthew V. Thompson ... Thompson was
assigned"), and the sentence that answers is often a later one: "Takano" for "who created the script", where
the release introduced "Mitsuhiro Takano". The whole name is the answer a reader can use; the sentence that gives
it is cited before the answer's own, so the name still stands in what is cited.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

from qa.answer.candidates import Evidence
from qa.answer.lift import Span, with_rank
from qa.text import analyze, sentences, spans, wordnet

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Span as Name

# Capitalised words (abbreviations too) that end right before a name: its title, "Lance Cpl. ", "Staff Sgt. ".
_TITLE_BEFORE = re.compile(r"(?:\b[A-Z][\w’'-]*\.?\s+){1,4}$")
# A whole name is a few words: "Mitsuhiro Takano", "Datuk Seri Hishammuddin Tun Hussein".
_MAX_WORDS = 6


def in_full(ev: Evidence) -> Evidence:
    """`ev` with its one-word person answer grown to the one whole name its release gives it before (the
    surname's last word, or the given name's first): earlier in the answer's own sentences ("[Gen. Thomas D.
    Waldhauser] ... with Waldhauser"), or in an earlier sentence, which is then cited first; `ev` itself when the
    answer is no single word, or the release gives no such name or more than one."""
    short = ev.short
    if short is None or len(short.text.split()) != 1 or not ev.spans:
        return ev
    word = short.text.strip()
    found: dict[str, tuple[int, int, tuple[int, int] | None]] = {}
    before = ev.text[:short.start]
    for e in _named(spans.parse(before)):
        if _names(e, word):
            found.setdefault(e.text, (e.start_char, e.end_char, None))
    text = ev.release_text
    for start, end in sentences.spans(text[:ev.spans[0][0]]):
        for e in _named(spans.parse(text[start:end])):
            if _names(e, word):
                found.setdefault(e.text, (e.start_char, e.end_char, (start, end)))
    if len(found) != 1:
        return ev  # none, or two people who share the word: which one is meant is not certain
    name, (at, until, sentence) = next(iter(found.items()))
    if sentence is None:
        at = with_rank(before, at)
        return replace(ev, short=Span(before[at:until], at, until))
    whole = text[sentence[0]:sentence[1]]
    at = with_rank(whole, at)
    return replace(ev, spans=[sentence, *ev.spans], short=Span(whole[at:until], at, until))


def _named(doc: Doc) -> list[Name]:
    """The recogniser's names, and the parser's where it reads none: proper nouns compounded onto one, none of
    them an English noun ("Minister of Defense Nyamaa Enkhbold", which the small model leaves unlabelled), as a
    person's name."""
    from spacy.tokens import Span as Name  # at run time: the parse is loaded by now

    found = list(doc.ents)
    for t in doc:
        if t.pos_ != "PROPN" or t.ent_type_ or t.dep_ == "compound":
            continue
        first = t
        while first.i > 0 and (c := doc[first.i - 1]).dep_ == "compound" and c.head.i == t.i and c.pos_ == "PROPN" \
                and not c.ent_type_ and c.is_title and not wordnet.senses(c.lower_):
            first = c
        if first.i < t.i and t.is_title and not wordnet.senses(t.lower_):
            found.append(Name(doc, first.i, t.i + 1, label="PERSON"))
    return found


def _names(e: Name, word: str) -> bool:
    """Whether the recogniser's name `e` is a whole name of a person that `word` begins or ends."""
    words = e.text.split()
    return word in (words[0], words[-1]) and _whole(e)


def _whole(e: Name) -> bool:
    """Whether the recogniser's name `e` is a person's whole name: a few words, read as a person's."""
    words = e.text.split()
    return 1 < len(words) <= _MAX_WORDS and _person(e.label_, words)


def names_in_full(ev: Evidence, texts: list[str]) -> set[str]:
    """The terms of the whole names an earlier sentence of the release gives the people `texts` name by one word
    ("Webb, White, and Williams all died June 20" after "Lance Cpl. Brandon J. Webb, 20, ..."): a question that
    names them in full is about them. A word two people share is left out."""
    whole = _whole_names(ev.release_text[:ev.spans[0][0]] if ev.spans else "")
    named = {w.strip(",.;:") for t in texts for w in t.split()}
    return {term for word in named if len(whole.get(word, ())) == 1
            for term in analyze.terms(next(iter(whole[word])))}


@lru_cache(maxsize=256)
def _whole_names(text: str) -> dict[str, frozenset[str]]:
    """The whole names, with their titles, that the text gives people, by their last word; read once for a
    release's text before an evidence sentence, which unsaid and referred_to both ask about."""
    whole: dict[str, set[str]] = {}
    for start, end in sentences.spans(text):
        sentence = text[start:end]
        for e in spans.parse(sentence).ents:
            if _whole(e):
                # With the title the name is given with: the capitalised words right before it ("Lance Cpl.").
                title = _TITLE_BEFORE.search(sentence[:e.start_char])
                whole.setdefault(e.text.split()[-1], set()).add((title.group() if title else "") + e.text)
    return {word: frozenset(names) for word, names in whole.items()}


def _person(label: str, words: list[str]) -> bool:
    """A name the recogniser reads as a person's, or as a body's when none of its words is an English noun: the
    small model calls "Mitsuhiro Takano" an organisation, never "Lockheed Martin" (a martin is a bird)."""
    return label == "PERSON" or label == "ORG" and not any(wordnet.senses(w) for w in words)
