"""The HTTP service: a JSON API over the same functions as the command line.

Each worker thread keeps its own connection to the index file (SQLite
connections are not shared across threads); responses use the same pydantic
models as `--json`. Errors are JSON with a stable code and never a stack trace.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from typing import Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, StreamingResponse
from pydantic import BaseModel, Field, field_validator

from qa import local_model
from qa.answer import Answerer
from qa.brief import Briefer
from qa.ingest import ingest_drafts
from qa.llm_client import ModelClient, ModelError
from qa.load import LoadError, record
from qa.memo import markdown
from qa.models import Hit, IngestReport, Release
from qa.schemas import Answer, Briefing, ReleaseSummary
from qa.search import Searcher, SharedIndex
from qa.settings import Settings
from qa.store import Store, StoreError
from qa.summarize import Summarizer

MAX_QUESTION = 1000
MAX_BODY_BYTES = 5_000_000
MAX_BATCH = 500


class ReleaseIn(BaseModel):
    title: str = Field("", max_length=1000)
    date: str = Field("", max_length=40)
    source: str = Field("", max_length=2000)
    text: str = Field(min_length=1, max_length=1_000_000)


class IngestIn(BaseModel):
    releases: list[ReleaseIn] = Field(min_length=1, max_length=MAX_BATCH)


class SearchIn(BaseModel):
    query: str = Field(min_length=1, max_length=MAX_QUESTION)
    k: int = Field(5, ge=1, le=100)
    since: str | None = None
    until: str | None = None
    source: str | None = Field(None, max_length=200)


class SearchOut(BaseModel):
    query: str
    hits: list[Hit]


class AskIn(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_QUESTION)
    mode: Literal["auto", "extractive", "model"] | None = Field(
        None, description="extractive: never ask the model; model: always ask it; auto: ask it unless its recorded "
        "eval shows it adds nothing; unset: the server's setting (QA_ANSWER__MODE)")

    @field_validator("question")
    @classmethod
    def _not_blank(cls, question: str) -> str:
        if not question.strip():
            raise ValueError("the question is empty")
        return question


class BriefIn(BaseModel):
    since: str | None = None
    until: str | None = None
    query: str | None = Field(None, max_length=MAX_QUESTION)
    limit: int = Field(8, ge=1, le=50)
    format: Literal["json", "md"] = Field("json", description="md: the briefing as a Markdown memo (text/markdown)")


class ApiError(BaseModel):
    code: str
    message: str


def _event(name: str, data: str) -> str:
    return f"event: {name}\ndata: {data}\n\n"


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content=ApiError(code=code, message=message).model_dump())


def create_app(settings: Settings, *, token: str | None = None,
               client: Callable[[], ModelClient] | None = None, max_model_calls: int = 2) -> FastAPI:
    """The API over the index at settings.db; with a token, every request needs `Authorization: Bearer TOKEN`.

    At most `max_model_calls` requests use the model at once; the others wait their turn, so a busy
    local model is not asked for more than it can do.
    """
    app = FastAPI(title="qa", version="1", description="Grounded answers from official press releases.")
    local = threading.local()
    shared_index = SharedIndex(save=False)
    model_slots = threading.BoundedSemaphore(max_model_calls)

    def make_client() -> ModelClient:
        if client is not None:
            return client()
        from qa.endpoint import model_client

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

    def authorised(request: Request) -> None:
        if token is None:
            return
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise HTTPException(status_code=401, detail="missing or wrong bearer token")

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Callable[[Request], Any]) -> Any:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY_BYTES:
            return _error(413, "body_too_large", f"request bodies are limited to {MAX_BODY_BYTES} bytes")
        return await call_next(request)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        codes = {401: "unauthorized", 404: "not_found", 413: "body_too_large"}
        return _error(exc.status_code, codes.get(exc.status_code, "error"), str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"])
        return _error(422, "invalid_request", f"{where}: {first['msg']}")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        return _error(500, "internal_error", "the server failed to handle the request")

    guarded = [Depends(authorised)]

    @app.get("/healthz", tags=["probes"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["probes"], dependencies=guarded)
    def ready() -> dict[str, Any]:
        n_chunks, _, n_releases = store().counts()
        return {"status": "ready", "releases": n_releases, "chunks": n_chunks}

    @app.post("/v1/releases", response_model=IngestReport, dependencies=guarded)
    def ingest(body: IngestIn) -> IngestReport:
        drafts = []
        for i, r in enumerate(body.releases):
            try:
                drafts.append(record(r.model_dump(), f"releases[{i}]"))
            except LoadError as err:
                raise RequestValidationError([{"loc": ["body", "releases", i], "msg": str(err)}]) from err
        return ingest_drafts(store(), drafts, settings.index)

    @app.get("/v1/releases", response_model=list[Release], dependencies=guarded)
    def releases() -> list[Release]:
        return store().releases()

    @app.get("/v1/releases/{release_id}", dependencies=guarded)
    def release(release_id: str) -> dict[str, Any]:
        try:
            rid = store().resolve(release_id)
        except StoreError as err:
            raise HTTPException(status_code=404, detail=str(err)) from err
        return {**store().release(rid).model_dump(), "text": store().release_text(rid)}

    @app.delete("/v1/releases/{release_id}", dependencies=guarded)
    def remove(release_id: str) -> dict[str, list[str]]:
        try:
            return {"removed": store().remove([release_id])}
        except StoreError as err:
            raise HTTPException(status_code=404, detail=str(err)) from err

    @app.post("/v1/search", response_model=SearchOut, dependencies=guarded)
    async def search(body: SearchIn) -> SearchOut:
        # A search takes a millisecond or two of CPU: it runs on the event loop, not through the thread
        # pool, whose hand-offs and GIL contention cost more than the search under load. Only when the
        # releases changed, and the arrays must be rebuilt (seconds, for a large index), does it go to a
        # thread, so the loop keeps serving.
        def run() -> list[Hit]:
            return searcher().search(body.query, body.k, since=body.since, until=body.until, source=body.source)

        hits = run() if shared_index.fresh(store()) else await run_in_threadpool(run)
        return SearchOut(query=body.query, hits=hits)

    def model_work(work: Callable[[], BaseModel], uses_model: bool = True) -> Any:
        try:
            with model_slots if uses_model else nullcontext():
                return work()
        except StoreError as err:
            raise HTTPException(status_code=404, detail=str(err)) from err
        except (local_model.LocalModelError, ModelError) as err:
            return _error(503, "model_unavailable", str(err))

    def answer(body: AskIn) -> Any:
        """The answer in the mode asked (else the server's); a model slot is taken only when the mode may
        ask the model, so extractive answers never wait behind model calls."""
        asked = settings
        if body.mode is not None:
            asked = settings.model_copy(update={"answer": settings.answer.model_copy(update={"mode": body.mode})})
        try:
            answerer = Answerer(store(), asked, make_client)
        except StoreError as err:
            raise HTTPException(status_code=404, detail=str(err)) from err
        return model_work(lambda: answerer.ask(body.question), uses_model=answerer.uses_model())

    @app.post("/v1/ask", response_model=Answer, dependencies=guarded)
    def ask(body: AskIn, request: Request) -> Any:
        """The short answer with its evidence (cited sentences), support (full, partial, none), mode and
        corrections; with `Accept: text/event-stream`, server-sent events: `hits` (what retrieval found) as
        soon as it is known, then `answer`, the same object."""
        if "text/event-stream" not in request.headers.get("accept", ""):
            return answer(body)

        def events() -> Iterator[str]:
            hits = searcher().search(body.question, settings.search.k)
            yield _event("hits", SearchOut(query=body.question, hits=hits).model_dump_json())
            result = answer(body)
            if isinstance(result, JSONResponse):
                yield _event("error", result.body.decode())
            else:
                yield _event("answer", result.model_dump_json())

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.post("/v1/releases/{release_id}/summary", response_model=ReleaseSummary, dependencies=guarded)
    def summarize(release_id: str) -> Any:
        return model_work(lambda: Summarizer(store(), settings, make_client).summarize(release_id))

    @app.post("/v1/brief", response_model=Briefing, dependencies=guarded)
    def brief(body: BriefIn) -> Any:
        result = model_work(lambda: Briefer(store(), settings, make_client).brief(
            since=body.since, until=body.until, query=body.query, limit=body.limit))
        if body.format == "md" and isinstance(result, Briefing):
            return PlainTextResponse(markdown(result), media_type="text/markdown; charset=utf-8")
        return result

    return app


def app_from_env() -> FastAPI:
    """The app `qa serve` runs in each uvicorn worker: settings and token from the environment."""
    import os

    return create_app(Settings(), token=os.environ.get("QA_API_TOKEN") or None)
