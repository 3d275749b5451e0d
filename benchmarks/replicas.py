"""Several `qa serve` replicas over one PostgreSQL database, and the PostgreSQL store against the SQLite one.

A throwaway PostgreSQL (Debian's binaries, qa.testing.pg_server) on loopback; every replica a `qa serve`
process (qa.testing.replicas). Measured:

1. 1, 2 and 4 replicas over one database, a client spreading requests round-robin over them (asyncio, HTTP/1.1
   keep-alive, --connections at once): extractive POST /v1/ask and POST /v1/search throughput, p50 and p99.
2. Write-to-read lag: a release posted to one replica, then the next replica's /readyz polled until its
   follower holds the write (index_generation), and its search until it finds the release.
3. One replica killed (SIGKILL) halfway through a search run over 2: a request that fails is retried on the
   next replica; lost = requests that never got an answer.
4. Scale: --chunks chunks of synthetic releases (benchmarks/synth.py) ingested into an SQLite file and into
   the database (`qa ingest`): releases/s; then one replica over each: search p50/p95 and its memory (RSS).

With --client wrk (Debian's `wrk`, written in C), part 1's load comes from one wrk process per replica instead
of the asyncio client: on 2 cores a Python client takes much of one core itself, so it measures how much CPU is
left over as much as how the replicas scale.

Run: .venv/bin/python benchmarks/replicas.py [--seconds 10] [--chunks 100000] [--replicas 1 2 4] [--client wrk]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402

from qa.testing.pg_server import running  # noqa: E402
from qa.testing.replicas import Replica, qa_command  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
# The replicas' fallback poll: the default, so that a lag well under it is the notification's doing.
FOLLOW_INTERVAL = 1.0
CHUNKS_PER_SYNTH_RELEASE = 1.74  # measured: 3,000 synthetic releases give 5,207 chunks


@dataclass
class Run:
    ok: int = 0
    lost: int = 0
    retried: int = 0
    why: dict[str, int] = field(default_factory=dict)  # what made requests retry: status or error
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def line(self, what: str) -> str:
        lat = sorted(self.latencies) or [0.0]
        p50 = lat[len(lat) // 2] * 1000
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
        return (f"{what}: {self.ok / self.seconds:,.0f} requests/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms "
                f"({self.ok} answered, {self.retried} retried on another replica{self._why()}, {self.lost} lost)")

    def _why(self) -> str:
        return f" ({', '.join(f'{k}: {v}' for k, v in sorted(self.why.items()))})" if self.why else ""


class _Conn:
    """One keep-alive HTTP/1.1 connection to one replica."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                          f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        await self.writer.drain()
        first = await self.reader.readline()
        if not first:  # the replica closed the connection before answering: it was killed
            raise ConnectionResetError("closed before a status line")
        status = int(first.split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _load(ports: list[int], path: str, bodies: list[bytes], seconds: float, connections: int,
                kill: tuple[float, Replica] | None = None) -> Run:
    run = Run()
    turn = 0
    deadline = time.monotonic() + seconds

    async def worker(w: int) -> None:
        nonlocal turn
        conns = [_Conn(p) for p in ports]
        i = w
        while time.monotonic() < deadline:
            body = bodies[i % len(bodies)]
            i += connections
            started = time.perf_counter()
            first, turn = turn, turn + 1  # this request's replica, in turn over all the client's requests
            for attempt in range(len(ports)):  # on failure, the next replica
                k = (first + attempt) % len(ports)
                try:
                    status = await asyncio.wait_for(conns[k].post(path, body), 30)
                except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError, IndexError) as err:
                    conns[k].close()
                    run.retried += 1
                    run.why[type(err).__name__] = run.why.get(type(err).__name__, 0) + 1
                    continue
                if status == 200:
                    run.ok += 1
                    run.latencies.append(time.perf_counter() - started)
                    break
                run.retried += 1
                run.why[str(status)] = run.why.get(str(status), 0) + 1
            else:
                run.lost += 1
        for c in conns:
            c.close()

    async def killer() -> None:
        assert kill is not None
        await asyncio.sleep(kill[0])
        await asyncio.get_running_loop().run_in_executor(None, kill[1].kill)

    began = time.monotonic()
    tasks = [worker(w) for w in range(connections)] + ([killer()] if kill else [])
    await asyncio.gather(*tasks)
    run.seconds = time.monotonic() - began
    return run


# wrk's request script: POST the bodies of the file QA_WRK_BODIES (one JSON body a line) in turn.
WRK_SCRIPT = """
local bodies = {}
for line in io.lines(os.getenv("QA_WRK_BODIES")) do bodies[#bodies + 1] = line end
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i + 1
  return wrk.format(nil, nil, nil, bodies[(i % #bodies) + 1])
end
"""


def _unit_ms(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", value)
    if m is None:
        raise RuntimeError(f"wrk printed a latency of {value!r}")
    number, unit = m.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _wrk(ports: list[int], path: str, bodies: list[bytes], seconds: float, connections: int, tmp: Path) -> str:
    """Part 1's load from one wrk process per replica, all at once: the requests/s answered 2xx, summed, and the
    slowest replica's p50 and p99."""
    script, lines = tmp / "bodies.lua", tmp / "bodies.jsonl"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    lines.write_bytes(b"\n".join(bodies) + b"\n")
    each = max(1, connections // len(ports))
    procs = [subprocess.Popen(["wrk", "-t1", f"-c{each}", f"-d{seconds:g}s", "--latency", "-s", str(script),
                               f"http://127.0.0.1:{port}{path}"], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "QA_WRK_BODIES": str(lines)}) for port in ports]
    rps, p50, p99, bad = 0.0, 0.0, 0.0, 0
    for proc in procs:
        out, _ = proc.communicate(timeout=seconds + 60)
        done = int(_found(r"(\d+) requests in ", out))
        failed = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
        rps += float(_found(r"Requests/sec:\s+([\d.]+)", out)) * (done - failed) / max(1, done)
        p50 = max(p50, _unit_ms(_found(r"(?m)^\s+50%\s+(\S+)", out)))  # the latency distribution's lines
        p99 = max(p99, _unit_ms(_found(r"(?m)^\s+99%\s+(\S+)", out)))
        bad += failed
    return (f"{rps:,.0f} requests/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms ({bad} not 2xx; wrk, {each} connections "
            "a replica)")


def _found(pattern: str, out: str) -> str:
    m = re.search(pattern, out)
    if m is None:
        raise RuntimeError(f"wrk printed no {pattern!r}:\n{out}")
    return m.group(1)


def _start(db: str | Path, n: int, tmp: Path, extra: dict[str, str | None] | None = None) -> list[Replica]:
    env: dict[str, str | None] = {"QA_LOG__ENABLED": "false", "QA_PG__FOLLOW_INTERVAL": str(FOLLOW_INTERVAL),
                                  **(extra or {})}
    replicas = [Replica(db, env=env, log=tmp / f"replica-{i}.log").start() for i in range(n)]
    for r in replicas:
        r.wait_ready(120)
        httpx.post(r.url + "/v1/search", json={"query": "warm up"}, timeout=300)  # its arrays, built once
        # And its language pipeline, loaded once: many first asks at once would each load their own.
        httpx.post(r.url + "/v1/ask", json={"question": "Who met whom?", "mode": "extractive"}, timeout=300)
    return replicas


def _stop(replicas: list[Replica]) -> None:
    for r in replicas:
        r.stop()


def _ingest(folder: Path, db: str | Path) -> tuple[int, int, float]:
    """Releases, chunks and seconds of one `qa ingest` (its own report)."""
    done = subprocess.run([*qa_command(), "ingest", str(folder), "--db", str(db), "--json"], capture_output=True,
                          text=True, check=True, env={**os.environ, "QA_LOG__ENABLED": "false"})
    report = json.loads(done.stdout)
    return len(report["added"]) + len(report["replaced"]), report["chunks"], report["seconds"]


def _lag(replicas: list[Replica], writes: int, dsn: str) -> tuple[list[float], list[float]]:
    """Seconds from a write's acknowledgement by one replica until the next replica's follower holds it (its
    /readyz index_generation, which catches nothing up itself), and until a search through it finds it."""
    import psycopg

    followed, searched = [], []
    with httpx.Client(timeout=30) as http, psycopg.connect(dsn, autocommit=True) as db:
        # The load runs before leave requests queued in the replicas (a wrk run stops sending, not the replica
        # working): one search through each, answered after them, so no write waits behind that backlog.
        for r in replicas:
            http.post(r.url + "/v1/search", json={"query": "drawdown", "k": 1})
        for i in range(writes):
            a, b = replicas[i % len(replicas)], replicas[(i + 1) % len(replicas)]
            word = f"lagword{i}x{os.getpid()}"
            http.post(a.url + "/v1/releases", json={"releases": [{
                "title": f"Lag probe {i}", "date": "2026-12-01", "source": f"https://lag.test/{i}",
                "text": f"The probe {word} was ingested through one replica and read through another."}]})
            acked = time.monotonic()
            row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
            generation = int(row[0]) if row else 0
            while (http.get(b.url + "/readyz").json()["index_generation"] or 0) < generation:
                if time.monotonic() - acked > 10:
                    break
                time.sleep(0.002)
            followed.append(time.monotonic() - acked)
            while not http.post(b.url + "/v1/search", json={"query": word, "k": 1}).json()["hits"]:
                if time.monotonic() - acked > 10:
                    break
                time.sleep(0.005)
            searched.append(time.monotonic() - acked)
    return followed, searched


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * q))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--base", type=int, default=3000, help="synthetic releases beside the corpus for parts 1-3")
    parser.add_argument("--chunks", type=int, default=100_000, help="chunks for part 4 (0: skip it)")
    parser.add_argument("--lag-writes", type=int, default=30)
    parser.add_argument("--client", choices=["asyncio", "wrk"], default="asyncio", help="part 1's load generator")
    args = parser.parse_args()
    if args.client == "wrk" and shutil.which("wrk") is None:
        print("--client wrk: no wrk on the PATH (apt-get install wrk)", file=sys.stderr)
        return 2
    if not (CORPUS / "gold-dev.jsonl").exists():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    questions = [json.loads(line)["question"] for line in (CORPUS / "gold-dev.jsonl").open()]
    searches = [json.dumps({"query": q, "k": 5}).encode() for q in questions]
    asks = [json.dumps({"question": q, "mode": "extractive"}).encode() for q in questions]
    print(f"machine: {os.cpu_count()} cores (shared with whatever else runs); client: {args.client}, "
          f"{args.connections} connections, {args.seconds:g} s per run")
    with tempfile.TemporaryDirectory() as tmp_name, running() as server:
        tmp = Path(tmp_name)
        dsn = server.create("replicas")
        base = tmp / "base"
        synth.write(base, args.base)
        n_rel, n_chunks, secs = _ingest(CORPUS / "dod-releases", dsn)
        n2, c2, s2 = _ingest(base, dsn)
        print(f"index: {n_rel + n2} releases, {n_chunks + c2} chunks in PostgreSQL ({(n2 / s2):,.0f} releases/s)")

        # 1. Throughput by replicas.
        for n in args.replicas:
            replicas = _start(dsn, n, tmp)
            ports = [r.port for r in replicas]
            if args.client == "wrk":
                print(f"{n} replica(s) /v1/search: " + _wrk(ports, "/v1/search", searches, args.seconds,
                                                             args.connections, tmp))
                print(f"{n} replica(s) /v1/ask (extractive): " + _wrk(ports, "/v1/ask", asks, args.seconds,
                                                                       args.connections, tmp)
                      + f"; replica RSS {max(r.rss_mb() for r in replicas):.0f} MB")
            else:
                search = asyncio.run(_load(ports, "/v1/search", searches, args.seconds, args.connections))
                ask = asyncio.run(_load(ports, "/v1/ask", asks, args.seconds, args.connections))
                rss = max(r.rss_mb() for r in replicas)
                print(search.line(f"{n} replica(s) /v1/search"))
                print(ask.line(f"{n} replica(s) /v1/ask (extractive)") + f"; replica RSS {rss:.0f} MB")
            if n == 2:
                # 2. The write-to-read lag, across replicas.
                followed, lags = _lag(replicas, args.lag_writes, dsn)
                print(f"write-to-read lag across replicas ({len(lags)} writes): p50 {_pct(lags, .5) * 1000:.0f} ms, "
                      f"p99 {_pct(lags, .99) * 1000:.0f} ms, max {max(lags) * 1000:.0f} ms   goal: p99 <= 1 s")
                print(f"  the other replica's follower caught up (woken by NOTIFY; polling every "
                      f"{FOLLOW_INTERVAL} s as the fallback): p50 {_pct(followed, .5) * 1000:.1f} ms, "
                      f"p99 {_pct(followed, .99) * 1000:.1f} ms, max {max(followed) * 1000:.1f} ms")
                # 3. One replica killed halfway through a run.
                killed = asyncio.run(_load(ports, "/v1/search", searches, args.seconds, args.connections,
                                           kill=(args.seconds / 2, replicas[0])))
                print(killed.line("2 replicas, one killed (SIGKILL) halfway, /v1/search"))
            _stop(replicas)

        # 4. Scale: the same synthetic releases into both stores.
        if args.chunks:
            big = tmp / "big"
            n_big = int(args.chunks / CHUNKS_PER_SYNTH_RELEASE)
            synth.write(big, n_big, seed=7)
            results = {}
            for name, db in (("SQLite", tmp / "big.db"), ("PostgreSQL", server.create("big"))):
                releases, chunks, secs = _ingest(big, db)
                [replica] = _start(db, 1, tmp, {"QA_PG__FOLLOW_INTERVAL": "1"})
                run = asyncio.run(_load([replica.port], "/v1/search", searches, args.seconds, 4))
                lat = sorted(run.latencies)
                results[name] = (releases, chunks, secs, _pct(lat, .5), _pct(lat, .95), replica.rss_mb(),
                                 run.ok / run.seconds)
                _stop([replica])
            for name, (releases, chunks, secs, p50, p95, rss, rps) in results.items():
                print(f"{name}: {chunks:,} chunks ({releases:,} releases) ingested at {releases / secs:,.0f} "
                      f"releases/s; search p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms ({rps:,.0f}/s, 4 "
                      f"connections); replica RSS {rss:.0f} MB")
            ratio = results["PostgreSQL"][4] / results["SQLite"][4]
            print(f"PostgreSQL search p95 / SQLite's: {ratio:.2f}   goals: <= 2x, RSS <= 500 MB, ingest >= 500/s")
    return 0


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    sys.exit(main())
