"""A briefing as a Markdown memo an analyst can paste: title, date range, overview, sections, timeline,
figures that changed, and the sources as a numbered list with links."""

from __future__ import annotations

from collections.abc import Callable

from qa.schemas import Briefing, Citation
from qa.text import sentences


def numbered(b: Briefing) -> Briefing:
    """The briefing with every citation numbered as its sources list numbers it: one number per release, in
    reading order (overview, sections, timeline, changes, figures apart), so a release is one source however
    many of its sentences are cited; and the overview's sentence spans (the briefer's, else the sentence
    splitter's), when each of its sentences has its citation. The memo, the command line and the page all
    number from this."""
    numbers: dict[str, int] = {}

    def num(c: Citation) -> Citation:
        return c.model_copy(update={"n": numbers.setdefault(c.release_id, len(numbers) + 1)})

    # The briefer's own spans when it gave one per citation (a lead is one span however the splitter reads it).
    given = b.overview_spans and len(b.overview_spans) == len(b.overview_citations)
    spans = b.overview_spans if given else sentences.spans(b.overview)
    marked = len(spans) == len(b.overview_citations)
    overview = [num(c) for c in b.overview_citations] if marked else b.overview_citations
    sections = [s.model_copy(update={"bullets": [x.model_copy(update={"citation": num(x.citation)})
                                                 for x in s.bullets]}) for s in b.sections]
    timeline = [ev.model_copy(update={"citation": num(ev.citation)}) for ev in b.timeline]
    changes = [ch.model_copy(update={"before_citation": num(ch.before_citation),
                                     "after_citation": num(ch.after_citation)}) for ch in b.changes]
    apart = [a.model_copy(update={"citation": num(a.citation)}) for a in b.apart]
    return b.model_copy(update={"overview_citations": overview, "overview_spans": spans if marked else [],
                                "sections": sections, "timeline": timeline, "changes": changes, "apart": apart})


def markdown(b: Briefing) -> str:
    """The memo; every bullet, event and figure carries the number of its source in the list at the end."""
    b = numbered(b)
    cited: dict[int, Citation] = {}

    def mark(c: Citation) -> str:
        cited[c.n] = c
        return f"[{c.n}]"

    subject = b.query or "Releases"
    span = " to ".join(p for p in (b.since, b.until) if p) or "all dates"
    lines = [f"# Briefing: {_escape(subject)}", "", f"*{span}; {len(b.releases)} release(s)*", ""]
    if not b.releases:
        return "\n".join([*lines, "No stored release matches.", ""])
    lines += ["## Overview", "", _marked(b, mark)]
    if b.overview_mode != "model":
        lines[-1] += " *(the releases' leads, relative dates anchored)*"
    for section in b.sections:
        lines += ["", f"## {_escape(section.topic)}" + (f" ({section.date})" if section.date else ""), ""]
        if len(section.release_ids) > 1:  # one event, several releases: each named with its source number
            first = {x.citation.release_id: x.citation for x in reversed(section.bullets)}
            lines += ["*One event, reported in " + "; ".join(
                f"{_escape(c.title)} ({c.date or 'undated'}) {mark(c)}" for rid in section.release_ids
                if (c := first.get(rid))) + "*", ""]
        lines += [f"- {_escape(bullet.text)} {mark(bullet.citation)}" for bullet in section.bullets]
    if b.timeline:
        lines += ["", "## Timeline", ""]
        lines += [f"- **{ev.date}** {_escape(ev.event)} {mark(ev.citation)}" for ev in b.timeline]
    if b.changes:
        lines += ["", "## Figures that changed", ""]
        lines += [f"- {_escape(ch.measure)}{' ' + _escape(ch.scope) if ch.scope else ''}: {ch.before.value} "
                  f"({ch.before_citation.date}) "
                  f"{mark(ch.before_citation)} → {ch.after.value} ({ch.after_citation.date}) "
                  f"{mark(ch.after_citation)}" for ch in b.changes]
    if b.apart:
        lines += ["", "## Figures not compared", "",
                  "*Amounts of a kind another release gives too, but of another measure or scope:*", ""]
        lines += [f"- {a.fact.value} {_escape(a.fact.measure)}{' ' + _escape(a.fact.scope) if a.fact.scope else ''} "
                  f"({a.citation.date}) {mark(a.citation)}" for a in b.apart]
    lines += ["", "## Sources", ""]
    for n in sorted(cited):
        c = cited[n]
        title = _escape(c.title or "(untitled)")
        url = c.source.split()[0] if c.source.strip() else ""  # "URL (re-publication of URL)": the first
        linked = f"[{title}](<{url}>)" if url.startswith(("http://", "https://")) else title
        lines.append(f"{n}. {linked}, {c.date or 'undated'} (release {c.release_id})")
    return "\n".join(lines) + "\n"


def _marked(b: Briefing, mark: Callable[[Citation], str]) -> str:
    """The overview with the marker of its backing release sentence after each of its sentences."""
    if not b.overview_spans:
        return _escape(b.overview)
    return " ".join(f"{_escape(b.overview[s:e])} {mark(c)}" for (s, e), c in zip(b.overview_spans,
                                                                                   b.overview_citations))


def _escape(text: str) -> str:
    """Release text as Markdown text: characters that would start markup are escaped, lines joined."""
    text = " ".join(text.split())
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text
