"""The index in a PostgreSQL database: the store a team points every replica at (`--db postgresql://...`).

The same tables and statements as the SQLite file (qa.index.store writes them once). What differs:
connections come from a pool per process (qa.index.pg_conn); writes to the releases are serialised across
every process by an advisory lock, as SQLite's one writer is, so two replicas ingesting the same release
store it once and generations never collide; snapshots are REPEATABLE READ; feed claims skip rows another
replica holds (FOR UPDATE SKIP LOCKED). A database in read-only mode (a hot standby) opens read-only.
"""

from __future__ import annotations

import itertools
import os
import secrets
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg.conninfo import make_conninfo

from qa.index import pg_schema
from qa.index.pg_conn import PgConnection, close_pool, translated
from qa.index.pg_listen import CHANNEL
from qa.index.storage_errors import IndexUnavailable, StorageFault, read_only
from qa.index.store import BOILERPLATE_VERSION, Store
from qa.settings import PostgresSettings, shown
from qa.text import analyze

_cursor_names = itertools.count()


class PostgresStore(Store):
    local = False
    LIKE = "ILIKE"
    GREATEST = "GREATEST"
    SKIP_LOCKED = " FOR UPDATE SKIP LOCKED"
    BUSY = psycopg.errors.LockNotAvailable

    def __init__(self, dsn: str, *, create: bool = True, settings: PostgresSettings | None = None) -> None:
        self.path = self.dsn = str(dsn)
        self.settings = settings or _settings()
        self.db = PgConnection(self.dsn, self.settings)
        # A read first (retried on a live connection when the pool's is dead), then the schema on the pool's.
        self.read_only = bool(self.db.execute("SELECT current_setting('transaction_read_only') = 'on'")
                              .fetchone()[0])
        with translated(self.dsn), self.db.pool.connection() as conn:
            current = pg_schema.applied(conn)
            if current == 0 and (not create or self.read_only):
                raise IndexUnavailable(f"no qa index in {shown(self.dsn)}; run `qa ingest` first or pass --db")
            if current != pg_schema.LATEST and not self.read_only:
                try:
                    pg_schema.migrate(conn)
                except RuntimeError as err:
                    raise IndexUnavailable(f"{shown(self.dsn)}: {err}") from err
        if not self.read_only:
            marked = self.db.execute("SELECT value FROM meta WHERE key='boilerplate'").fetchone()
            if marked is None or marked[0] != BOILERPLATE_VERSION:
                with self.write():
                    self._mark_boilerplate()

    def has_table(self, name: str) -> bool:
        return bool(self.db.execute("SELECT to_regclass(?) IS NOT NULL", (name,)).fetchone()[0])

    def close(self) -> None:
        self.db.close()

    def require_writable(self) -> None:
        if self.read_only:
            raise read_only(shown(self.dsn), "the database is read-only (a standby, or read-only by default)")

    @contextmanager
    def write(self, exclusive: bool = True) -> Iterator[None]:
        self.require_writable()
        with self.db.hold("BEGIN") as conn:
            if exclusive:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (pg_schema.WRITE_LOCK,))
            yield

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        with self.db.hold("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"):
            yield

    def gather_statistics(self) -> None:
        # Until autovacuum gets to a table just filled, the planner guesses: a catch-up reading one new chunk
        # was planned as a parallel scan of every chunk, with JIT compilation (100 ms instead of 2).
        self.db.execute("ANALYZE releases, chunks")

    def _bump(self) -> None:
        super()._bump()
        # Sent when this write commits (never for one rolled back): replicas listening catch up at once.
        self.db.execute("SELECT pg_notify(?, current_schema())", (CHANNEL,))

    def stream(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        """A server-side cursor, read in batches in binary (term bags are bytes); inside snapshot()."""
        conn = self.db.held
        if conn is None:
            return self.db.execute(sql, params)
        cur = conn.cursor(name=f"qa_stream_{next(_cursor_names)}", binary=True)
        with translated(self.dsn):
            cur.execute(sql.replace("?", "%s"), params or None)
        return cur

    def _insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        # COPY: several times faster than INSERTs for the bulk of an ingest (releases, chunks and their bags).
        conn = self.db.held
        if conn is None:  # never: put() writes in a transaction
            raise StorageFault("rows are written inside a write transaction", "storage_damaged")
        if not rows:
            return
        with translated(self.dsn), conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def _delete_releases(self, ids: list[str]) -> int:
        return int(self.db.execute("DELETE FROM releases WHERE id = ANY(?::text[])", (ids,)).rowcount)

    def _count_words(self, words: Counter[str], sign: int) -> None:
        # One statement over arrays, not one upsert a word (thousands a batch): the words are distinct.
        if not words:
            return
        listed = list(words)
        self.db.execute(
            "INSERT INTO vocab (word, term, count) SELECT * FROM unnest(?::text[], ?::text[], ?::integer[])"
            " ON CONFLICT (word) DO UPDATE SET count = vocab.count + excluded.count",
            (listed, [" ".join(analyze.terms(w)) for w in listed], [sign * words[w] for w in listed]))
        if sign < 0:
            self.db.execute("DELETE FROM vocab WHERE word = ANY(?::text[]) AND count <= 0", (listed,))


def in_schema(dsn: str, schema: str) -> str:
    """The address of a database (a URL, or libpq keywords) with its tables looked for (and made) in one
    schema of it."""
    if "://" not in dsn:
        return make_conninfo(dsn, options=f"-csearch_path={schema}")
    parts = urlsplit(dsn)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    query.append(("options", f"-csearch_path={schema}"))
    return urlunsplit(parts._replace(query=urlencode(query)))


@contextmanager
def scratch(dsn: str) -> Iterator[str]:
    """A schema of its own in a database for the block (an index made and thrown away, as qa eval's is),
    dropped afterwards: whatever else the database holds is never touched."""
    name = f"qa_scratch_{os.getpid()}_{secrets.token_hex(4)}"
    with translated(dsn), psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    inside = in_schema(dsn, name)
    try:
        yield inside
    finally:
        close_pool(inside)
        with translated(dsn), psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')


def _settings() -> PostgresSettings:
    from qa.settings import Settings

    return Settings().pg
