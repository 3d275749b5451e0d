"""Retrieval quality on the shared corpus: recall@1, @3 and @5 over the dev questions.

A question counts at k when every gold fact stands (whole word, any case) in
the text of the top k chunks. Run: .venv/bin/python benchmarks/retrieval.py
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

from qa.ingest import ingest_paths
from qa.search import Searcher
from qa.settings import IndexSettings, SearchSettings
from qa.store import Store

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def found(fact: str, text: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(fact) + r"(?!\w)", text, re.IGNORECASE) is not None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--max-tokens", type=int, default=IndexSettings().max_tokens)
    parser.add_argument("--overlap", type=int, default=IndexSettings().overlap_tokens)
    parser.add_argument("--title-weight", type=int, default=IndexSettings().title_weight)
    parser.add_argument("--misses", action="store_true", help="print the questions missed at k=1")
    args = parser.parse_args()
    if not (args.corpus / "gold-dev.jsonl").exists():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    settings = IndexSettings(max_tokens=args.max_tokens, overlap_tokens=args.overlap,
                             title_weight=args.title_weight)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        report = ingest_paths(store, [args.corpus / "dod-releases"], settings)
        searcher = Searcher(store, SearchSettings())
        questions = [json.loads(line) for line in (args.corpus / "gold-dev.jsonl").open()]
        answerable = [q for q in questions if q["gold_facts"]]
        ks = (1, 3, 5)
        hits_at = {k: 0 for k in ks}
        for q in answerable:
            hits = searcher.search(q["question"], k=max(ks))
            for k in ks:
                text = "\n".join(h.text for h in hits[:k])
                if all(found(f, text) for f in q["gold_facts"]):
                    hits_at[k] += 1
                elif k == 1 and args.misses:
                    top = hits[0].chunk_id if hits else None
                    print(f"miss@1 {q['id']}: {q['question']} {q['gold_facts']} -> {top}")
        sizes = [n for (n,) in store.db.execute("SELECT n_tokens FROM chunks")]
        print(f"releases {len(report.added) + len(report.replaced)}  chunks {len(sizes)} "
              f"(tokens mean {sum(sizes) / len(sizes):.0f}, max {max(sizes)})  "
              f"max_tokens {settings.max_tokens}  overlap {settings.overlap_tokens}  "
              f"questions {len(answerable)}")
        for k in ks:
            print(f"recall@{k}  {hits_at[k] / len(answerable):.3f}  ({hits_at[k]}/{len(answerable)})")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
