"""Which one fell short of its goal: a question over a list of results against goals, answered by computing.

Recruiting releases list each component with what it did and what it aimed at ("The Army National Guard had
41,704 accessions, with a goal of 43,659, for 96 percent;"). "Which reserve component did not meet its goal" is
asked of that list, and no sentence says "missed": the answer is the item whose figure is under its goal, by
arithmetic, not the item nearest the question's words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qa.text import analyze, spans

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Verbs a shortfall is asked by: "which component missed its goal", "which ... failed to meet".
_FALLING = frozenset({"miss", "fail"})
# Verbs of reaching a goal, asked of with "not": "did not meet", "didn't reach".
_REACHING = frozenset({"meet", "reach", "make", "achieve", "hit", "attain"})


def asks_shortfall(question: str) -> bool:
    """Whether "which X" asks for the one that fell short of its goal: "missed", "failed", "fell short", "did not
    meet / reach", "below its goal"."""
    doc = spans.parse(question)
    if not any(t.lower_ in ("which", "what") for t in doc) or not any(t.lemma_.lower() == "goal" for t in doc) \
            and not any(t.lower_ == "short" for t in doc):
        return False
    return any(_falls_short(t) for t in doc)


def _falls_short(t: Token) -> bool:
    """Whether the token says a shortfall: "missed", "failed", "fell short", "did not meet", "below its goal"."""
    lemma = t.lemma_.lower()
    return (t.pos_ in ("VERB", "AUX") and lemma in _FALLING) \
        or (lemma in _REACHING and any(c.dep_ == "neg" for c in t.children)) \
        or (lemma == "fall" and any(c.lower_ == "short" for c in t.children)) \
        or (t.lower_ == "below" and any(x.lemma_.lower() == "goal" for x in t.subtree))


def _said_short(doc: Doc) -> tuple[int, int] | None:
    """The name the text says fell short ("only the Air National Guard fell slightly short of its goal")."""
    for t in doc:
        if _falls_short(t) and t.pos_ in ("VERB", "AUX"):
            subject = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            words = [w for w in subject.subtree if w.pos_ == "PROPN"] if subject is not None else []
            if words:
                return words[0].idx, words[-1].idx + len(words[-1])
    return None


def short_of_goal(text: str) -> tuple[int, int] | None:
    """Where the name stands that the text says fell short of its goal, or that of a list item whose figure is
    under its goal (its share under 100 percent, or its count under the goal it gives); None when the text says
    no shortfall and gives no figure against a goal, or the goal was met."""
    doc = spans.parse(text)
    if (said := _said_short(doc)) is not None:
        return said
    goal = next((t for t in doc if t.lemma_.lower() == "goal"), None)
    if goal is None:
        return None
    # The figures as the recogniser reads them: the share ("96 percent"), the goal ("a goal of 43,659") and the
    # figure before it ("41,704 accessions").
    share = next((e for e in doc.ents if e.label_ == "PERCENT"), None)
    target = next((e for e in doc.ents if e.label_ == "CARDINAL" and e.root.head.lower_ == "of"
                   and e.root.head.head.i == goal.i), None)
    done = next((e for e in doc.ents if e.label_ == "CARDINAL" and e.end <= goal.i), None)
    if share is not None:
        short = _value(share.text) < 100
    elif target is not None and done is not None:
        short = _value(done.text) < _value(target.text)
    else:
        return None
    if not short:
        return None
    first = min(e.start_char for e in (share, target, done) if e is not None)
    # The item's name: the first proper-noun phrase before its figures ("The Army National Guard had ...",
    # "Army Reserve – 8,518 accessions").
    for chunk in doc.noun_chunks:
        if chunk.start_char >= first:
            break
        words = [t for t in chunk if t.pos_ == "PROPN"]
        if words:
            return words[0].idx, words[-1].idx + len(words[-1])
    return None


def _value(figure: str) -> float:
    read = analyze.amount(figure)
    return read[0] if read is not None else 0.0
