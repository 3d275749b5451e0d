"""The index: releases, their chunks and term bags, in one database, SQLite (a file) or PostgreSQL (a server).

Each write is one transaction (a release and all its chunks go in together or
not at all), readers see a consistent snapshot while a writer works, and every
write bumps the index's generation, stamped on the chunks it adds, so a reader
holding the BM25 arrays in memory can follow the writes of any process
(qa.index.follow) without rebuilding.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from qa.index.layout import Layout
from qa.index.storage_errors import DAMAGED, StorageFault, StoreError, read_only
from qa.models import Hit, Release, ReleaseDraft
from qa.settings import is_postgres
from qa.text import acronyms, analyze, boilerplate

__all__ = ["BOILERPLATE_VERSION", "StorageFault", "Store", "StoreError", "StoredChunk", "StoredRelease"]


# Bumped when qa.text.boilerplate marks lines otherwise, so indexes stored before are marked again when opened.
BOILERPLATE_VERSION = "8"

_RELEASE_COLUMNS = ("rowid", "id", "title", "date", "source", "origin", "content_hash", "text", "n_chunks",
                    "ingested_at")
_CHUNK_COLUMNS = ("release", "ordinal", "char_start", "char_end", "n_tokens", "n_terms", "length", "terms", "tfs",
                  "seq", "sentence_starts", "sentence_kinds", "gen")

# The chunk columns the BM25 arrays are built from, in the order bm25 reads them.
_BAG = ("SELECT c.rowid, c.release, c.length, r.date, c.terms, c.tfs"
        " FROM chunks c JOIN releases r ON r.rowid = c.release")


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
    ingested_at: str | None = None  # kept when a release is copied from another index (qa migrate); None: now


def _words_of(title: str, text: str) -> Counter[str]:
    return analyze.surface_words(f"{title}\n{text}")


class Store:
    """The index: releases, their chunks and term bags, vocabulary, acronyms, boilerplate, feeds, the BM25
    arrays' cache and a generation that every write bumps.

    `Store(target)` opens the implementation its target names: an SQLite file (qa.index.sqlite_store, the
    default) or a PostgreSQL database, `postgresql://...` (qa.index.pg_store). Callers never know which: the
    SQL here is written once, with `?` marks, in the dialect both speak; each implementation supplies its
    connection, transactions and the few spellings that differ (the class attributes below).

    One that cannot be written opens read-only: search and reads work, and writes raise StorageFault
    "storage_read_only".
    """

    # Whether reads are local (a file): cheap enough to run on the service's event loop. A server's are not.
    local: ClassVar[bool] = True
    # The case-insensitive LIKE (SQLite's LIKE already ignores ASCII case) and the two-argument maximum.
    LIKE: ClassVar[str] = "LIKE"
    GREATEST: ClassVar[str] = "max"
    # Appended to the SELECT that claims due feeds, so that concurrent claimers skip each other's rows.
    SKIP_LOCKED: ClassVar[str] = ""
    # The error a write meets when another holds the index too long (SQLite's "database is locked").
    BUSY: ClassVar[type[Exception] | tuple[type[Exception], ...]] = ()

    db: Any
    read_only: bool = False
    path: Path | str

    def __new__(cls, target: Path | str, *args: Any, **kwargs: Any) -> Store:
        if cls is Store:
            if is_postgres(target):
                from qa.index.pg_store import PostgresStore

                cls = PostgresStore
            else:
                from qa.index.sqlite_store import SqliteStore

                cls = SqliteStore
        return super().__new__(cls)

    # What each implementation provides.
    def close(self) -> None:
        raise NotImplementedError

    @contextmanager
    def write(self, exclusive: bool = True) -> Iterator[None]:
        """One write transaction. `exclusive`: one at a time over the whole index (releases and their
        generation); feeds' bookkeeping locks only its rows."""
        raise NotImplementedError
        yield

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: everything read inside sees one version of the index."""
        raise NotImplementedError
        yield

    def has_table(self, name: str) -> bool:
        raise NotImplementedError

    def gather_statistics(self) -> None:
        """After a bulk copy: what the database plans its queries by, gathered now rather than when it gets to it."""

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Rows of a large read, fetched in batches (fetchmany) rather than all at once; inside snapshot()."""
        return self.db.execute(sql, params)

    def require_writable(self) -> None:
        """Raise StorageFault "storage_read_only" when the index was opened read-only."""
        if self.read_only:
            raise read_only(self.path, "the file, its folder or its disk is read-only")

    def _backfill_vocab(self) -> None:
        """Vocabulary and acronyms of releases stored before they were kept (once per index)."""
        words: Counter[str] = Counter()
        learned = []
        for rowid, title, text in self.db.execute("SELECT rowid, title, text FROM releases").fetchall():
            words.update(_words_of(title, text))
            learned += [(rowid, short, long) for short, long in acronyms.learn(title, text)]
        self._count_words(words, 1)
        self.db.executemany("INSERT INTO acronyms VALUES (?,?,?)", learned)
        self._set_meta("vocab", "1")

    def _mark_boilerplate(self) -> None:
        """Releases stored before boilerplate (or the latest kind of it) was marked get their marks once."""
        self.db.execute("DELETE FROM boilerplate")
        self.db.executemany("INSERT INTO boilerplate VALUES (?,?,?,?)", [
            (rowid, *span) for rowid, text in self.db.execute("SELECT rowid, text FROM releases").fetchall()
            for span in boilerplate.spans(text)])
        self._set_meta("boilerplate", BOILERPLATE_VERSION)

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        (key, value))

    def _count_words(self, words: Counter[str], sign: int) -> None:
        """Add (sign 1) or take away (sign -1) word counts; words no release holds any more go."""
        if not words:
            return
        self.db.executemany(
            "INSERT INTO vocab (word, term, count) VALUES (?,?,?)"
            " ON CONFLICT(word) DO UPDATE SET count = vocab.count + excluded.count",
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
                                   part).fetchall()
            for title, text in rows:
                words.update(_words_of(title, text))
        return words

    def generation(self) -> int:
        return int(self.db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0])

    def _bump(self) -> None:
        self.db.execute("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key='generation'")

    def content_hashes(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT id, content_hash FROM releases").fetchall())

    def put(self, releases: Sequence[StoredRelease]) -> None:
        """Add or replace releases, all in one transaction."""
        if not releases:
            return
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        latest = {rel.id: rel for rel in releases}  # the same release twice in a batch: the last wins
        with self.write():
            # The generation this write makes, stamped on its chunks: what a follower reads to catch up.
            gen = self.generation() + 1
            words = self._stored_words(latest)  # of the replaced versions, taken away below
            if self._delete_releases(list(latest)):
                self._set_meta("removed", str(gen))
            # Rowids given here, under the write lock, so all chunks go in with one statement.
            first = self.db.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM releases").fetchone()[0]
            self._insert(
                "releases", _RELEASE_COLUMNS,
                [(first + i, rel.id, rel.draft.title, rel.draft.date, rel.draft.source, rel.draft.origin,
                  rel.content_hash, rel.draft.text, len(rel.chunks), rel.ingested_at or now)
                 for i, rel in enumerate(latest.values())],
            )
            self._insert(
                "chunks", _CHUNK_COLUMNS,
                [(first + i, c.ordinal, c.start, c.end, c.n_tokens, c.n_terms, c.length, c.terms, c.tfs,
                  c.seq, c.sentence_starts, c.sentence_kinds, gen)
                 for i, rel in enumerate(latest.values()) for c in rel.chunks],
            )
            added: Counter[str] = Counter()
            for rel in latest.values():
                added.update(rel.words if rel.words is not None else _words_of(rel.draft.title, rel.draft.text))
            added.subtract(words)  # net change: replacing a release with itself touches few rows
            self._count_words(+added, 1)
            self._count_words(+(-added), -1)
            self._insert(
                "boilerplate", ("release", "char_start", "char_end", "kind"),
                [(first + i, *span) for i, rel in enumerate(latest.values())
                 for span in (rel.boilerplate if rel.boilerplate is not None else boilerplate.spans(rel.draft.text))],
            )
            self._insert(
                "acronyms", ("release", "short", "long"),
                [(first + i, short, long) for i, rel in enumerate(latest.values())
                 for short, long in (rel.acronyms if rel.acronyms is not None
                                     else acronyms.learn(rel.draft.title, rel.draft.text))],
            )
            self._bump()

    def _delete_releases(self, ids: list[str]) -> int:
        """Delete releases (their chunks and marks go with them), inside a write; how many there were."""
        return int(self.db.executemany("DELETE FROM releases WHERE id = ?", [(rid,) for rid in ids]).rowcount)

    def _insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Rows into a table, inside a write (a server's store sends them in bulk)."""
        self.db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({','.join('?' * len(columns))})",
                            rows)

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
            self._delete_releases(resolved)
            self._set_meta("removed", str(self.generation() + 1))
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
            " WHERE r.id = ? ORDER BY b.char_start", (release_id,)).fetchall()
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

    def bags(self) -> Any:
        """Rows of (chunk rowid, release rowid, length, release date, terms, tfs), by chunk rowid (fetchmany)."""
        return self.stream(_BAG + " ORDER BY c.rowid")

    def removed_since(self, generation: int) -> bool:
        """Whether a write after a generation removed chunks (replaced or removed releases): every write that
        does marks its generation (meta 'removed'), so a follower needs no list of the chunks still stored."""
        row = self.db.execute("SELECT value FROM meta WHERE key='removed'").fetchone()
        return row is not None and int(row[0]) > generation

    def bags_since(self, generation: int) -> list[tuple[Any, ...]]:
        """The bags of chunks written after a generation, as bags() gives them."""
        # Written so that the work follows the few new chunks, never the index's size: "+c.rowid" sorts after
        # the search, so SQLite finds them by the gen index instead of scanning every chunk in rowid order;
        # each one's release date is looked up by its key, where a join let PostgreSQL (its statistics not
        # yet gathered after a bulk load) hash every release.
        return self.db.execute(
            "SELECT c.rowid, c.release, c.length, (SELECT r.date FROM releases r WHERE r.rowid = c.release),"
            " c.terms, c.tfs FROM chunks c WHERE c.gen > ? ORDER BY +c.rowid", (generation,)).fetchall()

    def chunk_rowids(self) -> np.ndarray:
        """Every stored chunk's rowid, ascending."""
        rows = self.db.execute("SELECT rowid FROM chunks ORDER BY rowid").fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def release_rowids(self, source_like: str) -> np.ndarray:
        rows = self.db.execute(f"SELECT rowid FROM releases WHERE source {self.LIKE} ? ESCAPE '\\'",
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
        held = {r[0] for r in self.db.execute(f"SELECT word FROM vocab WHERE word IN ({marks})",
                                              list(words)).fetchall()}
        held_terms = {r[0] for r in self.db.execute(f"SELECT DISTINCT term FROM vocab WHERE term IN ({marks})",
                                                   list(terms.values())).fetchall()}
        return {w for w in words if w in held or terms[w] in held_terms}

    def vocabulary(self) -> dict[str, int]:
        """Every word of the releases (lower-cased) with its count."""
        return dict(self.db.execute("SELECT word, count FROM vocab").fetchall())

    def acronyms(self) -> list[tuple[str, str, int]]:
        """(acronym, long form, releases defining it so), most defined first."""
        return self.db.execute(
            "SELECT short, long, COUNT(*) AS n FROM acronyms GROUP BY short, long ORDER BY n DESC, short, long"
        ).fetchall()  # type: ignore[no-any-return]

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
        except self.BUSY:
            return False  # a long write elsewhere: the next search builds again
        return True
