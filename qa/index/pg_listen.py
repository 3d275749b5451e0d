"""Hearing the index's writes as they commit: each write to a PostgreSQL index sends a notification on CHANNEL
(PostgresStore._bump, delivered by the server only when the write commits), its payload the schema written to;
a Listener holds a connection of its own that LISTENs, so a replica wakes at once instead of at its next poll.

Notifications are per database, so an index in another schema of it (qa eval's scratch ones) is told apart by
the payload. A dropped connection raises StorageFault "storage_unavailable": the caller polls meanwhile and
listens again later (what was written while nobody listened is caught up by the generation, not lost).
"""

from __future__ import annotations

import contextlib

import psycopg

from qa.index.pg_conn import translated
from qa.settings import PostgresSettings

CHANNEL = "qa_index"


class Listener:
    def __init__(self, dsn: str, settings: PostgresSettings) -> None:
        self.dsn = dsn
        with translated(dsn):
            # Its own connection, not the pool's: it stays LISTENing between statements.
            self.conn = psycopg.connect(dsn, autocommit=True, connect_timeout=max(1, round(settings.connect_timeout)),
                                        application_name="qa-listen")
            try:
                self.schema = self.conn.execute("SELECT current_schema()").fetchone()[0]  # type: ignore[index]
                self.conn.execute(f"LISTEN {CHANNEL}")
            except BaseException:
                self.conn.close()
                raise

    def wait(self, timeout: float) -> bool:
        """Whether a write to this index committed, waiting up to `timeout` seconds for the first to be told."""
        with translated(self.dsn):
            if self.conn.closed:
                raise psycopg.OperationalError("the listening connection is closed")
            # A timeout of 0 would wait for ever (psycopg reads it as none): the least wait instead.
            told = self.conn.notifies(timeout=max(timeout, 0.001), stop_after=1)
            return any(n.payload == self.schema for n in told)

    def close(self) -> None:
        with contextlib.suppress(psycopg.Error):
            self.conn.close()
