"""A throwaway PostgreSQL server for tests and benchmarks: Debian's initdb and pg_ctl in a temporary folder,
listening on a free loopback port, stopped (and its folder removed) when done.

Run as root, the server runs as the `postgres` user (PostgreSQL refuses root), through runuser. The server is
tuned for throwaway data (fsync off: a crash of the machine may lose data, but a crash or stop of the server
never loses a commit): what it tests is qa's behaviour, not the disk's.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

# Where Debian puts each major version's programs; the newest found is used.
_DEBIAN = Path("/usr/lib/postgresql")


class NoServer(RuntimeError):
    """No PostgreSQL programs on this machine, or the server would not start."""


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl: QA_PG_BIN, else Debian's newest, else the PATH's."""
    if os.environ.get("QA_PG_BIN"):
        chosen = Path(os.environ["QA_PG_BIN"])
        return chosen if (chosen / "pg_ctl").exists() else None
    if _DEBIAN.is_dir():
        for version in sorted(_DEBIAN.iterdir(), key=lambda p: p.name, reverse=True):
            if (version / "bin" / "pg_ctl").exists():
                return version / "bin"
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class PgServer:
    """One server: `dsn(dbname)` addresses a database on it; `create(dbname)` makes one."""

    def __init__(self, folder: Path, port: int, bin_dir: Path) -> None:
        self.folder, self.port, self.bin = folder, port, bin_dir
        self.user = "postgres"

    def dsn(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def create(self, dbname: str) -> str:
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}" TEMPLATE template0 ENCODING \'UTF8\'')
        return self.dsn(dbname)

    def stop(self, mode: str = "immediate") -> None:
        subprocess.run(_as_owner([str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", mode, "-w",
                                  "stop"]), capture_output=True, timeout=60)

    def start(self) -> None:
        log = self.folder / "server.log"
        opts = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c full_page_writes=off -c max_connections=200 -c shared_buffers=64MB")
        done = subprocess.run(_as_owner([str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-l", str(log),
                                         "-o", opts, "-w", "-t", "60", "start"]), capture_output=True, timeout=90)
        if done.returncode != 0:
            raise NoServer(f"pg_ctl start failed: {done.stderr.decode(errors='replace')}"
                           f"{log.read_text(errors='replace') if log.exists() else ''}")


@contextlib.contextmanager
def running() -> Iterator[PgServer]:
    """A fresh server for the block; NoServer when this machine has no PostgreSQL."""
    bin_dir = binaries()
    if bin_dir is None:
        raise NoServer("no PostgreSQL programs (initdb, pg_ctl): apt-get install postgresql, or set QA_PG_BIN")
    folder = Path(tempfile.mkdtemp(prefix="qa-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    try:
        done = subprocess.run(_as_owner([str(bin_dir / "initdb"), "-D", str(folder / "data"), "-U", "postgres",
                                         "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
                              capture_output=True, timeout=120)
        if done.returncode != 0:
            raise NoServer(f"initdb failed: {done.stderr.decode(errors='replace')}")
        server = PgServer(folder, free_port(), bin_dir)
        server.start()
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def wait_ready(dsn: str, timeout: float = 30) -> None:
    import psycopg

    end = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(dsn, connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > end:
                raise
            time.sleep(0.1)
