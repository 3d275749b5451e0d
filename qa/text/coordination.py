"""A question about two things, split by its parse into one question per thing.

"Which posts were Selva and Caine nominated for?", "… in the February 2025 article and in the September 2025
release?", "who swore in hegseth and who greeted him": the parser marks the two conjuncts (`cc`, `conj`); each
part is the question with the other conjunct left out. Two coordinated questions ("when was X signed and how
much Y was awarded") become the two questions, a pronoun of the second ("him") standing for the name of the
first. A comparison ("How much larger was A than B?", "Which was larger: A or B?") names its two things by
"than" or by "or". Nothing here knows the releases: whether the parts are about different things is for the
answer to find out (each part's evidence from its own release).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from qa.text import dates, spans

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_WH = frozenset({"who", "whom", "whose", "what", "which", "when", "where", "why", "how"})
_NOMINAL = frozenset({"NOUN", "PROPN", "NUM", "PRON"})
_PRONOUNS = frozenset({"he", "him", "his", "she", "her", "it", "its", "they", "them", "their"})
# Verbs of change over two times or things: "how much did aid grow between A and B".
_CHANGE = frozenset({"grow", "increase", "rise", "fall", "drop", "decrease", "decline", "change", "differ", "shrink"})
_FIGURE_WORDS = frozenset({"total", "combined", "cumulative", "overall"})
# Clauses that describe a noun or say what for: "a modification to prepare for ...", "the contract that funds ...".
_DESCRIBING = frozenset({"advcl", "acl", "relcl", "xcomp"})


# "A vs B", "A versus B": two things set side by side, as "A and B" sets them.
_VERSUS = re.compile(r"(?<![\w.])(?:vs\.?|versus)(?![\w.])", re.IGNORECASE)


def split(question: str) -> list[str]:
    """The question's parts, each a whole question; [question] when the parse finds one thing asked about."""
    return list(_split(question)[0])


def asks_each(question: str) -> bool:
    """Whether the question asks a question word of its own of each part ("how many soldiers vs how many
    marines", "who swore in hegseth and who greeted him"): a value each, even where one release gives both."""
    return _split(question)[1]


@lru_cache(maxsize=1024)
def _split(question: str) -> tuple[tuple[str, ...], bool]:
    """The parts, and whether each has a question word of its own: read once per question, which `split` and
    `asks_each` both ask about."""
    parts, each = _parts_of(question)
    return tuple(parts), each


def _parts_of(question: str) -> tuple[list[str], bool]:
    # Two questions typed as one ("balikatan 02 was the nth exercise? and what yr did the series start"): each
    # asks a value of its own. What follows a question mark is a question only with a question word of its own, not
    # the words a follow-up carries from the conversation ("what did it include? 52nd drawdown").
    typed = [p.strip() for p in _NEXT_QUESTION.split(question) if p.strip(" ?")]
    if len(typed) > 1 and all(len(p.split()) > 1 for p in typed) \
            and all(_WH & set(p.lower().split()) for p in typed[1:]):
        return typed, True
    question = _VERSUS.sub("and", question)
    paired = _two_times(question)
    if paired is not None:
        return paired, False
    doc = spans.parse(question)
    elliptical = _elliptical(doc)
    if elliptical is not None:
        return elliptical, False
    for cc in doc:
        if cc.dep_ != "cc" or cc.lower_ not in ("and", "or"):
            continue
        # Before the parser's conjuncts, which it finds anywhere when the verb is left out (or finds none).
        gapped = _gapped(doc, cc)
        if gapped is not None:
            return gapped, False
        right = _right_conjunct(doc, cc)
        if right is None:
            continue
        if _is_clause(right) and any(t.lower_ in _WH for t in doc[cc.i + 1:right.right_edge.i + 1]):
            return _clauses(doc, cc), True
        left = _left_conjunct(doc, cc, right)
        listed = _listed(doc, cc, left, right) if left is not None else None
        if listed is not None:
            return listed, False
        if left is not None and _both_asked(doc, cc, left, right):
            return _asked_apart(doc, cc, left, right), True
        if left is not None and _two_things(doc, cc, left, right):
            return _conjuncts(doc, cc, left, right), False
        phrases = _tagged_pair(doc, cc)
        if phrases is not None:
            return phrases, False
    than = next((t for t in doc if t.lower_ == "than" and t.head.tag_ in ("JJR", "RBR", "NN", "NNS")), None)
    if than is not None:
        return _than(doc, than), False
    return _either(doc) or [question], False


# A question mark with more asked after it, and the word joining the next question.
_NEXT_QUESTION = re.compile(r"\?\s+(?:(?:and|also|plus)\s+|\+\s*)?(?=\S)", re.IGNORECASE)

# Between two times: "and", "or", with the preposition of the first again or another ("thru march 2011 and thru
# july 2011", "in feb 2023 and in march 2024", "jun 12 2020 and apr 21 2020", "through January 2011, and in April").
_TIME_PREPOSITION = r"(through|thru|in|on|of|from|as of|for|during|by)"
_BETWEEN_TIMES = re.compile(rf"\s*,?\s+(?:and|or)\s+(?:{_TIME_PREPOSITION}\s+)?(?:the\s+)?$", re.IGNORECASE)
_BEFORE_TIME = re.compile(rf"\b{_TIME_PREPOSITION}\s+(?:the\s+)?$", re.IGNORECASE)


def _two_times(question: str) -> list[str] | None:
    """One question for each of two months with their years set side by side, which the parser, on a question
    typed in lower case, often reads as anything but a pair: the question with the first time, and with the
    second in its place (with its own preposition, if it has one)."""
    found = dates.named_spans(question)
    if len(found) != 2:
        return None
    (a, b), (c, d) = found
    between = _BETWEEN_TIMES.fullmatch(question[b:c])
    if between is None:
        return None
    ending = "?" if question.rstrip().endswith("?") else ""
    after = question[d:].rstrip().rstrip("?")
    first = question[:b] + after
    before = question[:a]
    if between.group(1):
        # The second time's own preposition takes the place of the first's.
        own = _BEFORE_TIME.search(before)
        before = before[:own.start()] + between.group(1) + " " if own else before + between.group(1) + " "
    second = before + question[c:d] + after
    return [_question(first, ending), _question(second, ending)]


def _elliptical(doc: Doc) -> list[str] | None:
    """Two questions that share one clause, said once: "when and where did grater die", "On what date did Grater
    die, and in which city?". Each asking phrase (a wh-word, or a preposition and a wh-word with its noun) takes
    the shared clause: "when did grater die", "where did grater die"; "in which city did Grater die?"."""
    ending = "?" if doc[-1].text == "?" else ""
    words = list(doc[:len(doc) - 1] if ending else doc)
    ands = [t for t in words if t.lower_ == "and"]
    if len(ands) != 1:
        return None
    cc = ands[0]
    first, second = words[:cc.i], words[cc.i + 1:]
    while first and first[-1].text == ",":
        first.pop()
    if _asking(first) and (phrase := _asking_phrase(second)):
        # "when and where did grater die": the shared clause follows the second asking phrase.
        shared = second[len(phrase):]
        if not shared or shared[0].pos_ not in ("VERB", "AUX"):
            return None
        return [_question(f"{_text(first)} {_text(shared)}", ending), _question(_text(second), ending)]
    opening = _asking_phrase(first)
    shared = first[len(opening):]
    if not _asking(second) or not opening or not shared or shared[0].pos_ not in ("VERB", "AUX"):
        return None
    # "On what date did Grater die, and in which city?": the second phrase takes the first one's clause.
    return [_question(_text(first), ending), _question(f"{_text(second)} {_text(shared)}", ending)]


def _asking_phrase(tokens: list[Token]) -> list[Token]:
    """The asking phrase a clause opens with: a wh-word, after a preposition and before its noun ("on what date")."""
    k = 1 if tokens and tokens[0].pos_ == "ADP" else 0
    if k >= len(tokens) or tokens[k].lower_ not in _WH:
        return []
    k += 1
    while k < len(tokens) and tokens[k].pos_ in ("NOUN", "PROPN", "ADJ") and tokens[k - 1].lower_ != "how":
        k += 1
    if tokens[k - 1].lower_ == "how" and k < len(tokens) and tokens[k].lower_ in ("many", "much", "long", "old"):
        k += 1
    return tokens[:k]


def _asking(tokens: list[Token]) -> bool:
    """Whether the tokens are an asking phrase alone: "where", "in which city", "how many"."""
    phrase = _asking_phrase(tokens)
    return bool(phrase) and len(phrase) == len(tokens)


def _either(doc: Doc) -> list[str] | None:
    """"Which was larger: A or B?" where the parser finds no conjuncts (long names and dates in A and B): the
    question's comparative, then a colon or comma, then the two things either side of its one "or"."""
    comparative = next((t for t in doc if t.tag_ in ("JJR", "RBR")), None)
    if comparative is None:
        return None
    mark = next((t for t in doc[comparative.i + 1:comparative.i + 3] if t.text in (":", ",")), None)
    ors = [t for t in doc if t.lower_ == "or" and mark is not None and t.i > mark.i + 1]
    if mark is None or len(ors) != 1:
        return None
    ending = "?" if doc[-1].text == "?" else ""
    end = len(doc) - 1 if ending else len(doc)
    before = list(doc[:mark.i + 1])
    first, second = list(doc[mark.i + 1:ors[0].i]), list(doc[ors[0].i + 1:end])
    if not _text(first) or not _text(second):
        return None
    return [_question(_text(before + first), ending), _question(_text(before + second), ending)]


def conjuncts(first: str, second: str) -> tuple[str, str] | None:
    """What two parts of one question name in place of each other ("austin", "marles" in "what did austin talk
    about" and "what did marles talk about"), when that is all they differ by and it is no clause (no verb in it);
    None otherwise."""
    a, b = first.split(), second.split()
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    one, two = " ".join(a[start:len(a) - end]), " ".join(b[start:len(b) - end])
    if not one or not two or any(t.pos_ in ("VERB", "AUX") for part in (one, two) for t in spans.parse(part)):
        return None
    return one, two


def compares(question: str) -> str | None:
    """The word that asks for a comparison ("larger", "more", "grow"), or None."""
    doc = spans.parse(question)
    for t in doc:
        if (t.tag_ in ("JJR", "RBR") and t.lower_ not in ("more", "less")) or t.lemma_ in _CHANGE:
            return t.lower_
        if t.lower_ in ("more", "less", "fewer") and t.dep_ in ("acomp", "amod", "advmod", "dobj", "attr"):
            return t.lower_
    return None


def _two_things(doc: Doc, cc: Token, left: Token, right: Token) -> bool:
    """Whether the conjuncts name two things the question asks the same of: each holds a name, a figure or a date
    ("Selva and Caine", "the $450 million drawdown and the $50 million drawdown"), neither holds the question word,
    the pair is not inside one name ("Air and Space Forces Association") and not a list of three or more."""
    if any(e.start <= cc.i < e.end for e in doc.ents) or left.dep_ == "conj":
        return False
    if any(t.dep_ == "conj" and t.head.i == left.i and t.i != right.i for t in doc):
        return False
    start = _start(left)
    first, second = doc[start:cc.i], doc[cc.i + 1:_end(doc, start, right)]
    # Two phrases of a preposition each ("with le drian and with song") name two things by their objects, which
    # a reader typing in lower case leaves without the capitals of a name.
    named = _object_word if left.pos_ == "ADP" and right.pos_ == "ADP" else _anchor
    return all(not _holds_wh(doc, part.start, part.end) and any(named(t) for t in part) for part in (first, second))


def _both_asked(doc: Doc, cc: Token, left: Token, right: Token) -> bool:
    """Whether each conjunct is a question word's phrase of its own ("how many soldiers and how many marines",
    "which ships and which aircraft"): two things asked for, one answer each."""
    return left.i < cc.i < right.left_edge.i and doc[left.left_edge.i].lower_ in _WH \
        and doc[right.left_edge.i].lower_ in _WH


def _asked_apart(doc: Doc, cc: Token, left: Token, right: Token) -> list[str]:
    """"how many soldiers and how many marines in the plan" → "how many soldiers in the plan", "how many marines in
    the plan": the words after the second noun, which the parser hangs on it alone, are said of both."""
    ending = "?" if doc[-1].text == "?" else ""
    before = list(doc[:left.left_edge.i])
    after = list(doc[right.i + 1:])
    first = [t for t in doc[left.left_edge.i:cc.i] if t.text not in (",", ";")]
    second = list(doc[right.left_edge.i:right.i + 1])
    return [_question(_text(before + part + after), ending) for part in (first, second)]


def _start(left: Token) -> int:
    """Where the first conjunct begins: a preposition's phrase at the preposition, whatever the parser hung on it
    ("army accessions thru march 2011 and thru july 2011": "thru" as the root); else its subtree."""
    return left.i if left.pos_ == "ADP" else left.left_edge.i


def _object_word(t: Token) -> bool:
    return t.pos_ in ("NOUN", "PROPN", "NUM")


def _listed(doc: Doc, cc: Token, left: Token, right: Token) -> list[str] | None:
    """"which posts were selva, caine and sylvia nominated for": a list of three or more names, figures or dates,
    one question for each; None when the conjuncts are no such list. The items are the conjuncts (or appositions,
    as the parser often reads a list of titled names) that commas and the one "and" separate."""
    items = [right, left]
    while items[-1].dep_ in ("conj", "appos") and items[-1].head.i < items[-1].i \
            and any(t.text == "," for t in doc[items[-1].head.i:items[-1].left_edge.i]):
        items.append(items[-1].head)
    items.reverse()
    if len(items) < 3 or any(t.lower_ in _WH for t in items):
        return None
    bounds = []
    for k, item in enumerate(items):
        start = item.left_edge.i if k == 0 else next(
            t.i for t in doc[items[k - 1].i + 1:item.i + 1] if t.text != "," and t.i != cc.i and t.dep_ != "cc")
        end = _end(doc, start, item) if k == len(items) - 1 else next(
            t.i for t in doc[item.i + 1:] if t.text == "," or t.dep_ == "cc")
        bounds.append((start, end))
    if not all(any(_anchor(t) for t in doc[a:b]) for a, b in bounds) or _holds_wh(doc, bounds[0][0], bounds[-1][1]):
        return None
    ending = "?" if doc[-1].text == "?" else ""
    before = _text(list(doc[:bounds[0][0]]))
    after = _text(list(doc[bounds[-1][1]:len(doc) - len(ending)]))
    return [_question(" ".join(p for p in (before, _text(list(doc[a:b])), after) if p), ending) for a, b in bounds]


def _anchor(t: Token) -> bool:
    return t.pos_ == "PROPN" or bool(t.ent_type_) or t.like_num or (t.is_title and t.i > 0)


def _end(doc: Doc, start: int, right: Token) -> int:
    """Where the second conjunct ends: its subtree, and the words after it the parser hung on either conjunct
    ("… in the March 12, 2024 Army-savings article", its "article" attached to the first)."""
    end = right.right_edge.i + 1
    while end < len(doc) and not doc[end].is_punct or (end < len(doc) - 1 and doc[end].text == ","):
        if not _hangs_inside(doc[end], start, end):
            break
        end = max(end + 1, doc[end].right_edge.i + 1)
    return end


def _hangs_inside(t: Token, start: int, end: int) -> bool:
    return any(start <= a.i < end for a in [t, *t.ancestors])


_PHRASE_TAGS = frozenset({"DET", "ADJ", "NUM", "NOUN", "PROPN", "SYM"})


def _tagged_pair(doc: Doc, cc: Token) -> list[str] | None:
    """Two noun phrases either side of "and", read by their tags where the parser hung the second one elsewhere
    ("the 13th presidential drawdown and the 52nd drawdown worth": "worth" as the conjunct)."""
    start = cc.i
    while start > 0 and doc[start - 1].pos_ in _PHRASE_TAGS:
        start -= 1
    end = cc.i + 1
    while end < len(doc) and doc[end].pos_ in _PHRASE_TAGS:
        end += 1
    while end > cc.i + 1 and doc[end - 1].pos_ not in ("NOUN", "PROPN"):
        end -= 1
    first, second = doc[start:cc.i], doc[cc.i + 1:end]
    if not len(first) or not len(second) or doc[cc.i - 1].pos_ not in ("NOUN", "PROPN"):
        return None
    if any(e.start <= cc.i < e.end for e in doc.ents) or not all(any(_anchor(t) for t in p) for p in (first, second)):
        return None
    if _holds_wh(doc, start, end):
        return None
    ending = "?" if doc[-1].text == "?" else ""
    before, after = list(doc[:start]), list(doc[end:])
    return [_question(_text(before + list(first) + after), ending),
            _question(_text(before + list(second) + after), ending)]


def _gapped(doc: Doc, cc: Token) -> list[str] | None:
    """The verb said once for two objects, each with its own phrase ("where did carter meet abe in april 2015 and
    isik in december 2016"; the parser, which knows no gapping, hangs the second object anywhere): what follows
    "and" is an object and a preposition, the words before "and" hold the same preposition after an object of
    the verb, and each side names something on either side of its preposition."""
    ending = "?" if doc[-1].text == "?" else ""
    end = len(doc) - 1 if ending else len(doc)
    second = doc[cc.i + 1:end]
    prep = next((t for t in second if t.pos_ == "ADP"), None)
    if prep is None or prep.i == second.start or prep.i == end - 1:
        return None
    mirror = next((t for t in reversed(doc[:cc.i]) if t.lower_ == prep.lower_), None)
    if mirror is None or mirror.i == 0 or doc[mirror.i - 1].pos_ not in ("NOUN", "PROPN", "ADJ"):
        return None
    verb = next((t for t in doc[:mirror.i] if t.pos_ == "VERB"), None)
    if verb is None or any(t.pos_ in ("VERB", "AUX") for t in second):
        return None
    start = max(doc[mirror.i - 1].left_edge.i, verb.i + 1)  # the object after the verb, with its own words
    if start >= mirror.i:
        return None
    first = doc[start:cc.i]
    sides = [doc[start:mirror.i], doc[mirror.i + 1:cc.i], doc[second.start:prep.i], doc[prep.i + 1:end]]
    if _holds_wh(doc, start, end) or not all(any(_anchor(t) or t.pos_ in ("NOUN", "ADJ") for t in side)
                                             for side in sides):
        return None
    before = list(doc[:start])
    return [_question(_text(before + list(first)), ending), _question(_text(before + list(second)), ending)]


def _right_conjunct(doc: Doc, cc: Token) -> Token | None:
    """The head of the conjunct after `cc`: its `conj` sibling, or the first word after it."""
    after = [t for t in doc[cc.i + 1:] if t.dep_ == "conj" and t.head.i == cc.head.i]
    if after:
        return after[0]
    return next((t for t in doc[cc.i + 1:] if t.dep_ == "conj"), None)


def _is_clause(t: Token) -> bool:
    return t.pos_ in ("VERB", "AUX")


def _holds_wh(doc: Doc, start: int, end: int) -> bool:
    return any(t.lower_ in _WH for t in doc[start:end])


def _left_conjunct(doc: Doc, cc: Token, right: Token) -> Token | None:
    """The head of the conjunct before `cc` that matches the one after it: a preposition for a preposition ("in
    …  and in …"), else a noun phrase; the parser's own head when it is of the same kind."""
    head = right.head if right.head.i < cc.i else None
    if right.pos_ == "ADP":
        if head is not None and head.pos_ == "ADP" and head.lower_ == right.lower_:
            return head
        # The same preposition, else another phrase of the same verb ("reach through January 2011, and in April").
        return next((t for t in reversed(doc[:cc.i]) if t.pos_ == "ADP" and t.lower_ == right.lower_), None) or \
            next((t for t in reversed(doc[:cc.i]) if t.pos_ == "ADP" and t.dep_ == "prep" and head is not None
                  and t.head.i == head.i), None)
    if right.pos_ not in _NOMINAL:
        return None
    if head is not None and head.pos_ in _NOMINAL and head.lower_ not in _WH:
        return head
    inside = _bracketed(doc)
    return next((t for t in reversed(doc[:cc.i]) if t.pos_ in _NOMINAL and t.i not in inside
                 and t.dep_ in ("pobj", "dobj", "nsubj", "nsubjpass", "attr", "conj", "appos")
                 and t.lower_ not in _WH), None)


def _bracketed(doc: Doc) -> set[int]:
    inside: set[int] = set()
    depth = 0
    for t in doc:
        depth += t.text == "("
        if depth:
            inside.add(t.i)
        depth -= t.text == ")" and depth > 0
    return inside


def _text(tokens: list[Token]) -> str:
    return re.sub(r"\s+([?,.;:])", r"\1", "".join(t.text_with_ws for t in tokens)).strip(" ,;:")


def _question(text: str, ending: str) -> str:
    text = text.strip(" ,;:")
    return text if text.endswith("?") or not ending else text + ending


def _conjuncts(doc: Doc, cc: Token, left: Token, right: Token) -> list[str]:
    """"the readout of A and the readout of B" → one question with A, one with B."""
    start = _start(left)
    end = _end(doc, start, right)
    # "both" / "either" before the first conjunct asks about the pair, which each part is not.
    skip = {t.i for t in doc[start:cc.i] if t.dep_ == "preconj"}
    # "the combined value of A and B": each part asks for its own value, not the pair's.
    skip |= {t.i for t in doc if t.lower_ in _FIGURE_WORDS and t.dep_ == "amod" and t.head in left.ancestors}
    ending = "?" if doc[-1].text == "?" else ""
    before = [t for t in doc[:start] if t.i not in skip]
    first = [t for t in doc[start:cc.i] if t.i not in skip]
    second = list(doc[right.left_edge.i if right.left_edge.i > cc.i else cc.i + 1:end])
    after = list(doc[end:])
    while first and first[-1].text in (",", ";"):
        first.pop()  # "through January 2011, and in April 2010": the comma before "and" ends neither part
    if not first or not second:
        return [doc.text]
    one = _question(_text(before + first + after), ending)
    two = _question(_text(before + second + after), ending)
    return [one, two]


def _clauses(doc: Doc, cc: Token) -> list[str]:
    """"who swore in hegseth and who greeted him" → "who swore in hegseth", "who greeted hegseth"."""
    ending = "?" if doc[-1].text == "?" else ""
    first = list(doc[:cc.i])
    second = list(doc[cc.i + 1:])
    asked = _asked_thing(first)
    name = _antecedent(first, second, asked)
    # "it" is no person: the thing the first asks for ("what drawdown did austin announce and how much was it worth").
    thing = asked or name
    words = [(t.text if t.lower_ not in _PRONOUNS or name is None
              else (thing if t.lower_ in _NEUTER else name) + "'s" * (t.tag_ == "PRP$"))
             + t.whitespace_ for t in second]
    if not any(t.pos_ in ("VERB", "AUX") for t in first):
        # "how many soldiers and how many marines did gates want to add": the first asks what the second's verb
        # says of it, the words after the second's own question phrase.
        noun = next((t for t in second if t.pos_ in ("NOUN", "PROPN")), None)
        if noun is not None and second[0].lower_ in _WH and first and first[0].lower_ in _WH:
            first = first + [t for t in second if t.i > noun.i]
    return [_question(_text(first), ending) or doc.text, _question("".join(words), ending)]


def _antecedent(tokens: list[Token], second: list[Token], asked: str | None) -> str | None:
    """What a pronoun of the second question stands for: the first question's named subject, unless the second
    names that subject itself ("which minister did Hagel meet, and what did Hagel call him about": him is not
    Hagel), then the thing the first asks for (`asked`, `_asked_thing`); else its last name or noun phrase."""
    phrase = _wh_phrase(tokens)
    subject = next((t for t in tokens if t.dep_ in ("nsubj", "nsubjpass") and t.lower_ not in _WH
                    and t.pos_ in ("PROPN", "NOUN") and t.i not in phrase), None)
    if subject is not None and subject.lower_ in {t.lower_ for t in second}:
        return asked
    if subject is None:
        # Never a date ("in december 2023"): a pronoun stands for a person or a thing.
        subject = next((t for t in reversed(tokens) if t.pos_ in ("PROPN", "NOUN") and t.dep_ in ("pobj", "dobj")
                        and t.ent_type_ not in ("DATE", "TIME") and not dates.months_named(f"{t.text} 2000")), None)
    if subject is None:
        return None
    return _text([t for t in subject.subtree if t.dep_ in ("compound", "flat") or t.i == subject.i])


def _asked_thing(tokens: list[Token]) -> str | None:
    """The noun phrase a question opening "which X" asks for, as written ("defense minister"), or None."""
    asked = _wh_phrase(tokens)
    head = next((t for t in reversed(tokens) if t.i in asked and t.pos_ in ("NOUN", "PROPN")), None)
    if head is None:
        return None
    return _text([t for t in head.subtree if t.i in asked and t.dep_ in ("compound", "flat") or t.i == head.i])


_NEUTER = frozenset({"it", "its"})


def _wh_phrase(tokens: list[Token]) -> set[int]:
    """The words of the thing a question opening "which X" asks for ("Which Saudi king did Secretary Perry meet":
    the king), which the small parser may call the subject; never the one a pronoun after it stands for."""
    if not tokens or tokens[0].lower_ not in ("which", "what", "whose"):
        return set()
    out = set()
    for t in tokens[1:]:
        if t.pos_ not in ("ADJ", "NOUN", "PROPN") and t.dep_ not in ("amod", "compound"):
            break
        out.add(t.i)
    return out


def _than(doc: Doc, than: Token) -> list[str]:
    """"How much larger was A than B?" → "How much larger was A?", "How much larger was B?"."""
    objects = [t for t in than.children if t.dep_ == "pobj"]
    subject = next((t for t in doc if t.dep_ in ("nsubj", "nsubjpass") and t.lower_ not in _WH), None)
    if not objects or subject is None or subject.i > than.i:
        return [doc.text]
    other = objects[0]
    ending = "?" if doc[-1].text == "?" else ""
    start, end = subject.left_edge.i, subject.right_edge.i + 1
    tail = [t for t in doc[end:] if not (than.i <= t.i <= other.right_edge.i)]
    # A clause of its own after the second thing describes it ("than Huntington Ingalls' May 2020 modification to
    # prepare for the Stennis overhaul"), however the parser hangs it; a phrase ("in December 2016") is said of both.
    own = {t.i for t in tail if t.i > other.right_edge.i and any(
        a.dep_ in _DESCRIBING and a.pos_ == "VERB" and a.i > other.right_edge.i for a in (t, *t.ancestors))}
    first = _text(list(doc[:start]) + [t for t in doc[start:end] if t.i < than.i] + [t for t in tail if t.i not in own])
    second = _text(list(doc[:start]) + list(doc[other.left_edge.i:other.right_edge.i + 1]) + tail)
    return [_question(first, ending), _question(second, ending)]
