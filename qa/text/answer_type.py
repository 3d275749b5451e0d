"""What kind of value a question asks for, and whether a sentence holds one.

Used to prefer, among passages that match a question's words, those that
contain the kind of thing it asks for: a money amount for "how much", a
count for "how many", a date for "when".
"""

from __future__ import annotations

import re
from enum import Enum
from operator import itemgetter
from typing import TYPE_CHECKING

from qa.text import wordnet
from qa.text.analyze import MONTH_NAMES, stem

if TYPE_CHECKING:
    from spacy.tokens import Token


class AnswerType(str, Enum):
    MONEY = "money"
    PERCENT = "percent"
    COUNT = "count"
    ORDINAL = "ordinal"
    DATE = "date"
    PERSON = "person"
    PLACE = "place"
    OTHER = "other"


# Titles whose holder's name may be asked for: "name of the minister", "the minister's name".
_NAMED_TITLES = "(secretary|minister|spokes\\w+|general|official|chief|commander|ambassador)"

# What is counted in dollars: a package, contract or budget.
_SUMS = r"\b(package|contract|budget|request|award|sale|deal|funding|aid|assistance|grant)s?\b"

_RULES: list[tuple[AnswerType, re.Pattern[str]]] = [
    # "how much of gdp": a share of a whole, unless the whole is a sum ("how much of the $450 million", "how much
    # of the fiscal 2013 budget request was for ...": dollars of it).
    (AnswerType.PERCENT, re.compile(rf"\bwhat (percentage|percent|share)\b|\bwhat ?%|\bhow much of\b(?![^?(]*(?:\$|"
                                    rf"{_SUMS}))")),
    # The size of a package, contract or budget is its value: "how big was the june usai package", "which was
    # larger: the US Foods contract or ...".
    (AnswerType.MONEY, re.compile(r"\bhow much\b|\b(value|worth|cost|price|amount|assistance figures?)\b|"
                                  rf"\b(?:how (?:big|large)|larger|bigger|smaller)\b(?=.*{_SUMS})|"
                                  # "what's the fy09 war funding request": what a sum of money is, is its amount
                                  # (the forms search appended in brackets after it).
                                  r"^whats?(?:'s|’s| is| was)?\s+(?:the\s+)?(?:[\w-]+\s+){0,5}(?:budget|request|"
                                  r"funding|appropriation|spending)\s*\??\s*(?:\([^()]*\))?\s*$")),
    # "carlucci age at death": the age asked for is how old.
    # "what number of troops", "what # were they trying to get down to": a count; "what number stop", "what #
    # largest employer": a place in an order, below.
    (AnswerType.COUNT, re.compile(r"\bhow (many|old|long)\b|\b(the|a|total) number of\b|\bage\b|"
                                  r"\b(?:what|which) (?:number|#) (?:of|were|are)\b")),
    (AnswerType.ORDINAL, re.compile(r"\b(ordinal|anniversary|iteration|which (\w+ )?(round|drawdown|tranche))\b|"
                                    r"\b(?:what|which) (?:number|#) (?!(?:of|were|are)\b)(?=[\w-])")),
    (AnswerType.DATE, re.compile(r"\bwhen\b|\b(what|which) (date|day|year|month)s?\b"
                                 r"|\b(what|which) (is|was|are|were) the (\w+ ){0,2}(date|day|year)s?\b")),
    # Up to three words between "which" and the title, none a verb: "which acting Pentagon press secretary".
    # The name of a title, either way round: "name of the minister", "the minister's name" ("ministers name" typed).
    (AnswerType.PERSON, re.compile(rf"^(who|whom)\b|\bwho\b|\bname of (the )?(\w+ ){{0,3}}{_NAMED_TITLES}\b|"
                                   rf"\b{_NAMED_TITLES}(?:'s|’s|s'?)? name\b|"
                                   r"\b(which|what) ((?!(?:did|does|do|was|were|is|are|has|"
                                   r"had|will)\b)\w+ ){0,3}(secretary|minister|official|"
                                   r"spokes\w+|general|officer|person|leader|chief|commander|director|president|"
                                   r"ambassador|chairman|admiral)s?\b(?! (?:role|position|post|office|title|job)\b)")),
    (AnswerType.PLACE, re.compile(r"\bwhere\b|\b(which|what) (city|country|base|place|location)\b")),
]

MONTH_TERMS = frozenset(stem(m) for m in MONTH_NAMES)
_DIGITS = frozenset("0123456789")
_YEAR = re.compile(r"(?<!\S)(?:1[89]|20)\d\d(?!\S)")


# "Which evening", "what season", "which fiscal year": the thing asked for is a stretch of time, which WordNet
# knows where a list of such words would miss the next one a reader types.
# The noun must close the phrase ("which evening did", "what season of"): in "what enlistment bonus" it only
# modifies the thing asked.
_WHICH_NOUN = re.compile(r"\b(?:which|what) (?:\w+ )?(\w+)"
                         r"(?= (?:did|does|do|was|were|is|are|has|had|will|would|of)\b|\s*\??$)")


def answer_type(question: str) -> AnswerType:
    """The kind of the earliest asking phrase: "Where was he ... when he issued ..." asks for a place."""
    q = question.lower()
    found = [(m.start(), order, kind) for order, (kind, pattern) in enumerate(_RULES) if (m := pattern.search(q))
             and not _subordinate(q, m) and not _verb_inside(question, m) and not _asked_before(question, m)]
    found += [(m.start(1), len(_RULES), AnswerType.DATE) for m in _WHICH_NOUN.finditer(q) if _time_period(m.group(1))]
    found += [(start, len(_RULES) + 1, AnswerType.PERSON) for start in _people_asked(question)]
    return min(found)[2] if found else AnswerType.OTHER


def _verb_inside(question: str, m: re.Match[str]) -> bool:
    """Whether a "which X" or "what X" match runs over a verb, so X is no noun the wh-word asks for: "What attack
    prompted Secretary Carter to call ..." asks for an attack, not a secretary."""
    if not _WHICH_OR_WHAT.match(m.group()) or len(m.group().split()) < 3:
        return False
    from qa.text import spans  # the parser loads only for such a match

    # The clause's own verb, never a participle that modifies the noun ("which acting Pentagon press secretary",
    # "which numbered drawdown").
    return any(t.pos_ == "VERB" and t.dep_ in ("ROOT", "ccomp", "advcl", "conj") and m.start() < t.idx < m.end()
               for t in spans.parse(question))


def _asked_before(question: str, m: re.Match[str]) -> bool:
    """Whether a "which X" or "what X" before the match already asks for its noun X, and the match only describes
    it: "which program's revised cost estimates drove the decrease" asks for a program, not a cost. An asking word
    between them asks anew ("which agreement was larger, and what was each worth")."""
    wh = _WHICH_OR_WHAT.search(question, 0, m.start())
    if wh is None or _ASKING_WORD.search(question.lower(), wh.end(), m.start()):
        return False
    from qa.text import spans  # the parser loads only for such a match

    at = next((t for t in spans.parse(question) if t.idx == wh.start()), None)
    return at is not None and at.dep_ == "det" and at.head.pos_ in ("NOUN", "PROPN") and \
        at.head.idx + len(at.head) <= m.start()


def _people_asked(question: str) -> list[int]:
    """Where "which X" or "what X" asks for a person by a noun no title rule lists ("which reporters wrote",
    "which journalist", "what actress"), as the parse hangs the wh-word on the noun and WordNet places the noun's
    most usual sense under persons; never a noun with a sense that is a made thing ("carrier": a ship too)."""
    if not _WHICH_OR_WHAT.search(question):
        return []
    from qa.text import spans  # the parser loads only for a question that could ask so

    return [t.idx for t in spans.parse(question) if t.lower_ in ("which", "what")
            and (noun := _asked_noun(t)) is not None and wordnet.is_kind_of(noun, "person")
            and not wordnet.is_kind_of(noun, "artifact", first=None)]


def _asked_noun(wh: Token) -> str | None:
    """The lemma of the noun a "which" or "what" asks for: the one it determines, or, where the small parser hangs
    it elsewhere ("Which American Forces Press Service reporters wrote": "which" as the object), the head of the
    noun phrase right after it."""
    if wh.dep_ == "det":
        head = wh.head
    elif wh.i + 1 < len(wh.doc):
        head = wh.doc[wh.i + 1]
        while head.dep_ in ("compound", "amod") and head.head.i > head.i:
            head = head.head
    else:
        return None
    if head.pos_ not in ("NOUN", "PROPN") or head.i <= wh.i:
        return None
    return _with_of(head)


def _with_of(noun: Token) -> str:
    """A noun's lemma, joined with its "of" phrase where WordNet knows the two as one noun: "head of state" is a
    person where "head" alone is a body's part."""
    lemma = noun.lemma_.lower()
    of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    joined = f"{lemma}_of_{obj.lemma_.lower()}" if obj is not None else ""
    return joined if joined and wordnet.senses(joined) else lemma


_WHICH_OR_WHAT = re.compile(r"\b(?:which|what)\b", re.IGNORECASE)


def _time_period(noun: str) -> bool:
    """A stretch of time by its most usual sense, and in none a thing done: "evening" and "fiscal year", not a
    "festival" (a celebration too). Ties go to the rules above: "which anniversary" asks for an ordinal."""
    return wordnet.is_kind_of(noun, "time_period") and not wordnet.is_kind_of(noun, "activity", first=None)


_ASKING_WORD = re.compile(r"\b(?:which|what|who|whom|whose|how)\b")


def _subordinate(question: str, m: re.Match[str]) -> bool:
    """A "when" or "where" after the question's own asking word opens a clause, and asks nothing: "which divisions
    were they commanding when nominated", "what did he say when he visited"."""
    return m.group() in ("when", "where") and bool(_ASKING_WORD.search(question, 0, m.start()))


def held_kinds(sentence_terms: list[str]) -> set[AnswerType]:
    """The kinds of value that a sentence's terms (from analyze.terms) contain.

    Names and places are left out: told apart only by capitals, nearly every
    sentence of a release would hold one, so they would reward nothing.
    """
    kinds: set[AnswerType] = set()
    heads = set(map(itemgetter(0), sentence_terms))
    if "$" in heads:
        kinds.add(AnswerType.MONEY)
    if "#" in heads:
        kinds.add(AnswerType.ORDINAL)
    if not heads.isdisjoint(_DIGITS):
        kinds.add(AnswerType.COUNT)
        if "percent" in sentence_terms:
            kinds.add(AnswerType.PERCENT)
        if _YEAR.search(" ".join(sentence_terms)):
            kinds.add(AnswerType.DATE)
    if not MONTH_TERMS.isdisjoint(sentence_terms):
        kinds.add(AnswerType.DATE)
    return kinds


_BITS = {kind: 1 << i for i, kind in enumerate(AnswerType)}


def to_mask(kinds: set[AnswerType]) -> int:
    return sum(_BITS[k] for k in kinds)


def bit(kind: AnswerType) -> int:
    return _BITS[kind]
