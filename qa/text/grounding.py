"""Checks that the facts in a model's answer occur in the sources it cites.

The local model often invents figures, so every money amount, number, ordinal,
date, quotation and person name in an answer must be found, normalised, in a
cited text. Deterministic regular expressions only: this runs on every answer.

Matching rules, one per kind of claim:

- money, number, ordinal: the claim's search terms (qa.text.analyze.terms) must occur
  as a contiguous run in the source's terms. That gives "$175M" = "$175 million"
  = "175 million dollars", "four" = "4", "52nd" = "fifty-second", "150,000" =
  "150000", and whole-word matching ("18" is not "180"). A plain number is also
  grounded by the same amount in dollars or written out ("175 million" by
  "$175 million", "3.5 million" by "3,500,000"), since the model drops units.
- date: month, day and year are compared; the parts the claim gives must all
  agree with one date in the source ("Dec. 6" is grounded by "December 6, 2023",
  "December 6, 2023" is not grounded by a bare "Dec. 6"). Put the release's
  ISO date in the source text to ground dates the body only calls "today".
- quote: the quoted words must occur in the source after folding case, curly
  quotes and whitespace; "..." inside a quote may stand for omitted words.
- person: grounded if the full name occurs in the source, or the surname does
  and the source either gives no full name with that surname or gives one that
  shares a given name (or its initial) with the claim. Cited chunks often say
  only "Austin said", so "Lloyd Austin" is grounded by that, but "Mark Austin"
  is not grounded by a chunk that says "Lloyd J. Austin III".

What counts as a claim: money; digit numbers with their scale or percent sign
("3.5 million", "96.5%", a year such as "1951"); cardinal words "one" to
"ninety-nine" (analyze folds all of them to digits, and "twenty-two" is as much
a figure as "twenty"); ordinals in digits or words; dates with a day or a year;
designations with digits as one number ("F-16", "W56HZV-20-D-0075"); quotations
of three words or more; runs of two or more capitalised words, titles, offices,
months and common openers removed ("Secretary of Defense Lloyd J. Austin III"
gives "Lloyd J. Austin III"). Capitalised non-person phrases ("South China Sea")
may come out as person claims; they are grounded when the source has them.
Claims inside a checked quotation are not listed again: the quote is compared verbatim.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal, cast

from pydantic import BaseModel

from qa.text.analyze import CARDINALS, MONTH_NAMES, ORDINALS, STOP_WORDS, terms
from qa.text.dates import MONTH

ClaimKind = Literal["money", "number", "ordinal", "date", "quote", "person"]


class Claim(BaseModel):
    kind: ClaimKind
    text: str
    start: int
    end: int
    grounded: bool


class Grounding(BaseModel):
    claims: list[Claim]

    @property
    def ungrounded(self) -> list[Claim]:
        return [c for c in self.claims if not c.grounded]

    @property
    def rate(self) -> float:
        """Share of claims grounded; 1.0 when nothing needed checking."""
        if not self.claims:
            return 1.0
        return sum(c.grounded for c in self.claims) / len(self.claims)


# --- Patterns -------------------------------------------------------------------------------------------------------

_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\w)"
_YEAR = r"[12]\d{3}(?!\w)"
_ISO = r"\b[12]\d{3}-(?:1[0-2]|0?[1-9])-(?:[12]\d|3[01]|0?[1-9])\b"
# Month names are matched capitalised only, so the verb "may" or "march" is no date.
_DATE = (rf"{_ISO}"
         rf"|\b{MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?"
         rf"|\b{_DAY}\s+{MONTH},?\s+{_YEAR}"
         # "on the evening of 14 September": the day before the month, its year the release's.
         rf"|\b{_DAY}\s+{MONTH}\b"
         rf"|\b{MONTH},?\s+(?:of\s+)?{_YEAR}")
_SCALE_WORDS = "thousand|million|billion|trillion"
_SCALE = rf"(?i:{_SCALE_WORDS})"
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"

_CLAIM = re.compile(
    rf"""
    (?P<date>{_DATE})
  | (?P<money>\$\s?{_NUM}(?:\s?[-–—]\s?\$?{_NUM})?(?:\s*(?i:thousand|million|billion|trillion|mn|bn|[kmb])\b)?
      |(?<![\w.]){_NUM}\s+{_SCALE}\s+(?i:dollars)\b)
  | (?P<ordinal>(?<![\w$.])\d+(?i:st|nd|rd|th)(?!\w))
  | (?P<word>(?<![\w$.-])(?:[A-Za-z][A-Za-z0-9]*|\d+[A-Za-z][A-Za-z0-9]*)(?:-[A-Za-z0-9]+)*(?![\w-]))
  | (?P<number>(?<![\w$.]){_NUM}(?!\w)(?:\s+{_SCALE}\b)?(?:\s*%|\s+(?i:percent)\b)?)
    """,
    re.VERBOSE,
)
_DATE_ONLY = re.compile(_DATE)
_SCALED_WORD = re.compile(rf"\s+{_SCALE}\b")
_PLAIN_NUMBER = re.compile(rf"{_NUM}(?:\s+{_SCALE})?")
_HAS_DIGIT = re.compile(r"\d")

# Straight quotes pair up left to right; a quote never spans a line, so an unclosed one cannot swallow a paragraph.
_QUOTE = re.compile(r"[\"“]([^\"“”\n]+)[\"”]")
_MIN_QUOTE_WORDS = 3

_NUMBER_WORDS = {w: v for w, v in CARDINALS.items() if 1 <= v <= 99}
_NEXT_WORD = re.compile(r"\s+([A-Za-z]+(?:-[A-Za-z]+)?)(?![\w-])")
_ORDINAL_WORDS = {w: v for w, v in ORDINALS.items() if v >= 1}

# Words that start, end or sit inside capitalised runs without being part of a name: titles, services, offices,
# places' generic parts, calendar words and common sentence openers.
_NOT_NAME = frozenset("""
secretary deputy under assistant acting minister ministry president presidential vice prime premier chairman chair
chief chiefs officer general gen admiral adm lieutenant lt colonel col major maj captain capt sergeant sgt commander
cmdr private senator sen representative rep governor gov ambassador director spokesman spokeswoman spokesperson press
department defense defence army navy air force forces marine marines corps space guard national coast joint staff
command combatant pentagon white house congress senate office agency bureau embassy war armed public affairs
strategic communications united states state nations kingdom republic federation union european nato
corp inc co llc ltd company mr mrs ms dr sir
today yesterday tomorrow however meanwhile additionally also together earlier later still since unlike despite
following including monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
""".split()) | STOP_WORDS | _NUMBER_WORDS.keys() | _ORDINAL_WORDS.keys()

_NAME_TOKEN = re.compile(
    r"""
    (?<![\w'’.-])
    (?: (?P<suffix>Jr\.|Sr\.|II|III|IV)
      | (?P<word>(?:[A-Z]['’])?[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:['’-][A-Z][a-z]+)*)
      | (?P<initial>[A-Z]\.|[A-Z]{2}(?![A-Za-z.]))
    )
    (?=['’]s\b|[^\w'’-]|$)
    """,
    re.VERBOSE,
)
_NAME_GAP = re.compile(r"[ \t]+")
_SUFFIX_GAP = re.compile(r",?[ \t]+")


# --- Extraction ------------------------------------------------------------------------------------------------------

def claims(text: str) -> list[tuple[ClaimKind, str, int, int]]:
    """Everything in a text that must be found in a source: (kind, text, start, end), in text order."""
    found: list[tuple[ClaimKind, str, int, int]] = []
    quotes: list[tuple[int, int]] = []
    for m in _QUOTE.finditer(text):
        if len(m.group(1).split()) >= _MIN_QUOTE_WORDS:
            found.append(("quote", m.group(1), m.start(1), m.end(1)))
            quotes.append(m.span())
    taken = 0  # the end of a number said in several words: "thirty" of "one hundred thirty" is no claim of its own
    for m in _CLAIM.finditer(text):
        kind = m.lastgroup
        if m.start() < taken:
            continue
        if kind == "word":
            found.extend(words := _word_claims(text, m.start(), m.end()))
            taken = max((e for *_, e in words), default=taken)
        else:
            found.append((cast(ClaimKind, kind), m.group(), m.start(), m.end()))
    dated = [(s, e) for k, _, s, e in found if k == "date"]
    found.extend(("person", text[s:e], s, e) for s, e in _names(text) if not _overlaps(s, e, dated))
    found = [c for c in found if c[0] == "quote" or not _overlaps(c[2], c[3], quotes)]
    return sorted(found, key=lambda c: (c[2], c[3]))


def _word_claims(text: str, start: int, end: int) -> list[tuple[ClaimKind, str, int, int]]:
    """Claims in one word: a number or ordinal word ("four", "fifty-second") or a designation with digits ("F-16")."""
    word = text[start:end]
    if _HAS_DIGIT.search(word):
        return [("number", word, start, end)]
    lower = word.lower()
    if lower in _ORDINAL_WORDS:
        return [("ordinal", word, start, end)]
    if lower in _NUMBER_WORDS:
        # "four million" is one number, as "4 million" is; "one hundred thirty" is 130, never "thirty".
        end = _number_end(text, end, _NUMBER_WORDS[lower])
        return [("number", text[start:end], start, end)]
    out: list[tuple[ClaimKind, str, int, int]] = []
    offset = start
    for part in word.split("-") if "-" in word else ():
        # "four-star": the analyzer indexes the parts of a compound, so each number part is checked alone.
        kind: ClaimKind | None = ("ordinal" if part.lower() in _ORDINAL_WORDS
                                  else "number" if part.lower() in _NUMBER_WORDS else None)
        if kind:
            out.append((kind, part, offset, offset + len(part)))
        offset += len(part) + 1
    return out


def _number_end(text: str, end: int, value: int) -> int:
    """Where a number said in words ends: past the words that go on saying it ("one hundred thirty", "two hundred
    and five", "twenty five thousand"), never into a second number ("five and six", "one two-star")."""
    last = value  # the value of the last word taken: a unit word follows a tens word or a scale, nothing else
    while m := _NEXT_WORD.match(text, end):
        word = m.group(1).lower()
        if word in ("hundred", *_SCALE_WORDS.split("|")):
            last, end = 100, m.end()
        elif word == "and" and last >= 100 and (n := _NEXT_WORD.match(text, m.end())) \
                and n.group(1).lower() in _NUMBER_WORDS:
            last, end = _NUMBER_WORDS[n.group(1).lower()], n.end()
        elif word in _NUMBER_WORDS and (last >= 100 or (last % 10 == 0 and last >= 20 and _NUMBER_WORDS[word] < 10)):
            last, end = _NUMBER_WORDS[word], m.end()
        else:
            break
    return end


def _names(text: str) -> list[tuple[int, int]]:
    """Spans of capitalised runs that look like personal names."""
    out: list[tuple[int, int]] = []
    segment: list[re.Match[str]] = []
    prev: re.Match[str] | None = None
    for tok in _NAME_TOKEN.finditer(text):
        joined = prev is not None and not text.startswith(("'s", "’s"), prev.end()) and (
            _NAME_GAP.fullmatch(text, prev.end(), tok.start())
            or (tok.lastgroup == "suffix" and _SUFFIX_GAP.fullmatch(text, prev.end(), tok.start())))
        if not joined:
            _flush(segment, out)
        if tok.lastgroup == "word" and tok.group().lower() in _NOT_NAME:
            _flush(segment, out)
        else:
            segment.append(tok)
        prev = tok
    _flush(segment, out)
    return out


def titles_only(name: str) -> bool:
    """Whether every word of a name is one of the titles, bodies and times no personal name is made of ("Joint
    Staff", which the small recogniser may call a person)."""
    words = re.findall(r"[A-Za-z]+", name)
    return bool(words) and all(w.lower() in _NOT_NAME for w in words)


def _flush(segment: list[re.Match[str]], out: list[tuple[int, int]]) -> None:
    while segment and segment[0].lastgroup == "suffix":
        segment.pop(0)
    while segment and segment[-1].lastgroup == "initial":
        segment.pop()
    core = [t for t in segment if t.lastgroup != "suffix"]
    # Two parts at least, and the surname a word: "Lloyd J. Austin III", "JD Vance", not "Austin" or "U.S."
    if len(core) >= 2 and core[-1].lastgroup == "word":
        out.append((segment[0].start(), segment[-1].end()))
    segment.clear()


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


# --- Grounding -------------------------------------------------------------------------------------------------------

def check(text: str, sources: list[str], year: int | None = None) -> Grounding:
    """Every claim of a text, each grounded when some source holds it. `year` completes the sources' dates
    that give none ("Jan. 27" in a 2025 release is 2025-01-27)."""
    return Grounding(claims=[
        Claim(kind=kind, text=claim, start=start, end=end,
              grounded=any(is_grounded(claim, kind, source, year) for source in sources))
        for kind, claim, start, end in claims(text)
    ])


def is_grounded(claim_text: str, kind: ClaimKind, source: str, year: int | None = None) -> bool:
    """Whether one claim occurs in one source, under the rules of its kind (see the module docstring)."""
    src = _source(source)
    if kind == "date":
        return _date_grounded(claim_text, src, year)
    if kind == "quote":
        return _quote_grounded(claim_text, src)
    if kind == "person":
        return _person_grounded(claim_text, src)
    return any(_has_run(src, run) for run in _term_runs(claim_text, kind))


class _Source:
    """A source text with the forms each kind of claim is compared against, computed once."""

    def __init__(self, text: str) -> None:
        self.raw = text.replace("’", "'")
        self.text = " ".join(self.raw.split())
        self.terms = tuple(terms(text))
        self.term_set = frozenset(self.terms)
        self.folded = _fold(text)
        self._dates: list[tuple[int | None, int | None, int | None]] | None = None
        self._names: list[tuple[tuple[str, ...], str]] | None = None

    @property
    def dates(self) -> list[tuple[int | None, int | None, int | None]]:
        if self._dates is None:
            self._dates = [_parse_date(m.group()) for m in _DATE_ONLY.finditer(self.text)]
        return self._dates

    @property
    def names(self) -> list[tuple[tuple[str, ...], str]]:
        """(given names, surname) of each name in the source."""
        if self._names is None:
            # From the unjoined text: a name ending one line must not run into one starting the next.
            self._names = [_given_last(self.raw[s:e]) for s, e in _names(self.raw)]
        return self._names


@lru_cache(maxsize=256)
def _source(text: str) -> _Source:
    # The same cited chunks are checked against every claim of an answer, often of several answers.
    return _Source(text)


def _term_runs(claim_text: str, kind: ClaimKind) -> list[tuple[str, ...]]:
    """The term sequences any one of which grounds a money, number or ordinal claim."""
    runs = [tuple(terms(claim_text))]
    if kind == "number" and _PLAIN_NUMBER.fullmatch(claim_text):
        runs.append(tuple(terms("$" + claim_text)))
        value = float(runs[-1][0][1:])
        if _SCALED_WORD.search(claim_text) and value.is_integer():
            runs.append((f"{value:.0f}",))
    return [r for r in runs if r]


def _has_run(src: _Source, run: tuple[str, ...]) -> bool:
    if not all(t in src.term_set for t in run):
        return False
    n = len(run)
    if n == 1:
        return True
    return any(src.terms[i:i + n] == run for i, t in enumerate(src.terms) if t == run[0])


def _parse_date(text: str) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of a date as matched by _DATE, None for the parts it leaves out."""
    if re.fullmatch(_ISO, text):
        year, month, day = (int(p) for p in text.split("-"))
        return year, month, day
    month = next(i + 1 for i, name in enumerate(MONTH_NAMES) if re.search(rf"\b{name[:3]}", text, re.IGNORECASE))
    year = re.search(r"\b\d{4}\b", text)
    day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", text)
    return (int(year.group()) if year else None, month, int(day.group(1)) if day else None)


def day_of(date: str) -> int | None:
    """The day of the month of a date as the normaliser reads it ("12 November" -> 12), None without one."""
    return _parse_date(date)[2] if _DATE_ONLY.fullmatch(date) else None


def _date_grounded(claim_text: str, src: _Source, year: int | None = None) -> bool:
    if not _DATE_ONLY.fullmatch(claim_text):
        return False
    want = _parse_date(claim_text)
    dates = [(y if y is not None else year, m, d) for y, m, d in src.dates]
    return any(all(w is None or w == h for w, h in zip(want, have)) for have in dates)


_FOLD = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
_ELLIPSIS = re.compile(r"\.\s?\.\s?\.|…")
_EDGE_PUNCT = " \t\n.,;:!?\"'"


def _fold(text: str) -> str:
    return " ".join(text.translate(_FOLD).lower().split())


def _quote_grounded(claim_text: str, src: _Source) -> bool:
    pos = 0
    pieces = [_fold(p).strip(_EDGE_PUNCT) for p in _ELLIPSIS.split(claim_text)]
    for piece in filter(None, pieces):
        pos = _find_words(src.folded, piece, pos)
        if pos < 0:
            return False
    return True


def _find_words(haystack: str, needle: str, start: int) -> int:
    """End of the first occurrence of needle at or after start that does not cut a word, else -1."""
    i = haystack.find(needle, start)
    while i >= 0:
        j = i + len(needle)
        if not (i > 0 and haystack[i - 1].isalnum() and needle[0].isalnum()) and not (
                j < len(haystack) and haystack[j].isalnum() and needle[-1].isalnum()):
            return j
        i = haystack.find(needle, i + 1)
    return -1


def _given_last(name: str) -> tuple[tuple[str, ...], str]:
    parts = [m.group() for m in _NAME_TOKEN.finditer(name) if m.lastgroup != "suffix"]
    return tuple(parts[:-1]), parts[-1]


def _compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two sets of given names can be the same person's: one in common, or an initial of one in the other.

    Any given name, not just the first, because a title the run did not recognise ("Strategic Communications
    John Kirby") may stand before the first name.
    """
    def same(x: str, y: str) -> bool:
        x, y = x.rstrip("."), y.rstrip(".")
        return x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))

    return any(same(x, y) for x in a for y in b)


def _person_grounded(claim_text: str, src: _Source) -> bool:
    name = " ".join(claim_text.replace("’", "'").split())
    if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", src.text):
        return True
    if not any(m.lastgroup != "suffix" for m in _NAME_TOKEN.finditer(name)):
        return False
    given, last = _given_last(name)
    if not re.search(rf"(?<!\w){re.escape(last)}(?!\w)", src.text):
        return False
    namesakes = [g for g, surname in src.names if surname == last]
    return not namesakes or any(_compatible(given, g) for g in namesakes)
