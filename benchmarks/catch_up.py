"""What a replica pays to follow one write: catching its BM25 arrays up with 1 new release (bm25.update) over a
large index, against building them afresh (bm25.build) in the same run, and what searching the arrays costs
(BM25Index.top on the dev questions' terms) as built and as caught up.

The index is a copy of --db (an SQLite file, e.g. ~50,000 chunks of benchmarks/synth.py releases ingested with
`qa ingest`), so the original is never written; --pg copies it into a throwaway PostgreSQL server (Debian's
binaries, qa.testing.pg_server) and measures there, where the store's reads cross a socket.

Run: .venv/bin/python benchmarks/catch_up.py --db big.db [--pg] [--repeat 20] [--releases 1]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from qa.index import bm25
from qa.index.store import Store
from qa.ingest.pipeline import ingest_drafts
from qa.models import ReleaseDraft
from qa.settings import IndexSettings, SearchSettings
from qa.text import analyze

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Best and median seconds of `repeat` calls, and the last result."""
    times, out = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - began)
    times.sort()
    return times[0], times[len(times) // 2], out


@contextlib.contextmanager
def _target(db: Path, pg: bool, folder: Path) -> Iterator[Path | str]:
    copy = folder / "index.db"
    shutil.copy(db, copy)
    if not pg:
        yield copy
        return
    from qa.index.migrate import copy_index
    from qa.index.pg_conn import close_pools
    from qa.testing.pg_server import running

    with running() as server:
        dsn = server.create("catch_up")
        source, target = Store(copy), Store(dsn)
        copy_index(source, target)
        source.close()
        target.close()
        try:
            yield dsn
        finally:
            close_pools()


def _queries() -> list[np.ndarray]:
    questions = [json.loads(line)["question"] for line in (CORPUS / "gold-dev.jsonl").open()]
    return [np.array([analyze.term_hash(t) for t in sorted(set(analyze.terms(q)))], dtype=np.uint64)
            for q in questions]


def _search_ms(index: bm25.BM25Index, queries: list[np.ndarray], repeat: int) -> float:
    """Median milliseconds per query of top(k=100) over all the queries."""
    lo, med, _ = best(lambda: [index.top(q, 100) for q in queries], repeat)
    return med / len(queries) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True, help="an SQLite index to copy")
    parser.add_argument("--pg", action="store_true", help="measure on a throwaway PostgreSQL copy")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--releases", type=int, default=1, help="new releases per catch-up")
    args = parser.parse_args()
    cfg = SearchSettings()
    with tempfile.TemporaryDirectory() as tmp, _target(args.db, args.pg, Path(tmp)) as where:
        store = Store(where)
        build_best, build_med, before = best(lambda: bm25.build(store, cfg.k1, cfg.b), max(3, args.repeat // 5))
        drafts = [ReleaseDraft(title=f"Catch-up probe {i}", date="2026-12-01", source=f"https://probe.test/{i}",
                               text=f"The Navy ordered {i + 2} probe boats named catchup{i} for the harbor. " * 20,
                               origin=f"probe{i}", key=f"probe{i}") for i in range(args.releases)]
        ingest_drafts(store, drafts, IndexSettings())
        # The same catch-up each time: from the arrays before the write to the store after it.
        up_best, up_med, after = best(lambda: bm25.update(before, store, cfg.k1, cfg.b), args.repeat)
        fresh = bm25.build(store, cfg.k1, cfg.b)
        queries = _queries()
        same = all(np.array_equal(a, b) for q in queries for a, b in zip(after.top(q, 100), fresh.top(q, 100)))
        print(f"store: {'PostgreSQL' if args.pg else 'SQLite'}, {fresh.n_docs:,} chunks, "
              f"{len(fresh.arrays()['docs']):,} postings")
        print(f"catch-up with {args.releases} new release(s) (bm25.update): best {up_best * 1000:.1f} ms, "
              f"median {up_med * 1000:.1f} ms")
        print(f"full build (bm25.build), the baseline: best {build_best * 1000:.0f} ms, median "
              f"{build_med * 1000:.0f} ms  -> catch-up is {build_med / up_med:.0f}x cheaper")
        print(f"search (top 100, {len(queries)} dev questions): built {_search_ms(fresh, queries, args.repeat):.3f} "
              f"ms/query, caught up {_search_ms(after, queries, args.repeat):.3f} ms/query; same results: {same}")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
