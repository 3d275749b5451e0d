"""URLs in the service: POST /v1/urls ingests pages, PDFs and feeds as `qa ingest URL` does; POST /v1/feeds
watches a feed and polls it at once, GET /v1/feeds lists them, DELETE /v1/feeds?url= stops one; a poller thread
polls every due feed, as `qa watch` does.

The fetcher reaches out from the service's host, so it is guarded twice: behind the token like every data
route, and, when the service has no token, only for clients on loopback addresses served on loopback (a
service reachable from elsewhere without a token must not fetch URLs for strangers; `qa serve` refuses to
bind beyond loopback without one anyway). Private and loopback targets stay refused unless fetch.allow_private.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from fastapi import FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from qa.index.feed_store import FeedStatus, FeedStore
from qa.index.store import Store
from qa.ingest.urls import PollReport, UrlIngestor, is_url
from qa.models import IngestReport
from qa.service.errors import error
from qa.service.guard import is_loopback
from qa.settings import Settings

log = logging.getLogger(__name__)

# How often the poller looks for due feeds: a feed is polled at most this late.
CHECK_EVERY = 30.0


class FeedIn(BaseModel):
    url: str = Field(min_length=1, max_length=2000, description="The feed's URL (RSS or Atom), http or https")
    every: float | None = Field(None, ge=10, description="Seconds between polls; unset: the setting watch.every")


class UrlsIn(BaseModel):
    urls: list[str] = Field(min_length=1, max_length=50, description="Release pages, PDFs or feeds (each entry's "
                            "page), http or https")


class FeedOut(BaseModel):
    feed: FeedStatus
    poll: PollReport


class Poller:
    """A daemon thread polling the index's due feeds, with its own store and fetcher; stops with the app."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="qa-feed-poller", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(5)

    def _run(self) -> None:
        while not self.stopped.wait(CHECK_EVERY):
            try:
                self._poll_due()
            except Exception:  # a poll that fails is recorded with its feed; this is anything else: keep going
                log.exception("feed poller")

    def _poll_due(self) -> None:
        store = Store(self.settings.db)
        try:
            if store.read_only:  # a read-only index is served as it is: nothing is watched into it
                return
            feeds = FeedStore(store)
            ingestor: UrlIngestor | None = None
            try:
                # One feed claimed at a time: replicas polling one index share a round, each feed polled once.
                while not self.stopped.is_set() and (due := feeds.claim_due(limit=1)):
                    ingestor = ingestor or UrlIngestor(store, self.settings)
                    poll = ingestor.poll(due[0])
                    log.info("feed %s: %s, %d new, %d changed", due[0], poll.status, poll.new, poll.changed)
            finally:
                if ingestor is not None:
                    ingestor.close()
        finally:
            store.close()


def install(app: FastAPI, settings: Settings, store: Callable[[], Store], token: str | None) -> Poller:
    """The routes; returns the poller for the app's lifespan to start and stop."""

    def guarded(request: Request) -> JSONResponse | None:
        server = request.scope.get("server") or (None, None)
        client = request.client.host if request.client else None
        if token is None and not (is_loopback(server[0]) and is_loopback(client)):
            return error(403, "forbidden", "fetching URLs needs QA_API_TOKEN set when the service is reachable "
                         "beyond loopback")
        return None

    @app.post("/v1/feeds", response_model=FeedOut, tags=["feeds"])
    def watch(body: FeedIn, request: Request) -> FeedOut | JSONResponse:
        """Watch a feed and poll it now: its new and changed entries are fetched and ingested."""
        if (refused := guarded(request)) is not None:
            return refused
        if not is_url(body.url):
            return error(422, "invalid_request", f"body.url: {body.url!r} is not a URL (want http:// or https://)")
        feeds = FeedStore(store())
        feeds.watch(body.url, body.every or settings.watch.every)
        ingestor = UrlIngestor(store(), settings)
        try:
            poll = ingestor.poll(body.url)
        finally:
            ingestor.close()
        return FeedOut(feed=feeds.get(body.url), poll=poll)

    @app.post("/v1/urls", response_model=IngestReport, tags=["releases"])
    def ingest_urls(body: UrlsIn, request: Request) -> IngestReport | JSONResponse:
        """Fetch and ingest release pages, PDFs or feeds by URL, as `qa ingest URL` does; each URL that fails is
        named in the report's errors."""
        if (refused := guarded(request)) is not None:
            return refused
        for i, url in enumerate(body.urls):
            if not is_url(url):
                return error(422, "invalid_request", f"body.urls[{i}]: {url!r} is not a URL (want http:// or https://)")
        ingestor = UrlIngestor(store(), settings)
        try:
            return ingestor.ingest(body.urls)
        finally:
            ingestor.close()

    @app.get("/v1/feeds", response_model=list[FeedStatus], tags=["feeds"])
    async def listed() -> list[FeedStatus]:
        return await run_in_threadpool(lambda: FeedStore(store()).all())

    @app.delete("/v1/feeds", tags=["feeds"], response_model=dict[str, list[str]])
    def unwatch(url: str = Query(description="The watched feed's URL")) -> dict[str, list[str]] | JSONResponse:
        """Stop watching a feed; the releases it brought stay."""
        if not FeedStore(store()).unwatch(url):
            return error(404, "not_found", f"{url}: not a watched feed")
        return {"removed": [url]}

    return Poller(settings)
