"""RSS and Atom feeds: what a fetched document says of itself (feed or not), and its entries.

feedparser reads every RSS and Atom dialect, and forgives the malformed XML publishers send; what it cannot
make a feed of (an HTML page, a JSON body, an XML document of another kind) is named "not a feed".
"""

from __future__ import annotations

import calendar
import hashlib
import re
import warnings
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, Field

from qa.ingest.load import LoadError

# Media types a feed is served as; many publishers serve theirs as plain XML.
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
                        "text/xml", "application/x-rss+xml"})
_ROOT = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(rss|feed|rdf:RDF)[\s>]", re.DOTALL)


class Entry(BaseModel):
    """One entry of a feed: where its release is, and what the feed itself says of it."""

    id: str = Field(description="The entry's id (guid), else its link")
    link: str
    title: str = ""
    date: str = Field("", description="ISO date it was published (or updated), when the feed says")
    content: str = Field("", description="The entry's own text: its content, else its summary (may be HTML)")
    fingerprint: str = Field(description="Changes when the feed changes the entry: what marks it changed")


class Feed(BaseModel):
    title: str = ""
    entries: list[Entry] = Field(default_factory=list)


def looks_like_feed(content_type: str, body: bytes) -> bool:
    """Whether a fetched document is a feed: by its root element, whatever type it was served as."""
    head = body[:4096].lstrip(b"\xef\xbb\xbf")
    return bool(_ROOT.match(head)) or (content_type in FEED_TYPES - {"application/xml", "text/xml"})


def parse_feed(body: bytes, url: str, max_entries: int) -> Feed:
    """The feed's entries, newest first as the feed lists them, at most max_entries. LoadError when the
    document is no feed, or a feed of no entry with a link."""
    import feedparser  # imported only when a feed is read

    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=True,
                              response_headers={"content-location": url})
    with warnings.catch_warnings():  # feedparser warns when "updated" falls back to "published", as intended here
        warnings.simplefilter("ignore", DeprecationWarning)
        return _read(parsed, max_entries)


def _read(parsed: Any, max_entries: int) -> Feed:
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise LoadError(f"not a feed (RSS or Atom){f': {reason}' if reason else ''}")
    entries = []
    for item in parsed.entries[:max_entries]:
        link = (item.get("link") or "").strip()
        if not link:
            continue
        content = ""
        if item.get("content"):
            content = item["content"][0].get("value", "")
        content = content or item.get("summary", "")
        title = " ".join((item.get("title") or "").split())
        stamp = item.get("published_parsed") or item.get("updated_parsed")
        day = datetime.fromtimestamp(calendar.timegm(stamp), tz=timezone.utc).date().isoformat() if stamp else ""
        marks = "\x1f".join([link, title, item.get("updated", "") or item.get("published", ""), content])
        entries.append(Entry(id=(item.get("id") or link).strip(), link=link, title=title, date=day, content=content,
                             fingerprint=hashlib.sha256(marks.encode()).hexdigest()[:16]))
    if not entries:
        raise LoadError("a feed with no entry that links to a page")
    return Feed(title=" ".join((parsed.feed.get("title") or "").split()), entries=entries)
