"""The index file: releases, their chunks and term bags, in one SQLite database.

SQLite in WAL mode gives what the index needs: each write is one transaction
(a release and all its chunks go in together or not at all), readers see a
consistent snapshot while a writer works, and the file survives crashes.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from qa.index.layout import Layout
from qa.index.storage_errors import (
    DAMAGED,
    GuardedConnection,
    GuardedCursor,
    IndexUnavailable,
    StorageFault,
    StoreError,
    read_only,
    translated,
)
from qa.models import Hit, Release, ReleaseDraft
from qa.text import acronyms, analyze, boilerplate

SCHEMA_VERSION = "1"
# Bumped when qa.text.boilerplate marks a new kind, so indexes stored before are marked again when opened.
BOILERPLATE_VERSION = "3"

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


@dataclass
class StoredChunk:
    """A chunk as stored: its span (its text is the release's), term bag and layout, as bytes
    (they cross from worker processes, where plain bytes pickle far faster than arrays)."""

    ordinal: int
    start: int
    end: int
    n_tokens: int
    n_terms: int  # distinct terms
    length: int  # all terms, with repeats: BM25's document length
    terms: bytes  # distinct term hashes, uint64
    tfs: bytes  # their counts, uint16
    seq: bytes  # Layout.seq
    sentence_starts: bytes  # Layout.starts
    sentence_kinds: bytes  # Layout.kinds

    @classmethod
    def of(cls, ordinal: int, start: int, end: int, n_tokens: int, terms: np.ndarray, tfs: np.ndarray,
           length: int, layout: Layout) -> StoredChunk:
        return cls(ordinal, start, end, n_tokens, len(terms), length, terms.tobytes(), tfs.tobytes(),
                   *layout.to_bytes())


@dataclass
class StoredRelease:
    id: str
    draft: ReleaseDraft
    content_hash: str
    chunks: list[StoredChunk]
    # Computed where the release is prepared (worker processes); None: computed when stored.
    words: Counter[str] | None = None  # analyze.surface_words of its title and text
    acronyms: list[tuple[str, str]] | None = None  # acronyms.learn: (acronym, long form)
    # boilerplate.spans of its text: in the worker, since finding instructions may run the parser.
    boilerplate: list[boilerplate.Span] | None = None


def _words_of(title: str, text: str) -> Counter[str]:
    return analyze.surface_words(f"{title}\n{text}")


def _writable(path: Path) -> bool:
    """Whether the index can be written: SQLite writes the file and, beside it, the -wal and -shm files.
    os.access also says no on a read-only mount, where even root cannot write."""
    return os.access(path.parent, os.W_OK) and os.access(path, os.W_OK)


def _connect(path: Path, writable: bool) -> sqlite3.Connection:
    if writable:
        return sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
    uri = path.resolve().as_uri() + "?mode=ro"
    if not os.access(path.parent, os.W_OK) and not path.with_name(path.name + "-shm").exists():
        # A WAL reader needs the -shm file, which SQLite cannot make in a read-only folder; with no
        # -shm no writer is at work, and none can start there, so the file alone is the index.
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30, check_same_thread=False)


class Store:
    """The index file. One that cannot be written (the file, its folder or its disk) opens read-only:
    search and reads work, and writes raise StorageFault "storage_read_only"."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise IndexUnavailable(f"no index at {self.path}; run `qa ingest` first or pass --db")
        self.read_only = self.path.exists() and not _writable(self.path)
        try:
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
        except OSError as err:  # its folder cannot be made
            raise read_only(self.path, f"{err.strerror}: {err.filename}" if err.filename else str(err)) from err
        except sqlite3.DatabaseError as err:
            raise IndexUnavailable(f"{self.path} is not a qa index: {err}") from err

    def _outdated(self) -> bool:
        """Whether opening must write: a new file, or one an older qa stored. Read first, so that opening an
        index as it should be takes no write lock (and works read-only)."""
        if self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone() is None:
            if self.read_only:
                raise IndexUnavailable(f"{self.path} is not a qa index (it holds no releases) and cannot be written")
            return True
        meta = dict(self.db.execute("SELECT key, value FROM meta WHERE key IN ('schema', 'vocab', 'boilerplate')"))
        self._check_schema(meta.get("schema"))
        # Read-only, an older file is read as it is: its boilerplate marks or vocabulary may lag.
        return not self.read_only and (meta.get("vocab") is None or meta.get("boilerplate") != BOILERPLATE_VERSION)

    def _check_schema(self, version: str | None) -> None:
        if version is not None and version != SCHEMA_VERSION:
            raise IndexUnavailable(f"{self.path} has index schema {version}, this qa reads {SCHEMA_VERSION}")

    def _migrate(self) -> None:
        with self.write():
            for statement in _SCHEMA.split(";"):
                self.db.execute(statement)
            row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                self.db.execute("INSERT INTO meta VALUES ('schema', ?), ('generation', '0')",
                                (SCHEMA_VERSION,))
            self._check_schema(row and row[0])
            if self.db.execute("SELECT 1 FROM meta WHERE key='vocab'").fetchone() is None:
                self._backfill_vocab()
            marked = self.db.execute("SELECT value FROM meta WHERE key='boilerplate'").fetchone()
            if marked is None or marked[0] != BOILERPLATE_VERSION:
                # Releases stored before boilerplate (or the latest kind of it) was marked get their marks once.
                self.db.execute("DELETE FROM boilerplate")
                self.db.executemany("INSERT INTO boilerplate VALUES (?,?,?,?)", [
                    (rowid, *span) for rowid, text in self.db.execute("SELECT rowid, text FROM releases")
                    for span in boilerplate.spans(text)])
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('boilerplate', ?)", (BOILERPLATE_VERSION,))

    def _backfill_vocab(self) -> None:
        """Vocabulary and acronyms of releases stored before they were kept (once per file)."""
        words: Counter[str] = Counter()
        learned = []
        for rowid, title, text in self.db.execute("SELECT rowid, title, text FROM releases"):
            words.update(_words_of(title, text))
            learned += [(rowid, short, long) for short, long in acronyms.learn(title, text)]
        self._count_words(words, 1)
        self.db.executemany("INSERT INTO acronyms VALUES (?,?,?)", learned)
        self.db.execute("INSERT INTO meta VALUES ('vocab', '1')")

    def _count_words(self, words: Counter[str], sign: int) -> None:
        """Add (sign 1) or take away (sign -1) word counts; words no release holds any more go."""
        if not words:
            return
        self.db.executemany(
            "INSERT INTO vocab (word, term, count) VALUES (?,?,?)"
            " ON CONFLICT(word) DO UPDATE SET count = count + excluded.count",
            [(w, " ".join(analyze.terms(w)), sign * n) for w, n in words.items()],
        )
        if sign < 0:
            self.db.executemany("DELETE FROM vocab WHERE word = ? AND count <= 0", [(w,) for w in words])

    def _stored_words(self, ids: Iterable[str]) -> Counter[str]:
        """The vocabulary counts of stored releases, to take away when they are replaced or removed."""
        words: Counter[str] = Counter()
        ids = list(ids)
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            rows = self.db.execute(f"SELECT title, text FROM releases WHERE id IN ({','.join('?' * len(part))})",
                                   part)
            for title, text in rows:
                words.update(_words_of(title, text))
        return words

    def close(self) -> None:
        self.db.close()

    def require_writable(self) -> None:
        """Raise StorageFault "storage_read_only" when the index was opened read-only."""
        if self.read_only:
            raise read_only(self.path, "the file, its folder or its disk is read-only")

    @contextmanager
    def write(self) -> Iterator[None]:
        """One write transaction; it takes the write lock at once so it cannot deadlock."""
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
        """A read transaction: everything read inside sees one version of the index."""
        if self.db.in_transaction:
            yield
            return
        self.db.execute("BEGIN")
        try:
            yield
        finally:
            self.db.execute("COMMIT")

    def generation(self) -> int:
        return int(self.db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0])

    def _bump(self) -> None:
        self.db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='generation'")

    def content_hashes(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT id, content_hash FROM releases"))

    def put(self, releases: Sequence[StoredRelease]) -> None:
        """Add or replace releases, all in one transaction."""
        if not releases:
            return
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        latest = {rel.id: rel for rel in releases}  # the same release twice in a batch: the last wins
        with self.write():
            words = self._stored_words(latest)  # of the replaced versions, taken away below
            self.db.executemany("DELETE FROM releases WHERE id = ?", [(rid,) for rid in latest])
            # Rowids given here, under the write lock, so all chunks go in with one statement.
            first = self.db.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM releases").fetchone()[0]
            self.db.executemany(
                "INSERT INTO releases (rowid, id, title, date, source, origin, content_hash, text,"
                " n_chunks, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(first + i, rel.id, rel.draft.title, rel.draft.date, rel.draft.source, rel.draft.origin,
                  rel.content_hash, rel.draft.text, len(rel.chunks), now)
                 for i, rel in enumerate(latest.values())],
            )
            self.db.executemany(
                "INSERT INTO chunks (release, ordinal, char_start, char_end, n_tokens, n_terms, length,"
                " terms, tfs, seq, sentence_starts, sentence_kinds) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [(first + i, c.ordinal, c.start, c.end, c.n_tokens, c.n_terms, c.length, c.terms, c.tfs,
                  c.seq, c.sentence_starts, c.sentence_kinds)
                 for i, rel in enumerate(latest.values()) for c in rel.chunks],
            )
            added: Counter[str] = Counter()
            for rel in latest.values():
                added.update(rel.words if rel.words is not None else _words_of(rel.draft.title, rel.draft.text))
            added.subtract(words)  # net change: replacing a release with itself touches few rows
            self._count_words(+added, 1)
            self._count_words(+(-added), -1)
            self.db.executemany(
                "INSERT INTO boilerplate VALUES (?,?,?,?)",
                [(first + i, *span) for i, rel in enumerate(latest.values())
                 for span in (rel.boilerplate if rel.boilerplate is not None else boilerplate.spans(rel.draft.text))],
            )
            self.db.executemany(
                "INSERT INTO acronyms VALUES (?,?,?)",
                [(first + i, short, long) for i, rel in enumerate(latest.values())
                 for short, long in (rel.acronyms if rel.acronyms is not None
                                     else acronyms.learn(rel.draft.title, rel.draft.text))],
            )
            self._bump()

    def resolve(self, id_or_prefix: str) -> str:
        """A release id from its id or a unique prefix of it."""
        rows = self.db.execute(
            "SELECT id FROM releases WHERE id >= ? AND id < ? LIMIT 2",
            (id_or_prefix, id_or_prefix + "\uffff"),
        ).fetchall()
        if not rows:
            raise StoreError(f"no release with id {id_or_prefix!r}; `qa releases` lists them")
        if len(rows) > 1 and rows[0][0] != id_or_prefix:
            raise StoreError(f"{id_or_prefix!r} matches several releases; give more of the id")
        return rows[0][0]

    def remove(self, ids: Sequence[str]) -> list[str]:
        """Remove releases by id or unique prefix, all or none."""
        resolved = [self.resolve(i) for i in ids]
        with self.write():
            self._count_words(self._stored_words(resolved), -1)
            self.db.executemany("DELETE FROM releases WHERE id = ?", [(i,) for i in resolved])
            self._bump()
        return resolved

    def releases(self) -> list[Release]:
        rows = self.db.execute(
            "SELECT id, title, date, source, origin, content_hash, n_chunks, ingested_at"
            " FROM releases ORDER BY date DESC, title"
        ).fetchall()
        fields = list(Release.model_fields)
        return [Release(**dict(zip(fields, row))) for row in rows]

    def release(self, release_id: str) -> Release:
        row = self.db.execute(
            "SELECT id, title, date, source, origin, content_hash, n_chunks, ingested_at FROM releases WHERE id = ?",
            (release_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"no release with id {release_id!r}; `qa releases` lists them")
        return Release(**dict(zip(Release.model_fields, row)))

    def chunk_at(self, release_id: str, offset: int) -> int:
        """Ordinal of the first chunk of a release that holds a character offset."""
        row = self.db.execute(
            "SELECT c.ordinal FROM chunks c JOIN releases r ON r.rowid = c.release"
            " WHERE r.id = ? AND c.char_start <= ? AND ? < c.char_end ORDER BY c.ordinal LIMIT 1",
            (release_id, offset, offset),
        ).fetchone()
        return row[0] if row else 0

    def boilerplate(self, release_id: str) -> list[boilerplate.Span]:
        """The boilerplate spans of a release's text, in order."""
        rows = self.db.execute(
            "SELECT b.char_start, b.char_end, b.kind FROM boilerplate b JOIN releases r ON r.rowid = b.release"
            " WHERE r.id = ? ORDER BY b.char_start", (release_id,))
        return [boilerplate.Span(*row) for row in rows]

    def release_text(self, release_id: str) -> str:
        row = self.db.execute("SELECT text FROM releases WHERE id = ?", (release_id,)).fetchone()
        if row is None:
            raise StoreError(f"no release with id {release_id!r}")
        return row[0]

    def counts(self) -> tuple[int, int, int]:
        """Chunks, stored term entries, and release rows."""
        n_chunks, n_terms = self.db.execute("SELECT COUNT(*), COALESCE(SUM(n_terms), 0) FROM chunks").fetchone()
        n_releases = self.db.execute("SELECT COUNT(*) FROM releases").fetchone()[0]
        return n_chunks, n_terms, n_releases

    def bags(self) -> GuardedCursor:
        """Rows of (chunk rowid, release rowid, length, release date, terms, tfs), by chunk rowid."""
        return self.db.execute(
            "SELECT c.rowid, c.release, c.length, r.date, c.terms, c.tfs"
            " FROM chunks c JOIN releases r ON r.rowid = c.release ORDER BY c.rowid"
        )

    def release_rowids(self, source_like: str) -> np.ndarray:
        rows = self.db.execute("SELECT rowid FROM releases WHERE source LIKE ? ESCAPE '\\'",
                               (source_like,)).fetchall()
        return np.array([r[0] for r in rows], dtype=np.int64)

    def hit_rows(self, chunk_rowids: Sequence[int]) -> dict[int, tuple[Hit, Layout]]:
        """Chunks by rowid, as hits (score 0) with their sentence layouts."""
        marks = ",".join("?" * len(chunk_rowids))
        rows = self.db.execute(
            "SELECT c.rowid, r.id, c.ordinal, r.title, r.date, r.source, c.char_start, c.char_end,"
            " substr(r.text, c.char_start + 1, c.char_end - c.char_start),"
            " c.seq, c.sentence_starts, c.sentence_kinds"
            f" FROM chunks c JOIN releases r ON r.rowid = c.release WHERE c.rowid IN ({marks})",
            list(chunk_rowids),
        ).fetchall()
        return {
            rowid: (Hit(chunk_id=f"{rid}:{ordinal}", release_id=rid, ordinal=ordinal, score=0.0, title=title,
                        date=date, source=source, start=start, end=end, text=text), Layout.from_bytes(*blobs))
            for rowid, rid, ordinal, title, date, source, start, end, text, *blobs in rows
        }

    def known_words(self, words: Sequence[str]) -> set[str]:
        """Those of the lower-cased words that some release holds, as written or by their analyzed term
        ("packages" when a release says "package")."""
        if not words:
            return set()
        terms = {w: " ".join(analyze.terms(w)) for w in words}
        marks = ",".join("?" * len(words))
        held = {r[0] for r in self.db.execute(f"SELECT word FROM vocab WHERE word IN ({marks})", list(words))}
        held_terms = {r[0] for r in self.db.execute(f"SELECT DISTINCT term FROM vocab WHERE term IN ({marks})",
                                                   list(terms.values()))}
        return {w for w in words if w in held or terms[w] in held_terms}

    def vocabulary(self) -> dict[str, int]:
        """Every word of the releases (lower-cased) with its count."""
        return dict(self.db.execute("SELECT word, count FROM vocab"))

    def acronyms(self) -> list[tuple[str, str, int]]:
        """(acronym, long form, releases defining it so), most defined first."""
        return self.db.execute(
            "SELECT short, long, COUNT(*) AS n FROM acronyms GROUP BY short, long ORDER BY n DESC, short, long"
        ).fetchall()

    def load_arrays(self, generation: int, params: str) -> dict[str, np.ndarray] | None:
        rows = self.db.execute(
            "SELECT name, dtype, data FROM index_cache WHERE generation = ? AND params = ?",
            (generation, params),
        ).fetchall()
        return {name: np.frombuffer(data, dtype=dtype) for name, dtype, data in rows} or None

    def save_arrays(self, generation: int, params: str, arrays: dict[str, np.ndarray]) -> bool:
        """Keep a built index for the next reader; skipped if the index moved on meanwhile, or cannot be written."""
        if self.read_only:
            return False
        try:
            with self.write():
                if self.generation() != generation:
                    return False
                self.db.execute("DELETE FROM index_cache")
                self.db.executemany(
                    "INSERT INTO index_cache VALUES (?,?,?,?,?)",
                    [(name, generation, params, a.dtype.str, a.tobytes()) for name, a in arrays.items()],
                )
        except StorageFault as err:
            if err.code == DAMAGED:
                raise
            return False  # a full disk: the next search builds again
        except sqlite3.OperationalError:
            return False  # a long write elsewhere: the next search builds again
        return True
