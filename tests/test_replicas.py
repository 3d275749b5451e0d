"""Several `qa serve` replicas over one PostgreSQL database (a real server, started by the pg_server fixture):
a release ingested through one is answerable through another within 1 s; the same release through two at
once is stored once; two replicas polling five feeds poll each once per round; kill -9 of a replica during
an ingest loses no acknowledged release; /readyz says 503 while the database is away and recovers by itself.
Every socket is loopback, every wait bounded."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient

from qa.index.feed_store import FeedStore
from qa.index.store import Store
from qa.ingest.pipeline import release_id
from qa.service import create_app
from qa.settings import FetchSettings, Settings
from qa.testing.fake_web import FakeWeb
from qa.testing.replicas import Replica
from tests.test_service import BOATS, RELEASE
from tests.web_corpus import article_page, corpus_releases, rss

pytestmark = pytest.mark.usefixtures("loopback")


def _release(i: int, text: str | None = None) -> dict[str, str]:
    return {**RELEASE, "source": f"https://example.test/r/{i}", "title": f"Release number {i}",
            "text": text or f"The Navy ordered {i} tugboats named zebra{i} for the harbor. They arrive in May."}


@contextlib.contextmanager
def started(pg_dsn: str, tmp_path: Path, follow_interval: float = 0.1) -> Iterator[list[Replica]]:
    """Two replicas over one database, their answer log that database too."""
    Store(pg_dsn).close()  # the schema, once, before both start
    env: dict[str, str | None] = {"QA_LOG__PATH": None, "QA_PG__FOLLOW_INTERVAL": str(follow_interval)}
    both = [Replica(pg_dsn, env=env, log=tmp_path / f"replica{i}.log").start() for i in range(2)]
    try:
        for r in both:
            r.wait_ready()
        yield both
    finally:
        for r in both:
            r.stop()


@pytest.fixture()
def replicas(pg_dsn: str, tmp_path: Path) -> Iterator[list[Replica]]:
    with started(pg_dsn, tmp_path) as both:
        yield both


def _caught_up(http: httpx.Client, replica: Replica, generation: int, within: float) -> float:
    """Seconds until the replica's search arrays hold a generation (its /readyz says), failing past `within`;
    /readyz reads them without catching them up, as a search would."""
    began = time.monotonic()
    while (http.get(replica.url + "/readyz").json()["index_generation"] or 0) < generation:
        assert time.monotonic() - began < within, f"generation {generation} not followed in {within} s"
        time.sleep(0.01)
    return time.monotonic() - began


def test_a_write_wakes_the_other_replica_at_once_not_at_its_next_poll(pg_dsn: str, tmp_path: Path) -> None:
    # Polling every 30 s: only the notification sent when the write commits can bring it over within 1 s.
    with started(pg_dsn, tmp_path, follow_interval=30) as (a, b), httpx.Client(timeout=10) as http:
        store = Store(pg_dsn)
        lags = []
        for i in range(5):
            assert http.post(a.url + "/v1/releases", json={"releases": [_release(i)]}).json()["added"]
            lags.append(_caught_up(http, b, store.generation(), within=1.0))
        assert max(lags) < 1.0
        assert http.post(b.url + "/v1/search", json={"query": "zebra4"}).json()["hits"]
        # Its listening connection dropped: the follower looks at once and listens again.
        with psycopg.connect(pg_dsn, autocommit=True) as admin:
            dropped = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                    " WHERE application_name = 'qa-listen'").fetchone()
        assert dropped is not None and dropped[0] == 2  # one for each replica
        for i in range(5, 8):
            assert http.post(a.url + "/v1/releases", json={"releases": [_release(i)]}).json()["added"]
            _caught_up(http, b, store.generation(), within=5.0)


def test_a_release_ingested_through_one_replica_is_answerable_through_another_within_a_second(
        replicas: list[Replica]) -> None:
    a, b = replicas
    with httpx.Client(timeout=10) as http:
        assert http.post(a.url + "/v1/releases", json={"releases": [RELEASE]}).status_code == 200
        assert http.post(b.url + "/v1/search", json={"query": "patrol boats"}).json()["hits"]  # B's arrays built
        lags = []
        for i in range(3):
            assert http.post(a.url + "/v1/releases", json={"releases": [_release(i)]}).json()["added"]
            acked = time.monotonic()
            while not http.post(b.url + "/v1/search", json={"query": f"zebra{i}"}).json()["hits"]:
                assert time.monotonic() - acked < 1.0, f"release {i} not searchable through B after 1 s"
                time.sleep(0.02)
            lags.append(time.monotonic() - acked)
        answer = http.post(b.url + "/v1/ask", json={"question": "How many tugboats named zebra2 did the Navy order?"})
        assert answer.json()["answer"].startswith("2")
        assert max(lags) < 1.0
        # Both replicas' answers are in one log, the database's.
        http.post(a.url + "/v1/ask", json={"question": BOATS})
        logged = http.get(b.url + "/v1/logs", params={"n": 10}).json()
        assert [e["request"] for e in logged] == [BOATS, "How many tugboats named zebra2 did the Navy order?"]


def test_the_same_releases_through_two_replicas_at_once_are_stored_once(replicas: list[Replica],
                                                                         pg_dsn: str) -> None:
    batch = {"releases": [_release(i) for i in range(20)]}
    replies: list[int] = []

    def post(url: str) -> None:
        with httpx.Client(timeout=30) as http:
            replies.append(http.post(url + "/v1/releases", json=batch).status_code)

    threads = [threading.Thread(target=post, args=(r.url,)) for r in replicas for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert replies == [200] * 4
    store = Store(pg_dsn)
    assert len(store.releases()) == 20 and store.counts()[0] == 20


def test_killing_a_replica_during_an_ingest_loses_no_acknowledged_release(replicas: list[Replica],
                                                                           pg_dsn: str) -> None:
    a, b = replicas
    acknowledged: list[str] = []
    stop = threading.Event()

    def ingest() -> None:
        with httpx.Client(timeout=10) as http:
            for n in range(10_000):
                if stop.is_set():
                    return
                batch = [_release(1000 + 10 * n + j, "Long text about tugboats. " * 400) for j in range(10)]
                try:
                    reply = http.post(a.url + "/v1/releases", json={"releases": batch})
                except httpx.HTTPError:
                    return  # the replica died under this request: not acknowledged
                if reply.status_code == 200:
                    acknowledged.extend(reply.json()["added"])

    writer = threading.Thread(target=ingest)
    writer.start()
    give_up = time.monotonic() + 30
    while len(acknowledged) < 30 and time.monotonic() < give_up:
        time.sleep(0.01)
    a.kill()
    stop.set()
    writer.join(30)
    assert len(acknowledged) >= 30
    with httpx.Client(timeout=10) as http:
        stored = {r["id"] for r in http.get(b.url + "/v1/releases").json()}
        assert set(acknowledged) <= stored
        # The dead replica's lock and transaction went with its connections: B still writes.
        assert http.post(b.url + "/v1/releases", json={"releases": [_release(7)]}).json()["added"] == [
            release_id("https://example.test/r/7")]


def _end_sessions(pg_dsn: str) -> int:
    """pg_terminate_backend on every session of the replicas (pooled and listening): what a server restart or
    an administrator does to them."""
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        row = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                            " WHERE application_name IN ('qa', 'qa-listen')").fetchone()
    return int(row[0]) if row else 0


def test_sessions_ended_under_a_replica_cost_a_retry_not_a_request(replicas: list[Replica], pg_dsn: str) -> None:
    a, b = replicas
    with httpx.Client(timeout=10) as http:
        assert http.post(a.url + "/v1/releases", json={"releases": [RELEASE]}).status_code == 200
        requests = [  # each the first request after the sessions ended: a read, a write, the probe, an answer
            lambda: http.post(b.url + "/v1/search", json={"query": "patrol boats"}),
            lambda: http.get(b.url + "/v1/releases"),
            lambda: http.post(b.url + "/v1/releases", json={"releases": [_release(1)]}),
            lambda: http.get(b.url + "/readyz"),
            lambda: http.post(b.url + "/v1/ask", json={"question": "How many tugboats named zebra1 did the Navy "
                                                                   "order?"}),
            lambda: http.get(b.url + "/v1/logs", params={"n": 1}),
        ]
        for request in requests:
            assert request().status_code == 200  # the replica's pool holds connections again
            assert _end_sessions(pg_dsn) >= 2
            reply = request()
            assert reply.status_code == 200, reply.text
        assert http.post(b.url + "/v1/search", json={"query": "zebra1"}).json()["hits"]
        assert http.post(b.url + "/v1/ask", json={"question": "How many tugboats named zebra1 did the Navy order?"}
                         ).json()["answer"].startswith("1")


def test_two_replicas_polling_five_feeds_poll_each_once_per_round(pg_dsn: str, tmp_path: Path) -> None:
    from qa.service.feeds import Poller

    releases = corpus_releases()[:5]
    with FakeWeb() as site:
        settings = Settings(db=pg_dsn, fetch=FetchSettings(allow_private=True, host_delay=0, private_host_delay=0,
                                                           timeout=5, retries=1))
        feeds = FeedStore(Store(pg_dsn))
        for i, r in enumerate(releases):
            url = f"{site.base}/News/{i}/"
            site.page(f"/News/{i}/", article_page(r, url))
            site.page(f"/feed{i}.xml", rss(f"Feed {i}", [(r, url)]), content_type="application/rss+xml")
            feeds.watch(f"{site.base}/feed{i}.xml", 600)
        pollers = [Poller(settings), Poller(settings)]
        for _round in range(2):  # the second round: nothing is due yet
            threads = [threading.Thread(target=p._poll_due) for p in pollers]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
        fetched = [r.path for r in site.requests if r.path.startswith("/feed")]
        assert sorted(fetched) == sorted(f"/feed{i}.xml" for i in range(5))
        assert [f.polls for f in feeds.all()] == [1] * 5


def test_readyz_fails_while_the_database_is_away_and_recovers(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from qa.index.pg_conn import close_pools
    from qa.testing.pg_server import running

    monkeypatch.setenv("QA_PG__CONNECT_TIMEOUT", "1")
    with running() as server:
        dsn = server.create("ready")
        settings = Settings(db=dsn)
        api = TestClient(create_app(settings))
        assert api.post("/v1/releases", json={"releases": [RELEASE]}).status_code == 200
        assert api.get("/readyz").json()["releases"] == 1
        server.stop()
        for path in ("/readyz", "/v1/search"):
            began = time.monotonic()
            reply = api.get(path) if path == "/readyz" else api.post(path, json={"query": "patrol boats"})
            assert reply.status_code == 503 and reply.json()["code"] == "storage_unavailable", reply.text
            assert time.monotonic() - began < 5  # never a hang: the pool's timeout, then 503
        server.start()
        give_up = time.monotonic() + 20
        while api.get("/readyz").status_code != 200:
            assert time.monotonic() < give_up, "not ready again after the database came back"
            time.sleep(0.2)
        assert api.post("/v1/search", json={"query": "patrol boats"}).json()["hits"]
        close_pools()


def test_losing_the_database_under_a_replica_while_it_ingests(tmp_path: Path) -> None:
    """The server stopped (immediate: no goodbyes) under a `qa serve` taking batches, then started again: every
    request meanwhile is answered promptly, 503 storage_unavailable; every acknowledged release is there
    afterwards; /readyz comes back by itself."""
    from qa.index.pg_conn import close_pool
    from qa.testing.pg_server import running

    with running() as server:
        dsn = server.create("lost")
        Store(dsn).close()
        replica = Replica(dsn, env={"QA_LOG__PATH": None, "QA_PG__CONNECT_TIMEOUT": "1"},
                          log=tmp_path / "replica.log").start()
        acknowledged: list[str] = []
        refused: list[tuple[int, str]] = []
        failures: list[str] = []  # transport errors: a hang past the client's timeout would be one
        slowest = [0.0]
        stop = threading.Event()

        def ingest() -> None:
            with httpx.Client(timeout=15) as http:
                for n in range(100_000):
                    if stop.is_set():
                        return
                    batch = [_release(5000 + 10 * n + j, "Long text about tugboats. " * 200) for j in range(10)]
                    began = time.monotonic()
                    try:
                        reply = http.post(replica.url + "/v1/releases", json={"releases": batch})
                    except httpx.HTTPError as err:
                        failures.append(repr(err))
                        continue
                    slowest[0] = max(slowest[0], time.monotonic() - began)
                    if reply.status_code == 200:
                        acknowledged.extend(reply.json()["added"])
                    else:
                        refused.append((reply.status_code, reply.json().get("code", "")))
                        time.sleep(0.05)

        def until(condition: Callable[[], bool], within: float, what: str) -> None:
            give_up = time.monotonic() + within
            while not condition():
                assert time.monotonic() < give_up, what
                time.sleep(0.05)

        writer = threading.Thread(target=ingest)
        try:
            replica.wait_ready()
            writer.start()
            until(lambda: len(acknowledged) >= 30, 60, "no batches acknowledged")
            server.stop("immediate")  # mid-ingest
            with httpx.Client(timeout=15) as http:
                for probe in (lambda: http.get(replica.url + "/readyz"),
                              lambda: http.post(replica.url + "/v1/search", json={"query": "tugboats"})):
                    began = time.monotonic()
                    reply = probe()
                    assert reply.status_code == 503 and reply.json()["code"] == "storage_unavailable", reply.text
                    assert time.monotonic() - began < 5
                until(lambda: len(refused) >= 3, 30, "the ingest was not refused while the database was away")
                server.start()
                until(lambda: http.get(replica.url + "/readyz").status_code == 200, 30, "not ready again")
                after = len(acknowledged)
                until(lambda: len(acknowledged) > after + 20, 60, "no batches acknowledged after the restart")
        finally:
            stop.set()
            writer.join(60)
            replica.stop()
        assert failures == [] and slowest[0] < 10  # never a hang
        assert set(refused) == {(503, "storage_unavailable")}
        stored = {r.id for r in Store(dsn).releases()}
        close_pool(dsn)
        assert set(acknowledged) <= stored
