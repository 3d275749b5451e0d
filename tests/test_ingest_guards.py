"""Issue 10: what ingest opens (regular files, of bounded size), what it stores (no control characters,
spans exact), and that its worker processes end with it."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa.cli.main import app
from qa.index.store import Store
from qa.ingest import pipeline as ingest_module
from qa.ingest.pipeline import ingest_paths
from qa.settings import IndexSettings
from tests.conftest import write_release

runner = CliRunner()
CONTROLS = {chr(c) for c in range(32) if chr(c) not in "\n\t"} | {chr(c) for c in range(0x7f, 0xa0)}


@pytest.fixture()
def folder(tmp_path: Path) -> Iterator[Path]:
    """Two good releases, and beside them a FIFO, /dev/zero behind a symlink and a socket, all named .txt."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_release(folder, "a.txt", "Austin Hosts Umerov", "2023-12-06", "https://s/a", "The 52nd drawdown.")
    write_release(folder, "b.txt", "Hegseth Sworn In", "2025-01-25", "https://s/b", "JD Vance swore him in.")
    os.mkfifo(folder / "x.txt")
    (folder / "z.txt").symlink_to("/dev/zero")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "s.txt"))
    yield folder
    sock.close()


@pytest.mark.parametrize("workers", [1, 2])
def test_fifos_devices_and_sockets_are_reported_and_the_rest_go_in(
        folder: Path, tmp_path: Path, workers: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_module, "PARALLEL_FROM", 2)
    store = Store(tmp_path / "index.db")
    report = ingest_paths(store, [folder], IndexSettings(), workers=workers)
    assert {Path(e.origin).name: e.reason for e in report.errors} == {
        "s.txt": "skipped: a socket, not a regular file; qa reads regular files only",
        "x.txt": "skipped: a FIFO (named pipe), not a regular file; qa reads regular files only",
        "z.txt": "skipped: a character device, not a regular file; qa reads regular files only",
    }
    assert len(report.added) == 2 and len(store.releases()) == 2
    store.close()


def test_the_file_cap_comes_from_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_release(folder, "small.txt", "Small", "2024-01-01", "https://s/small", "Short.")
    big = write_release(folder, "big.txt", "Big", "2024-01-01", "https://s/big", "Long. " * 40)
    monkeypatch.setenv("QA_INGEST__MAX_FILE_BYTES", "150")
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "cli.db")])
    assert result.exit_code == 1
    assert (f"qa: error: {big}: too large: {big.stat().st_size:,} bytes, over the limit of 150 bytes "
            "(setting ingest.max_file_bytes, QA_INGEST__MAX_FILE_BYTES)") in result.stderr
    assert "1 release(s) stored" in result.stdout


def test_citation_spans_stay_exact_when_control_characters_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    body = ("Secretary Austin\x00 hosted Rustem Umerov\x1b[31m at the Pentagon.\r\n"
            "The package is the 52nd\x00 drawdown, worth $175 million.\x1b[0m\r\n\r\n"
            "It includes\x07 air defense\x9b interceptors and artillery rounds.\r\n")
    (folder / "r.txt").write_bytes(f"Title: Austin \x1b]0;pwned\x07Hosts Umerov\r\nDate: 2023-12-06\r\n"
                                   f"Source: https://s/r\r\n\r\n{body}".encode())
    (folder / "r.jsonl").write_text(json.dumps({"title": "Record\x1b[2J", "source": "https://s/j", "text": body}))
    db = tmp_path / "cli.db"
    assert runner.invoke(app, ["ingest", str(folder), "--db", str(db)]).exit_code == 0
    result = runner.invoke(app, ["ask", "How much is the 52nd drawdown worth?", "--db", str(db), "--json",
                                 "--mode", "extractive"])
    evidence = json.loads(result.stdout)["evidence"]
    result = runner.invoke(app, ["search", "air defense interceptors drawdown", "--db", str(db), "--json"])
    hits = json.loads(result.stdout)["hits"]
    assert evidence and len({h["release_id"] for h in hits}) == 2
    store = Store(db)
    for release in store.releases():
        text = store.release_text(release.id)
        assert not CONTROLS & set(text + release.title), release.title
    for cited in evidence:
        assert store.release_text(cited["release_id"])[cited["start"]:cited["end"]] == cited["quote"]
    for hit in hits:
        assert store.release_text(hit["release_id"])[hit["start"]:hit["end"]] == hit["text"]
    assert "$175 million" in " ".join(c["quote"] for c in evidence)
    store.close()


# A qa ingest whose workers never finish a file named stuck*: each worker notes its pid when it starts.
# The parent reads Ctrl-C as a terminal's `qa ingest` does, even when the shell running the tests ignores SIGINT
# (a job started in the background), which Python would otherwise inherit and never raise KeyboardInterrupt for.
STUCK_INGEST = """
import os, signal, sys, time
from pathlib import Path
signal.signal(signal.SIGINT, signal.default_int_handler)
from qa.ingest import pipeline as ingest
from qa.settings import IndexSettings
from qa.index.store import Store

folder, marks, db = map(Path, sys.argv[1:4])
started, read = ingest._init_worker, ingest._file_outcomes

def init(*args):
    started(*args)
    (marks / str(os.getpid())).touch()

def outcomes(path, *args):
    return time.sleep(3600) if path.name.startswith("stuck") else read(path, *args)

ingest._init_worker, ingest._file_outcomes = init, outcomes
ingest.PARALLEL_FROM, ingest.BATCH = 2, 8
ingest.ingest_paths(Store(db), [folder], IndexSettings(), workers=2)
"""


def _stored(db: Path) -> int:
    try:
        with sqlite3.connect(db) as con:
            return con.execute("SELECT COUNT(*) FROM releases").fetchone()[0]
    except sqlite3.Error:  # not made yet
        return 0


def _gone(pid: int) -> bool:
    """Exited: no such process, or a zombie nobody reaped yet (its parent is gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def _wait_for(condition: object, what: str) -> None:
    for _ in range(600):
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"still waiting for {what}")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_workers_end_with_their_parent_and_what_was_committed_stays(tmp_path: Path, sig: signal.Signals) -> None:
    folder, marks, db = tmp_path / "in", tmp_path / "marks", tmp_path / "i.db"
    folder.mkdir()
    marks.mkdir()
    # The workers take 32 files at a time: one worker reads these 32, the other sticks in the next four.
    for i in range(32):
        write_release(folder, f"a{i:02}.txt", f"Release {i}", "2024-01-01", f"https://s/{i}", f"Body {i}.")
    for i in range(4):
        write_release(folder, f"stuck{i}.txt", f"Stuck {i}", "2024-01-01", f"https://s/stuck{i}", "Body.")
    stderr = tmp_path / "stderr"
    with stderr.open("wb") as log:  # a file, not a pipe: workers that outlive the parent would hold a pipe open
        parent = subprocess.Popen([sys.executable, "-c", STUCK_INGEST, str(folder), str(marks), str(db)],
                                  cwd=Path(__file__).resolve().parent.parent, stderr=log)
    workers: list[int] = []
    try:
        _wait_for(lambda: (len(list(marks.iterdir())) == 2 and _stored(db) == 32) or parent.poll() is not None,
                  "two workers and the first 32 releases")
        workers = [int(p.name) for p in marks.iterdir()]
        assert len(workers) == 2, stderr.read_text()
        parent.send_signal(sig)
        parent.wait(timeout=60)
        _wait_for(lambda: all(_gone(pid) for pid in workers), "the workers to end")
    finally:
        for pid in [parent.pid, *workers]:  # only if the test failed: leave nothing running
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)
        parent.wait()
    if sig == signal.SIGTERM:
        assert parent.returncode == 128 + signal.SIGTERM
    assert _stored(db) == 32
