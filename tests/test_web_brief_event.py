"""A briefing on the web page names the releases of one event as the memo and the terminal do: a call's readout
and the story of it share a section headed "One event, reported in …", each with its source number. Extractive,
no model: headless Chromium over the service on loopback (skips, or with QA_REQUIRE_BROWSER=1 fails, without
a browser)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.service import create_app
from qa.settings import IndexSettings, Settings
from tests import browser, one_event
from tests.browser import chromium_fixture, page_fixture  # noqa: F401 - the module's Chromium and page
from tests.test_service_net import serving

WHY = browser.missing()
pytestmark = [pytest.mark.skipif(WHY is not None and os.environ.get("QA_REQUIRE_BROWSER") != "1", reason=str(WHY)),
              pytest.mark.usefixtures("loopback")]


def test_the_page_names_every_release_of_one_event(page: Any, tmp_path: Path) -> None:
    db = tmp_path / "web.db"
    ingest_paths(Store(db), [one_event.write(tmp_path / "releases")], IndexSettings())
    app = create_app(Settings(db=db).with_mode("extractive"))
    with serving(app) as base:
        watch = browser.Watch(page, base)
        page.goto(base + "/#/brief")
        view = page.locator("#view-brief")
        view.get_by_label("From").fill("2023-09-01")
        view.get_by_label("To").fill("2023-09-30")
        page.get_by_role("button", name="Write the briefing").click()
        event = page.locator("#brief-body p.event")
        event.wait_for()
        assert event.count() == 1  # the Gallant call is an event of its own
        line = event.inner_text()
        assert line.startswith("One event, reported in ")
        assert one_event.CALL[0] in line and one_event.STORY[0] in line and one_event.OTHER[0] not in line
        marks = event.locator(".cite")
        assert marks.count() == 2 and len(set(m.text_content() for m in marks.all())) == 2
        assert browser.violations(page) == []
        watch.check()
