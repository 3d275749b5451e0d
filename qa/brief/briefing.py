"""A briefing over several releases: a section per release, cited bullets, a timeline, and the figures that
changed.

Everything but the overview is read off the releases' sentences, so every bullet cites the sentence it is,
under the release it comes from; the model's overview is kept only when every figure and name in it stands in
the releases, else the releases' leads are used, their relative dates ("Today") anchored to the release's
date. Releases are chosen by qa.brief.relevance; two figures are compared only when they measure the same
thing over the same scope (qa.brief.figures).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from qa.brief import entities, events, extract, figures, lists, parsed, relevance
from qa.brief.dates import anchored
from qa.brief.meanings import Meanings, Progress
from qa.brief.memo import numbered
from qa.brief.prose import grounded_prose
from qa.index.search import Searcher
from qa.index.store import Store
from qa.llm import prompting
from qa.llm.client import ModelClient, Usage
from qa.llm.model_value import wanted
from qa.models import Release

if TYPE_CHECKING:
    from spacy.tokens import Doc
from qa.schemas import (
    Briefing,
    BriefReply,
    Bullet,
    Citation,
    FigureApart,
    FigureChange,
    KeyFact,
    Section,
    TimelineEvent,
)
from qa.settings import Settings
from qa.text import analyze, boilerplate, embed, grounding, sentences
from qa.text.dates import DateError, iso_date, story_dateline_end

# Two figures measure the same thing when their measures name the same nouns (Jaccard 1: "security assistance"
# is not "security assistance package", one package), and count from the same baseline when the nouns and
# numbers of their scopes share this much.
SAME_MEASURE = 1.0
SAME_SCOPE = 0.5
# Bullets a release gives at most: its lead, then its sentences that state most (figures, names, the query).
BULLETS = 5


class Briefer:
    def __init__(self, store: Store, settings: Settings, client: Callable[[], ModelClient],
                 searcher: Searcher | None = None, progress: Progress | None = None) -> None:
        self.store = store
        self.settings = settings
        # The service passes its searcher over the one shared index; alone, the briefer builds its own.
        self.searcher = searcher or Searcher(store, settings.search)
        # `progress(done, total)` as releases are encoded for their meaning (a first briefing over many).
        self.meanings = Meanings(store, progress)
        self._client_factory = client
        self.prompt = prompting.load("brief")

    def brief(self, *, since: str | None = None, until: str | None = None, query: str | None = None,
              limit: int | None = None) -> Briefing:
        chosen = self._select(since, until, query, limit or self.settings.brief.limit)
        texts = {r.id: self.store.release_text(r.id) for r in chosen}
        grouped = events.groups(chosen, texts)
        overview, mode, problems, usage, backing, spans = self._overview(grouped, texts)
        # A dated sentence the overview already says is not printed again as an event.
        timeline = [ev for ev in self._timeline(chosen, texts) if ev.event not in overview]
        # Each sentence once: a bullet never repeats the overview's leads or a dated event of the timeline.
        printed = [set(analyze.terms(ev.event)) for ev in timeline]
        printed += [set(analyze.terms(overview[s:e])) for s, e in sentences.spans(overview)]
        wanted_terms = set(relevance.query_terms(query or ""))
        sections = []
        for group in grouped:
            bullets = []
            for r in group:
                bullets += self._bullets(r, texts[r.id], wanted_terms, printed)
            if bullets:
                head = group[0]
                sections.append(Section(topic=" ".join(head.title.split()) or "(untitled)", bullets=bullets,
                                        release_id=head.id, date=head.date or "",
                                        release_ids=[r.id for r in group]))
        changes, apart = self._changes(chosen, texts)
        # Numbered as the memo's sources list numbers them, so JSON, terminal, memo and page agree.
        return numbered(Briefing(
            query=query or "", since=since or "", until=until or "", releases=[r.id for r in chosen],
            overview=overview, overview_mode=mode, overview_citations=backing, overview_spans=spans,
            sections=sections, timeline=timeline, changes=changes, apart=apart, ungrounded=problems,
            prompt=self.prompt.tag, usage=usage,
        ))

    def _bullets(self, r: Release, text: str, wanted: set[str], printed: list[set[str]]) -> list[Bullet]:
        """The release's first BULLETS ranked sentences (qa.brief.briefing._ranked) that say something new, in
        the release's order; what they say is added to `printed`."""
        bullets: list[Bullet] = []
        same = self.settings.brief.same_fact
        for s, e in _ranked(text, wanted):  # the lead, then by how much each states
            if len(bullets) == BULLETS:
                break
            said = set(analyze.terms(text[s:e]))
            # One bullet per fact: a sentence the overview, the timeline or another release already says (the
            # same words, near enough) is not said again, and the next one takes its place.
            if said and not any(len(said & other) / len(said | other) >= same for other in printed):
                bullets.append(Bullet(text=text[s:e], citation=self._cite(r, text, s, e)))
                printed.append(said)
        return sorted(bullets, key=lambda b: b.citation.start)

    def _select(self, since: str | None, until: str | None, query: str | None, limit: int) -> list[Release]:
        def dated(r: Release) -> bool:
            return (not since or bool(r.date and r.date >= since)) and (not until or bool(r.date and r.date <= until))

        if not query:
            chosen = [r for r in self.store.releases() if dated(r)][:limit]  # newest first from the store
            return sorted(chosen, key=lambda r: (r.date or "9999", r.title))
        hits = self.searcher.search(query, 50, since=since, until=until)
        best: dict[str, float] = {}
        for h in hits:
            best[h.release_id] = max(best.get(h.release_id, 0.0), h.score)
        # Search finds the candidates; the release's own topic words (title, entities, noun chunks) say whether it
        # is about the query, whatever its score next to the best one's; where they do not, its meaning may
        # (qa.brief.relevance.nearest), and meaning is asked of every release in the range: a topic said in other
        # words than the query's shares none with it, so search never returns it.
        found = [self.store.release(rid) for rid in best]
        weights = self.searcher.idf(query, unseen=True)
        share = {r.id: relevance.coverage(query, r.title, self.store.release_text(r.id), weights,
                                          self.settings.brief.kin_floor) for r in found}
        # What covers more of the query comes first, then what search ranks higher.
        ranked = sorted(found, key=lambda r: (-share[r.id], -best[r.id]))
        about = {r.id for r in ranked if relevance.enough(query, share[r.id])}
        floor = self.settings.brief.meaning_floor
        if floor <= 1 and embed.available():
            found = [r for r in ranked if r.id not in about]
            others = [r for r in self.store.releases() if dated(r) and r.id not in best]  # newest first
            near = self._meaning(query, found, others)
            about |= {rid for rid, sim in near.items() if sim >= floor}
            # After search's own, in the order of their meaning: what search ranked keeps its place (its order
            # says more than meaning's on the train briefings: "phone conversations with foreign defense
            # ministers" lost a readout of a call to a press briefing placed by meaning alone).
            ranked += sorted((r for r in others if r.id in about), key=lambda r: -near[r.id])
        chosen = [r for r in ranked if r.id in about][:limit]
        return sorted(chosen, key=lambda r: (r.date or "9999", r.title))

    def _meaning(self, query: str, found: list[Release], others: list[Release]) -> dict[str, float]:
        """How near each release's meaning is to the query: search's candidates always, the others as far as
        their vectors are made (qa.brief.meanings: at most settings.brief.meaning_encode new ones a briefing)."""
        vectors = self.meanings.of(found) | self.meanings.of(others, self.settings.brief.meaning_encode)
        pool = [r.id for r in [*found, *others] if r.id in vectors]
        return dict(zip(pool, relevance.nearest(query, [vectors[rid] for rid in pool])))

    def _backing(self, overview: str, chosen: list[Release], texts: dict[str, str]) -> list[Citation]:
        """For each sentence of the overview, the release sentence that shares most of its words: the prose check
        accepted the overview only when every sentence has one, and the reader sees which."""
        pool = [(r, s, e, set(analyze.terms(texts[r.id][s:e]))) for r in chosen
                for s, e in boilerplate.content_sentences(texts[r.id])]
        out = []
        for s, e in sentences.spans(overview):
            if not pool:
                break
            said = set(analyze.terms(overview[s:e]))
            r, start, end, _ = max(pool, key=lambda p: len(said & p[3]))
            out.append(self._cite(r, texts[r.id], start, end))
        return out

    def _cite(self, release: Release, text: str, start: int, end: int) -> Citation:
        ordinal = self.store.chunk_at(release.id, start)
        return Citation(n=0, chunk_id=f"{release.id}:{ordinal}", release_id=release.id, title=release.title,
                        date=release.date, source=release.source, start=start, end=end, quote=text[start:end])

    def _timeline(self, chosen: list[Release], texts: dict[str, str]) -> list[TimelineEvent]:
        titles = Counter(" ".join(r.title.split()) for r in chosen)
        named: dict[str, set[str]] = {}  # the names already telling apart releases of each title
        events = []
        for r in chosen:
            text = texts[r.id]
            spans = boilerplate.content_sentences(text)
            if r.date and spans:
                title = " ".join(r.title.split())
                if titles[title] > 1:  # "Army Casualty" twice: said with whom each is about
                    name = _first_name(text, title, named.setdefault(title, set()))
                    named[title].add(name)
                    title = " — ".join(p for p in (title, name) if p)
                events.append(TimelineEvent(date=r.date, event=title, citation=self._cite(r, text, *spans[0])))
            for s, e in spans:
                for kind, value, _, _ in grounding.claims(text[s:e]):
                    day = _full_date(value) if kind == "date" else None
                    if day and day != r.date:
                        events.append(TimelineEvent(date=day, event=text[s:e], citation=self._cite(r, text, s, e)))
        unique = {(ev.date, ev.event): ev for ev in events}
        return sorted(unique.values(), key=lambda ev: ev.date)

    def _changes(self, chosen: list[Release], texts: dict[str, str]) -> tuple[list[FigureChange], list[FigureApart]]:
        """A dollar figure restated in a later release for the same measure over the same scope (the same nouns
        measured, the same baseline: "since 2014" is never compared with "since the invasion"): each later
        figure paired with the latest earlier one of its kind, labelled with what it measures. And apart, each
        with its scope, the amounts that pair with none but share a measured noun or a baseline with another
        release's amount: a comparison a reader might make, which the briefing does not make for them."""
        facts = [(r, f) for r in sorted(chosen, key=lambda r: r.date) if r.date
                 for f in figures.figures(texts[r.id]) if f.kind == "money" and f.measure]
        changes = []
        paired: set[tuple[str, int]] = set()
        for r2, f2 in facts:
            alike = [(r1, f1) for r1, f1 in facts if r1.date < r2.date and like(f1, f2)]
            if not alike:
                continue
            r1, f1 = max(alike, key=lambda x: (x[0].date, x[1].start))
            paired |= {(r1.id, f1.start), (r2.id, f2.start)}
            if analyze.terms(f1.value) == analyze.terms(f2.value):
                continue  # restated unchanged
            changes.append(FigureChange(
                measure=f2.measure, scope=f2.scope, before=_fact(f1), after=_fact(f2),
                before_citation=self._cite(r1, texts[r1.id], *_span(texts[r1.id], f1.sentence)),
                after_citation=self._cite(r2, texts[r2.id], *_span(texts[r2.id], f2.sentence))))
        apart, seen = [], set()
        for r, f in facts:
            kin = any(o.id != r.id and _kin(f, g) for o, g in facts)
            said = (r.id, f.value, f.measure, f.scope)
            if kin and (r.id, f.start) not in paired and said not in seen:
                seen.add(said)
                apart.append(FigureApart(fact=_fact(f), citation=self._cite(r, texts[r.id],
                                                                            *_span(texts[r.id], f.sentence))))
        return changes, apart

    def _overview(self, grouped: list[list[Release]], texts: dict[str, str]) -> tuple[
            str, str, list[str], list[Usage], list[Citation], list[tuple[int, int]]]:
        """The overview, its mode, the model's problems and usage, and each sentence's citation and span.
        Without a model (or when the model's prose fails the check) it is the lead of each section's first
        release, each cited to its release, relative days ("Today", "This afternoon") said as that release's
        date; the model's prose has each relative day said as the date of the release its sentence stands on."""
        chosen = [r for g in grouped for r in g]
        if not chosen:
            return "No stored release matches.", "extractive", [], [], [], []
        leads, cites, spans, at = [], [], [], 0
        for group in grouped:
            r = group[0]
            span = lead_span(texts[r.id])
            if span is None:
                continue
            # An overview reads as prose: a story's dateline ("WASHINGTON, Oct. 12, 2010 -") is left out of it.
            span = (span[0] + story_dateline_end(texts[r.id][span[0]:span[1]]), span[1])
            said = anchored(texts[r.id][span[0]:span[1]], r.date)
            leads.append(said)
            cites.append(self._cite(r, texts[r.id], *span))
            spans.append((at, at + len(said)))
            at += len(said) + 1
        extractive = " ".join(leads)
        if not wanted(self.settings.answer.mode, self.settings.model.model, self.settings.answer.reports):
            return extractive, "extractive", [], [], cites, spans
        budget = self.settings.model.text_budget
        per = max(1, budget // (60 * len(chosen)))
        blocks = "\n\n".join(f"<<<RELEASE | {r.title} | {r.date}\n{extract.lead(texts[r.id], per)}\nEND>>>"
                             for r in chosen)
        source = "\n".join(f"{r.title}\n{r.date}\n{texts[r.id]}" for r in chosen)
        messages = self.prompt.messages(releases=blocks)
        overview, problems, usage = grounded_prose(self._client_factory, self.prompt, messages, BriefReply,
                                                   "overview", source, "overview", "the releases", "brief")
        if overview is None:
            return extractive, "extractive", problems, usage, cites, spans
        backing = self._backing(overview, chosen, texts)
        overview = " ".join(anchored(overview[s:e], c.date) for (s, e), c in zip(sentences.spans(overview), backing))
        return overview, "model", [], usage, self._backing(overview, chosen, texts), []

def _ranked(text: str, wanted: set[str]) -> list[tuple[int, int]]:
    """The release's sentences a bullet may be, ranked: its lead, then those that state most (figures with what
    they measure, named people, bodies and places, the query's words). A sentence is a clause (a line of
    letterhead, "IMMEDIATE RELEASE No. 1031-06", is none) or an item of a list (qa.brief.lists: "Army: 50,290
    accessions ...", which has no verb)."""
    doc = parsed.doc(text)
    spans = []
    for sp in boilerplate.content_sentences(text):
        # Whom the press may call or write to is how to reach the office, not what the release says.
        if _balanced(text[sp[0]:sp[1]]) and not _CONTACT.search(text, sp[0], sp[1]):
            kept = lists.unmarked(text, *sp) if _clause(doc, *sp) else lists.item(text, *sp)
            if kept:
                spans.append(kept)
    first = lead_span(text)
    if first in spans:  # the lead first
        spans.remove(first)
        spans.insert(0, first)
    if not spans:
        return []
    counted: dict[tuple[int, int], int] = {}
    for f in figures.figures(text):  # an amount of money counts for more: what a briefing is read for
        held = next((sp for sp in spans if sp[0] <= f.start < sp[1]), None)
        if held:
            counted[held] = counted.get(held, 0) + (2 if f.kind == "money" else 1)
    rest = sorted(spans[1:], key=lambda sp: -_weight(text, sp, counted, wanted))
    return [spans[0], *(sp for sp in rest if _weight(text, sp, counted, wanted) > 0)]


# A telephone number or an e-mail address: "703-692-2000", "(315) 772-5461", "osd.pa@mail.mil".
_CONTACT = re.compile(r"\(?\b\d{3}\)?[-. ]\d{3}-\d{4}\b|\b[\w.+-]+@[\w-]+\.[A-Za-z.]{2,}\b")


def _balanced(sentence: str) -> bool:
    """Whether a sentence's quote marks pair up: a sentence cut out of a longer quotation starts or ends with a
    stray mark, and reads as someone else's words."""
    return sentence.count("“") == sentence.count("”") and sentence.count('"') % 2 == 0


def lead_span(text: str) -> tuple[int, int] | None:
    """The release's first content sentence that is a clause (a verb with its subject)."""
    doc = parsed.doc(text)
    for s, e in boilerplate.content_sentences(text):
        if _clause(doc, s, e):
            return s, e
    spans = boilerplate.content_sentences(text)
    return spans[0] if spans else None


def _clause(doc: Doc, start: int, end: int) -> bool:
    """Whether the characters hold a clause: a verb with its subject ("IMMEDIATE RELEASE No. 1031-06", a line
    of letterhead, holds none)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and any(t.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass", "expl")
                                                                       for c in t.children) for t in span)


def _first_name(text: str, title: str, taken: set[str]) -> str:
    """The first person the release names that its title does not, else the first such place, else its first
    person, never one that already tells apart another release of the title (`taken`): what tells apart releases
    of one title ("Army Casualty" by the soldier; three readouts of Austin's calls with Gantz by the places they
    discuss, two of them Iran first)."""
    people = [p.name for p in entities.people(text)]
    places = entities.places(text)
    titled = set(analyze.terms(title))
    untitled = [n for n in [*people, *places] if not set(analyze.terms(n)) <= titled]
    return next((n for n in untitled if n not in taken), None) or next(iter(people or places), "")


def _weight(text: str, span: tuple[int, int], counted: dict[tuple[int, int], int], wanted: set[str]) -> int:
    """How much a sentence states: each figure four, each of the query's words two, names one each up to two
    (a sentence full of place names says no more than one with two)."""
    s, e = span
    names = sum(1 for ent in parsed.doc(text).ents
                if s <= ent.start_char < e and ent.label_ in relevance.TOPIC_ENTITIES)
    return 4 * counted.get(span, 0) + min(names, 2) + 2 * len(wanted & set(analyze.terms(text[s:e])))


def _key(text: str) -> set[str]:
    """The nouns and numbers of a phrase, as lemmas: what it names, whatever words hold them together."""
    return {t.lemma_.lower() for t in parsed.phrase(text) if t.pos_ in ("NOUN", "PROPN", "NUM")}


def _share(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def like(a: figures.Figure, b: figures.Figure) -> bool:
    """Whether two figures measure the same thing over the same scope: both measures' nouns agree, and both
    scopes' nouns and numbers agree (two figures without a scope agree on it)."""
    if not a.measure or not b.measure or bool(a.scope) != bool(b.scope):
        return False
    return _share(_key(a.measure), _key(b.measure)) >= SAME_MEASURE and \
        _share(_key(a.scope), _key(b.scope)) >= SAME_SCOPE


def _kin(a: figures.Figure, b: figures.Figure) -> bool:
    """Whether two amounts invite comparison: they share a noun of what they measure ("security assistance",
    "security assistance package") or of their baselines ("since the Russian invasion of Ukraine", "since the
    beginning of Russia's invasion")."""
    return bool(_key(a.measure) & _key(b.measure) or _key(a.scope) & _key(b.scope))


def _fact(f: figures.Figure) -> KeyFact:
    return KeyFact(value=f.value, kind=f.kind, quote=f.sentence, measure=f.measure, scope=f.scope)


def _span(text: str, sentence: str) -> tuple[int, int]:
    start = text.find(sentence)
    return (start, start + len(sentence)) if start >= 0 else (0, 0)


def _full_date(value: str) -> str | None:
    """ISO form of a date that gives day, month and year ("March 31, 2022"), by the one date parser; else None."""
    try:
        return iso_date(value) or None
    except DateError:
        return None
