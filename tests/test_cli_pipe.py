"""`qa … | head`: a reader that closes the pipe early ends the command quietly with 0, as other tools do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

QA = Path(sys.executable).parent / "qa"  # the installed console script, as a shell pipeline runs it


def _into_closed_pipe(*args: str) -> subprocess.CompletedProcess[str]:
    """Runs qa with stdout on a pipe whose reader is already gone: its first write meets EPIPE, every time
    (a real `| head -1` closes the pipe at a moment that depends on the scheduler)."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run([str(QA), *args], stdout=write, stderr=subprocess.PIPE, text=True, timeout=120,
                              env={**os.environ, "NO_COLOR": "1"})
    finally:
        os.close(write)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("pipe") / "qa.db"
    subprocess.run([str(QA), "ingest", "--sample", "--db", str(db)], capture_output=True, timeout=120, check=True)
    return db


@pytest.mark.parametrize("args", [
    ("releases",),            # a command's rich output
    ("releases", "--json"),   # JSON written straight to stdout
    ("--help",),              # printed while the arguments are parsed, before any command runs
])
def test_a_closed_pipe_ends_the_command_with_0_and_no_traceback(sample_db: Path, args: tuple[str, ...]) -> None:
    done = _into_closed_pipe(*args, *(("--db", str(sample_db)) if args[0] == "releases" else ()))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
    assert done.stderr == ""

