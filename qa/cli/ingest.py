"""`qa ingest`, `qa releases`, `qa remove`: releases into the index and out of it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from qa.cli.common import (
    DbOption,
    JsonOption,
    _dump,
    _error,
    _fail,
    _open,
    _progress,
    _say,
    _settings,
    _text,
    app,
    err,
    sample_path,
)
from qa.index.store import StoreError
from qa.settings import shown

if TYPE_CHECKING:
    from qa.models import IngestReport


@app.command()
def ingest(
    paths: Annotated[Optional[list[str]], typer.Argument(  # noqa: UP045
        help="Files and folders of releases, and URLs of release pages, PDFs or RSS/Atom feeds")] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Ingest the sample release that ships with qa")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add releases (.txt with Title/Date/Source header, .md, .html, .json, .jsonl, .pdf) to the index, from
    files, folders or URLs (a release page, a PDF, or a feed: each entry's page).

    Re-ingesting unchanged content changes nothing; changed content replaces the
    stored version. Bad files and URLs are reported and the rest still go in; the
    exit code is 1 when any failed. URLs are fetched politely (settings fetch.*);
    loopback and private addresses are refused unless QA_FETCH__ALLOW_PRIVATE=true.

    Example: qa ingest releases/ extra.jsonl https://www.defense.gov/DesktopModules/ArticleCS/RSS.ashx
    """
    from qa.ingest.urls import is_url

    targets = [p for p in paths or [] if not is_url(p)]
    urls = [p for p in paths or [] if is_url(p)]
    if sample:
        targets.append(str(sample_path()))
    if not targets and not urls:
        _fail("give files, folders or URLs to ingest, or --sample")
    settings = _settings(db)
    store = _open(settings, create=True)
    from qa.ingest.pipeline import ingest_paths
    from qa.models import IngestReport
    from qa.text.tokens import TokenizerError

    progress = _progress("ingesting", as_json)
    report = IngestReport()
    with progress:
        task = progress.add_task("ingest", total=None)

        def tick(done: int, total: int, *_: str) -> None:
            progress.update(task, completed=done, total=total)

        try:
            if targets:
                report = ingest_paths(store, [Path(t) for t in targets], settings.index, tick,
                                      max_file_bytes=settings.ingest.max_file_bytes)
            if urls:
                from qa.ingest.urls import UrlIngestor

                fetching = UrlIngestor(store, settings, progress=tick)
                try:
                    report.add(fetching.ingest(urls))
                finally:
                    fetching.close()
        except (StoreError, TokenizerError) as e:
            _fail(str(e))
    if as_json:
        _dump(report)
    else:
        _print_ingest(report, settings.db)
    raise typer.Exit(1 if report.errors else 0)


def _print_ingest(report: IngestReport, db: Path | str) -> None:
    for e in report.errors:
        _error(f"{e.origin}: {e.reason}")
    if report.skipped_files:
        err.print(_text(f"skipped {len(report.skipped_files)} file(s) of other kinds, "
                        f"e.g. {report.skipped_files[0]}"))
    n = len(report.added) + len(report.replaced)
    summary = (
        f"{n} release(s) stored ({len(report.added)} new, {len(report.replaced)} replaced), "
        f"{len(report.unchanged)} unchanged, {len(report.errors)} failed; "
        f"{report.chunks} chunks in {report.seconds:.2f}s -> {shown(db)}"
    )
    _say(summary)


@app.command()
def releases(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the stored releases, newest first."""
    store = _open(_settings(db))
    rows = store.releases()
    if as_json:
        _dump(rows)
        return
    if not rows:
        _say("no releases stored; add some with `qa ingest PATH`")
    for r in rows:
        _say(f"{r.id}  {r.date or '----------'}  {r.n_chunks:>3} chunks  {r.title or '(untitled)'}")


@app.command()
def remove(
    ids: Annotated[list[str], typer.Argument(help="Release ids, or unique prefixes of them")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Remove releases and their chunks from the index (all or none)."""
    store = _open(_settings(db))
    try:
        removed = store.remove(ids)
    except StoreError as e:
        _fail(str(e))
    if as_json:
        _dump({"removed": removed})
    else:
        _say(f"removed {len(removed)} release(s): {', '.join(removed)}")
