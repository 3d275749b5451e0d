"""Speed and memory of the search index at 1x, ~10k and ~100k chunks, next to bm25s and rank_bm25.

Each phase (ingest; our build + queries; each baseline's build + queries) runs
in its own freshly spawned process, so its peak memory is its own: a forked
child would inherit the parent's high-water mark, and so would ru_maxrss even
after exec, so peak memory is read from /proc/self/status (VmHWM) where
available. Baselines index the very chunk texts our store holds.

Run: .venv/bin/python benchmarks/speed.py [--scales 1x,10k,100k] [--quick] [--profile]
Figures also go to benchmarks/results/speed.json.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import platform
import re
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus"
RESULTS = HERE / "results" / "speed.json"

# Target chunk counts; 0 means the real releases as they are.
SCALES = {"1x": 0, "10k": 10_000, "100k": 100_000}
GOALS = {
    "ingest_rps": (">=", 2000.0),
    "build_s": ("<=", 5.0),
    "full_p95_ms": ("<=", 10.0),
    "top_p95_ms": ("<=", 10.0),
    "peak_mb": ("<", 400.0),
}
K = 5
# Throughput of fewer releases than this is mostly fixed costs, so its goal is not judged.
MIN_RELEASES_FOR_RATE = 1000
PROFILE_FILES = 3000  # releases ingested again under the profiler (the timed run stays unprofiled)

Result = dict[str, Any]


# ---------------------------------------------------------------- process helpers


def peak_mb() -> float:
    """This process's peak resident memory, not counting what a fork inherited."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def isolated(fn: Callable[..., Result], *args: Any) -> Result:
    """Run fn in a new interpreter (spawn) so its memory peak and imports are its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
        try:
            return pool.submit(fn, *args).result()
        except Exception as err:  # a crashed or failing phase must not lose the other figures
            return {"error": f"{type(err).__name__}: {err}"}


def percentiles(seconds: Sequence[float]) -> tuple[float, float]:
    ms = np.asarray(seconds) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 95))


def best_of(fn: Callable[[], Any], budget_s: float = 0.5, max_runs: int = 5) -> tuple[float, Any]:
    """Fastest of a few runs for steps too quick to time once; slow steps run once."""
    times: list[float] = []
    out = None
    while len(times) < max_runs and sum(times) < budget_s:
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def profile_text(prof: Any, top: int = 18) -> str:
    import io
    import pstats

    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).strip_dirs().sort_stats("tottime").print_stats(top)
    return buf.getvalue()


def chunk_texts(db: Path) -> list[str]:
    """The chunk texts exactly as our store cuts them, in index order."""
    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT substr(r.text, c.char_start + 1, c.char_end - c.char_start)"
            " FROM chunks c JOIN releases r ON r.rowid = c.release ORDER BY c.rowid"
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


# ---------------------------------------------------------------- phases (run in children)


def task_ingest(corpus: str, db: str, profile: bool) -> Result:
    import inspect

    from qa.index.store import Store
    from qa.ingest.load import find_files
    from qa.ingest.pipeline import ingest_paths
    from qa.settings import IndexSettings
    from qa.text.tokens import encoding

    settings = IndexSettings()
    start = time.perf_counter()
    encoding(settings.encoding)  # loaded once per process; timed apart from throughput
    tokenizer_s = time.perf_counter() - start
    store = Store(Path(db))
    start = time.perf_counter()
    report = ingest_paths(store, [Path(corpus)], settings)
    seconds = time.perf_counter() - start
    store.close()
    n = len(report.added) + len(report.replaced)
    # ingest_paths may read and analyse in worker processes; their peak is reported apart (largest one).
    workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    out: Result = {"releases": n, "chunks": report.chunks, "errors": len(report.errors), "seconds": seconds,
                   "releases_per_s": n / seconds, "tokenizer_load_s": tokenizer_s, "peak_mb": peak_mb(),
                   "worker_peak_mb": workers_mb or None, "cpus": os.cpu_count(),
                   "db_mb": sum(p.stat().st_size for p in Path(db).parent.glob(Path(db).name + "*")) / 2**20}
    if profile:
        import cProfile

        files = find_files([Path(corpus)])[0][:PROFILE_FILES]
        scratch = Store(Path(db).with_name("profile.db"))
        # In one process, or the profile would show only the writer waiting on its workers.
        serial: dict[str, Any] = {"workers": 1} if "workers" in inspect.signature(ingest_paths).parameters else {}
        prof = cProfile.Profile()
        start = time.perf_counter()
        prof.enable()
        ingest_paths(scratch, files, settings, **serial)
        prof.disable()
        rps = len(files) / (time.perf_counter() - start)
        scratch.close()
        out["profile"] = (f"ingest of {len(files)} releases in one process ({rps:,.0f} releases/s under the "
                          "profiler)\n" + profile_text(prof))
    return out


def query_hashes(query: str) -> np.ndarray:
    """Query term hashes as qa.index.search.Searcher.search computes them."""
    from qa.text import analyze

    words = sorted(set(analyze.terms(query)))
    return np.sort(np.array([analyze.term_hash(t) for t in words], dtype=np.uint64))


def task_ours(db: str, questions: list[str], timed: list[str], profile: bool) -> Result:
    import gc

    from qa.index import bm25 as index
    from qa.index.search import Searcher
    from qa.index.store import Store
    from qa.settings import SearchSettings

    base_mb = rss_mb()
    cfg = SearchSettings()
    store = Store(Path(db))
    build_s, built = best_of(lambda: index.build(store, cfg.k1, cfg.b))
    stats = {"docs": built.n_docs, "terms": len(built.merged().hashes), "postings": built.n_postings,
             "arrays_mb": sum(a.nbytes for a in built.arrays().values()) / 2**20}
    store.save_arrays(built.generation, index.params(cfg.k1, cfg.b), built.arrays())
    del built
    gc.collect()
    fresh = store.load_arrays(store.generation(), index.params(cfg.k1, cfg.b)) is not None
    load_s, loaded = best_of(lambda: index.load(store, cfg.k1, cfg.b))
    del loaded
    gc.collect()

    searcher = Searcher(store, cfg)
    for q in questions:  # warm-up: index load, caches, SQLite pages
        searcher.search(q, k=K)
    full: list[float] = []
    for q in timed:
        start = time.perf_counter()
        searcher.search(q, k=K)
        full.append(time.perf_counter() - start)

    idx = searcher.index
    hashes = [query_hashes(q) for q in timed]
    for h in hashes[:len(questions)]:
        idx.top(h, K)
    top: list[float] = []
    for h in hashes:
        start = time.perf_counter()
        idx.top(h, K)
        top.append(time.perf_counter() - start)

    out: Result = {"build_s": build_s, "load_s": load_s, "cache_fresh": fresh, **stats,
                   "rerank_depth": cfg.rerank_depth if cfg.rerank_weight else 0,
                   "full_p50_ms": percentiles(full)[0], "full_p95_ms": percentiles(full)[1],
                   "top_p50_ms": percentiles(top)[0], "top_p95_ms": percentiles(top)[1],
                   "queries": len(timed), "base_mb": base_mb, "peak_mb": peak_mb()}
    if profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
        for q in timed:
            searcher.search(q, k=K)
        prof.disable()
        out["profile"] = f"{len(timed)} full searches\n" + profile_text(prof)
    store.close()
    return out


def _timed_queries(search: Callable[[str], tuple[float, float]], questions: list[str], timed: list[str],
                   budget_s: float) -> tuple[list[float], list[float]]:
    """(end-to-end, scoring-only) seconds per query; stops early when the budget is spent
    (rank_bm25 at 100k takes about a second a query), but after at least 20 queries."""
    for q in questions[:3]:
        search(q)
    full: list[float] = []
    scoring: list[float] = []
    started = time.perf_counter()
    for i, q in enumerate(timed):
        if i >= 20 and time.perf_counter() - started > budget_s:
            break
        total, score = search(q)
        full.append(total)
        scoring.append(score)
    return full, scoring


def task_bm25s(db: str, questions: list[str], timed: list[str], budget_s: float) -> Result:
    import bm25s
    import Stemmer

    base_mb = rss_mb()
    texts = chunk_texts(Path(db))
    stemmer = Stemmer.Stemmer("english")
    start = time.perf_counter()
    tokens = bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)
    tokenize_s = time.perf_counter() - start
    retriever = bm25s.BM25()
    start = time.perf_counter()
    retriever.index(tokens, show_progress=False)
    index_s = time.perf_counter() - start
    del tokens

    def search(q: str) -> tuple[float, float]:
        t0 = time.perf_counter()
        q_tokens = bm25s.tokenize([q], stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False)
        t1 = time.perf_counter()
        retriever.retrieve(q_tokens, k=min(K, len(texts)), show_progress=False)
        t2 = time.perf_counter()
        return t2 - t0, t2 - t1

    full, scoring = _timed_queries(search, questions, timed, budget_s)
    return _baseline_result(tokenize_s, index_s, full, scoring, base_mb)


_WORD = re.compile(r"\w+")


def task_rank_bm25(db: str, questions: list[str], timed: list[str], budget_s: float) -> Result:
    from rank_bm25 import BM25Okapi

    base_mb = rss_mb()
    texts = chunk_texts(Path(db))
    start = time.perf_counter()
    tokens = [_WORD.findall(t.lower()) for t in texts]
    tokenize_s = time.perf_counter() - start
    start = time.perf_counter()
    bm25 = BM25Okapi(tokens)
    index_s = time.perf_counter() - start
    del tokens

    def search(q: str) -> tuple[float, float]:
        t0 = time.perf_counter()
        q_tokens = _WORD.findall(q.lower())
        t1 = time.perf_counter()
        scores = bm25.get_scores(q_tokens)
        best = np.argpartition(-scores, min(K, len(scores)) - 1)[:K]
        best[np.argsort(-scores[best])]
        t2 = time.perf_counter()
        return t2 - t0, t2 - t1

    full, scoring = _timed_queries(search, questions, timed, budget_s)
    return _baseline_result(tokenize_s, index_s, full, scoring, base_mb)


def _baseline_result(tokenize_s: float, index_s: float, full: list[float], scoring: list[float],
                     base_mb: float) -> Result:
    return {"tokenize_s": tokenize_s, "index_s": index_s, "build_s": tokenize_s + index_s,
            "full_p50_ms": percentiles(full)[0], "full_p95_ms": percentiles(full)[1],
            "top_p50_ms": percentiles(scoring)[0], "top_p95_ms": percentiles(scoring)[1],
            "queries": len(full), "base_mb": base_mb, "peak_mb": peak_mb()}


# ---------------------------------------------------------------- driver


def chunks_per_release(seed: int, sample: int = 400) -> float:
    """Chunks a synthetic release makes at default settings, to size a corpus by chunk count."""
    import synth

    from qa.ingest.chunk import chunk_text
    from qa.ingest.load import split_header
    from qa.settings import IndexSettings

    s = IndexSettings()
    total = 0
    for _, text in synth.generate(sample, seed=seed + 7919):
        total += len(chunk_text(split_header(text)[1], s.max_tokens, s.overlap_tokens, s.encoding))
    return total / sample


def run_scale(name: str, target: int, args: argparse.Namespace, questions: list[str],
              timed: list[str], per_release: float) -> Result:
    import synth

    out: Result = {"target_chunks": target or None}
    with tempfile.TemporaryDirectory(prefix=f"qa-speed-{name}-") as tmp:
        if target:
            folder = Path(tmp) / "corpus"
            n = math.ceil(target / per_release)
            start = time.perf_counter()
            synth.write(folder, n, seed=args.seed)
            out["generate_s"] = time.perf_counter() - start
            out["corpus"] = f"synthetic, seed {args.seed}"
        else:
            folder = args.corpus / "dod-releases"
            out["corpus"] = "real"
        db = Path(tmp) / "bench.db"
        print(f"[{name}] ingest ...", flush=True)
        out["ingest"] = isolated(task_ingest, str(folder), str(db), args.profile)
        if "error" in out["ingest"]:
            return out
        out["releases"], out["chunks"] = out["ingest"]["releases"], out["ingest"]["chunks"]
        print(f"[{name}] {out['releases']:,} releases, {out['chunks']:,} chunks; ours ...", flush=True)
        out["ours"] = isolated(task_ours, str(db), questions, timed, args.profile)
        print(f"[{name}] bm25s ...", flush=True)
        out["bm25s"] = isolated(task_bm25s, str(db), questions, timed, args.budget)
        print(f"[{name}] rank_bm25 ...", flush=True)
        out["rank_bm25"] = isolated(task_rank_bm25, str(db), questions, timed, args.budget)
    return out


def verdict(key: str, value: float | None, releases: int) -> str:
    if key not in GOALS or value is None:
        return ""
    if key == "ingest_rps" and releases < MIN_RELEASES_FOR_RATE:
        return "n/a"
    op, goal = GOALS[key]
    ok = {">=": value >= goal, "<=": value <= goal, "<": value < goal}[op]
    return "pass" if ok else "FAIL"


def print_table(name: str, res: Result) -> None:
    ours, ing = res.get("ours", {}), res.get("ingest", {})
    base = {b: res.get(b, {}) for b in ("bm25s", "rank_bm25")}
    print(f"\n== {name}: {res.get('releases', 0):,} releases ({res['corpus']}), "
          f"{res.get('chunks', 0):,} chunks ==")
    for phase in ("ingest", "ours", "bm25s", "rank_bm25"):
        if "error" in res.get(phase, {}):
            print(f"   {phase} failed: {res[phase]['error']}")
    rows: list[tuple[str, str, str, float | None, float | None, float | None]] = [
        # label, goal key, format, ours, bm25s, rank_bm25
        ("ingest releases/s", "ingest_rps", "{:,.0f}", ing.get("releases_per_s"), None, None),
        ("ingest s (tokenizer preloaded)", "", "{:.2f}", ing.get("seconds"), None, None),
        ("ingest peak MB (main process)", "", "{:.0f}", ing.get("peak_mb"), None, None),
        ("ingest peak MB (largest worker)", "", "{:.0f}", ing.get("worker_peak_mb"), None, None),
        ("build s (ours: from bags)", "build_s", "{:.3f}", ours.get("build_s"),
         base["bm25s"].get("build_s"), base["rank_bm25"].get("build_s")),
        ("  of which tokenize s", "", "{:.3f}", None, base["bm25s"].get("tokenize_s"),
         base["rank_bm25"].get("tokenize_s")),
        ("reload cached index s", "", "{:.3f}", ours.get("load_s"), None, None),
        ("query p50 ms, full", "", "{:.2f}", ours.get("full_p50_ms"), base["bm25s"].get("full_p50_ms"),
         base["rank_bm25"].get("full_p50_ms")),
        ("query p95 ms, full", "full_p95_ms", "{:.2f}", ours.get("full_p95_ms"), base["bm25s"].get("full_p95_ms"),
         base["rank_bm25"].get("full_p95_ms")),
        ("query p50 ms, scoring only", "", "{:.2f}", ours.get("top_p50_ms"), base["bm25s"].get("top_p50_ms"),
         base["rank_bm25"].get("top_p50_ms")),
        ("query p95 ms, scoring only", "top_p95_ms", "{:.2f}", ours.get("top_p95_ms"),
         base["bm25s"].get("top_p95_ms"), base["rank_bm25"].get("top_p95_ms")),
        ("timed queries", "", "{:.0f}", ours.get("queries"), base["bm25s"].get("queries"),
         base["rank_bm25"].get("queries")),
        ("peak MB (build + queries)", "peak_mb", "{:.0f}", ours.get("peak_mb"), base["bm25s"].get("peak_mb"),
         base["rank_bm25"].get("peak_mb")),
        ("  of which after imports MB", "", "{:.0f}", ours.get("base_mb"), base["bm25s"].get("base_mb"),
         base["rank_bm25"].get("base_mb")),
    ]

    def cell(fmt: str, v: float | None) -> str:
        return "-" if v is None else fmt.format(v)

    print(f"{'metric':<32}{'ours':>10}{'bm25s':>10}{'rank_bm25':>11}  {'goal':<9}{'':>5}")
    for label, key, fmt, o, b1, b2 in rows:
        goal = f"{GOALS[key][0]} {GOALS[key][1]:g}" if key in GOALS else ""
        print(f"{label:<32}{cell(fmt, o):>10}{cell(fmt, b1):>10}{cell(fmt, b2):>11}  {goal:<9}"
              f"{verdict(key, o, res.get('releases', 0)):>5}")
    if "docs" in ours:
        print(f"index: {ours['terms']:,} terms, {ours['postings']:,} postings, arrays {ours['arrays_mb']:.1f} MB, "
              f"file {ing.get('db_mb', 0):.1f} MB; cache was fresh: {ours.get('cache_fresh')}")


def git_state() -> str:
    """The commit measured, since qa/ changes often; "+dirty" when the tree differs from it."""
    import subprocess

    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "qa"], cwd=HERE.parent, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default=",".join(SCALES), help=f"comma-separated, of {', '.join(SCALES)}")
    parser.add_argument("--quick", action="store_true", help="1x and 10k only")
    parser.add_argument("--queries", type=int, default=500, help="timed queries (the dev questions repeated)")
    parser.add_argument("--budget", type=float, default=15.0,
                        help="seconds of timed queries per baseline before it stops (after 20 queries)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true",
                        help=f"also cProfile an ingest of {PROFILE_FILES} releases and a pass of full searches")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args()
    names = ["1x", "10k"] if args.quick else [s.strip() for s in args.scales.split(",") if s.strip()]
    unknown = [s for s in names if s not in SCALES]
    if unknown:
        parser.error(f"unknown scale(s) {', '.join(unknown)}; choose from {', '.join(SCALES)}")
    gold = args.corpus / "gold-dev.jsonl"
    if not gold.exists() or not (args.corpus / "dod-releases").is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    commit = git_state()
    questions = [json.loads(line)["question"] for line in gold.open(encoding="utf-8") if line.strip()]
    timed = questions * max(1, math.ceil(args.queries / len(questions)))  # whole passes: each as often
    per_release = chunks_per_release(args.seed) if any(SCALES[n] for n in names) else 0.0
    results: dict[str, Result] = {}
    for name in names:
        results[name] = run_scale(name, SCALES[name], args, questions, timed, per_release)
    total = time.perf_counter() - started

    for name, res in results.items():
        print_table(name, res)
    depth = next((r["ours"]["rerank_depth"] for r in results.values() if "rerank_depth" in r.get("ours", {})), "?")
    print(f"\nfull = ours: Searcher.search (analysis, BM25, rerank of {depth}, SQLite rows); baselines: tokenize + "
          "retrieve.\nscoring only = ours: BM25Index.top on query hashes; baselines: retrieve/get_scores "
          "on tokens.\nBaselines index the bare chunk text; ours also counts title and date terms per chunk.\n"
          f"Ingest goal not judged below {MIN_RELEASES_FOR_RATE:,} releases (fixed costs dominate).")
    if args.profile:
        for name, res in results.items():
            for phase in ("ingest", "ours"):
                if "profile" in res.get(phase, {}):
                    print(f"\n-- profile {name} {phase}: {res[phase]['profile']}")
    print(f"\ncommit {commit}; total {total:.0f} s")

    args.json.parent.mkdir(parents=True, exist_ok=True)
    meta = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "commit": commit, "python": platform.python_version(),
            "machine": platform.machine(), "cpus": os.cpu_count(), "scales": names, "seed": args.seed,
            "timed_queries": len(timed), "chunks_per_synthetic_release": per_release, "total_s": total,
            "peak_memory": "VmHWM of each phase's own process"}
    doc = {"meta": meta, "goals": {k: f"{op} {v:g}" for k, (op, v) in GOALS.items()}, "scales": results}
    args.json.write_text(json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
