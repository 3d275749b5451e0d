"""The one date parser: every date a user, a file or a request gives (CLI, API, ingest) goes through here.

Releases and readers write dates in several forms ("Sept. 11, 2023", "2023/09/11"); all become ISO dates,
and an impossible date ("2024-02-31", "0000-01-01", "yesterday") is an error that names what was given.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%d %B %Y", "%m/%d/%Y")
# Before this no release was written: a year 0001 or 0201 is a typo, not a date to filter on.
EARLIEST_YEAR = 1900


class DateError(ValueError):
    """A date that is not one; the message quotes it and says the form wanted."""


def iso_date(raw: str) -> str:
    """An ISO date (YYYY-MM-DD) from the forms releases and readers use; "" for an empty one; DateError else."""
    raw = raw.strip()
    if not raw:
        return ""
    head = raw[:10]
    m = _ISO.fullmatch(head)
    if m and (len(raw) == 10 or raw[10] in "T "):
        try:
            day = date(int(m[1]), int(m[2]), int(m[3]))  # the usual case, without strptime's cost
        except ValueError:
            raise DateError(f"impossible date {raw!r} (want YYYY-MM-DD)") from None
        return _checked(day, raw)
    cleaned = raw.replace("Sept.", "Sep.").replace("Sept ", "Sep ")
    fits = False  # some form fits, but the day it names does not exist ("Feb. 30, 2024")
    for fmt in _FORMATS:
        try:
            day = datetime.strptime(cleaned, fmt).date()
        except ValueError as err:
            fits = fits or "out of range" in str(err)
            continue
        return _checked(day, raw)
    if fits:
        raise DateError(f"impossible date {raw!r} (want YYYY-MM-DD)")
    raise DateError(f"unrecognised date {raw!r} (want YYYY-MM-DD)")


def _checked(day: date, raw: str) -> str:
    if day.year < EARLIEST_YEAR:
        raise DateError(f"impossible date {raw!r}: before {EARLIEST_YEAR}")
    return day.isoformat()


# A month as releases and readers write it (grounding matches it capitalised only, so "may" is no date).
MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept(?:ember)?|Sep"
         r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# A month a question names with its year, in any case: "June 2023", "feb 2023", "Sept. 11, 2023", "june 9 2023".
_PERIOD = re.compile(rf"\b({MONTH})\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?((?:19|20)\d\d)\b", re.IGNORECASE)


def months_named(text: str) -> list[tuple[int, int]]:
    """The (year, month) of every month `text` names with its year, in order; not a month a period runs through
    ("accessions thru july 2011"), which is no release's date (months_through)."""
    return [_month(m) for m in _PERIOD.finditer(text) if not _THROUGH.search(text, 0, m.start())]


def named_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` names a month with its year ("jun 12 2020", "March 2011"), start and end of each."""
    return [m.span() for m in _PERIOD.finditer(text)]


def month_keys(text: str) -> set[str]:
    """The months `text` names with their year (months_named) as release dates begin: {"2017-08"}."""
    return {f"{year:04d}-{month:02d}" for year, month in months_named(text)}


def year_of_two_digits(two: str) -> int:
    """The year two digits a reader types stand for, as in the releases' years: 1950-2049 ("99" 1999, "05" 2005)."""
    return 2000 + int(two) if int(two) < 50 else 1900 + int(two)


def months_through(text: str) -> list[tuple[int, int]]:
    """The (year, month) a period the text names runs through: "thru july 2011", "as of March 2024", "through
    March of fiscal 2011" (a fiscal year begins in the October before), "thru march" (year 0: not given)."""
    out = []
    for m in _PERIOD_END.finditer(text):
        month, year = month_number(m[1]), int(m[3]) if m[3] else year_of_two_digits(m[4]) if m[4] else 0
        out.append((year - 1 if year and (m[2] or m[4]) and month >= _FISCAL_START else year, month))
    return out


def period_phrases(text: str) -> list[str]:
    """The phrases naming the month a period runs through, with its year: "through March of fiscal 2011"."""
    return [m[0] for m in _PERIOD_END.finditer(text)]


def reports_through(text: str, months: list[tuple[int, int]]) -> bool:
    """Whether a release's text reports a period through one of these months ("through July", "Through May
    2015"): figures to that month, whatever the release's own date."""
    wanted = {month for _, month in months}
    return any(month_number(m[1]) in wanted for m in _REPORTED.finditer(text))


def months_in(text: str) -> set[int]:
    """The number of every month a release's text names as releases write one, capitalised ("Aug. 30", "their
    August meeting"): "may" in lower case is a verb."""
    return {month_number(m.group()) for m in _MONTH_WORD.finditer(text)}


_MONTH_WORD = re.compile(rf"\b{MONTH}")


def _month(m: re.Match[str]) -> tuple[int, int]:
    return int(m[2]), month_number(m[1])


def month_number(month: str) -> int:
    """1 for "January", "Jan." or "jan", and so on."""
    return _MONTHS.index(month[:3].lower()) + 1


# Words that make the month after them the end of a period, not an event's date.
_THROUGH = re.compile(r"\b(?:through|thru|as of|until|till)\s+(?:the\s+end\s+of\s+)?\Z", re.IGNORECASE)
# The month a period ends, with its year if given, plain or fiscal ("through March of fiscal 2011").
# A fiscal year may be typed with two digits: "through feb fy11".
_PERIOD_END = re.compile(rf"\b(?:through|thru|as of|until|till)\s+(?:the\s+end\s+of\s+)?({MONTH})(?:\s+"
                         rf"(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?(?:of\s+)?(?:((?:fiscal|fy)\s*(?:year\s+)?)?"
                         rf"((?:19|20)\d\d)|fy\s*'?(\d\d))\b)?", re.IGNORECASE)
_FISCAL_START = 10  # the federal fiscal year begins Oct. 1 of the calendar year before the one it is named for
_REPORTED = re.compile(rf"\b(?:through|thru)\s+(?:the\s+end\s+of\s+)?({MONTH})", re.IGNORECASE)


# A year however it is written, alone or glued to its prefix ("2014", "FY2014", "fiscal year 2014").
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def years_named(text: str) -> set[str]:
    """Every year `text` names."""
    return set(_YEAR.findall(text))


# A news story's dateline: "WASHINGTON, Oct. 12, 2010 -", "7/25/2011 - WASHINGTON (AFNS) --".
_STORY_DATELINE = re.compile(rf"[A-Z][A-Za-z .'’-]{{1,40}},\s+{MONTH}\s+\d{{1,2}},\s+\d{{4}}\s*[-–—]+\s*"
                             r"|\d{1,2}/\d{1,2}/\d{4}\s*[-–—]+\s*[A-Z][A-Z .,'’-]{1,40}(?:\s*\([A-Z]+\))?\s*[-–—]+\s*")


def story_dateline_end(text: str) -> int:
    """Where a news story's dateline that opens `text` ends, else 0."""
    m = _STORY_DATELINE.match(text)
    return m.end() if m else 0
