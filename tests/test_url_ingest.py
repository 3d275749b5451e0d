"""Releases by URL and watched feeds, against a loopback site (qa.testing.fake_web) serving the corpus as article
pages and feeds (tests/web_corpus.py): nothing here reaches the internet."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa.cli.main import app
from qa.index.feed_store import FeedStore
from qa.index.store import Store
from qa.ingest.fetch import Fetcher
from qa.ingest.pipeline import release_id
from qa.ingest.urls import UrlIngestor, is_url
from qa.settings import FetchSettings, Settings
from qa.testing.fake_web import FakeWeb
from tests.web_corpus import Release, article_page, atom, corpus_releases, rss

# The tests' own servers on loopback, and nothing else.
pytestmark = pytest.mark.usefixtures("loopback")

RELEASES = corpus_releases()
SEED = next(r for r in RELEASES if r.name.startswith("008_"))


@pytest.fixture()
def site() -> Iterator[FakeWeb]:
    with FakeWeb() as web:
        yield web


def _settings(db: Path | str, **fetch: object) -> Settings:
    """The fetch settings of these tests over an index of either kind (db_target: an SQLite file, then a
    PostgreSQL database)."""
    return Settings(db=db, fetch=FetchSettings(
        allow_private=True, host_delay=0, private_host_delay=0, timeout=5, retries=2, **fetch))


def _publish(site: FakeWeb, releases: list[Release], feed: str = "/feed.xml", etag: str = '"v1"') -> list[str]:
    """Each release as an article page, and an RSS feed of them; their page URLs."""
    urls = []
    for r in releases:
        url = f"{site.base}/News/Releases/{r.slug}/"
        site.page(f"/News/Releases/{r.slug}/", article_page(r, url))
        urls.append(url)
    site.page(feed, rss("DoD releases", list(zip(releases, urls))), content_type="application/rss+xml",
              etag=etag, last_modified="Mon, 01 Dec 2025 12:00:00 GMT")
    return urls


def _paths(site: FakeWeb) -> list[str]:
    return [r.path for r in site.requests]


def test_a_release_page_by_url_is_stored_with_its_title_date_and_canonical_url_once(site: FakeWeb,
                                                                                   db_target: Path | str) -> None:
    url = _publish(site, [SEED])[0]
    settings = _settings(db_target)
    store = Store(settings.db)
    first = UrlIngestor(store, settings).ingest([url])
    assert first.added == [release_id(url)] and first.errors == []
    stored = store.release(release_id(url))
    assert (stored.title, stored.date, stored.source) == (SEED.title, SEED.date, url)
    assert "worth $175 million" in store.release_text(stored.id)
    again = UrlIngestor(store, settings).ingest([url])
    assert again.unchanged == [stored.id] and again.added == [] and again.replaced == []
    agent = site.requests[-1].headers["user-agent"]
    assert agent.startswith("qa/")


def test_a_feed_brings_its_entries_and_polling_it_unchanged_costs_one_conditional_request(db_target: Path | str,
        site: FakeWeb, tmp_path: Path) -> None:
    releases = RELEASES[:6]
    urls = _publish(site, releases)
    settings = _settings(db_target)
    store = Store(settings.db)
    ingestor = UrlIngestor(store, settings)
    first = ingestor.poll(site.base + "/feed.xml")
    assert (first.status, first.new, first.changed, first.unchanged) == ("ok", 6, 0, 0)
    assert sorted(first.report.added) == sorted(release_id(u) for u in urls)
    dated = {r.id: r.date for r in store.releases()}
    assert all(dated[release_id(u)] == r.date for u, r in zip(urls, releases) if r.date)
    before = [(r.id, r.content_hash) for r in store.releases()]
    seen = len(site.requests)
    again = ingestor.poll(site.base + "/feed.xml")
    assert again.status == "not_modified" and again.report.added == again.report.replaced == []
    conditional = site.requests[seen:]
    assert [r.path for r in conditional] == ["/feed.xml"]
    assert conditional[0].headers["if-none-match"] == '"v1"'
    assert "if-modified-since" in conditional[0].headers
    assert [(r.id, r.content_hash) for r in store.releases()] == before
    status = FeedStore(store).get(site.base + "/feed.xml")
    assert (status.status, status.entries, status.added, status.polls) == ("not_modified", 6, 6, 2)


def test_a_changed_feed_fetches_only_its_new_and_changed_entries(site: FakeWeb, tmp_path: Path,
        db_target: Path | str) -> None:
    urls = _publish(site, RELEASES[:4])
    settings = _settings(db_target)
    store = Store(settings.db)
    ingestor = UrlIngestor(store, settings)
    ingestor.poll(site.base + "/feed.xml")
    # The publisher corrects one release and posts another: a new feed version.
    fixed = replace(RELEASES[1], title=RELEASES[1].title + " (Updated)",
                    body=RELEASES[1].body + "\nThis release was updated.")
    items = [RELEASES[0], fixed, RELEASES[2], RELEASES[3], RELEASES[4]]
    new_urls = _publish(site, items, etag='"v2"')
    seen = len(site.requests)
    poll = ingestor.poll(site.base + "/feed.xml")
    assert (poll.new, poll.changed, poll.unchanged) == (1, 1, 3)
    fetched = [r.path for r in site.requests[seen:]]
    assert fetched[0] == "/feed.xml" and sorted(fetched[1:]) == sorted(
        [f"/News/Releases/{RELEASES[1].slug}/", f"/News/Releases/{RELEASES[4].slug}/"])
    assert poll.report.replaced == [release_id(urls[1])] and poll.report.added == [release_id(new_urls[4])]
    assert store.release(release_id(urls[1])).title.endswith("(Updated)")


def test_every_failure_is_named_and_nothing_stored_is_lost(site: FakeWeb, tmp_path: Path,
        db_target: Path | str) -> None:
    settings = _settings(db_target, max_bytes=200_000)
    store = Store(settings.db)
    kept = _publish(site, [SEED])[0]
    assert UrlIngestor(store, settings).ingest([kept]).added
    site.page("/empty/", "<html><body><nav><a href='/'>Home</a></nav></body></html>")
    site.huge("/huge/", 5_000_000)
    site.page("/data.json", b'{"not": "a release page"}', content_type="application/json")
    site.page("/not-a-feed.xml", b"<?xml version='1.0'?><catalog><book/></catalog>", content_type="text/xml")
    report = UrlIngestor(store, settings).ingest([
        site.base + "/empty/", site.base + "/huge/", site.base + "/missing/", site.base + "/data.json",
        "ftp://example.test/release.txt", "http://nothing.invalid/release", site.base + "/not-a-feed.xml"])
    reasons = {e.origin: e.reason for e in report.errors}
    assert "no article text" in reasons[site.base + "/empty/"]
    assert "200,000" in reasons[site.base + "/huge/"] and "cut off" in reasons[site.base + "/huge/"]
    assert "404" in reasons[site.base + "/missing/"]
    assert "application/json" in reasons[site.base + "/data.json"]
    assert "ftp" in reasons["ftp://example.test/release.txt"]
    assert reasons["http://nothing.invalid/release"]  # the name does not resolve
    assert "not a feed" in reasons[site.base + "/not-a-feed.xml"]
    assert len(report.errors) == 7 and report.added == []
    assert [r.id for r in store.releases()] == [release_id(kept)]


def test_an_entry_whose_page_cannot_be_had_is_stored_from_the_feeds_own_text(site: FakeWeb, tmp_path: Path,
        db_target: Path | str) -> None:
    good, gone = RELEASES[2], RELEASES[3]
    url = f"{site.base}/News/Releases/{good.slug}/"
    site.page(f"/News/Releases/{good.slug}/", article_page(good, url))
    gone_url = f"{site.base}/News/Releases/{gone.slug}/"  # never published: 404
    site.page("/atom.xml", atom("DoD", [(good, url), (gone, gone_url)]), content_type="application/atom+xml")
    settings = _settings(db_target)
    store = Store(settings.db)
    poll = UrlIngestor(store, settings).poll(site.base + "/atom.xml")
    assert (poll.new, poll.from_feed, poll.report.errors) == (2, 1, [])
    fallback = store.release(release_id(gone_url))
    assert fallback.title == gone.title and fallback.source == gone_url
    assert store.release_text(fallback.id).split("\n")[0] == gone.body.split("\n")[0]


def test_a_429_with_retry_after_is_waited_for_then_the_page_is_ingested(site: FakeWeb, tmp_path: Path,
        db_target: Path | str) -> None:
    url = _publish(site, [SEED])[0]
    site.failing(f"/News/Releases/{SEED.slug}/", [429], retry_after="2")
    waited: list[float] = []
    settings = _settings(db_target)
    fetcher = Fetcher(settings.fetch, sleep=waited.append)
    report = UrlIngestor(Store(settings.db), settings, fetcher=fetcher).ingest([url])
    assert report.added == [release_id(url)]
    assert any(w >= 2 for w in waited)
    assert _paths(site).count(f"/News/Releases/{SEED.slug}/") == 2


def test_the_command_line_ingests_urls_watches_feeds_and_lists_them(site: FakeWeb, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    urls = _publish(site, RELEASES[:3])
    db = str(tmp_path / "cli.db")
    for name, value in {"QA_FETCH__ALLOW_PRIVATE": "true", "QA_FETCH__PRIVATE_HOST_DELAY": "0"}.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    ingested = runner.invoke(app, ["ingest", urls[0], "--db", db, "--json"])
    assert ingested.exit_code == 0, ingested.output
    assert json.loads(ingested.stdout)["added"] == [release_id(urls[0])]
    feed = site.base + "/feed.xml"
    once = runner.invoke(app, ["ingest", feed, "--db", db, "--json"])
    assert len(json.loads(once.stdout)["added"]) == 2  # one was stored by its URL already, and stays as it was
    assert json.loads(runner.invoke(app, ["feeds", "--db", db, "--json"]).stdout) == []  # read once, not watched
    watched = runner.invoke(app, ["watch", feed, "--every", "30m", "--once", "--db", db])
    assert watched.exit_code == 0, watched.output
    assert "3 entries: 3 new, 0 changed, 0 unchanged (not fetched); 0 release(s) stored, 0 failed" in watched.stdout
    again = runner.invoke(app, ["watch", "--once", "--db", db])
    assert "not modified (304)" in again.stdout
    listed = json.loads(runner.invoke(app, ["feeds", "--db", db, "--json"]).stdout)
    assert [(f["url"], f["every"], f["status"], f["entries"], f["polls"]) for f in listed] == [
        (feed, 1800.0, "not_modified", 3, 2)]
    shown = runner.invoke(app, ["feeds", "--db", db]).stdout
    assert feed in shown and "last fetched" in shown and "not_modified" in shown
    bad = runner.invoke(app, ["watch", feed, "--every", "soon", "--db", db])
    assert bad.exit_code == 2 and "soon" in bad.output
    assert runner.invoke(app, ["feeds", "--remove", feed, "--db", db]).exit_code == 0
    assert json.loads(runner.invoke(app, ["feeds", "--db", db, "--json"]).stdout) == []


def test_urls_are_told_from_paths() -> None:
    assert is_url("https://www.defense.gov/News/") and is_url("ftp://x.test/y") and is_url("file:///etc/passwd")
    assert not is_url("releases/") and not is_url("C:\\releases") and not is_url("release.txt")


def test_the_service_watches_feeds_behind_the_token_and_never_for_strangers(site: FakeWeb, tmp_path: Path,
        db_target: Path | str) -> None:
    from fastapi.testclient import TestClient

    from qa.service import create_app
    from tests.test_service_net import serving

    _publish(site, RELEASES[:3])
    feed = site.base + "/feed.xml"
    settings = _settings(db_target)
    api = TestClient(create_app(settings, token="tok"))
    assert api.post("/v1/feeds", json={"url": feed}).status_code == 401
    auth = {"Authorization": "Bearer tok"}
    watched = api.post("/v1/feeds", json={"url": feed, "every": 600}, headers=auth)
    assert watched.status_code == 200, watched.text
    body = watched.json()
    assert (body["poll"]["new"], body["feed"]["every"], body["feed"]["status"]) == (3, 600.0, "ok")
    assert len(api.get("/v1/releases", headers=auth).json()) == 3
    assert [f["url"] for f in api.get("/v1/feeds", headers=auth).json()] == [feed]
    bad = api.post("/v1/feeds", json={"url": "/etc/passwd"}, headers=auth)
    assert bad.status_code == 422 and "body.url" in bad.json()["message"]
    assert api.delete("/v1/feeds", params={"url": feed}, headers=auth).json() == {"removed": [feed]}
    page = site.base + "/News/Releases/" + RELEASES[0].slug + "/"
    fetched = api.post("/v1/urls", json={"urls": [page, site.base + "/missing/"]}, headers=auth).json()
    assert fetched["unchanged"] == [release_id(page)] and "404" in fetched["errors"][0]["reason"]
    local_file = api.post("/v1/urls", json={"urls": ["file:///etc/passwd"]}, headers=auth).json()
    assert local_file["added"] == [] and "file" in local_file["errors"][0]["reason"]  # never read
    assert api.post("/v1/urls", json={"urls": ["/etc/passwd"]}, headers=auth).status_code == 422
    # Without a token, only a service on loopback asked from loopback fetches URLs.
    stranger = TestClient(create_app(settings))  # its server is "testserver": not loopback
    for path, body in (("/v1/feeds", {"url": feed}), ("/v1/urls", {"urls": [feed]})):
        refused = stranger.post(path, json=body)
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    with serving(create_app(settings)) as base:
        import httpx

        local = httpx.post(base + "/v1/feeds", json={"url": feed}, timeout=30)
        assert local.status_code == 200 and len(local.json()["poll"]["report"]["unchanged"]) == 3


def test_recorded_http_traffic_of_a_feed_replays_without_the_site(db_target: Path | str, tmp_path: Path) -> None:
    """The feed and its pages as recorded from the loopback site (QA_RECORD=1 records them again): replayed,
    with no server at all, they ingest the same releases; a request not on the cassette fails loudly."""
    from qa.evals.evaluation import make_recorder
    from tests.conftest import CASSETTES, RECORDING

    recorder = make_recorder("all" if RECORDING else "none", CASSETTES / "http" / "test_url_ingest")
    settings = _settings(db_target)
    with FakeWeb() as site:
        _publish(site, RELEASES[:3])
        # Matched on method, path and body: the port the site had when recorded does not matter.
        base = site.base if RECORDING else "http://127.0.0.1:9"
        with recorder.use_cassette("feed.yaml"):
            poll = UrlIngestor(Store(settings.db), settings).poll(base + "/feed.xml")
        assert RECORDING or site.requests == []  # replayed: the live site was never asked
    assert (poll.status, poll.new, len(poll.report.added)) == ("ok", 3, 3)
    titles = {r.title for r in Store(settings.db).releases()}
    assert titles == {r.title for r in RELEASES[:3]}


def test_pdfs_by_url_are_read_and_a_scanned_one_is_named(db_target: Path | str, site: FakeWeb, tmp_path: Path) -> None:
    from tests import pdf_samples

    site.page("/docs/seed.pdf", pdf_samples.text_pdf(SEED), content_type="application/pdf")
    site.page("/docs/two.pdf", pdf_samples.two_column_pdf(SEED), content_type="application/octet-stream")
    site.page("/docs/scan.pdf", pdf_samples.scanned_pdf(SEED), content_type="application/pdf")
    settings = _settings(db_target)
    store = Store(settings.db)
    site.page("/docs/blob.bin", b"\x00\x01 not a document", content_type="application/octet-stream")
    report = UrlIngestor(store, settings).ingest([site.base + "/docs/seed.pdf", site.base + "/docs/two.pdf",
                                                  site.base + "/docs/scan.pdf", site.base + "/docs/blob.bin"])
    assert report.added == [release_id(site.base + "/docs/seed.pdf"), release_id(site.base + "/docs/two.pdf")]
    stored = store.release(report.added[0])
    assert (stored.title, stored.date, stored.source) == (SEED.title, SEED.date, site.base + "/docs/seed.pdf")
    assert "worth $175 million" in store.release_text(stored.id)
    reasons = {e.origin: e.reason for e in report.errors}
    assert "worth $175 million" in store.release_text(report.added[1])  # a PDF served as mere bytes
    assert "not a release page, PDF or feed" in reasons[site.base + "/docs/blob.bin"]
    assert "no text layer" in reasons[site.base + "/docs/scan.pdf"]


def test_the_services_poller_polls_each_due_feed_once(db_target: Path | str, site: FakeWeb, tmp_path: Path) -> None:
    from qa.service.feeds import Poller

    _publish(site, RELEASES[:2])
    settings = _settings(db_target)
    FeedStore(Store(settings.db)).watch(site.base + "/feed.xml", 600)
    poller = Poller(settings)
    poller._poll_due()  # due at once: watched, never fetched
    assert len(Store(settings.db).releases()) == 2 and _paths(site).count("/feed.xml") == 1
    poller._poll_due()  # next due in ten minutes: nothing is fetched
    assert _paths(site).count("/feed.xml") == 1
    status = FeedStore(Store(settings.db)).get(site.base + "/feed.xml")
    assert (status.status, status.added, status.polls) == ("ok", 2, 1)
