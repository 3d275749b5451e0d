"""Files in, releases stored: read, chunk, analyze, then commit in batches.

Reading and analysing run in worker processes when there are many files (the rare
release with a sentence that only the parser can judge is marked in this process, the
one that loads the parser); only this process writes, one transaction a batch, so a crash never leaves a
release half written, and a batch that fails (a full disk) loses none committed
before it. Only regular files of at most settings.ingest.max_file_bytes are read.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qa.index.layout import layout
from qa.index.store import StorageFault, Store, StoredChunk, StoredRelease
from qa.ingest import worker_pool
from qa.ingest.chunk import chunk_sentences
from qa.ingest.load import MAX_FILE_BYTES, LoadError, find_files, read_file
from qa.models import FileError, IngestReport, ReleaseDraft
from qa.settings import IndexSettings
from qa.text import acronyms, analyze, boilerplate, instructions, sentences
from qa.text.tokens import encoding

# Bumped when analysis changes, so re-ingesting refreshes releases stored before.
ANALYZER_VERSION = 8
BATCH = 500
# Below this many files a pool of processes costs more than it saves.
PARALLEL_FROM = 200

Progress = Callable[[int, int], None]


def release_id(key: str) -> str:
    """A stable id from what makes a release the same across versions (its source, else its path)."""
    return "r" + hashlib.blake2b(key.encode(), digest_size=6).hexdigest()


def content_hash(draft: ReleaseDraft, settings: IndexSettings) -> str:
    payload = [draft.title, draft.date, draft.source, draft.text, _settings_key(settings)]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


@lru_cache(maxsize=8)
def _settings_key(settings: IndexSettings) -> str:
    return json.dumps([settings.model_dump(), ANALYZER_VERSION], sort_keys=True)


def prepare(draft: ReleaseDraft, settings: IndexSettings, digest: str | None = None, *,
            parser: bool = True) -> StoredRelease:
    """parser: False (a worker process) leaves the boilerplate unmarked (None) when a sentence of the release
    needs the parser to tell whether it instructs the reader; the process that stores it marks it then."""
    # The title and date count in every chunk, so "Austin's statement on ..." finds any part of it.
    context = (analyze.terms(draft.title) + analyze.date_terms(draft.date)) * settings.title_weight
    analysed: dict[tuple[int, int], list[str]] = {}
    stored = []
    sentence_spans = sentences.spans(draft.text)  # found once, for the chunks and for the boilerplate
    for chunk, spans in chunk_sentences(draft.text, settings.max_tokens, settings.overlap_tokens, settings.encoding,
                                        sentence_spans):
        chunk_layout, chunk_terms = layout(draft.text, spans, analysed)
        chunk_terms += context
        hashes, tfs = analyze.bag(chunk_terms)
        stored.append(StoredChunk.of(chunk.ordinal, chunk.start, chunk.end, chunk.n_tokens, hashes, tfs,
                                     len(chunk_terms), chunk_layout))
    try:
        marks: list[boilerplate.Span] | None = boilerplate.spans(draft.text, sentence_spans, parser=parser)
    except instructions.ParserNeeded:
        marks = None
    # The vocabulary (for typo correction) and the acronyms it defines are read here, in the worker.
    return StoredRelease(id=release_id(draft.key), draft=draft,
                         content_hash=digest or content_hash(draft, settings), chunks=stored,
                         words=analyze.surface_words(f"{draft.title}\n{draft.text}"),
                         acronyms=acronyms.learn(draft.title, draft.text), boilerplate=marks)


@dataclass
class Unchanged:
    id: str


Outcome = StoredRelease | Unchanged | FileError


def _outcome(draft: ReleaseDraft, settings: IndexSettings, known: dict[str, str], parser: bool = True) -> Outcome:
    rid, digest = release_id(draft.key), content_hash(draft, settings)
    if known.get(rid) == digest:
        return Unchanged(rid)
    try:
        return prepare(draft, settings, digest, parser=parser)
    except Exception as err:  # one bad release must not stop the others
        return FileError(origin=draft.origin, reason=f"could not index: {err}")


def _file_outcomes(path: Path, settings: IndexSettings, known: dict[str, str], max_bytes: int,
                   parser: bool = True) -> list[Outcome]:
    try:
        drafts, errors = read_file(path, max_bytes)
    except LoadError as err:
        return [FileError(origin=str(path), reason=str(err))]
    return [*errors, *(_outcome(d, settings, known, parser) for d in drafts)]


class Ingestor:
    """Records outcomes in the report and stores prepared releases in batches."""

    def __init__(self, store: Store, report: IngestReport) -> None:
        store.require_writable()  # before any file is read, not at the first batch
        self.store = store
        self.report = report
        self.known = store.content_hashes()
        self.pending: list[StoredRelease] = []

    def record(self, outcome: Outcome) -> None:
        if isinstance(outcome, FileError):
            self.report.errors.append(outcome)
        elif isinstance(outcome, Unchanged):
            self.report.unchanged.append(outcome.id)
        else:
            if outcome.boilerplate is None:  # a worker left it: a sentence needs the parser, loaded here
                outcome.boilerplate = boilerplate.spans(outcome.draft.text)
            (self.report.replaced if outcome.id in self.known else self.report.added).append(outcome.id)
            self.known[outcome.id] = outcome.content_hash
            self.pending.append(outcome)
            self.report.chunks += len(outcome.chunks)
            if len(self.pending) >= BATCH:
                self.flush()

    def flush(self) -> None:
        try:
            self.store.put(self.pending)
        except StorageFault as err:
            kept = len(self.report.added) + len(self.report.replaced) - len(self.pending)
            raise StorageFault(f"{err} ({kept} release(s) of this ingest were stored before it and are kept)",
                               err.code) from err
        self.pending = []


def ingest_drafts(store: Store, drafts: Iterable[ReleaseDraft], settings: IndexSettings) -> IngestReport:
    """Ingest releases given as records (no files), in this process."""
    report = IngestReport()
    started = time.perf_counter()
    ingestor = Ingestor(store, report)
    for draft in drafts:
        ingestor.record(_outcome(draft, settings, ingestor.known))
    ingestor.flush()
    report.seconds = time.perf_counter() - started
    return report


# Worker state, set once per worker process by _init_worker: _file_outcomes' arguments after the path.
_worker: tuple[IndexSettings, dict[str, str], int, bool] | None = None


def _init_worker(settings: IndexSettings, known: dict[str, str], max_bytes: int) -> None:
    global _worker
    # Workers never load the parser (parser=False): the rare release with a sentence that needs it is marked by
    # the parent, which loads it once while the workers go on (loaded before they fork, it held up the start).
    _worker = (settings, known, max_bytes, False)


def _work(path: Path) -> list[Outcome]:
    assert _worker is not None
    return _file_outcomes(path, *_worker)


@contextmanager
def _outcomes(files: list[Path], settings: IndexSettings, known: dict[str, str], max_bytes: int,
              workers: int) -> Iterator[Iterator[list[Outcome]]]:
    """Each file's outcomes, in order; the worker processes, if any, end when this does."""
    if workers <= 1 or len(files) < PARALLEL_FROM:
        yield (_file_outcomes(path, settings, known, max_bytes) for path in files)
        return
    with worker_pool.pool(workers, _init_worker, (settings, known, max_bytes)) as pool:
        yield pool.map(_work, files, chunksize=32)


def ingest_paths(
    store: Store,
    paths: Sequence[Path],
    settings: IndexSettings,
    progress: Progress | None = None,
    workers: int | None = None,
    max_file_bytes: int = MAX_FILE_BYTES,
) -> IngestReport:
    """Ingest files and folders; bad files are reported and the rest still go in.

    workers: processes that read and analyse (default: one per CPU).
    max_file_bytes: a larger file is reported and not read (settings.ingest.max_file_bytes).
    """
    started = time.perf_counter()
    files, skipped, errors = find_files(paths)
    report = IngestReport(skipped_files=skipped, errors=errors)
    ingestor = Ingestor(store, report)
    encoding(settings.encoding)  # load once, before workers fork, rather than once in each
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    with _outcomes(files, settings, dict(ingestor.known), max_file_bytes, n_workers) as outcomes:
        for done, file_outcomes in enumerate(outcomes, 1):
            for outcome in file_outcomes:
                ingestor.record(outcome)
            if progress:
                progress(done, len(files))
    ingestor.flush()
    report.seconds = time.perf_counter() - started
    return report
