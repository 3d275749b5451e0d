"""The BM25 index: term postings in numpy arrays, their weights computed at query time.

A query reads the postings of its few terms and weighs them with the current document count, document
frequencies and average length (per-document length normalisations are kept), so no stored weight ever
goes stale. The postings are kept in the index, stamped with the store's generation. When releases were
added since, `update` reads the chunks written after that generation and adds their postings as a segment
of their own (merged into older ones as they grow): what another replica wrote is read, and only that is
worked on, never the whole index. When releases were also removed, the postings are rewritten without
them. Either way the scores are those of a fresh build, to the bit (tests/test_search.py checks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qa.index.store import Store

_BATCH = 20_000


def bm25_idf(df: np.ndarray | float, n_docs: int) -> np.ndarray | float:
    """Lucene's BM25 idf, never negative even for terms in most documents."""
    return np.log1p((n_docs - df + 0.5) / (df + 0.5))


@dataclass
class Postings:
    """Postings of some documents by term: a build's, or those of the documents a catch-up added."""

    hashes: np.ndarray  # sorted distinct term hashes (uint64)
    indptr: np.ndarray  # postings of term i are [indptr[i], indptr[i+1]) (int64)
    docs: np.ndarray  # document (position in the index) of each posting, ascending within a term (int32)
    tfs: np.ndarray  # term count of each posting (uint16)

    @classmethod
    def of(cls, terms: np.ndarray, docs: np.ndarray, tfs: np.ndarray) -> Postings:
        """From postings sorted by term (each term's in document order)."""
        n = len(terms)
        starts = np.flatnonzero(np.diff(terms)) + 1 if n else np.empty(0, np.int64)
        indptr = np.concatenate(([0], starts, [n])).astype(np.int64) if n else np.zeros(1, np.int64)
        return cls(terms[indptr[:-1]].copy(), indptr, docs, tfs)

    def __len__(self) -> int:
        return len(self.docs)

    def find(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each query term hash: its row here, and whether it is here at all."""
        if len(self.hashes) == 0:
            return np.zeros(len(query), np.int64), np.zeros(len(query), bool)
        pos = np.minimum(np.searchsorted(self.hashes, query), len(self.hashes) - 1)
        return pos, self.hashes[pos] == query

    def flat(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(terms, docs, tfs) of every posting, by term."""
        return np.repeat(self.hashes, np.diff(self.indptr)), self.docs, self.tfs


def _merge(older: Postings, newer: Postings) -> Postings:
    """One set of postings of both, where every document of `newer` comes after those of `older`."""
    terms, docs, tfs = older.flat()
    new_terms, new_docs, new_tfs = newer.flat()
    # Each new posting goes after the older postings of its term: every term's postings stay in document order.
    at = np.searchsorted(terms, new_terms, side="right")
    return Postings.of(np.insert(terms, at, new_terms), np.insert(docs, at, new_docs), np.insert(tfs, at, new_tfs))


@dataclass
class BM25Index:
    """BM25 over postings in segments: a build's, then those each catch-up adds (merged as they grow, as a
    log-structured index merges, so a catch-up's work follows what it added, not the index's size).

    Weights are computed at query time, for the query's terms only, from each posting's term count and the
    current document count, document frequencies and average length: so adding documents rewrites no
    weight, and the scores are those of a fresh build, to the bit (tests/test_search.py checks).
    """

    generation: int
    segments: list[Postings]  # the oldest first; each one's documents after the previous one's
    chunk_rowids: np.ndarray  # store rowid of each document (int64)
    release_rowids: np.ndarray  # release rowid of each document (int64)
    dates: np.ndarray  # release date of each document as YYYYMMDD, 0 when unknown (int32)
    lengths: np.ndarray  # BM25 length of each document (float32)
    k1: float = 1.2
    b: float = 0.75
    norm: np.ndarray = field(init=False, repr=False)  # each document's length normalisation (float32)

    # What the index cache keeps: the postings as one segment, and the documents.
    ARRAYS = ("hashes", "indptr", "docs", "tfs", "chunk_rowids", "release_rowids", "dates", "lengths")

    def __post_init__(self) -> None:
        avg = float(self.lengths.mean()) if self.n_docs else 1.0
        # Each document's length normalisation: per document, so a catch-up's cost is documents', not postings'.
        self.norm = (self.k1 * (1 - self.b + self.b * self.lengths / max(avg, 1e-9))).astype(np.float32)

    @property
    def n_docs(self) -> int:
        return len(self.chunk_rowids)

    @property
    def n_postings(self) -> int:
        return sum(len(s) for s in self.segments)

    def merged(self) -> Postings:
        """Every posting as one segment."""
        merged = self.segments[0]
        for s in self.segments[1:]:
            merged = _merge(merged, s)
        return merged

    def arrays(self) -> dict[str, np.ndarray]:
        postings = self.merged()
        return {"hashes": postings.hashes, "indptr": postings.indptr, "docs": postings.docs, "tfs": postings.tfs,
                "chunk_rowids": self.chunk_rowids, "release_rowids": self.release_rowids, "dates": self.dates,
                "lengths": self.lengths}

    @classmethod
    def from_arrays(cls, generation: int, arrays: dict[str, np.ndarray], k1: float, b: float) -> BM25Index:
        return cls(generation, [Postings(arrays["hashes"], arrays["indptr"], arrays["docs"], arrays["tfs"])],
                   arrays["chunk_rowids"], arrays["release_rowids"], arrays["dates"], arrays["lengths"], k1, b)

    def _df(self, query: np.ndarray) -> tuple[np.ndarray, list[tuple[Postings, np.ndarray, np.ndarray]]]:
        """Each query term's document frequency, and where it is in each segment."""
        df = np.zeros(len(query), np.int64)
        found = []
        for seg in self.segments:
            pos, here = seg.find(query)
            df[here] += (seg.indptr[pos + 1] - seg.indptr[pos])[here]
            found.append((seg, pos, here))
        return df, found

    def idf(self, query: np.ndarray) -> np.ndarray:
        """BM25 idf of each query term hash; 0 for terms not in the index."""
        df, _ = self._df(query)
        out = np.zeros(len(query), dtype=np.float32)
        out[df > 0] = bm25_idf(df[df > 0].astype(np.float64), self.n_docs)
        return out

    def top(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Documents and scores of the k best matches of distinct query term hashes."""
        if self.n_docs == 0 or len(query) == 0:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        df, found = self._df(query)
        # As a build would weigh them (float32 throughout, term by term in query order): the same scores.
        idf = bm25_idf(df.astype(np.float32), self.n_docs).astype(np.float32)
        scores = np.zeros(self.n_docs, dtype=np.float32)
        for t in np.flatnonzero(df).tolist():
            for seg, pos, here in found:
                if here[t]:
                    lo, hi = seg.indptr[pos[t]], seg.indptr[pos[t] + 1]
                    docs = seg.docs[lo:hi]
                    tf = seg.tfs[lo:hi].astype(np.float32)
                    scores[docs] += idf[t] * (tf * (self.k1 + 1) / (tf + self.norm[docs]))
        if allowed is not None:
            scores[~allowed] = 0
        if self.n_docs > k:
            candidates = np.argpartition(scores, self.n_docs - k)[self.n_docs - k:]
        else:
            candidates = np.arange(self.n_docs)
        candidates = candidates[scores[candidates] > 0]
        order = np.lexsort((candidates, -scores[candidates]))  # ties: earlier chunk first
        best = candidates[order]
        return best, scores[best]


def params(k1: float, b: float) -> str:
    return f"bm25:k1={k1}:b={b}:v3"


@dataclass
class _Bags:
    """Term bags as read from the store, in chunk rowid order, not yet sorted by term."""

    terms: np.ndarray  # uint64, every posting
    tfs: np.ndarray  # uint16
    per_doc: np.ndarray  # postings of each document
    lengths: np.ndarray
    chunk_rowids: np.ndarray
    release_rowids: np.ndarray
    dates: np.ndarray


def _read(rows: Any, n_docs: int, n_postings: int) -> _Bags:
    terms = np.empty(n_postings, dtype=np.uint64)
    tfs = np.empty(n_postings, dtype=np.uint16)
    bags = _Bags(terms, tfs, np.empty(n_docs, dtype=np.int64), np.empty(n_docs, dtype=np.float32),
                 np.empty(n_docs, dtype=np.int64), np.empty(n_docs, dtype=np.int64), np.zeros(n_docs, dtype=np.int32))
    doc = post = 0
    while batch := rows.fetchmany(_BATCH):
        term_blob = b"".join(r[4] for r in batch)
        tf_blob = b"".join(r[5] for r in batch)
        n = len(tf_blob) // 2
        terms[post:post + n] = np.frombuffer(term_blob, dtype=np.uint64)
        tfs[post:post + n] = np.frombuffer(tf_blob, dtype=np.uint16)
        end = doc + len(batch)
        bags.chunk_rowids[doc:end] = [r[0] for r in batch]
        bags.release_rowids[doc:end] = [r[1] for r in batch]
        bags.lengths[doc:end] = [r[2] for r in batch]
        bags.per_doc[doc:end] = [len(r[5]) // 2 for r in batch]
        bags.dates[doc:end] = [int(r[3].replace("-", "")) if r[3] else 0 for r in batch]
        doc, post = end, post + n
    return bags


def _sort(bags: _Bags) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Postings sorted by term, each term's in document order: (terms, docs, tfs)."""
    # Stable (radix) sort: twice as fast as quicksort on 64-bit keys here. Temporaries
    # are narrowed and dropped as soon as they can be: this step sets the peak memory.
    order = np.argsort(bags.terms, kind="stable").astype(np.int32)
    terms = bags.terms[order]
    docs = np.repeat(np.arange(len(bags.per_doc), dtype=np.int32), bags.per_doc)[order]
    return terms, docs, bags.tfs[order]


def build(store: Store, k1: float = 1.2, b: float = 0.75) -> BM25Index:
    """Build from the store's term bags (read in one snapshot)."""
    with store.snapshot():
        generation = store.generation()
        n_docs, n_postings, _ = store.counts()
        bags = _read(store.bags(), n_docs, n_postings)
    return BM25Index(generation, [Postings.of(*_sort(bags))], bags.chunk_rowids, bags.release_rowids, bags.dates,
                     bags.lengths, k1, b)


def _tiered(segments: list[Postings]) -> list[Postings]:
    """The segments with the newest merged into the one before while it is at least half its size: sizes
    at least halve from oldest to newest, so there are few, and each posting is merged only a few times."""
    segments = list(segments)
    while len(segments) > 1 and 2 * len(segments[-1]) >= len(segments[-2]):
        newer = segments.pop()
        segments[-1] = _merge(segments[-1], newer)
    return segments


def update(index: BM25Index, store: Store, k1: float = 1.2, b: float = 0.75) -> BM25Index | None:
    """The index caught up with the store from the chunks written since its generation; None when so much
    changed that a build is the cheaper way (more new chunks than half the index).

    Chunks only added (what following another replica's ingest mostly is) become a segment of their own: the
    work is the new chunks' (and a copy of the per-document arrays), whatever the index's size. When chunks
    were also removed since (a release removed or replaced), the postings are rewritten without them."""
    with store.snapshot():
        generation = store.generation()
        if generation == index.generation:
            return index
        added = store.bags_since(index.generation)
        if len(added) > max(1000, index.n_docs // 2):
            return None
        live = store.chunk_rowids() if store.removed_since(index.generation) else None
    new = _read(_Rows(added), len(added), sum(len(r[5]) // 2 for r in added))
    new_terms, new_docs, new_tfs = _sort(new)
    if live is None:
        # New chunks' rowids are above every kept one, so kept-then-new is rowid order, as a build reads them.
        segments = _tiered([*index.segments, Postings.of(new_terms, new_docs + index.n_docs, new_tfs)])
        return BM25Index(generation, segments, np.concatenate((index.chunk_rowids, new.chunk_rowids)),
                         np.concatenate((index.release_rowids, new.release_rowids)),
                         np.concatenate((index.dates, new.dates)), np.concatenate((index.lengths, new.lengths)), k1, b)
    # Documents kept: still stored, and not rewritten since (a chunk written again comes back as new).
    keep = np.isin(index.chunk_rowids, live) & ~np.isin(index.chunk_rowids, new.chunk_rowids)
    renumber = (np.cumsum(keep) - 1).astype(np.int32)
    terms, docs, tfs = index.merged().flat()
    kept_postings = keep[docs]
    kept = Postings.of(terms[kept_postings], renumber[docs[kept_postings]], tfs[kept_postings])
    n_kept = int(keep.sum())
    postings = _merge(kept, Postings.of(new_terms, new_docs + n_kept, new_tfs))
    return BM25Index(generation, [postings], np.concatenate((index.chunk_rowids[keep], new.chunk_rowids)),
                     np.concatenate((index.release_rowids[keep], new.release_rowids)),
                     np.concatenate((index.dates[keep], new.dates)),
                     np.concatenate((index.lengths[keep], new.lengths)), k1, b)


class _Rows:
    """Rows already read, given out as a cursor gives them."""

    def __init__(self, rows: list[Any]) -> None:
        self.rows, self.at = rows, 0

    def fetchmany(self, size: int) -> list[Any]:
        part = self.rows[self.at:self.at + size]
        self.at += len(part)
        return part


def load(store: Store, k1: float = 1.2, b: float = 0.75, *, save: bool = True) -> BM25Index:
    """The current index: from the file's cache when it is fresh, else built (and cached when `save`)."""
    key = params(k1, b)
    with store.snapshot():
        generation = store.generation()
        cached = store.load_arrays(generation, key)
    if cached is not None and set(cached) == set(BM25Index.ARRAYS):
        return BM25Index.from_arrays(generation, cached, k1, b)
    index = build(store, k1, b)
    if save:
        store.save_arrays(index.generation, key, index.arrays())
    return index
