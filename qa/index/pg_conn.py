"""Connections to PostgreSQL for the store and the answer log: one pool per process and database, sized by
settings.pg, and statements written with SQLite's `?` marks run as psycopg's `%s`.

A pooled connection found dead (the server restarted, or its session was ended) is replaced and the work
retried once, where that is safe: a transaction that failed at its BEGIN, and a statement outside one that
is a read or an insert that ignores rows already there (`repeatable`). Every other error that means the
server cannot be reached (refused, timed out, dropped mid-query, the pool
exhausted past its timeout) comes out as StorageFault "storage_unavailable", one line that names the database
without its password; the service answers it with 503, and the next statement tries the server again.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

import psycopg
import psycopg_pool

from qa.index.storage_errors import StorageFault
from qa.settings import PostgresSettings, shown

UNAVAILABLE = "storage_unavailable"

_pools: dict[tuple[str, int, int, float], psycopg_pool.ConnectionPool] = {}
_pools_lock = threading.Lock()


@lru_cache(maxsize=512)
def pg_sql(sql: str) -> str:
    """SQLite's placeholders as psycopg's: `?` becomes `%s`, and a literal `%` is doubled (psycopg reads
    marks only in a statement given parameters: one without is sent as it is)."""
    return sql.replace("%", "%%").replace("?", "%s")


def repeatable(sql: str) -> bool:
    """Whether a statement run outside a transaction may run again when its connection died under it (it may
    have run once already): a read, or an insert that leaves a row already there as it is."""
    words = sql.lstrip().split(None, 1)
    head = words[0].upper() if words else ""
    return (head in ("SELECT", "WITH") and " FOR UPDATE" not in sql.upper()) or (
        head == "INSERT" and "ON CONFLICT" in sql.upper() and sql.upper().rstrip().endswith("DO NOTHING"))


def _run(conn: psycopg.Connection, sql: str, params: Sequence[Any]) -> psycopg.Cursor:
    return conn.execute(pg_sql(sql), params) if params else conn.execute(sql)


def unavailable(dsn: str, err: BaseException) -> StorageFault:
    # psycopg's messages name host and port, never the password; the DSN is shown without it.
    reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return StorageFault(f"the database {shown(dsn)} cannot be reached ({reason}); the index is unavailable "
                        "until it is back", UNAVAILABLE)


@contextlib.contextmanager
def translated(dsn: str) -> Iterator[None]:
    """The server's connection failures as StorageFault "storage_unavailable"; other errors as they are."""
    try:
        yield
    except (psycopg.OperationalError, psycopg_pool.PoolTimeout, psycopg.InterfaceError) as err:
        raise unavailable(dsn, err) from err


def pool(dsn: str, settings: PostgresSettings) -> psycopg_pool.ConnectionPool:
    """The process's pool for a database: connections in autocommit (transactions are begun explicitly).
    Connections are not checked before each use (a round trip per statement, which doubled a search's
    time): one the server dropped is found dead by the statement that uses it, which is retried on a live
    one where that is safe (PgConnection), and the pool, seeing it broken when it comes back, replaces it."""
    key = (dsn, settings.pool_min, settings.pool_max, settings.connect_timeout)
    with _pools_lock:
        found = _pools.get(key)
        if found is None:
            found = psycopg_pool.ConnectionPool(
                dsn, min_size=min(settings.pool_min, settings.pool_max), max_size=settings.pool_max,
                timeout=settings.connect_timeout, open=False,
                # Reconnecting after the server went away: soon, so readiness comes back by itself.
                reconnect_timeout=0, kwargs={"autocommit": True, "connect_timeout": max(1, round(
                    settings.connect_timeout)), "application_name": "qa"}, name="qa")
            found.open(wait=False)
            _pools[key] = found
        return found


def close_pool(dsn: str) -> None:
    """Close this process's pools to one database."""
    with _pools_lock:
        for key in [k for k in _pools if k[0] == dsn]:
            _pools.pop(key).close(timeout=1)


def close_pools() -> None:
    """Close every pool of this process (tests, and a server shutting down)."""
    with _pools_lock:
        for p in _pools.values():
            p.close(timeout=1)
        _pools.clear()


class Rows:
    """A result read in full: what a statement outside a transaction gives, its connection back in the pool."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self._at = 0
        self.rowcount = rowcount

    def fetchone(self) -> Any:
        if self._at >= len(self._rows):
            return None
        self._at += 1
        return self._rows[self._at - 1]

    def fetchmany(self, size: int) -> list[Any]:
        part = self._rows[self._at:self._at + size]
        self._at += len(part)
        return part

    def fetchall(self) -> list[Any]:
        part = self._rows[self._at:]
        self._at = len(self._rows)
        return part

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class PgConnection:
    """The store's view of the database: execute/executemany with `?` marks. Inside hold() (a transaction)
    statements run on the held connection; outside, each borrows one from the pool for itself."""

    def __init__(self, dsn: str, settings: PostgresSettings) -> None:
        self.dsn = dsn
        self.pool = pool(dsn, settings)
        self._local = threading.local()

    @property
    def held(self) -> psycopg.Connection | None:
        return getattr(self._local, "conn", None)

    @property
    def in_transaction(self) -> bool:
        conn = self.held
        return conn is not None and conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def _renew(self) -> None:
        """After a pooled connection was found dead: the pool's idle ones checked, the dead replaced, so the
        retry gets a live one (the server restarted, or an administrator ended this process's sessions)."""
        with contextlib.suppress(psycopg.Error, psycopg_pool.PoolTimeout):
            self.pool.check()

    @contextlib.contextmanager
    def _begun(self, begin: str) -> Iterator[psycopg.Connection]:
        """A connection of the pool with a transaction begun. One that turns out dead at BEGIN, before anything
        was done on it, is replaced once: a dropped connection costs a retry, not the request."""
        for attempt in (0, 1):
            with self.pool.connection() as conn:
                try:
                    conn.execute(begin)
                except psycopg.OperationalError:
                    if attempt or not conn.broken:
                        raise
                else:
                    yield conn
                    return
            self._renew()

    @contextlib.contextmanager
    def hold(self, begin: str) -> Iterator[psycopg.Connection]:
        """A connection of the pool for one transaction, begun with `begin`; committed when the block ends,
        rolled back when it raises."""
        if self.held is not None:  # nested: the outer transaction
            yield self.held
            return
        with translated(self.dsn), self._begun(begin) as conn:
            self._local.conn = conn
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(psycopg.Error):
                    if not conn.closed:
                        conn.execute("ROLLBACK")
                raise
            finally:
                self._local.conn = None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with translated(self.dsn):
            conn = self.held
            if conn is not None:
                return _run(conn, sql, params)
            for attempt in (0, 1):
                with self.pool.connection() as conn:
                    try:
                        cur = _run(conn, sql, params)
                        return Rows(cur.fetchall() if cur.description else [], cur.rowcount)
                    except psycopg.OperationalError:
                        # Dead before it answered: run again on a live connection, if running twice is safe.
                        if attempt or not conn.broken or not repeatable(sql):
                            raise
                self._renew()
            raise AssertionError("unreachable")

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        rows = list(rows)
        if not rows:
            return Rows([], 0)
        with translated(self.dsn):
            conn = self.held
            if conn is not None:
                cur = conn.cursor()
                cur.executemany(pg_sql(sql), rows)
                return cur
            with self.pool.connection() as conn, conn.transaction():
                cur = conn.cursor()
                cur.executemany(pg_sql(sql), rows)
                return Rows([], cur.rowcount)

    def close(self) -> None:
        """Nothing of its own to close: the pool outlives each store (close_pools ends it)."""
