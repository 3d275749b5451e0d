"""How long an extractive answer takes with the language layer: a fresh `qa ask` process, and POST /v1/ask in a
warm service, over the corpus and the grow releases.

Baselines in the same run: `qa releases` in a fresh process (the command line's start-up without an answer), and
POST /v1/search in the same service (retrieval alone).
Run: .venv/bin/python benchmarks/ask_latency.py [--runs 7] [--questions 40]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = [ROOT.parent / "shared" / "corpus" / "dod-releases", ROOT / "evals" / "data" / "releases"]
QUESTIONS = ROOT / "evals" / "data" / "grow-train.jsonl"
QA = [sys.executable, "-m", "qa.cli.main"] if not (ROOT / ".venv" / "bin" / "qa").exists() else [
    str(ROOT / ".venv" / "bin" / "qa")]


def _timed(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, timeout=120)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--questions", type=int, default=40)
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from qa.index.store import Store
    from qa.ingest.pipeline import ingest_paths
    from qa.service import create_app
    from qa.settings import Settings

    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines() if line.strip()]
    questions = questions[: args.questions]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        settings = Settings(db=db).with_mode("extractive")
        settings.service.hosts = ["testserver"]  # the Host FastAPI's TestClient sends
        ingest_paths(Store(db), CORPUS, settings.index)
        cli_ask = [_timed([*QA, "ask", "--db", str(db), "--mode", "extractive", "--no-log", q])
                   for q in questions[: args.runs]]
        cli_base = [_timed([*QA, "releases", "--db", str(db)]) for _ in range(args.runs)]
        api = TestClient(create_app(settings))
        api.post("/v1/ask", json={"question": questions[0], "mode": "extractive"})  # warm: the parser loaded
        asks, searches = [], []
        for q in questions:
            started = time.perf_counter()
            api.post("/v1/ask", json={"question": q, "mode": "extractive"}).raise_for_status()
            asks.append(time.perf_counter() - started)
            started = time.perf_counter()
            api.post("/v1/search", json={"query": q, "k": 5}).raise_for_status()
            searches.append(time.perf_counter() - started)
    print(json.dumps({
        "cli_ask_p50_s": round(statistics.median(cli_ask), 3),
        "cli_releases_p50_s (baseline)": round(statistics.median(cli_base), 3),
        "api_ask_extractive_p50_ms": round(1000 * statistics.median(asks), 1),
        "api_ask_extractive_p95_ms": round(1000 * sorted(asks)[int(0.95 * (len(asks) - 1))], 1),
        "api_search_p50_ms (baseline)": round(1000 * statistics.median(searches), 1),
        "questions": len(questions), "cli_runs": args.runs}, indent=2))


if __name__ == "__main__":
    main()
