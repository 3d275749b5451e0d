"""Whether a question asks for a cause, and whether a sentence gives one, as the parse reads them.

"what killed lcpl march" is answered by "died ... of wounds suffered when ..." and not by "died Sept. 24 while
conducting combat operations": a sentence about the event that says nothing of what brought it about is no
answer to why it happened, however many of the question's words it holds. The cause is read from English grammar:
a clause of reason ("because flooding required ..."), the preposition of what one dies of or from, a phrase of
reason ("due to", "as a result of"), or the word "cause" itself.
"""

from __future__ import annotations

from qa.text import spans

# Verbs whose subject, asked for by "what", is the cause: "what killed him", "what caused the collision". Not
# "what prompted the call": an occasion ("following the latest missile launch") answers that.
_CAUSING = frozenset({"cause", "kill"})
# Nouns that name the cause asked for: "the cause of his death", "the reason for the delay".
_CAUSE_NOUNS = frozenset({"cause", "reason"})
# What one dies of or from: "died of wounds", "died from injuries".
_DYING = frozenset({"die", "succumb", "death"})
# Phrases of reason, as word pairs: "due to", "owing to", "because of", "result of".
_REASON_PAIRS = frozenset({("due", "to"), ("owing", "to"), ("because", "of"), ("result", "of")})


def asks_cause(question: str) -> bool:
    """Whether the question asks why something happened: "why", "what killed / caused X", "the cause of X"."""
    doc = spans.parse(question)
    for t in doc:
        if t.lower_ == "why":
            return True
        if t.lower_ == "what" and t.dep_ in ("nsubj", "nsubjpass") and t.head.lemma_.lower() in _CAUSING:
            return True
        if t.lemma_.lower() in _CAUSE_NOUNS and t.pos_ == "NOUN" and any(
                a.lower_ == "what" for a in [*t.head.children, t.head]):
            return True  # "what was the cause of": "cause" the attribute "what" asks about
    return False


def gives_cause(text: str) -> bool:
    """Whether the text says what brought something about: a clause of reason or of purpose ("to discuss ..."),
    what someone died of or from, a phrase of reason or the word "cause"."""
    doc = spans.parse(text)
    for t in doc:
        lemma = t.lemma_.lower()
        if lemma == "because" or lemma == "cause":
            return True
        if lemma in ("of", "from") and t.dep_ == "prep" and t.head.lemma_.lower() in _DYING:
            return True
        if t.i + 1 < len(doc) and (t.lower_, doc[t.i + 1].lower_) in _REASON_PAIRS:
            return True
        if t.pos_ == "VERB" and t.dep_ == "advcl" and any(
                c.lower_ == "to" and c.dep_ == "aux" for c in t.children) and t.head.pos_ == "VERB":
            return True  # a purpose: "met ... to discuss security challenges"
    return False
