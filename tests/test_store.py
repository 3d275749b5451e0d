import sqlite3
import threading
from pathlib import Path

import pytest

from qa.index import pg_schema
from qa.index.sqlite_store import SqliteStore
from qa.index.store import StorageFault, Store, StoreError
from qa.ingest.pipeline import ingest_drafts, release_id
from qa.models import ReleaseDraft
from qa.settings import IndexSettings


def _draft(key: str, title: str, text: str = "A body about the 52nd drawdown.") -> ReleaseDraft:
    return ReleaseDraft(title=title, date="2023-12-06", source=key, text=text, origin=key, key=key)


def test_removal_by_id_or_prefix(store: Store) -> None:
    ingest_drafts(store, [_draft("https://s/1", "One"), _draft("https://s/2", "Two")], IndexSettings())
    rid = release_id("https://s/1")
    assert store.remove([rid[:8]]) == [rid]
    assert [r.title for r in store.releases()] == ["Two"]
    assert store.counts()[0] == 1  # its chunks went with it
    with pytest.raises(StoreError, match="no release with id"):
        store.remove(["rnothere"])


def test_an_ambiguous_prefix_is_refused(store: Store) -> None:
    ingest_drafts(store, [_draft(f"https://s/{i}", f"R{i}") for i in range(40)], IndexSettings())
    with pytest.raises(StoreError, match="matches several"):
        store.resolve("r")


def test_a_file_that_is_not_an_index_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "not.db"
    bogus.write_text("this is not sqlite, " * 100)
    with pytest.raises(StorageFault, match="is not a qa index") as raised:
        Store(bogus)
    assert raised.value.code == "storage_damaged"


def test_opening_a_missing_index_for_reading_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="run `qa ingest` first"):
        Store(tmp_path / "none.db", create=False)


def test_readers_see_a_whole_snapshot_while_a_writer_works(store: Store) -> None:
    ingest_drafts(store, [_draft("https://s/base", "Base")], IndexSettings())
    reader = Store(store.path)
    in_write = threading.Event()
    release = threading.Event()

    def slow_writer() -> None:
        with store.write():
            store.db.execute("DELETE FROM releases")
            in_write.set()
            release.wait(5)
            store.db.execute("ROLLBACK")
            store.db.execute("BEGIN")  # leave a transaction for write() to commit

    t = threading.Thread(target=slow_writer)
    t.start()
    assert in_write.wait(5)
    # The writer holds its transaction open; the reader still sees the committed state.
    assert [r.title for r in reader.releases()] == ["Base"]
    release.set()
    t.join()
    assert [r.title for r in reader.releases()] == ["Base"]
    reader.close()


def test_concurrent_ingests_lose_no_release(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    Store(path).close()
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            s = Store(path)
            ingest_drafts(s, [_draft(f"https://w{n}/{i}", f"W{n} {i}") for i in range(30)], IndexSettings())
            s.close()
        except BaseException as e:  # noqa: BLE001 - collected for the assertion below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    s = Store(path)
    assert s.counts()[2] == 120 and s.counts()[0] == 120
    s.close()


def test_threads_opening_a_new_index_at_once_all_open_it(tmp_path: Path) -> None:
    """The service's threads open their own connection at their first request: on a new index one makes it and
    SQLite told another "database is locked" at once, which was reported as "not a qa index" (a 503)."""
    errors: list[BaseException] = []
    for round_ in range(50):
        path = tmp_path / f"new{round_}.db"
        start = threading.Barrier(6)

        def opener(path: Path = path, start: threading.Barrier = start) -> None:
            start.wait()
            try:
                Store(path).close()
            except BaseException as e:  # noqa: BLE001 - collected for the assertion below
                errors.append(e)

        threads = [threading.Thread(target=opener) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []


def test_schema_version_mismatch_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    Store(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value='0' WHERE key='schema'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="schema 0"):
        Store(path)


def test_the_vocabulary_follows_adds_replacements_and_removals(store: Store) -> None:
    ingest_drafts(store, [_draft("https://s/1", "Zanzibar Visit", "Zanzibar and Pemba. Zanzibar again."),
                          _draft("https://s/2", "Pemba Visit", "Pemba harbour.")], IndexSettings())
    vocab = store.vocabulary()
    assert (vocab["zanzibar"], vocab["pemba"], vocab["harbour"]) == (3, 3, 1)
    assert store.known_words(["zanzibar", "harbours", "mombasa"]) == {"zanzibar", "harbours"}  # by term too
    ingest_drafts(store, [_draft("https://s/1", "A Visit", "Mombasa and Pemba.")], IndexSettings())  # replaced
    vocab = store.vocabulary()
    assert "zanzibar" not in vocab and (vocab["mombasa"], vocab["pemba"]) == (1, 3)
    store.remove([release_id("https://s/2")])
    assert store.vocabulary() == {"visit": 1, "mombasa": 1, "and": 1, "pemba": 1}


def test_acronyms_go_with_their_release(store: Store) -> None:
    ingest_drafts(store, [_draft("https://s/1", "One", "The Ukraine Security Assistance Initiative (USAI) pays."),
                          _draft("https://s/2", "Two", "More Ukraine Security Assistance Initiative (USAI) funds.")],
                  IndexSettings())
    assert store.acronyms() == [("USAI", "Ukraine Security Assistance Initiative", 2)]
    store.remove([release_id("https://s/1")])
    assert store.acronyms() == [("USAI", "Ukraine Security Assistance Initiative", 1)]
    ingest_drafts(store, [_draft("https://s/2", "Two", "No acronym now.")], IndexSettings())
    assert store.acronyms() == []


def test_a_file_from_before_the_vocabulary_gets_one(tmp_path: Path) -> None:
    old = Store(tmp_path / "old.db")
    ingest_drafts(old, [_draft("https://s/1", "Zanzibar", "The Defense Production Act (DPA) applies.")],
                  IndexSettings())
    with old.write():  # as a file written before the vocabulary was kept
        old.db.execute("DELETE FROM vocab")
        old.db.execute("DELETE FROM acronyms")
        old.db.execute("DELETE FROM meta WHERE key = 'vocab'")
    old.close()
    reopened = Store(tmp_path / "old.db")
    assert reopened.vocabulary()["zanzibar"] == 1
    assert reopened.acronyms() == [("DPA", "Defense Production Act", 1)]
    reopened.close()


def test_opening_an_index_as_it_should_be_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Store(tmp_path / "index.db").close()

    def no_writes(self: Store) -> None:
        raise AssertionError("opened with a write transaction")

    monkeypatch.setattr(SqliteStore, "_migrate", no_writes)
    reopened = Store(tmp_path / "index.db")
    assert reopened.releases() == [] and not reopened.read_only
    reopened.close()


def test_an_index_file_of_schema_1_is_migrated_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = Store(path)
    ingest_drafts(store, [_draft("https://s/1", "One")], IndexSettings())
    with store.write():  # as qa wrote it before chunks carried their generation
        store.db.execute("DROP INDEX chunks_gen")
        store.db.execute("ALTER TABLE chunks DROP COLUMN gen")
        store.db.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
    store.close()
    reopened = Store(path)
    assert reopened.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == "2"
    assert reopened.db.execute("SELECT gen FROM chunks").fetchall() == [(0,)]
    ingest_drafts(reopened, [_draft("https://s/2", "Two")], IndexSettings())
    assert [len(reopened.bags_since(g)) for g in (0, reopened.generation() - 1)] == [1, 1]


def test_a_database_is_migrated_once_and_a_newer_schema_is_refused(pg_dsn: str) -> None:
    Store(pg_dsn).close()
    store = Store(pg_dsn)  # opened again: nothing to apply
    assert store.db.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall() == [
        (v,) for v, _, _ in pg_schema.MIGRATIONS]
    store.db.execute("INSERT INTO schema_migrations (version, name) VALUES (99, 'from a newer qa')")
    with pytest.raises(StoreError, match="schema 99"):
        Store(pg_dsn)
