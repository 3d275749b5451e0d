"""Fault benchmark of `qa serve`: do the cheap endpoints stay fast while asks wait on a hung model?

Starts `qa serve` on 127.0.0.1 over a fresh index (the shared corpus, or the sample release without it)
with QA_MODEL__BASE_URL at a loopback server that accepts connections and never answers. First, with no
ask waiting, it times --requests rounds of GET /healthz, GET /readyz, POST /v1/search and a one-release
POST /v1/releases, one request at a time: the baseline. Then it sends --asks concurrent POST /v1/ask (mode
model), which take the model slots and queue behind them, and times the same rounds while they wait. Last,
it waits for the asks, which must all come back with the extractive answer once the --deadline passes.
Exits 1 when an endpoint's p99 with the asks waiting is 100 ms or more, or an ask did not come back so.
Everything is loopback, bounded in time (about --deadline + 20 s), and every process it starts is stopped.

Run: .venv/bin/python benchmarks/faults.py [--asks 50] [--requests 200] [--deadline 20]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from served import QA, serving

from qa.testing.fake_models import HungServer

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "dod-releases"
TARGET_MS = 100.0
QUESTION = "How much is the 52nd drawdown worth?"


def request(conn: http.client.HTTPConnection, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
    response = conn.getresponse()
    return response.status, response.read()


def rounds(port: int, n: int, tag: str, failures: dict[str, int], budget: float) -> dict[str, list[float]]:
    """n rounds of the four cheap requests, one at a time, each on its own kept-alive connection: ms each.
    A request that fails or times out (5 s) is counted in `failures`; rounds stop after `budget` seconds."""
    give_up = time.monotonic() + budget
    conns = {name: http.client.HTTPConnection("127.0.0.1", port, timeout=5)
             for name in ("healthz", "readyz", "search", "ingest")}
    times: dict[str, list[float]] = {name: [] for name in conns}
    try:
        for i in range(n):
            if time.monotonic() > give_up:
                failures["rounds not run"] = n - i
                break
            release = {"title": f"Navy Awards Boat Repair Contract {tag} {i}", "date": "2024-05-02",
                       "source": f"https://example.test/faults/{tag}/{i}",
                       "text": f"The Navy awarded a ${i + 1} million contract for the repair of patrol boats in "
                               "Norfolk, Virginia."}
            for name, method, path, body in (
                    ("healthz", "GET", "/healthz", None), ("readyz", "GET", "/readyz", None),
                    ("search", "POST", "/v1/search", {"query": "Ukraine security assistance drawdown", "k": 5}),
                    ("ingest", "POST", "/v1/releases", {"releases": [release]})):
                began = time.perf_counter()
                try:
                    status, _ = request(conns[name], method, path, body)
                except OSError:  # a timeout counts at the time it took; the next request gets a new connection
                    status = 0
                    conns[name].close()
                times[name].append((time.perf_counter() - began) * 1000)
                if status != 200:
                    failures[name] = failures.get(name, 0) + 1
    finally:
        for c in conns.values():
            c.close()
    return times


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--asks", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200, help="rounds of the four cheap requests per phase")
    parser.add_argument("--deadline", type=float, default=20.0, help="QA_MODEL__DEADLINE, seconds")
    args = parser.parse_args()
    hung = HungServer()
    failures: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "faults.db"
        source = [str(CORPUS)] if CORPUS.is_dir() else ["--sample"]
        subprocess.run([str(QA), "ingest", *source, "--db", str(db)], check=True, capture_output=True, timeout=120)
        env = {**os.environ, "QA_MODEL__BASE_URL": hung.url, "QA_MODEL__DEADLINE": str(args.deadline),
               "QA_MODEL__MAX_ATTEMPTS": "1", "QA_MODEL__TIMEOUT": str(args.deadline * 3),
               "QA_SERVICE__MODEL_QUEUE": str(args.asks)}
        try:
            with serving(db, env) as port:
                baseline = rounds(port, args.requests, "idle", failures, args.deadline)

                answers: list[tuple[int, dict, float]] = []

                def ask() -> None:
                    began = time.perf_counter()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=args.deadline + 30)
                    try:
                        status, body = request(conn, "POST", "/v1/ask", {"question": QUESTION, "mode": "model"})
                        answers.append((status, json.loads(body), time.perf_counter() - began))
                    except OSError as err:
                        answers.append((0, {"error": str(err)}, time.perf_counter() - began))
                    finally:
                        conn.close()

                threads = [threading.Thread(target=ask, daemon=True) for _ in range(args.asks)]
                started = time.monotonic()
                for t in threads:
                    t.start()
                while len(hung.conns) < 2 and time.monotonic() - started < 10:
                    time.sleep(0.05)
                time.sleep(0.5)  # the rest of the asks reach the queue
                loaded = rounds(port, args.requests, "hung", failures, args.deadline / 2)
                measured_in = time.monotonic() - started
                give_up = time.monotonic() + args.deadline + 40
                for t in threads:
                    t.join(max(0.0, give_up - time.monotonic()))
        finally:
            hung.close()

    print(f"qa serve on loopback; model: a loopback server that never answers; {args.asks} asks (mode model) "
          f"waiting; deadline {args.deadline:g} s; {args.requests} requests per endpoint, one at a time")
    print(f"the model server got {len(hung.conns)} connections; the loaded phase ended {measured_in:.1f} s "
          f"after the first ask (the asks wait until {args.deadline:g} s)")
    print(f"{'endpoint':10} {'idle p50':>9} {'idle p99':>9} {'hung p50':>9} {'hung p99':>9} {'max':>8}  "
          f"target p99 < {TARGET_MS:g} ms")
    ok = True
    for name in baseline:
        p99 = pct(loaded[name], 99)
        passed = p99 < TARGET_MS
        ok &= passed
        print(f"{name:10} {statistics.median(baseline[name]):9.1f} {pct(baseline[name], 99):9.1f} "
              f"{statistics.median(loaded[name]):9.1f} {p99:9.1f} {max(loaded[name]):8.1f}  "
              f"{'ok' if passed else 'FAIL'}")
    if failures:
        print(f"FAIL: requests that failed or timed out: {failures}")
        ok = False
    if measured_in >= args.deadline:
        print("FAIL: the loaded phase outlasted the deadline, so not every request ran with the asks waiting")
        ok = False
    statuses: dict[str, int] = {}
    for status, body, _ in answers:
        key = f"{status} {body.get('mode', body.get('code', body.get('error', '')))}"
        statuses[key] = statuses.get(key, 0) + 1
    took = sorted(t for _, _, t in answers)
    print(f"asks: {len(answers)} of {args.asks} came back: {statuses}; "
          f"latency min {took[0]:.1f} s, max {took[-1]:.1f} s" if took else "asks: none came back")
    extractive = sum(1 for s, b, _ in answers if s == 200 and b.get("mode") == "extractive")
    if extractive != args.asks:
        print(f"FAIL: {args.asks - extractive} asks did not come back with the extractive answer")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
