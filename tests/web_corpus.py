"""The corpus as a publisher's site: each release as an article page laid out as defense.gov lays out its
releases (navigation, a dateline, the article, related links, a footer), and RSS or Atom feeds of them.
Tests and benchmarks serve these from a loopback site (qa.testing.fake_web) instead of fetching the real pages."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest

from qa.ingest.load import split_header

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "dod-releases"


@dataclass
class Release:
    """A corpus release: its file's header and body."""

    name: str
    title: str
    date: str
    source: str
    body: str

    @property
    def slug(self) -> str:
        return Path(self.name).stem

    @property
    def paragraphs(self) -> list[str]:
        """One per non-empty line of the body, as the corpus files write them."""
        return [line.strip() for line in self.body.split("\n") if line.strip()]


def read_release(path: Path) -> Release:
    """A corpus release file, read by the same header reader as `qa ingest`."""
    header, body = split_header(path.read_text(encoding="utf-8"))
    return Release(name=path.name, title=header.get("title", ""), date=header.get("date", ""),
                   source=header.get("source", ""), body=body.strip())


def corpus_releases() -> list[Release]:
    """The shared corpus's releases; a module or test that needs them skips, saying where they were looked for, in
    a checkout that does not sit beside ../shared (as the `corpus` fixture does)."""
    found = [read_release(p) for p in sorted(CORPUS.glob("*.txt"))]
    if not found:
        pytest.skip(f"shared corpus not found at {CORPUS}", allow_module_level=True)
    return found


def _long_date(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.strftime('%b')}. {day.day}, {day.year}" if day.month != 5 else f"May {day.day}, {day.year}"


def article_page(release: Release, url: str) -> str:
    """The release as an article page whose canonical URL is `url`."""
    e = html.escape
    paragraphs = "\n".join(f"      <p>{e(p.strip())}</p>" for p in release.body.split("\n") if p.strip())
    dated = release.date and f'<meta property="article:published_time" content="{release.date}T12:00:00-05:00">'
    dateline = release.date and f'<p class="date"><time datetime="{release.date}">{_long_date(release.date)}</time></p>'
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{e(release.title)} &gt; U.S. Department of Defense &gt; Release</title>
  <link rel="canonical" href="{e(url)}">
  <meta property="og:title" content="{e(release.title)}">
  <meta property="og:url" content="{e(url)}">
  {dated or ""}
</head>
<body>
  <header>
    <nav aria-label="Main"><ul><li><a href="/News/">News</a></li><li><a href="/News/Releases/">Releases</a></li>
    <li><a href="/About/">About</a></li><li><a href="/Spotlights/">Spotlights</a></li></ul></nav>
  </header>
  <main>
    <article>
      <h1>{e(release.title)}</h1>
      {dateline or ""}
{paragraphs}
    </article>
    <aside><h2>Related</h2><ul><li><a href="/News/Releases/">More releases</a></li></ul></aside>
  </main>
  <footer><p>Hosted by Defense Media Activity - WEB.mil</p><ul><li><a href="/Privacy/">Privacy</a></li></ul></footer>
</body>
</html>
"""


def _rfc822(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso).replace(hour=12, tzinfo=timezone.utc))


def rss(title: str, items: list[tuple[Release, str]], *, content: bool = False) -> str:
    """An RSS 2.0 feed of (release, page URL); with content, each item carries the whole release."""
    e = html.escape
    out = []
    for release, url in items:
        dated = f"<pubDate>{_rfc822(release.date)}</pubDate>" if release.date else ""
        body = (f"<description>{e(release.body)}</description>" if content
                else f"<description>{e(release.body.split(chr(10))[0])}</description>")
        out.append(f"<item><title>{e(release.title)}</title><link>{e(url)}</link><guid>{e(url)}</guid>"
                   f"{dated}{body}</item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{e(title)}</title><link>http://example.test/</link><description>Releases</description>"
            + "".join(out) + "</channel></rss>\n")


def atom(title: str, items: list[tuple[Release, str]]) -> str:
    """An Atom feed of (release, page URL), each entry with its whole release as content."""
    e = html.escape
    out = []
    for release, url in items:
        stamp = f"{release.date or '2020-01-01'}T12:00:00Z"
        out.append(f"<entry><title>{e(release.title)}</title><link href=\"{e(url)}\"/><id>{e(url)}</id>"
                   f"<updated>{stamp}</updated><content type=\"text\">{e(release.body)}</content></entry>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{e(title)}</title><id>urn:qa:test</id><updated>2025-01-01T00:00:00Z</updated>"
            + "".join(out) + "</feed>\n")
