"""What the first briefings cost on a large index, now that meaning is asked of every release in the range
(qa.brief.meanings): each `qa brief` a fresh process over one SQLite index of synthetic releases
(benchmarks/synth.py), as a reader runs them.

Printed: the ingest (releases a second, and that it stored no vectors), then for each briefing its wall seconds and
the releases whose vectors the index holds after it: the first two at the default cap (settings.brief
.meaning_encode), a third that encodes every release left (QA_BRIEF__MEANING_ENCODE=N, the whole cost), and a
fourth with every vector stored (the steady state). Also the encoder's throughput on the releases' titles and leads.

Run: .venv/bin/python benchmarks/first_briefing.py [-n 30000] [--no-all]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402

from qa.brief import meanings  # noqa: E402
from qa.index.store import Store  # noqa: E402
from qa.text import embed  # noqa: E402

QUERIES = ["troop deaths in combat", "weapons aid to Kyiv", "critical minerals for batteries", "new recruits"]


def _qa(*args: str, env: dict[str, str] | None = None) -> float:
    """Wall seconds of one `qa` command in a fresh process (this checkout's code)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "qa.cli.main", *args], check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    return time.perf_counter() - started


def _stored(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'release_meanings'").fetchone():
            return 0
        return int(conn.execute("SELECT COUNT(*) FROM release_meanings").fetchone()[0])


def _throughput(db: Path, n: int = 400) -> float:
    """Releases a second the encoder reads (title and lead), in this process, the model loaded."""
    store = Store(db)
    releases = store.releases()[:n]
    texts = [t for r in releases for t in meanings.lead(store, r)]
    embed.vectors(["warm up"])
    started = time.perf_counter()
    embed.vectors(texts)
    store.close()
    return len(releases) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=30000)
    parser.add_argument("--no-all", action="store_true", help="skip the briefing that encodes every release")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, db = Path(tmp) / "releases", Path(tmp) / "index.db"
        folder.mkdir()
        synth.write(folder, args.n)
        seconds = _qa("ingest", str(folder), "--db", str(db), "--json")
        print(f"ingest: {args.n} releases in {seconds:.1f} s ({args.n / seconds:.0f}/s, whole command), "
              f"vectors stored: {_stored(db)}", flush=True)
        print(f"encoder: {_throughput(db):.0f} releases/s (title and lead sentence)", flush=True)
        runs = [("first briefing (default cap)", QUERIES[0], {}), ("second briefing (default cap)", QUERIES[1], {})]
        if not args.no_all:
            runs.append(("a briefing encoding every release left", QUERIES[2],
                         {"QA_BRIEF__MEANING_ENCODE": str(args.n)}))
        runs.append(("a briefing with the vectors stored", QUERIES[3], {}))
        for name, query, env in runs:
            seconds = _qa("brief", "--query", query, "--db", str(db), "--json", "--no-log", env=env)
            print(f"{name}: {seconds:.1f} s, vectors stored after it: {_stored(db)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
