"""The releases' meaning vectors kept in the index (qa.index.meaning_store), in both stores: read back as written,
only for the content they were made from and by the tag that made them, gone with their release when it is
removed or replaced, rows of another tag dropped by the next write, and an index that cannot be written keeps none."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import psycopg
import pytest

from qa.brief.briefing import Briefer
from qa.index import pg_schema
from qa.index.meaning_store import MeaningStore
from qa.index.store import Store
from qa.ingest.pipeline import ingest_drafts, release_id
from qa.llm.client import no_model_client
from qa.models import ReleaseDraft
from qa.settings import IndexSettings, Settings

WIDTH = 4


def _draft(key: str, title: str, text: str = "A body about the 52nd drawdown.") -> ReleaseDraft:
    return ReleaseDraft(title=title, date="2023-12-06", source=key, text=text, origin=key, key=key)


def _rows(store: Store, tag: str, scale: float = 1.0) -> list[tuple[str, str, np.ndarray]]:
    return [(r.id, r.content_hash, np.full((2, WIDTH), scale * (i + 1), np.float32))
            for i, r in enumerate(sorted(store.releases(), key=lambda r: r.id))]


def test_vectors_are_read_back_for_their_content_and_tag(store: Store) -> None:
    ingest_drafts(store, [_draft("https://s/1", "One"), _draft("https://s/2", "Two")], IndexSettings())
    kept = MeaningStore(store, WIDTH)
    rows = _rows(store, "enc 1")
    assert kept.save("enc 1", rows)
    wanted = {rid: digest for rid, digest, _ in rows}
    found = kept.load("enc 1", wanted)
    assert set(found) == set(wanted)
    for rid, _, v in rows:
        assert np.array_equal(found[rid], v)
    assert kept.load("enc 2", wanted) == {}
    assert kept.load("enc 1", {rid: "other content" for rid in wanted}) == {}
    # Saved again with new values: replaced, not doubled.
    assert kept.save("enc 1", _rows(store, "enc 1", scale=2.0))
    assert kept.count("enc 1") == 2
    assert float(kept.load("enc 1", wanted)[rows[0][0]][0, 0]) == 2.0


def test_vectors_go_with_a_removed_or_replaced_release(store: Store) -> None:
    ingest_drafts(store, [_draft("https://s/1", "One"), _draft("https://s/2", "Two")], IndexSettings())
    kept = MeaningStore(store, WIDTH)
    kept.save("enc", _rows(store, "enc"))
    store.remove([release_id("https://s/2")])
    assert kept.count("enc") == 1
    ingest_drafts(store, [_draft("https://s/1", "One", "Another body.")], IndexSettings())  # replaced
    assert kept.count("enc") == 0


def test_vectors_of_a_release_replaced_meanwhile_are_not_kept(store: Store) -> None:
    ingest_drafts(store, [_draft("https://s/1", "One")], IndexSettings())
    rid = release_id("https://s/1")
    kept = MeaningStore(store, WIDTH)
    kept.save("enc", [(rid, "the content before", np.ones((2, WIDTH), np.float32))])
    assert kept.count("enc") == 0


def test_rows_of_another_tag_are_dropped_by_the_next_write(store: Store) -> None:
    ingest_drafts(store, [_draft("https://s/1", "One")], IndexSettings())
    MeaningStore(store, WIDTH).save("old encoder", _rows(store, "old encoder"))
    kept = MeaningStore(store, WIDTH)
    assert kept.save("new encoder", _rows(store, "new encoder"))
    assert (kept.count("old encoder"), kept.count("new encoder")) == (0, 1)


def test_a_read_only_index_keeps_no_vectors_and_fails_no_briefing(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "index.db"
    writable = Store(path)
    ingest_drafts(writable, [_draft("https://s/1", "Army Casualty")], IndexSettings())  # made before the table
    writable.close()
    real = os.access

    def access(where: object, mode: int, **kwargs: object) -> bool:  # a read-only folder (root writes anything)
        if mode & os.W_OK and Path(str(where)).resolve() in (path.resolve(), tmp_path.resolve()):
            return False
        return real(where, mode, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    read_only = Store(path)
    assert read_only.read_only
    kept = MeaningStore(read_only, WIDTH)
    assert not kept.save("enc", _rows(read_only, "enc"))
    assert kept.load("enc", {release_id("https://s/1"): "x"}) == {}
    settings = Settings(db=path).with_mode("extractive")
    briefing = Briefer(read_only, settings, lambda: no_model_client(settings.model)).brief(query="troop deaths")
    assert [read_only.release(r).title for r in briefing.releases] == ["Army Casualty"]


def test_a_database_of_schema_1_gets_the_table_when_opened(pg_dsn: str) -> None:
    version, name, script = pg_schema.MIGRATIONS[0]
    with psycopg.connect(pg_dsn, autocommit=True) as conn:  # as a qa before the table left it
        conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                     " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
        conn.execute(script)
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, name))
    store = Store(pg_dsn)
    assert store.has_table("release_meanings")
    ingest_drafts(store, [_draft("https://s/1", "One")], IndexSettings())
    assert MeaningStore(store, WIDTH).save("enc", _rows(store, "enc"))
    store.close()
