"""The tests' PostgreSQL: without one, its tests skip saying why, unless QA_REQUIRE_POSTGRES=1 (CI), where
they fail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run_without_server(tmp_path: Path, require: bool) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QA_PG_BIN": str(tmp_path / "no-postgres-here"), "QA_REQUIRE_POSTGRES": "1" if require else ""}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
                           "tests/test_store.py::test_removal_by_id_or_prefix"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_a_missing_server_skips_its_tests_unless_it_is_required(tmp_path: Path) -> None:
    skipped = _run_without_server(tmp_path, require=False)
    assert skipped.returncode == 0 and "1 passed, 1 skipped" in skipped.stdout, skipped.stdout
    assert "no PostgreSQL on this machine" in skipped.stdout
    required = _run_without_server(tmp_path, require=True)
    assert required.returncode == 1 and "PostgreSQL is required (QA_REQUIRE_POSTGRES=1)" in required.stdout
