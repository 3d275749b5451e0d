"""The short answer: the span of the kind asked for, lifted out of the evidence.

"$175 million", "four high-mobility artillery rocket systems", "Kyiv", "JD
Vance", "Aug. 1, 2025", "Secretary of the Army". Values are found by the
grounding check's claim finder (the one lexicon of money, numbers, ordinals,
dates and names); among several, the one standing closest to the question's
own words wins. When nothing of the kind can be lifted, there is no short
answer and the evidence sentence is the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from qa.answer import goals, positions
from qa.answer.question import CODE_WORDS, Question
from qa.text import analyze, boilerplate, dates, grounding, roles, sentences, spans, tense, wordnet
from qa.text.answer_type import MONTH_TERMS, AnswerType
from qa.text.subject import tied_words

if TYPE_CHECKING:
    from collections.abc import Callable

    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

# A capitalised run: a name, a place, a title of a thing ("Security Sector Assistance Roadmap", "Article IV",
# "1947 National Security Act", "Under Secretary of Defense for Policy", "Sierra Nevada Corp.").
_RUN = re.compile(
    r"(?:\b\d{4}\s+)?(?<![\w.-])(?:[A-Z][\w’'-]*\.?|[A-Z]{2,})"
    r"(?:\s+(?:(?:of|for|the|and|on|de|del|al)\s+)*(?:[A-Z][\w’'-]*\.?|[IVXL]+\b|\d+\b))*")
_ABBREVIATED = re.compile(r"\b(?:Corp|Inc|Co|Ltd|Jr|Sr|St|Ft|Gen|Lt|Col|Adm)\.$")
_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|from|to|outside|inside)\s+(?:the\s+)?$")
_QUALIFIER = re.compile(r"(?:\b(?:up to|more than|less than|over|about|approximately|nearly|almost|some|roughly|"
                        r"at least|an estimated|a total of)\s+)$", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:1[789]|20)\d\d\b")
_UNITS = frozenset(analyze.stem(w) for w in """
year years month months week weeks day days hour hours percent times people troops members personnel
""".split())
# Units of time, also as typed in a hurry: a "how many yrs" question is answered by a stretch of time.
_TIMES = frozenset(analyze.stem(w) for w in "year years yr yrs month months mo mos week weeks wk wks day days "
                   "hour hours hr hrs minute minutes min mins".split())


# The recogniser's labels of a stretch of time ("two weeks", "August 2021"): a count only of what is counted in time.
TIME_LABELS = frozenset({"DATE", "TIME"})


def counts_time(q: Question) -> bool:
    """Whether a count the question asks for may be a stretch of time ("how many yrs", "how long"): not when it
    counts something else ("how many bradleys"), which no date or time the recogniser reads is."""
    return not q.counted or q.counted in _TIMES


_VERBS = frozenset("met meet were was are is have has had will would include includes said made got took reach "
                   "reached".split())
_TOTAL = re.compile(r"\b(total|combined|overall|in all|altogether|cumulative)\b", re.IGNORECASE)
# Capitalised words that open sentences or name times, not things.
_NOT_THING = frozenset("""
The A An This That These Those It Its He She They We I In On At For But And Today Yesterday Monday Tuesday Wednesday
Thursday Friday Saturday Sunday January February March April May June July August September October November December
Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mr Mrs Ms Dr
""".split())


@dataclass(frozen=True)
class Span:
    text: str
    start: int
    end: int


def lift(q: Question, text: str, *, dated: bool = False) -> Span | None:
    """The short answer in `text` (evidence sentences, verbatim), or None when none of its kind stands there.
    dated: the text's release has a date, so its "today" answers "when" (the answer prints that date).
    A name, place or thing is the whole of what the text names, as the parser reads it (qa.text.spans)."""
    if positions.asked(q):
        # "what job was X nominated for", "X's job at the time": the post the sentence gives, if it gives one.
        where, gives = positions.post(q, text)
        if where is not None:
            return Span(text[where[0]:where[1]], *where)
        if gives:
            return None  # the other post: "with assignment as director" asked for the one held
    span = _lifted(q, text, dated=dated)
    if span is not None and q.kind is AnswerType.COUNT:
        # A count with its noun, not the rest of the clause: "43,519 accessions", not "... in fiscal year 2014";
        # and with the words that bound it, as a figure of money keeps them: "over 150 years", not "150 years".
        end = spans.phrase_end(text, span.start, span.end)
        return _qualified(text, Span(text[span.start:end], span.start, end))
    if span is not None and q.kind is AnswerType.DATE and (more := _DAYS_TO.match(text, span.end)):
        # A stretch of days is one date: "Aug. 17-23", not "Aug. 17".
        return Span(text[span.start:more.end()], span.start, more.end())
    if span is None or q.kind not in _NAMED or q.identity:
        return span
    start, end = spans.complete(text, span.start, span.end, person=q.kind is AnswerType.PERSON)
    if q.kind is AnswerType.PERSON:
        start = with_rank(text, start)
        if several_people(q):
            start, end = _people_listed(text, start, end)
    # "which battalion and regiment": the battalion's designation goes on to its regiment ("2nd Battalion, 30th
    # Infantry Regiment"), one answer to both nouns asked.
    pair = _PAIR.search(q.text) if q.kind is AnswerType.OTHER else None
    if pair and analyze.stem(pair[1].lower()) == q.focus and (
            more := re.match(rf",?\s+(?:the\s+)?(?:[\w.-]+\s+){{0,3}}{re.escape(pair[2])}s?\b", text[end:], re.I)):
        end += more.end()
    if q.kind is AnswerType.OTHER and plural_focus(q):
        start, end = _with_conjuncts(q, text, start, end)
    return Span(text[start:end], start, end)


# The last day of a stretch of days written after its first: the "-23" of "Aug. 17-23".
_DAYS_TO = re.compile(r"[-–]\d{1,2}\b(?![-–]?\d)")


def with_rank(text: str, start: int) -> int:
    """Where a name starting at `start` starts with the abbreviated rank the text writes right before it, with the
    words the parse hangs on the rank: "Gen. Chuck Jacoby", "Staff Sgt. Benjamin D. Williams", "Air Force Gen. CQ
    Brown" (a reader knows the person by it, and the release gives it so), not "Staff" of "Chief of Staff Gen."."""
    m = _RANK.search(text, max(0, start - 24), start)
    if m is None:
        return start
    rank = next((t for t in spans.parse(text) if t.idx == m.start()), None)
    if rank is None:
        return m.start()
    # Leftwards while the words modify the rank, up to a title of its own ("Press Secretary Rear Adm.").
    left = rank
    while left.i > 0 and (before := left.nbor(-1)).dep_ in _RANK_PARTS and before.head.i > before.i \
            and before.text[:1].isupper() and not _title_word(before.lower_):
        left = before
    return left.idx


def _title_word(word: str) -> bool:
    """Whether a word is a person's title of its own ("Secretary", "Spokesman"), not the service of a rank ("Marine
    Corps Gen."): a kind of person in WordNet that is no kind of serviceman."""
    return _first_a_person(word) and not wordnet.is_kind_of(word, "serviceman", first=None)


def _first_a_person(word: str) -> bool:
    """Whether WordNet's first sense of a word (written with a capital or a full stop or not) is a kind of person:
    "Ambassador", "Secretary", "Paul"; not "Fort" or "Houston"."""
    return wordnet.is_kind_of(word.lower().rstrip("."), "person", first=1)


# How the parse hangs the words of a rank on it: "Air Force Gen.", "Lance Cpl.".
_RANK_PARTS = frozenset({"compound", "amod", "nmod"})
# One or two abbreviated ranks right before a name: "Gen.", "Brig. Gen.".
_RANK = re.compile(r"\b[A-Z][a-z]{1,4}\.(?:\s+[A-Z][a-z]{1,4}\.)?\s+\Z")


def several_people(q: Question) -> bool:
    """Whether a question asks for more than one person: the noun of persons its question words ask for is plural
    or counted above one ("names of the 2 soldiers who got silver stars", "which ministers", "who were the two
    officers"; not "who did the soldiers thank"). Read by word order, which the small parser gets wrong here."""
    for t in spans.parse(q.written):
        if t.pos_ == "NOUN" and wordnet.is_kind_of(t.lemma_.lower(), "person", first=1):
            if t.i + 1 < len(t.doc) and t.doc[t.i + 1].pos_ == "NOUN":
                return False  # "the latvia defense ministers name": a possessive typed without its apostrophe
            count = next((c for c in t.children if c.dep_ == "nummod" and c.like_num), None)
            return count.lower_ not in ("1", "one") if count is not None else t.tag_ == "NNS"
        if t.lower_ not in _BEFORE_ASKED and t.pos_ not in ("DET", "NUM", "ADJ", "PROPN") and t.dep_ != "compound":
            return False
    return False


# The words that may stand before the noun a question asks for: "which", "who were the", "names of the".
_BEFORE_ASKED = frozenset({"which", "what", "who", "whom", "is", "are", "was", "were", "names", "name", "of"})


def _people_listed(text: str, start: int, end: int) -> tuple[int, int]:
    """The name at `start`-`end` with the names the text lists beside it, each with its rank: "Staff Sgt. Michael
    L. Barrera Jr., and to Pfc. Joshua V. Joseph" for the two soldiers asked for."""
    names = [(with_rank(text, e.start_char), e.end_char) for e in spans.parse(text).ents if e.label_ == "PERSON"]
    at = next((i for i, (a, b) in enumerate(names) if a < end and start < b), None)
    if at is None:
        return start, end
    first = last = at
    while last + 1 < len(names) and _beside(text[names[last][1]:names[last + 1][0]]):
        last += 1
    while first > 0 and _beside(text[names[first - 1][1]:names[first][0]]):
        first -= 1
    return min(start, names[first][0]), max(end, names[last][1])


def _beside(between: str) -> bool:
    """Whether the words between two names list them together: ", ", " and ", ", and to ". """
    return _LISTED.match(between) is not None and len(between) <= _LISTED_GAP


def _listed_with(token: Token) -> list[Token]:
    """The token and those listed with it: its conjuncts, and an apposition a small parser reads in a list ("an
    airfield assessment team, an airfield clearing team and ...")."""
    seen, todo = {token.i: token}, [token]
    while todo:
        t = todo.pop()
        near = [c for c in t.children if c.dep_ in ("conj", "appos")]
        near += [t.head] if t.dep_ in ("conj", "appos") else []
        for n in near:
            if n.i not in seen:
                seen[n.i] = n
                todo.append(n)
    return list(seen.values())


def _with_conjuncts(q: Question, text: str, start: int, end: int) -> tuple[int, int]:
    """A plural asked for ("which air defense systems", "what teams") is every phrase the parse coordinates with
    the lifted one that has the same head noun: "Patriot air defense systems, HAWK air defense systems", not
    the "artillery rounds" listed after them."""
    tokens = spans.tokens_in(spans.parse(text), start, end)
    if not tokens:
        return start, end
    head = next((t for t in tokens if t.head.i == t.i or not start <= t.head.idx < end), tokens[-1])
    chain = sorted(_listed_with(head), key=lambda t: t.i)
    at = chain.index(head)
    same = [analyze.stem(t.lower_) == q.focus for t in chain]
    if not same[at] and (asked := _asked_word(q)) is not None:
        # "what countries": names of kinds of X listed together ("Canada, France, ... and the United Kingdom"),
        # each read whole as the recogniser gives it.
        whole = {i: re.sub(r"^the\s+", "", e.text, flags=re.I) for e in head.doc.ents for i in range(e.start, e.end)}
        same = [t.pos_ == "PROPN" and wordnet.is_kind_of(whole.get(t.i, t.text), asked) for t in chain]
    if not same[at]:
        return start, end
    first, last = at, at
    while first > 0 and same[first - 1]:
        first -= 1
    while last + 1 < len(chain) and same[last + 1]:
        last += 1
    if first == last:
        return start, end
    ends = [c.right_edge for c in chain[last].rights if c.dep_ not in ("conj", "cc", "punct")]
    stop = max(ends, key=lambda t: t.i) if ends else chain[last]
    begin = chain[first].left_edge
    if begin.pos_ == "DET" and begin.i < chain[first].i:
        begin = begin.doc[begin.i + 1]  # "an airfield assessment team": the phrase, not its article
    return min(start, begin.idx), max(end, stop.idx + len(stop.text))


# "which battalion and regiment", "what brigade and division": two nouns one designation answers.
_PAIR = re.compile(r"\b(?:which|what)\s+([a-z]+)\s+and\s+([a-z]+)\b", re.IGNORECASE)


# Entity labels of bodies that act as a person does: "who confirmed her" -> the Senate.
BODIES = frozenset({"ORG", "NORP"})


# Kinds whose answer is a name: grown to the whole name. Figures and dates keep the lexicon's own bounds.
_NAMED = frozenset({AnswerType.PERSON, AnswerType.PLACE, AnswerType.OTHER})


def _lifted(q: Question, text: str, *, dated: bool = False) -> Span | None:
    if q.shortfall:
        # "which component missed its goal": the item whose figure is under its goal, by arithmetic.
        at = goals.short_of_goal(text)
        return Span(text[at[0]:at[1]], *at) if at is not None else None
    found = values(q, text)
    # Only for a question opening with "when" that gives no time of its own: "When Austin called ... in
    # September 2023, when was the next meeting" asks about another event than the release's "today" (dev r009_q1).
    # And only for one about the past: the release's date never says when what it announces will happen.
    if not found and dated and q.kind is AnswerType.DATE and _WHEN.match(q.text) and not _YEAR.search(q.text) \
            and not MONTH_TERMS & q.term_set and (m := _TODAY.search(text, _body_start(text))) \
            and tense.asks_past(q.text):
        return Span(m.group(), m.start(), m.end())
    if not found and q.kind is AnswerType.PERSON and q.act is not None and not q.identity and not q.role:
        # "who confirmed wormuth": the doer may be a body, no person ("the Senate for their confirmation of ..."),
        # as the recogniser reads it.
        body = _acting(q, text, [])
        if body is not None and spans.labels(text, body.start, body.end) & BODIES:
            return body
        return _acting_noun(q, text)
    if not found:
        return None
    if (paired := _respectively(q, text, found)) is not None:
        return paired
    if q.asked_prep is not None:
        # "since what date": the values after that very preposition, when the text has any ("since July 7, 2003").
        found = [s for s in found if governed_by(q.asked_prep, text, s)] or found
    kind = q.kind
    if kind is AnswerType.MONEY:
        if _TOTAL.search(q.text):
            return _qualified(text, max(found, key=lambda s: _amount(s.text)))
        return _qualified(text, _closest(q, text, _of_the_measured(q, text, found)))
    if kind is AnswerType.PERCENT:
        return _with_unit(text, _closest(q, text, found))
    if kind is AnswerType.COUNT:
        return found[0]  # ranked by how well each counts what was asked
    if kind is AnswerType.PERSON:
        if q.designated and (named := _designated(q, text, found)):
            return named
        if q.act is not None and (acting := _acting(q, text, found)):
            return acting
        if beside := [n for n in _beside_focus(q, text, _body_start(text)) if n in found]:
            return beside[0]
        top = max(titled(q, text, n) for n in found)
        return _closest(q, text, [n for n in found if titled(q, text, n) == top])
    if kind is AnswerType.OTHER:
        # In the order of preference of _things, but the item of a list between semicolons that the question's
        # names tell ("which bahrain firm": the firm of "..., Manama, Kingdom of Bahrain (N33191-09-D-0121)").
        # Only among values as good by their head: "1st Infantry Division" for "which divisions" is never given
        # up for another item's "Strategy, Plans, and Policy".
        def headed(span: Span) -> bool:
            return analyze.terms(span.text)[-1:] == [q.focus]

        return _in_item(q, text, found[0], [s for s in found if headed(s) == headed(found[0])], found.index)
    if q.origin and (home := _home(q, text)) is not None:
        return home
    return _venue_in(text, _closest(q, text, found))


def _venue_in(text: str, place: Span) -> Span:
    """The place with the named venue the text sets in it: "Fort Sam Houston in Texas" of "sent to Fort Sam Houston
    in Texas", "Manama Dialogue in Bahrain" of "at the Manama Dialogue in Bahrain" (the venue is where, the place
    where that is). The parser hangs such an "in" on the verb as often as on the venue; the words tell."""
    m = _VENUE_BEFORE.search(text, max(0, place.start - 80), place.start)
    # Never a person sent somewhere ("to ... Ambassador L. Paul Bremer in Iraq"): a word WordNet first reads as one.
    if m is None or any(_first_a_person(w) for w in m.group(1).split()):
        return place
    return Span(text[m.start(1):place.end], m.start(1), place.end)


# A capitalised name after "at" or "to", then "in", just before a place: the venue of "at the Manama Dialogue in".
_VENUE_BEFORE = re.compile(r"\b(?:at|to)\s+(?:the\s+)?((?:[A-Z][\w’'.-]*\s+)+)in\s+\Z")


def _respectively(q: Question, text: str, found: list[Span]) -> Span | None:
    """For "how many did the Navy Reserve recruit" of "The Navy Reserve and Air Force Reserve ..., recruiting 496 and
    917 new members, respectively": the value in the place of the thing the question names, by the parse's two
    lists of conjuncts of the same length, one of names, one of values of the kind asked."""
    if "respectively" not in text.lower():
        return None
    doc = spans.parse(text)
    lists = [[t, *t.conjuncts] for t in doc if t.dep_ != "conj" and t.conjuncts]
    figures = next((ls for ls in lists if all(t.like_num or t.ent_type_ in _QUANTITIES for t in ls)), None)
    if figures is None:
        return None
    wanted = set(q.names) or q.term_set

    def held(t: Token) -> int:
        return len(set(analyze.terms(doc[t.left_edge.i:t.i + 1].text)) & wanted)

    for names in lists:
        if len(names) != len(figures) or names is figures:
            continue
        counts = [held(t) for t in names]
        best = max(counts)
        if best and counts.count(best) == 1:
            value = figures[counts.index(best)]
            # Only a value of the kind asked (`found`, the text's values): "496" of "496 and 917 new members".
            kind_asked = any(s.start <= value.idx < s.end for s in found)
            return Span(value.text, value.idx, value.idx + len(value)) if kind_asked else None
    return None


def _home(q: Question, text: str) -> Span | None:
    """For "where was kirkpatrick from": the place the text ties to the person the question names by "of" or
    "from" ("Pfc. Hansen B. Kirkpatrick, 19, of Wasilla, Alaska, died ... in Helmand Province"), with the places
    in apposition to it."""
    for t in spans.parse(text):
        if t.ent_type_ != "PERSON" or not set(analyze.terms(t.text)) & q.term_set:
            continue
        for prep in t.children:
            place = next((p for p in prep.children if p.dep_ == "pobj" and p.ent_type_ in spans.PLACE_LABELS), None)
            if prep.dep_ == "prep" and prep.lower_ in ("of", "from") and place is not None:
                last = max((x for x in place.subtree if x.dep_ == "appos" or x.i == place.i), key=lambda x: x.i)
                start, end = place.left_edge.idx, last.idx + len(last)
                return Span(text[start:end], start, end)
    return None


def values(q: Question, text: str) -> list[Span]:
    """Every value of the kind asked for in `text` that the question does not already give."""
    body_start = _body_start(text)
    kind = q.kind
    if kind is AnswerType.MONEY:
        return [s for s in _claims(text, body_start, "money") if is_new(q, s.text)]
    if kind is AnswerType.PERCENT:
        return [s for s in _claims(text, body_start, "number") if is_new(q, s.text) and
                ("%" in s.text or "percent" in text[s.start:s.end + 9].lower())]
    if kind is AnswerType.COUNT:
        found = _counts(q, text, body_start) or _ordinal_counts(q, text, body_start)
        if not _HOW_LONG.search(q.text):
            return found
        # "how long": a stretch of time the recogniser reads, so many units of it ("more than an hour", "nearly two
        # years"; not "later that week"), never a count of something else ("the two leaders").
        ents = spans.parse(text).ents
        # A count inside the stretch the recogniser reads is given whole, its unit with it ("almost three decades").
        found = [_whole_time(s, ents) for s in found if spans.labels(text, s.start, s.end) & TIME_LABELS] or [
            Span(e.text, e.start_char, e.end_char) for e in ents
            if e.label_ in TIME_LABELS and e.start_char >= body_start and is_new(q, e.text)
            and set(analyze.terms(e.text)) & _TIMES and any(t.like_num or t.lower_ in ("a", "an") for t in e)]
        # "how long had he served": "since February", a time the recogniser reads, says for how long.
        return found or [Span(text[e.start_char - 6:e.end_char], e.start_char - 6, e.end_char) for e in ents
                         if e.label_ == "DATE" and e.start_char >= body_start + 6
                         and text[e.start_char - 6:e.start_char].lower() == "since " and is_new(q, e.text)]
    if kind is AnswerType.DATE:
        found = [s for s in _claims(text, body_start, "date") if is_new(q, s.text)]
        if not found and "year" in q.text.lower():
            found = [Span(m.group(), m.start(), m.end()) for m in _YEAR.finditer(text, body_start)
                     if is_new(q, m.group())]
        if not found and _WHEN.search(q.text):
            found = _months_alone(q, text, body_start)
        if not found and re.search(r"\bday\b", q.text, re.IGNORECASE):
            # "what day of the week was the strike": a day of the week the recogniser reads as a date ("our
            # precision airstrike Saturday killed ..."), as WordNet knows the days of the week.
            found = [Span(e.text, e.start_char, e.end_char) for e in spans.parse(text).ents
                     if e.label_ == "DATE" and e.start_char >= body_start and len(e) == 1
                     and wordnet.is_kind_of(e.text, "day_of_the_week") and is_new(q, e.text)]
        if (day := _day_given(q.text)) is not None:
            # "it opened on 11 of what month": a date of another day is of another event.
            found = [s for s in found if grounding.day_of(s.text) in (None, day)]
        if found and not tense.asks_past(q.text):
            # "when are mattis and song meeting": the day a release says something happened is no answer.
            found = [s for s in found if not tense.told_past(text, s.start, s.end)]
        return found
    if kind is AnswerType.ORDINAL:
        return [_ranked(text, s) for s in _claims(text, body_start, "ordinal") if is_new(q, s.text)]
    if kind is AnswerType.PERSON:
        return _titles(q, text, body_start) if q.identity else _people(q, text, body_start)
    if kind is AnswerType.PLACE:
        # Never a run the recogniser reads as something else only ("to the Air Force, Coast Guard, Navy": bodies).
        found = [s for s in _runs(q, text, body_start) if _PLACE_BEFORE.search(text[max(0, s.start - 12):s.start])
                 and not re.search(r"\d", s.text) and (not _other_than_place(text, s) or placed(text, s))
                 and not _other_place(q, s.text) and not _headed_by_question(q, s.text)]
        if q.within is None:
            return found
        # "where in greece": the places the text puts there ("Souda Bay, Greece"), else those not known elsewhere.
        inside = {s: _inside(text, s, q.within) for s in found}
        return [s for s in found if inside[s]] or [s for s in found if inside[s] is not False]
    # The person the question names is no thing it asks for ("which operation was Staff Sgt. Thompson supporting":
    # not "Staff Sgt. Matthew V. Thompson"): a person whose surname is one of the question's names, as its parse reads
    # them (not "Security Sector Assistance Roadmap", which the recogniser may call a person, for "which roadmap").
    return [t for t in _things(q, text, body_start)
            if not (set(analyze.terms(_surname(t.text))) & q.names and "PERSON" in spans.labels(text, t.start, t.end))]


def _day_given(question: str) -> int | None:
    """The day of the month a question asking for a date gives itself ("on 11 of what month", "on the 11th of which
    month"), or None."""
    m = _DAY_GIVEN.search(question)
    return int(m.group(1)) if m else None


_DAY_GIVEN = re.compile(r"\b([12]?\d|3[01])(?:st|nd|rd|th)?\s+of\s+(?:what|which)\s+month\b", re.IGNORECASE)


def _ranked(text: str, ordinal: Span) -> Span:
    """An ordinal that opens a hyphenated rank ("third-largest", "second-most visited") with the rank and the noun it
    ranks: "third-largest employer", never "third" cut out of its word. A bare ordinal ("52nd") stays as it is."""
    if not text.startswith("-", ordinal.end):
        return ordinal
    doc = spans.parse(text)
    at = next((t for t in doc if t.idx == ordinal.end), None)
    if at is None or at.i + 1 >= len(doc) or at.whitespace_:
        return ordinal
    word = doc[at.i + 1]
    while word.dep_ in ("amod", "advmod") and word.head.i > word.i and word.head.pos_ in ("ADJ", "VERB", "NOUN"):
        word = word.head
    end = word.idx + len(word) if word.pos_ == "NOUN" else doc[at.i + 1].idx + len(doc[at.i + 1])
    return Span(text[ordinal.start:end], ordinal.start, end)


def _inside(text: str, place: Span, region: str) -> bool | None:
    """Whether the text, or WordNet, puts the place inside the region: by the place named after it ("Souda Bay,
    Greece"; "Spokane, [Washington]" is elsewhere) or by WordNet's part-of ties ("Baghdad" in Iraq); None when
    neither tells."""
    asked = set(analyze.terms(region))
    if asked <= set(analyze.terms(place.text)):
        return True
    after = _PLACE_AFTER.match(text, place.end)
    if after is not None:
        if asked <= set(analyze.terms(after[1])):
            return True
        if (known := wordnet.within(after[1], region)) is not None:
            return known
    return wordnet.within(re.sub(r"^the\s+", "", place.text, flags=re.IGNORECASE), region)


def placed(text: str, span: Span) -> bool:
    """Whether a place WordNet knows is written right after the name, placing it: "Souda Bay, Greece" names a place
    whatever the recogniser calls it (the small model reads "Souda Bay" as a person)."""
    after = _PLACE_AFTER.match(text, span.end)
    return after is not None and any(wordnet.is_kind_of(after[1], kind, first=None) for kind in ("location", "region"))


# The place a name is placed in, written after it: ", Greece" of "Souda Bay, Greece"; ", [ Washington]" as printed.
_PLACE_AFTER = re.compile(r",\s*\[?\s*([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*)")


def _other_than_place(text: str, span: Span) -> bool:
    """Whether the recogniser labels the span, and never as a place (a body, a person, a people, a date)."""
    found = spans.labels(text, span.start, span.end)
    places = spans.PLACE_LABELS | {"ORG"} if _installation(span.text) else spans.PLACE_LABELS
    return bool(found) and not found & places


def governed_by(prep: str, text: str, span: Span) -> bool:
    """Whether the span stands right after the preposition ("since July 7, 2003" for "since")."""
    return re.search(rf"\b{re.escape(prep)}\s+(?:the\s+)?$", text[max(0, span.start - 16):span.start],
                     re.IGNORECASE) is not None


def _headed_by_question(q: Question, name: str) -> bool:
    """Whether the place's head word is one the question uses of something else ("Western Hemisphere" for "where
    did austin meet the hemisphere defense ministers"): what the question names, not where. A "which X" question's
    X may head its answer ("the Black Sea" for "which sea")."""
    words = analyze.terms(name)
    if not words or words[-1] not in q.term_set or words[-1] == q.focus:
        return False
    # The question's word heads a name of its own ("the Hall of Heroes ceremony"): a place the word ends ("Joint
    # Base Myer-Henderson Hall") is another thing, where the ceremony was held.
    return not any(analyze.terms(m.group(1))[-1:] == words[-1:] and m.group() not in name
                   for m in _OF_NAME.finditer(q.written))


# "Hall of Heroes", "hall of heroes": a noun with the name's "of" phrase after it.
_OF_NAME = re.compile(r"\b([\w’'-]+)\s+of\s+(?:the\s+)?[\w’'-]+", re.IGNORECASE)


def _other_place(q: Question, name: str) -> bool:
    """Whether WordNet knows the name as a place of another kind than the "which X" asked: "Syria", a country,
    for "which city"; a name it does not know ("Raqqa") may be one."""
    asked = _asked_word(q) if q.focus else None
    if asked is None or not wordnet.is_kind_of(asked, "location", first=None):
        return False
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    return any(wordnet.is_kind_of(name, kind, first=None) for kind in ("location", "region")) \
        and not wordnet.is_kind_of(name, asked, first=None)


def _installation(name: str) -> bool:
    """Whether a name holds a word for a facility, a building or a camp (WordNet): "Fort Bragg", "Naval Submarine
    Base Kings Bay", "the Pentagon", which the small recogniser often calls bodies."""
    return any(wordnet.is_kind_of(w, kind) for w in re.findall(r"[A-Za-z]+", name)
               for kind in ("facility", "building", "encampment"))


def _body_start(text: str) -> int:
    # A dateline ("WASHINGTON (Sept. 11, 2023) --", a news story's "WASHINGTON, Dec. 17, 2013 –") dates the
    # release, never the event asked about.
    return max(boilerplate.dateline_end(text), dates.story_dateline_end(text))


# "Austin spoke today with ...": the event is on the release's own date.
_TODAY = re.compile(r"\b(?:[Tt]oday|[Tt]his (?:morning|afternoon|evening)|[Tt]onight|[Yy]esterday|[Ll]ast night|"
                    r"[Tt]omorrow)\b")
_YESTERDAY = re.compile(r"[Yy]esterday|[Ll]ast night")
# "when did ...": the event's day; not "in what year was the treaty signed", which "today" never answers. Matched
# at the start for "today", searched anywhere for a month alone ("since when had maciel served").
_WHEN = re.compile(r"\s*when\b", re.IGNORECASE)


def is_today(span: Span | None) -> bool:
    """Whether a lifted date is the release's "today" (or "yesterday", "tomorrow"), printed as a day counted from
    the release's date (`days_back`)."""
    return span is not None and _TODAY.fullmatch(span.text) is not None


def days_back(span: Span) -> int:
    """How many days before its release's date a lifted "today" (0), "yesterday" (1) or "tomorrow" (-1) is."""
    return 1 if _YESTERDAY.fullmatch(span.text) else -1 if span.text.lower() == "tomorrow" else 0


_UNQUOTE = str.maketrans({'"': " ", "“": " ", "”": " "})


def _claims(text: str, start: int, kind: str) -> list[Span]:
    """Claims of one kind, quotation marks blanked (same offsets) so values inside a quote count too."""
    return [Span(t, s, e) for k, t, s, e in grounding.claims(text.translate(_UNQUOTE)) if k == kind and s >= start]


def is_new(q: Question, value: str) -> bool:
    """Whether a value adds something to the question: "$450 million" in "the $450 million drawdown" does not,
    nor "Matthew V. Thompson" in "what killed matthew thompson" (a middle initial names no one new)."""
    terms = set(analyze.terms(_INITIAL.sub(" ", value)))
    return bool(terms) and not terms <= q.term_set | _peoples_named(q.text)


@lru_cache(maxsize=1024)
def _peoples_named(question: str) -> frozenset[str]:
    """The countries a question names by their people and back ("kenyan": Kenya), which no value adds to it."""
    return frozenset(wordnet.terms_as_peoples(re.findall(r"[\w’'-]+", question)))


# A capital letter with its full stop inside a name: "V." of "Matthew V. Thompson".
_INITIAL = re.compile(r"(?<=\s)[A-Z]\.(?=\s)")


def _months_alone(q: Question, text: str, body_start: int) -> list[Span]:
    """For a question asking "when" (not "on what day and month", which a month alone does not answer): a
    month the recogniser reads as a date, without a day or year, that dates what the question asks about:
    one of its heads, a few words up the parse, is a word of the question. "look forward to meeting at the
    upcoming NATO defense ministerial in February" answers "when is mattis meeting le drian"; "the joint statement
    signed in November" does not. A year alone is no such answer: on reading-comprehension paragraphs, years
    loosely tied to a question's verb ("a sequel was released ... in 2007") were printed as full and wrong."""
    found: list[Span] = []
    if not MONTH_TERMS & set(analyze.terms(text[body_start:])):
        return found  # no month named: the text is not parsed for nothing
    doc = spans.parse(text)
    for e in doc.ents:
        if e.label_ != "DATE" or e.start_char < body_start or not MONTH_TERMS & set(analyze.terms(e.text)) \
                or not is_new(q, e.text):
            continue
        heads, t = set(), e.root
        for _ in range(_MONTH_HEADS):
            t = t.head
            heads.update(analyze.terms(t.text))
        if heads & q.term_set:
            found.append(Span(e.text, e.start_char, e.end_char))
    return found


# How far up the parse a month alone may date a word of the question: "meeting" <- "at" <- "ministerial" <- "in".
_MONTH_HEADS = 4


def _amount(money: str) -> float:
    terms = analyze.terms(money)
    try:
        return float(terms[0].lstrip("$")) if terms else 0.0
    except ValueError:
        return 0.0


def _qualified(text: str, span: Span) -> Span:
    """A figure with the words that bound it: "up to $450 million", "more than $44.2 billion"."""
    m = _QUALIFIER.search(text[max(0, span.start - 20):span.start])
    if not m:
        return span
    start = span.start - (len(m.group()))
    return Span(text[start:span.end], start, span.end)


def _closest(q: Question, text: str, spans: list[Span]) -> Span:
    """The span standing nearest the question's rare words in the text (its subject), the first on ties. A word of
    the question stands where another form of it does ("the latvian defense minister": "Minister Sprūds, Latvia")."""
    weights = q.anchors
    anchors = [(m.start(), weights[t]) for m in re.finditer(r"[\w$’'.,-]+", text)
               for t in analyze.terms(m.group()) if t in weights and t not in {"#", ""}]
    if not anchors:
        return spans[0]

    def cost(span: Span) -> float:
        return min(abs(pos - span.start) / (1.0 + w) for pos, w in anchors)

    return _in_item(q, text, min(spans, key=cost), spans, cost)


def _in_item(q: Question, text: str, best: Span, spans: list[Span], tie: Callable[[Span], float]) -> Span:
    """`best`, or, when its sentence lists its items between semicolons ("100 percent of the goal for the Navy
    Reserve ...; 115 percent for the Marine Corps Reserve; ..."), the value of the item that holds most of the names
    the question gives, in any of their forms ("Australian": "in Australia on March 5"); `tie` orders the rest."""
    start, end = next(((a, b) for a, b in sentences.spans(text) if a <= best.start < b), (0, len(text)))
    if ";" not in text[start:end]:
        return best
    # The question's rare words count with its names: a place typed in lower case ("schenectady") is no name to
    # the question, yet tells the item as well.
    weights = q.anchors
    names = {t for n in q.names for t in (n, *(x for f in q.forms.get(n, ()) for x in f))} | set(weights)
    bounds = [start, *(start + m.end() for m in re.finditer(";", text[start:end])), end + 1]

    def held(span: Span) -> float:
        a, b = next((a, b) for a, b in zip(bounds, bounds[1:]) if a <= span.start < b)
        return sum({t: weights.get(t, 1.0) for m in re.finditer(r"[\w$’'.,-]+", text[a:b])
                    for t in analyze.terms(m.group()) if t in names}.values())

    return min((s for s in spans if start <= s.start < end), key=lambda s: (-held(s), tie(s)))


def _of_the_measured(q: Question, text: str, found: list[Span]) -> list[Span]:
    """For "how much was the grant to ... for the YMCA project": the amounts that do not measure another noun of the
    question than the one asked ("a $18,100,000 project" measures the project, not the grant), by the parses of
    both; all of `found` when none or every one does."""
    measured = q.measured
    if measured is None:
        return found
    doc = spans.parse(text)

    def other(span: Span) -> bool:
        heads = {t.head for t in spans.tokens_in(doc, span.start, span.end) if t.dep_ in ("nummod", "compound", "amod")
                 and t.head.pos_ == "NOUN" and not (span.start <= t.head.idx < span.end)}
        return any(analyze.stem(h.lower_) in q.term_set and analyze.stem(h.lower_) != measured for h in heads)

    kept = [s for s in found if not other(s)]
    return kept or found


def _with_unit(text: str, span: Span) -> Span:
    m = re.match(r"\s*percent\b", text[span.end:])
    return Span(text[span.start:span.end + m.end()], span.start, span.end + m.end()) if m else span


def counts_kind(q: Question, word: str) -> bool:
    """Whether a noun after a number names what "how many X" counts in other words, one a kind of the other by
    WordNet ("forces" for "troops", "vessels" for "ships")."""
    if q.counted_word is None or not word.isalpha() or len(word) < 3:
        return False
    return wordnet.is_kind_of(q.counted_word, word, depth=_KIND_DEPTH) or wordnet.is_kind_of(
        word, q.counted_word, depth=_KIND_DEPTH)


# How far up WordNet the counted noun and the text's may stand apart: "troops" -> "military personnel" -> "force".
_KIND_DEPTH = 2


_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "our", "this", "these", "those"})


def _counts(q: Question, text: str, body_start: int) -> list[Span]:
    """Counts with their noun ("four high-mobility artillery rocket systems", "four of the six", "18 months"),
    best first: the more of the question's words stand right after a number (and before it), the better."""
    ranked: list[tuple[float, int, Span]] = []
    covered = 0
    all_terms = set(analyze.terms(text))
    for number in _claims(text, body_start, "number"):
        if number.start < covered:
            continue  # the "six" of "four of the six"
        if not is_new(q, number.text) or (_YEAR.fullmatch(number.text) and "year" not in q.text.lower()):
            continue
        if _YEAR.fullmatch(number.text) and "DATE" in spans.labels(text, number.start, number.end):
            continue  # "Fiscal Year 2015": a year, as the recogniser reads it, never the count asked for
        if not counts_time(q) and spans.labels(text, number.start, number.end) & TIME_LABELS:
            continue  # "two weeks" is a stretch of time, as the recogniser reads it, not a count of troops
        if re.search(r"[A-Za-z]\d|\d[A-Za-z]", number.text):
            continue  # a designation ("F-16", "W56HZV-20"), not a count
        if re.search(r"\d[-–]$", text[:number.start]):
            continue  # the end of a range ("Aug. 17-23"), never a count of its own
        if re.match(r":\d", text[number.end:]) or re.search(r"\d:$", text[:number.start]):
            continue  # an hour or minute of a clock's time ("12:01 a.m."), not a count
        if not (labels := spans.labels(text, number.start, number.end)) & _QUANTITIES and labels & spans.NAME_LABELS:
            continue  # part of a name, as the recogniser reads it ("Task Force 1-28 Infantry"), not a count
        if _measures_other(q, text, number):
            continue  # "155 mm" for "how many HARMs": the size of something, not a count of what is asked
        if _HOW_OLD.search(q.text) and not _age(text, number):
            continue  # "how old": an age, not "One" of "One of Secretary Rumsfeld's first tasks"
        prefix = re.search(r"([A-Za-z]+)-$", text[:number.start])
        if prefix and prefix.group(1).lower() not in analyze.CARDINALS and prefix.group(1).lower() != "and":
            continue  # "pre-2014", "mid-2022": a time, not a count
        joined = re.match(r"-([A-Za-z]+)\b(?!-)", text[number.end:])
        if joined and (stem := analyze.stem(joined.group(1).lower())) not in _UNITS | _TIMES and stem != q.counted \
                and joined.group(1).lower() not in analyze.CARDINALS:
            continue  # "a one-way attack drone", "a four-star general": a modifier's word, not a count
        start = number.start
        # The whole hyphenated token: "two-and-a-half".
        while start > 0 and text[start - 1] in "-" + "abcdefghijklmnopqrstuvwxyz":
            start -= 1
        end = number.end
        while end < len(text) and (text[end].isalnum() or text[end] == "-"):
            end += 1
        noun_end = end
        score = 0.0
        m = re.match(r"\s+of\s+(?:the\s+)?(\w+)", text[end:])
        if m and analyze.terms(m.group(1)) and analyze.terms(m.group(1))[0].isdigit():
            end = noun_end = covered = end + m.end()  # "four of the six"
            score += 3.0 if re.search(r"\bhow many of\b", q.text, re.IGNORECASE) else 0.0
        loose = 2  # words before the counted noun that are not the question's ("four active services")
        matched = False
        words = list(re.finditer(r"\S+", text[end:end + 80]))[:8]
        for i, word in enumerate(words):
            bare = word.group().strip(",;:()")
            if bare.lower() in ("and", "or") and i + 1 < len(words) and words[i + 1].group().lower() in _DETERMINERS:
                break  # "547,000 and the Marines": a determiner after "and" begins another noun phrase
            word_terms = analyze.terms(bare)
            asked = any(t in q.term_set or t in _UNITS for t in word_terms) or counts_kind(q, bare)
            if matched and (bare.lower() in _VERBS or (not asked and bare.lower().endswith("ed"))):
                break  # a verb starts the rest of the clause: "... reserve components | met their goals"
            if asked:
                noun_end = end + word.start() + len(word.group().rstrip(",;:()."))
                score += 2.0 / (1 + i)
                matched = True
            elif word_terms and (matched or loose == 0):
                break  # the noun phrase ended: "... reserve components | met their goals"
            elif word_terms:
                loose -= 1
            if bare != word.group() and not re.fullmatch(r"\([A-Z][\w-]*\)", word.group()):
                break  # the phrase ends at its punctuation, but not at a name's initials: "ten ... (DCIP) grants"
        before = analyze.terms(text[max(body_start, start - 40):start])
        score += sum(0.5 for t in before if t in q.term_set)
        counted = _counted_nouns(text, number) if q.counted else []
        # "Nine P-3 Orions" for "how many P-3 Orion aircraft": the names the question gives say what is counted.
        named = _counted_names(q.text, q.counted) if q.counted else frozenset()
        named = named if named and named <= set(analyze.terms(text[end:noun_end + 1])) else frozenset()
        if counted and not named and not any(_counts_asked(q, n) for n in counted):
            continue  # the parse counts something else with it: "84 institutions" for "how many proposals"
        if asked := [n for n in counted if analyze.stem(n.lower_) == q.counted]:
            # "2,100 Army Reserve and Army National Guard Soldiers": the parse's conjunct is the noun counted.
            noun_end = max(noun_end, max(n.idx + len(n.text) for n in asked))
        span = Span(text[start:noun_end].rstrip(".,;:"), start, start + len(text[start:noun_end].rstrip(".,;:")))
        if named:
            score += 2.0
        elif q.counted and q.counted not in analyze.terms(text[end:noun_end + 1]) and (
                q.counted in all_terms or score == 0):
            continue  # the sentence counts the thing asked about elsewhere: "four active services" vs "accessions"
        ranked.append((-score, len(ranked), span))
    return [span for _, _, span in sorted(ranked)]


@lru_cache(maxsize=256)
def _counted_names(question: str, counted: str) -> frozenset[str]:
    """The terms of the proper names the question puts before the noun it counts ("P-3 Orion" of "how many P-3 Orion
    aircraft"), which say what is counted where a text leaves the noun out ("Nine P-3 Orions")."""
    for t in spans.parse(question):
        if analyze.stem(t.lower_) == counted:
            return frozenset(term for c in t.children if c.dep_ == "compound" and c.pos_ == "PROPN"
                             for w in c.subtree for term in analyze.terms(w.text))
    return frozenset()


def counts_another(q: Question, text: str, number: Span) -> bool:
    """Whether the parse makes the number count nouns none of which "how many X" may count ("84 institutions" for
    "how many proposals")."""
    counted = _counted_nouns(text, number) if q.counted else []
    return bool(counted) and not any(_counts_asked(q, n) for n in counted)


def _counted_nouns(text: str, number: Span) -> list[Token]:
    """The nouns the parse says the number counts: the noun it modifies and that noun's conjuncts ("2,100 Army
    Reserve and Army National Guard Soldiers": Reserve, Soldiers; "two ... Missile Systems and radars"); none when
    it modifies no noun."""
    doc = spans.parse(text)
    tokens = [t for t in spans.tokens_in(doc, number.start, number.end) if t.dep_ == "nummod"]
    if not tokens:
        return []
    head = tokens[-1].head
    while head.dep_ in ("compound", "nmod") and head.head.i > head.i:
        head = head.head  # "ten Defense Community Infrastructure Program (DCIP) grants": the name modifies "grants"
    nouns = [head, *(c for c in head.conjuncts)]
    return [n for n in nouns if n.pos_ in ("NOUN", "PROPN")]


def _counts_asked(q: Question, noun: Token) -> bool:
    """Whether the noun may be what "how many X" counts: X itself, a kind of it or it of the noun, two of a kind
    ("20 musical selections" for "how many tracks"), people counted as people ("500 more U.S. service members" for
    "how many troops"), or a noun WordNet does not know."""
    if analyze.stem(noun.lower_) == q.counted or counts_kind(q, noun.text) or not wordnet.senses(noun.text):
        return True
    if q.counted_word is not None and wordnet.kin(q.counted_word, noun.text):
        return True
    return q.counted_word is not None and _people_kind(q.counted_word) and _people_kind(noun.text)


def _people_kind(word: str) -> bool:
    """Whether WordNet knows the noun, in any sense, as people: a person, a people, military personnel, a force."""
    return any(wordnet.is_kind_of(word, kind, first=None) for kind in _PEOPLE)


_PEOPLE = ("person", "people", "military_personnel", "force")


def _ordinal_counts(q: Question, text: str, body_start: int) -> list[Span]:
    """For "how many X" where the text gives no count: an ordinal the parse sets on an X says how many so far, of
    times ("for the fifth time" for "how many times had they met") or of Xs a clause in the perfect tells up to
    now ("the sixth British prime minister with whom the secretary has met"), not of an X it only numbers ("the
    second James Bond film")."""
    if q.counted is None or not _names_noun(text, body_start, q.counted):
        return []
    return [Span(text[t.idx:t.head.idx + len(t.head)], t.idx, t.head.idx + len(t.head)) for t in spans.parse(text)
            if t.ent_type_ == "ORDINAL" and t.idx >= body_start and t.head.i > t.i and t.head.pos_ == "NOUN"
            and analyze.stem(t.head.lower_) == q.counted and (q.counted == "time" or _so_far(t.head))]


def _names_noun(text: str, body_start: int, stem: str) -> bool:
    """Whether some word of the body may be the noun of that stem: a sentence with none is not parsed to look
    for it (a parse is most of an answer's time). A stem of other than letters is always looked for."""
    return not stem.isalpha() or any(analyze.stem(w) == stem for w in re.findall(r"[a-z]+", text[body_start:].lower()))


def _so_far(noun: Token) -> bool:
    """Whether a clause on the noun is in the perfect tense: "with whom the secretary has met"."""
    return any(v.tag_ == "VBN" and any(a.dep_ == "aux" and a.lemma_ == "have" for a in v.children)
               for v in noun.subtree)


def _measures_other(q: Question, text: str, number: Span) -> bool:
    """Whether "how many X" meets a number the recogniser reads as a measure (QUANTITY: "155 mm", "85 miles")
    whose unit is none of the question's words nor a kind of X: a size or a distance, never the count asked."""
    if not _HOW_MANY.search(q.text):
        return False  # "how far", "how long": a measure is the answer
    for entity in spans.parse(text).ents:
        if entity.label_ == "QUANTITY" and entity.start_char <= number.start < entity.end_char:
            unit = [t for t in entity if t.is_alpha and not t.like_num and t.lower_ not in analyze.CARDINALS]
            return bool(unit) and not any(
                analyze.stem(t.lower_) in q.term_set or counts_kind(q, t.text) for t in unit)
    return False


_HOW_OLD = re.compile(r"\bhow old\b|\bage\b", re.IGNORECASE)
_HOW_MANY = re.compile(r"\bhow many\b", re.IGNORECASE)
_HOW_LONG = re.compile(r"\bhow long\b", re.IGNORECASE)


def _whole_time(count: Span, ents: tuple[SpacySpan, ...]) -> Span:
    """The time entity holding `count` when a noun of it is a unit or stretch of time by WordNet ("decades",
    "seconds"), else `count` as it is."""
    return next((Span(e.text, e.start_char, e.end_char) for e in ents if e.label_ in TIME_LABELS
                 and e.start_char <= count.start and count.end <= e.end_char
                 and any(t.pos_ == "NOUN" and _stretch_of_time(t.lemma_.lower()) for t in e)), count)


def _stretch_of_time(noun: str) -> bool:
    return wordnet.is_kind_of(noun, "time_unit") or wordnet.is_kind_of(noun, "time_period")


def _age(text: str, number: Span) -> bool:
    """Whether the number is someone's age, by the parse: set beside a name ("Rumsfeld, 68,"), said of a person
    ("He was 87."), counting years ("a 35-year-old officer", "42 years old") or an age ("at the age of fifty")."""
    for t in spans.tokens_in(spans.parse(text), number.start, number.end)[:1]:
        said_of = t.dep_ in ("attr", "acomp") and t.head.lemma_ == "be" and any(
            c.dep_ == "nsubj" and (c.lower_ in ("he", "she") or c.ent_type_ == "PERSON") for c in t.head.children)
        return said_of or (t.dep_ == "appos" and t.head.pos_ == "PROPN") or (
            t.head.lemma_.lower() == "year" and t.head.i + 1 < len(t.doc) and t.doc[t.head.i + 1].lower_ in (
                "old", "-")) or "age" in (t.head.lemma_.lower(), t.head.head.lemma_.lower())
    return False


def _runs(q: Question, text: str, body_start: int) -> list[Span]:
    """Capitalised runs of the text that the question does not already name."""
    out = []
    for m in _RUN.finditer(text, body_start):
        value = m.group()
        start = m.start()
        first = value.split()[0].rstrip(".")
        while first in _NOT_THING and " " in value:
            cut = value.index(" ") + 1
            value, start = value[cut:], start + cut
            first = value.split()[0].rstrip(".")
        if first in _NOT_THING:
            continue
        if value.endswith(".") and not _ABBREVIATED.search(value):
            value = value[:-1]
        if value.endswith(("’s", "'s")):
            value = value[:-2]
        if is_new(q, value):
            out.append(Span(value, start, start + len(value)))
    return out


def _people(q: Question, text: str, body_start: int) -> list[Span]:
    """Names the question does not give, a surname alone after a rank or in brackets included."""
    # A capitalised run the entity recogniser reads as a place or a people is no person ("the Middle East"); its
    # other labels stay, as the small model reads some names as organisations, products or works.
    elsewhere = [(e.start_char, e.end_char) for e in spans.parse(text).ents if e.label_ in _NOT_PEOPLE]
    names = [s for s in _claims(text, body_start, "person")
             if is_new(q, s.text) and not _surname_asked(q, s.text)
             and not _PLACE_WORDS.search(s.text) and not _named_thing(s.text)
             and not any(a <= s.start and s.end <= b for a, b in elsewhere) and not _part_of_name(text, s)]
    # "Lieutenant General Moisiuk", "Mike [Gruss]".
    names += [Span(m.group(1), m.start(1), m.end(1)) for m in re.finditer(
        r"(?:General|Gen\.|Admiral|Adm\.|Colonel|Col\.|\[)\s*([A-Z][a-z’'-]+)", text)
        if is_new(q, m.group(1)) and not any(n.start <= m.start(1) < n.end for n in names)]
    # The speaker of a quote, named by surname alone: '"... from U.S. stocks," Austin said.'
    names += [Span(m.group(1), m.start(1), m.end(1)) for m in _SPEAKER.finditer(text)
              if is_new(q, m.group(1)) and not any(n.start <= m.start(1) < n.end for n in names)]
    # The names the entity recogniser finds that the lexicon does not ("Christine" alone), never a place's by its
    # word for a place, as the lexicon's ("Peterson Space Force Base", which the small model may call a person),
    # nor a run that ends in no noun ("Jordan's fourth annual", "Eager Lion 14"; "Lloyd J. Austin III" is one).
    names += [Span(e.text, e.start_char, e.end_char) for e in map(spans.unpossessed, spans.parse(text).ents)
              if e.label_ == "PERSON" and _ends_in_a_name(e) and e.start_char >= body_start and is_new(q, e.text)
              and not _surname_asked(q, e.text) and not _PLACE_WORDS.search(e.text) and not _named_thing(e.text)
              and not grounding.titles_only(e.text)
              and not any(n.start < e.end_char and e.start_char < n.end for n in names)]
    # The name the parse sets beside the noun the question asks for, which the small recogniser may miss.
    names += [n for n in _beside_focus(q, text, body_start)
              if not any(m.start < n.end and n.start < m.end for m in names)]
    # A first name after a rank grows to the whole name ("Gen. Paul" → "Paul J. Selva"): not the person the
    # question names.
    names = [n for n in names
             if not _surname_asked(q, text[slice(*spans.complete(text, n.start, n.end, person=True))])]
    # "who is the secretary of the army": only a person the text ties to that role answers, by the parse. A name
    # the recogniser ends at a hyphen before a word only dates or qualifies something else ("the Reagan-era KC-10s").
    return [n for n in names if holds_role(q, text, n.start, n.end) and not _modifies(text, n)]


def _ends_in_a_name(entity: SpacySpan) -> bool:
    """Whether a run the recogniser reads as a person ends in a noun, past a possessive's mark ("Kingsley Amis'"),
    or a numeral of a name ("Lloyd J. Austin III"); not "Jordan's fourth annual" or "Eager Lion 14"."""
    last = next((t for t in reversed(entity) if not t.is_punct and t.pos_ != "PART"), entity[-1])
    return last.pos_ in ("PROPN", "NOUN") or re.fullmatch(r"[IVX]+", last.text) is not None


def _modifies(text: str, name: Span) -> bool:
    """Whether the name ends joined by a hyphen to a word the recogniser leaves out of the person it reads
    ("Reagan-era", "Obama-appointed"; not the "Kwan-jin" of Kim Kwan-jin, a person whole)."""
    if inside := re.search(r"-[a-z]+\Z", name.text):
        hyphen = name.start + inside.start()
    elif re.match(r"-[a-z]", text[name.end:]):
        hyphen = name.end
    else:
        return False
    return any(e.label_ == "PERSON" and e.end_char == hyphen for e in spans.parse(text).ents)


def _part_of_name(text: str, span: Span) -> bool:
    """Whether a capitalised run only modifies a longer name the parse gives to its right ("Former Yugoslav" of
    "the Former Yugoslav Republic of Macedonia"): a fragment of that name, no person."""
    last = spans.tokens_in(spans.parse(text), span.start, span.end)[-1:]
    return bool(last) and last[0].dep_ in ("compound", "amod") and last[0].head.i > last[0].i \
        and last[0].head.pos_ == "PROPN" and last[0].head.idx >= span.end


def _beside_focus(q: Question, text: str, body_start: int) -> list[Span]:
    """The names the parse sets beside a noun that is the question's focus ("the American commander, Brig. Gen.
    (Ricardo) Sanchez" for "which american commander"): the text says they are what is asked for."""
    if not q.focus:
        return []
    doc = spans.parse(text)
    found = [_apposed_name(text, doc[t.left_edge.i:t.i + 1]) for t in doc
             if t.pos_ == "NOUN" and analyze.stem(t.lower_) == q.focus]
    return [n for n in found if n is not None and n.start >= body_start and is_new(q, n.text)]


def _named_thing(name: str) -> bool:
    """Whether a name of two words or more is, whole, a noun WordNet knows only as no person: "Purple Heart" and
    "Silver Star" are decorations, though the recogniser may read them as people ("George Washington" is a person
    in WordNet too)."""
    words = name.split()
    lemma = "_".join(words).lower()
    return len(words) > 1 and bool(wordnet.senses(lemma)) and not wordnet.is_kind_of(lemma, "person", first=None)


def holds_role(q: Question, text: str, start: int, end: int) -> bool:
    """Whether the text ties the name at `start`:`end` to the role a "who is the <role>" question asks for (most
    of the role's weight among the words of its phrase); True for a question that asks for no role."""
    tied = tied_words(text, start, end)
    role = q.role
    if not tied & wordnet.peoples_terms():
        # A country the role names ("the Saudi defense minister") is often the release's setting, not the name's
        # phrase ("met in Jeddah with ... Defense Minister Mohammad bin Salman"): unsaid is no other country.
        role = role - wordnet.peoples_terms()
    weight = sum(q.idf.get(t, 1.0) for t in role)
    return sum(q.idf.get(t, 1.0) for t in role & tied) >= weight / 2


def _titles(q: Question, text: str, body_start: int) -> list[Span]:
    """For "who is NAME": the person's title with their name as the release writes them ("Ukrainian Defense
    Minister Rustem Umerov"), from the words before the name or an appositive after it; none when the text
    names them without one (another person's name would answer a question nobody asked)."""
    asked = set(analyze.terms(q.identity or ""))
    spans = []
    for name in _claims(text, body_start, "person"):
        if not asked or not asked <= set(analyze.terms(name.text)):
            continue
        window = max(0, name.start - 100)  # a title is a few words: no need to look further back
        if (m := _TITLE_BEFORE.search(text, window, name.start)) and m.group(1).split()[-1] not in _CONNECTORS:
            start = m.start(1)
            spans.append(Span(text[start:name.end], start, name.end))
        elif (m := _TITLE_AFTER.match(text, name.end)) and _ROLE.search(m.group(1)):
            spans.append(Span(text[name.start:m.end(1)], name.start, m.end(1)))
    return spans


# Capitalised words (and the small words inside a title) just before a name: "Secretary of National Defense".
_CONNECTORS = frozenset({"of", "the", "for", "and"})
_TITLE_BEFORE = re.compile(r"((?:[A-Z][\w.’'-]*|of|the|for|and)(?:\s+(?:[A-Z][\w.’'-]*|of|the|for|and))*)\s+\Z")
_TITLE_AFTER = re.compile(r",\s+([^,.;:()]{3,80}?),")
_ROLE = re.compile(r"\b(?:secretary|minister|general|director|chief|commander|spokes\w+|ambassador|president|"
                   r"officer|chairman|admiral|deputy|administrator|undersecretary|adviser|advisor)\b", re.IGNORECASE)


_SPEAKER = re.compile(r"[,.!?][\"”’']?\s+([A-Z][a-z’'-]+(?: [A-Z][a-z’'-]+)?) (?:said|says|added|noted|told)\b")


def _acting(q: Question, text: str, found: list[Span]) -> Span | None:
    """The name that fills the role the question asks of its verb ("who ordered": the one who ordered), by the
    parse; names coordinated in that role together ("Judith Miller and Walter B. Huffman"). None when no name
    of `found` fills it."""
    assert q.act is not None
    slots = roles.fillers(text, q.act)
    acting = sorted((n for n in found if any(n.start <= a < n.end for a, _ in slots)), key=lambda n: n.start)
    if not acting:
        # A name the lexicon cut apart ("President [Donald J.] Trump" read as "Donald"): the filler itself, grown
        # to the recogniser's whole name, when the parser calls it a proper noun the question does not give.
        doc = spans.parse(text)
        heads = [t for t in doc for a, _ in slots if t.idx == a and t.pos_ == "PROPN" and is_new(q, t.text)]
        acting = [Span(text[a:b], a, b) for t in heads
                  for a, b in [spans.complete(text, t.idx, t.idx + len(t), person=True)]
                  if not names_given(q, text[a:b])]
    if not acting:
        return None
    first = last = acting[0]
    for n in acting[1:]:
        # "Judith Miller and retired Army Maj. Gen. Walter B. Huffman": the second name's title comes along.
        if not _beside(text[last.end:n.start]):
            break
        last = n
    return Span(text[first.start:last.end], first.start, last.end)


def _acting_noun(q: Question, text: str) -> Span | None:
    """The phrase of a person's noun that fills the act's role where the text names no one: "the president" in
    "the president signed a determination", as WordNet knows a president for a kind of person."""
    assert q.act is not None
    doc = spans.parse(text)
    for start, _ in roles.fillers(text, q.act):
        t = next((t for t in doc if t.idx == start), None)
        if t is not None and t.pos_ == "NOUN" and wordnet.is_kind_of(t.lemma_, "person"):
            begin = t.left_edge.idx
            return Span(text[begin:t.idx + len(t)], begin, t.idx + len(t))
    return None


_LISTED = re.compile(r",?\s+and\s+|,\s+")


def listed(value: str) -> bool:
    """Whether a lifted value lists several things: "Israel, Qatar and Egypt"."""
    return _LISTED.search(value) is not None
_LISTED_GAP = 40  # most characters between two names coordinated in the role, a title included


def _designated(q: Question, text: str, found: list[Span]) -> Span | None:
    """The person the text names as what the question asks for ("Colin Powell as secretary of state and
    Condoleezza Rice as national security advisor"): the words after each name, up to the next name, that hold
    most of the question's designation; None when none holds any, or two hold it alike."""
    ordered = sorted(found, key=lambda s: s.start)
    weights = []
    for i, name in enumerate(ordered):
        stop = ordered[i + 1].start if i + 1 < len(ordered) else len(text)
        after = set(analyze.terms(text[name.end:min(stop, name.end + _DESIGNATION_REACH)]))
        weights.append(sum(q.idf.get(t, 1.0) for t in q.designated & after))
    top = max(weights, default=0.0)
    if top <= 0 or weights.count(top) > 1:
        return None
    return ordered[weights.index(top)]


# How far after a name its designation may run: "for appointment to the rank of lieutenant general and assignment
# as the commanding general, U.S. Army Central".
_DESIGNATION_REACH = 150


def titled(q: Question, text: str, span: Span) -> float:
    """The weight of the question's words standing just before a name, back to a comma or semicolon: its title
    ("Philippine ... Defense"); in a list of people split by semicolons, its own item only, the country after it
    included ("Minister Sprūds, Latvia;" for the Latvian minister), a people's word standing for its country and
    back."""
    before = text[max(0, span.start - 45):span.start]
    words = before[max(before.rfind(";"), before.rfind(",")) + 1:]
    # Only the title itself, the run of capitalised words right before the name when there is one: "met in
    # Algiers with President" is Bouteflika's clause, whose words are the question's as much as the next name's.
    if (title := _TITLE_BEFORE.search(words)) is not None and title.group(1).split()[0] not in _CONNECTORS:
        words = title.group(1)
    if ";" in text:
        # Its item runs to the next semicolon, or to the sentence's end for the last item.
        end = text.find(";", span.end)
        after = text[span.end:end if end >= 0 else len(text)]
        if len(after) <= _ITEM_REACH:
            words += " " + after
    read = re.findall(r"[\w’'-]+", words)
    terms = wordnet.terms_as_peoples(read)
    # A title the question writes word for word counts its pairs again ("Prime Minister", not a minister of Japan).
    stems = [t for w in read for t in analyze.terms(w)]
    pairs = set(zip(stems, stems[1:])) & q.pairs
    return sum(q.idf.get(t, 1.0) for t in terms & q.term_set) + sum(
        (q.idf.get(a, 1.0) + q.idf.get(b, 1.0)) / 2 for a, b in pairs)


_ITEM_REACH = 45  # the country, title or unit after a name in its list item: a few words


# Capitalised runs that name places, bodies and laws, not people: "South China Sea", "Contact Group", "Security
# Treaty".
_NOT_PEOPLE = frozenset({"GPE", "LOC", "FAC", "NORP", "LAW"})
_PLACE_WORDS = re.compile(r"\b(?:Sea|Ocean|Gulf|Bay|River|Island|Islands|Shoal|Strait|Peninsula|Base|Mountains?|"
                          r"Valley|Desert|Coast|County|Province|City|Street|Avenue|Group|Council|Committee|"
                          r"Conference|Initiative|Act|Agreement|Alliance|Organization|Forces?|Tribunal|Ruling|"
                          r"Dialogue|Summit|Program|Office|Center|Centre|School|University|Institute|"
                          r"Systems?|Missiles?|Rockets?|Vehicles?|Rounds|Munitions|Aircraft)\b")


def names_given(q: Question, value: str) -> bool:
    """Whether a value is what the question already names: all its words, or a person's surname
    ("J. Austin III" when the question names Austin)."""
    return not is_new(q, value) or (q.kind is AnswerType.PERSON and _surname_asked(q, value))


def _surname_asked(q: Question, name: str) -> bool:
    """Whether the question gives the name's surname: the person it is about, not one it asks for."""
    return bool(set(analyze.terms(_surname(name))) & q.term_set)


def _surname(name: str) -> str:
    words = [w for w in name.replace(",", " ").split() if w.rstrip(".") not in {"Jr", "Sr", "II", "III", "IV"}]
    return words[-1] if words else name


def _things(q: Question, text: str, body_start: int) -> list[Span]:
    """Named things, best first: the run after the question's focus word ("which roadmap" -> "Security Sector
    Assistance Roadmap"); a coordinated list the question asks for ("which governments" -> "Qatar and Egypt");
    a code for "which number"; for "whose", the capitalised runs the question does not name."""
    runs = _runs(q, text, body_start)
    if q.focus in CODE_WORDS:
        return [Span(m.group(1), m.start(1), m.end(1)) for m in _CODE.finditer(text, body_start)
                if is_new(q, m.group(1))]
    if q.focus in _ORG_WORDS:
        return _organisations(q, text, body_start, runs)
    found: list[Span] = _said_to_be(q, text, body_start) + _headed(q, text, body_start)
    if plural_focus(q) or _PLURAL_ASK.search(q.text):
        found += filter(None, [_coordinated(q, text, body_start)])
    if q.focus:
        named = [r for r in runs if q.focus in analyze.terms(r.text)]
        named += [r for r in runs if re.search(r"\b[\w-]+\s+(?:of|as)\s+(?:the\s+)?$", text[:r.start])
                  and q.focus in analyze.terms(text[max(0, r.start - 30):r.start])]
        named += _extends_question(q, runs)
        if named:
            found.append(_closest(q, text, named))
            found += [n for n in named if n not in found]
        for m in re.finditer(r"[\w’'-]+", text[body_start:]):
            if q.focus in analyze.terms(m.group()) and body_start + m.start() > 0:
                found += filter(None, [_modified(q, text, body_start + m.start(), body_start + m.end())])
        found += filter(None, [_list_after(q, text, body_start)])
        if not found:
            found += _kind_of(q, text, body_start)
    elif runs and q.text.lower().startswith("whose"):
        found.append(_closest(q, text, runs))
    elif q.act is not None:
        # "what did austin and gantz discuss": what fills the act's role, the whole phrase the parse gives it.
        found += [Span(text[a:b], a, b) for a, b in roles.phrases(text, q.act) if a >= body_start
                  and is_new(q, text[a:b])]
    return [f for f in found if not person_for_place_or_body(q, text, f.start, f.end)]


def _organisations(q: Question, text: str, body_start: int, runs: list[Span]) -> list[Span]:
    """For "which company": the organisations the recogniser reads and the capitalised runs it reads as none ("MP
    Materials"), in the text's order, those named as a company first ("eMagin Corporation", whose run no capital
    opens, before "COVID-19", which the recogniser may read as an organisation too)."""
    asked = _asked_word(q) or q.focus or ""
    found = []
    for e in spans.parse(text).ents:
        if e.label_ != "ORG" or e.start_char < body_start:
            continue
        whole = e[1:] if e[0].lower_ == "the" else e
        if len(whole) and is_new(q, whole.text):
            found.append(Span(whole.text, whole.start_char, whole.end_char))

    def named_as_company(span: Span) -> bool:
        head = analyze.terms(span.text)[-1:]
        return bool(head) and (head[0] in _ORG_WORDS or wordnet.is_kind_of(span.text.split()[-1].lower(), asked))

    # A run the recogniser reads as another kind of thing is none: "WASHINGTON" of a dateline is a place.
    found += [r for r in runs if not any(r.start < f.end and f.start < r.end for f in found)
              and not spans.labels(text, r.start, r.end) - {"ORG"}]
    return sorted(found, key=lambda s: (not named_as_company(s), s.start))


def person_for_place_or_body(q: Question, text: str, start: int, end: int) -> bool:
    """Whether the span names people only where "which X" asks for a place (a country, a city, a venue) or a body
    (an agency, a department, a team): "Secretary Panetta and Chairman Dempsey" is no answer to "which countries", nor
    "Donald J. Trump" to "which federal agency", as the recogniser and WordNet read them."""
    if q.focus is None or spans.labels(text, start, end) != {"PERSON"}:
        return False
    asked = _asked_word(q) or q.focus
    # A place in any of its senses (a country is first a people organised, and a place too); a body in its first
    # ones, as "system" is one only as an arrangement ("which air defense system": "Patriot" may read as a person).
    return (wordnet.is_kind_of(asked, "location", first=None) or wordnet.is_kind_of(asked, "organization")) \
        and not wordnet.is_kind_of(asked, "person", first=None)


def _asked_word(q: Question) -> str | None:
    """The question's focus word as it wrote it ("countries" for the focus "countri")."""
    return next((t.lower_ for t in spans.parse(q.text) if analyze.stem(t.lower_) == q.focus), None)


def _kind_of(q: Question, text: str, body_start: int) -> list[Span]:
    """For "which X" where no phrase of the text is headed by X: the names whose head noun WordNet places under X
    ("what unit was thompson in" → "3rd Battalion, 1st Special Forces Group (Airborne)": a battalion is a military
    unit). Only names (an entity, or a noun phrase headed by a proper noun): a common noun is a kind of too many
    things ("device" of "unit", as a whole of parts). A person only when X is a kind of person ("which lawmaker");
    and never a name WordNet reads as a person where the recogniser reads something else: WordNet's Stockton is a
    writer, so a whole, so a "unit", and "Stockton, Calif." is a place. A place only when X is a kind of location.
    The one nearest the question's words first."""
    asked = _asked_word(q)
    if asked is None:
        return []
    people = wordnet.is_kind_of(asked, "person")
    # A capitalised word, or a noun right before one in any of its senses ("the cruiser USS LAKE ERIE" for "which
    # ship": a cruiser is first a police car), the name saying which.
    if not any(wordnet.is_kind_of(w, asked) or wordnet.is_kind_of(w.rstrip("."), asked)
               for w in set(_CAPITALISED.findall(text, body_start))) and not any(
            wordnet.is_kind_of(w, asked, first=None) for w in set(_BEFORE_CAPITAL.findall(text, body_start))):
        return []  # no such word is a kind of X: the sentence is not parsed for nothing
    places = wordnet.is_kind_of(asked, "location", first=None)
    doc = spans.parse(text)
    names = [p for p in [*doc.ents, *doc.noun_chunks] if p.start_char >= body_start and p.root.pos_ == "PROPN"
             and p.root.ent_type_ not in _QUANTITIES and is_new(q, p.text)]

    def called(name: SpacySpan) -> bool:
        # The text says what the name is, a kind of X in some sense: "the cruiser USS LAKE ERIE" (WordNet's Erie
        # is also a people) for "which ship".
        noun = _noun_before(name)
        return noun is not None and wordnet.is_kind_of(noun.text, asked, first=None)

    out: list[Span] = []
    # A name right after the last one kept that is no kind of X itself: "2nd Marines" (a regiment WordNet knows as
    # people) of "Company B, 1st Battalion, 2nd Marines, 2nd Marine Division".
    bridge: Span | None = None
    for p in sorted(names, key=lambda p: p.start_char):
        start, end = spans.complete(text, p.start_char, p.end_char)
        if any(o.start <= start < o.end for o in [*out, *filter(None, [bridge])]):
            continue
        last = bridge.end if bridge is not None else out[-1].end if out else 0
        if out and re.fullmatch(r",\s+(?:the\s+)?", text[last:start]) \
                and p.root.ent_type_ not in spans.PLACE_LABELS and wordnet.is_kind_of(p.root.text, asked, first=None):
            # "3rd Battalion, 1st Special Forces Group (Airborne)": a unit named with the one it belongs to is one
            # answer; the one after it need be a kind of X in any sense ("group" is first an abstraction).
            start = out.pop().start
        elif (p.root.ent_type_ == "PERSON" and not people) or not called(p) and (
                not wordnet.is_kind_of(p.root.text, asked)
                or (p.root.ent_type_ not in ("", "PERSON") and wordnet.is_kind_of(p.root.text, "person"))
                or (p.root.ent_type_ in _REGIONS and not places)):
            bridge = Span(text[start:end], start, end) if out and bridge is None and p.root.ent_type_ not in (
                "PERSON", *spans.PLACE_LABELS) and re.fullmatch(r",\s+", text[out[-1].end:start]) else None
            continue
        bridge = None
        out.append(Span(text[start:end], start, end))
    if not out:
        return out
    best = _closest(q, text, out)
    return [best, *(o for o in out if o is not best)]


_CAPITALISED = re.compile(r"\b[A-Z][\w.-]*")
_BEFORE_CAPITAL = re.compile(r"\b[a-z]+(?=\s+[A-Z])")
# Entity labels of places on a map: a "unit" or "program" asked for is never one, though WordNet's "South Gate" is a
# gate, so a whole, so a unit.
_REGIONS = frozenset({"GPE", "LOC"})
# Entity labels of amounts and times, never a kind of thing asked for by "which X".
_QUANTITIES = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
# What the recogniser reads as a measure, not a count of things: "45 years", "500 tons", "12 percent".
MEASURE_LABELS = _QUANTITIES - {"ORDINAL", "CARDINAL"}


def plural_focus(q: Question) -> bool:
    """Whether the question asks for its focus noun in the plural ("which governments"; "division" is one)."""
    return bool(q.focus) and any(t.tag_ in ("NNS", "NNPS") and analyze.stem(t.lower_) == q.focus
                                 for t in spans.parse(q.text))


# A code: letters and digits with hyphens ("W56HZV-20-D-0075", "1031-06"), not a plain number.
_CODE = re.compile(r"(?<![\w-])((?=[\w-]*\d)(?=[\w-]*-)[A-Z0-9][\w]*(?:-[\w]+)+)(?![\w-])")


def _said_to_be(q: Question, text: str, body_start: int) -> list[Span]:
    """For "what is the X" ("whats the ceiling for the dtra contracts"): what the text says X is, the complement of
    the copula whose subject X heads ("The not-to-exceed aggregate ceiling for all contracts is $535,000,000")."""
    if not q.focus or not q.what_is:
        return []
    out = []
    for be in spans.parse(text):
        if be.lemma_ != "be" or be.idx < body_start:
            continue
        # The small parser may read the subject as a clause ("The not-to-exceed ... ceiling" as "exceed" the
        # ceiling): the focus noun anywhere in the subject makes it the subject.
        subject = [x for c in be.children if c.dep_ in ("nsubj", "csubj") and c.i < be.i for x in c.subtree]
        if not any(x.pos_ == "NOUN" and analyze.stem(x.lower_) == q.focus for x in subject):
            continue
        for c in be.children:
            if c.dep_ in ("attr", "acomp") and c.i > be.i:
                start, end = c.left_edge.idx, c.idx + len(c)
                if is_new(q, text[start:end]):
                    out.append(Span(text[start:end], start, end))
    return out


def _headed(q: Question, text: str, body_start: int) -> list[Span]:
    """Noun phrases of the parse headed by the focus noun ("which islands": "the Senkaku islands") that say more
    than the question, without their determiner: the thing of the kind asked, whole, as the issue's "which X"
    asks."""
    if not q.focus or not _names_noun(text, body_start, q.focus):
        return []
    out = []
    # Every noun the focus names, with the words before it that it heads: the parser's noun chunks leave out a
    # noun coordinated with a non-noun ("commanding general, 101st Airborne Division").
    doc = spans.parse(text)
    heads = [t for t in doc if t.pos_ in ("NOUN", "PROPN") and analyze.stem(t.lower_) == q.focus]
    for chunk in (doc[t.left_edge.i:t.i + 1] for t in heads):
        if chunk.start_char < body_start:
            continue
        # Without "the" or "its"; a named possessor stays ("Eon's official social media accounts").
        words = [t for t in chunk if t.dep_ != "det" and not (t.dep_ == "poss" and t.pos_ == "PRON")
                 and not t.is_punct]
        # What it says more must name something (a name, a number, a noun of a compound: "Senkaku islands",
        # "technology investment agreement"), not only describe ("the important position").
        naming = [t for t in words if t.i != chunk.root.i and not t.is_stop and is_new(q, t.text)
                  and (t.pos_ == "PROPN" or t.ent_type_ or t.like_num or t.dep_ == "compound")]
        # A phrase after the "of" of a longer name ("General Security of Information Agreement") is a fragment.
        inside_name = chunk.root.dep_ == "pobj" and chunk.root.head.lower_ == "of" \
            and _is_capitalised(chunk.root.head.head)
        # "The X of Y" says which X it is by Y: "the area of maritime security", "the important position of
        # Secretary of the Army", "a goal of 54,200"; Y is the answer, up to a comma, colon, dash or bracket (an
        # apposition goes on about Y). Not when X has a name of its own: "Article IV of the treaty" is a part of Y.
        of = next((c for c in chunk.root.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        named = [t for t in of.subtree if t.i > of.i] if of is not None else []
        named = named[:next((i for i, t in enumerate(named) if t.text in _Y_ENDS), len(named))]
        own = [c for c in chunk.root.children if c.dep_ in ("nummod", "compound", "appos", "npadvmod")
               or (c.dep_ not in ("poss", "prep", "det", "case") and c.pos_ in ("PROPN", "NUM"))]
        if named and not inside_name and not own and any(
                (t.pos_ in ("NOUN", "PROPN") or t.like_num) and is_new(q, t.text) for t in named):
            y = [t for t in named if not (t.i == named[0].i and t.dep_ == "det")]
            if y:
                out.append(Span(text[y[0].idx:y[-1].idx + len(y[-1])], y[0].idx, y[-1].idx + len(y[-1])))
                continue
        beside = _apposed_name(text, chunk)
        if beside is not None and beside.start >= body_start and is_new(q, beside.text):
            # "al-Shabab, an Islamist militant group" for "which terror group": the X set beside a name is that
            # name, the thing of the kind asked, as "X, the Y" ties a title to a person.
            out.append(beside)
            continue
        if words and naming and not inside_name:
            # With the place the parse ties to it ("yesterday's attack in Nice"): the thing's place part.
            place = next((c for c in chunk.root.children if c.dep_ == "prep" and c.lower_ in ("in", "at", "near")
                          and any(p.dep_ == "pobj" and p.ent_type_ in spans.PLACE_LABELS for p in c.children)), None)
            end = place.right_edge.idx + len(place.right_edge) if place is not None else chunk.end_char
            out.append(Span(text[words[0].idx:end], words[0].idx, end))
    return out


def _noun_before(name: SpacySpan) -> Token | None:
    """The common noun right before a name that says what it is ("cruiser" of "the cruiser USS LAKE ERIE"): a
    modifier of the name's head, with none but proper nouns between."""
    if name.start == 0:
        return None
    noun, head = name.doc[name.start - 1], name.root
    if noun.pos_ != "NOUN" or noun.dep_ != "compound" or noun.head.i != head.i or head.pos_ != "PROPN" \
            or head.i + 1 != name.end or any(t.pos_ != "PROPN" for t in name):
        return None
    return noun


def _apposed_name(text: str, chunk: SpacySpan) -> Span | None:
    """The name the parse sets beside the noun phrase with a comma between, either way round ("al-Shabab, an
    Islamist militant group"; "the group, al-Shabab"): a proper noun or one the recogniser reads as a name, whole.
    Not one in brackets ("Strategy (NDIS)", "Division (Air Assault)"): that is another name of the same thing."""
    noun = chunk.root
    name = noun.head if noun.dep_ == "appos" else next((c for c in noun.children if c.dep_ == "appos"), None)
    placed = False  # the name reached up from the place that ends it: its place stands between it and the comma
    if noun.dep_ == "appos" and chunk.start > 1 and chunk.doc[chunk.start - 1].text == ",":
        # The name right before the comma, whatever the parse hangs the apposition on ("... on the sidelines of the
        # Shangri-La Dialogue in Singapore, a major annual forum" is the Dialogue, not the person met): up from a
        # place that names where it is to the name it is part of.
        near = chunk.doc[chunk.start - 2]
        while near.dep_ == "pobj" and near.head.dep_ == "prep" and near.head.lower_ in ("in", "at") \
                and near.head.head.pos_ == "PROPN":
            near, placed = near.head.head, True
        name = near
    if name is None or not (name.pos_ == "PROPN" or name.ent_type_ in spans.NAME_LABELS):
        return None
    start, end = spans.complete(text, name.idx, name.idx + len(name))
    # A rank and a given name in brackets the parse hangs on it are its own ("Brig. Gen. (Ricardo) Sanchez").
    left = name
    while left.i > name.left_edge.i and (left.nbor(-1).pos_ == "PROPN" or left.nbor(-1).text in "()"):
        left = left.nbor(-1)
    start = min(start, left.idx)
    between = text[end:chunk.start_char] if end <= chunk.start_char else text[chunk.end_char:start]
    return Span(text[start:end], start, end) if placed or re.fullmatch(r",\s*", between) else None


# Where the Y of "the X of Y" ends: an apposition or a clause goes on about it.
_Y_ENDS = frozenset({",", ";", ":", "(", ")", "—", "–"})


def _is_capitalised(t: Token) -> bool:
    return t.text[:1].isupper() and t.i > 0


def _extends_question(q: Question, runs: list[Span]) -> list[Span]:
    """Runs that extend a capitalised phrase of the question: "Under Secretary" -> "Under Secretary of Defense
    for Policy"."""
    phrases = [m.group() for m in re.finditer(r"(?<!^)\b[A-Z][\w’'-]*(?: [A-Z][\w’'-]*)+", q.text)]
    out = []
    for r in runs:
        for phrase in phrases:
            if r.text.startswith(phrase) and len(r.text) > len(phrase):
                out.append(r)
    return out


def _modified(q: Question, text: str, start: int, end: int) -> Span | None:
    """A focus noun with the modifiers before it that the question does not give: "pre-2014 borders"."""
    words = list(re.finditer(r"[\w’'-]+", text[max(0, start - 60):start]))
    first = start
    for w in reversed(words):
        lower = w.group().lower()
        if lower in analyze.STOP_WORDS or not is_new(q, w.group()):
            break
        first = max(0, start - 60) + w.start()
    if first == start:
        return None
    return Span(text[first:end], first, end)


# "which governments", not "what is": a plural noun asked for is a list.
_PLURAL_ASK = re.compile(r"\b(?:which|what)\s+(?!(?:is|was|has|does)\b)\w+s\b", re.IGNORECASE)
_ORG_WORDS = frozenset(analyze.stem(w) for w in ("company", "firm", "contractor", "corporation", "manufacturer"))


def _coordinated(q: Question, text: str, body_start: int) -> Span | None:
    """Names joined by "and" ("Israel, Qatar and Egypt"), less those the question gives: "Qatar and Egypt"."""
    item = r"[A-Z][\w’'-]*(?: [A-Z][\w’'-]*)*"
    for m in re.finditer(rf"{item}(?:, {item})*,? and {item}", text[body_start:]):
        names = re.findall(item, m.group())
        new = [n for n in names if is_new(q, n)]
        if len(new) >= 2 and len(new) < len(names) + 1:
            first = text.index(new[0], body_start + m.start())
            span = text[first:body_start + m.end()]
            return Span(span, first, first + len(span))
    return None


def _list_after(q: Question, text: str, body_start: int) -> Span | None:
    """A list of three or more after "such as", "including" or "namely" ("lithium, nickel, cobalt, graphite, and
    manganese"; "missile defense, Syria, cybersecurity and countering improvised explosive devices"): the object
    of the preposition to the end of its last conjunct, as the parse gives them."""
    if not _LISTING.search(text, body_start):
        return None  # not parsed for nothing
    doc = spans.parse(text)
    for t in doc:
        if t.idx < body_start or not (t.lower_ in ("including", "namely")
                                      or (t.lower_ == "as" and t.i and doc[t.i - 1].lower_ == "such")):
            continue
        listed = next((c for c in t.children if c.dep_ in ("pobj", "dobj")), None)
        conjuncts = _conjunct_chain(listed) if listed is not None else []
        if len(conjuncts) < 2:
            continue
        last = conjuncts[-1].right_edge
        start, end = listed.left_edge.idx, last.idx + len(last)
        return Span(text[start:end], start, end)
    return None


_LISTING = re.compile(r"\b(?:including|namely|such\s+as)\b", re.IGNORECASE)


def _conjunct_chain(head: Token) -> list[Token]:
    """The conjuncts the parse joins to `head` itself, each to the one before ("Syria", "cybersecurity",
    "countering" after "missile defense"), not those inside its own phrases ("writers for A, B and C")."""
    chain: list[Token] = []
    at = head
    while (following := next((c for c in at.children if c.dep_ == "conj"), None)) is not None:
        chain.append(following)
        at = following
    return chain
