"""Whether a question asks about the past, read off its words' tags.

A release's date says when what it reports happened ("Austin spoke today with ..."); it cannot say when something
still to come will happen. "when is mattis meeting le drian", "when will they meet", "when does the contract end"
ask about the present or the future: the answer is a time the release gives for it ("in February"), never the
release's own date. The tense is the first finite verb's after the question word. Only an auxiliary's present or
modal tag counts (a closed class the tagger reads even in a lower-case question): the small tagger takes an
unknown lower-case name for a present verb ("austin umerov meeting").
"""

from __future__ import annotations

from qa.text import spans

_PRESENT_OR_MODAL = frozenset({"VBZ", "VBP", "MD"})


def asks_past(question: str) -> bool:
    """Whether the question's first tensed verb is past ("did", "was", "met"), or it has none."""
    for t in spans.parse(question):
        if t.tag_ in _PRESENT_OR_MODAL and t.pos_ == "AUX":
            return False
        if t.tag_ == "VBD":
            return True
    return True


def told_past(text: str, start: int, end: int) -> bool:
    """Whether the phrase at [start, end) of `text` tells when something happened: the verb it hangs from is in the
    past tense ("On August 16, Mattis spoke with ..."), not one still to come ("will be meeting later this month")."""
    inside = spans.tokens_in(spans.parse(text), start, end)
    if not inside:
        return False
    t = inside[0]
    while t.head.i != t.i and not (t.pos_ in ("VERB", "AUX") and t.i != inside[0].i):
        t = t.head
    return t.tag_ == "VBD"
