"""A release read once by the trained pipeline (qa.text.nlp): its parse, entities and noun chunks, and which
of its characters are content (no byline, dateline or readout introduction).

Every reader of qa.brief (people, quotes, figures, relevance) asks here, so a release is parsed once per
process however many of them read it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from qa.text import boilerplate
from qa.text.nlp import pipeline

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


@lru_cache(maxsize=128)
def doc(text: str) -> Doc:
    """The release's text, parsed whole: entities and the parse read better with the paragraphs around."""
    return pipeline()(text)


@lru_cache(maxsize=512)
def phrase(text: str) -> Doc:
    """A short phrase parsed alone: the entity recogniser asked again about a name without its context."""
    return pipeline()(text)


@lru_cache(maxsize=128)
def content_spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(boilerplate.content_sentences(text))


def in_content(text: str, start: int, end: int) -> bool:
    """Whether the characters [start, end) lie inside one content sentence of the release."""
    return any(s <= start and end <= e for s, e in content_spans(text))


def sentence_of(text: str, start: int) -> str:
    """The content sentence (as boilerplate.content_sentences cuts them) that holds the character `start`."""
    for s, e in content_spans(text):
        if s <= start < e:
            return text[s:e]
    return ""


def left_run(root: Token, first: int) -> list[Token]:
    """The words of `root`'s phrase that stand before token index `first`, as one contiguous run ending right
    before it: the title in "Acting Pentagon Press Secretary Todd Breasseale", not the sentence's opening."""
    subtree = {t.i for t in root.subtree}
    run: list[Token] = []
    i = first - 1
    while i >= 0 and i in subtree:
        run.insert(0, root.doc[i])
        i -= 1
    return run


def clean(span: Span | str) -> str:
    """An entity's words without a leading article, a possessive ending or editors' brackets."""
    text = span if isinstance(span, str) else span.text
    text = text.replace("[", "").replace("]", "")
    text = " ".join(text.split())
    for article in ("the ", "The "):
        if text.startswith(article):
            text = text[len(article):]
    for ending in ("'s", "’s", "'", "’"):
        if text.endswith(ending):
            text = text[: -len(ending)]
    if text.count("(") > text.count(")"):  # "Department of Defense (DoD": the entity stopped inside brackets
        text = text[:text.rindex("(")]
    return text.strip(" ,;:")
