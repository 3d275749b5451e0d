"""Held-connection benchmark of `qa serve` with a token (issue 20, item 3).

Starts `qa serve` on 127.0.0.1 (QA_API_TOKEN set, QA_SERVICE__READ_TIMEOUT=--timeout) over the corpus, then:
1. opens --held connections that never finish a request (a third half-sent headers, a third a body announced
   with the token and cut off, a third nothing at all) and, while they are held, times --requests rounds of
   GET /healthz and POST /v1/search one at a time (target p99 < 100 ms);
2. waits for the server to close every held connection (each must close within the read timeout, plus 2 s);
3. compares the server's RSS with its start (target: back within 50 MB);
4. makes --attempts connection attempts (each left open, at most --window open at once on this side), and
   checks /healthz still answers and the server never ran out of file descriptors.
Exits 1 when a target is missed. Loopback only; bounded in time (about --timeout + 2 min).

Run: .venv/bin/python benchmarks/held.py [--held 500] [--timeout 30] [--attempts 20000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import selectors
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from served import QA, serving  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "dod-releases"
TOKEN = "bench-token"
TARGET_MS = 100.0


def server_pid(port: int) -> int:
    """The `qa serve` process listening on port (its command line names the port)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in argv and str(port).encode() in argv:
                return int(entry.name)
    sys.exit(f"no qa serve process for port {port}")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def hold(port: int, i: int) -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", port), timeout=5)
    if i % 3 == 0:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    elif i % 3 == 1:
        conn.sendall(f"POST /v1/search HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n"
                     "Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{\"query\": \"".encode())
    conn.setblocking(False)
    return conn


def timed(port: int, n: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"healthz": [], "search": []}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for _ in range(n):
        for name, method, path, body in (("healthz", "GET", "/healthz", None),
                                         ("search", "POST", "/v1/search", {"query": "52nd drawdown"})):
            began = time.perf_counter()
            data = json.dumps(body).encode() if body else None
            conn.request(method, path, body=data, headers={**auth, **({"Content-Type": "application/json"}
                                                                        if data else {})})
            reply = conn.getresponse()
            reply.read()
            if reply.status != 200:
                sys.exit(f"{path} answered {reply.status}")
            out[name].append((time.perf_counter() - began) * 1000)
    conn.close()
    return out


def closed_times(conns: list[tuple[socket.socket, float]], limit: float) -> list[float]:
    """Seconds from each connection's opening to the server closing it; inf for those still open at `limit`."""
    sel = selectors.DefaultSelector()
    for conn, opened in conns:
        sel.register(conn, selectors.EVENT_READ, opened)
    closed: list[float] = []
    give_up = time.monotonic() + limit
    while sel.get_map() and time.monotonic() < give_up:
        for key, _ in sel.select(timeout=0.5):
            try:
                data = key.fileobj.recv(65536)  # type: ignore[union-attr]
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                closed.append(time.monotonic() - key.data)
                sel.unregister(key.fileobj)
                key.fileobj.close()  # type: ignore[union-attr]
    left = len(sel.get_map())
    for key in list(sel.get_map().values()):
        key.fileobj.close()  # type: ignore[union-attr]
    return closed + [float("inf")] * left


def attempts(port: int, n: int, window: int) -> tuple[int, int]:
    """n connection attempts, each left open (at most `window` on this side): (connected, refused or reset)."""
    held: deque[socket.socket] = deque()
    ok = failed = 0
    for _ in range(n):
        try:
            conn = socket.create_connection(("127.0.0.1", port), timeout=2)
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
            held.append(conn)
            ok += 1
        except OSError:
            failed += 1
        while len(held) > window:
            held.popleft().close()
    for conn in held:
        conn.close()
    return ok, failed


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--held", type=int, default=500)
    parser.add_argument("--timeout", type=float, default=30.0, help="QA_SERVICE__READ_TIMEOUT, seconds")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--attempts", type=int, default=20000)
    parser.add_argument("--window", type=int, default=3000, help="attempts left open at once on this side")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "held.db"
        source = [str(CORPUS)] if CORPUS.is_dir() else ["--sample"]
        subprocess.run([str(QA), "ingest", *source, "--db", str(db)], check=True, capture_output=True, timeout=120)
        env = {**os.environ, "QA_API_TOKEN": TOKEN, "QA_SERVICE__READ_TIMEOUT": str(args.timeout)}
        with serving(db, env) as port:
            pid = server_pid(port)
            timed(port, 20)  # warm: the index arrays loaded, as they are for any served search
            rss_start, fds_start = rss_mb(pid), open_fds(pid)
            held = [(hold(port, i), time.monotonic()) for i in range(args.held)]
            fds_held = open_fds(pid)
            loaded = timed(port, args.requests)
            closed = closed_times(held, args.timeout + 10)
            time.sleep(1.0)
            rss_after, fds_after = rss_mb(pid), open_fds(pid)
            began = time.monotonic()
            connected, refused = attempts(port, args.attempts, args.window)
            took = time.monotonic() - began
            fds_peak_after = open_fds(pid)
            alive = timed(port, 5)

    print(f"qa serve (token) on loopback; read timeout {args.timeout:g} s; {args.held} held connections "
          f"(half-sent headers, cut-off bodies, silent)")
    for name, ms in loaded.items():
        p99 = pct(ms, 99)
        ok &= p99 < TARGET_MS
        print(f"{name:8} while held: p50 {statistics.median(ms):6.1f} ms, p99 {p99:6.1f} ms, max {max(ms):6.1f} ms "
              f"({len(ms)} requests)  {'ok' if p99 < TARGET_MS else 'FAIL'} (p99 < {TARGET_MS:g} ms)")
    late = [c for c in closed if c > args.timeout + 2]
    ok &= not late
    finite = [c for c in closed if c != float("inf")]
    print(f"held connections closed by the server: {len(finite)} of {len(closed)}; "
          f"after {min(finite, default=0):.1f} to {max(finite, default=0):.1f} s  "
          f"{'ok' if not late else f'FAIL ({len(late)} later than {args.timeout + 2:g} s)'}")
    print(f"server fds: {fds_start} at start, {fds_held} while held, {fds_after} after the timeout")
    grew = rss_after - rss_start
    ok &= grew < 50
    print(f"server RSS: {rss_start:.0f} MB at start, {rss_after:.0f} MB after  {'ok' if grew < 50 else 'FAIL'}"
          " (within 50 MB)")
    print(f"{args.attempts} connection attempts in {took:.1f} s ({connected} connected, {refused} refused or "
          f"reset; up to {args.window} left open at once): server fds {fds_peak_after} after; /healthz then "
          f"p99 {pct(alive['healthz'], 99):.1f} ms  ok")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
