"""The PostgreSQL store in operation: --db and QA_DB take a URL as written; the pool is sized by settings.pg
and a request that cannot get a connection in time is storage_unavailable, never a hang; a database that is
away is one line that never shows the password."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from qa.cli.main import app
from qa.index.pg_conn import UNAVAILABLE, PgConnection
from qa.index.storage_errors import StorageFault
from qa.index.store import Store
from qa.settings import PostgresSettings, Settings, shown
from qa.testing.pg_server import free_port


def test_a_database_url_is_kept_as_written_and_a_file_stays_a_path(monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    url = "postgresql://qa@db.example:5432/qa?sslmode=require"
    monkeypatch.setenv("QA_DB", url)
    assert Settings().db == url  # a Path would have folded "//" into "/"
    assert Settings(db="service=qa").db == "service=qa"
    assert Settings(db=str(tmp_path / "x.db")).db == tmp_path / "x.db"


def test_passwords_are_never_shown() -> None:
    assert shown("postgresql://qa:hunter2@db/qa") == "postgresql://qa:***@db/qa"
    assert shown("postgresql://db/qa?password=hunter2&sslmode=require") == \
        "postgresql://db/qa?password=***&sslmode=require"
    assert shown(Path("/tmp/qa.db")) == "/tmp/qa.db"


def test_a_database_that_is_away_is_one_line_without_its_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_PG__CONNECT_TIMEOUT", "1")
    url = f"postgresql://qa:hunter2@127.0.0.1:{free_port()}/qa"
    began = time.monotonic()
    with pytest.raises(StorageFault) as raised:
        Store(url)
    assert raised.value.code == UNAVAILABLE and "hunter2" not in str(raised.value)
    assert time.monotonic() - began < 5
    result = CliRunner().invoke(app, ["search", "drawdown", "--db", url])
    assert result.exit_code == 2 and "hunter2" not in result.output and "cannot be reached" in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_pool_is_sized_by_the_setting_and_waiting_past_its_timeout_is_unavailable(pg_dsn: str) -> None:
    Store(pg_dsn).close()
    db = PgConnection(pg_dsn, PostgresSettings(pool_min=0, pool_max=2, connect_timeout=1))
    assert db.pool.max_size == 2
    held = threading.Barrier(3)
    done = threading.Event()

    def hold() -> None:
        with db.hold("BEGIN"):
            held.wait(10)
            done.wait(10)

    holders = [threading.Thread(target=hold) for _ in range(2)]
    for t in holders:
        t.start()
    held.wait(10)  # both connections of the pool are in use
    began = time.monotonic()
    with pytest.raises(StorageFault) as raised:
        db.execute("SELECT 1")
    assert raised.value.code == UNAVAILABLE and 0.5 < time.monotonic() - began < 5
    done.set()
    for t in holders:
        t.join(10)
    assert db.execute("SELECT 1").fetchone()[0] == 1  # and back once one is free


def test_a_dead_pooled_connection_is_retried_once_only_where_running_twice_is_safe(pg_dsn: str) -> None:
    import psycopg

    from qa.index.pg_conn import repeatable

    assert repeatable("SELECT 1") and repeatable(" with x AS (SELECT 1) SELECT * FROM x")
    assert repeatable("INSERT INTO t VALUES (?) ON CONFLICT (id) DO NOTHING")
    assert not repeatable("SELECT 1 FROM t FOR UPDATE") and not repeatable("UPDATE t SET n = n + 1")
    assert not repeatable("INSERT INTO t VALUES (?) ON CONFLICT (id) DO UPDATE SET n = t.n + 1")
    db = PgConnection(pg_dsn, PostgresSettings(pool_min=1, pool_max=1))
    db.execute("CREATE TABLE counter (n INTEGER)")
    db.execute("INSERT INTO counter VALUES (0)")

    def end_sessions() -> None:
        with psycopg.connect(pg_dsn, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'qa'")

    end_sessions()
    assert db.execute("SELECT n FROM counter").fetchone()[0] == 0  # a read: again, on a live connection
    end_sessions()
    with db.hold("BEGIN"):  # a transaction dead at its BEGIN: nothing done yet, so begun again
        db.execute("UPDATE counter SET n = n + 1")
    end_sessions()
    with pytest.raises(StorageFault) as raised:  # a write that may not run twice: not retried
        db.execute("UPDATE counter SET n = n + 1")
    assert raised.value.code == UNAVAILABLE
    assert db.execute("SELECT n FROM counter").fetchone()[0] == 1


def _keywords(url: str) -> str:
    """The libpq keyword=value string for a postgresql:// URL."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    return make_conninfo(**{k: str(v) for k, v in conninfo_to_dict(url).items()})


def test_libpq_keyword_strings_are_databases_wherever_urls_are(monkeypatch: pytest.MonkeyPatch, pg_dsn: str,
                                                               tmp_path: Path) -> None:
    from qa.index.pg_store import scratch

    keywords = "host=127.0.0.1 port=5432 dbname=qa user=qa"
    assert Settings(db=keywords).db == keywords and Settings(db=" port=5432 dbname=qa").db == " port=5432 dbname=qa"
    monkeypatch.setenv("QA_DB", keywords)
    assert Settings().db == keywords
    assert Settings(db=str(tmp_path / "hostname.db")).db == tmp_path / "hostname.db"  # a file stays a file
    assert shown(keywords + " password=hunter2") == keywords + " password=***"
    assert shown("host=db password='hunter 2' dbname=qa") == "host=db password=*** dbname=qa"
    db = _keywords(pg_dsn)
    assert "://" not in db and db.startswith(("host=", "user=", "dbname=", "port="))
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", "--sample", "--db", db]).exit_code == 0
    found = runner.invoke(app, ["search", "Where had Austin and Umerov most recently met?", "-k", "1", "--db", db])
    assert found.exit_code == 0 and "Austin Meets With Ukrainian Minister of Defense" in found.stdout
    assert Store(pg_dsn).counts()[2] == 1  # the same database as its URL names
    with scratch(db) as inside:  # qa eval --index-db: a schema of its own, also from keywords
        Store(inside).close()
        assert Store(inside).counts() == (0, 0, 0)


def test_a_qa_older_than_the_databases_schema_refuses_it_in_one_line_and_changes_nothing(pg_dsn: str) -> None:
    """A rolling upgrade: the first new replica migrates; an old one started after it must not write into a
    schema it does not know, and says which versions meet."""
    from qa.index import pg_schema

    runner = CliRunner()
    assert runner.invoke(app, ["ingest", "--sample", "--db", pg_dsn]).exit_code == 0
    newer = pg_schema.LATEST + 1
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, 'from a newer qa')", (newer,))
    result = runner.invoke(app, ["ingest", "--sample", "--db", pg_dsn])
    assert result.exit_code == 2, result.output
    assert f"schema {newer}" in result.output and f"up to {pg_schema.LATEST}" in result.output
    assert "Traceback" not in result.output
    with psycopg.connect(pg_dsn) as conn:
        assert conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == newer
        assert conn.execute("SELECT COUNT(*) FROM releases").fetchone()[0] == 1
