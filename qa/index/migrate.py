"""Moving an index from one store to another (`qa migrate qa.db postgresql://...`): releases with their chunks
and term bags as stored (nothing is cut or analysed again), their vocabulary, acronyms and boilerplate (made by
the target's own put, as an ingest makes them), watched feeds with their entries, and the answer log.

Resumable: releases already in the target with the same content are skipped, each batch is one transaction
of the target, and log entries are keyed by their id; run it again after an interruption and it carries on.
It ends with a count check: every release of the source in the target with its content, and the same
numbers of chunks and term entries for them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pydantic import BaseModel

from qa.index.answer_log import AnswerLog
from qa.index.feed_store import FeedStore
from qa.index.store import Store, StoredChunk, StoredRelease
from qa.models import ReleaseDraft

BATCH = 200


class MigrationReport(BaseModel):
    releases: int = 0  # in the source
    copied: int = 0  # copied by this run
    skipped: int = 0  # already in the target with the same content (an earlier, interrupted run)
    chunks: int = 0  # of the source's releases, in the source
    chunks_in_target: int = 0  # of the source's releases, in the target
    term_entries: int = 0
    term_entries_in_target: int = 0
    feeds: int = 0
    feed_entries: int = 0
    log_entries: int = 0
    log_entries_in_target: int = 0
    problems: list[str] = []

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Source:
    store: Store

    def releases(self, skip: dict[str, str]) -> Iterator[list[StoredRelease]]:
        """The releases not in `skip` (id -> content hash) with that hash, in batches, chunks as stored."""
        rows = self.store.db.execute(
            "SELECT rowid, id, title, date, source, origin, content_hash, text, ingested_at FROM releases"
            " ORDER BY rowid").fetchall()
        todo = [r for r in rows if skip.get(r[1]) != r[6]]
        for i in range(0, len(todo), BATCH):
            part = todo[i:i + BATCH]
            marks = ",".join("?" * len(part))
            chunks: dict[int, list[StoredChunk]] = {}
            for rel, *fields in self.store.db.execute(
                    "SELECT release, ordinal, char_start, char_end, n_tokens, n_terms, length, terms, tfs, seq,"
                    f" sentence_starts, sentence_kinds FROM chunks WHERE release IN ({marks}) ORDER BY rowid",
                    [r[0] for r in part]).fetchall():
                chunks.setdefault(rel, []).append(StoredChunk(*[bytes(f) if isinstance(f, memoryview) else f
                                                                for f in fields]))
            yield [StoredRelease(id=rid, content_hash=content_hash, chunks=chunks.get(rowid, []),
                                 draft=ReleaseDraft(title=title, date=date, source=source, origin=origin, text=text,
                                                    key=rid),
                                 ingested_at=ingested_at)
                   for rowid, rid, title, date, source, origin, content_hash, text, ingested_at in part]


def _totals(store: Store, ids: list[str]) -> tuple[int, int, dict[str, str]]:
    """Chunks and term entries of these releases, and the content hash of each found."""
    chunks = terms = 0
    hashes: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        marks = ",".join("?" * len(part))
        row = store.db.execute(f"SELECT COUNT(*), COALESCE(SUM(c.n_terms), 0) FROM chunks c JOIN releases r ON"
                               f" r.rowid = c.release WHERE r.id IN ({marks})", part).fetchone()
        chunks, terms = chunks + int(row[0]), terms + int(row[1])
        hashes.update(store.db.execute(f"SELECT id, content_hash FROM releases WHERE id IN ({marks})",
                                       part).fetchall())
    return chunks, terms, hashes


def copy_index(source: Store, target: Store, progress: Callable[[int, int], None] | None = None,
               report: MigrationReport | None = None) -> MigrationReport:
    """Copy the releases and feeds of `source` into `target`, then check the counts."""
    report = report or MigrationReport()
    present = target.content_hashes()
    wanted = source.content_hashes()
    report.releases = len(wanted)
    report.skipped = sum(1 for rid, h in wanted.items() if present.get(rid) == h)
    done = report.skipped
    for batch in _Source(source).releases(present):
        target.put(batch)
        report.copied += len(batch)
        done += len(batch)
        if progress:
            progress(done, report.releases)
    _copy_feeds(source, target, report)
    if report.copied:
        target.gather_statistics()
    ids = list(wanted)
    report.chunks, report.term_entries, _ = _totals(source, ids)
    report.chunks_in_target, report.term_entries_in_target, found = _totals(target, ids)
    missing = [rid for rid, h in wanted.items() if found.get(rid) != h]
    if missing:
        report.problems.append(f"{len(missing)} release(s) of the source not in the target as they are, "
                               f"e.g. {missing[0]}")
    if (report.chunks, report.term_entries) != (report.chunks_in_target, report.term_entries_in_target):
        report.problems.append(f"chunks {report.chunks} -> {report.chunks_in_target}, term entries "
                               f"{report.term_entries} -> {report.term_entries_in_target}")
    return report


def _copy_feeds(source: Store, target: Store, report: MigrationReport) -> None:
    if not source.has_table("feeds"):
        return
    FeedStore(target)  # its tables, in an SQLite target made before feeds were kept
    feeds = source.db.execute("SELECT url, title, every, etag, last_modified, last_fetch, next_fetch, status, error,"
                              " entries, added, replaced, failed, polls FROM feeds").fetchall()
    entries = source.db.execute("SELECT feed, entry, fingerprint, release_id FROM feed_entries").fetchall()
    with target.write(exclusive=False):
        target.db.executemany(
            "INSERT INTO feeds (url, title, every, etag, last_modified, last_fetch, next_fetch, status, error,"
            " entries, added, replaced, failed, polls) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT (url) DO NOTHING", [tuple(f) for f in feeds])
        target.db.executemany("INSERT INTO feed_entries VALUES (?,?,?,?) ON CONFLICT (feed, entry) DO NOTHING",
                              [tuple(e) for e in entries])
    report.feeds, report.feed_entries = len(feeds), len(entries)
    n = target.db.execute("SELECT COUNT(*) FROM feeds").fetchone()[0]
    if n < len(feeds):
        report.problems.append(f"feeds {len(feeds)} -> {n}")


def copy_log(source: AnswerLog, target: AnswerLog, report: MigrationReport) -> MigrationReport:
    """Every entry of one answer log into another, oldest first, each once (by its id)."""
    entries = list(reversed(source.entries(n=10**9)))
    report.log_entries = len(entries)
    if entries:
        target.insert_rows([{**e.model_dump(), "result": json.dumps(e.result, ensure_ascii=False)}
                            for e in entries])
    have = target.ids()
    report.log_entries_in_target = sum(1 for e in entries if e.id in have)
    if report.log_entries_in_target != report.log_entries:
        report.problems.append(f"log entries {report.log_entries} -> {report.log_entries_in_target}")
    return report

