"""What kind of value a question asks for, and whether a sentence holds one.

Used to prefer, among passages that match a question's words, those that
contain the kind of thing it asks for: a money amount for "how much", a
count for "how many", a date for "when".
"""

from __future__ import annotations

import re
from enum import Enum

from qa.analyze import MONTH_NAMES, stem


class AnswerType(str, Enum):
    MONEY = "money"
    PERCENT = "percent"
    COUNT = "count"
    ORDINAL = "ordinal"
    DATE = "date"
    PERSON = "person"
    PLACE = "place"
    OTHER = "other"


_RULES: list[tuple[AnswerType, re.Pattern[str]]] = [
    (AnswerType.PERCENT, re.compile(r"\bwhat (percentage|percent|share)\b")),
    (AnswerType.MONEY, re.compile(r"\bhow much\b|\b(value|worth|cost|price|amount)\b")),
    (AnswerType.COUNT, re.compile(r"\bhow (many|old|long)\b|\bnumber of\b")),
    (AnswerType.ORDINAL, re.compile(r"\b(ordinal|anniversary|iteration|which (round|meeting|drawdown|tranche))\b")),
    (AnswerType.DATE, re.compile(r"\bwhen\b|\b(what|which) (date|day|year|month)\b")),
    (AnswerType.PERSON, re.compile(r"^(who|whom)\b|\bwho\b|\b(which|what) (\w+ ){0,3}(secretary|minister|official|"
                                   r"spokesman|spokeswoman|spokesperson|general|officer|person|leader)\b")),
    (AnswerType.PLACE, re.compile(r"\bwhere\b|\b(which|what) (city|country|base|place|location)\b")),
]

_MONTH_TERMS = frozenset(stem(m) for m in MONTH_NAMES)


def answer_type(question: str) -> AnswerType:
    q = question.lower()
    for kind, pattern in _RULES:
        if pattern.search(q):
            return kind
    return AnswerType.OTHER


def held_kinds(sentence_terms: list[str]) -> set[AnswerType]:
    """The kinds of value that a sentence's terms (from analyze.terms) contain.

    Names and places are left out: told apart only by capitals, nearly every
    sentence of a release would hold one, so they would reward nothing.
    """
    kinds: set[AnswerType] = set()
    for t in sentence_terms:
        if t.startswith("$"):
            kinds.add(AnswerType.MONEY)
        elif t.startswith("#"):
            kinds.add(AnswerType.ORDINAL)
        elif t[0].isdigit():
            kinds.add(AnswerType.COUNT)
            if len(t) == 4 and t.isdigit():
                kinds.add(AnswerType.DATE)
        elif t in _MONTH_TERMS:
            kinds.add(AnswerType.DATE)
    if AnswerType.COUNT in kinds and "percent" in sentence_terms:
        kinds.add(AnswerType.PERCENT)
    return kinds


_BITS = {kind: 1 << i for i, kind in enumerate(AnswerType)}


def to_mask(kinds: set[AnswerType]) -> int:
    return sum(_BITS[k] for k in kinds)


def bit(kind: AnswerType) -> int:
    return _BITS[kind]
