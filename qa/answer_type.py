"""What kind of value a question asks for, and whether a sentence holds one.

Used to prefer, among passages that match a question's words, those that
contain the kind of thing it asks for: a money amount for "how much", a
count for "how many", a date for "when".
"""

from __future__ import annotations

import re
from enum import Enum

from qa.analyze import MONTH_NAMES, stem, terms


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
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:[A-Z]\.\s+)?[A-Z][a-z]+)+")
_PLACE = re.compile(r"\b(?:in|at|near|to|from)\s+(?:the\s+)?[A-Z][a-z]+")


def answer_type(question: str) -> AnswerType:
    q = question.lower()
    for kind, pattern in _RULES:
        if pattern.search(q):
            return kind
    return AnswerType.OTHER


def holds(kind: AnswerType, sentence: str, sentence_terms: set[str], question_terms: set[str]) -> bool:
    """Whether a sentence contains a value of the kind asked for that the question does not already give."""
    new = sentence_terms - question_terms
    if kind is AnswerType.MONEY:
        return any(t.startswith("$") for t in new)
    if kind is AnswerType.PERCENT:
        return "percent" in sentence_terms and any(t[0].isdigit() for t in new)
    if kind is AnswerType.COUNT:
        return any(t[0].isdigit() for t in new)
    if kind is AnswerType.ORDINAL:
        return any(t.startswith("#") for t in new)
    if kind is AnswerType.DATE:
        return bool(new & _MONTH_TERMS) or any(len(t) == 4 and t.isdigit() for t in new)
    if kind is AnswerType.PERSON:
        return any(set(terms(m.group())) - question_terms for m in _NAME.finditer(sentence))
    if kind is AnswerType.PLACE:
        return _PLACE.search(sentence) is not None
    return False
