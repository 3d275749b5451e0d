"""Releases by URL: an article page, a PDF, or a feed whose entries' pages are fetched and ingested.

Every URL goes through qa.ingest.fetch (only http(s), no private addresses unless allowed, per-host delay, retries,
size cap) and every document through qa.ingest.load's readers, so a page or PDF becomes a release exactly as a file
of that kind does. A release's key is the URL it was fetched by, so ingesting it again changes nothing; its
source is the page's canonical URL. A feed is polled with its stored validators: unchanged, it costs one
conditional request; changed, only its new and changed entries are fetched.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from pydantic import BaseModel, Field

from qa.index.feed_store import FeedStore
from qa.index.store import Store
from qa.ingest.feeds import FEED_TYPES, Entry, looks_like_feed, parse_feed
from qa.ingest.fetch import Fetched, Fetcher, FetchError
from qa.ingest.load import LoadError, clean, read_data
from qa.ingest.pipeline import ingest_drafts, release_id
from qa.models import FileError, IngestReport, ReleaseDraft
from qa.settings import Settings

log = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown"})
# Many servers send PDFs as bytes of no particular type: such a body is read when it is one.
BINARY_TYPES = frozenset({"application/octet-stream", "binary/octet-stream"})
PAGE_TYPES = HTML_TYPES | PDF_TYPES | TEXT_TYPES | BINARY_TYPES
# A URL named on the command line may be any of them; a feed's entries are pages or PDFs.
ANY_TYPES = PAGE_TYPES | FEED_TYPES
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "section", "article"}

Progress = Callable[[int, int, str], None]


def is_url(arg: str) -> bool:
    """Whether a command-line argument is a URL rather than a path (any scheme: the fetcher refuses all but
    http and https, by name)."""
    return bool(_SCHEME.match(arg))


class PollReport(BaseModel):
    url: str
    status: str = Field(description="ok, not_modified (a 304: nothing fetched but the feed), or an error code")
    error: str = ""
    entries: int = Field(0, description="Entries the feed lists")
    new: int = 0
    changed: int = 0
    unchanged: int = Field(0, description="Entries whose fingerprint was unchanged: not fetched")
    from_feed: int = Field(0, description="Entries stored from the feed's own text, their page not to be had")
    report: IngestReport = Field(default_factory=IngestReport)


def _kind(fetched: Fetched) -> str:
    # XML served as XML is read as a feed, so a document of another kind is named "not a feed".
    if looks_like_feed(fetched.content_type, fetched.body) or fetched.content_type in FEED_TYPES:
        return "feed"
    if fetched.content_type in PDF_TYPES or fetched.body[:5] == b"%PDF-":
        return "pdf"
    if fetched.content_type in TEXT_TYPES:
        return "text"
    return "binary" if fetched.content_type in BINARY_TYPES else "html"


def page_drafts(url: str, fetched: Fetched, max_bytes: int) -> list[ReleaseDraft]:
    """The release a fetched page or PDF holds, keyed by the URL asked, its source the canonical URL."""
    kind = _kind(fetched)
    if kind == "binary":
        raise LoadError(f"served as {fetched.content_type} and not a PDF: not a release page, PDF or feed")
    name = {"pdf": "page.pdf", "text": "page.txt"}.get(kind, "page.html")
    drafts, _ = read_data(fetched.body, name, origin=url, key=url, max_bytes=max_bytes)
    return [d.model_copy(update={"key": url, "origin": url, "source": d.source or fetched.final_url})
            for d in drafts]


def _entry_text(content: str) -> str:
    """A feed entry's own content as text: its HTML's block elements become lines."""
    if "<" not in content:
        return clean(content).strip()
    import lxml.html

    root = lxml.html.fragment_fromstring(content, create_parent="div")
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return clean("\n".join(line for line in lines if line))


class UrlIngestor:
    """Ingests URLs and polls feeds into one index, through one polite fetcher."""

    def __init__(self, store: Store, settings: Settings, fetcher: Fetcher | None = None,
                 progress: Progress | None = None) -> None:
        self.store = store
        self.settings = settings
        self.fetcher = fetcher or Fetcher(settings.fetch)
        self.progress = progress or (lambda done, total, url: None)
        self.feeds = FeedStore(store)

    def close(self) -> None:
        self.fetcher.close()

    def ingest(self, urls: list[str]) -> IngestReport:
        """Each URL's release, or a feed's entries' releases; a URL that fails is named with its reason."""
        report = IngestReport()
        for url in urls:
            try:
                fetched = self.fetcher.get(url, accept=ANY_TYPES)
            except FetchError as err:
                report.errors.append(FileError(origin=url, reason=err.reason))
                continue
            if _kind(fetched) == "feed":
                report.add(self._read_feed(url, fetched).report)
                continue
            try:
                report.add(ingest_drafts(self.store, page_drafts(url, fetched, self.settings.fetch.max_bytes),
                                         self.settings.index))
            except LoadError as err:
                report.errors.append(FileError(origin=url, reason=str(err)))
        return report

    def poll(self, url: str) -> PollReport:
        """One poll of a feed: a conditional request with its stored validators, then its new and changed
        entries. Polling a feed watches it (every settings.watch.every unless it is watched already); the
        outcome is kept with the feed (qa feeds)."""
        if not self.feeds.watched(url):
            self.feeds.watch(url, self.settings.watch.every)
        etag, modified = self.feeds.validators(url)
        try:
            fetched = self.fetcher.get(url, etag=etag, last_modified=modified, accept=FEED_TYPES | HTML_TYPES)
        except FetchError as err:
            self.feeds.record(url, status=err.code, error=str(err))
            return PollReport(url=url, status=err.code, error=str(err),
                              report=IngestReport(errors=[FileError(origin=url, reason=err.reason)]))
        if fetched.status == 304:
            self.feeds.record(url, status="not_modified")
            return PollReport(url=url, status="not_modified")
        return self._read_feed(url, fetched)

    def _read_feed(self, url: str, fetched: Fetched) -> PollReport:
        try:
            feed = parse_feed(fetched.body, fetched.final_url, self.settings.fetch.max_entries)
        except LoadError as err:
            self.feeds.record(url, status="not_a_feed", error=f"{url}: {err}")
            return PollReport(url=url, status="not_a_feed", error=f"{url}: {err}",
                              report=IngestReport(errors=[FileError(origin=url, reason=str(err))]))
        known = self.feeds.fingerprints(url)
        poll = PollReport(url=url, status="ok", entries=len(feed.entries))
        seen: dict[str, tuple[str, str]] = {}
        todo = [e for e in feed.entries if known.get(e.id) != e.fingerprint]
        poll.unchanged = len(feed.entries) - len(todo)
        for done, entry in enumerate(todo, 1):
            self.progress(done, len(todo), entry.link)
            part = self._entry(entry, poll)
            poll.report.add(part)
            if not part.errors:
                seen[entry.id] = (entry.fingerprint, release_id(entry.link))
                if entry.id in known:
                    poll.changed += 1
                else:
                    poll.new += 1
        self.feeds.record(url, status="ok", title=feed.title, etag=fetched.etag, last_modified=fetched.last_modified,
                          entries=len(feed.entries), seen=seen, added=len(poll.report.added),
                          replaced=len(poll.report.replaced), failed=len(poll.report.errors))
        return poll

    def _entry(self, entry: Entry, poll: PollReport) -> IngestReport:
        """An entry's release: its page's, filled in with what the feed says (title, date) where the page is
        silent; the feed's own text when the page cannot be had."""
        try:
            fetched = self.fetcher.get(entry.link, accept=PAGE_TYPES)
            drafts = [d.model_copy(update={"title": d.title or entry.title, "date": d.date or entry.date})
                      for d in page_drafts(entry.link, fetched, self.settings.fetch.max_bytes)]
        except (FetchError, LoadError) as err:
            text = _entry_text(entry.content)
            if not text:
                return IngestReport(errors=[FileError(origin=entry.link, reason=getattr(err, "reason", str(err)))])
            log.info("%s: %s; stored from the feed's own text", entry.link, getattr(err, "reason", err))
            poll.from_feed += 1
            drafts = [ReleaseDraft(title=entry.title, date=entry.date, source=entry.link, text=text,
                                   origin=entry.link, key=entry.link)]
        return ingest_drafts(self.store, drafts, self.settings.index)
