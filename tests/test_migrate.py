"""`qa migrate SQLITE_FILE postgresql://...`: releases, feeds and the answer log copied with a count check;
search gives the same hits on the copy; an interrupted run carries on; a count that differs fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa.cli.main import app
from qa.index import migrate as migrate_module
from qa.index.answer_log import AnswerLog
from qa.index.feed_store import FeedStore
from qa.index.search import Searcher
from qa.index.store import Store
from qa.schemas import Answer
from tests.conftest import ingest_sample_and
from tests.test_search import OTHERS

QUERIES = ["52nd drawdown worth", "patrol boats", "Stryker contract", "fifth presidential drawdown NATO"]


@pytest.fixture()
def source(tmp_path: Path, answer_log: Path) -> Path:
    """An index file with the sample and a few releases, a watched feed, and two answers in the log."""
    path = tmp_path / "old.db"
    store = Store(path)
    ingest_sample_and(store, OTHERS)
    FeedStore(store).watch("https://example.test/feed.xml", 600)
    store.close()
    log = AnswerLog(answer_log)
    for q in ("first?", "second?"):
        log.record(kind="ask", request=q, result=Answer(question=q, answer="x", answered=False, mode="extractive",
                                                         verified=True), endpoint="cli",
                   latency_s=0.1)
    return path


def _migrate(source: Path, dsn: str) -> dict:
    result = CliRunner().invoke(app, ["migrate", str(source), dsn, "--json"])
    assert result.exit_code in (0, 1), result.output
    return {**json.loads(result.stdout), "exit": result.exit_code}


def test_an_index_file_moves_over_with_its_feeds_and_log_and_searches_the_same(source: Path, pg_dsn: str) -> None:
    report = _migrate(source, pg_dsn)
    assert report["exit"] == 0 and report["ok"] and report["problems"] == []
    assert report["copied"] == report["releases"] == 4 and report["skipped"] == 0
    assert report["chunks"] == report["chunks_in_target"] > 0 and report["feeds"] == 1
    assert report["log_entries"] == report["log_entries_in_target"] == 2
    old, new = Store(source), Store(pg_dsn)
    assert [r.model_dump() for r in old.releases()] == [r.model_dump() for r in new.releases()]
    assert old.vocabulary() == new.vocabulary() and old.acronyms() == new.acronyms()
    for q in QUERIES:
        assert Searcher(old).search(q, 5) == Searcher(new).search(q, 5)
    assert [f.url for f in FeedStore(new).all()] == ["https://example.test/feed.xml"]
    assert [e.request for e in AnswerLog(pg_dsn).entries(n=5)] == ["second?", "first?"]


def test_an_interrupted_migration_carries_on_and_copies_nothing_twice(source: Path, pg_dsn: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migrate_module, "BATCH", 2)
    real_put = Store.put
    calls = {"n": 0}

    def dies_on_the_second_batch(self: Store, releases: list) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the operator's ^C, halfway
        real_put(self, releases)

    monkeypatch.setattr(Store, "put", dies_on_the_second_batch)
    with pytest.raises(KeyboardInterrupt):
        migrate_module.copy_index(Store(source), Store(pg_dsn))
    assert len(Store(pg_dsn).releases()) == 2  # the first batch, whole
    monkeypatch.setattr(Store, "put", real_put)
    report = _migrate(source, pg_dsn)
    assert report["exit"] == 0 and (report["copied"], report["skipped"]) == (2, 2)
    again = _migrate(source, pg_dsn)
    assert again["exit"] == 0 and (again["copied"], again["skipped"]) == (0, 4)
    assert again["log_entries_in_target"] == 2  # the log's entries once each, however often it runs
    assert len(Store(pg_dsn).releases()) == 4 and Store(pg_dsn).counts() == Store(source).counts()


def test_a_count_that_differs_fails_the_check(source: Path, pg_dsn: str) -> None:
    assert _migrate(source, pg_dsn)["exit"] == 0
    target = Store(pg_dsn)
    with target.write():
        target.db.execute("DELETE FROM chunks WHERE rowid = (SELECT MIN(rowid) FROM chunks)")
    report = _migrate(source, pg_dsn)
    assert report["exit"] == 1 and report["chunks_in_target"] == report["chunks"] - 1
    assert "chunks" in report["problems"][0]


def test_the_target_must_be_a_database(source: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["migrate", str(source), str(tmp_path / "other.db")])
    assert result.exit_code == 2 and "PostgreSQL" in result.output
