"""The page's shell and files as the service serves them (no browser: tests/test_web_browser.py drives one)."""

import re
from importlib import resources
from pathlib import Path

from fastapi.testclient import TestClient

from qa.service import create_app
from qa.settings import Settings

STATIC = resources.files("qa.service").joinpath("static")


def test_the_page_and_its_files_are_served_from_the_package_open_and_same_origin_only(tmp_path: Path) -> None:
    api = TestClient(create_app(Settings(db=tmp_path / "w.db"), token="t0ken"))
    page = api.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy and "script-src 'self'" in policy
    assert '<meta name="qa-auth" content="bearer">' in page.text  # the page asks for the token before asking
    for src in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
        served = api.get(src)
        file = STATIC.joinpath(src.removeprefix("/static/"))
        assert served.status_code == 200 and served.content == file.read_bytes()
    assert api.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    missing = api.get("/static/nothing.js")  # the folder is open, and holds only the page's files
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert api.get("/v1/releases").status_code == 401  # its data is not
    assert api.get("/v1/releases", headers={"Authorization": "Bearer t0ken"}).status_code == 200
    assert "/" not in api.get("/openapi.json", headers={"Authorization": "Bearer t0ken"}).json()["paths"]


def test_without_a_token_the_page_says_so() -> None:
    api = TestClient(create_app(Settings(db=Path("/nonexistent/unused.db"))))
    assert '<meta name="qa-auth" content="none">' in api.get("/").text


def test_the_page_names_no_other_host_and_puts_service_text_in_as_text_only() -> None:
    for name in ("index.html", "app.js", "app.css", "favicon.svg"):
        text = STATIC.joinpath(name).read_text()
        # Only the SVG's XML namespace, which is a name, not a request.
        hosts = [u for u in re.findall(r"https?://[\w.-]+|[\"'(]//[\w.-]+", text) if u != "http://www.w3.org"]
        assert hosts == [], f"{name} names {hosts}"
    script = STATIC.joinpath("app.js").read_text()
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "eval(" not in script
