"""`qa serve` replicas as processes over one database, for the tests and benchmarks/replicas.py: each on a
free loopback port, started, waited for (/readyz), killed with SIGKILL or stopped, every wait bounded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from qa.testing.pg_server import free_port


def qa_command() -> list[str]:
    """The `qa` beside this Python (the venv's), else `python -m qa.cli.main`."""
    beside = Path(sys.executable).parent / "qa"
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "qa.cli.main"]


class Replica:
    def __init__(self, db: str | Path, env: dict[str, str | None] | None = None, log: Path | None = None) -> None:
        """env: variables set for the replica (None: removed)."""
        self.db = str(db)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        merged = {**os.environ, "QA_ANSWER__MODE": "extractive", **(env or {})}
        self.env = {k: v for k, v in merged.items() if v is not None}
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Replica:
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115 - the child keeps it
        self.proc = subprocess.Popen([*qa_command(), "serve", "--port", str(self.port), "--db", self.db],
                                     env=self.env, stdout=out, stderr=out, start_new_session=True)
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        give_up = time.monotonic() + timeout
        while True:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"replica on port {self.port} exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as reply:  # loopback only
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > give_up:
                raise TimeoutError(f"replica on port {self.port} not ready in {timeout} s")
            time.sleep(0.1)

    def kill(self) -> None:
        """kill -9: no shutdown, no cleanup, connections dropped mid-transaction."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def rss_mb(self) -> float:
        """Resident memory of the replica's processes (the uvicorn server), in MB."""
        if self.proc is None:
            return 0.0
        total = 0
        for pid in [self.proc.pid, *_children(self.proc.pid)]:
            try:
                with open(f"/proc/{pid}/status") as f:
                    total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
            except (OSError, StopIteration):
                pass
        return total / 1024


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            kids = [int(p) for p in f.read().split()]
    except OSError:
        return []
    return kids + [g for k in kids for g in _children(k)]
