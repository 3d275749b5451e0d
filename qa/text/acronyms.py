"""Acronyms and their long forms, learned from the releases themselves.

Readers write "HIMARS" where a release writes "High Mobility Artillery Rocket
Systems", and the other way round; BM25 sees no shared term. A hand list would
miss every acronym of a release not yet seen, so each release teaches its own:

- "long form (ACRONYM)": the acronym's letters are the initials of the words
  just before it (a word may give the first two or three letters, as in
  "HIgh"; hyphenated words count each part; of/and/the... are optional);
- an all-capital word and, in the same release, a run of capitalised words
  whose first letters spell it exactly ("UDCG" ... "Ukraine Defense Contact
  Group"): stricter, since nothing ties the two together but the release.
"""

from __future__ import annotations

import re
from functools import cache

# Words a long form may hold without a letter in the acronym ("Department of Defense", "Surface-to-Air").
SMALL = frozenset("a an and at by de for in of on or the to with".split())

_IN_PARENS = re.compile(r"\(([A-Z][A-Za-z]*[A-Z]s?)\)")
_ALL_CAPS = re.compile(r"\b([A-Z]{3,})(s?)\b")
_ROMAN = re.compile(r"[IVXLCDM]+")
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
# Anything but letters, spaces, hyphens and apostrophes ends a run of words that could be a long form.
_BREAK = re.compile(r"[^A-Za-z \t'’-]+")


def _letters(acronym: str) -> list[str]:
    """The letters a long form must spell: a trailing plural "s" ("HARMs") is optional."""
    lower = acronym.lower()
    if acronym.endswith("s") and not acronym.isupper():
        return [lower[:-1], lower]
    return [lower]


def spells(letters: str, words: list[str], *, strict: bool) -> bool:
    """Whether the words' initials spell the letters. Every word but a small one gives letters: its
    first (strict) or the first one to three (loose); small words may give their first or none."""

    @cache
    def match(i: int, j: int) -> bool:
        if j == len(words):
            return i == len(letters)
        word = words[j].lower()
        if word in SMALL and j > 0 and match(i, j + 1):
            return True
        if strict and word not in SMALL and not words[j][0].isupper():
            return False
        longest = 1 if strict or word in SMALL else 3
        return any(letters[i:i + k] == word[:k] and match(i + k, j + 1)
                   for k in range(1, min(longest, len(word)) + 1) if i + k <= len(letters))

    return bool(words) and words[0].lower() not in SMALL and match(0, 0)


def _before(text: str, end: int, letters: str) -> str | None:
    """The shortest run of words ending at `end` whose initials spell the letters, as written."""
    phrase = _BREAK.split(text[:end].rstrip())[-1]
    words = [(m.group(), m.start()) for m in _WORD.finditer(phrase)]
    for n in range(1, min(len(words), 2 * len(letters) + 2) + 1):
        tail = words[-n:]
        if spells(letters, [w for w, _ in tail], strict=False):
            return " ".join(phrase[tail[0][1]:].split())
    return None


def _spelled_in(text: str, letters: str) -> str | None:
    """The first run of capitalised words anywhere in the text whose first letters spell the letters."""
    for phrase in _BREAK.split(text):
        words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(phrase)]
        for j, (word, start, _) in enumerate(words):
            if word[0].lower() != letters[0] or not word[0].isupper():
                continue
            for n in range(len(letters), min(len(words) - j, 2 * len(letters)) + 1):
                run = words[j:j + n]
                if spells(letters, [w for w, _, _ in run], strict=True):
                    return " ".join(phrase[start:run[-1][2]].split())
    return None


def learn(title: str, text: str) -> list[tuple[str, str]]:
    """(acronym, long form) pairs a release defines, each once, in the order they first appear."""
    body = f"{title}\n{text}"
    found: dict[str, str] = {}
    for m in _IN_PARENS.finditer(body):
        acronym = m.group(1)
        if sum(c.isupper() for c in acronym) < 2 or acronym in found:
            continue
        for letters in _letters(acronym):
            if long := _before(body, m.start(), letters):
                found[acronym] = long
                break
    for m in _ALL_CAPS.finditer(body):
        acronym = m.group(1) + m.group(2)
        core = m.group(1)
        # Roman numerals ("III") and words merely set in capitals ("ARMY" where "Army" also stands) are no acronyms.
        if acronym in found or _ROMAN.fullmatch(core) or re.search(rf"\b{core[0]}{core[1:].lower()}\b", body):
            continue
        if long := _spelled_in(body, core.lower()):
            found[acronym] = long
    return list(found.items())
