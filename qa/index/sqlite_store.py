"""The index in one SQLite file: the embedded default, right for one person and one machine.

SQLite in WAL mode gives what the index needs: each write is one transaction (a release and all its chunks
go in together or not at all), readers see a consistent snapshot while a writer works, and the file survives
crashes. The schema is versioned (meta 'schema'); older files are migrated when opened writable.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qa.index.storage_errors import GuardedConnection, IndexUnavailable, StoreError, read_only, translated
from qa.index.store import BOILERPLATE_VERSION, Store

SCHEMA_VERSION = "2"
# Versions this qa still reads as they are when it cannot write the file (a read-only index is never migrated).
_READABLE = {"1", SCHEMA_VERSION}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS releases (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    date TEXT NOT NULL,
    source TEXT NOT NULL,
    origin TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    text TEXT NOT NULL,
    n_chunks INTEGER NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY,
    release INTEGER NOT NULL REFERENCES releases(rowid) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    n_tokens INTEGER NOT NULL,
    n_terms INTEGER NOT NULL,
    length INTEGER NOT NULL,
    terms BLOB NOT NULL,
    tfs BLOB NOT NULL,
    seq BLOB NOT NULL,
    sentence_starts BLOB NOT NULL,
    sentence_kinds BLOB NOT NULL,
    gen INTEGER NOT NULL DEFAULT 0,
    UNIQUE (release, ordinal)
);
-- The releases' words as written (lower-cased) with their counts over all releases, and each word's
-- analyzed term: what typo correction matches against. Kept in the transaction that adds or removes releases.
CREATE TABLE IF NOT EXISTS vocab (word TEXT PRIMARY KEY, term TEXT NOT NULL, count INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS vocab_term ON vocab(term);
-- Acronyms each release defines, with their long forms, deleted with their release.
CREATE TABLE IF NOT EXISTS acronyms (
    release INTEGER NOT NULL REFERENCES releases(rowid) ON DELETE CASCADE,
    short TEXT NOT NULL,
    long TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS acronyms_release ON acronyms(release);
-- Boilerplate of each release (qa.text.boilerplate): character spans of its text, never content.
CREATE TABLE IF NOT EXISTS boilerplate (
    release INTEGER NOT NULL REFERENCES releases(rowid) ON DELETE CASCADE,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    kind TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS boilerplate_release ON boilerplate(release);
CREATE TABLE IF NOT EXISTS index_cache (
    name TEXT PRIMARY KEY,
    generation INTEGER NOT NULL,
    params TEXT NOT NULL,
    dtype TEXT NOT NULL,
    data BLOB NOT NULL
);
"""
# Each step takes a file from the version before it to its own; run in order, in the opening write.
_MIGRATIONS = {
    # 2: chunks stamped with the generation that wrote them, so readers catch up on writes incrementally.
    "2": ["ALTER TABLE chunks ADD COLUMN gen INTEGER NOT NULL DEFAULT 0"],
}
_LAST_INDEXES = "CREATE INDEX IF NOT EXISTS chunks_gen ON chunks(gen)"


def _writable(path: Path) -> bool:
    """Whether the index can be written: SQLite writes the file and, beside it, the -wal and -shm files.
    os.access also says no on a read-only mount, where even root cannot write."""
    return os.access(path.parent, os.W_OK) and os.access(path, os.W_OK)


# Seconds between tries to open an index another connection is making (about 3 s in all).
_LOCKED_WAITS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0)


def _locked(err: sqlite3.OperationalError) -> bool:
    return "locked" in str(err) or "busy" in str(err)


def _connect(path: Path, writable: bool) -> sqlite3.Connection:
    if writable:
        return sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
    uri = path.resolve().as_uri() + "?mode=ro"
    if not os.access(path.parent, os.W_OK) and not path.with_name(path.name + "-shm").exists():
        # A WAL reader needs the -shm file, which SQLite cannot make in a read-only folder; with no
        # -shm no writer is at work, and none can start there, so the file alone is the index.
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30, check_same_thread=False)


class SqliteStore(Store):
    """The index file. One that cannot be written (the file, its folder or its disk) opens read-only:
    search and reads work, and writes raise StorageFault "storage_read_only"."""

    BUSY = sqlite3.OperationalError

    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise IndexUnavailable(f"no index at {self.path}; run `qa ingest` first or pass --db")
        self.read_only = self.path.exists() and not _writable(self.path)
        for wait in (*_LOCKED_WAITS, None):
            try:
                self._open()
                return
            except OSError as err:  # its folder cannot be made
                raise read_only(self.path, f"{err.strerror}: {err.filename}" if err.filename else str(err)) from err
            except sqlite3.OperationalError as err:
                if not _locked(err):
                    raise IndexUnavailable(f"{self.path} is not a qa index: {err}") from err
                # Several threads or processes opening a new index at once: one makes it WAL and writes its
                # tables, and SQLite may tell another "locked" at once, without waiting (its busy timeout is
                # for writes). The file is sound: open it again once the first is done.
                if hasattr(self, "db"):
                    self.db.close()
                if wait is None:
                    raise IndexUnavailable(f"{self.path} stayed locked by another writer while opening") from err
                time.sleep(wait)
            except sqlite3.DatabaseError as err:
                raise IndexUnavailable(f"{self.path} is not a qa index: {err}") from err

    def _open(self) -> None:
        with translated(self.path):
            if not self.read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = GuardedConnection(_connect(self.path, not self.read_only), self.path)
        if not self.read_only:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        if self._outdated():
            self._migrate()

    def _outdated(self) -> bool:
        """Whether opening must write: a new file, or one an older qa stored. Read first, so that opening an
        index as it should be takes no write lock (and works read-only)."""
        if not self.has_table("meta"):
            if self.read_only:
                raise IndexUnavailable(f"{self.path} is not a qa index (it holds no releases) and cannot be written")
            return True
        meta = dict(self.db.execute("SELECT key, value FROM meta WHERE key IN ('schema', 'vocab', 'boilerplate')"))
        self._check_schema(meta.get("schema"), _READABLE if self.read_only else {*_MIGRATIONS, "1"})
        # Read-only, an older file is read as it is: its boilerplate marks or vocabulary may lag.
        return not self.read_only and (meta.get("schema") != SCHEMA_VERSION or meta.get("vocab") is None
                                       or meta.get("boilerplate") != BOILERPLATE_VERSION)

    def _check_schema(self, version: str | None, known: set[str]) -> None:
        if version is not None and version not in known:
            raise IndexUnavailable(f"{self.path} has index schema {version}, this qa reads {SCHEMA_VERSION}")

    def _migrate(self) -> None:
        with self.write():
            row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone() \
                if self.has_table("meta") else None
            version = row[0] if row else None
            self._check_schema(version, {*_MIGRATIONS, "1"})
            if version is not None:  # an older file: each step after its version, in order
                for step in sorted(v for v in _MIGRATIONS if int(v) > int(version)):
                    for statement in _MIGRATIONS[step]:
                        self.db.execute(statement)
            for statement in _SCHEMA.split(";"):
                self.db.execute(statement)
            self.db.execute(_LAST_INDEXES)
            if version is None:
                self.db.execute("INSERT INTO meta VALUES ('generation', '0')")
            self._set_meta("schema", SCHEMA_VERSION)
            if self.db.execute("SELECT 1 FROM meta WHERE key='vocab'").fetchone() is None:
                self._backfill_vocab()
            marked = self.db.execute("SELECT value FROM meta WHERE key='boilerplate'").fetchone()
            if marked is None or marked[0] != BOILERPLATE_VERSION:
                self._mark_boilerplate()

    def has_table(self, name: str) -> bool:
        return self.db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def write(self, exclusive: bool = True) -> Iterator[None]:
        """One write transaction; it takes the write lock at once so it cannot deadlock (SQLite has one
        writer at a time, so every write is exclusive)."""
        self.require_writable()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException:
            # After some errors (a full disk) SQLite has rolled back already; a failed rollback must not
            # hide the error that caused it.
            if self.db.in_transaction:
                with contextlib.suppress(sqlite3.Error, StoreError):
                    self.db.execute("ROLLBACK")
            raise

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        if self.db.in_transaction:
            yield
            return
        self.db.execute("BEGIN")
        try:
            yield
        finally:
            self.db.execute("COMMIT")
