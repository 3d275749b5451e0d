"""A conversation's earlier turns, as the answer pipeline and the model see them.

A turn is an earlier question with the answer it got, as the answer log keeps it (qa.index.answer_log.turns).
Light on purpose: the log imports it, and `qa logs` should not load the answer pipeline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from qa.schemas import Answer

# Earlier turns shown to the model: enough for "and what did it include?" to know what "it" is, few enough
# that a long conversation does not fill a small model's context.
MODEL_TURNS = 3


@dataclass(frozen=True)
class Turn:
    question: str
    answer: Answer


def prior_messages(turns: list[Turn]) -> list[dict[str, str]]:
    """The turns as earlier user and assistant messages, oldest first; the assistant's reply in the shape the
    answer prompt asks for (the quote it stood on, then the answer), so the model sees one consistent format."""
    messages: list[dict[str, str]] = []
    for turn in turns[-MODEL_TURNS:]:
        quote = turn.answer.evidence[0].quote if turn.answer.evidence else ""
        messages.append({"role": "user", "content": f"Question: {turn.question}"})
        messages.append({"role": "assistant", "content": json.dumps({"quote": " ".join(quote.split()),
                                                                      "answer": turn.answer.answer})})
    return messages
