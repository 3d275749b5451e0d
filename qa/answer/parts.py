"""Questions that want answers from several releases ("which two officials ..."): how many. A question about two
named things is split by its parse (qa.text.coordination)."""

from __future__ import annotations

import re

_PLURAL_ASK = re.compile(r"\b(?:which|what)\s+(two|three|both)\b|\bboth\b", re.IGNORECASE)


def wants_several(question: str) -> int:
    """How many answers from different releases a question asks for ("which two officials"): 0 for one."""
    m = _PLURAL_ASK.search(question)
    if not m:
        return 0
    word = (m.group(1) or "both").lower()
    return {"two": 2, "three": 3, "both": 2}[word]
