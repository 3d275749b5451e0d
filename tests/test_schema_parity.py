"""The two stores keep their schemas in their own SQL dialects (BLOB/BYTEA, REAL/DOUBLE PRECISION, COLLATE "C",
identity columns), so each is written out once per store. This test keeps them from drifting apart: a column
added to one store and not the other fails here rather than in `qa migrate` or on a replica."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg

from qa.index.answer_log import AnswerLog
from qa.index.feed_store import FeedStore
from qa.index.meaning_store import MeaningStore
from qa.index.store import Store

# The answer log is its own SQLite file (table "entries"); in PostgreSQL it shares the database.
_PG_NAME = {"entries": "log_entries"}
_BOOKKEEPING = {"schema_migrations"}  # PostgreSQL's migration record; SQLite keeps its version in meta


def _sqlite_columns(db: sqlite3.Connection) -> dict[str, list[str]]:
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {_PG_NAME.get(t, t): [r[1] for r in db.execute(f"PRAGMA table_info({t})")] for t in tables}


def test_both_stores_have_the_same_tables_and_columns(tmp_path: Path, pg_dsn: str) -> None:
    index = Store(tmp_path / "index.db")
    FeedStore(index)  # SQLite makes the feed tables when first used
    MeaningStore(index, 384)  # and the meaning vectors' table
    index.close()
    AnswerLog(tmp_path / "log.db").insert_rows([])  # the log file is made by its first write
    sqlite_side: dict[str, list[str]] = {}
    for path in (tmp_path / "index.db", tmp_path / "log.db"):
        with sqlite3.connect(path) as db:
            sqlite_side |= _sqlite_columns(db)

    Store(pg_dsn).close()  # runs the migrations
    with psycopg.connect(pg_dsn) as conn:
        rows = conn.execute("SELECT table_name, column_name FROM information_schema.columns"
                            " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position").fetchall()
    pg_side: dict[str, list[str]] = {}
    for table, column in rows:
        if table not in _BOOKKEEPING:
            pg_side.setdefault(table, []).append(column)

    assert sorted(pg_side) == sorted(sqlite_side)
    for table, columns in sqlite_side.items():
        assert pg_side[table] == columns, table
