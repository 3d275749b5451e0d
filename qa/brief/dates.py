"""Relative dates of a release said as dates: "Today" in a release of 2023-12-06 is Dec. 6, 2023.

The recogniser marks the date phrases; a phrase with no digit and no month is relative to the release's
date, and one of the deictic words (today, tonight, this morning or afternoon or evening, yesterday) is put
in terms of that date. A briefing quotes leads from releases of many dates, where "Today" means nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from qa.brief import parsed

# Days after the release's date each deictic word means (the words of English that point at a day).
_DAY = {"today": 0, "tonight": 0, "morning": 0, "afternoon": 0, "evening": 0, "yesterday": -1, "tomorrow": 1}


def _said(day: date) -> str:
    return f"{day.strftime('%B')} {day.day}, {day.year}"


def anchored(sentence: str, iso_date: str) -> str:
    """The sentence with each relative day ("Today", "This afternoon", "yesterday") followed by the day it
    means, "(Dec. 6, 2023)"-style; unchanged for an undated release."""
    try:
        day = date.fromisoformat(iso_date) if iso_date else None
    except ValueError:
        day = None
    if day is None:
        return sentence
    out, last = [], 0
    for ent in parsed.phrase(sentence).ents:
        words = [t.lower_ for t in ent]
        if ent.label_ not in ("DATE", "TIME") or any(ch.isdigit() for ch in ent.text) or len(words) > 2:
            continue
        offset = next((_DAY[w] for w in words if w in _DAY), None)
        if offset is None or (len(words) == 2 and words[0] != "this"):
            continue
        out += [sentence[last:ent.end_char], f" ({_said(day + timedelta(days=offset))})"]
        last = ent.end_char
    return "".join(out) + sentence[last:]
