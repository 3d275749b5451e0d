"""Multi-part questions: one question about two things ("the $450 million drawdown and the $50 million
drawdown", "in the September 11, 2023 article ... and in the March 12, 2024 article"), split into one
question per thing, each answered on its own evidence; and "which two ..." questions, answered from
two releases."""

from __future__ import annotations

import re

from qa.text import analyze

# A thing the question names by a figure, an ordinal or a date: what tells its parts apart.
_ANCHOR = re.compile(
    r"\$\s?\d[\d,.]*(?:\s*(?:thousand|million|billion|trillion))?|\b\d+(?:st|nd|rd|th)\b"
    r"|\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|"
    r"fourteenth|fifteenth)\b"
    r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}",
    re.IGNORECASE)
# Where a part starts: the article or preposition before its anchor.
_LEAD = re.compile(r"(?:\b(?:in|on|of|for|from|at|by)\s+)?(?:\bthe\s+)?$", re.IGNORECASE)
_TOTAL = re.compile(r"\b(?:combined|total)\s+(?=value)", re.IGNORECASE)
_PLURAL_ASK = re.compile(r"\b(?:which|what)\s+(two|three|both)\b|\bboth\b", re.IGNORECASE)


def split(question: str) -> list[str]:
    """The question's parts, each a whole question; [question] when it asks about one thing."""
    for m in re.finditer(r"\s+and\s+", question):
        left, right = question[:m.start()], question[m.end():]
        a = list(_ANCHOR.finditer(left))
        b = _ANCHOR.search(right)
        if not a or not b:
            continue
        anchor = a[-1]
        lead = _LEAD.search(left[:anchor.start()])
        part_start = lead.start() if lead else anchor.start()
        frame = left[:part_start]
        if not frame.strip():
            continue
        if _same(anchor.group(), b.group()):
            continue
        # Each part asks for its own value: "the combined value of A and B" is A's value and B's value.
        frame = _TOTAL.sub("", frame)
        first = frame + left[part_start:].rstrip(" ,") + "?"
        # "the value of A and B": B's part needs A's preposition.
        prep = re.match(r"(?:in|on|of|for|from|at|by)\s+", left[part_start:anchor.start()], re.IGNORECASE)
        needs = prep and not re.match(r"(?:in|on|of|for|from|at|by)\s", right, re.IGNORECASE)
        second = frame + (prep.group() if needs else "") + right
        return [first, second]
    return [question]


def _same(a: str, b: str) -> bool:
    return analyze.terms(a) == analyze.terms(b)


def wants_several(question: str) -> int:
    """How many answers from different releases a question asks for ("which two officials"): 0 for one."""
    m = _PLURAL_ASK.search(question)
    if not m:
        return 0
    word = (m.group(1) or "both").lower()
    return {"two": 2, "three": 3, "both": 2}[word]
