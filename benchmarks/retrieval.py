"""Retrieval quality on the shared corpus: recall@1, @3 and @5 over the dev questions.

A question counts at k when every gold fact stands (whole word, any case) in
the text of the top k chunks; multi_release questions need facts of several
releases, so recall@1 tops out at 62/66 = 0.94 on dev.
With --index-db postgresql://... the index is built in that database (a schema of its own, dropped after).
Run: .venv/bin/python benchmarks/retrieval.py [--misses] [--index-db URL]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from qa.evals.evaluation import load_dataset as load_questions
from qa.evals.retrieval import recall
from qa.index.search import Searcher
from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.settings import IndexSettings, SearchSettings

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


@contextlib.contextmanager
def _index_at(folder: Path, url: str | None) -> Iterator[Path | str]:
    if not url:
        yield folder / "bench.db"
        return
    from qa.index.pg_store import scratch

    with scratch(url) as dsn:
        yield dsn


def main() -> int:
    defaults = IndexSettings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--max-tokens", type=int, default=defaults.max_tokens)
    parser.add_argument("--overlap", type=int, default=defaults.overlap_tokens)
    parser.add_argument("--title-weight", type=int, default=defaults.title_weight)
    parser.add_argument("--no-rerank", action="store_true", help="BM25 alone, without the sentence-level second look")
    parser.add_argument("--misses", action="store_true", help="print the questions missed at k=1")
    parser.add_argument("--index-db", help="a PostgreSQL database to build the index in (default: an SQLite file)")
    args = parser.parse_args()
    if not (args.corpus / "gold-dev.jsonl").exists():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    settings = IndexSettings(max_tokens=args.max_tokens, overlap_tokens=args.overlap, title_weight=args.title_weight)
    with tempfile.TemporaryDirectory() as tmp, _index_at(Path(tmp), args.index_db) as where:
        store = Store(where)
        report = ingest_paths(store, [args.corpus / "dod-releases"], settings)
        searcher = Searcher(store, SearchSettings(rerank_depth=0) if args.no_rerank else SearchSettings())
        questions = load_questions(args.corpus / "gold-dev.jsonl")
        result = recall(searcher, questions)
        sizes = [n for (n,) in store.db.execute("SELECT n_tokens FROM chunks").fetchall()]
        store.close()
    print(f"releases {len(report.added)}  chunks {len(sizes)} (tokens mean {sum(sizes) / len(sizes):.0f}, "
          f"max {max(sizes)})  max_tokens {settings.max_tokens}  overlap {settings.overlap_tokens}  "
          f"rerank {'off' if args.no_rerank else 'on'}  questions {result.questions}")
    for k in sorted(result.found):
        print(f"recall@{k}  {result.at(k):.3f}  ({result.found[k]}/{result.questions})")
    if args.misses:
        by_id = {q.id: q for q in questions}
        for qid in result.misses[1]:
            print(f"miss@1 {qid}: {by_id[qid].question} {by_id[qid].gold_facts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
