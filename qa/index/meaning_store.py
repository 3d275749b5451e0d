"""Each release's meaning vectors (qa.brief.meanings), kept in the index beside the release, so that a briefing
encodes a release once and every later briefing, in any process, reads it back.

A row is keyed by the release's id and a tag naming the encoder and what was encoded; it carries the content hash
of the release it was made from. Ingest never writes here: the rows are filled on the first briefing that needs
them. A release removed or replaced takes its rows with it (ON DELETE CASCADE), a row whose hash is not the
release's (written by a briefing that read the release before an ingest replaced it) is never read, and rows of
another tag (an older encoder or recipe) are dropped by the next write.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from qa.index.storage_errors import DAMAGED, StorageFault
from qa.index.store import Store

# SQLite makes the table when first used, so files made before it need no migration; PostgreSQL's schema has it
# from its migration 2 (qa.index.pg_schema).
_SCHEMA = """
CREATE TABLE IF NOT EXISTS release_meanings (
    release_id TEXT NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    vectors BLOB NOT NULL,
    PRIMARY KEY (release_id, model)
) WITHOUT ROWID
"""
# Ids a statement names at most (SQLite's default limit on bound parameters is far above it).
_PART = 500


class MeaningStore:
    """The stored meaning vectors of one index; float32 rows of a fixed width, one row per text encoded."""

    def __init__(self, store: Store, width: int) -> None:
        self.store = store
        self.width = width
        self._table = store.has_table("release_meanings")
        if not store.read_only and not self._table:
            with store.write(exclusive=False):
                store.db.execute(_SCHEMA)
            self._table = True
        self._pruned = False

    @property
    def writable(self) -> bool:
        return self._table and not self.store.read_only

    def load(self, tag: str, wanted: Mapping[str, str]) -> dict[str, np.ndarray]:
        """The stored vectors of the releases wanted (id -> content hash) made by `tag` from that content."""
        if not self._table or not wanted:
            return {}
        ids = list(wanted)
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(ids), _PART):
            part = ids[i:i + _PART]
            rows = self.store.db.execute(
                "SELECT release_id, content_hash, vectors FROM release_meanings"
                f" WHERE model = ? AND release_id IN ({','.join('?' * len(part))})", [tag, *part]).fetchall()
            for rid, digest, data in rows:
                if wanted.get(rid) == digest:
                    found[rid] = np.frombuffer(bytes(data), dtype=np.float32).reshape(-1, self.width)
        return found

    def save(self, tag: str, rows: Sequence[tuple[str, str, np.ndarray]]) -> bool:
        """Keep (release id, content hash, vectors) rows, each only while the release still has that content;
        False when they could not be written (read-only, a full disk, a long write elsewhere): the next
        briefing encodes them again."""
        if not rows or not self.writable:
            return False
        try:
            with self.store.write(exclusive=False):
                if not self._pruned:  # rows of an older encoder or recipe are never read again
                    self.store.db.execute("DELETE FROM release_meanings WHERE model <> ?", (tag,))
                self.store.db.executemany(
                    "INSERT INTO release_meanings (release_id, model, content_hash, vectors)"
                    " SELECT id, CAST(? AS TEXT), content_hash, ? FROM releases WHERE id = ? AND content_hash = ?"
                    " ON CONFLICT (release_id, model) DO UPDATE"
                    " SET content_hash = excluded.content_hash, vectors = excluded.vectors",
                    [(tag, np.ascontiguousarray(v, dtype=np.float32).tobytes(), rid, digest)
                     for rid, digest, v in rows])
            self._pruned = True
        except StorageFault as err:
            if err.code == DAMAGED:
                raise
            return False
        except self.store.BUSY:
            return False
        return True

    def count(self, tag: str) -> int:
        """Releases with vectors of this tag stored (whatever their hash)."""
        if not self._table:
            return 0
        return int(self.store.db.execute("SELECT COUNT(*) FROM release_meanings WHERE model = ?", (tag,))
                   .fetchone()[0])
