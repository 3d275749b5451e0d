"""Watched feeds, kept in the index beside the releases they bring: each feed's validators (ETag,
Last-Modified) for conditional requests, when it was fetched and with what outcome, its counts, and each
entry's fingerprint, so a poll fetches only entries that are new or changed."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pydantic import BaseModel, Field

from qa.index.store import Store

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    every REAL NOT NULL,
    etag TEXT,
    last_modified TEXT,
    last_fetch TEXT NOT NULL DEFAULT '',
    next_fetch TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'new',
    error TEXT NOT NULL DEFAULT '',
    entries INTEGER NOT NULL DEFAULT 0,
    added INTEGER NOT NULL DEFAULT 0,
    replaced INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    polls INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS feed_entries (
    feed TEXT NOT NULL REFERENCES feeds(url) ON DELETE CASCADE,
    entry TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    release_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (feed, entry)
) WITHOUT ROWID;
"""


class FeedStatus(BaseModel):
    url: str
    title: str = ""
    every: float = Field(description="Seconds between polls")
    last_fetch: str = Field("", description="When it was last fetched (UTC, ISO 8601); empty: never")
    next_fetch: str = Field("", description="When it is next due (UTC, ISO 8601)")
    status: str = Field("new", description="new, ok, not_modified (304), or the last poll's error code")
    error: str = Field("", description="The last poll's error, naming the URL and the reason")
    entries: int = Field(0, description="Entries in the feed when last read")
    added: int = Field(0, description="Releases it added, over all polls")
    replaced: int = Field(0, description="Releases it replaced (changed entries), over all polls")
    failed: int = Field(0, description="Entries that could not be ingested, over all polls")
    polls: int = 0


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class FeedStore:
    """The watched feeds of one index; in an SQLite file made when first used, so older files need no
    migration (PostgreSQL's schema has them from its first migration)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db
        self._tables = store.has_table("feed_entries")
        if not store.read_only and not self._tables:
            with store.write():
                for statement in _SCHEMA.split(";"):
                    self.db.execute(statement)
            self._tables = True

    def _has_tables(self) -> bool:
        return self._tables

    def watch(self, url: str, every: float) -> FeedStatus:
        """Watch a feed (again: its interval is updated, its history kept); due at once when new."""
        with self.store.write(exclusive=False):
            self.db.execute("INSERT INTO feeds (url, every) VALUES (?, ?) ON CONFLICT(url) DO UPDATE SET every = "
                            "excluded.every", (url, every))
        return self.get(url)

    def watched(self, url: str) -> bool:
        found = self._has_tables() and self.db.execute("SELECT 1 FROM feeds WHERE url = ?", (url,)).fetchone()
        return bool(found)

    def unwatch(self, url: str) -> bool:
        with self.store.write(exclusive=False):
            return self.db.execute("DELETE FROM feeds WHERE url = ?", (url,)).rowcount > 0

    def get(self, url: str) -> FeedStatus:
        feed = next((f for f in self.all() if f.url == url), None)
        if feed is None:
            raise KeyError(url)
        return feed

    def all(self) -> list[FeedStatus]:
        if not self._has_tables():
            return []
        rows = self.db.execute("SELECT url, title, every, last_fetch, next_fetch, status, error, entries, added, "
                               "replaced, failed, polls FROM feeds ORDER BY url").fetchall()
        names = list(FeedStatus.model_fields)
        return [FeedStatus(**dict(zip(names, row))) for row in rows]

    def validators(self, url: str) -> tuple[str | None, str | None]:
        row = self.db.execute("SELECT etag, last_modified FROM feeds WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def fingerprints(self, url: str) -> dict[str, str]:
        return dict(self.db.execute("SELECT entry, fingerprint FROM feed_entries WHERE feed = ?", (url,)).fetchall())

    def claim_due(self, at: datetime | None = None, limit: int | None = None) -> list[str]:
        """The feeds due now, each pushed to its next time in the same transaction: of several processes
        polling one index, one polls each feed. On PostgreSQL the due rows are locked as they are read and
        rows another replica is claiming are skipped (FOR UPDATE SKIP LOCKED): claims never wait or collide.
        `limit`: claim at most this many (a replica claiming one at a time shares the round with the others)."""
        if not self._has_tables():
            return []
        moment = at or now()
        claimed = []
        with self.store.write(exclusive=False):
            due = self.db.execute("SELECT url, every FROM feeds WHERE next_fetch <= ? ORDER BY next_fetch, url"
                                  + (f" LIMIT {int(limit)}" if limit else "") + self.store.SKIP_LOCKED,
                                  (stamp(moment),)).fetchall()
            for url, every in due:
                self.db.execute("UPDATE feeds SET next_fetch = ? WHERE url = ?",
                                (stamp(moment + timedelta(seconds=every)), url))
                claimed.append(url)
        return claimed

    def next_due(self) -> datetime | None:
        row = self.db.execute("SELECT min(next_fetch) FROM feeds").fetchone() if self._has_tables() else None
        return datetime.fromisoformat(row[0].replace("Z", "+00:00")) if row and row[0] else None

    def record(self, url: str, *, status: str, error: str = "", title: str | None = None,
               etag: str | None = None, last_modified: str | None = None, entries: int | None = None,
               seen: dict[str, tuple[str, str]] | None = None, added: int = 0, replaced: int = 0,
               failed: int = 0) -> None:
        """A poll's outcome. seen: entry id -> (fingerprint, release id) of the entries ingested (or found
        unchanged); entries that failed are left out, so the next poll tries them again."""
        moment = now()
        with self.store.write(exclusive=False):
            row = self.db.execute("SELECT every FROM feeds WHERE url = ?", (url,)).fetchone()
            if row is None:  # read once, not watched (qa ingest FEED): nothing is kept, nothing will poll it
                return
            self.db.execute(
                "UPDATE feeds SET last_fetch = ?, status = ?, error = ?, polls = polls + 1, added = added + ?, "
                f"replaced = replaced + ?, failed = failed + ?, next_fetch = {self.store.GREATEST}(next_fetch, ?) "
                "WHERE url = ?",
                (stamp(moment), status, error, added, replaced, failed,
                 stamp(moment + timedelta(seconds=row[0])), url))
            if title is not None:
                self.db.execute("UPDATE feeds SET title = ? WHERE url = ?", (title, url))
            if entries is not None:
                self.db.execute("UPDATE feeds SET entries = ? WHERE url = ?", (entries, url))
            if status == "ok":  # validators only from a whole, successful read
                self.db.execute("UPDATE feeds SET etag = ?, last_modified = ? WHERE url = ?",
                                (etag, last_modified, url))
            for entry, (fingerprint, release_id) in (seen or {}).items():
                self.db.execute("INSERT INTO feed_entries VALUES (?, ?, ?, ?) ON CONFLICT(feed, entry) DO UPDATE "
                                "SET fingerprint = excluded.fingerprint, release_id = excluded.release_id",
                                (url, entry, fingerprint, release_id))
