"""Text to search terms: the one analyzer shared by indexing and queries.

Releases and questions say the same thing in different forms ("$175 million"
and "$175M", "52nd" and "fifty-second", "Austin's" and "Austin"), so both
sides are reduced to the same canonical terms before BM25 sees them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from itertools import chain

import numpy as np
import Stemmer
import xxhash

_UNITS = {"thousand": 10**3, "k": 10**3, "million": 10**6, "m": 10**6, "mn": 10**6,
          "billion": 10**9, "b": 10**9, "bn": 10**9, "trillion": 10**12, "t": 10**12}

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORD_ONES = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
             "sixteenth", "seventeenth", "eighteenth", "nineteenth"]
_ORD_TENS = ["", "", "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth",
             "eightieth", "ninetieth"]


def _number_words() -> tuple[dict[str, int], dict[str, int]]:
    cardinals = {w: i for i, w in enumerate(_ONES)}
    ordinals = {w: i for i, w in enumerate(_ORD_ONES)}
    for tens in range(2, 10):
        cardinals[_TENS[tens]] = tens * 10
        ordinals[_ORD_TENS[tens]] = tens * 10
        for one in range(1, 10):
            cardinals[f"{_TENS[tens]}-{_ONES[one]}"] = tens * 10 + one
            ordinals[f"{_TENS[tens]}-{_ORD_ONES[one]}"] = tens * 10 + one
    cardinals["hundred"] = 100
    ordinals["hundredth"] = 100
    return cardinals, ordinals


CARDINALS, ORDINALS = _number_words()

# Spellings folded into one term before stemming.
_SYNONYMS = {"jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june",
           "jul": "july", "aug": "august", "sep": "september", "sept": "september",
           "oct": "october", "nov": "november", "dec": "december",
             "percentage": "percent", "pct": "percent"}
MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december"]

# Words that carry no topic. Number words are absent on purpose: "four" is a fact.
STOP_WORDS = frozenset("""
a about above according after again against all also am an and any are as at be because been
before being below between both but by can could did do does doing don dont down during each few
for from further had has have having he her here hers herself him himself his how i if in into
is it its itself just let me more most much many my myself no nor not of off on once only or
other our ours ourselves out over own per same she should so some such than that the their
theirs them themselves then there these they this those through to too under until up upon very
was we were what when where which while who whom whose why will with would you your yours
yourself yourselves may might must shall s t thru till til vs versus
""".split())

_TOKEN = re.compile(
    r"""
    (?P<money>\$\s?\d[\d,]*(?:\.\d+)?(?:\s*(?:thousand|million|billion|trillion|mn|bn|[kmb])\b)?)
  | (?P<dollars>\d[\d,]*(?:\.\d+)?\s+(?:thousand|million|billion|trillion)\s+dollars\b)
  | (?P<acronym>\b(?:[A-Za-z]\.){2,})
  | (?P<percent>\d+(?:\.\d+)?\s?%)
  | (?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)
  | (?P<word>[A-Za-z0-9]+(?:['’\-][A-Za-z0-9]+)*)
    """,
    re.VERBOSE | re.IGNORECASE,
)
_ORDINAL_DIGITS = re.compile(r"(\d+)(?:st|nd|rd|th)")
_MONEY_PARTS = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*([a-z]*)")

_stemmer = Stemmer.Stemmer("english")


def stem(word: str) -> str:
    return _stemmer.stemWord(word)


_AMOUNT = re.compile(r"(\$\s?)?(\d[\d,]*(?:\.\d+)?)(?:\s*(thousand|million|billion|trillion)\b)?"
                     r"|\b([a-z]+(?:-[a-z]+)?)\b", re.IGNORECASE)


def amount(text: str) -> tuple[float, bool] | None:
    """The first figure of `text` as a number, and whether it is money: "$2.1 billion" → (2.1e9, True),
    "twelve recipients" → (12.0, False); None when it holds no figure."""
    for m in _AMOUNT.finditer(text):
        dollar, digits, scale, word = m.groups()
        if digits:
            return float(digits.replace(",", "")) * _UNITS.get((scale or "").lower(), 1), bool(dollar)
        if word and word.lower() in CARDINALS:
            return float(CARDINALS[word.lower()]), False
    return None


def _money_term(amount: str, unit: str) -> str:
    value = float(amount.replace(",", "")) * _UNITS.get(unit, 1)
    return f"${value:.0f}" if value >= 1 else f"${value:g}"


@lru_cache(maxsize=200_000)
def _word_terms(word: str) -> tuple[str, ...]:
    """Terms of one lower-cased word, which may be hyphenated or possessive."""
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "")
    if word in ORDINALS:
        return (f"#{ORDINALS[word]}",)
    if word in CARDINALS:
        return (str(CARDINALS[word]),)
    parts = [p for p in word.split("-") if p]
    if len(parts) > 1 and _DESIGNATION_PLURAL.fullmatch(parts[-1]):
        # "F-16s", "F/A-18Fs": several of the designated thing, found by "F-16" as "missiles" is by "missile".
        parts[-1] = parts[-1][:-1]
    terms: list[str] = []
    for part in parts:
        if part.isdigit():
            terms.append(part)
        elif m := _ORDINAL_DIGITS.fullmatch(part):
            terms.append(f"#{int(m.group(1))}")
        elif part in ORDINALS:
            terms.append(f"#{ORDINALS[part]}")
        elif part in CARDINALS:
            terms.append(str(CARDINALS[part]))
        elif part not in STOP_WORDS:
            terms.append(_stemmer.stemWord(_SYNONYMS.get(part, part)))
    if len(parts) > 1:
        # The joined form matches codes and compounds written without hyphens.
        terms.append("".join(parts))
        if _DESIGNATION_VARIANT.fullmatch(parts[-1]):
            # "KC-46A" is a variant of the KC-46: it holds every term of "kc46" and "KC-46", as readers ask for it.
            terms += [parts[-1][:-1], "".join(parts)[:-1]]
    return tuple(terms)


# The last part of a designation in the plural: digits, at most one letter, then "s" ("16s", "18fs").
_DESIGNATION_PLURAL = re.compile(r"\d+[a-z]?s")
# The last part of a variant's designation: digits, then one letter ("46a" of "KC-46A", "9m" of "AIM-9M").
_DESIGNATION_VARIANT = re.compile(r"\d+[a-z]")
_PLAIN_WORD = re.compile(r"[a-z0-9]+(?:['’\-][a-z0-9]+)*")
_SPECIAL = re.compile(r"[$%\d]|\b[A-Za-z]\.[A-Za-z]\.")


def _base_letters() -> dict[int, str | None]:
    """Each Latin letter with a diacritic, to its letter without ("Işik", "Šakalienė", "Sprūds" are typed "isik",
    "sakaliene", "spruds"), and combining marks to nothing (a text may write "ū" as "u" and a mark)."""
    table: dict[int, str | None] = {c: None for c in range(0x300, 0x370)}
    for c in range(0xC0, 0x250):
        base = "".join(ch for ch in unicodedata.normalize("NFKD", chr(c)) if not unicodedata.combining(ch))
        if base.isascii() and base.isalpha():
            table[c] = base
    table.update({ord("ı"): "i", ord("ł"): "l", ord("Ł"): "L", ord("ø"): "o", ord("Ø"): "O", ord("đ"): "d",
                  ord("Đ"): "D", ord("ß"): "ss", ord("æ"): "ae", ord("Æ"): "AE", ord("œ"): "oe", ord("Œ"): "OE"})
    return table


_BASE_LETTERS = _base_letters()
# Curly quotes and dashes are not ASCII either; only a text with a letter to fold is translated.
_FOLDED = re.compile("[" + "".join(chr(c) for c in sorted(_BASE_LETTERS)) + "]")


def _plain_lower(text: str) -> str:
    """The text lower-cased, its letters without diacritics: the terms of a name are those a reader types."""
    text = text.lower()
    return text if text.isascii() or not _FOLDED.search(text) else text.translate(_BASE_LETTERS)


def terms(text: str) -> list[str]:
    """The search terms of a text, in order, with repeats."""
    text = _plain_lower(text)
    if not _SPECIAL.search(text):
        # Most sentences hold no money, number or acronym: plain words only, much faster.
        return list(chain.from_iterable(map(_word_terms, _PLAIN_WORD.findall(text))))
    out: list[str] = []
    # findall gives one tuple of groups a token, cheaper than match objects.
    for money, dollars, acronym, percent, number, word in _TOKEN.findall(text):
        if word:
            out.extend(_word_terms(word))
        elif number:
            out.append(number.replace(",", ""))
        elif percent:
            out.extend((percent.rstrip("% "), "percent"))
        elif acronym:
            out.append(acronym.replace(".", ""))
        else:
            amount, unit = _MONEY_PARTS.search(money or dollars).groups()
            out.append(_money_term(amount, unit))
    return out


def date_terms(iso_date: str) -> list[str]:
    """Year, month name and day of an ISO date, so "December 2023" finds it."""
    try:
        year, month, day = (int(p) for p in iso_date.split("-"))
    except ValueError:
        return []
    if not 1 <= month <= 12:
        return []
    return [str(year), _stemmer.stemWord(MONTH_NAMES[month - 1]), str(day)]


@lru_cache(maxsize=500_000)
def term_hash(term: str) -> int:
    return xxhash.xxh3_64_intdigest(term.encode())


def bag(term_list: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct term hashes (uint64) and their counts (uint16) of a term list."""
    counts = Counter(term_list)
    hashes = np.fromiter(map(term_hash, counts), dtype=np.uint64, count=len(counts))
    tfs = np.fromiter(counts.values(), dtype=np.int64, count=len(counts)).clip(max=65535).astype(np.uint16)
    return hashes, tfs


_SURFACE_WORD = re.compile(r"[a-z]+")


def surface_words(text: str) -> Counter[str]:
    """The lower-cased letter runs of a text with their counts: the index's vocabulary as readers spell
    it, kept beside the hashed terms so a misspelt question word can be matched to a word the releases use."""
    # Counted whole (in C), then the few words too short or too long dropped: the same counts, in the same order.
    counts = Counter(_SURFACE_WORD.findall(_plain_lower(text)))
    for word in [w for w in counts if not 2 <= len(w) <= 40]:
        del counts[word]
    return counts
