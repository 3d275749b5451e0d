"""Files in, releases stored: read, chunk, analyze, then commit in batches."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from qa import analyze
from qa.chunk import chunk_text
from qa.layout import layout
from qa.load import LoadError, find_files, read_file
from qa.models import FileError, IngestReport, ReleaseDraft
from qa.settings import IndexSettings
from qa.store import Store, StoredChunk, StoredRelease

# Bumped when analysis changes, so re-ingesting refreshes releases stored before.
ANALYZER_VERSION = 2
BATCH = 500

Progress = Callable[[int, int], None]


def release_id(key: str) -> str:
    """A stable id from what makes a release the same across versions (its source, else its path)."""
    return "r" + hashlib.blake2b(key.encode(), digest_size=6).hexdigest()


def content_hash(draft: ReleaseDraft, settings: IndexSettings) -> str:
    payload = [draft.title, draft.date, draft.source, draft.text, settings.model_dump(), ANALYZER_VERSION]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def prepare(draft: ReleaseDraft, settings: IndexSettings) -> StoredRelease:
    chunks = chunk_text(draft.text, settings.max_tokens, settings.overlap_tokens, settings.encoding)
    # The title and date count in every chunk, so "Austin's statement on ..." finds any part of it.
    context = (analyze.terms(draft.title) + analyze.date_terms(draft.date)) * settings.title_weight
    stored = []
    for chunk in chunks:
        chunk_layout, chunk_terms = layout(chunk.text)
        chunk_terms += context
        hashes, tfs = analyze.bag(chunk_terms)
        stored.append(StoredChunk(chunk=chunk, terms=hashes, tfs=tfs, length=len(chunk_terms), layout=chunk_layout))
    return StoredRelease(id=release_id(draft.key), draft=draft,
                         content_hash=content_hash(draft, settings), chunks=stored)


class Ingestor:
    """Stores drafts in batches; each batch is one transaction, so a crash loses no stored release."""

    def __init__(self, store: Store, settings: IndexSettings, report: IngestReport) -> None:
        self.store = store
        self.settings = settings
        self.report = report
        self.known = store.content_hashes()
        self.pending: list[StoredRelease] = []

    def add(self, draft: ReleaseDraft) -> None:
        rid = release_id(draft.key)
        if self.known.get(rid) == content_hash(draft, self.settings):
            self.report.unchanged.append(rid)
            return
        try:
            prepared = prepare(draft, self.settings)
        except Exception as err:  # one bad release must not stop the others
            self.report.errors.append(FileError(origin=draft.origin, reason=f"could not index: {err}"))
            return
        (self.report.replaced if rid in self.known else self.report.added).append(rid)
        self.known[rid] = prepared.content_hash
        self.pending.append(prepared)
        self.report.chunks += len(prepared.chunks)
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        self.store.put(self.pending)
        self.pending = []


def ingest_drafts(store: Store, drafts: Iterable[ReleaseDraft], settings: IndexSettings) -> IngestReport:
    report = IngestReport()
    started = time.perf_counter()
    ingestor = Ingestor(store, settings, report)
    for draft in drafts:
        ingestor.add(draft)
    ingestor.flush()
    report.seconds = time.perf_counter() - started
    return report


def ingest_paths(
    store: Store,
    paths: Sequence[Path],
    settings: IndexSettings,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest files and folders; bad files are reported and the rest still go in."""
    started = time.perf_counter()
    files, skipped, errors = find_files(paths)
    report = IngestReport(skipped_files=skipped, errors=errors)
    ingestor = Ingestor(store, settings, report)
    for done, path in enumerate(files, 1):
        try:
            drafts, record_errors = read_file(path)
        except LoadError as err:
            report.errors.append(FileError(origin=str(path), reason=str(err)))
        else:
            report.errors.extend(record_errors)
            for draft in drafts:
                ingestor.add(draft)
        if progress:
            progress(done, len(files))
    ingestor.flush()
    report.seconds = time.perf_counter() - started
    return report
