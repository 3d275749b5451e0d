"""What briefing relevance by meaning costs (qa.brief.relevance.nearest, the numpy sentence encoder), against words
alone in the same run (benchmarks/first_briefing.py: the first briefings over a large index).

Over the corpus and evals/data/releases, every query of the train and validation briefings is briefed twice: with
the meaning and kin floors at 1.01 (words alone, the baseline) and at their defaults (the kin floor: a query noun
and a release noun one WordNet step apart, compared by the encoder, qa.brief.relevance.coverage). Printed: seconds
per briefing (median and slowest), the encoder's load time and throughput (sentences a second), and the process's
resident memory before and after the encoder is loaded.
Run: .venv/bin/python benchmarks/relevance.py
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from qa.brief import meanings, relevance
from qa.brief.briefing import Briefer
from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.llm.client import no_model_client
from qa.settings import Settings
from qa.text import embed

ROOT = Path(__file__).resolve().parent.parent
CORPUS = [ROOT.parent / "shared" / "corpus" / "dod-releases", ROOT / "evals" / "data" / "releases"]
BRIEFS = [ROOT / "evals" / "briefs" / n for n in ("train.jsonl", "validation.jsonl", "validation-meaning.jsonl")]


def _rss_mb() -> float:
    """The process's resident memory now (VmRSS), not its peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    if not embed.available():
        print(f"the sentence encoder is not installed: {embed.INSTALL}", file=sys.stderr)
        return 2
    golds = [json.loads(line) for path in BRIEFS for line in path.read_text().splitlines() if line.strip()]
    golds = [g for g in golds if g.get("query")]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=Path(tmp) / "bench.db").with_mode("extractive")
        store = Store(settings.db)
        ingest_paths(store, CORPUS, settings.index)
        briefer = Briefer(store, settings, lambda: no_model_client(settings.model))
        before = _rss_mb()
        started = time.perf_counter()
        embed.vectors(["warm up"])
        load = time.perf_counter() - started
        loaded = _rss_mb()
        texts = [s for r in store.releases()[:40] for s in [r.title, *store.release_text(r.id).split(". ")[:8]]]
        started = time.perf_counter()
        embed.vectors(texts)
        rate = len(texts) / (time.perf_counter() - started)
        fitted = settings.brief.meaning_floor, settings.brief.kin_floor
        words_only = 1.01, 1.01
        briefer.settings.brief.meaning_floor, briefer.settings.brief.kin_floor = words_only
        for g in golds:  # a first pass untimed: search, parses and release texts warm for both runs alike
            briefer.brief(query=g["query"], since=g.get("since"), until=g.get("until"))
        for floors, name in ((words_only, "words alone (baseline)"), (fitted, "with meaning")):
            briefer.settings.brief.meaning_floor, briefer.settings.brief.kin_floor = floors
            times = []
            for g in golds:
                # Each briefing reads the releases' vectors from the index as a fresh process would; the first
                # one with meaning encodes every release (qa.brief.meanings), the slowest.
                meanings.forget()
                relevance._query_vector.cache_clear()
                relevance._kin.cache_clear()
                started = time.perf_counter()
                briefer.brief(query=g["query"], since=g.get("since"), until=g.get("until"))
                times.append(time.perf_counter() - started)
            print(f"{name}: {len(times)} briefings, median {statistics.median(times) * 1000:.0f} ms, "
                  f"slowest {max(times) * 1000:.0f} ms")
        store.close()
    print(f"encoder: loaded in {load:.2f} s, {rate:.0f} sentences/s; RSS {before:.0f} MB before it, "
          f"{loaded:.0f} MB after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
