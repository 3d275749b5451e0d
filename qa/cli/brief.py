"""`qa summarize` and `qa brief`: one release in brief, several in a briefing or a Markdown memo."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from qa.cli.common import (
    DbOption,
    JsonOption,
    ModelOption,
    NoLogOption,
    _date_range,
    _fail,
    _log,
    _model_command,
    _model_settings,
    _say,
    _text,
    app,
    err,
)
from qa.cli.terminal import visible
from qa.index.store import Store
from qa.settings import Settings

if TYPE_CHECKING:
    from qa.llm.client import ModelClient
    from qa.schemas import Briefing, Citation, ReleaseSummary


@app.command()
def summarize(
    release_id: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(help="A release id, or a unique prefix of it (see `qa releases`) [default: the newest]"),
    ] = None,
    model: ModelOption = None,
    no_log: NoLogOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Summarize one release: a short summary, its key figures, people, organisations, equipment and quotes.

    Figures, people and quotes are read off the release's sentences, each with
    the sentence it comes from; the model's summary is kept only when every
    figure and name in it stands in the release, else the release's lead is used.

    Examples: qa summarize r3c320b0c; qa summarize (the newest release)
    """
    def work(store: Store, settings: Settings, client: Callable[[], ModelClient]) -> ReleaseSummary:
        from qa.brief.summarize import Summarizer

        newest = store.releases()
        if release_id is None and not newest:
            _fail("no releases stored; add some with `qa ingest PATH`")
        return Summarizer(store, settings, client).summarize(release_id or newest[0].id)

    settings = _model_settings(db, model)
    _model_command(settings, as_json, work, _print_summary, lambda summary, seconds: _log(
        settings, no_log, "summary", json.dumps({"release_id": release_id or summary.release_id}), summary, seconds))


def _print_summary(r: ReleaseSummary) -> None:
    _say(r.headline, "bold")
    _say(f"{r.date or 'undated'}  {r.source}  ({r.release_id})", "dim")
    label = "" if r.summary_mode == "model" else " (the release's lead, verbatim)"
    _say("\n" + textwrap.fill(r.summary, 100) + label)
    sections = [
        ("Key facts", [f"{f.value}: “{f.quote}”" for f in r.key_facts]),
        ("People", [f"{p.name}, {p.role}" if p.role else p.name for p in r.people]),
        ("Organisations", r.organizations),
        ("Places", r.places),
        ("Equipment", r.equipment),
        ("Quotes", [f"{q.speaker or 'unattributed'}: “{q.text}”" for q in r.quotes]),
    ]
    for name, items in sections:
        if items:
            _say(f"\n{name}", "bold")
            for item in items:
                _say("  - " + textwrap.fill(item, 96, subsequent_indent="    "))


class BriefFormat(str, Enum):
    text = "text"
    md = "md"


@app.command()
def brief(
    since: Annotated[Optional[str], typer.Option(help="Only releases dated on or after (YYYY-MM-DD)")] = None,  # noqa: UP045
    until: Annotated[Optional[str], typer.Option(help="Only releases dated on or before (YYYY-MM-DD)")] = None,  # noqa: UP045
    query: Annotated[Optional[str], typer.Option(help="Only releases about this (searched)")] = None,  # noqa: UP045
    limit: Annotated[Optional[int], typer.Option(  # noqa: UP045
        min=1, max=50, help="Most releases in the briefing [default: QA_BRIEF__LIMIT, 16]")] = None,
    fmt: Annotated[BriefFormat, typer.Option("--format", case_sensitive=False,
                                             help="text, or md: a Markdown memo to paste (sources linked)")
                   ] = BriefFormat.text,
    model: ModelOption = None,
    no_log: NoLogOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Brief several releases: an overview, sections by topic with cited bullets, a timeline of dated
    events, and the dollar figures that changed from one release to a later one.

    Example: qa brief --since 2022-01-01 --query "Ukraine security assistance" --format md > memo.md
    """
    first, last = _date_range(since, until)

    def encoded(done: int, total: int) -> None:
        # The first briefings over a large index encode releases for their meaning (kept for the next ones).
        if not as_json and err.is_terminal:
            err.print(_text(f"qa: reading the meaning of releases: {done}/{total} (once; kept in the index)", "dim"))

    def work(store: Store, settings: Settings, client: Callable[[], ModelClient]) -> Briefing:
        from qa.brief.briefing import Briefer

        return Briefer(store, settings, client, progress=encoded).brief(
            since=first, until=last, query=query, limit=limit)

    settings = _model_settings(db, model)
    request = {"since": first, "until": last, "query": query, "limit": limit, "format": fmt.value}
    _model_command(settings, as_json, work, _print_memo if fmt is BriefFormat.md else _print_brief,
                   lambda briefing, seconds: _log(settings, no_log, "brief", json.dumps(request), briefing, seconds))


def _print_memo(b: Briefing) -> None:
    from qa.brief.memo import markdown

    sys.stdout.write(visible(markdown(b)))


def _print_brief(b: Briefing) -> None:
    from qa.brief.memo import numbered

    if not b.releases:
        _say("no stored release matches")
        return
    b = numbered(b)
    cited: dict[int, Citation] = {}

    def cite(c: Citation) -> str:
        cited[c.n] = c
        return f"[{c.n}]"

    label = "" if b.overview_mode == "model" else " (the releases' leads, relative dates anchored)"
    _say("Overview", "bold")
    overview = " ".join(f"{b.overview[s:e]} {cite(c)}" for (s, e), c in zip(b.overview_spans, b.overview_citations))
    _say(textwrap.fill(overview or b.overview, 100) + label)
    for section in b.sections:
        _say("\n" + section.topic + (f" ({section.date})" if section.date else ""), "bold")
        if len(section.release_ids) > 1:  # one event, several releases: each with its source number
            first = {x.citation.release_id: x.citation for x in reversed(section.bullets)}
            _say("  one event, reported in " + "; ".join(f"{c.title} {cite(c)}" for rid in section.release_ids
                                                         if (c := first.get(rid))))
        for bullet in section.bullets:
            _say("  - " + textwrap.fill(f"{bullet.text} {cite(bullet.citation)}", 96, subsequent_indent="    "))
    if b.timeline:
        _say("\nTimeline", "bold")
        for ev in b.timeline:
            _say("  " + textwrap.fill(f"{ev.date}  {ev.event} {cite(ev.citation)}", 96,
                                      subsequent_indent="              "))
    if b.changes:
        _say("\nFigures that changed", "bold")
        for ch in b.changes:
            _say(f"  {ch.before.value} ({ch.before_citation.date}) {cite(ch.before_citation)} -> {ch.after.value} "
                 f"({ch.after_citation.date}) {cite(ch.after_citation)}: {ch.measure}"
                 + (f", {ch.scope}" if ch.scope else ""))
    if b.apart:
        _say("\nFigures not compared (another measure or scope)", "bold")
        for a in b.apart:
            _say(f"  {a.fact.value} {a.fact.measure}" + (f" {a.fact.scope}" if a.fact.scope else "")
                 + f" ({a.citation.date}) {cite(a.citation)}")
    _say("\nSources", "bold")
    for n in sorted(cited):
        c = cited[n]
        _say(f"  [{n}] {c.title} ({c.date or 'undated'}), release {c.release_id}")
