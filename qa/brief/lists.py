"""Lines of a release that are items of a list: content that has no verb.

Releases list figures and names line by line, with no verb: "-- Army: 50,290 accessions, 101.2 percent of its
goal of 49,700;", "• Navy – 25,380 accessions, with a goal of 25,380; 100.0 percent.", a nomination after "the
president has made the following nomination:". A briefing that keeps only clauses (to drop letterhead such as
"IMMEDIATE RELEASE No. 1031-06") would drop the very figures such a release is about. A whole line is an item
when a content line ending in a colon introduces it (directly or through the items before it, marked alike) and
it holds a count or a name, or when it
is a label followed by a figure with the noun it counts ("Army: 50,290 accessions"; "Army Accessions: Goal
76,500", the noun in the label). The item's span leaves out its marker ("--", "•"), so a bullet reads as the
item and still quotes the release exactly.
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.brief import figures, parsed, relevance
from qa.text.sentences import LIST_MARKER

# A label and what separates it from the figures: "Army:", "Marine Corps –", "Army NG Gains:".
_LABEL = re.compile(r"([A-Z][^\n:–—]{0,60}?)[ \t]*(?::|[ \t](?:--|[–—-])[ \t])[ \t]*")
# Figures a list item counts: amounts and counts, not dates ("issued Nov 15, 2018") or ordinals.
COUNTS = {"money", "number"}


@lru_cache(maxsize=128)
def _figures(text: str) -> tuple[figures.Figure, ...]:
    return tuple(figures.figures(text))


def _line(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The line [start, end) fills, or None when the characters share their line with other text."""
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    last = len(text) if last < 0 else last
    if text[first:start].strip() or text[end:last].strip():
        return None
    return first, last


def _previous_line(text: str, first: int) -> tuple[int, int] | None:
    """The nearest non-blank line before the line that starts at `first`."""
    end = first - 1
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        if text[start:end].strip():
            return start, end
        end = start - 1
    return None


def _marker(line: str) -> str:
    m = LIST_MARKER.match(line)
    return m.group().strip() if m else ""


def _introduced(text: str, first: int, last: int) -> bool:
    """Whether a line ending in a colon introduces this line, directly or through the lines before it that
    carry the same marker (the items of one list)."""
    mark = _marker(text[first:last])
    while (before := _previous_line(text, first)) is not None:
        line = text[before[0]:before[1]].strip()
        if line.endswith(":"):  # a content line: "provided the following readout:" introduces no list
            return parsed.in_content(text, before[1] - 1, before[1])
        if not mark or _marker(line) != mark:
            return False
        first = before[0]
    return False


def _labelled(text: str, body: int, end: int) -> bool:
    """Whether the line is a label followed by a figure with the noun it counts, in the label or after it."""
    m = _LABEL.match(text, body, end)
    if not m:
        return False
    counts = [f for f in _figures(text) if m.end() <= f.start < end and f.kind in COUNTS]
    if not counts:
        return False
    label = [t for t in parsed.doc(text) if m.start(1) <= t.idx < m.end(1)]
    return any(f.measure for f in counts) or any(t.pos_ == "NOUN" for t in label)


def item(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the list item that the sentence [start, end) is, without its marker; None when it is none
    (not a whole line, or neither introduced nor a labelled figure)."""
    line = _line(text, start, end)
    if line is None:
        return None
    m = LIST_MARKER.match(text, start, end)
    body = m.end() if m else start
    if body >= end:
        return None
    if _labelled(text, body, end) or (_introduced(text, *line) and _says(text, body, end)):
        return body, end
    return None


def unmarked(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence [start, end) without the list marker that opens its line ("• Reexamine recruiting advertising
    ..."): a bullet reads as what the release says, not as the release's layout."""
    m = LIST_MARKER.match(text, start, end)
    opens_line = not text[text.rfind("\n", 0, start) + 1:start].strip()
    return (m.end(), end) if m and m.end() < end and opens_line else (start, end)


def _says(text: str, start: int, end: int) -> bool:
    """Whether an introduced line states something: a figure that counts, or a name ("September 15, 2017"
    after a readout's introduction says nothing)."""
    if any(start <= f.start < end and f.kind in COUNTS for f in _figures(text)):
        return True
    return any(start <= e.start_char < end and e.label_ in relevance.TOPIC_ENTITIES for e in parsed.doc(text).ents)
