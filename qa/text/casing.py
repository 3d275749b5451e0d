"""Names a question typed in lower case gives, read off the casing of the releases it found: in "who did carter
meet in london" the releases write "Carter" and "London" capitalised wherever they stand inside a sentence, so
both are names, though the parser, which learnt names from edited text, reads neither as one.

The casing is learnt from the texts at hand, not from a list. A word at a sentence's start tells nothing, nor
does a word the reader capitalised (the parser reads that one as written).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from qa.text.analyze import STOP_WORDS

# How often the texts must write a word inside sentences, and what share of those capitalised, for it to be a
# name: a word seen once may be a heading's; one written in lower case now and then is an ordinary word.
MIN_SEEN = 2
MIN_SHARE = 0.9

_WORD = re.compile(r"\b[a-z][a-z'’]*[a-z]\b")
# What stands before a word that opens a text, a line or a sentence, which is capitalised whatever it is.
_OPENING = re.compile(r"(?:^|[.!?:•\n\"“(]\s*)$")


def lower_case_names(question: str, texts: Iterable[str]) -> list[str]:
    """The question's lower-case words that the texts write as names ("carter"), and possessives typed without
    their apostrophe whose name they write so ("austins" for "Austin")."""
    texts = list(texts)
    found: list[str] = []
    for word in dict.fromkeys(_WORD.findall(question)):
        if word in STOP_WORDS or len(word) < 3:
            continue
        if _named(word, texts) or (word.endswith("s") and _named(word[:-1], texts)):
            found.append(word)
    return found


def _named(word: str, texts: list[str]) -> bool:
    """Whether the texts write `word` inside sentences often enough, and nearly always capitalised."""
    inside = capitalised = 0
    pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE)
    for text in texts:
        for m in pattern.finditer(text):
            if _OPENING.search(text[max(0, m.start() - 3):m.start()]):
                continue
            inside += 1
            capitalised += m.group(0)[0].isupper()
    return inside >= MIN_SEEN and capitalised >= MIN_SHARE * inside


def capitalised_each_time(word: str, text: str) -> bool:
    """Whether a short text (an answer's sentences) writes the word, each time, capitalised as a name is
    ("Austin", not "soundtrack"); too little text to leave out the openings of sentences, as `lower_case_names`
    does over whole releases."""
    found = re.findall(rf"\b{re.escape(word)}\b", text, re.IGNORECASE)
    return bool(found) and all(w[:1].isupper() for w in found)
