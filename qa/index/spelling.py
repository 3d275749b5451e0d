"""The question as searched: the reader's typos corrected, and the forms the releases use added.

Three gaps between how a reader asks and how releases write keep BM25 from
finding the right chunk (and make the coverage check decline a question the
releases answer):

- typos: "pakage", "Ukrane". A question word that no release holds but that is
  within a small edit distance of a word releases do hold is replaced by it,
  in place. Words releases hold, real English words the releases happen not to
  use ("Golden Dome"), short words and acronyms are never touched.
- reader's forms: "450 million" where releases write "$450 million", "17-24"
  for "17 to 24", "FY2024" for "fiscal year 2024".
- acronyms and long forms: "HIMARS" and "High Mobility Artillery Rocket
  Systems", learned from the releases (qa.text.acronyms) and kept in the index file.

Equivalent forms are appended as a trailer, `question (written = other form;
...)`: BM25 ORs the terms, and qa.answer.coverage reads the trailer back
(`alternatives`) so a chunk holding either form counts as holding what the
reader wrote.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from pydantic import BaseModel, Field
from rapidfuzz import process
from rapidfuzz.distance import OSA

from qa.index.store import Store
from qa.settings import AnswerSettings
from qa.text import acronyms, analyze, dates, english, spans, wordnet

Group = tuple[str, list[str]]  # what the reader wrote, and the other forms it stands for


class Rewrite(BaseModel):
    """A question as it is searched, and what was changed in it."""

    question: str = Field(description="Typos corrected in place; equivalent forms appended in parentheses")
    corrections: list[tuple[str, str]] = Field(
        default_factory=list, description="(wrote, searched) for each corrected word, e.g. ('Ukrane', 'Ukraine')")


# --- the trailer of equivalent forms -------------------------------------------------------------

_TRAILER = re.compile(r"\s\(([^()]*?\S\s=\s\S[^()]*)\)$")


def with_alternatives(question: str, groups: list[Group]) -> str:
    """The question with its groups appended: `question (450 million = $450 million; ...)`."""
    if not groups:
        return question
    return f"{question} (" + "; ".join(" = ".join([written, *others]) for written, others in groups) + ")"


def form_terms(written: str, others: list[str]) -> list[frozenset[str]]:
    """The search terms of each form of a group, the reader's own first (empty when it has none)."""
    return [frozenset(analyze.terms(form)) for form in [written, *others]]


def alternatives(question: str) -> tuple[str, list[Group]]:
    """The question without its trailer, and the trailer's groups (none when it has no trailer)."""
    m = _TRAILER.search(question)
    if not m:
        return question, []
    groups = []
    for item in m.group(1).split("; "):
        forms = [f.strip() for f in item.split(" = ") if f.strip()]
        if len(forms) > 1:
            groups.append((forms[0], forms[1:]))
    return question[:m.start()], groups


# --- reader's forms ---------------------------------------------------------------------------------

_BARE_AMOUNT = re.compile(
    r"(?<![$\w.,])(\d[\d,]*(?:\.\d+)?)\s+(thousand|million|billion|trillion)\b(?!\s+dollars)", re.IGNORECASE)
# "820m", "1.1bn", "$300M": short scales a reader types.
_SHORT_AMOUNT = re.compile(r"(?<![\w.,])\$?(\d[\d,]*(?:\.\d+)?)\s?(m|mn|mil|bn|b|k)\b", re.IGNORECASE)
_SHORT_SCALES = {"m": "million", "mn": "million", "mil": "million", "bn": "billion", "b": "billion", "k": "thousand"}
_DASH_RANGE = re.compile(r"(?<![\w.,/-])(\d{1,4})\s?[-–—]\s?(\d{1,4})(?![\w.,/-]*\d)")
_TO_RANGE = re.compile(r"(?<![\w.,/-])(\d{1,4})\s+(?:to|through)\s+(\d{1,4})\b(?![.,]\d)", re.IGNORECASE)
_FISCAL = re.compile(r"\b(?:FY\s?'?(\d{4}|\d{2})|fiscal\s+(?:year\s+)?(\d{4}))\b", re.IGNORECASE)
# A month with a year of two digits, as a reader types it ("when gates went in oct 08"): a year only where no day
# is written so (a leading zero, or past 31), and never before a year of four digits ("oct 08, 2008"). After a day
# ("cohens briefing dec 17 98"), any two digits are the year's.
_MONTH_TYPED = r"\b(" + "|".join(sorted({m[:3] for m in analyze.MONTH_NAMES} | {"sept"}, key=len, reverse=True)) \
    + r")[a-z]*\.?\s+"
_MONTH_TWO_DIGITS = re.compile(_MONTH_TYPED + r"'?(0\d|[4-9]\d)\b(?![,\s]*\d)", re.IGNORECASE)
_MONTH_DAY_TWO_DIGITS = re.compile(_MONTH_TYPED + r"([1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,?\s+'?(\d\d)\b(?![,\s]*\d)",
                                   re.IGNORECASE)
# A designation made plural ("DB10s", "F-16s", "MiG-29s"): the thing a release names in the singular. Letters
# before the number, so a decade ("1990s") is none.
_DESIGNATIONS = re.compile(r"(?<![\w-])([A-Za-z]+-?\d+)s(?![\w-])")
# Numbered parts of laws, treaties and plans that releases number in Roman numerals, typed in digits: "article 5"
# for "Article V", "title 3" for "Title III". Only that way round: a Roman numeral typed would add a number to the
# question ("Title III" as "3"), and a count of three in the answer would look like the question's own.
_NUMBERED = re.compile(r"\b(article|title|phase|section|chapter|part|annex|tier|stage|level)\s+(\d{1,2})\b"
                       r"(?![-.,]?\w)", re.IGNORECASE)
_ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def _short_amount(written: str, number: str, scale: str) -> str:
    """A short scale in full: "$300M" and "820m" as "$300 million", "$820 million" (a reader's millions are
    dollars); "92k" without a dollar sign as "92,000", a count a release writes in figures ("92,000 soldiers")."""
    if scale == "k" and not written.startswith("$"):
        value = float(number.replace(",", "")) * 1000
        return f"{value:,.0f}" if value == int(value) else f"{value:,}"
    return f"${number} {_SHORT_SCALES[scale]}"


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


# A question asks "where did they meet" or "who swore him in"; releases report "they met", "he was sworn in". The
# stemmer leaves irregular verbs' forms apart, so a question's form is searched with the verb's other forms too
# (English grammar, not a list of topics): base, past and past participle.
_IRREGULAR_FORMS = [("meet", "met"), ("take", "took", "taken"), ("lead", "led"), ("give", "gave", "given"),
                    ("send", "sent"), ("speak", "spoke", "spoken"), ("hold", "held"), ("say", "said"),
                    ("begin", "began", "begun"), ("make", "made"), ("tell", "told"), ("swear", "swore", "sworn"),
                    ("buy", "bought"), ("pay", "paid"), ("win", "won"), ("choose", "chose", "chosen"),
                    ("go", "went", "gone"), ("bring", "brought"), ("fight", "fought"), ("see", "saw", "seen"),
                    ("leave", "left"), ("seek", "sought"), ("write", "wrote", "written"), ("grow", "grew", "grown"),
                    ("sell", "sold"), ("fall", "fell", "fallen"), ("rise", "rose", "risen"),
                    ("strike", "struck"), ("break", "broke", "broken"), ("drive", "drove", "driven"),
                    ("fly", "flew", "flown"), ("know", "knew", "known"), ("steal", "stole", "stolen"),
                    ("shoot", "shot"), ("build", "built"), ("keep", "kept"), ("lose", "lost"), ("teach", "taught")]
# The base form is searched with its past, as releases report what happened. A past typed in the question is
# searched with its participle where the two differ ("swore" with "sworn": "he was sworn in").
_IRREGULAR = {forms[0]: [forms[1]] for forms in _IRREGULAR_FORMS}
_IRREGULAR.update({forms[1]: [forms[2]] for forms in _IRREGULAR_FORMS if len(forms) == 3})
_IRREGULAR_WORD = re.compile(r"\b(" + "|".join(_IRREGULAR) + r")\b", re.IGNORECASE)


# A reader's British spelling of words the (American) releases spell otherwise.
_BRITISH = {"defence": "defense", "offence": "offense", "programme": "program", "centre": "center",
            "organisation": "organization", "labour": "labor", "honour": "honor", "armour": "armor",
            "harbour": "harbor", "licence": "license", "catalogue": "catalog", "modernisation": "modernization"}
_BRITISH_WORD = re.compile(r"\b(" + "|".join(_BRITISH) + r")\b", re.IGNORECASE)


def american(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The question in the releases' spelling, with each change as a correction ("defence" -> "defense"): kept
    beside its American form, a British word would weigh as a rare term and find only the releases that use it."""
    return _replaced(text, _BRITISH_WORD, lambda wrote: _styled(wrote, _BRITISH[wrote.lower()]))


def _replaced(text: str, pattern: re.Pattern[str], form: Callable[[str], str]) -> tuple[str, list[tuple[str, str]]]:
    """The text with each match of `pattern` replaced by its `form`, and the (wrote, replaced) pairs."""
    changes: list[tuple[str, str]] = []

    def fix(m: re.Match[str]) -> str:
        changes.append((m.group(), form(m.group())))
        return changes[-1][1]

    return pattern.sub(fix, text), changes


# Function words a hurried reader types as letters ("when r mattis and song meeting", "his call w gallant", "sorties
# n victims"): read as the words, so the tagger sees a verb, the parser two things asked for, and no rare
# one-letter term weighs in search or coverage.
_TEXTSPEAK = {"r": "are", "u": "you", "ur": "your", "w": "with", "w/": "with", "b4": "before", "abt": "about",
              "bc": "because", "thx": "thanks", "n": "and", "&": "and", "+": "and"}
_TEXTSPEAK_WORD = re.compile(r"(?<![\w./$-])(" + "|".join(map(re.escape, sorted(_TEXTSPEAK, key=len, reverse=True)))
                             + r")(?![\w./-])")


def textspeak(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The question with its texting letters as words, each change a correction ("r" -> "are"); lower case only,
    so a name's initial ("Plan R", "W. Bush") stays."""
    return _replaced(text, _TEXTSPEAK_WORD, _TEXTSPEAK.__getitem__)


# Shorthand a hurried reader types for what releases spell out: standard English abbreviations and short names.
_SHORTHAND = {"hq": "headquarters", "dept": "department", "depts": "departments", "yr": "year", "yrs": "years",
              "hr": "hour", "hrs": "hours", "mins": "minutes", "govt": "government", "intl": "international",
              "natl": "national", "mideast": "Middle East", "us": "United States", "usa": "United States",
              "uk": "United Kingdom", "lt": "lieutenant", "gen": "general", "maj": "major", "col": "colonel",
              "sgt": "sergeant", "adm": "admiral", "capt": "captain", "cmdr": "commander", "asst": "assistant",
              "secdef": "Secretary of Defense", "depsecdef": "Deputy Secretary of Defense",
              "dep secdef": "Deputy Secretary of Defense", "dep sec def": "Deputy Secretary of Defense",
              "sec": "secretary", "mil": "military", "approx": "approximately", "mod": "modification",
              "mods": "modifications",
              "info": "information", "tech": "technology", "admin": "administration", "ppl": "people",
              "dir": "director", "mgmt": "management", "natsec": "national security", "cg": "commanding general",
              "sec def": "Secretary of Defense", "ops": "operations", "mtg": "meeting", "mtgs": "meetings",
              "pkg": "package", "pkgs": "packages", "wk": "week", "wks": "weeks", "avg": "average", "amt": "amount",
              "pm": "prime minister", "aussie": "Australian", "aussies": "Australians", "brit": "British",
              "brits": "British", "def": "defense", "def min": "defense minister", "defmin": "defense minister",
              "conf": "conference", "presser": "press conference", "max": "maximum", "pres": "president",
              "vp": "vice president", "amb": "ambassador", "sen": "senator", "cmd": "command", "div": "division",
              "bde": "brigade", "regt": "regiment", "sqdn": "squadron", "nom": "nomination", "noms": "nominations",
              "helo": "helicopter", "helos": "helicopters", "vadm": "vice admiral", "radm": "rear admiral",
              "cjcs": "Chairman of the Joint Chiefs of Staff",
              "defense min": "defense minister", "foreign min": "foreign minister", "prime min": "prime minister"}
# Longest first, so "sec def" is read whole before "sec".
_SHORTHAND_WORD = re.compile(r"(?<![\w.])(" + "|".join(k.replace(" ", r"\s+") for k in sorted(
    _SHORTHAND, key=len, reverse=True)) + r")(?![\w.])", re.IGNORECASE)


def spelled_out(text: str) -> str:
    """The text with the reader's shorthand written out ("which sec def" → "which Secretary of Defense"), so what
    kind of thing it asks for reads as it would in full."""
    return _SHORTHAND_WORD.sub(lambda m: _SHORTHAND[" ".join(m.group().lower().split())], text)


def reader_forms(text: str) -> list[Group]:
    """Numbers written the reader's way, irregular verbs in the present and shorthand ("hq", "yrs"), numbered
    parts in the other numerals ("article 5" = "article V"), each with the forms releases write them in."""
    groups: list[Group] = []
    for m in _SHORTHAND_WORD.finditer(text):
        groups.append((m.group(), [spelled_out(m.group())]))
    for m in _IRREGULAR_WORD.finditer(text):
        groups.append((m.group(), _IRREGULAR[m.group(1).lower()]))
    for m in _BARE_AMOUNT.finditer(text):
        groups.append((m.group(), [f"${m.group(1)} {m.group(2).lower()}"]))
    for m in _SHORT_AMOUNT.finditer(text):
        groups.append((m.group(), [_short_amount(m.group(), m.group(1), m.group(2).lower())]))
    for m in _DASH_RANGE.finditer(text):
        groups.append((m.group(), [f"{m.group(1)} to {m.group(2)}"]))
    for m in _TO_RANGE.finditer(text):
        groups.append((m.group(), [f"{m.group(1)}-{m.group(2)}"]))
    for m in _NUMBERED.finditer(text):
        word, number = m.groups()
        if 0 < int(number) < 40:
            groups.append((m.group(), [f"{word} {_roman(int(number))}"]))
    for m in _DESIGNATIONS.finditer(text):
        groups.append((m.group(), [m.group(1)]))
    for m in _MONTH_TWO_DIGITS.finditer(text):
        groups.append((m.group(), [f"{_month_named(m.group(1))} {dates.year_of_two_digits(m.group(2))}"]))
    for m in _MONTH_DAY_TWO_DIGITS.finditer(text):
        groups.append((m.group(), [f"{_month_named(m.group(1))} {m.group(2)}, {dates.year_of_two_digits(m.group(3))}"]))
    groups += [(two, [str(dates.year_of_two_digits(two.lstrip("'")))]) for two in _two_digit_years(text)]
    for m in _FISCAL.finditer(text):
        year = m.group(1) or m.group(2)
        year = str(dates.year_of_two_digits(year)) if len(year) == 2 else year  # "fy99" is 1999, "fy05" 2005
        written = set(analyze.terms(m.group()))
        others = [f for f in (f"fiscal year {year}", f"FY {year}", f"FY{year}") if set(analyze.terms(f)) != written]
        groups.append((m.group(), others))
    return groups


def _two_digit_years(text: str) -> list[str]:
    """Two digits a reader types for a year, read by the parse: hung on the name before them ("where was baltops 15
    held", "cobra gold 12") or the object of "in" ("tilelli's successor in 99"); not a count of the noun after them
    ("the 10 jhsvs"), a day or year after a month (the month's forms read those) or a numbered part ("title 10")."""
    years = []
    for t in spans.parse(text):
        if not re.fullmatch(r"'?\d\d", t.text) or t.i == 0:
            continue
        before = t.doc[t.i - 1]
        month = re.fullmatch(_MONTH_TYPED, before.text + " ", re.IGNORECASE)
        if month or _NUMBERED.fullmatch(f"{before.text} {t.text}"):
            continue
        if (t.dep_ == "nummod" and t.head.i < t.i) or (t.dep_ == "pobj" and t.head.lower_ in ("in", "since", "during")):
            years.append(t.text)
    return years


def _month_named(typed: str) -> str:
    """"December" for "dec", "Dec." or "december"."""
    return analyze.MONTH_NAMES[dates.month_number(typed) - 1].capitalize()


# --- acronyms ---------------------------------------------------------------------------------------

def _flat(text: str) -> list[str]:
    """Terms with hyphens read as spaces, so "high-mobility" and "High Mobility" compare equal."""
    return analyze.terms(text.replace("-", " ").replace("–", " "))


def _holds(seq: list[str], part: list[str]) -> bool:
    n = len(part)
    return n > 0 and any(seq[i:i + n] == part for i in range(len(seq) - n + 1))


def acronym_forms(text: str, pairs: list[tuple[str, str, int]]) -> list[Group]:
    """For each learned acronym the text uses without its long form (or the other way round), the other one."""
    words = {w: w for w in re.findall(r"\b[A-Za-z]{2,}s?\b", text)}
    lower = {w.lower(): w for w in words}
    flat = _flat(text)
    best: dict[str, str] = {}
    for short, long, _ in pairs:  # most releases first
        best.setdefault(short, long)
    groups: dict[tuple[str, ...], Group] = {}
    for short, long in best.items():
        # Exact case, or any case when the acronym is no English word ("himars" yes, "aim" no).
        wrote = words.get(short) or (lower.get(short.lower()) if short.lower() not in english_words() else None)
        has_long = _holds(flat, _flat(long))
        if wrote and not has_long:
            written, other = wrote, long
        elif has_long and not wrote:
            written, other = long, short
        else:
            continue
        key = tuple(_flat(written))
        _, others = groups.setdefault(key, (written, []))
        if all(_flat(o) != _flat(other) for o in others):
            others.append(other)
    return list(groups.values())


# --- typos ------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """English words (symspellpy's 82,765-word frequency list): a question word among them is spelt right,
    even when no release uses it, and is never "corrected" into a word of the releases."""
    return frozenset(english.words())


@dataclass
class _Cached:
    """What one version of a store's releases gives rewriting, read from the file when first needed."""

    generation: int
    words: list[str] | None = None
    prefixes: frozenset[str] | None = None
    counts: list[int] | None = None
    acronyms: list[tuple[str, str, int]] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


_cache: weakref.WeakKeyDictionary[Store, _Cached] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def _cached(store: Store) -> _Cached:
    generation = store.generation()
    with _cache_lock:
        entry = _cache.get(store)
        if entry is None or entry.generation != generation:
            entry = _cache[store] = _Cached(generation)
    return entry


def _vocabulary(entry: _Cached, store: Store) -> tuple[list[str], list[int]]:
    with entry.lock:
        if entry.words is None:
            vocab = store.vocabulary()
            entry.words, entry.counts = list(vocab), list(vocab.values())
    assert entry.counts is not None
    return entry.words, entry.counts


def unheard(words: list[str], store: Store) -> list[str]:
    """The words of which the releases hold no form: neither the word nor one sharing its first four letters
    ("swore" has "sworn", "introduced" has "introduction"; "golden" and "dome" have none). A question's subject
    that the releases never name is the strongest sign that they do not answer it."""
    entry = _cached(store)
    vocabulary, _ = _vocabulary(entry, store)
    with entry.lock:
        if entry.prefixes is None:
            entry.prefixes = frozenset(w[:4] for w in vocabulary if len(w) >= 4)
    known = set(vocabulary)
    return [w for w in words if w.lower() not in known and (len(w) < 5 or w.lower()[:4] not in entry.prefixes)]


def _acronyms(entry: _Cached, store: Store) -> list[tuple[str, str, int]]:
    with entry.lock:
        if entry.acronyms is None:
            entry.acronyms = store.acronyms()
    return entry.acronyms


def _styled(wrote: str, word: str) -> str:
    """The correction in the reader's casing: "Ukrane" -> "Ukraine", "pakage" -> "package"."""
    if len(wrote) > 1 and wrote.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if wrote[:1].isupper() else word


def _nearest(word: str, limit: int, words: list[str], counts: list[int]) -> str | None:
    """The closest index word within `limit` edits (transpositions count one); the more frequent on ties."""
    found = process.extract(word, words, scorer=OSA.distance, score_cutoff=limit, limit=None)
    if not found:
        return None
    _, _, i = min(found, key=lambda f: (f[1], -counts[f[2]], f[0]))
    return words[i]


_QUESTION_WORD = re.compile(r"\b[A-Za-z]+\b")


_QUESTION_WORDS = ("which", "what", "where", "when", "whose", "whom")
_CONTRACTIONS = frozenset(f"{w}s" for w in ("who", "what", "where", "when", "which", "how"))
_ASKING = frozenset((*_QUESTION_WORDS, "who", "how", "why"))


def correct(question: str, store: Store, settings: AnswerSettings) -> tuple[str, list[tuple[str, str]]]:
    """The question with each unknown word replaced by the nearest index word, and the (wrote, searched) pairs."""
    if settings.typo_distance <= 0:
        return question, []
    candidates = {}
    opening = None
    for m in _QUESTION_WORD.finditer(question):
        word = m.group()
        lower = word.lower()
        if m.start() == 0 and lower not in _ASKING and any(OSA.distance(lower, w) <= 1 for w in _QUESTION_WORDS):
            # The word opening the question, one edit from a question word ("wat will hicks do"): looked up
            # however short, and a typo even if a dictionary knows it ("wat"), unless the releases use it ("then").
            opening = lower
        elif len(word) < settings.typo_min_length or (word.isupper() and len(word) > 1):
            continue  # short words are too often other words; capitals are acronyms, not typos
        word_terms = analyze.terms(lower)
        if not word_terms or any(t[0] in "$#0123456789" for t in word_terms):
            continue  # stop words and number words are not looked up
        candidates[lower] = word
    if not candidates:
        return question, []
    unknown = set(candidates) - store.known_words(list(candidates))
    unknown -= (english_words() & unknown) - {opening}
    if not unknown:
        return question, []
    entry = _cached(store)
    words, counts = _vocabulary(entry, store)
    replacement: dict[str, str] = {}
    for lower in sorted(unknown):
        # "whos", "whats" are contractions the question's analysis reads ("who is"), not typos; "noms", "helo" are
        # shorthand spelled out for search, not "norms", "hello".
        if lower in _CONTRACTIONS or lower in _SHORTHAND:
            continue
        # A question word typed wrong ("wich", "whta") is that question word, though releases use "with" more.
        asking = next((w for w in _QUESTION_WORDS if OSA.distance(lower, w) <= 1), None)
        if asking is not None:
            replacement[lower] = asking
            continue
        # A third of a short word is too much to change: one edit below six letters.
        limit = min(settings.typo_distance, 1 if len(lower) < 6 else 2)
        if near := _nearest(lower, limit, words, counts):
            replacement[lower] = near
    if not replacement:
        return question, []
    corrections: list[tuple[str, str]] = []

    def fix(m: re.Match[str]) -> str:
        wrote = m.group()
        near = replacement.get(wrote.lower())
        if near is None:
            return wrote
        searched = _styled(wrote, near)
        if (wrote, searched) not in corrections:
            corrections.append((wrote, searched))
        return searched

    return _QUESTION_WORD.sub(fix, question), corrections


def demonym_forms(text: str, store: Store) -> list[Group]:
    """"Chinese = China" for a people's word the releases never use whose country they name, or the other way round
    ("Ukraine" asked, only "Ukrainian" written), by WordNet's tie of the two (qa.text.wordnet.peoples); a form only
    when the releases hold all its words. A word the releases use is searched as written: its other form would
    bring up every release of that people ("ukrainian" for the army savings package for Ukraine)."""
    words = {m.group().lower(): m.group() for m in _QUESTION_WORD.finditer(text) if wordnet.peoples(m.group())}
    groups: list[Group] = []
    for lower in sorted(set(words) - store.known_words(list(words))):
        forms = wordnet.peoples(lower)
        known = store.known_words(sorted({w.lower() for f in forms for w in f.split()}))
        held = [f if words[lower][:1].isupper() else f.lower() for f in forms
                if all(w.lower() in known for w in f.split())]
        if held:
            groups.append((words[lower], held))
    return groups


def initials_spelt(question: str, store: Store, texts: Callable[[], list[str]]) -> str:
    """The question with the long forms of the initials a reader typed that no release writes ("gdls", "cjcs")
    appended as the other forms are: the run of capitalised words of `texts` (the releases a first search found,
    read only when such initials are typed) whose first letters spell them ("General Dynamics Land Systems")."""
    main, groups = alternatives(question)
    given = {w.lower() for written, _ in groups for w in written.split()}
    # An English word typed in lower case ("how big was") is that word, not initials, as in acronym_forms.
    # Two letters are initials only in capitals ("AU"): typed in lower case they are mostly words or typos.
    typed = [w for w in dict.fromkeys(re.findall(r"\b[A-Za-z]{2,9}\b", main))
             if (w.isupper() or (len(w) > 2 and w.islower() and w not in english_words())) and w.lower() not in given]
    missing = unheard(typed, store)
    # A clipped compound ("northcom") may stand in some releases and not in those found, which spell it out
    # ("Northern Command"), and shares its first letters with words they hold ("north"): any longer word the
    # releases found never write may be one.
    clipped = [w for w in typed if w not in missing and len(w) > _SHORTEST_CLIPPED]
    if not missing and not clipped:
        return question
    found = texts()
    spelt = [(w, [long]) for w in missing if (long := acronyms.spelt_in(w, found) or acronyms.clipped_in(w, found))]
    # Only a release that never writes the word itself spells it out.
    lacking = [[text for text in found if not re.search(rf"\b{w}\b", text, re.IGNORECASE)] for w in clipped]
    spelt += [(w, [long]) for w, others in zip(clipped, lacking) if (long := acronyms.clipped_in(w, others))]
    return with_alternatives(main, groups + spelt) if spelt else question


# "eucom" (European Command) is the shortest clipped compound a reader types; shorter words are initials.
_SHORTEST_CLIPPED = 4


def rewrite(question: str, store: Store, settings: AnswerSettings) -> Rewrite:
    """The question as retrieval, coverage and answering should see it: typos corrected in place, then
    the releases' forms of its amounts, ranges, fiscal years and acronyms appended as alternatives."""
    main, groups = alternatives(" ".join(question.split()))
    main, corrections = american(main)
    main, spoken = textspeak(main)
    corrections += spoken
    main, fixed = correct(main, store, settings)
    corrections += fixed
    seen = {tuple(_flat(w)) for w, _ in groups}
    for written, others in (reader_forms(main) + acronym_forms(main, _acronyms(_cached(store), store))
                            + demonym_forms(main, store)):
        if others and tuple(_flat(written)) not in seen:
            seen.add(tuple(_flat(written)))
            groups.append((written, others))
    return Rewrite(question=with_alternatives(main, groups), corrections=corrections)
