"""The BM25 index: term postings with precomputed weights, in numpy arrays.

Weights are computed once at build time (as bm25s does), so a query is a few
array slices and additions. The arrays are kept in the index, stamped with
the store's generation. When releases were added or removed since, `update`
catches up from the chunks written after that generation (and the rowids of
those still stored), merging them into the arrays in memory: what another
replica wrote is read, not the whole index again. The result is the arrays a
fresh build gives, to the bit (tests/test_search.py checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from qa.index.store import Store

_BATCH = 20_000


def bm25_idf(df: np.ndarray | float, n_docs: int) -> np.ndarray | float:
    """Lucene's BM25 idf, never negative even for terms in most documents."""
    return np.log1p((n_docs - df + 0.5) / (df + 0.5))


@dataclass
class BM25Index:
    generation: int
    hashes: np.ndarray  # sorted distinct term hashes (uint64)
    indptr: np.ndarray  # postings of term i are [indptr[i], indptr[i+1]) (int64)
    docs: np.ndarray  # document (chunk position) of each posting (int32)
    weights: np.ndarray  # BM25 weight of each posting (float32)
    chunk_rowids: np.ndarray  # store rowid of each document (int64)
    release_rowids: np.ndarray  # release rowid of each document (int64)
    dates: np.ndarray  # release date of each document as YYYYMMDD, 0 when unknown (int32)
    tfs: np.ndarray  # term count of each posting (uint16): what update() recomputes the weights from
    lengths: np.ndarray  # BM25 length of each document (float32)

    ARRAYS = ("hashes", "indptr", "docs", "weights", "chunk_rowids", "release_rowids", "dates", "tfs", "lengths")

    @property
    def n_docs(self) -> int:
        return len(self.chunk_rowids)

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in self.ARRAYS}

    def idf(self, query: np.ndarray) -> np.ndarray:
        """BM25 idf of each query term hash; 0 for terms not in the index."""
        out = np.zeros(len(query), dtype=np.float32)
        pos = np.searchsorted(self.hashes, query)
        for i, (p, h) in enumerate(zip(pos.tolist(), query.tolist())):
            if p < len(self.hashes) and int(self.hashes[p]) == h:
                df = self.indptr[p + 1] - self.indptr[p]
                out[i] = bm25_idf(df, self.n_docs)
        return out

    def top(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Documents and scores of the k best matches of distinct query term hashes."""
        if self.n_docs == 0 or len(query) == 0:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        pos = np.searchsorted(self.hashes, query)
        inside = pos < len(self.hashes)
        pos = pos[inside]
        pos = pos[self.hashes[pos] == query[inside]]
        scores = np.zeros(self.n_docs, dtype=np.float32)
        for i in pos:
            lo, hi = self.indptr[i], self.indptr[i + 1]
            scores[self.docs[lo:hi]] += self.weights[lo:hi]
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
    return f"bm25:k1={k1}:b={b}:v2"


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


def _finish(generation: int, terms: np.ndarray, docs: np.ndarray, tfs: np.ndarray, lengths: np.ndarray,
            chunk_rowids: np.ndarray, release_rowids: np.ndarray, dates: np.ndarray, k1: float,
            b: float) -> BM25Index:
    """The index of sorted postings: term offsets, and every posting's weight under the current counts."""
    n_docs, n_postings = len(lengths), len(terms)
    starts = np.flatnonzero(np.diff(terms)) + 1 if n_postings else np.empty(0, np.int64)
    indptr = np.concatenate(([0], starts, [n_postings])).astype(np.int64) if n_postings else np.zeros(1, np.int64)
    hashes = terms[indptr[:-1]].copy()
    del terms
    df = np.diff(indptr).astype(np.float32)
    idf = bm25_idf(df, n_docs).astype(np.float32)
    avg = float(lengths.mean()) if n_docs else 1.0
    norm = (k1 * (1 - b + b * lengths / max(avg, 1e-9))).astype(np.float32)
    tf = tfs.astype(np.float32)
    weights = np.repeat(idf, np.diff(indptr)) * (tf * (k1 + 1) / (tf + norm[docs]))
    return BM25Index(generation, hashes, indptr, docs, weights.astype(np.float32), chunk_rowids,
                     release_rowids, dates, tfs, lengths)


def build(store: Store, k1: float = 1.2, b: float = 0.75) -> BM25Index:
    """Build from the store's term bags (read in one snapshot)."""
    with store.snapshot():
        generation = store.generation()
        n_docs, n_postings, _ = store.counts()
        bags = _read(store.bags(), n_docs, n_postings)
    terms, docs, tfs = _sort(bags)
    return _finish(generation, terms, docs, tfs, bags.lengths, bags.chunk_rowids, bags.release_rowids, bags.dates,
                   k1, b)


def update(index: BM25Index, store: Store, k1: float = 1.2, b: float = 0.75) -> BM25Index | None:
    """The index caught up with the store from the chunks written since its generation; None when so much
    changed that a build is the cheaper way (more new chunks than half the index)."""
    with store.snapshot():
        generation = store.generation()
        if generation == index.generation:
            return index
        added = store.bags_since(index.generation)
        if len(added) > max(1000, index.n_docs // 2):
            return None
        live = store.chunk_rowids()
    new = _read(_Rows(added), len(added), sum(len(r[5]) // 2 for r in added))
    # Documents kept: still stored, and not rewritten since (a chunk written again comes back as new). New
    # chunks' rowids are above every kept one, so kept-then-new is rowid order, as a build reads them.
    keep = np.isin(index.chunk_rowids, live) & ~np.isin(index.chunk_rowids, new.chunk_rowids)
    renumber = (np.cumsum(keep) - 1).astype(np.int32)
    kept_postings = keep[index.docs]
    terms = np.repeat(index.hashes, np.diff(index.indptr))[kept_postings]
    docs = renumber[index.docs[kept_postings]]
    tfs = index.tfs[kept_postings]
    n_kept = int(keep.sum())
    new_terms, new_docs, new_tfs = _sort(new)
    # Each new posting goes after the kept postings of its term: every term's postings stay in document order.
    at = np.searchsorted(terms, new_terms, side="right")
    terms = np.insert(terms, at, new_terms)
    docs = np.insert(docs, at, new_docs + n_kept)
    tfs = np.insert(tfs, at, new_tfs)
    return _finish(generation, terms, docs, tfs, np.concatenate((index.lengths[keep], new.lengths)),
                   np.concatenate((index.chunk_rowids[keep], new.chunk_rowids)),
                   np.concatenate((index.release_rowids[keep], new.release_rowids)),
                   np.concatenate((index.dates[keep], new.dates)), k1, b)


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
        return BM25Index(generation=generation, **cached)
    index = build(store, k1, b)
    if save:
        store.save_arrays(index.generation, key, index.arrays())
    return index
