"""A comparison computed from two parts' values: "How much larger was A than B?", "how much did aid grow between
A and B", "Which was larger: A or B?" are answered with both values, each with its release's date, and their
difference worked out beside them (arithmetic, which no sentence holds), never with one value alone."""

from __future__ import annotations

from qa.answer.candidates import Evidence
from qa.schemas import Answer
from qa.text import analyze


def computed(answer: Answer, first: list[Evidence], second: list[Evidence]) -> Answer:
    """`answer` (the two parts' values, each with its date) with their difference worked out, when both parts
    lifted a figure of the same kind (money with money, a count with a count); else `answer` unchanged."""
    a, b = _figure(first), _figure(second)
    if a is None or b is None or a[1] != b[1]:
        return answer
    gap = abs(a[0] - b[0])
    said = "the same figure" if gap == 0 else f"a difference of {_format(gap, a[1])}"
    return answer.model_copy(update={"computed": said})


def _figure(evidence: list[Evidence]) -> tuple[float, bool] | None:
    """The part's one lifted figure and whether it is money."""
    if len(evidence) != 1 or evidence[0].short is None:
        return None
    return analyze.amount(evidence[0].short.text)


def _format(value: float, money: bool) -> str:
    """A difference written as the releases write figures: "$1.33 billion", "2,500"."""
    for scale, name in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if value >= scale:
            number = f"{value / scale:.2f}".rstrip("0").rstrip(".")
            return f"{'$' if money else ''}{number} {name}"
    return f"{'$' if money else ''}{value:,.0f}"
