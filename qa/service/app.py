"""The HTTP service: a JSON API over the same functions as the command line.

Each thread keeps its own connection to the index file (SQLite connections are not shared across
threads), and every searcher shares the process's one copy of the index arrays; responses use the same
pydantic models as `--json`. Errors are JSON with a stable code and never a stack trace (qa.service.errors).

The event loop never waits on a model: model work runs on its own few threads behind a bounded queue, with
one deadline per request (qa.service.model); the cheap endpoints run on the loop or on the thread pool that
model work never takes. Auth and the body limit are decided before a body is read (qa.service.guard).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import anyio
from fastapi import FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, StreamingResponse

from qa.answer import Answerer
from qa.answer.pipeline import Retrieval
from qa.brief.briefing import Briefer
from qa.brief.memo import markdown
from qa.brief.summarize import Summarizer
from qa.index.search import Searcher, SharedIndex
from qa.index.store import Store
from qa.ingest.load import LoadError, record
from qa.ingest.pipeline import ingest_drafts
from qa.llm.client import ModelClient
from qa.llm.model_value import wanted
from qa.models import Hit, IngestReport, Release
from qa.schemas import Answer, Briefing, ReleaseSummary
from qa.service import docs as service_docs
from qa.service import errors as service_errors
from qa.service import evals as service_evals
from qa.service import feeds as service_feeds
from qa.service import files as service_files
from qa.service import openai_api as service_openai
from qa.service import web
from qa.service.errors import error, response_for
from qa.service.follow import Follower
from qa.service.guard import BearerAuth, BodyLimit
from qa.service.listing import list_releases
from qa.service.logs import ServiceLog
from qa.service.model import GRACE, Busy, ModelGate, RequestModel, Stopped, Workers, failed, wait
from qa.service.origin import HostNames, PreflightedBodies, SameOrigin
from qa.service.schemas import AskIn, BriefIn, IngestIn, SearchIn, SearchOut
from qa.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")

# Paths open without the token: the liveness probe, the web page's shell and files (its data comes from the
# API, with the token), and the docs page with its schema and assets.
OPEN_PATHS = frozenset({"/healthz", "/", "/docs", "/openapi.json"})
# Extractive answers made for requests whose model ran past the deadline: few threads, so that many at once
# queue here rather than crowd the thread pool the cheap endpoints use.
FALLBACK_THREADS = 2


def _event(name: str, data: str) -> str:
    return f"event: {name}\ndata: {data}\n\n"


def create_app(settings: Settings, *, token: str | None = None,
               client: Callable[[], ModelClient] | None = None) -> FastAPI:
    """The API and the web page over the index at settings.db; with a token, every request but /healthz, the page
    and the docs needs
    `Authorization: Bearer TOKEN`.

    settings.service.model_calls requests use the model at once and settings.service.model_queue more wait
    their turn; past that, 429. settings.model.deadline bounds each request's wait for the model; past it the
    answer is the extractive one.
    """
    gate = ModelGate(settings.service.model_calls, settings.service.model_queue)
    fallbacks = Workers(FALLBACK_THREADS)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        poller.start()
        follower.start()
        yield
        follower.stop()
        poller.stop()
        gate.close()
        fallbacks.close()

    app = FastAPI(title="qa", version="1", description="Grounded answers from official press releases.",
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    service_errors.install(app)
    service_docs.install(app)
    web.install(app, needs_token=token is not None)
    answer_log = ServiceLog(settings)
    answer_log.install(app)
    app.add_middleware(BodyLimit, limit=settings.service.max_body_bytes)
    app.add_middleware(PreflightedBodies)
    if token is not None:  # added late, so it runs early: a request without the token is never read
        app.add_middleware(BearerAuth, token=token, open_paths=OPEN_PATHS,
                           open_prefixes=(service_docs.ASSETS, web.STATIC))
    # Outermost: a wrong Host, or another site's write, is refused before the token is even looked at.
    app.add_middleware(SameOrigin, hosts=HostNames(settings.service.bind, settings.service.hosts))

    local = threading.local()
    shared_index = SharedIndex(save=False)
    follower = Follower(settings, shared_index)
    extractive = settings.with_mode("extractive")

    def make_client() -> ModelClient:
        if client is not None:
            return client()
        from qa.llm.endpoint import model_client

        return model_client(settings)

    def store() -> Store:
        if getattr(local, "store", None) is None:
            local.store = Store(settings.db)
        return local.store

    def searcher() -> Searcher:
        # One per thread (each has its connection), all sharing one copy of the index arrays.
        if getattr(local, "searcher", None) is None:
            local.searcher = Searcher(store(), settings.search, shared_index)
        return local.searcher

    # The CPU work of searches and extractive answers: a few threads at a time. Python threads share one core's
    # worth of interpreter; more of them at once only take turns at it, and a replica under 16 connections
    # answered half as many searches a second as under 2 (benchmarks/replicas.py --client wrk).
    cpu = anyio.CapacityLimiter(settings.service.cpu_threads)

    async def computed(work: Callable[..., T], *args: Any) -> T:
        return await anyio.to_thread.run_sync(work, *args, limiter=cpu)

    async def model_work(request: Request, asked: Settings, work: Callable[[RequestModel], T],
                         fallback: Callable[[str], T]) -> T | JSONResponse:
        """`work`, given the request's model clients: on the thread pool when `asked` never asks the model (an
        extractive answer takes no model slot), else on the model's own threads, until the deadline or the
        client's disconnect. At the deadline the answer is `fallback(code)`, the extractive one."""
        model = RequestModel(make_client)
        if not _asks_model(asked):
            return await computed(work, model)
        deadline = asyncio.get_running_loop().time() + settings.model.deadline + GRACE
        future = gate.submit(lambda: work(model))
        try:
            return await wait(future, deadline, request.is_disconnected, model.cancel)
        except Stopped as stop:
            if stop.reason == "disconnected":
                return error(499, "client_closed", "the client closed the request")
            log.warning("%s: the model passed its %s s deadline", request.url.path, settings.model.deadline)
            return await asyncio.wrap_future(fallbacks.submit(lambda: fallback("model_deadline")))

    @app.get("/healthz", tags=["probes"])
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["probes"])
    async def ready() -> dict[str, Any]:
        # One small query: on the loop for a file, so a busy thread pool never makes the service look down; a
        # server's on a thread, so a database that is away (503 storage_unavailable, within the pool's timeout)
        # never stalls the loop.
        if store().local:
            n_chunks, _, n_releases = store().counts()
        else:
            n_chunks, _, n_releases = await run_in_threadpool(lambda: store().counts())
        # index_generation: the writes this process's search arrays hold (a replica's, caught up as others write).
        return {"status": "ready", "releases": n_releases, "chunks": n_chunks,
                "index_generation": shared_index.generation}

    @app.post("/v1/releases", response_model=IngestReport)
    def ingest(body: IngestIn) -> IngestReport:
        drafts = []
        for i, r in enumerate(body.releases):
            try:
                drafts.append(record(r.model_dump(), f"releases[{i}]"))
            except LoadError as err:
                raise RequestValidationError([{"loc": ["body", "releases", i], "msg": str(err)}]) from err
        return ingest_drafts(store(), drafts, settings.index)

    @app.get("/v1/releases", response_model=list[Release])
    def releases(
        q: str | None = Query(None, description="Only releases a search for q finds, best first"),
        since: str | None = Query(None, description="First day, YYYY-MM-DD (inclusive)"),
        until: str | None = Query(None, description="Last day, YYYY-MM-DD (inclusive)"),
        source: str | None = Query(None, description="Only releases whose source URL contains this"),
    ) -> list[Release]:
        """The releases, newest first; with q, those a search finds, by their best hit's score."""
        return list_releases(store(), searcher(), q, since, until, source)

    @app.get("/v1/releases/{release_id}")
    def release(release_id: str) -> dict[str, Any]:
        rid = store().resolve(release_id)
        return {**store().release(rid).model_dump(), "text": store().release_text(rid)}

    @app.delete("/v1/releases/{release_id}")
    def remove(release_id: str) -> dict[str, list[str]]:
        return {"removed": store().remove([release_id])}

    @app.post("/v1/search", response_model=SearchOut)
    async def search(body: SearchIn) -> SearchOut:
        # A search takes a millisecond or two of CPU: it runs on the event loop, not through the thread
        # pool, whose hand-offs and GIL contention cost more than the search under load. Only when the
        # releases changed, and the arrays must be rebuilt (seconds, for a large index), does it go to a
        # thread, so the loop keeps serving.
        def run() -> list[Hit]:
            return searcher().search(body.query, body.k, since=body.since, until=body.until, source=body.source)

        # A server's reads go to a thread always: the loop must never wait on the network.
        hits = run() if store().local and shared_index.fresh(store()) else await computed(run)
        return SearchOut(query=body.query, hits=hits)

    @app.post("/v1/ask", response_model=Answer)
    async def ask(body: AskIn, request: Request) -> Any:
        """The short answer with its evidence (cited sentences), support (full, partial, none), mode and
        corrections; with `Accept: text/event-stream`, server-sent events: `hits` (what retrieval found) as
        soon as it is known, then `answer`, the same object (or `error`, a JSON error)."""
        started = time.monotonic()
        asked = settings if body.mode is None else settings.with_mode(body.mode)
        # A follow-up reads its conversation's earlier turns from the answer log.
        history = await answer_log.turns(body.conversation_id) if body.conversation_id else []
        if isinstance(history, JSONResponse):
            return history

        def answer(retrieval: Retrieval | None, how: Settings, make: Callable[[], ModelClient]) -> Answer:
            answerer = Answerer(store(), how, make, searcher())
            return answerer.answer(retrieval) if retrieval is not None else answerer.ask(body.question, history)

        def fallback(retrieval: Retrieval | None) -> Callable[[str], Answer]:
            # The model that failed (timed out, was cancelled, was not there) is named, as the pipeline names it.
            return lambda code: answer(retrieval, extractive, make_client).model_copy(
                update={"ungrounded": [failed(code)], "model": asked.model.model})

        async def logged(result: Any) -> Any:
            if not isinstance(result, Answer):
                return result
            return await answer_log.answer(body.question, result, started, body.conversation_id)

        if "text/event-stream" not in request.headers.get("accept", ""):
            return await logged(await model_work(request, asked, lambda m: answer(None, asked, m.client),
                                                 fallback(None)))
        if _asks_model(asked) and gate.full():
            raise Busy

        async def events() -> AsyncIterator[str]:
            try:
                # One search: its hits are streamed at once, and the answer stands on the same ones.
                retrieval = await computed(
                    lambda: Answerer(store(), asked, make_client, searcher()).retrieve(body.question, history))
                yield _event("hits", SearchOut(query=body.question, hits=retrieval.hits).model_dump_json())
                result: Any = await logged(await model_work(
                    request, asked, lambda m: answer(retrieval, asked, m.client), fallback(retrieval)))
            except Exception as err:  # the response has started: an error can only be an event now
                result = response_for(err)
            if isinstance(result, JSONResponse):
                yield _event("error", bytes(result.body).decode())
            else:
                yield _event("answer", result.model_dump_json())

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.post("/v1/releases/{release_id}/summary", response_model=ReleaseSummary)
    async def summarize(release_id: str, request: Request) -> Any:
        started = time.monotonic()
        result = await model_work(
            request, settings, lambda m: Summarizer(store(), settings, m.client).summarize(release_id),
            lambda code: Summarizer(store(), extractive, make_client).summarize(release_id).model_copy(
                update={"ungrounded": [failed(code)]}))
        if isinstance(result, ReleaseSummary):
            await answer_log.record("summary", json.dumps({"release_id": release_id}), result, started)
        return result

    @app.post("/v1/brief", response_model=Briefing)
    async def brief(body: BriefIn, request: Request) -> Any:
        started = time.monotonic()

        def run(how: Settings, make: Callable[[], ModelClient]) -> Briefing:
            return Briefer(store(), how, make, searcher()).brief(since=body.since, until=body.until,
                                                                 query=body.query, limit=body.limit)

        result = await model_work(request, settings, lambda m: run(settings, m.client),
                                  lambda code: run(extractive, make_client).model_copy(
                                      update={"ungrounded": [failed(code)]}))
        if isinstance(result, Briefing):
            await answer_log.record("brief", body.model_dump_json(), result, started)
        if body.format == "md" and isinstance(result, Briefing):
            return PlainTextResponse(markdown(result), media_type="text/markdown; charset=utf-8")
        return result

    async def ask_in_mode(request: Request, question: str, mode: service_openai.Mode | None) -> Answer | JSONResponse:
        # The OpenAI-compatible route's answers: the same model work as /v1/ask's, logged as its are.
        started = time.monotonic()
        asked = settings if mode is None else settings.with_mode(mode)
        result = await model_work(
            request, asked, lambda m: Answerer(store(), asked, m.client, searcher()).ask(question),
            lambda code: Answerer(store(), extractive, make_client, searcher()).ask(question).model_copy(
                update={"ungrounded": [failed(code)], "model": asked.model.model}))
        return await answer_log.answer(question, result, started, None) if isinstance(result, Answer) else result

    service_openai.install(app, ask_in_mode)
    service_files.install(app, settings, store)
    service_evals.install(app, settings)
    poller = service_feeds.install(app, settings, store, token)
    return app


def _asks_model(settings: Settings) -> bool:
    """Whether work under these settings may ask the model: only then does it take a model slot."""
    return wanted(settings.answer.mode, settings.model.model, settings.answer.reports)


def app_from_env() -> FastAPI:
    """The app `qa serve` runs in each uvicorn worker: settings and token from the environment."""
    import os

    return create_app(Settings(), token=os.environ.get("QA_API_TOKEN") or None)
