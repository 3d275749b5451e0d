"""The web page in a real browser (headless Chromium driven by Playwright): the service on loopback over the
sample and the corpus, model traffic replayed from this file's cassettes. Every test fails on a console error,
on a request for anything but the service's own origin, and on any accessibility violation axe-core finds in
a view. Without playwright or Chromium they skip, saying which (CI installs both)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import vcr

from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.llm.client import ModelClient
from qa.service import create_app
from qa.settings import FetchSettings, IndexSettings, Settings
from qa.testing.fake_web import FakeWeb
from tests import browser
from tests.browser import WAIT, chromium_fixture, page_fixture  # noqa: F401 - the module's Chromium and page
from tests.conftest import model_url, sample_path, shared_corpus
from tests.test_service_net import serving
from tests.web_corpus import article_page, corpus_releases, rss

WHY = browser.missing()
# CI sets QA_REQUIRE_BROWSER=1 after installing both: there a missing browser fails rather than skips.
pytestmark = [pytest.mark.skipif(WHY is not None and os.environ.get("QA_REQUIRE_BROWSER") != "1", reason=str(WHY)),
              pytest.mark.usefixtures("loopback")]  # the tests' own servers on loopback, and nothing else

SEED = "How much is the 52nd drawdown worth?"
TOKEN = "page-token-7"



@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    db = tmp_path / "web.db"
    ingest_paths(Store(db), [sample_path(), shared_corpus() / "dod-releases"], IndexSettings())
    return Settings(db=db)


def _get(page: Any, url: str, **options: Any) -> Any:
    """The service's JSON, fetched by the browser's side: the cassette holds the model's traffic only."""
    response = page.request.get(url, **options)
    assert response.ok, response.text()
    return response.json()


def test_the_seed_question_is_answered_and_its_sentence_marked_in_its_release(
        page: Any, settings: Settings, recorder: vcr.VCR) -> None:
    asked = settings.with_mode("model")
    url = model_url(asked.model)
    app = create_app(asked, client=lambda: ModelClient(asked.model, url))
    with recorder.use_cassette("ask.yaml"), serving(app) as base:
        watch = browser.Watch(page, base)
        bodies: list[str] = []
        page.on("request", lambda r: bodies.append(r.post_data or "") if r.url.endswith("/v1/ask") else None)
        page.goto(base + "/")
        page.get_by_label("Question").fill(SEED)
        page.keyboard.press("Enter")
        turn = page.locator(".turn").first
        turn.locator(".value").wait_for()
        assert "$175 million" in turn.locator(".value").inner_text()
        assert turn.locator(".verdict").text_content() == "Answer"
        assert re.search(r"mode: (model|extractive) · model: smollm2", turn.locator(".fine").last.text_content())
        # Each cited sentence is marked inside its release's text, at the span the service gave.
        marks = turn.locator(".citation mark")
        marks.first.wait_for()
        assert any("$175 million" in m.text_content() for m in marks.all())
        assert browser.violations(page) == []
        for card in turn.locator(".citation").all():
            rid = re.sub(r"^#/release/", "", card.locator("h3 a").get_attribute("href"))
            text = _get(page, f"{base}/v1/releases/{rid}")["text"]
            mark = card.locator("mark")
            start, end = int(mark.get_attribute("data-start")), int(mark.get_attribute("data-end"))
            assert mark.text_content() == text[start:end] and len(text[start:end]) > 20
        first = turn.locator(".citation").first
        rid = re.sub(r"^#/release/", "", first.locator("h3 a").get_attribute("href"))
        release = _get(page, f"{base}/v1/releases/{rid}")
        texts = [first.locator("mark").text_content()]
        # The whole release, with the same sentence marked where it stands.
        first.get_by_role("button", name="Show the whole release").click()
        box = first.locator(".excerpt.whole")
        box.wait_for()
        assert box.inner_text().replace("\n", "") == release["text"].replace("\n", "")
        assert first.locator("mark").inner_text() == texts[0]
        # A follow-up goes with the conversation the first answer was logged in.
        page.get_by_label("Question").fill("and what does it include?")
        page.keyboard.press("Enter")
        page.locator(".turn").nth(1).wait_for()
        page.locator(".turn").first.locator(".value, .error").first.wait_for()
        assert '"conversation_id"' in bodies[-1] and '"conversation_id"' not in bodies[0]
        # A question the releases do not cover is declined as such.
        page.get_by_label("Question").fill("how many tanks did norway send")
        page.keyboard.press("Enter")
        declined = page.locator(".turn").first
        declined.locator(".value").wait_for()
        assert declined.locator(".verdict").text_content() == "The releases don't say"
        assert declined.get_attribute("data-support") == "none" and declined.locator(".citation").count() == 0
        watch.check()


def test_releases_a_release_page_a_briefing_and_the_eval_reports(page: Any, settings: Settings,
                                                                  recorder: vcr.VCR) -> None:
    asked = settings.with_mode("model")
    url = model_url(asked.model)
    app = create_app(asked, client=lambda: ModelClient(asked.model, url))
    with recorder.use_cassette("walk.yaml"), serving(app) as base:
        watch = browser.Watch(page, base)
        every = _get(page, base + "/v1/releases")
        page.goto(base + "/#/releases")
        items = page.locator("#release-list li")
        page.locator("#release-count").filter(has_text="releases").wait_for()
        assert items.count() == len(every) == 21
        assert page.locator("#release-count").text_content() == "21 releases"
        # Filters: text, a date range and a source, each the same as the API's.
        page.get_by_label("Words").fill("drawdown")
        page.get_by_label("Words").press("Enter")
        page.locator("#release-count").filter(has_text="match").wait_for()
        wanted = _get(page, base + "/v1/releases", params={"q": "drawdown"})
        assert 0 < len(wanted) < 21 and items.count() == len(wanted)
        assert page.locator("#release-count").text_content() == f"{len(wanted)} of 21 releases match"
        page.get_by_role("button", name="Clear").click()
        page.locator("#release-count").filter(has_text=re.compile(r"^21 releases$")).wait_for()
        view = page.locator("#view-releases")
        view.get_by_label("From").fill("2023-01-01")
        view.get_by_label("Source", exact=True).select_option("defense.gov")
        page.locator("#release-count").filter(has_text="match").wait_for()
        wanted = _get(page, base + "/v1/releases", params={"since": "2023-01-01", "source": "defense.gov"})
        assert items.count() == len(wanted) > 0
        assert all(d >= "2023-01-01" for d in (r["date"] for r in wanted))
        assert browser.violations(page) == []
        # The seed release's page: its text, its summary, its key facts with their sentences.
        page.get_by_role("link", name="Austin Meets With Ukrainian Minister of Defense at Pentagon").click()
        page.locator("#release-summary table").wait_for()
        assert "Austin Meets With Ukrainian Minister" in page.locator("#release-title").text_content()
        assert browser.violations(page) == []
        fact = page.locator("#release-summary tr", has_text="$175 million").first
        fact.get_by_role("button").click()
        marked = page.locator("#release-text mark")
        assert "$175 million" in marked.text_content() and marked.text_content() == fact.get_by_role(
            "button").text_content()
        # A briefing, and its Markdown copied as the service writes it.
        page.get_by_role("link", name="Briefing").click()
        page.locator("#view-brief").get_by_label("About").fill("Ukraine security assistance")
        page.get_by_role("button", name="Write the briefing").click()
        page.locator("#brief-body h2").first.wait_for()
        assert page.locator("#brief-body .cite").count() > 0
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page.get_by_role("button", name="Copy as Markdown").click()
        page.locator("#copy-done").filter(has_text="Copied.").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == page.locator("#brief-md").text_content() and copied.startswith("#")
        assert browser.violations(page) == []
        # The eval reports: the list, a report's tables, and the model comparison.
        page.get_by_role("link", name="Evals").click()
        page.get_by_role("link", name="dev", exact=True).click()
        checks = page.locator("table", has=page.locator("caption", has_text="thresholds"))
        checks.wait_for()
        assert checks.locator("tbody tr").count() == 8 and checks.locator(".fail").count() == 0
        questions = page.locator("table", has=page.locator("caption", has_text="Every question"))
        assert questions.locator("tbody tr").count() == 74
        assert browser.violations(page) == []
        page.get_by_role("link", name="← All reports").click()
        page.get_by_role("link", name="compare-smollm2-vs-gemma3-270m").click()
        side = page.locator("table", has=page.locator("caption", has_text="Every question")).last
        side.wait_for()
        assert side.locator("thead th").all_text_contents() == ["Question", "smollm2", "gemma3-270m"]
        assert browser.violations(page) == []
        watch.check()


def test_with_a_token_the_page_asks_once_and_ingests_pasted_and_uploaded_releases(
        chromium: Any, settings: Settings, tmp_path: Path) -> None:
    context = chromium.new_context(viewport={"width": 390, "height": 844})  # a phone
    context.set_default_timeout(WAIT)
    page = context.new_page()
    fetching = settings.model_copy(update={"fetch": FetchSettings(allow_private=True)})  # the site is loopback
    with FakeWeb() as site, serving(create_app(fetching, token=TOKEN)) as base:
        watch = browser.Watch(page, base)
        page.goto(base + "/#/releases")
        dialog = page.get_by_role("dialog")
        dialog.wait_for()
        dialog.get_by_label("Token").fill("wrong")
        dialog.get_by_role("button", name="Continue").click()
        page.get_by_text("That token was refused").wait_for()
        dialog.get_by_label("Token").fill(TOKEN)
        dialog.get_by_role("button", name="Continue").click()
        page.locator("#release-count").filter(has_text="21 releases").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll
        assert browser.violations(page) == []
        # Paste a release, then upload two files: one read, one refused by name.
        page.get_by_text("Add releases").click()
        page.locator("#paste-form").get_by_label("Title").fill("Pasted Test Release")
        page.locator("#p-date").fill("2024-05-01")
        page.get_by_label("Release text").fill("The 77th test drawdown is worth $9 million.")
        page.get_by_role("button", name="Add this release").click()
        page.get_by_text("The pasted release: 1 added.").wait_for()
        good = tmp_path / "uploaded.txt"
        good.write_text("Title: Uploaded Test Release\nDate: 2024-05-02\n\n"
                        "The 78th test drawdown is worth $8 million.\n")
        bad = tmp_path / "scan.pdf"
        bad.write_bytes(b"%PDF-1.4 not a kind qa reads")
        page.get_by_label("Text, Markdown, HTML").set_input_files([str(good), str(bad)])
        page.get_by_role("button", name="Upload").click()
        page.get_by_text("uploaded.txt: 1 added.").wait_for()
        page.locator("#ingest-result .error", has_text="scan.pdf").wait_for()
        page.locator("#release-count").filter(has_text="23 releases").wait_for()
        # By URL: a release page, then a feed watched from now on.
        releases = corpus_releases()
        urls = [f"{site.base}/page/{r.slug}/" for r in releases[:3]]
        for r, url in zip(releases, urls):
            site.page(url.removeprefix(site.base), article_page(r, url))
        site.page("/feed.xml", rss("DoD", list(zip(releases, urls))), content_type="application/rss+xml")
        page.get_by_label("A release page, a PDF or a feed").fill(urls[0])
        page.get_by_role("button", name="Fetch").click()
        page.get_by_text(f"{urls[0]}: 1 added.").wait_for()
        page.get_by_label("A release page, a PDF or a feed").fill(site.base + "/feed.xml")
        page.get_by_label("It is a feed").check()
        page.get_by_role("button", name="Fetch").click()
        page.get_by_text("The feed DoD (3 entries, watched): 2 added · 1 unchanged.").wait_for()
        page.locator("#release-count").filter(has_text="26 releases").wait_for()
        stored = _get(page, base + "/v1/releases", headers={"Authorization": f"Bearer {TOKEN}"})
        assert {"Pasted Test Release", "Uploaded Test Release"} <= {r["title"] for r in stored}
        # On the phone, with the token kept: a question the releases answer only in part is shown as such.
        page.get_by_role("link", name="Ask").click()
        page.get_by_label("Question").fill("how much of the territory grabbed by russia has ukraine taken back")
        page.keyboard.press("Enter")
        turn = page.locator(".turn").first
        turn.locator(".value").wait_for()
        assert turn.get_attribute("data-support") == "partial"
        assert turn.locator(".verdict").text_content() == "Partly answered: the closest the releases come"
        assert turn.locator(".reason").text_content()
        assert "half the territory" in turn.locator("mark").first.text_content()
        # The wrong token's refusals (and the refused upload) are the only errors the console may show.
        watch.check(allowed=("status of 401", "status of 422"))
    context.close()
