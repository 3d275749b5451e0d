"""Load test of `qa serve` on loopback: search and ask under load while an ingest writes, and no lost write.

Starts the service on 127.0.0.1 over a fresh index of the shared corpus, drives POST /v1/search with wrk
(Debian's `wrk`; bounded to --seconds) while a thread ingests batches of new releases, then checks every
ingested release is listed, then times a few POST /v1/ask requests on the embedded model (--asks).
Run: .venv/bin/python benchmarks/load.py [--seconds 10] [--workers 2] [--asks 6]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from served import QA, serving

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local queries = {QUERIES}
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, "/v1/search", nil, queries[(i % #queries) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.3f %.3f %d\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, summary.errors.status + summary.errors.connect))
end
"""


def post(url: str, body: dict, timeout: float = 300) -> dict:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as response:  # loopback only
        return json.loads(response.read())


def get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--asks", type=int, default=6, help="ask requests on the embedded model (0: none)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("needs wrk (apt-get install wrk)", file=sys.stderr)
        return 2
    questions = [json.loads(line)["question"] for line in (CORPUS / "gold-dev.jsonl").open()]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "load.db"
        subprocess.run([str(QA), "ingest", str(CORPUS / "dod-releases"), "--db", str(db)], check=True,
                       capture_output=True)
        with serving(db, None, "--workers", str(args.workers)) as port:
            base = f"http://127.0.0.1:{port}"
            post(base + "/v1/search", {"query": "warm up"})
            lua = Path(tmp) / "search.lua"
            bodies = ", ".join(json.dumps(json.dumps({"query": q, "k": 5})) for q in questions)
            lua.write_text(LUA.replace("{QUERIES}", "{" + bodies + "}"))

            written: list[str] = []

            def writer(first: int) -> None:  # new releases while the searches (then the asks) run
                for batch in range(first, first + 10):
                    releases = [{"title": f"Load test release {batch}-{i}", "date": "2026-11-28",
                                 "source": f"https://load.test/{batch}/{i}",
                                 "text": f"Load test release {batch}-{i} reports a drawdown of ${batch + i} million."}
                                for i in range(10)]
                    written.extend(post(base + "/v1/releases", {"releases": releases})["added"])
                    time.sleep(args.seconds / 12)

            thread = threading.Thread(target=writer, args=(0,))
            thread.start()
            run = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "-s", str(lua),
                                  base], capture_output=True, text=True, timeout=args.seconds + 60)
            thread.join()
            requests, duration_us, p50, p95, errors = re.search(r"RESULT (\S+) (\S+) (\S+) (\S+) (\S+)",
                                                                run.stdout).groups()
            rps = int(requests) / (int(duration_us) / 1e6)
            ask_times: list[float] = []
            thread = threading.Thread(target=writer, args=(100,))
            thread.start()
            for q in questions[: args.asks]:
                started = time.perf_counter()
                post(base + "/v1/ask", {"question": q})
                ask_times.append(time.perf_counter() - started)
            thread.join()
            listed = {r["id"] for r in get(base + "/v1/releases")}
            lost = [rid for rid in written if rid not in listed]
    print(f"search under load: {rps:,.0f} requests/s, p50 {float(p50):.1f} ms, p95 {float(p95):.1f} ms, "
          f"{errors} errors ({args.workers} workers, {args.connections} connections, {args.seconds} s, "
          f"{len(written)} releases ingested meanwhile)   goal: >= 500 requests/s, p95 < 50 ms")
    print(f"writes: {len(written)} ingested, {len(lost)} lost")
    if ask_times:
        p95_ask = statistics.quantiles(ask_times, n=20)[-1] if len(ask_times) > 1 else ask_times[0]
        print(f"ask (embedded model, one at a time, ingest running): p50 {statistics.median(ask_times):.1f} s, "
              f"p95 {p95_ask:.1f} s over {len(ask_times)}")
    return 0 if not lost and int(errors) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
