"""Issue 20, item 4: no input makes a 5xx, no client-visible body names a server path, and errors say what they
are (a refused write is not a damaged file, a file:// URL was not "redirected")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa.index.store import Store
from qa.ingest.fetch import Fetcher, FetchError
from qa.service import create_app
from qa.settings import FetchSettings, Settings


def _api(tmp_path: Path) -> TestClient:
    settings = Settings(db=tmp_path / "qa.db")
    settings.answer.reports = tmp_path
    Store(settings.db).close()
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.mark.parametrize("path", ["/v1/evals/" + "a" * 5000, "/v1/evals/" + "a" * 250, "/v1/releases/" + "r" * 5000,
                                  "/docs/assets/" + "x" * 5000, "/static/" + "y" * 5000, "/" + "z" * 5000])
def test_a_long_name_is_a_4xx_never_a_5xx(tmp_path: Path, path: str) -> None:
    got = _api(tmp_path).get(path)
    assert got.status_code in (404, 422), got.text[:200]
    assert "a" * 300 not in got.text and "File name too long" not in got.text


def test_an_index_that_cannot_be_opened_names_no_path(tmp_path: Path) -> None:
    db = tmp_path / "secret-place" / "bad1s.db"
    db.parent.mkdir()
    db.write_bytes(b"not an index at all, just bytes" * 200)
    api = TestClient(create_app(Settings(db=db)), raise_server_exceptions=False)
    got = api.get("/v1/releases")
    assert got.status_code == 503 and got.json()["code"] in ("index_unavailable", "storage_damaged")
    assert "secret-place" not in got.text and "bad1s" not in got.text


_FILL = """
import resource, sys
from pathlib import Path
from qa.index.store import Store, StorageFault
from qa.ingest.pipeline import ingest_drafts
from qa.models import ReleaseDraft
from qa.settings import IndexSettings
store = Store(Path(sys.argv[1]))
resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))  # ulimit -f: Python ignores SIGXFSZ, writes get EFBIG
drafts = [ReleaseDraft(title=f"Release {i}", date="2024-01-01", source=f"https://example.test/{i}",
                       text=" ".join(f"Word{i}x{j} sentence number {j}." for j in range(300)),
                       origin=str(i), key=str(i))
          for i in range(200)]
try:
    ingest_drafts(store, drafts, IndexSettings())
except StorageFault as err:
    print(err.code, "|", err)
"""


def test_a_file_size_limit_is_a_refused_write_not_a_damaged_index(tmp_path: Path) -> None:
    if sys.version_info < (3, 11):
        pytest.skip("SQLite's extended error names reach Python from 3.11")
    out = subprocess.run([sys.executable, "-c", _FILL, str(tmp_path / "qa.db")], capture_output=True, text=True,
                         timeout=120)
    code, _, message = out.stdout.partition(" | ")
    assert code == "storage_write_failed", out.stdout + out.stderr[-2000:]
    assert "damaged" not in message and "restore it from a backup" not in message
    Store(tmp_path / "qa.db").close()  # and indeed the file opens


def test_a_file_url_is_only_http_and_https(tmp_path: Path) -> None:
    with Fetcher(FetchSettings()) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get("file:///etc/passwd")
    assert "only http and https" in caught.value.reason and "redirected" not in caught.value.reason


def test_the_docs_page_has_a_content_security_policy(tmp_path: Path) -> None:
    import base64
    import hashlib
    import re

    page = _api(tmp_path).get("/docs")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "unsafe-eval" not in policy
    for script in re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL):  # the one inline script may run
        assert base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() in policy
