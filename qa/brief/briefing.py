"""A briefing over several releases: topics, cited bullets, a timeline, and the figures that changed.

Everything but the overview is read off the releases' sentences, so every
bullet cites the sentence it is; the model's overview is kept only when every
figure and name in it stands in the releases, else the releases' leads are used.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from qa.brief import extract
from qa.brief.memo import numbered
from qa.brief.prose import grounded_prose
from qa.index.search import Searcher
from qa.index.store import Store
from qa.llm import prompting
from qa.llm.client import ModelClient, Usage
from qa.llm.model_value import wanted
from qa.models import Release
from qa.schemas import Briefing, BriefReply, Bullet, Citation, FigureChange, KeyFact, Section, TimelineEvent
from qa.settings import Settings
from qa.text import analyze, boilerplate, grounding, sentences

# Releases whose title and lead share this much (Jaccard of terms) go under one topic.
SAME_TOPIC = 0.2
# Two figures measure the same thing when their sentences share this much, numbers aside.
SAME_MEASURE = 0.35
_MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                        "dec"], 1)}


class Briefer:
    def __init__(self, store: Store, settings: Settings, client: Callable[[], ModelClient],
                 searcher: Searcher | None = None) -> None:
        self.store = store
        self.settings = settings
        # The service passes its searcher over the one shared index; alone, the briefer builds its own.
        self.searcher = searcher or Searcher(store, settings.search)
        self._client_factory = client
        self.prompt = prompting.load("brief")

    def brief(self, *, since: str | None = None, until: str | None = None, query: str | None = None,
              limit: int = 8) -> Briefing:
        chosen = self._select(since, until, query, limit)
        texts = {r.id: self.store.release_text(r.id) for r in chosen}
        overview, mode, problems, usage = self._overview(chosen, texts)
        timeline = self._timeline(chosen, texts)
        # Each sentence once: a bullet never repeats the overview's leads or a dated event of the timeline.
        printed = [set(analyze.terms(ev.event)) for ev in timeline]
        printed += [set(analyze.terms(overview[s:e])) for s, e in sentences.spans(overview)]
        sections = []
        for section in self._sections(chosen, texts):
            bullets = []
            for bullet in section.bullets:
                said = set(analyze.terms(bullet.text))
                # One bullet per fact: a sentence the overview, the timeline or another release already says
                # (the same words, near enough) is not said again.
                same = self.settings.brief.same_fact
                if said and not any(len(said & other) / len(said | other) >= same for other in printed):
                    bullets.append(bullet)
                    printed.append(said)
            if bullets:
                sections.append(section.model_copy(update={"bullets": bullets}))
        # Numbered as the memo's sources list numbers them, so JSON, terminal, memo and page agree.
        return numbered(Briefing(
            query=query or "", since=since or "", until=until or "", releases=[r.id for r in chosen],
            overview=overview, overview_mode=mode, overview_citations=self._backing(overview, chosen, texts),
            sections=sections, timeline=timeline,
            changes=self._changes(chosen, texts), ungrounded=problems, prompt=self.prompt.tag, usage=usage,
        ))

    def _select(self, since: str | None, until: str | None, query: str | None, limit: int) -> list[Release]:
        if query:
            hits = self.searcher.search(query, 50, since=since, until=until)
            best: dict[str, float] = {}
            for h in hits:
                best[h.release_id] = max(best.get(h.release_id, 0.0), h.score)
            # A release is about the query when it scores near the best release, not merely when some chunk hits.
            floor = self.settings.brief.relevance * max(best.values(), default=0.0)
            ids = [rid for rid, score in sorted(best.items(), key=lambda kv: -kv[1]) if score >= floor][:limit]
            chosen = [self.store.release(i) for i in ids]
        else:
            chosen = [r for r in self.store.releases()
                      if (not since or (r.date and r.date >= since)) and (not until or (r.date and r.date <= until))]
            chosen = chosen[:limit]  # newest first from the store
        return sorted(chosen, key=lambda r: (r.date or "9999", r.title))

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

    def _sections(self, chosen: list[Release], texts: dict[str, str]) -> list[Section]:
        groups: list[list[Release]] = []
        keys: list[set[str]] = []
        for r in chosen:
            key = set(analyze.terms(r.title + " " + extract.lead(texts[r.id], 1)))
            for i, other in enumerate(keys):
                if key and len(key & other) / len(key | other) >= SAME_TOPIC:
                    groups[i].append(r)
                    keys[i] = other | key
                    break
            else:
                groups.append([r])
                keys.append(key)
        sections = []
        for group in groups:
            bullets = []
            for r in group:
                text = texts[r.id]
                spans = boilerplate.content_sentences(text)
                picked = [spans[0]] if spans else []
                for fact in extract.key_facts(text, limit=6):
                    span = next((s for s in spans if text[s[0]:s[1]] == fact.quote), None)
                    if span and span not in picked and len(picked) < 3:
                        picked.append(span)
                bullets += [Bullet(text=text[s:e], citation=self._cite(r, text, s, e)) for s, e in sorted(picked)]
            sections.append(Section(topic=_topic(group), bullets=bullets))
        return sections

    def _timeline(self, chosen: list[Release], texts: dict[str, str]) -> list[TimelineEvent]:
        events = []
        for r in chosen:
            text = texts[r.id]
            spans = boilerplate.content_sentences(text)
            if r.date and spans:
                events.append(TimelineEvent(date=r.date, event=r.title, citation=self._cite(r, text, *spans[0])))
            for s, e in spans:
                for kind, value, _, _ in grounding.claims(text[s:e]):
                    day = _full_date(value) if kind == "date" else None
                    if day and day != r.date:
                        events.append(TimelineEvent(date=day, event=text[s:e], citation=self._cite(r, text, s, e)))
        unique = {(ev.date, ev.event): ev for ev in events}
        return sorted(unique.values(), key=lambda ev: ev.date)

    def _changes(self, chosen: list[Release], texts: dict[str, str]) -> list[FigureChange]:
        """A dollar figure restated for the same measure in a later release: each later figure paired with the
        latest earlier one whose words around it say the same thing, labelled with those words."""
        facts = [(r, f) for r in sorted(chosen, key=lambda r: r.date) if r.date
                 for f in extract.key_facts(texts[r.id], limit=30)
                 if f.kind == "money"]  # counts of different things share too many words to pair safely
        changes = []
        for r2, f2 in facts:
            b = _context(f2)
            earlier = [(r1, f1, len(_context(f1) & b) / len(_context(f1) | b)) for r1, f1 in facts
                       if r1.date < r2.date and _context(f1) and b]
            if any(share >= SAME_MEASURE / 2 and analyze.terms(f1.value) == analyze.terms(f2.value)
                   for _, f1, share in earlier):
                continue  # restated unchanged since an earlier release
            same = [(r1, f1, share) for r1, f1, share in earlier if share >= SAME_MEASURE]
            if not same:
                continue
            r1, f1, _ = max(same, key=lambda x: (x[2], x[0].date))
            if analyze.terms(f1.value) != analyze.terms(f2.value):
                changes.append(FigureChange(
                    measure=_measure(f2, _context(f1) & b), before=f1, after=f2,
                    before_citation=self._cite(r1, texts[r1.id], *_span(texts[r1.id], f1)),
                    after_citation=self._cite(r2, texts[r2.id], *_span(texts[r2.id], f2))))
        return changes

    def _overview(self, chosen: list[Release], texts: dict[str, str]) -> tuple[str, str, list[str], list[Usage]]:
        if not chosen:
            return "No stored release matches.", "extractive", [], []
        leads = " ".join(extract.lead(texts[r.id], 1) for r in chosen[:4])
        if not wanted(self.settings.answer.mode, self.settings.model.model, self.settings.answer.reports):
            return leads, "extractive", [], []
        budget = self.settings.model.text_budget
        per = max(1, budget // (60 * len(chosen)))
        blocks = "\n\n".join(f"<<<RELEASE | {r.title} | {r.date}\n{extract.lead(texts[r.id], per)}\nEND>>>"
                             for r in chosen)
        source = "\n".join(f"{r.title}\n{r.date}\n{texts[r.id]}" for r in chosen)
        messages = self.prompt.messages(releases=blocks)
        overview, problems, usage = grounded_prose(self._client_factory, self.prompt, messages, BriefReply,
                                                   "overview", source, "overview", "the releases", "brief")
        if overview is not None:
            return overview, "model", [], usage
        return leads, "extractive", problems, usage


def _topic(group: list[Release]) -> str:
    """A section's name in plain words: the longest run of words its releases' titles share ("Ukraine Defense
    Contact Group"), else the title of its latest release."""
    titles = [r.title.split() for r in group if r.title]
    if not titles:
        return "(untitled)"
    if len(titles) > 1:
        first, rest = titles[0], [" ".join(t).lower() for t in titles[1:]]
        for n in range(len(first), 1, -1):
            for i in range(len(first) - n + 1):
                run = first[i:i + n]
                if all(f" {' '.join(run).lower()} " in f" {t} " for t in rest) and any(
                        w.lower() not in analyze.STOP_WORDS for w in run):
                    return " ".join(run)
    return " ".join(max(group, key=lambda r: r.date).title.split()) or "(untitled)"


def _context(fact: KeyFact, words: int = 6) -> set[str]:
    """The words around a figure in its sentence: what it counts, not the rest of a long sentence."""
    at = fact.quote.find(fact.value)
    before = fact.quote[:max(at, 0)].split()[-words:]
    after = fact.quote[at + len(fact.value):].split()[:words] if at >= 0 else []
    return {t for t in analyze.terms(" ".join(before + after)) if t[0] not in "$#0123456789"}


def _measure(fact: KeyFact, shared: set[str]) -> str:
    """The words around a figure that two releases share, as the later one writes them: "security assistance
    to Ukraine", not stems."""
    at = fact.quote.find(fact.value)
    words = fact.quote[:max(at, 0)].split()[-6:] + (fact.quote[at + len(fact.value):].split()[:6] if at >= 0 else [])
    kept = [w.strip(",.;:()“”\"") for w in words if set(analyze.terms(w)) & shared]
    return " ".join(kept) or " ".join(sorted(shared))


def _span(text: str, fact: KeyFact) -> tuple[int, int]:
    start = text.find(fact.quote)
    return (start, start + len(fact.quote)) if start >= 0 else (0, 0)


def _full_date(value: str) -> str | None:
    """ISO form of a date that gives day, month and year ("March 31, 2022"), else None."""
    m = re.match(r"([A-Za-z]+)\.?\s+(\d{1,2}),\s+(\d{4})", value)
    if not m or m.group(1)[:3].lower() not in _MONTHS:
        return None
    try:
        return date(int(m.group(3)), _MONTHS[m.group(1)[:3].lower()], int(m.group(2))).isoformat()
    except ValueError:
        return None
