"""Candidate evidence: the sentences of the retrieved chunks most likely to answer, best first.

A sentence scores by the question's words it holds (rare ones count more,
side-by-side pairs again), by holding a value of the kind asked for, and by
its chunk's rank. A sentence that matches the question but holds no such value
is joined with a neighbour of its release that refers back to it and holds one
("I am announcing our 52nd drawdown" + "This most recent security assistance
package, worth $175 million, ..."): the two are one piece of evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.answer.lift import Span, counts_kind, governed_by, lift
from qa.answer.question import Question
from qa.index import spelling
from qa.index.store import Store
from qa.models import Hit
from qa.settings import AnswerSettings
from qa.text import analyze, boilerplate, dates, roles
from qa.text.answer_type import AnswerType
from qa.text.sentences import list_item
from qa.text.spans import parse

_CUMULATIVE = re.compile(r"\b(?:cumulative|in total|altogether|overall|so far|to date|all told|as of)\b", re.IGNORECASE)
_SINCE = re.compile(r"\b(?:since|to date|in total|cumulative|overall|altogether)\b", re.IGNORECASE)
# A neighbour refers back when it opens with one of these ("This most recent package", "The package").
_REFERS_BACK = re.compile(r"^(?:[\"“]?)(?:This|These|That|Those|It|Its|They|Their|The|Such|He|She)\b")
# A sentence that opens with one of these is about its previous sentence's subject ("This includes ...").
_ANAPHOR = re.compile(r"^(?:[\"“]?)(?:This|These|That|Those|It|They|Such)\b")


@dataclass
class Evidence:
    release_id: str
    title: str
    date: str
    source: str
    release_text: str = field(repr=False)
    spans: list[tuple[int, int]]  # sentence spans in the release text, in order
    chunk_ids: list[str]
    score: float = 0.0
    short: Span | None = None  # the lifted answer, its offsets in `text`

    @property
    def text(self) -> str:
        return " ".join(self.release_text[s:e] for s, e in self.spans)

    @property
    def held_together(self) -> bool:
        """Whether its sentences stand in one paragraph of the release, or a later one of another paragraph points
        back: "This most recent package ..." to what came before, "The post had been held by ..." to the sentence
        right before it. A sentence two on that opens with "The" points back to the one between ("The sailor, whose
        name ..." after "a sailor ... died"), not to the first: two things side by side."""
        text = self.release_text

        def held(a: tuple[int, int], b: tuple[int, int]) -> bool:
            gap, later = text[a[1]:b[0]], text[b[0]:b[1]]
            return "\n" not in gap or bool(_ANAPHOR.match(later)) or (
                not gap.strip() and bool(_REFERS_BACK.match(later)))

        return all(held(a, b) for a, b in zip(self.spans, self.spans[1:]))

    @property
    def key(self) -> tuple[str, tuple[tuple[int, int], ...]]:
        return self.release_id, tuple(self.spans)

    def value_apart(self, names: set[str]) -> bool:
        """Whether the value stands in a joined sentence that neither points back nor gives any of the `names` (the
        question's) but names another thing of the kind another of its sentences names them as: "About 300
        personnel will comprise a ... company out of Fort Bragg, North Carolina" after "they're planning to deploy to
        Poland", for "how many troops deployed to poland", counts troops of other places. A sentence that goes on
        about the same thing without naming it ("Work ... with an estimated completion date of Aug. 1, 2025.")
        names nothing else of that kind."""
        if self.short is None or len(self.spans) < 2 or not names:
            return False
        at, own, others = 0, "", []
        for start, end in self.spans:
            sentence = self.release_text[start:end]
            if at <= self.short.start < at + len(sentence):
                own = sentence
            else:
                others.append(sentence)
            at += len(sentence) + 1
        if not own or _REFERS_BACK.match(own) or names & set(analyze.terms(own)):
            return False
        kinds = {e.label_ for o in others for e in parse(o).ents if names & set(analyze.terms(e.text))}
        return any(e.label_ in kinds for e in parse(own).ents)


def introduced(ev: Evidence, found: list[Evidence]) -> list[Evidence]:
    """The candidate sentence that `ev` introduces with a colon, or the one that introduces `ev` so."""
    text, first, last = ev.release_text, ev.spans[0][0], ev.spans[-1][1]
    return [e for e in found if e.release_id == ev.release_id and e is not ev and (
        (e.spans[0][0] >= last and not text[last:e.spans[0][0]].strip() and text[:last].rstrip().endswith(":"))
        or (e.spans[-1][1] <= first and not text[e.spans[-1][1]:first].strip()
            and text[:e.spans[-1][1]].rstrip().endswith(":")))]


def _standalone(q: Question) -> set[str]:
    """Terms the question names by one capitalised word standing alone: "the Army record"."""
    words = re.findall(r"[\w’'.-]+", q.text)
    out: set[str] = set()
    for i, w in enumerate(words[1:], 1):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        # "the Army": a proper noun with its article, not a modifier ("Philippine defense officials").
        if w[:1].isupper() and words[i - 1].lower() == "the" and not nxt[:1].isupper():
            out.update(analyze.terms(w))
    return out


_SUFFIXES = frozenset({"Jr.", "Sr.", "II", "III", "IV", "Jr", "Sr"})


def _named_alone(sentence: str) -> set[str]:
    """Terms of the capitalised words that the sentence uses alone, not as the head of a longer name."""
    out: set[str] = set()
    for m in re.finditer(r"[A-Z][\w’'-]*(?: [A-Z][\w’'-]*)*", sentence):
        words = m.group().split()
        if len(words) == 1 or (words[0] in {"The", "A"} and len(words) == 2):
            out.update(analyze.terms(words[-1]))
    return out


def swallowed(q: Question, sentence: str) -> set[str]:
    """Question terms that the sentence holds only at the head of a longer name the question does not give:
    "Army" in "Army National Guard" when the question asks about the Army and the sentence never names it alone."""
    alone_in_q = _standalone(q)
    if not alone_in_q:
        return set()
    inside: set[str] = set()
    alone: set[str] = set()
    for m in re.finditer(r"[A-Z][\w’'-]*(?: [A-Z][\w’'-]*)*", sentence):
        words = m.group().split()
        head = analyze.terms(words[0])
        preceded = re.search(r"\b[A-Z]\.\s*$", sentence[:m.start()])
        if len(words) == 1 or preceded or words[0].endswith(("'s", "’s")) or words[1] in _SUFFIXES:
            alone.update(head)
            continue
        following = analyze.terms(words[1])
        if head and head[0] in alone_in_q and following and following[0] not in q.term_set:
            inside.add(head[0])
    return inside - alone


def other_name(q: Question, sentence: str) -> tuple[str, str] | None:
    """A name of the question the sentence gives otherwise, and how: "Air National Guard" asked, "Army National
    Guard" written, a name that ends the same way and starts with another word; None when there is none."""
    sentence = spelling.american(sentence)[0]  # as the question was read: "Defence" is "Defense"
    runs = [m.group() for m in _NAME_RUN.finditer(sentence)]
    for m in _NAME_RUN.finditer(q.text):
        words = m.group().split()
        if m.start() == 0 or len(words) < 3 or m.group().lower() in sentence.lower():
            continue
        tail = " ".join(words[1:])
        for run in runs:
            if run.endswith(tail) and run != tail and run.split()[-len(words)] != words[0]:
                return m.group(), run
    return None


# A run of capitalised words: a name as a question or a sentence writes it.
_NAME_RUN = re.compile(r"[A-Z][\w’'-]*(?: [A-Z][\w’'-]*)+")


def cut_short(q: Question, sentence: str) -> tuple[str, str] | None:
    """A name of the question the sentence gives only cut short, and how: "Marine Corps Reserve" asked, "Marine
    Corps" written (another body: the active service, not its reserve); None when there is none. A person's name
    without its last words ("Lloyd J. Austin" for "Lloyd J. Austin III") is the same person."""
    sentence = spelling.american(sentence)[0]
    runs = {m.group() for m in _NAME_RUN.finditer(sentence)}
    doc = parse(q.text)
    people = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]
    for m in _NAME_RUN.finditer(q.text):
        words = m.group().split()
        last = next((t for t in reversed(doc) if t.idx < m.end()), None)
        # A run that modifies a noun after it ("the General Dynamics Land Systems Stryker contract") is a name
        # and its product, not one name: the sentence may name the company alone.
        if len(words) < 3 or m.group().lower() in sentence.lower() or last is None or last.dep_ == "compound" \
                or any(a < m.end() and m.start() < b for a, b in people):
            continue
        for k in range(len(words) - 1, 1, -1):
            if " ".join(words[:k]) in runs:
                return m.group(), " ".join(words[:k])
    return None


def _tells_its_day(q: Question, sentence: str) -> bool:
    """Whether the sentence reports the very act asked about "this morning" or "today" ("was sworn in ... this
    morning" for "when did hegseth get sworn in"): it stands alone, its day its release's date, never joined to
    another sentence's date ("his Jan. 14 confirmation hearing")."""
    if lift(q, sentence, dated=True) is None:
        return False
    verbs = {t.lemma_.lower() for t in parse(q.text) if t.pos_ == "VERB"}
    return bool(verbs & {t.lemma_.lower() for t in parse(sentence) if t.pos_ == "VERB"})


def _same_paragraph(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    return "\n" not in text[min(a[1], b[1]):max(a[0], b[0])]


def _list_end(text: str, spans: list[tuple[int, int]], start: int, end: int) -> int:
    """Where a chunk (`start`-`end`) ends once the list it introduces is read whole: a chunk cut inside a list whose
    introducing line ("Here are the numbers of new recruits ... for the reserve components:") it holds reads the
    list's later lines too, which the next chunk holds without what they count."""
    inside = [i for i, (a, b) in enumerate(spans) if a >= start and b <= end]
    if not inside:
        return end
    last = inside[-1]
    head = last
    while head >= inside[0] and list_item(text[spans[head][0]:spans[head][1]]):
        head -= 1
    if head < inside[0] or not text[spans[head][0]:spans[head][1]].rstrip().endswith(":"):
        return end
    more = last + 1
    while more < len(spans) and list_item(text[spans[more][0]:spans[more][1]]):
        end = spans[more][1]
        more += 1
    return end


def sentence_score(q: Question, sentence: str, named: set[str]) -> float:
    """The question's rare words in one sentence, with pairs; the release's own date words left out."""
    s_list = analyze.terms(sentence)  # datelines are cut off already (qa.text.boilerplate)
    own = q.term_set - named - swallowed(q, sentence)
    if (short := cut_short(q, sentence)) is not None:
        own -= set(analyze.terms(short[0]))  # "Marine Corps" is not the "Marine Corps Reserve" asked about
    pairs = {p for p in q.pairs if not set(p) <= named}
    score = sum(q.idf.get(t, 0.0) for t in set(s_list) & own)
    score += sum((q.idf.get(a, 0.0) + q.idf.get(b, 0.0)) / 2 for a, b in set(zip(s_list, s_list[1:])) & pairs)
    return score


def gather(q: Question, hits: list[Hit], store: Store, w: AnswerSettings) -> list[Evidence]:
    """Every sentence of the hits' chunks as evidence, scored with the weights `w`, best first; each sentence
    once."""
    texts: dict[str, str] = {}
    release_spans: dict[str, list[tuple[int, int]]] = {}
    out: dict[tuple, Evidence] = {}
    subject = _standalone(q)
    months = dates.month_keys(q.text)
    for position, hit in enumerate(hits):
        if hit.release_id not in texts:
            texts[hit.release_id] = store.release_text(hit.release_id)
            # Bylines, datelines and readout introductions are never evidence (qa.text.boilerplate, marked at ingest).
            release_spans[hit.release_id] = boilerplate.content_sentences(texts[hit.release_id],
                                                                          store.boilerplate(hit.release_id))
        text, spans = texts[hit.release_id], release_spans[hit.release_id]
        # The words of its date, and of the period it reports that the question asks through ("through March of
        # fiscal 2011"), pick the release, never a line of it.
        named = set(analyze.date_terms(hit.date)) | q.reported_period(text)
        # A release that holds more of the question (its "Brussels", its "NATO") is likelier the one asked about.
        held = set(analyze.terms(text)) | set(analyze.terms(hit.title)) | named
        held_share = q.weight(held) / q.total_weight
        title_terms = set(analyze.terms(hit.title))
        decay = (1 - w.release_share + w.release_share * held_share) / (1 + w.rank_decay * position)
        # The month the question names, as the release's date ("the June 2023 package") or as the end of the
        # period it reports ("accessions thru july 2011": "... goals through July", released in August).
        if hit.date[:7] in months or q.reports_period(text):
            decay *= w.month_factor
        hit_end = _list_end(text, spans, hit.start, hit.end)
        for i, (start, end) in enumerate(spans):
            if start < hit.start or end > hit_end:
                continue
            sentence = text[start:end]
            # The release's title speaks for each of its sentences a little ("Hicks" of "Remarks by Kathleen
            # Hicks", whom her own remarks never name).
            score = sentence_score(q, sentence, named) + w.title_share * q.weight(title_terms - set(
                analyze.terms(sentence)))
            if score <= 0:
                continue
            if subject and not subject & _named_alone(sentence):
                score *= w.missing_subject  # "All four active services ..." for "how many did the Army record"
            chosen = [(start, end)]
            short = lift(q, sentence)
            if short is not None:
                # A value of the kind asked, or the phrase that fills the act asked ("The two leaders discussed X").
                score *= w.type_factor
            if short is not None and not q.asks_phrase:
                if q.kind is AnswerType.COUNT and (set(analyze.terms(short.text)) & q.term_set or any(
                        counts_kind(q, w) for w in re.findall(r"[A-Za-z]+", short.text))):
                    score *= w.bound_factor  # a count of the very thing asked about: "50,290 accessions"
                if q.shortfall:
                    score *= w.bound_factor  # the item the arithmetic finds under its goal, as asked
                if q.act is not None and any(short.start <= a < short.end for a, _ in roles.fillers(sentence, q.act)):
                    # The name is the doer of the very act asked about ("who ordered": "Allen ... ordered"), not
                    # only a person near the question's words: as much likelier as a value of the kind asked.
                    score *= w.type_factor
                if q.asked_prep is not None and governed_by(q.asked_prep, sentence, short):
                    # "since what date": a value after that very preposition ("since July 7, 2003").
                    score *= w.type_factor
                if q.kind is AnswerType.MONEY and _CUMULATIVE.search(q.text) and _SINCE.search(sentence):
                    score *= w.cumulative_factor  # "cumulative figures": "has provided some $44.2 billion since"
                if i > 0 and _ANAPHOR.match(sentence) and _same_paragraph(text, spans[i - 1], (start, end)):
                    # "This includes ...": the sentence it refers back to names what it is about.
                    chosen = [spans[i - 1], (start, end)]
            elif short is None and not (hit.date and _tells_its_day(q, sentence)):
                for j in (i + 1, i - 1, i + 2, i + 3):
                    if not 0 <= j < len(spans):
                        continue
                    s2, e2 = spans[j]
                    later = text[s2:e2] if j > i else sentence
                    # The previous sentence counts only when referred back to; later ones of the same paragraph
                    # (a contract's completion date), or the one after next when it refers back.
                    if j == i - 1 and not _REFERS_BACK.match(later):
                        continue
                    # The next one counts within its paragraph, or when it refers back: a new paragraph that does
                    # not is about something else ("a sailor ... in the Red Sea" after "Task Force 1-28 Infantry is
                    # deployed ...").
                    if j == i + 1 and not (_same_paragraph(text, (start, end), (s2, e2)) or _REFERS_BACK.match(later)):
                        continue
                    if j > i + 1 and not (_same_paragraph(text, (start, end), (s2, e2))
                                          or (j == i + 2 and _REFERS_BACK.match(later))):
                        continue
                    joined = sorted([(start, end), (s2, e2)])
                    if lift(q, text[s2:e2]) is not None and lift(q, " ".join(text[a:b] for a, b in joined)):
                        score *= w.type_factor * w.neighbour_share
                        chosen = joined
                        break
            score *= decay
            ev = Evidence(release_id=hit.release_id, title=hit.title, date=hit.date, source=hit.source,
                          release_text=text, spans=chosen, chunk_ids=[hit.chunk_id], score=score)
            ev.short = lift(q, ev.text)
            if ev.key not in out or out[ev.key].score < score:
                out[ev.key] = ev
    return sorted(out.values(), key=lambda e: -e.score)
