"""The one verifier: every rule that decides whether an answer is printed, and how confidently.

Two questions, asked of every answer, the model's or the lifted one:
- Is it grounded? Every number, amount, ordinal, date, quote and name in it
  stands in some candidate sentence (dates compared as dates, the release's
  year completing "Jan. 27"); the evidence cited is the candidate that holds
  its claims, not necessarily the one the model quoted.
- How well supported? `full` when a value of the kind asked for stands in the
  evidence with the question's key terms; `partial` when a key term is missing
  (or only inside a longer name: "Army" as "Army National Guard") or no value
  of the kind asked stands there.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from qa.answer.candidates import Evidence, cut_short, other_name, swallowed
from qa.answer.full_name import names_in_full
from qa.answer.lift import BODIES, MEASURE_LABELS, Span, is_new, placed, titled, values
from qa.answer.question import FRAME_WORDS, Question
from qa.text import analyze, dates, grounding, roles, sentences, spans, wordnet
from qa.text.answer_type import AnswerType

if TYPE_CHECKING:
    from spacy.tokens import Token

# Words a capable model frames a short answer with that need not stand in the sources ("It was worth ...").
_FRAME = frozenset(analyze.terms("""
answer total totalled totaled valued named called held took place date year amount figure respectively
combined together package both each
""")) | FRAME_WORDS


@dataclass
class Verdict:
    accepted: bool
    problems: list[str] = field(default_factory=list)
    cited: list[Evidence] = field(default_factory=list)


def year_of(ev: Evidence) -> int | None:
    return int(ev.date[:4]) if ev.date[:4].isdigit() else None


def grounded_in(answer: str, ev: Evidence) -> list[str]:
    """The claims of an answer that this evidence does not hold."""
    return [c.text for c in grounding.check(answer, [ev.text], year=year_of(ev)).ungrounded]


def check_model(q: Question, answer: str, quoted: Evidence | None, candidates: list[Evidence]) -> Verdict:
    """Whether a model's short answer may be printed, and which candidates it stands on: the one it quoted when
    that holds every claim and word of it, else another candidate that does, else one candidate per claim."""
    answer = " ".join(answer.split())
    if not answer:
        return Verdict(False, ["the answer is empty"])
    a_terms = set(analyze.terms(answer))
    if not a_terms - q.term_set - _FRAME:
        return Verdict(False, ["the answer only repeats the question"])
    words = _words(answer)
    if not holds_value(q, answer):
        return Verdict(False, [f"the answer gives no {q.kind.value}"])
    ordered = ([quoted] if quoted else []) + [c for c in candidates if c is not quoted]
    if any(_copies_start(answer, c.text) for c in ordered):
        return Verdict(False, ["the answer copies the start of a sentence instead of answering"])
    for c in ordered:
        if not grounded_in(answer, c) and not _strange(q, words, [c]):
            if not agrees(q, answer, [c], _titled(q, candidates)):
                return Verdict(False, [f"the answer names no {q.kind.value} that its evidence gives for the question"],
                               [c])
            return Verdict(True, [], [c])
    # A multi-part answer: each claim held by some candidate, every word by one of those cited.
    cited: list[Evidence] = []
    for kind, text, _, _ in grounding.claims(answer):
        holder = next((c for c in ordered if grounding.is_grounded(text, kind, c.text, year_of(c))), None)
        if holder is None:
            return Verdict(False, [f"“{text}” is in no candidate sentence"])
        if holder not in cited:
            cited.append(holder)
    strange = _strange(q, words, cited or ordered)
    if strange or not cited:
        odd = strange or _strange(q, words, ordered[:1])
        return Verdict(False, ["words in no candidate sentence: " + ", ".join(sorted(odd))], cited)
    return Verdict(True, [], cited)


def agrees(q: Question, answer: str, evidence: list[Evidence], titled_names: list[Span] | None = None) -> bool:
    """Whether the answer names one of the values of the kind asked that its evidence holds for the question
    (the count of the very noun asked about, the name after the title asked for), not merely some figure or
    name of it. Where the lifter sees no such value, a value of the kind in the answer is enough: a capable
    model may read further than the lifter."""
    if q.kind is AnswerType.OTHER and q.focus is None:
        return True
    found = [v for e in evidence for v in values(q, e.text)]
    if q.kind is AnswerType.PERSON and titled_names:
        # The question names a title ("acting Pentagon press secretary") that stands before some names of the
        # candidates: the answer must be one of them, not another person the evidence mentions.
        found = titled_names
    if q.kind is AnswerType.COUNT and q.counted and found:
        # A count must count the noun asked about: "50,290 accessions" is no answer to "how many components".
        found = [v for v in found if q.counted in analyze.terms(v.text)]
        if not found:
            return False
    if not found:
        return holds_value(q, answer)
    a_terms = set(analyze.terms(answer)) - q.term_set
    dates = [t for k, t, _, _ in grounding.claims(answer) if k == "date"]
    year = year_of(evidence[0])
    for v in found:
        v_terms = set(analyze.terms(v.text)) - q.term_set
        if q.kind is AnswerType.DATE:
            if any(grounding.is_grounded(d, "date", v.text, year) for d in dates) or v_terms & a_terms:
                return True
        elif q.kind in _NUMERIC:
            if {t for t in v_terms if t[:1] in "$#0123456789"} & a_terms:
                return True
        elif v_terms & a_terms:
            return True
    return False


_NUMERIC = frozenset({AnswerType.MONEY, AnswerType.COUNT, AnswerType.PERCENT, AnswerType.ORDINAL})


def _titled(q: Question, candidates: list[Evidence]) -> list[Span]:
    """The names of the candidates that the question's title words stand right before, most titled first."""
    if q.kind is not AnswerType.PERSON or q.focus is None:  # "which acting Pentagon press secretary", not "who"
        return []
    scored = [(titled(q, c.text, v), v) for c in candidates for v in values(q, c.text)]
    top = max((score for score, _ in scored), default=0.0)
    return [v for score, v in scored if top > 0 and score == top]


def _copies_start(answer: str, sentence: str) -> bool:
    """Whether an answer is a stretch of a sentence copied out ("The answer is: President Joe Biden has given
    DOD authorization for a drawdown of"), cut off by the length limit: no answer at all."""
    a, s = re.findall(r"\w+", answer.lower()), re.findall(r"\w+", sentence.lower())
    if len(a) < _COPY_WORDS:  # a short answer may well be a phrase of its sentence: "pre-2014 borders"
        return False
    longest, previous = 0, [0] * (len(s) + 1)
    for x in a:  # the longest run of words the two share, in order and contiguous
        current = [0] * (len(s) + 1)
        for j, y in enumerate(s, 1):
            if x == y:
                current[j] = previous[j - 1] + 1
                longest = max(longest, current[j])
        previous = current
    return longest >= 0.6 * len(a)


# An answer of this many words or more that is mostly one run of a candidate is a copied-out sentence.
_COPY_WORDS = 10


def _words(answer: str) -> set[str]:
    """The answer's terms outside its claims: the claims themselves are compared by the grounding check, as
    values ("2025-01-14" is "Jan. 14" in a 2025 release), not word by word."""
    kept = list(answer)
    for _, _, start, end in grounding.claims(answer):
        while start > 0 and not answer[start - 1].isspace():  # the whole token: "two-and-a-half"
            start -= 1
        while end < len(answer) and not answer[end].isspace():
            end += 1
        kept[start:end] = " " * (end - start)
    return set(analyze.terms("".join(kept)))


def _strange(q: Question, a_terms: set[str], evidence: list[Evidence]) -> set[str]:
    """Words of the answer that neither the evidence (with its release's title), the question nor a frame holds."""
    known = set(q.terms) | _FRAME
    for c in evidence:
        known |= set(analyze.terms(c.text)) | set(analyze.terms(c.title))
    return a_terms - known


def holds_value(q: Question, text: str) -> bool:
    """Whether an answer holds a value of the kind asked for that the question does not give: what a reader
    needs of a short answer, in whatever form ("It was 2.", "Brussels", "131.6 percent")."""
    kind = q.kind
    if kind is AnswerType.OTHER:
        return True
    found = [(k, t) for k, t, _, _ in grounding.claims(text) if is_new(q, t)]
    if kind is AnswerType.MONEY:
        return any(k == "money" for k, _ in found)
    if kind is AnswerType.PERCENT:
        return any(k == "number" and ("%" in t or "percent" in text.lower()) for k, t in found)
    if kind is AnswerType.COUNT:
        return any(k in ("number", "money") for k, _ in found)
    if kind is AnswerType.DATE:
        return any(k == "date" or (k == "number" and t.isdigit() and len(t) == 4) for k, t in found)
    if kind is AnswerType.ORDINAL:
        return any(k == "ordinal" for k, _ in found)
    # A person or a place: a name ("Todd Breasseale"), or a short answer with a capitalised word the question does
    # not hold ("Moisiuk", "It was Pentagon."); a sentence that mentions someone is no answer to "who".
    if kind is AnswerType.PERSON and any(k == "person" for k, _ in found):
        return True
    return len(text.split()) <= _BARE_NAME_WORDS and any(
        is_new(q, w) for w in re.findall(r"\b[A-Z][\w’'-]+", text) if w.lower() not in _OPENERS)


# The most words of an answer that names a person or place without a full name in it ("It was Fort Benning.").
_BARE_NAME_WORDS = 5


_OPENERS = frozenset({"it", "the", "he", "she", "they", "this", "that", "in", "at", "on", "a", "an"})


def missing(q: Question, evidence: list[Evidence], subject_only: bool = True) -> tuple[list[str], float]:
    """The question's key terms that no release of the evidence holds, and their share of the key weight;
    `subject_only`: only those of its subject (qa.text.subject) count as missing."""
    held: set[str] = set()
    for ev in evidence:
        held |= release_terms(ev)
    gone = [t for t in q.key_terms
            if not q.holds(t, held) and (not subject_only or q.subject is None or t in q.subject)]
    return gone, sum(q.idf.get(t, 0.0) for t in gone) / q.total_weight


def release_terms(ev: Evidence) -> set[str]:
    """The terms of the evidence's release: its text, title and date."""
    return set(analyze.terms(ev.release_text)) | set(analyze.terms(ev.title)) | set(analyze.date_terms(ev.date))


def unsaid(q: Question, evidence: list[Evidence], acts: bool = False) -> tuple[list[str], float]:
    """The question's subject terms that the evidence sentences themselves (with their releases' titles, dates
    and the periods they report) do not hold, and their share of the subject's weight. The terms of its adverbial
    clause, the circumstances of what is asked, may stand anywhere in the release. With `acts`, the question's own
    verbs count with its subject: a sentence from which no value was lifted tells nothing of an act it never names
    (on the train split, squad-train most of all, such sentences were mostly shown for questions they did not
    answer)."""
    said: set[str] = set()
    for ev in evidence:
        said |= set(analyze.terms(ev.text)) | set(analyze.terms(ev.title)) | set(analyze.date_terms(ev.date))
        said |= q.reported_period(ev.release_text)
        said |= q.circumstance & release_terms(ev)  # "... while he met defense secretaries at NATO in Brussels"
        said |= referred_to(q, ev)
        said |= names_in_full(ev, [ev.text])  # "Webb" said for "Lance Cpl. Brandon J. Webb"
    keys = [t for t in q.key_terms if q.subject is None or t in q.subject or (acts and t in q.acts)]
    gone = [t for t in keys if not q.holds(t, said)]
    total = sum(q.idf.get(t, 0.0) for t in keys) or 1.0
    return gone, sum(q.idf.get(t, 0.0) for t in gone) / total


def support(q: Question, evidence: list[Evidence], has_value: bool, partial_missing: float,
            short: str | None = None) -> tuple[str, str]:
    """("full" or "partial", why partial) for an answer standing on `evidence`: full only when its value is of
    the kind asked (`short`, read by the entity recogniser in the evidence). How much of the question its
    sentences hold is weighed by the confidence model (qa.answer.confidence), not by a cut here."""
    if not has_value and (q.kind is not AnswerType.OTHER or q.focus):
        what = q.kind.value if q.kind is not AnswerType.OTHER else surface(q, q.focus or "")
        return "partial", f"the closest sentence gives no {what}"
    if short is not None and (wrong := off_kind(q, short, evidence) or other_act(q, short, evidence)
                              or added(q, short, evidence) or one_of_two_acts(q, short, evidence)
                              or other_number(q, evidence)):
        return "partial", wrong
    inside: set[str] = set()
    for ev in evidence:
        inside |= swallowed(q, ev.text)
    gone, share = missing(q, evidence)
    # Search words the index has never seen weigh nothing in the share, yet each was the reader's subject.
    unseen = [t for t in gone if not q.idf.get(t)] if q.keywords else []
    if unseen:
        return "partial", "the releases do not mention " + ", ".join(surface(q, t) for t in unseen[:3])
    if gone and share >= partial_missing:
        return "partial", "the releases do not mention " + ", ".join(surface(q, t) for t in gone[:3])
    if inside:
        t = sorted(inside)[0]
        return "partial", f"“{surface(q, t)}” stands only as part of another name"
    for ev in evidence:
        if (names := other_name(q, ev.text) or cut_short(q, ev.text)) is not None:
            return "partial", f"the sentence names “{names[1]}”, not “{names[0]}”"
    return "full", ""


def another_time(q: Question, evidence: list[Evidence]) -> str | None:
    """Why a value of the kind asked, standing in evidence that holds the question's words, may be of another time
    than the one asked about; None when nothing says so. Such a value is still the closest the releases come."""
    if (month := month_elsewhere(q, evidence)) is not None:
        return f"the question asks about {month}; the sentence does not name it, nor is its release of then"
    if q.kind is AnswerType.DATE and (act := act_elsewhere(q, evidence)) is not None:
        return f"the sentence does not say “{act}”: its date may be another act's"
    return None


def month_elsewhere(q: Question, evidence: list[Evidence]) -> str | None:
    """The month the question names with its year ("where did they meet in August 2017") when no evidence is of
    it: its release dated another month, reporting no period through it, its sentences naming no such month. The
    value is then likely another time's ("Clark, Pampanga" of the October meeting). None when any evidence is of
    it, or has no date to tell by."""
    asked = dates.months_named(q.text)
    if not asked:
        return None
    keys, wanted = dates.month_keys(q.text), {month for _, month in asked}
    for ev in evidence:
        if not ev.date or ev.date[:7] in keys or q.reports_period(ev.release_text) \
                or wanted & dates.months_in(ev.text):
            return None
    year, month = asked[0]
    return f"{analyze.MONTH_NAMES[month - 1].capitalize()} {year}"


# The kinds of thing the entity recogniser may call a value of the kind asked: a person for "who", a place for
# "where" (the Pentagon is an organisation's building as often as a place). A value it gives no label is let
# be (a surname alone, "Mike [Gruss]"); one it calls something else ("Airborne Division", "Middle East" for
# "who") is no answer of that kind.
_KIND_LABELS = {AnswerType.PERSON: frozenset({"PERSON"}),
                AnswerType.PLACE: spans.PLACE_LABELS | {"ORG"}}


# A nickname in quotes between a first name and a surname: ' "Benny" '. The recogniser reads a name holding one as
# the title of a work; the name is read as written without it.
_NICKNAME = re.compile(r"\s[\"“][A-Z][\w.'’-]*[\"”]\s")


def wrong_kind(q: Question, value: str, evidence: list[Evidence]) -> str:
    """Why `value` is not of the kind the question asks for, or "" when it is (or the kind has no label)."""
    wanted = _KIND_LABELS.get(q.kind)
    if wanted is None or q.identity:
        return ""
    value = _NICKNAME.sub(" ", value)
    for ev in evidence:
        text = _NICKNAME.sub(" ", ev.text)
        at = text.find(value)
        if at >= 0:
            if q.kind is AnswerType.PLACE and placed(text, Span(value, at, at + len(value))):
                return ""  # "Souda Bay, Greece": a place, whatever the recogniser calls it
            found = spans.labels(text, at, at + len(value))
            break
    else:
        found = spans.labels(value, 0, len(value))
    if not found & spans.NAME_LABELS or found & wanted:
        return ""
    if q.act is not None and q.act.doer and found <= BODIES and any(
            value in ev.text[a:b] or ev.text[a:b] in value
            for ev in evidence for a, b in roles.fillers(ev.text, q.act)):
        return ""  # a body that did the act asked about ("who confirmed her": the Senate)
    return f"“{value}” is not the {q.kind.value} asked about"


def off_kind(q: Question, value: str, evidence: list[Evidence]) -> str:
    """Why `value` is of another kind than asked, or counts another thing ("" when neither)."""
    return wrong_kind(q, value, evidence) or counts_other(q, value, evidence)


def counts_other(q: Question, value: str, evidence: list[Evidence]) -> str:
    """Why a count counts another thing than the one asked ("two Defense Production Act (DPA" for "how many
    jobs"): its nouns after the number, none of which is the noun asked or a kind of it as WordNet knows it; ""
    when it is, when the count gives no noun ("20"), or when the recogniser reads a measure ("45 years")."""
    if q.kind is not AnswerType.COUNT or not q.counted:
        return ""
    ev = next((e for e in evidence if value in e.text), None)
    if ev is None:
        return ""
    at = ev.text.find(value)
    if spans.labels(ev.text, at, at + len(value)) & MEASURE_LABELS:
        return ""
    tokens = spans.tokens_in(spans.parse(ev.text), at, at + len(value))
    first = next((i for i, t in enumerate(tokens) if t.like_num or t.pos_ == "NUM"), None)
    if first is None:
        return ""
    # The number's own noun phrase, a name's initials in brackets included: up to a preposition ("3,672 for the
    # Marine Corps Reserve" counts what its list counts; "for ..." says whose).
    phrase = list(itertools.takewhile(lambda t: not (t.pos_ == "ADP" and t.doc[t.i - 1].whitespace_)
                                      and t.text not in ",;:", tokens[first + 1:]))  # "Surface-to-Air" is one word
    nouns = [t for t in phrase if t.pos_ in ("NOUN", "PROPN")]
    # The noun the parser makes the number count, where the value's phrase stops short of it ("four high-mobility
    # artillery rocket" of "... rocket systems"); a bare number ("20") says nothing to tell by.
    number = tokens[first]
    if nouns and number.dep_ == "nummod" and number.head.pos_ in ("NOUN", "PROPN") and number.head not in nouns:
        nouns.append(number.head)
    asked = surface(q, q.counted)
    if not nouns or not wordnet.senses(asked.lower()):
        return ""  # nothing counted, or a word WordNet does not know ("ppl"): no telling
    # A name's words ("Defense Production Act") are no common nouns to look up: only its own words count.
    if any(q.counted in analyze.terms(t.text) or t.pos_ == "NOUN" and _same_kind(t.lemma_.lower(), asked.lower())
           for t in nouns):
        return ""
    return f"“{value}” counts something other than the {asked} asked about"


# Verbs that tell no act of their own in a question ("how many did they have", "how much will it get").
_LIGHT_VERBS = frozenset({"be", "have", "do", "get", "make", "take", "go", "give", "put", "come", "say", "see"})
_ARGUMENTS = frozenset({"dobj", "nsubj", "nsubjpass"})


def one_of_two_acts(q: Question, value: str, evidence: list[Evidence]) -> str:
    """Why one figure does not answer a count of two acts the question joins ("how many were killed and wounded")
    where its sentence says both acts and gives more than one figure ("approximately 1,000 ... were killed and
    more than 2,000 were wounded"): the answer holds one of them. "" otherwise."""
    if q.kind is not AnswerType.COUNT:
        return ""
    pair = next(((v, c) for v in spans.parse(q.written) if v.pos_ == "VERB"
                 for c in v.children if c.dep_ == "conj" and c.pos_ == "VERB"), None)
    ev = next((e for e in evidence if value in e.text), None)
    if pair is None or ev is None:
        return ""
    doc = spans.parse(ev.text)
    verbs = [t.lemma_.lower() for t in doc if t.pos_ == "VERB"]
    if not all(any(roles.same_act(said, v.lemma_.lower()) for said in verbs) for v in pair):
        return ""
    figures = [t for t in doc if t.like_num and t.ent_type_ not in ("DATE", "TIME", "ORDINAL")]
    if len(figures) < 2 or sum(t.like_num for t in spans.parse(value)) > 1:
        return ""
    return f"the question asks for “{pair[0].text}” and “{pair[1].text}”; the answer gives one figure"


def other_act(q: Question, value: str, evidence: list[Evidence]) -> str:
    """Why a figure is another act's than the one asked ("how many jobs will emagin keep" of "... to retain current
    staff and create 14 new jobs"): the sentence says the question's act, by its lemma or a synonym WordNet gives,
    of something else, and the figure stands under another verb. "" when the figure stands under the act asked,
    when the sentence does not say that act at all (then no telling), or when the question asks no act."""
    if q.kind not in (AnswerType.COUNT, AnswerType.MONEY, AnswerType.PERCENT):
        return ""
    asked = [v for v in q.verbs if v not in _LIGHT_VERBS and wordnet.senses(v, "verb")]
    ev = next((e for e in evidence if value in e.text), None)
    if not asked or ev is None:
        return ""
    at = ev.text.find(value)
    tokens = spans.tokens_in(spans.parse(ev.text), at, at + len(value))
    number = next((t for t in tokens if t.like_num or t.pos_ == "NUM"), None)
    if number is None:
        return ""
    # Only a figure that is itself a verb's object or subject says whose act it is: one in a list or a
    # prepositional phrase hangs where the small parser happens to put it.
    counted = number  # up from the number to what it counts or measures: "14" of "jobs", "4" of "$4 million"
    while counted.dep_ in ("nummod", "compound", "quantmod", "nmod") and counted.head.i != counted.i:
        counted = counted.head
    governor = counted.head
    if counted.dep_ not in _ARGUMENTS or governor.pos_ != "VERB" \
            or any(roles.same_act(governor.lemma_.lower(), v) for v in asked):
        return ""
    # The act asked, said of something else: a verb of it with an object of its own ("retain current staff and
    # create 14 new jobs"), not a clause on what the figure counts ("the 2,461 members who fell").
    said = [t for t in number.doc if t.pos_ == "VERB" and t.i != governor.i and t not in counted.subtree
            and any(c.dep_ in _ARGUMENTS and number not in c.subtree for c in t.children)
            and any(roles.same_act(t.lemma_.lower(), v) for v in asked)]
    if said:
        return f"the sentence gives “{value}” for “{governor.text}”, not for “{said[0].text}”"
    # The act asked, said of something in another sentence of the release and by no verb of this one ("Three
    # more sailors have died" for "how many were wounded", the release telling of the wounded later): the
    # release keeps the two acts apart, and this figure is the other one's.
    act = _counted_act(q)
    if act is None or governor.lemma_.lower() in _LIGHT_VERBS or any(
            t.pos_ in ("VERB", "ADJ") and _tells(t.lemma_.lower(), act.lemma_.lower()) for t in number.doc):
        return ""
    if analyze.stem(act.lemma_.lower()) not in set(analyze.terms(ev.release_text)) - set(analyze.terms(ev.text)):
        return ""
    return f"the sentence gives “{value}” for “{governor.text}”; the release tells of “{act.text}” elsewhere"


def other_number(q: Question, evidence: list[Evidence]) -> str:
    """Why the evidence tells of another thing than asked: the question numbers a noun ("in its first eight days",
    "as of March 2011", "the 52nd drawdown") and the evidence numbers the same noun, the same way, only otherwise
    ("first seven days", "March 2007", "the 51st drawdown"). "" when it gives the question's number, or numbers no
    such noun (a count and an order are not compared: "four weekends", "its second weekend")."""
    asked = _numbered(q.written)
    if not asked:
        return ""
    given: dict[tuple[str, str], list[tuple[frozenset[str], str]]] = {}
    said: set[str] = set()
    for ev in evidence:
        for key, numbers in _numbered(ev.text).items():
            given.setdefault(key, []).extend(numbers)
        said |= set(analyze.terms(ev.text)) | set(analyze.terms(ev.title)) | set(analyze.date_terms(ev.date))
    for key, numbers in asked.items():
        others = given.get(key, [])
        # The question's number written anywhere in the evidence, its title or its release's date is not said
        # otherwise: the parse may hang it elsewhere ("March 31, 2011" for "March 2011"), and "awarded on Aug. 10,
        # 2020" is the release's day where its sentence gives the work's end ("Aug. 9, 2025").
        if others and not any(n & said for n, _ in numbers):
            return f"the sentence gives “{others[0][1]}”, not “{numbers[0][1]}”"
    return ""


@lru_cache(maxsize=1024)
def _numbered(text: str) -> dict[tuple[str, str], list[tuple[frozenset[str], str]]]:
    """Each noun a number or ordinal stands on, by the parse, keyed with how it stands (a count, "four weekends", or
    an order, "second weekend"), with the number's terms and the two words as written."""
    out: dict[tuple[str, str], list[tuple[frozenset[str], str]]] = {}
    for t in spans.parse(text):
        # An amount of money is a value of its own kind, read by the normaliser, not a number on the noun.
        if t.dep_ in ("nummod", "amod") and t.head.pos_ in ("NOUN", "PROPN") and t.ent_type_ != "MONEY" \
                and (t.like_num or t.ent_type_ in ("ORDINAL", "CARDINAL")) and (terms := analyze.terms(t.text)):
            pair = f"{t.text} {t.head.text}" if t.i < t.head.i else f"{t.head.text} {t.text}"
            out.setdefault((t.head.lemma_.lower(), t.dep_), []).append((frozenset(terms), pair))
    return out


def added(q: Question, value: str, evidence: list[Evidence]) -> str:
    """Why a count of those added ("Three more sailors have died", "an additional 495 reservists") is not the
    count asked, when the question asks no increase and the release gives the whole ("This brings the death toll
    to seven"). "" when the question asks for the added ones ("how many more", "extra troops"), when the count is no
    increment ("more than 13,000 people"), or when the release gives no whole: "four additional radars" of a
    package are the package's."""
    if q.kind is not AnswerType.COUNT or _INCREASE_ASKED.search(q.written):
        return ""
    ev = next((e for e in evidence if value in e.text), None)
    if ev is None or not _WHOLE.search(ev.release_text):
        return ""
    at = ev.text.find(value)
    if not (_ADDED_AFTER.match(value) or _ADDED_BEFORE.search(ev.text[max(0, at - 16):at])):
        return ""
    return f"“{value}” counts those added, not all of them"


# A count of those added: "Three more sailors", "495 additional troops", "another 3,000", "an additional 495".
_ADDED_AFTER = re.compile(r"^[\w,.-]+\s+(?:more|additional|extra)\b(?!\s+than)", re.IGNORECASE)
_ADDED_BEFORE = re.compile(r"\b(?:another|an\s+additional|an\s+extra)\s+\Z", re.IGNORECASE)
# The whole those added make: "This brings the death toll to seven", "bringing the total ... to 27,752".
_WHOLE = re.compile(r"\b(?:brings|bringing|brought)\s+the\s+(?:\w+\s+){0,10}?to\s+(?:about\s+|more\s+than\s+)?(?:\d|(?:"
                    + "|".join(analyze.CARDINALS) + r")\b)", re.IGNORECASE)
# A question that asks for those added: "how many more", "extra troops", "additional", "new", "increase".
_INCREASE_ASKED = re.compile(r"\b(?:more|additional|extra|another|new|added|further|increase\w*|rise|grow\w*)\b",
                             re.IGNORECASE)


def _counted_act(q: Question) -> Token | None:
    """The act whose figure a "how many" question asks for: the first verb of weight above its wh-word ("wounded"
    of "how many sailors were wounded"; none in "how much ... was to go toward ..."), not one of a clause on
    something else ("the $10 million Cohen pledged")."""
    wh = next((t for t in spans.parse(q.written) if t.lower_ in ("how", "what", "which")), None)
    if wh is None:
        return None
    return next((t for t in wh.ancestors if t.pos_ == "VERB" and t.lemma_.lower() not in _LIGHT_VERBS
                 and wordnet.senses(t.lemma_.lower(), "verb")), None)


def _tells(verb: str, asked: str) -> bool:
    """Whether a sentence's verb says the act asked: the same act, or a way of doing it ("murdered" for "kill")."""
    return roles.same_act(verb, asked) or wordnet.is_kind_of(verb, asked, pos="verb")


def _same_kind(noun: str, asked: str) -> bool:
    """Whether WordNet makes one noun a kind of the other, or both kinds of people ("recruits" for "people")."""
    return wordnet.is_kind_of(noun, asked) or wordnet.is_kind_of(asked, noun) or (
        _of_people(noun) and _of_people(asked))


def _of_people(noun: str) -> bool:
    return any(wordnet.is_kind_of(noun, kind) for kind in _PEOPLE_KINDS)


# WordNet's heads of people counted: a person, a people, a force ("troops", "personnel").
_PEOPLE_KINDS = ("person", "people", "military_personnel", "force")


def surface(q: Question, term: str) -> str:
    for word in q.text.replace("?", " ").split():
        if term in analyze.terms(word):
            return word.strip(",.;:'\"“”")
    return term


def referred_to(q: Question, ev: Evidence) -> set[str]:
    """The terms of the earlier sentence of the release that the evidence refers back to: the nearest one holding
    the noun of a bare definite description the question also uses ("wounded during the attack" for "the insider
    attack that killed maciel"; "a statement summarizing the meeting" for "the mattis williamson meeting"), or the
    one just before for a sentence whose main clause's subject is "he", "she" or "they". What the sentence takes
    as known is said there, with the whole names of the people it gives by surname."""
    doc = spans.parse(ev.text)
    keys = set(q.key_terms)
    nouns = {analyze.stem(t.lower_) for t in doc if t.pos_ == "NOUN"
             and [c.lower_ for c in t.children] == ["the"]} & keys
    pronoun = any(t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT" and t.lower_ in ("he", "she", "they")
                  for t in doc)
    if not nouns and not pronoun:
        return set()
    before = ev.release_text[:ev.spans[0][0]]
    for start, end in reversed(sentences.spans(before)):
        terms = set(analyze.terms(before[start:end]))
        if pronoun or nouns & terms:
            return terms | names_in_full(ev, [before[start:end]])
    return set()


def act_elsewhere(q: Question, evidence: list[Evidence]) -> str | None:
    """The verb of a "when" question ("since when had maciel served") when no evidence sentence says that act,
    in any form or by a verb WordNet gives as the same act or a kind of it ("telephoned" for "called"): the date
    there is then likely another act's ("died July 7"). None when one does, or when the question's verbs are all
    auxiliaries ("when was the hearing")."""
    asked = [t for t in spans.parse(q.text[:1].upper() + q.text[1:]) if t.pos_ == "VERB"]
    if not asked:
        return None
    words = [t for ev in evidence for t in spans.parse(ev.text) if t.pos_ in ("VERB", "NOUN", "ADJ")]
    said = {t.lemma_.lower() for t in words}
    nouns = {t.lemma_.lower() for t in words if t.pos_ == "NOUN"}
    stems = {analyze.stem(w) for w in said}
    for verb in asked:
        lemma = verb.lemma_.lower()
        # Each verb in its most frequent sense: in any sense "supporting" an operation would be "serving". The
        # act said as a noun counts too, the verb's own noun being a kind of it ("talk" of "bilateral discussions").
        if analyze.stem(lemma) in stems or any(
                wordnet.is_kind_of(w, lemma, pos="verb") or wordnet.is_kind_of(lemma, w, pos="verb") for w in said) \
                or any(wordnet.is_kind_of(lemma, n, first=None) for n in nouns):
            return None
    return asked[0].text
