"""Releases per second of `qa ingest` on synthetic releases (benchmarks/synth.py), with the language layer, into a
fresh SQLite index: a fresh process per run, as a reader runs it.

The baseline in the same run is another checkout of qa (--baseline-tree, e.g. the commit before a change, made with
`git worktree add` or `git archive`), run on the same files and interleaved with this one, so that a busy machine
slows both alike.

Run: .venv/bin/python benchmarks/ingest_rate.py [-n 5000 -n 30000] [--runs 2] [--baseline-tree ../qa-before]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _ingest(tree: Path, folder: Path) -> tuple[float, float, int]:
    """(wall seconds of the whole command, the report's seconds, releases added) of one fresh `qa ingest`."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(tree)}
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "qa.cli.main", "ingest", str(folder), "--db", f"{tmp}/bench.db",
                              "--json"], env=env, check=True, capture_output=True, text=True, timeout=1800)
        wall = time.perf_counter() - started
    report = json.loads(out.stdout)
    return wall, report["seconds"], len(report["added"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, action="append", help="releases to generate (repeatable; default 5000, 30000)")
    parser.add_argument("--runs", type=int, default=2, help="runs of each size and tree; the median is reported")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline-tree", type=Path, help="another checkout of qa to time in the same run")
    args = parser.parse_args()
    trees = {"qa": ROOT, **({"baseline": args.baseline_tree.resolve()} if args.baseline_tree else {})}
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.n or [5000, 30000]:
            folder = Path(tmp) / f"synth{n}"
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synth.py"), str(folder), "-n", str(n),
                            "--seed", str(args.seed)], check=True, capture_output=True, env={
                                **os.environ, "PYTHONPATH": str(ROOT)})
            runs: dict[str, list[tuple[float, float, int]]] = {name: [] for name in trees}
            for _ in range(args.runs):
                for name, tree in trees.items():
                    runs[name].append(_ingest(tree, folder))
            for name, timed in runs.items():
                wall = statistics.median(t[0] for t in timed)
                seconds = statistics.median(t[1] for t in timed)
                results.append({"tree": name, "releases": n, "added": timed[0][2], "wall_s": round(wall, 2),
                                "report_s": round(seconds, 2), "releases_per_s": round(n / seconds),
                                "releases_per_s_wall": round(n / wall)})
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
