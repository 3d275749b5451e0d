"""A trained reader: the words of a sentence that answer a question, when no value of a kind the lexicon knows
stands there ("What religion were the Normans?" → "Catholic").

Candidates are what the parser and the entity recogniser mark as whole phrases (entities, noun chunks, their
coordinations, numbers with their noun); each is scored by a logistic model over general signals: the question
word against the candidate's entity label and grammatical role, how far the candidate stands from the question's
words in the sentence, whether the question's focus noun heads or governs it, how much of it the question already
says. The weights live in reader.json beside this module, fitted by scripts/fit-reader on reading-comprehension
training data (SQuAD 2.0 train, public, CC BY-SA), never on the sets the reader is reported on.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from qa.text import roles, spans

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

WEIGHTS = Path(__file__).with_name("reader.json")
_WH = ("who", "whom", "whose", "what", "which", "when", "where", "why", "how")
_TIME_NOUNS = frozenset({"year", "day", "date", "month", "century", "decade", "time", "period", "era", "age"})
_LABEL_GROUPS = {"PERSON": "person", "NORP": "group", "ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place",
                 "DATE": "time", "TIME": "time", "CARDINAL": "number", "QUANTITY": "number", "MONEY": "money",
                 "PERCENT": "percent", "ORDINAL": "ordinal", "EVENT": "thing", "WORK_OF_ART": "thing",
                 "LAW": "thing", "PRODUCT": "thing", "LANGUAGE": "thing"}
_ROLES = {"nsubj": "subject", "nsubjpass": "subject", "dobj": "object", "pobj": "pobj", "attr": "attr",
          "appos": "appos", "conj": "conj", "compound": "compound", "npadvmod": "adverbial", "ROOT": "root"}


@dataclass(frozen=True)
class Asked:
    """What the reader needs of a question: its question word and focus noun, and its words' lemmas."""

    wh: str
    focus: str
    lemmas: frozenset[str]
    many: bool = False  # the focus asks for more than one ("which two capitals", "which battalion and regiment")
    role: roles.Role | None = None  # the act whose doer or object is asked for ("who ordered", "what did X urge")


@dataclass(frozen=True)
class Found:
    """The best span of a sentence for a question, with the model's probability that it is the answer."""

    start: int
    end: int
    text: str
    probability: float


def asked(question: str) -> Asked:
    doc = spans.parse(question)
    lemmas = frozenset(t.lemma_.lower() for t in doc if not t.is_stop and not t.is_punct)
    wh_token = next((t for t in doc if t.lower_ in _WH), None)
    if wh_token is None:
        return Asked("none", "", lemmas)
    role = roles.asked(question)
    wh = wh_token.lower_
    nxt = doc[wh_token.i + 1] if wh_token.i + 1 < len(doc) else None
    focus = ""
    if wh == "how" and nxt is not None and nxt.pos_ in ("ADJ", "ADV"):
        wh = f"how {nxt.lower_}" if nxt.lower_ in ("many", "much", "long", "old", "far", "large") else "how adj"
    elif wh in ("what", "which", "whose"):
        head = wh_token.head if wh_token.dep_ == "det" else None
        if head is None and nxt is not None and nxt.pos_ in ("NOUN", "PROPN", "NUM"):  # "which two capitals"
            head = next((t for t in doc[nxt.i:] if t.pos_ in ("NOUN", "PROPN") and t.dep_ != "compound"), nxt)
        if head is not None and head.pos_ in ("NOUN", "PROPN"):
            focus = head.lemma_.lower()
            if focus in _TIME_NOUNS:
                wh = "what time"
            return Asked(wh, focus, lemmas, _many(head), role)
    return Asked(wh, focus, lemmas, role=role)


def _many(focus: Token) -> bool:
    """Whether the focus noun asks for several things: a plural, a count above one, or two nouns joined."""
    counted = next((c for c in focus.children if c.dep_ == "nummod" and c.like_num), None)
    if counted is not None:
        return counted.lower_ not in ("1", "one")
    return focus.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in focus.children)


def candidates(doc: Doc) -> list[Span]:
    """Whole phrases of a parsed sentence: entities, noun chunks and their coordinations, numbers with their
    noun; each once."""
    found: dict[tuple[int, int], Span] = {}
    for e in doc.ents:
        found.setdefault((e.start, e.end), e)
    chunks = [c for c in doc.noun_chunks if c.root.pos_ != "PRON"]
    for c in chunks:
        found.setdefault((c.start, c.end), c)
        last = max((t.i for t in c.root.conjuncts if t.i > c.root.i), default=None)
        if last is not None:
            end = max(x.i for x in doc[last].subtree if x.i >= last) + 1
            found.setdefault((c.start, end), doc[c.start:end])
    for t in doc:
        if t.like_num and t.dep_ == "nummod" and t.head.i > t.i:
            found.setdefault((t.i, t.head.i + 1), doc[t.i:t.head.i + 1])
    return [s for s in found.values() if any(not t.is_punct and not t.is_stop for t in s)]


def features(q: Asked, cand: Span) -> dict[str, float]:
    """The signals of one candidate; names are crossed with the question word where the pair tells more."""
    doc = cand.doc
    label = _LABEL_GROUPS.get(cand.label_, "") if cand.label_ else ""
    if not label:
        label = next((_LABEL_GROUPS.get(t.ent_type_, "") for t in cand if t.ent_type_), "") or "none"
    root = cand.root
    role = _ROLES.get(root.dep_, "other")
    words = [t for t in cand if not t.is_punct and not t.is_stop]
    said = sum(t.lemma_.lower() in q.lemmas for t in words) / max(1, len(words))
    inside = set(range(cand.start, cand.end))
    asked_at = [t.i for t in doc if t.i not in inside and not t.is_stop and t.lemma_.lower() in q.lemmas]
    gap = min((min(abs(i - cand.start), abs(i - (cand.end - 1))) for i in asked_at), default=None)
    governor = _governor(root)
    f = {
        "bias": 1.0,
        f"wh={q.wh}|label={label}": 1.0,
        f"wh={q.wh}|role={role}": 1.0,
        f"wh={q.wh}|pos={root.pos_}": 1.0,
        f"label={label}": 1.0,
        "said": said,
        "all_said": float(said >= 1.0),
        f"gap={_bin(gap, (1, 3, 6, 10))}": 1.0,
        f"length={_bin(len(cand), (1, 2, 3, 5))}": 1.0,
        "governor_asked": float(governor is not None and governor.lemma_.lower() in q.lemmas),
        "left_asked": float(cand.start > 0 and doc[cand.start - 1].lemma_.lower() in q.lemmas
                            and not doc[cand.start - 1].is_stop),
        "right_asked": float(cand.end < len(doc) and doc[cand.end].lemma_.lower() in q.lemmas
                             and not doc[cand.end].is_stop),
        "proper": sum(t.pos_ == "PROPN" for t in cand) / len(cand),
        # Several things asked, and a coordination of them offered (or not): "lithium, nickel and cobalt".
        f"many={q.many}|joined={any(t.dep_ == 'conj' and t.head.i in inside for t in cand)}": 1.0,
        "number": float(any(t.like_num for t in cand)),
        # The question asks for the doer (or object) of an act, and the candidate is it in this sentence.
        "role_asked": float(q.role is not None),
        "fills_role": float(q.role is not None and any(
            cand.start_char <= a < cand.end_char for a, _ in roles.fillers(doc.text, q.role))),
    }
    if q.focus:
        lemmas = {t.lemma_.lower() for t in cand}
        f["focus_heads"] = float(root.lemma_.lower() == q.focus and said < 1.0)
        f["focus_governs"] = float(governor is not None and governor.lemma_.lower() == q.focus)
        f["focus_inside"] = float(q.focus in lemmas)
    return f


def _governor(root: Token) -> Token | None:
    """The word the candidate hangs on, through a preposition ("fealty to X": "fealty")."""
    head = root.head
    if head.i == root.i:
        return None
    if head.dep_ == "prep" and head.head.i != head.i:
        return head.head
    return head


def _bin(value: int | None, edges: tuple[int, ...]) -> str:
    if value is None:
        return "none"
    for edge in edges:
        if value <= edge:
            return f"<={edge}"
    return f">{edges[-1]}"


@lru_cache(maxsize=1)
def model() -> tuple[dict[str, float], float] | None:
    """The fitted weights and the probability at which a span is shown; None before any fit."""
    try:
        data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return {k: float(v) for k, v in data["weights"].items()}, float(data["threshold"])


def probability(f: dict[str, float], weights: dict[str, float]) -> float:
    z = sum(weights.get(name, 0.0) * value for name, value in f.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def read(question: str, text: str) -> Found | None:
    """The span of `text` most likely to answer `question`, with its probability; None when there is no fitted
    model or no candidate."""
    fitted = model()
    if fitted is None:
        return None
    weights, _ = fitted
    q = asked(question)
    doc = spans.parse(text)
    scored = [(probability(features(q, c), weights), c) for c in candidates(doc)]
    if not scored:
        return None
    p, best = max(scored, key=lambda s: (s[0], -s[1].start_char))
    start, end = best.start_char, best.end_char
    return Found(start, end, text[start:end], p)


def threshold() -> float:
    """The probability at or above which a read span is shown as the answer's value."""
    fitted = model()
    return fitted[1] if fitted else 1.01
