"""`qa watch` and `qa feeds`: feeds polled politely, and what each poll brought."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from qa.cli.common import (
    DbOption,
    JsonOption,
    _dump,
    _error,
    _fail,
    _open,
    _say,
    _settings,
    app,
)
from qa.index.store import StoreError

if TYPE_CHECKING:
    pass


_DURATION = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _seconds(text: str) -> float:
    """'90s', '30m', '1h', '2h30m', '1d' or plain seconds."""
    import re

    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([smhd]?)", text.strip().lower())
    if not parts or re.sub(r"[\d.\s smhd]", "", text.lower()):
        raise typer.BadParameter(f"{text!r} is no duration; give e.g. 90s, 30m, 1h, 1d", param_hint="--every")
    return sum(float(n) * _DURATION[unit or "s"] for n, unit in parts)


def _print_poll(poll: Any) -> None:
    if poll.status == "not_modified":
        _say(f"{poll.url}: not modified (304); nothing fetched but the feed")
    elif poll.error:
        _error(poll.error)
    else:
        r = poll.report
        stored = len(r.added) + len(r.replaced)
        extra = f", {poll.from_feed} from the feed's own text (page not to be had)" if poll.from_feed else ""
        _say(f"{poll.url}: {poll.entries} entries: {poll.new} new, {poll.changed} changed, {poll.unchanged} "
             f"unchanged (not fetched); {stored} release(s) stored, {len(r.errors)} failed{extra}")
        for e in r.errors:
            _error(f"{e.origin}: {e.reason}")


@app.command()
def watch(
    urls: Annotated[Optional[list[str]], typer.Argument(  # noqa: UP045
        metavar="FEED...", help="Feed URLs (RSS or Atom) to watch, besides those watched already")] = None,
    every: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--every", help="Time between polls of each feed: 90s, 30m, 1h, 1d (default: setting watch.every, 1h)",
        show_default=False)] = None,
    once: Annotated[bool, typer.Option("--once", help="Poll every watched feed once, then exit")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Watch feeds: poll each politely (conditional requests, per-host delay, backoff) and ingest only its new
    and changed entries, until Ctrl-C. `qa feeds` shows what each poll did.

    Example: qa watch https://www.defense.gov/DesktopModules/ArticleCS/RSS.ashx --every 1h
    """
    from qa.index.feed_store import FeedStore, now
    from qa.ingest.urls import UrlIngestor, is_url

    settings = _settings(db)
    interval = _seconds(every) if every else settings.watch.every
    if interval < 10:
        _fail("--every must be at least 10 seconds: polling faster is not polite")
    store = _open(settings, create=True)
    for url in urls or []:
        if not is_url(url):
            _fail(f"{url}: not a URL (want http:// or https://)")
    try:
        watched = FeedStore(store)
        for url in urls or []:
            watched.watch(url, interval)
        if not watched.all():
            _fail("no feed is watched; give a feed URL: qa watch URL")
    except StoreError as e:
        _fail(str(e))
    fetching = UrlIngestor(store, settings)
    failed = False
    try:
        while True:
            due = [f.url for f in watched.all()] if once else watched.claim_due()
            for url in due:
                poll = fetching.poll(url)
                failed = failed or bool(poll.error or poll.report.errors)
                if as_json:
                    print(poll.model_dump_json())
                else:
                    _print_poll(poll)
            if once:
                break
            upcoming = watched.next_due()
            wait = (upcoming - now()).total_seconds() if upcoming else interval
            time.sleep(min(max(wait, 1.0), 60.0))  # wakes at least each minute: feeds added meanwhile count
    except KeyboardInterrupt:
        _say("stopped")
    except StoreError as e:
        _fail(str(e))
    finally:
        fetching.close()
    raise typer.Exit(1 if failed and once else 0)


@app.command()
def feeds(
    remove: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--remove", metavar="URL", help="Stop watching this feed (its releases stay)")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the watched feeds: when each was last fetched, with what status, and what it brought."""
    from qa.index.feed_store import FeedStore

    settings = _settings(db)
    try:
        watched = FeedStore(_open(settings, create=False))
        for url in remove or []:
            if not watched.unwatch(url):
                _fail(f"{url}: not a watched feed; `qa feeds` lists them")
        listed = watched.all()
    except StoreError as e:
        _fail(str(e))
    if as_json:
        _dump(listed)
        return
    if not listed:
        _say("no feed is watched; qa watch URL watches one")
    for f in listed:
        _say(f.url, "bold")
        last = f"last fetched {f.last_fetch}: {f.status}" if f.last_fetch else "never fetched"
        _say(f"  {f.title or '(untitled)'}; every {f.every:g} s; {last}; next {f.next_fetch or 'now'}")
        _say(f"  {f.entries} entries; {f.added} added, {f.replaced} replaced, {f.failed} failed over {f.polls} poll(s)")
        if f.error:
            _say(f"  {f.error}")
