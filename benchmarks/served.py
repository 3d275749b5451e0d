"""`qa serve` for the benchmarks: on a free loopback port over a given index, ready when the block starts,
stopped (TERM, then KILL after 15 s) when it ends."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

QA = Path(sys.executable).parent / "qa"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db: Path, env: dict[str, str] | None = None, *args: str, budget: float = 30) -> Iterator[int]:
    """The port of a `qa serve --db DB ARGS` answering /healthz; SystemExit when it does not in `budget` s."""
    port = free_port()
    server = subprocess.Popen([str(QA), "serve", "--port", str(port), "--db", str(db), *args], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        give_up = time.monotonic() + budget
        while True:
            if server.poll() is not None:
                sys.exit(f"qa serve exited with {server.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > give_up:
                sys.exit(f"qa serve did not answer in {budget:g} s")
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
