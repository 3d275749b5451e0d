"""Questions in, ranked chunks out."""

from __future__ import annotations

import threading

import numpy as np

from qa.index import bm25
from qa.index.rerank import Question, rerank_scores
from qa.index.store import Store
from qa.models import Hit
from qa.settings import SearchSettings
from qa.text import analyze, dates


def _merged(docs: np.ndarray, scores: np.ndarray, more: np.ndarray,
            more_scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two top lists as one, each document once, best first (ties: earlier chunk first)."""
    all_docs = np.concatenate([docs, more])
    all_scores = np.concatenate([scores, more_scores])
    unique, first = np.unique(all_docs, return_index=True)
    kept = all_scores[first]
    order = np.lexsort((unique, -kept))
    return unique[order], kept[order]

# Longest a search waits for another thread's catch-up before it answers from the previous arrays.
_WAIT = 1.0


def _day(iso: str) -> int:
    return int(iso.replace("-", ""))


class SharedIndex:
    """One copy of the BM25 arrays for all the threads of a process (the service's); the first thread
    to see that the releases changed (through this process or any other) catches them up from the chunks
    written since (bm25.update), or loads them when there are none yet.

    save=False keeps a busy service from writing the arrays into the file after every ingest: that
    write takes the file's write lock, which ingests need too.
    """

    def __init__(self, save: bool = True) -> None:
        self._save = save
        self._lock = threading.Lock()
        self._index: bm25.BM25Index | None = None

    @property
    def generation(self) -> int | None:
        """The generation of the arrays in memory: the writes searches see (None before the first search)."""
        current = self._index
        return None if current is None else current.generation

    def fresh(self, store: Store) -> bool:
        """Whether the arrays in memory are those of the store's current releases."""
        return self._index is not None and self._index.generation == store.generation()

    def get(self, store: Store, k1: float, b: float) -> bm25.BM25Index:
        generation = store.generation()
        current = self._index
        if current is not None and current.generation == generation:
            return current
        # While one thread catches up (a replica's follower, woken by the very write a client is about to
        # search for), the others wait for it: merging new chunks takes milliseconds. Only one that takes
        # longer (a full load) is not waited for past _WAIT: the previous arrays answer meanwhile (removed
        # chunks are skipped).
        if not self._lock.acquire(timeout=-1 if current is None else _WAIT):
            return current  # type: ignore[return-value]
        try:
            if self._index is None:
                self._index = bm25.load(store, k1, b, save=self._save)
            elif self._index.generation != store.generation():
                self._index = bm25.update(self._index, store, k1, b) or bm25.load(store, k1, b, save=self._save)
            return self._index
        finally:
            self._lock.release()


class Searcher:
    """Keeps the BM25 arrays in memory and reloads them when the store changes."""

    def __init__(self, store: Store, settings: SearchSettings | None = None, shared: SharedIndex | None = None) -> None:
        self.store = store
        self.settings = settings or SearchSettings()
        self._shared = shared or SharedIndex()

    @property
    def index(self) -> bm25.BM25Index:
        return self._shared.get(self.store, self.settings.k1, self.settings.b)

    def _allowed(self, idx: bm25.BM25Index, since: str | None, until: str | None,
                 source: str | None) -> np.ndarray | None:
        if not (since or until or source):
            return None
        allowed = np.ones(idx.n_docs, dtype=bool)
        if since:
            allowed &= idx.dates >= _day(since)
        if until:
            allowed &= (idx.dates <= _day(until)) & (idx.dates > 0)
        if source:
            pattern = "%" + source.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            allowed &= np.isin(idx.release_rowids, self.store.release_rowids(pattern))
        return allowed

    def _dated(self, idx: bm25.BM25Index, query: str, allowed: np.ndarray | None) -> np.ndarray | None:
        """The chunks of releases dated in a month the query names with its year, or None when it names none."""
        months = dates.months_named(query)
        if not months:
            return None
        day = idx.dates // 100  # YYYYMM of each chunk's release; 0 when undated
        inside = np.isin(day, [year * 100 + month for year, month in months])
        return inside if allowed is None else inside & allowed

    def idf(self, text: str, unseen: bool = False) -> dict[str, float]:
        """The BM25 idf of each of the text's search terms; one in no chunk weighs 0, or with `unseen` as much as
        a term can (a word the releases never use is no common one)."""
        words = sorted(set(analyze.terms(text)))
        idx = self.index
        weights = idx.idf(np.array([analyze.term_hash(t) for t in words], dtype=np.uint64)).tolist()
        rarest = float(bm25.bm25_idf(0.0, idx.n_docs))
        return {t: w if w > 0 or not unseen else rarest for t, w in zip(words, weights)}

    def search(self, query: str, k: int | None = None, *, since: str | None = None,
               until: str | None = None, source: str | None = None) -> list[Hit]:
        """The k best chunks for a query, optionally only from releases dated
        since/until (ISO dates, inclusive) or whose source contains `source`."""
        k = k or self.settings.k
        cfg = self.settings
        query_terms = analyze.terms(query)
        words = sorted(set(query_terms))
        hashes = np.array([analyze.term_hash(t) for t in words], dtype=np.uint64)
        idx = self.index
        depth = max(k, cfg.rerank_depth) if cfg.rerank_depth and cfg.rerank_weight else k
        allowed = self._allowed(idx, since, until, source)
        docs, scores = idx.top(hashes, depth, allowed)
        dated = self._dated(idx, query, allowed) if cfg.date_bonus else None
        if dated is not None:
            # Releases of the month the question names ("the June 2023 package") are candidates whatever their
            # words' weight, and rank above the same words in a release of another month.
            more, more_scores = idx.top(hashes, depth, dated)
            docs, scores = _merged(docs, scores, more, more_scores)
            scores = scores * np.where(dated[docs], 1 + cfg.date_bonus, 1.0)
        rowids = idx.chunk_rowids[docs].tolist()
        found = self.store.hit_rows(rowids) if rowids else {}
        # A writer may have removed some chunks since the arrays were loaded.
        ranked = [(found[r], s) for r, s in zip(rowids, scores.tolist()) if r in found]
        if depth > k and ranked:
            question = Question(query, query_terms, dict(zip(words, idx.idf(hashes).tolist())))
            new = rerank_scores(question, [layout for (_, layout), _ in ranked], [s for _, s in ranked],
                                cfg.rerank_weight, cfg.type_bonus)
            ranked = sorted(zip([row for row, _ in ranked], new), key=lambda p: -p[1])
        # Only a month given with its year: "through August" alone is reported by every year's release of it.
        through = [m for m in dates.months_through(query) if m[0]] if cfg.date_bonus else []
        if through:
            # "accessions thru july 2011": a release reporting figures "through July" ranks as a release dated in
            # the month a question names does (its own date is the next month's); every chunk of it, as the month
            # is said once, above the figures of the release's later chunks.
            reporting = {row[0].release_id for row, _ in ranked if dates.reports_through(row[0].text, through)}
            ranked = sorted(((row, s * (1 + cfg.date_bonus) if row[0].release_id in reporting else s)
                             for row, s in ranked), key=lambda p: -p[1])
        return [hit.model_copy(update={"score": round(score, 4)}) for (hit, _), score in ranked[:k]]
