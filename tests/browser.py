"""Headless Chromium for the page's tests and benchmark: Debian's `chromium` driven by Playwright for Python.

Playwright's own browser download cannot run here, so the browser is the system's; where either is missing
the browser tests skip and say which. `Watch` fails a page that logs a console error or sends a request
anywhere but the service it was opened from.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

# Nothing of the browser's own reaches out either: no updates, sync or safe-browsing lists.
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--no-first-run", "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    """QA_CHROMIUM, else Debian's chromium on the PATH."""
    for candidate in (os.environ.get("QA_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def missing() -> str | None:
    """Why no browser test can run here, or None when one can."""
    try:
        import axe_playwright_python  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright or axe-playwright-python is not installed (pip install -e '.[test]')"
    if chromium_path() is None:
        return "no Chromium executable (apt-get install chromium, or set QA_CHROMIUM; .ci/run installs it)"
    return None


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium until the block ends."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()

@pytest.fixture(scope="module", name="chromium")
def chromium_fixture() -> Iterator[Any]:
    """One headless Chromium per test module; where none can run, the module's tests skip (pytestmark) or, with
    QA_REQUIRE_BROWSER=1, fail here. Test modules import it to use it."""
    why = missing()
    if why is not None:
        pytest.fail(f"QA_REQUIRE_BROWSER=1, but {why}")
    with chromium() as b:
        yield b



def violations(page: Any) -> list[str]:
    """axe-core's accessibility violations on the page as it stands (labels, contrast, roles, keyboard)."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in found]


class Watch:
    """What a page did that it must not: console errors, uncaught exceptions, requests to other origins
    (aborted, so they never leave the machine)."""

    def __init__(self, page: Any, base: str) -> None:
        self.errors: list[str] = []
        self.outside: list[str] = []
        page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

        def route(handle: Any) -> None:
            url = handle.request.url
            if url == base or url.startswith(base + "/"):
                handle.continue_()
            else:
                self.outside.append(url)
                handle.abort()

        page.route("**/*", route)

    def check(self, allowed: tuple[str, ...] = ()) -> None:
        errors = [e for e in self.errors if not any(a in e for a in allowed)]
        assert errors == [], f"console errors: {errors}"
        assert self.outside == [], f"requests that would leave the machine: {self.outside}"


WAIT = 20_000  # ms: any step of a page; a model's replies come from cassettes


@pytest.fixture(name="page")
def page_fixture(chromium: Any) -> Iterator[Any]:
    """A desktop-sized page of the module's Chromium, each step waiting at most WAIT."""
    context = chromium.new_context(viewport={"width": 1100, "height": 900})
    context.set_default_timeout(WAIT)
    yield context.new_page()
    context.close()
