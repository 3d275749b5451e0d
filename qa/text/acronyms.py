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
from collections.abc import Iterable, Iterator

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
    steps = list(_reaches(letters, words, strict=strict))
    return bool(words) and len(steps) == len(words) and len(letters) in steps[-1]


def _reaches(letters: str, words: list[str], *, strict: bool) -> Iterator[set[int]]:
    """After each word, how far into the letters the words so far can have spelt (spells' rules): the paths of
    a search over (letter, word), kept as sets, so a run of words is checked word by word and its shortest
    spelling prefix found in one pass. Stops at the first word no spelling goes through."""
    if not words or words[0].lower() in SMALL:
        return
    reached = {0}
    for word in words:
        lower = word.lower()
        if lower in SMALL:  # its first letter, or none (never the first word, checked above)
            reached = reached | {i + 1 for i in reached if letters.startswith(lower[0], i)}
        elif strict and not word[0].isupper():
            return
        else:
            longest = 1 if strict else min(3, len(lower))
            reached = {i + k for i in reached for k in range(1, longest + 1) if letters.startswith(lower[:k], i)}
            if not reached:
                return
        yield reached


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
    return _Runs(text).spelling(letters)


class _Runs:
    """A text's runs of words that could be a long form, split once: looking for many acronyms' long forms
    then neither splits the text again nor lists the words of a run that holds no capital the letters open with."""

    def __init__(self, text: str) -> None:
        self.phrases = _BREAK.split(text)
        self.words: dict[int, list[tuple[str, int, int]]] = {}

    def spelling(self, letters: str) -> str | None:
        """The first run (in text order) of capitalised words whose first letters spell the letters."""
        capital = letters[0].upper()
        for p, phrase in enumerate(self.phrases):
            if capital not in phrase:
                continue
            words = self.words.get(p)
            if words is None:
                words = self.words[p] = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(phrase)]
            for j, (word, start, _) in enumerate(words):
                if word[0].lower() != letters[0] or not word[0].isupper():
                    continue
                # The shortest run of len(letters) to twice as many words from here that spells them.
                run = [w for w, _, _ in words[j:j + 2 * len(letters)]]
                for n, reached in enumerate(_reaches(letters, run, strict=True), 1):
                    if n >= len(letters) and len(letters) in reached:
                        return " ".join(phrase[start:words[j + n - 1][2]].split())
        return None


def spelt_in(letters: str, texts: Iterable[str]) -> str | None:
    """The first run of capitalised words in the texts whose first letters spell the letters, as a reader's
    "cjcs" spells "Chairman of the Joint Chiefs of Staff" (strict, as for an all-capital word): None if none."""
    return next((long for text in texts if (long := _Runs(text).spelling(letters.lower())) is not None), None)


def clipped_in(word: str, texts: Iterable[str]) -> str | None:
    """The first run of two or three capitalised words in the texts whose beginnings, two letters or more each,
    spell the word whole: a clipped compound, as a reader's "northcom" spells "Northern Command" and "centcom"
    "Central Command". None if none."""
    lower = word.lower()
    for text in texts:
        for phrase in _BREAK.split(text):
            words = [m.group() for m in _WORD.finditer(phrase)]
            for j, first in enumerate(words):
                if first[0].isupper() and first[:2].lower() == lower[:2]:
                    for n in (2, 3):
                        run = words[j:j + n]
                        if len(run) == n and all(w[0].isupper() for w in run) and _clips(lower, run):
                            return " ".join(run)
    return None


def _clips(letters: str, words: list[str]) -> bool:
    """Whether the letters are the words' beginnings, two letters or more of each, in order and nothing else."""
    if not words:
        return not letters
    head = words[0].lower()
    return any(letters[:k] == head[:k] and _clips(letters[k:], words[1:])
               for k in range(2, min(len(head), len(letters)) + 1))


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
    # Each all-capital word's long form, or None, looked for once however often it stands in the release.
    spelt: dict[str, str | None] = {}
    runs: _Runs | None = None  # split when the first all-capital word needs it
    for m in _ALL_CAPS.finditer(body):
        acronym = m.group(1) + m.group(2)
        core = m.group(1)
        if acronym in found or _ROMAN.fullmatch(core):  # Roman numerals ("III") are no acronyms
            continue
        if core not in spelt:
            # A word merely set in capitals ("ARMY" where "Army" also stands) is no acronym either.
            written = core[0] + core[1:].lower()
            if written in body and re.search(rf"\b{written}\b", body):
                spelt[core] = None
            else:
                runs = runs or _Runs(body)
                spelt[core] = runs.spelling(core.lower())
        if long := spelt[core]:
            found[acronym] = long
    return list(found.items())
