"""Sentence spans of a release body, so chunks and citations end where sentences do."""

from __future__ import annotations

import re

# Abbreviations that end in a period without ending the sentence in releases.
ABBREVIATIONS = frozenset("""
brig ret cmdt sgts messrs
mr mrs ms dr gen lt col maj capt cpt sgt spc pfc cpl pvt adm cmdr cdr sen rep gov pres jr sr st
mt ft no nos vs etc inc corp co ltd dept univ approx est jan feb mar apr jun jul aug sep sept
oct nov dec
""".split())

# A sentence ends at its mark before a space, or at a line break; or at a period that a copied page glued to the
# next sentence ("of a non-combat related injury.Crutchfield was assigned"): after a lower-case word or a digit, before
# a capitalised word (a web address's dots stand between lower-case words).
_END = re.compile(r"""[.!?]+['"’”)\]]*(?=\s)|\n|(?:(?<=[a-z]{3})|(?<=\d))\.(?=[A-Z][a-z]+\b)""")
_LAST_WORD = re.compile(r"([A-Za-z]+)\.*$")
# A list marker opening a line: dashes, bullets, an asterisk ("-- 3,672 for the Marine Corps Reserve;",
# "• Navy – 25,380 accessions"). Releases list figures and names so, line by line.
LIST_MARKER = re.compile(r"[ \t]*(?:--|[•*·‣▪–—-])[ \t]*")


def list_item(line: str) -> bool:
    """Whether a line opens with a list marker set apart from what follows ("-- Army: ...", not "-5 degrees")."""
    m = LIST_MARKER.match(line.lstrip())
    return m is not None and m.group() != m.group().rstrip()


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the period at text[dot] belongs to an abbreviation or an initial."""
    m = _LAST_WORD.search(text, max(0, dot - 12), dot + 1)
    if not m:
        return False
    word = m.group(1)
    if len(word) == 1:  # an initial ("Jason A. Lucas") or a dotted acronym ("U.S.")
        return True
    return word.lower() in ABBREVIATIONS


def _in_address(text: str, dot: int) -> bool:
    """Whether a glued period stands inside a web address or a name ("Defense.Gov", "www.Army.mil"): the word before
    it is neither all lower case nor a number."""
    word = re.search(r"[\w.]+$", text[max(0, dot - 40):dot])
    return word is None or "." in word.group() or not (word.group().islower() or word.group().isdigit())


def spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or line, without surrounding whitespace."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        end = m.end()
        if end < len(text) and not text[end].isspace() and m.group() == "." and _in_address(text, m.start()):
            continue
        if m.group() != "\n" and m.group()[0] == "." and _is_abbreviation(text, m.start()):
            nxt = text[end:end + 3].lstrip()
            # An abbreviation ends the sentence only before a line break.
            if "\n" not in text[end:end + 2] or not nxt:
                continue
        _append(text, start, end, out)
        start = end
    _append(text, start, len(text), out)
    return out


def _append(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start, end))
