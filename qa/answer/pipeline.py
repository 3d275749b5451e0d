"""A question in, a short cited answer out: rewrite → retrieve → cover → candidates → choose → verify → present.

The answer is the value asked for, lifted out of the best evidence (or the
model's words, when the verifier accepts them), then the evidence sentences
with citations. Support says how far the evidence answers: a partial answer
is printed as the closest the releases come, never as a plain answer.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from qa.answer import (
    attribution,
    compare,
    confidence,
    conflicts,
    coverage,
    declines,
    full_name,
    parts,
    positions,
    sentence_support,
)
from qa.answer import candidates as cands
from qa.answer.candidates import Evidence
from qa.answer.followup import Context, context
from qa.answer.lift import (
    TIME_LABELS,
    Span,
    counts_another,
    counts_time,
    days_back,
    holds_role,
    is_today,
    lift,
    listed,
    names_given,
    person_for_place_or_body,
    plural_focus,
    titled,
    values,
)
from qa.answer.question import CODE_WORDS, Question, analyse
from qa.answer.verify import (
    act_elsewhere,
    another_time,
    check_model,
    missing,
    off_kind,
    release_terms,
    support,
    surface,
    unsaid,
)
from qa.index import spelling
from qa.index.bm25 import bm25_idf
from qa.index.conversation import Turn, prior_messages
from qa.index.search import Searcher
from qa.index.store import Store
from qa.llm import prompting
from qa.llm.client import ModelClient, ModelError, Usage
from qa.models import Hit
from qa.schemas import Answer, Citation, Correction, answer_schema
from qa.settings import Settings
from qa.text import analyze, casing, cause, coordination, grounding, reader, roles, spans, tense
from qa.text.answer_type import MONTH_TERMS, AnswerType

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan

DECLINE = "The releases do not say"
# Key words of a follow-up missing from a release that make the follow-up about something else (dev: "who
# introduced hicks before her replicator remarks?" after the 52nd drawdown misses three; "how many years does it
# cover?" after the Teodoro roadmap, one).
NEW_SUBJECT = 2
PARTIAL = "The closest the releases come"
# Sentences of the same release cited after a partial answer's own, in their ranked order.
MORE_EVIDENCE = 2
# Why a lifted value is partial when the confidence model doubts it: it is shown first all the same.
HEDGED = "read off the sentence below, which may not say exactly what was asked"
# Why an answer that is a whole sentence is partial: no value in it was checked against the question.
WHOLE_SENTENCE = "the sentence below is the closest the releases come; no single value in it answers the question"
# The recogniser's labels of what may answer a question of each kind: "who" may be a body ("who confirmed her":
# the Senate), a place by its people ("French Minister"), a number as an amount or a span of time ("how long":
# a 38-year career).
_HOLDS = {AnswerType.PERSON: {"PERSON", "ORG"}, AnswerType.PLACE: spans.PLACE_LABELS | {"NORP"},
          AnswerType.DATE: {"DATE", "TIME"}, AnswerType.MONEY: {"MONEY", "CARDINAL"},
          AnswerType.PERCENT: {"PERCENT", "CARDINAL"}, AnswerType.ORDINAL: {"ORDINAL"},
          AnswerType.COUNT: {"CARDINAL", "QUANTITY", "MONEY", "PERCENT", "DATE", "TIME"}}
# What a question of each kind asks for, as a decline says it.
_KIND_SAID = {AnswerType.MONEY: "amount", AnswerType.PERCENT: "percentage", AnswerType.COUNT: "number",
              AnswerType.ORDINAL: "ordinal", AnswerType.DATE: "date", AnswerType.PERSON: "person",
              AnswerType.PLACE: "place"}


@dataclass
class Outcome:
    """One question's (or one part's) result before presentation."""

    question: Question
    evidence: list[Evidence] = field(default_factory=list)
    answer: str = ""
    support: str = "none"
    reason: str = ""
    declined: bool = False
    hits: list[Hit] = field(default_factory=list)
    candidates: list[Evidence] = field(default_factory=list)
    features: confidence.Features | None = None  # of a lifted answer found full before calibration
    conflict: bool = False  # the evidence is two releases giving different values (qa.answer.conflicts)
    hedged: bool = False  # a lifted value the confidence model is not sure of: shown first, as partial


@dataclass
class Retrieval:
    """One question's search: the question, as rewritten for search, its corrections, and each part's hits.

    A follow-up is searched with the earlier subject's words (`parts`), and also in the earlier release alone
    (`earlier`) and without the earlier words (`alone`), for when it turns out to be about something else."""

    question: str
    searched: str
    corrections: list[Correction]
    parts: list[tuple[str, list[Hit]]]
    followup: Context | None = None
    earlier: list[tuple[str, list[Hit]]] = field(default_factory=list)
    alone: list[tuple[str, list[Hit]]] = field(default_factory=list)
    whole: list[tuple[str, list[Hit]]] = field(default_factory=list)  # the unsplit question's, when it has parts

    @property
    def hits(self) -> list[Hit]:
        """Every part's hits, each chunk once."""
        seen: dict[str, Hit] = {}
        for _, hits in self.earlier + self.parts + self.alone + self.whole:
            for h in hits:
                seen.setdefault(h.chunk_id, h)
        return list(seen.values())


class Answerer:
    """Answers questions from one index; the model is reached only when the mode says it may add something."""

    def __init__(self, store: Store, settings: Settings, client: Callable[[], ModelClient],
                 searcher: Searcher | None = None) -> None:
        self.store = store
        self.settings = settings
        # The service passes its searcher over the one shared index; alone, the answerer builds its own.
        self.searcher = searcher or Searcher(store, settings.search)
        self._client_factory = client
        self._client: ModelClient | None = None
        self.prompt = prompting.load("answer")

    @property
    def client(self) -> ModelClient:
        if self._client is None:
            self._client = self._client_factory()
        return self._client

    def uses_model(self) -> bool:
        """extractive: never; model: always; auto: unless the model's recorded eval shows it adds nothing."""
        from qa.llm.model_value import wanted

        return wanted(self.settings.answer.mode, self.settings.model.model, self.settings.answer.reports)

    def ask(self, question: str, history: list[Turn] | None = None) -> Answer:
        """The answer to `question`; with `history` (the conversation's earlier turns, oldest first), a question
        that names no subject of its own is read as a follow-up of them (qa.answer.followup)."""
        return self.answer(self.retrieve(question, history))

    def retrieve(self, question: str, history: list[Turn] | None = None) -> Retrieval:
        """The search an answer stands on, done once: the service streams these hits before the answer."""
        question = " ".join(question.split())
        searched, corrections, found = self._search(question)
        followup = context(question, history or [])
        if followup is None:
            whole = [(searched, self.searcher.search(searched, self.settings.search.k))] if len(found) > 1 else []
            return Retrieval(question, searched, corrections, found, whole=whole)
        with_earlier, _, carried = self._search(followup.query(question))
        earlier = [(p, self._within(p, followup.releases)) for p, _ in carried] if followup.releases else []
        return Retrieval(question, with_earlier, corrections, carried, followup, earlier, alone=found)

    def _search(self, question: str) -> tuple[str, list[Correction], list[tuple[str, list[Hit]]]]:
        """The question as rewritten for search, its corrections, and each part's hits."""
        rewrite = spelling.rewrite(question, self.store, self.settings.answer)
        corrections = [Correction(wrote=w, searched=s) for w, s in rewrite.corrections]
        k = self.settings.search.k
        found = [(p, self.searcher.search(p, k)) for p in _parts(rewrite.question)]
        # Initials no release writes ("cjcs") are looked for again by the long form the releases found spell.
        releases = dict.fromkeys(h.release_id for _, hits in found for h in hits)
        searched = spelling.initials_spelt(rewrite.question, self.store,
                                           lambda: [self.store.release_text(r) for r in releases])
        if searched != rewrite.question:
            found = [(p, self.searcher.search(p, k)) for p in _parts(searched)]
        return searched, corrections, found

    def _within(self, text: str, releases: dict[str, str]) -> list[Hit]:
        """The best chunks of these releases only: the source narrows the search, the id decides."""
        k = self.settings.search.k
        found = [h for rid, source in releases.items()
                 for h in self.searcher.search(text, k if source else k * 10, source=source or None)
                 if h.release_id == rid]
        return sorted(found, key=lambda h: -h.score)[:k]

    def answer(self, retrieval: Retrieval) -> Answer:
        """The answer over what `retrieve` found.

        A follow-up is answered from the earlier release when that release fully answers it and holds the
        follow-up's own words; else from the whole search with the earlier subject's words, which may move to
        another release; and when that declines, or stands on a release without the follow-up's own words (it
        was about something else), as a question of its own."""
        question, searched, corrections = retrieval.question, retrieval.searched, retrieval.corrections
        turns = retrieval.followup.turns if retrieval.followup else []
        outcomes = [self.evidence(p, hits) for p, hits in retrieval.earlier]
        if not outcomes or not self._answers_own(question, outcomes, full=True):
            outcomes = [self.evidence(p, hits) for p, hits in retrieval.parts]
            if retrieval.alone and not self._answers_own(question, outcomes, full=False):
                outcomes, turns = [self.evidence(p, hits) for p, hits in retrieval.alone], []
            elif retrieval.whole and not _one_each(retrieval.searched, outcomes) and (
                    not _apart(outcomes) or self._together(outcomes, *retrieval.whole[0])):
                # Parts the releases do not answer apart ("Austin and Umerov" met in one release), or names one
                # release gives together ("what did austin and marles talk about": their meeting): one question.
                outcomes = [self.evidence(p, hits) for p, hits in retrieval.whole]
        declined = next((o for o in outcomes if o.declined), None)
        if declined is not None:
            return Answer(question=question, answered=False, answer=f"{DECLINE}: {declined.reason}.",
                          support="none", mode="declined", verified=True, reason=declined.reason,
                          corrections=corrections, prompt=self.prompt.tag)
        outcomes = [_renamed(o, corrections) for o in outcomes]
        several = parts.wants_several(searched) if len(outcomes) == 1 else 0
        if several:
            outcomes = [_from_releases(outcomes[0], several)]
        answer = self._extractive(outcomes, question, corrections)
        if self.uses_model() and not answer.conflict:  # a model would pick one value of two: never settle it
            # Named whatever came of it: usage names only a model that replied, and one that failed is worth naming.
            answer = self._with_model(outcomes, answer, turns).model_copy(update={"model": self.settings.model.model})
        if answer.mode == "extractive" and len(outcomes) == 2 and coordination.compares(question) is not None:
            # Worked out from the two values shown; a model's own wording of them is left as it is.
            answer = compare.computed(answer, outcomes[0].evidence, outcomes[1].evidence)
        return answer

    # --- stages -------------------------------------------------------------------------------------------------

    def _together(self, parts: list[Outcome], text: str, hits: list[Hit]) -> bool:
        """Whether the parts differ only by the things they name ("what did austin talk about", "what did marles
        talk about"), and a release among the first the whole question finds gives all of those: one event, not
        one per name. Parts that are clauses of their own ("who swore in hegseth", "who greeted him") stay apart."""
        if len(parts) != 2:
            return False
        named = coordination.conjuncts(parts[0].question.text, parts[1].question.text)
        if named is None or all(MONTH_TERMS & set(analyze.terms(words)) for words in named):
            return False  # two times are two events, whichever release names both months
        q, _ = self._question(text)
        wanted = [t for words in named for t in analyze.terms(words)]
        releases = [set(analyze.terms(self.store.release_text(h.release_id))) for h in hits[:_TOGETHER_HITS]]
        return bool(wanted) and any(all(q.holds(t, held) for t in wanted) for held in releases)


    def _question(self, text: str, named: frozenset[str] = frozenset()) -> tuple[Question, dict[str, float]]:
        """The question analysed, and the index's idf of its terms."""
        idf = self.searcher.idf(text)
        # A word of which no release holds any form weighs as the rarest word there is: "golden dome" typed in
        # lower case is the question's subject, and its absence is the strongest sign the releases do not answer.
        rarest = bm25_idf(1, max(1, self.searcher.index.n_docs))
        absent = {t for w in spelling.unheard(re.findall(r"[A-Za-z]+", text), self.store) for t in analyze.terms(w)}
        weights = {t: (rarest if w == 0 and t in absent else w) for t, w in idf.items()}
        # Written otherwise in the releases ("FY2014" for "fiscal year 2014"): not unheard of.
        reworded = {t for surface, _ in spelling.alternatives(text)[1] + spelling.reader_forms(text)
                    for t in analyze.terms(surface)}
        return analyse(text, weights, self.settings.answer.common_words, frozenset(absent), frozenset(reworded),
                       asked=spelling.alternatives(text)[0], named=named), idf

    def _sure_of(self, q: Question, answer: str, cited: Evidence, outcome: Outcome) -> bool:
        """Whether the model's answer may be printed as full where the extractive answer lifted a value: it is that
        value, or the confidence model would print it as full had it been lifted from the sentence it stands in,
        among the same candidates (the bar every extractive answer meets)."""
        lifted_here = [e.short for e in outcome.evidence if e.short is not None]
        if not lifted_here:
            return True  # nothing to weigh it against: the checks above (kind, the question's words) stand alone
        said = set(analyze.terms(answer)) - q.term_set
        for s in lifted_here:
            claims = grounding.check(answer, [s.text])
            if said & set(analyze.terms(s.text)) or (claims.claims and not claims.ungrounded):
                return True  # the value the extractive answer lifted too, in any form: two readings agree
        value = _value_in(answer, cited)
        if value is None:
            return False
        ranked = next((e for e in outcome.candidates if e.key == cited.key), cited)
        lifted = Evidence(release_id=ranked.release_id, title=ranked.title, date=ranked.date, source=ranked.source,
                          release_text=ranked.release_text, spans=ranked.spans, chunk_ids=ranked.chunk_ids,
                          score=ranked.score, short=value)
        return confidence.sure(confidence.features(q, lifted, outcome.candidates, len(values(q, cited.text))))

    def _answers_own(self, question: str, outcomes: list[Outcome], full: bool) -> bool:
        """Whether the outcomes answer a follow-up (`full`: fully) from releases that hold its own subject: the
        earlier subject's words, searched along, must not make a release look like the one asked about. A
        subject of its own is more than one key word, most of its key weight, that those releases lack ("hicks
        ... replicator remarks"); one ("how many years does it cover?") is a word the release puts otherwise."""
        # A value the confidence model doubts (hedged) still stands on the release as a full answer would.
        if any(o.declined or (full and o.support != "full" and not o.hedged) for o in outcomes):
            return False
        # Every key word counts here, not only the subject's: "her replicator remarks" is about something else.
        gone, share = missing(self._question(question)[0], [e for o in outcomes for e in o.evidence],
                              subject_only=False)
        return len(gone) < NEW_SUBJECT or share < self.settings.answer.partial_missing

    def evidence(self, text: str, hits: list[Hit]) -> Outcome:
        """Check coverage of one question's hits, and rank its candidate evidence."""
        # A name typed in lower case ("carter") is a name still where the releases found write it as one.
        texts = [self.store.release_text(r) for r in dict.fromkeys(h.release_id for h in hits)]
        named = frozenset(t for w in casing.lower_case_names(text, texts) for t in analyze.terms(w))
        outcome = self._evidence(text, hits, named)
        q = outcome.question
        if outcome.support != "full" and q.role and q.kind is AnswerType.PERSON and not q.identity and \
                (held := attribution.holding(q.role, q.idf, hits, self.store)) is not None and \
                not _tied_since(outcome, "" if tense.asks_past(text) else held.date):
            # "who is the pentagon press secretary": no sentence ties a person to the role, yet a readout line does
            # ("Pentagon Press Secretary John Kirby provided the following readout:"), as of its release's date.
            # A sentence that does ("... Press Secretary Kingsley Wilson said") answers, from a release as new
            # when the question asks who holds it now, from any when it asks who held it ("who was ...").
            return Outcome(q, evidence=[held], answer=_shown(held), support="partial", hits=hits, candidates=[held],
                           hedged=True, reason=f"as the release of {_when(held.date) if held.date else 'no date'} "
                           "gives it")
        return outcome

    def _evidence(self, text: str, hits: list[Hit], named: frozenset[str] = frozenset()) -> Outcome:
        q, idf = self._question(text, named)
        if attribution.asks_credit(text) and (credit := attribution.credited(
                text, hits, self.store, lambda h: declines.names_missing(q, h, self.store))) is not None:
            return Outcome(q, evidence=[credit], answer=_shown(credit), support="full", hits=hits,
                           candidates=[credit])
        reason = coverage.uncovered(text, hits, idf, frame=q.frame_numbers)
        if reason:
            return Outcome(q, declined=True, reason=reason)
        found = cands.gather(q, hits, self.store, self.settings.answer)
        if not found:
            return Outcome(q, declined=True, reason="no retrieved sentence shares the question's words")
        best = found[0]
        settings = self.settings.answer
        if best.short is not None and plural_focus(q) and not listed(best.short.text):
            # "which countries helped reach the deal": one country is not what a plural asks for; a sentence of
            # the same release that lists them ("Israel, Qatar and Egypt") answers, as a value of another
            # sentence of the release does when the best has none.
            listing = _in_release(found, best, lambda e: listed(e.short.text))
            if listing is not None and listing.score >= settings.same_release * best.score:
                best = listing
        if best.short is not None and _not_asked(q, best):
            # "two services" for "how many soldiers": a sentence of the same release whose value is of the thing
            # asked ("65,000 soldiers") answers, as one does when the best sentence holds no value at all.
            fitting = _in_release(found, best, lambda e: not _not_asked(q, e))
            if fitting is not None and fitting.score >= settings.same_release * best.score:
                best = fitting
        if best.short is not None and q.act is not None and not _acts(q, best):
            # "who founded the conference": the best sentence names the conference and someone who met there; a
            # sentence of the same release whose name did the act asked ("founded in 1995 by ... Perry") answers.
            acting = _in_release(found, best, lambda e: _acts(q, e))
            if acting is not None:
                best = acting
        # "when did Austin call Umerov": a dated release's "Today, ... telephoned ... Umerov" tells the day, and
        # counts as a sentence holding a date would. Chosen here, after the candidates are ranked, so the
        # sentences offered to a model are the same as before.
        today = next(((e, span) for e in found if e.short is None and e.date
                      and (span := lift(q, e.text, dated=True)) is not None), None)
        if today is not None and today[0].score * settings.type_factor > best.score:
            best = today[0]
            best.short = today[1]
        if best.short is None and (q.kind is not AnswerType.OTHER or q.focus in CODE_WORDS or positions.asked(q)):
            # The value may stand in another sentence of the same release ("committed more than $43.7 billion"),
            # a contract's number in the line naming its contracting activity.
            alt = next((e for e in found if e.release_id == best.release_id and e.short is not None), None)
            if alt is not None and alt.score >= settings.same_release * best.score:
                best = alt
        if best.short is None or (q.kind is AnswerType.OTHER and q.focus is None):
            # Nothing of the kind asked, or nothing to look for but the question's words: decline when the
            # release lacks too many of them ("what did Austin say about golden dome").
            gone, share = missing(q, [best])
            # A lower-ranked sentence whose release holds the question's words is the closer one: for "hegseth
            # brussels nato", Hegseth's Brussels remarks, not Austin's statement from Brussels.
            # Never one whose release lacks a name the question gives and the first one's holds ("mansur").
            named = q.names & release_terms(best)
            closer = next((e for e in found[1:] if missing(q, [e])[1] < settings.decline_missing
                           and named <= release_terms(e)), None)
            if gone and share >= settings.decline_missing and closer is not None:
                best = closer
                gone, share = missing(q, [best])
            if gone and share >= settings.decline_missing:
                return Outcome(q, declined=True, reason=declines.unsaid_said(
                    q, gone, found, "the release of the closest sentence found does not mention",
                    "the releases do not mention"))
        # A name the question gives ("hagel", "iraq") that the best release lacks and another candidate's release
        # holds: that one is about what was asked (each release read once).
        lacks: dict[str, list[str]] = {}  # what each candidate's release lacks of the question's names
        if lacking := declines.lacking(q, best):
            for e in found:
                if e.release_id not in lacks:
                    lacks[e.release_id] = declines.lacking(q, e)
                if not lacks[e.release_id]:
                    best, lacking = e, []
                    break
        level, why = support(q, [best], best.short is not None, settings.partial_missing,
                             best.short.text if best.short else None)
        features = None
        if level == "full" and best.short is not None and not is_today(best.short):
            features = confidence.features(q, best, found, len(values(q, best.text)))
            if settings.calibrated and not confidence.sure(features):
                level, why = "partial", HEDGED
            elif q.asks_phrase:
                # The phrase a verb's role gives is read as the reader's spans are: the confidence model was
                # fitted on values of a kind. On squad-train one printed full answered a planted question.
                level, why = "partial", HEDGED
            elif (elsewhere := another_time(q, [best])) is not None:
                # "where did they meet in August 2017" from the October meeting's sentence; "since when had maciel
                # served" from "died July 7": the value of the kind asked, shown first, as partial.
                level, why = "partial", elsewhere
            elif q.act is not None and q.kind is AnswerType.PERSON and (act := act_elsewhere(q, [best])) is not None:
                # "whom did dail succeed" of "Rumsfeld announced ... nominated Dail ... as director": a person of a
                # sentence that never says the act asked did another.
                level, why = "partial", f"the sentence does not say “{act}”: the person named may have done another act"
        if level == "full" and best.short is not None and is_today(best.short) \
                and (elsewhere := another_time(q, [best])) is not None:
            level, why = "partial", elsewhere  # "announced today" for "when did panetta sign the memo"
        if q.asks_cause and not any(cause.gives_cause(e.text) for e in [best, *cands.introduced(best, found)]):
            # "what killed lcpl march" of "died Sept. 24 while conducting combat operations": the event, not why.
            return Outcome(q, declined=True, reason="the closest sentence found says no reason or cause",
                           hits=hits, candidates=found)
        if level != "full":
            # A name the question is about ("norway", typed in lower case) that the release never gives, or a
            # word no release holds in any form ("f16s"): the closest sentence is about something else.
            if lacking:
                return Outcome(q, declined=True, reason=declines.lacking_said(q, lacking, list(lacks.values())),
                               hits=hits, candidates=found)
            # The closest sentence, without most of what the question is about, answers nothing: say so.
            # A sentence that ends in a colon is about what follows it: "Secretary of Defense Jim Mattis announced
            # ... the following nomination:" is read with the nomination, and the other way round.
            # Where no value was lifted and none of a kind is asked for, the question's own verbs count too (a
            # sentence holding a value of the kind asked is shown, however the lifter missed it).
            gone, share = unsaid(q, [best, *cands.introduced(best, found)],
                                 acts=best.short is None and q.kind not in _HOLDS)
            # A question typed in haste is in the reader's own words ("msg", "hq", "conf"), which the releases'
            # sentences lack more often than a formal question's; the two bars are fitted apart.
            if share >= (settings.decline_unsaid_typed if q.typed else settings.decline_unsaid):
                return Outcome(q, declined=True, reason=declines.unsaid_said(q, gone, found), hits=hits,
                               candidates=found)
        planned = level == "full" and best.short is not None and is_today(best.short) and days_back(best.short) < 0
        if planned:
            # "Tomorrow morning, Chuck Hagel will be sworn in": the day the release planned, not one it saw; the
            # day is still the answer a reader looks for.
            level, why = "partial", f"the release of {_when(best.date)} gives it as the next day's plan"
        if level == "full" and lacking:
            # No candidate's release names all the question gives: the best one is not about what was asked, and
            # its value is at most the closest the releases come.
            level, why = "partial", "its release does not name " + ", ".join(f"“{surface(q, t)}”" for t in lacking[:3])
        if level == "full" and not best.held_together:
            # A value from a sentence of another paragraph, joined to the one that matches the question ("a sailor
            # ... in Jordan" after "Task Force 1-28 Infantry is deployed ..."): what it is about is not certain.
            level, why = "partial", "the value stands in another paragraph than the sentence that matches the question"
        if level == "full" and best.value_apart(set(q.names)):
            # In one paragraph too, a sentence of its own that never names what the question does may be about
            # something else ("About 300 personnel ..." after "... deploy to Poland", before "They'll go to Germany").
            level, why = "partial", "the value stands in a sentence that does not name " + ", ".join(
                f"“{surface(q, t)}”" for t in sorted(q.names)[:3])
        if level == "full" and best.short is None and settings.calibrated:
            # A whole sentence is no value checked against the question: on the train split, 8 of 20 sentences
            # printed as full did not answer it, and none of 53 lifted values the confidence model passed. It is
            # shown as the closest the releases come (the declines above are for sentences found wanting).
            level, why = "partial", WHOLE_SENTENCE
        read = False
        if best.short is None and level != "full" and settings.read_spans:
            # No value of a kind the lexicon knows: the trained reader may still find the phrase that answers
            # ("Catholic" for "what religion were the Normans"), shown first as partial, with its sentence.
            span = reader.read(q.written, best.text)
            if span is not None and span.probability >= reader.threshold():
                # The reader's phrase, grown as a lifted name is: "Kings Bay" with its ", Georgia".
                start, end = spans.complete(best.text, span.start, span.end)
                # Never a name the question gives ("J. Austin III" for "who is the UK secretary Austin met").
                # Nor, for "who is russia's defense minister", someone the text does not tie to that role.
                # Nor a person for "which bolivian city": the recogniser's label against the kind WordNet gives X.
                if not names_given(q, best.text[start:end]) and holds_role(q, best.text, start, end) \
                        and not person_for_place_or_body(q, best.text, start, end):
                    best.short, read, why = Span(best.text[start:end], start, end), True, HEDGED
        if best.short is None and level != "full" and settings.decline_valueless and q.kind in _HOLDS and \
                not any(e.label_ in _HOLDS[q.kind] and not names_given(q, e.text) and not _titles_given(q, e) and (
                    q.kind is not AnswerType.COUNT or e.label_ not in TIME_LABELS or counts_time(q))
                    and not counts_another(q, best.text, Span(e.text, e.start_char, e.end_char))
                        for e in spans.parse(best.text).ents):
            # A value of a kind was asked ("how many", "who", "when") and the closest sentence holds nothing the
            # recogniser reads as one besides what the question names (nor a count of what is asked: "ten projects"
            # for "how many applications"), nor does the reader find one: it is about something near, not the answer.
            return Outcome(q, declined=True, reason=f"no sentence found gives the {_KIND_SAID[q.kind]} asked for",
                           hits=hits, candidates=found)
        if best.short is None and level != "full" and settings.decline_sentences and \
                sentence_support.declines(sentence_support.features(q, best, found)):
            # A sentence shown whole is the closest the releases come; the model fitted on train questions (ours and
            # reading-comprehension ones) finds this one likelier about something near than the answer.
            gone, _ = unsaid(q, [best, *cands.introduced(best, found)])
            return Outcome(q, declined=True, hits=hits, candidates=found, reason=declines.unsaid_said(
                q, gone, found) if gone else "the closest sentence found does not say what was asked")
        other = conflicts.rival(q, best, found, settings.conflict_share, settings.conflict_score)
        if other is not None and not conflicts.stated(q, best, settings.conflict_share):
            level, why = "partial", f"another release gives another value: {_shown(other)} in “{other.title}”"
            other = None
        if other is not None:
            pair = conflicts.official_first([best, other], settings.trusted_sources)
            return Outcome(q, evidence=pair, answer=_shown(pair[0]), support="partial", hits=hits, candidates=found,
                           conflict=True, reason="the releases give different values: "
                           + "; ".join(f"{_shown(e)} in “{e.title}”" for e in pair))
        if q.kind is AnswerType.PERSON and best.short is not None and not is_today(best.short):
            # "Takano" by the whole name its release gives ("Mitsuhiro Takano"), never one the question gives.
            whole = full_name.in_full(best)
            best = best if whole.short is None or names_given(q, whole.short.text) else whole
        return Outcome(q, evidence=[best], answer=_shown(best), support=level, reason=why, hits=hits,
                       candidates=found, features=features,
                       hedged=level != "full" and (features is not None or read or planned))

    def _extractive(self, outcomes: list[Outcome], question: str, corrections: list[Correction]) -> Answer:
        evidence = [e for o in outcomes for e in o.evidence]
        full = all(o.support == "full" for o in outcomes)
        reasons = [o.reason for o in outcomes if o.reason]
        if full and len(outcomes) > 1 and len({(e.key, _shown(e)) for e in evidence}) < len(evidence):
            # Two parts of the question ("how many people ..., and how many of them were Americans") answered by
            # the same value of the same sentence: it is one part's answer, and the other part is not answered.
            full = False
            reasons.append("two parts of the question got the same value; one of them may not be answered")
        if len(outcomes) == 1 and len(evidence) == 1:
            o = outcomes[0]
            # A value the confidence model doubts is still the answer a reader looks for, printed as partial with
            # its sentence; with no value of the kind asked, the sentence is all there is.
            text = o.answer if full or o.hedged else o.evidence[0].text
        else:
            # One claim per value, with the dates of the releases that give it: three soldiers of one division name
            # it once, with each release's date.
            said: dict[str, list[str]] = {}
            for e in evidence:
                said.setdefault(_shown(e), []).append(_when(e.date) if e.date and not is_today(e.short) else "")
            text = "; ".join(value + (f" ({'; '.join(dict.fromkeys(d for d in days if d))})" if any(days) else "")
                             for value, days in said.items())
        conflict = any(o.conflict for o in outcomes)
        if conflict:
            text = "; ".join(f"{_shown(e)} ({_when(e.date) if e.date else 'undated'}, {_origin(e.source)})"
                             for e in evidence)
        shown = evidence
        if not full and not conflict and len(outcomes) == 1:
            # "The closest the releases come": the reader judges from the release's next best sentences too, as
            # they would from reading around the one quoted (never another release's: those answer nothing here).
            shown = list(evidence)
            quoted = {span for x in evidence for span in x.spans}
            for e in outcomes[0].candidates:
                if len(shown) == len(evidence) + MORE_EVIDENCE:
                    break
                if e.release_id == evidence[0].release_id and not quoted & set(e.spans):  # no sentence twice
                    shown.append(e)
                    quoted |= set(e.spans)
        return Answer(question=question, answered=True, answer=text, support="full" if full else "partial",
                      mode="extractive", verified=True, evidence=_citations(shown, outcomes),
                      corrections=corrections, reason="; ".join(dict.fromkeys(reasons)),
                      prompt=self.prompt.tag, conflict=conflict)

    def _with_model(self, outcomes: list[Outcome], fallback: Answer, turns: list[Turn]) -> Answer:
        """One model call over the candidates; its answer replaces the extractive one only when verified.
        Each part of the question offers its evidence and its best candidates, an equal share of the options.
        A follow-up's earlier turns go before it as the conversation so far."""
        share = max(1, self.settings.answer.candidates // len(outcomes))
        options: list[Evidence] = []
        for o in outcomes:
            for e in (o.evidence + o.candidates)[: share + len(o.evidence)]:
                if all(e.key != x.key for x in options) and len([x for x in options if x in o.candidates]) <= share:
                    options.append(e)
        options = options[: max(self.settings.answer.candidates, len(outcomes))]
        by_option = {_option(e.text): e for e in options}
        schema = answer_schema(list(by_option))
        rendered = "\n\n".join(_render(i, e) for i, e in enumerate(by_option.values(), 1))
        messages = self.prompt.messages(passages=rendered, question=fallback.question)
        if turns:
            messages = messages[:1] + prior_messages(turns) + messages[1:]
        from qa.llm.local_model import LocalModelError  # here: a question the model is not asked never loads it

        usage: list[Usage] = []
        try:
            reply, usage = self.client.structured(messages, schema, name="answer", metadata={"prompt": self.prompt.tag})
        except (ModelError, LocalModelError) as err:
            # The answer does not depend on the model: without it, the extractive one stands.
            return fallback.model_copy(update={"ungrounded": [f"the model failed: {err}"]})
        q = outcomes[0].question if len(outcomes) == 1 else analyse(fallback.question, outcomes[0].question.idf,
                                                                 self.settings.answer.common_words)
        verdict = check_model(q, reply.answer, by_option.get(reply.quote), options)
        if not verdict.accepted:
            return fallback.model_copy(update={"usage": usage, "ungrounded": verdict.problems})
        if len(outcomes) == 1:
            level, why = support(q, verdict.cited, True, self.settings.answer.partial_missing,
                                 " ".join(reply.answer.split()))
            # The model's sentence must say as much of the question as the extractive answer's: a real value of a
            # sentence about something else is grounded, and no answer.
            if level == "full" and outcomes[0].evidence and \
                    unsaid(q, verdict.cited)[1] > unsaid(q, outcomes[0].evidence)[1] + 1e-9:
                level, why = "partial", "its sentence says less of the question than the closest one"
            elif level == "full" and (elsewhere := another_time(q, verdict.cited)) is not None:
                level, why = "partial", elsewhere
            elif level == "full" and self.settings.answer.calibrated and not self._sure_of(
                    q, " ".join(reply.answer.split()), verdict.cited[0], outcomes[0]):
                level, why = "partial", "the confidence model doubts it is what the question asks for"
        else:
            level = "full" if len({e.release_id for e in verdict.cited}) >= len(outcomes) else "partial"
            why = "" if level == "full" else "the answer stands on fewer releases than the question asks about"
        if level != "full":
            # The model's answer meets the extractive answer's bar or is not printed: a real value of a sentence
            # that does not answer the question is grounded, and wrong.
            return fallback.model_copy(update={"usage": usage, "ungrounded": [f"the model's answer: {why}"]})
        answer = " ".join(reply.answer.split())
        return fallback.model_copy(update={
            "answer": answer, "support": level, "mode": "model", "evidence": _citations(verdict.cited, outcomes),
            "usage": usage, "ungrounded": [], "reason": why})


def _renamed(outcome: Outcome, corrections: list[Correction]) -> Outcome:
    """At most partial when a word the reader wrote was searched as a name of the releases' ("ausmin" as
    "austin", "Komoto" as "Moto") and the question is about that name: the releases may not hold what was meant."""
    if outcome.support != "full":
        return outcome
    text = " ".join(e.text for e in outcome.evidence)
    # A British spelling or a texting shorthand ("Defence", "w") is the same word, not another name.
    renamed = next((c for c in corrections if c.wrote.lower() != c.searched.lower()
                    and spelling.american(c.wrote)[0] == c.wrote and spelling.textspeak(c.wrote)[0] == c.wrote
                    and (set(analyze.terms(c.searched)) & outcome.question.names
                         or casing.capitalised_each_time(c.searched, text))), None)
    if renamed is None:
        return outcome
    return replace(outcome, support="partial", hedged=True,
                   reason=f"“{renamed.wrote}” was searched as the name “{renamed.searched}”, which may not be meant")


def _titles_given(q: Question, entity: SpacySpan) -> bool:
    """Whether the entity is part of the title of a person the question names, by the parse ("Army" of "Army Lt.
    Gen. Thomas M. Carden Jr."): the service of the one asked about, no other body the answer could be."""
    return entity.root.dep_ == "compound" and any(
        a.ent_type_ == "PERSON" and names_given(q, next(e.text for e in a.doc.ents if e.start <= a.i < e.end))
        for a in entity.root.ancestors)


def _tied_since(outcome: Outcome, date: str) -> bool:
    """Whether the outcome's value is a name its sentence ties to the role the question asks for, in a release
    dated `date` or later."""
    best = outcome.evidence[0] if outcome.evidence else None
    return best is not None and best.short is not None and (best.date or "") >= (date or "") and \
        holds_role(outcome.question, best.text, best.short.start, best.short.end)


# How many of the whole question's first hits may show that its names go together.
_TOGETHER_HITS = 3


def _one_each(question: str, outcomes: list[Outcome]) -> bool:
    """Whether the parts want a value each even from one release: they ask for different kinds ("On what date did
    Grater die, and in which city?"), or the question says so ("How many did the Navy Reserve and the Air Force
    Reserve each recruit", "... respectively", "how many soldiers and how many marines")."""
    if any(o.declined for o in outcomes):
        return False
    kinds = {o.question.kind for o in outcomes}
    return len(kinds) > 1 or _EACH.search(question) is not None \
        or coordination.asks_each(spelling.alternatives(question)[0])


_EACH = re.compile(r"\b(?:each|respectively)\b", re.IGNORECASE)


def _apart(outcomes: list[Outcome]) -> bool:
    """Whether each part of a question is answered, each from a release of its own."""
    releases = [{e.release_id for e in o.evidence} for o in outcomes]
    return all(not o.declined and o.evidence for o in outcomes) and all(
        not (a & b) for i, a in enumerate(releases) for b in releases[i + 1:])


def _value_in(answer: str, ev: Evidence) -> Span | None:
    """Where the model's answer (or its first figure, date or name) stands in the evidence's text."""
    at = ev.text.find(answer)
    if at >= 0:
        return Span(answer, at, at + len(answer))
    for _, value, _, _ in grounding.claims(answer):
        at = ev.text.find(value)
        if at >= 0:
            return Span(value, at, at + len(value))
    return None


def _from_releases(outcome: Outcome, n: int) -> Outcome:
    """The best evidence of each of `n` releases, for "which two officials ..."."""
    chosen: list[Evidence] = []
    q = outcome.question
    # Of each release, its best evidence holding a value; for people, one whose title the question gives.
    ranked = sorted(outcome.candidates, key=lambda e: (q.kind is AnswerType.PERSON and e.short is not None
                                                       and titled(q, e.text, e.short) == 0, -e.score))
    for e in ranked:
        if e.short is not None and all(e.release_id != c.release_id for c in chosen):
            chosen.append(e)
        if len(chosen) == n:
            break
    if len(chosen) < n:
        return outcome
    return Outcome(outcome.question, evidence=chosen, answer=outcome.answer, support=outcome.support,
                   reason=outcome.reason, hits=outcome.hits, candidates=outcome.candidates)


_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


def _shown(e: Evidence) -> str:
    """The evidence's lifted answer as printed (a "today" as its release's date), else its sentences."""
    if e.short is None:
        return e.text
    return _when(e.date, days_back(e.short)) if is_today(e.short) else e.short.text


def _when(iso: str, back: int = 0) -> str:
    """A release date as the releases write dates: "Sept. 11, 2023"; `back` days before it."""
    try:
        day = datetime.date.fromisoformat(iso) - datetime.timedelta(days=back)
    except ValueError:
        return iso
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def _origin(source: str) -> str:
    """Where a release comes from, as a reader names it: the site's host, else the file's name."""
    host = urlparse(source).hostname
    return host.removeprefix("www.") if host else (source.rsplit("/", 1)[-1] or "unknown source")


def _option(sentence: str) -> str:
    """A sentence as a schema choice: the local server's grammar builder breaks on a straight
    double quote or a backslash inside a choice (and the server then dies), so those are replaced."""
    return " ".join(sentence.replace('"', "'").replace("\\", "/").split())


def _render(n: int, e: Evidence) -> str:
    head = " | ".join(p for p in (f"PASSAGE {n}", e.title, e.date) if p)
    return f"<<<{head}\n{_option(e.text)}\nEND>>>"


def _citations(evidence: list[Evidence], outcomes: list[Outcome]) -> list[Citation]:
    """One citation per evidence sentence, numbered in order, each with the chunk that holds it."""
    hits = [h for o in outcomes for h in o.hits]
    out: list[Citation] = []
    for e in evidence:
        for start, end in e.spans:
            chunk_id = next((h.chunk_id for h in hits if h.release_id == e.release_id and h.start <= start < h.end),
                            e.chunk_ids[0])
            out.append(Citation(n=len(out) + 1, chunk_id=chunk_id, release_id=e.release_id, title=e.title,
                                date=e.date, source=e.source, start=start, end=end,
                                quote=e.release_text[start:end]))
    return out


def _in_release(found: list[Evidence], best: Evidence, fits: Callable[[Evidence], bool]) -> Evidence | None:
    """The best-ranked other candidate of the best one's release whose value `fits`."""
    return next((e for e in found if e is not best and e.release_id == best.release_id and e.short is not None
                 and fits(e)), None)


def _acts(q: Question, ev: Evidence) -> bool:
    """Whether the evidence's value fills the role the question asks of its verb ("who founded": the founder)."""
    assert ev.short is not None and q.act is not None
    return any(ev.short.start <= a < ev.short.end for a, _ in roles.fillers(ev.text, q.act))


def _not_asked(q: Question, ev: Evidence) -> bool:
    """Whether the evidence's value is of another kind or counts another thing than the question asks for."""
    assert ev.short is not None
    return bool(off_kind(q, ev.short.text, [ev]))


def _parts(question: str) -> list[str]:
    """The rewritten question's parts (qa.text.coordination), split on what the reader wrote: the forms appended
    ("isil = Islamic State in Iraq and the Levant") are no part of the question, and each part keeps those of the
    words it holds."""
    main, groups = spelling.alternatives(question)
    parts = coordination.split(main)
    if len(parts) == 1:
        return [question]
    return [spelling.with_alternatives(p, [g for g in groups if g[0].lower() in p.lower()]) for p in parts]
