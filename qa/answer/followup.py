"""Follow-up questions: "and what did it include?" read with the conversation's earlier subject.

A question that names no subject of its own (no proper name, no figure, ordinal or date) is read as a
follow-up of the earlier turns: the words of their questions that say what they were about ("52nd drawdown",
"Spc. Jason A. Lucas") and the values they were answered with are searched along with it, and the release
the last answer stood on is looked in first. A question that names its own subject ("how much was the 13th
drawdown worth?") is left alone: it is about what it names, not about the earlier release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.answer.question import FRAME_WORDS
from qa.index.conversation import Turn
from qa.text import analyze
from qa.text.answer_type import AnswerType, answer_type

# Turns looked back over for a subject: a follow-up of a follow-up still reaches the question that named it.
DEPTH = 3
# An earlier answer this short is a value ("$175 million", "Kyiv", "52nd"): what the conversation is about.
VALUE_WORDS = 4

_WORD = re.compile(r"\$?[\w’'.,-]*\w")
_FIGURE = re.compile(r"[$#\d]")


@dataclass(frozen=True)
class Context:
    """What the earlier turns lend a follow-up: words to search with, and the releases to look in first."""

    turns: list[Turn]
    words: str
    releases: dict[str, str] = field(default_factory=dict)  # release id -> its source, the last answer's first

    def query(self, question: str) -> str:
        return f"{question} {self.words}" if self.words else question


def names_subject(question: str) -> bool:
    """Whether the question says what it is about: a proper name past its first word, or a figure, ordinal or
    date ("the 13th drawdown", "$450 million", "in 2014")."""
    words = _WORD.findall(question)
    if any(w[:1].isupper() and w != "I" for w in words[1:]):
        return True
    return any(_FIGURE.match(t) for t in analyze.terms(question))


def subject_words(question: str) -> list[str]:
    """The words of a question that say what it is about, in order: no stop words, no words that only frame
    the question ("worth", "according"), none that would change the kind of value a later question asks for."""
    kept = []
    for word in _WORD.findall(question):
        terms = analyze.terms(word)
        if terms and not set(terms) <= FRAME_WORDS and answer_type(word) is AnswerType.OTHER:
            kept.append(word)
    return kept


def context(question: str, history: list[Turn]) -> Context | None:
    """The earlier subject a follow-up is read with; None for a question that names its own, or no history."""
    if not history or names_subject(question):
        return None
    chain: list[Turn] = []
    for turn in reversed(history[-DEPTH:]):
        chain.insert(0, turn)
        if names_subject(turn.question):
            break  # the turn that named the subject: earlier ones were about something else
    # The subject is what the first turn of the chain asked about, and the value it was told; the follow-ups'
    # own words and answers ("include", "Joe Biden") are what they asked, not what the conversation is about.
    anchor = chain[0]
    words = subject_words(anchor.question)
    if anchor.answer.answered and anchor.answer.support == "full" and len(anchor.answer.answer.split()) <= VALUE_WORDS:
        words += subject_words(anchor.answer.answer)
    releases: dict[str, str] = {}
    for turn in reversed(chain):
        if turn.answer.answered and turn.answer.evidence:
            releases = {c.release_id: c.source for c in turn.answer.evidence}
            break
    unique: dict[str, str] = {}
    for w in words:
        unique.setdefault(w.lower(), w)
    return Context(turns=chain, words=" ".join(unique.values()), releases=releases)
