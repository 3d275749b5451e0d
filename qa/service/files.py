"""POST /v1/files?name=NAME: one file's bytes as the request body, read exactly as `qa ingest` reads a file of
that name (qa.ingest.load.read_data) and ingested.

The raw body, not a multipart form: nothing to parse but the file, and no dependency for it. The body limit
(settings.service.max_body_bytes) is enforced before the body is read (qa.service.guard); the file limit
(settings.ingest.max_file_bytes) here, with qa.ingest.load's message.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from qa.index.store import Store
from qa.ingest.load import LoadError, TooLarge, read_data
from qa.ingest.pipeline import ingest_drafts
from qa.models import IngestReport
from qa.service.errors import error
from qa.settings import Settings

MAX_NAME = 255
UPLOAD = "upload:"  # an uploaded file's origin, and its key when it gives no source


def checked_name(name: str) -> str:
    """The file name as given, or a 422 naming the parameter: a name, never a path (it only says how to read
    the file and keys the release; nothing is written under it)."""
    problem = None
    if not name.strip():
        problem = "the file name is empty"
    elif len(name) > MAX_NAME:
        problem = f"the file name is longer than {MAX_NAME} characters"
    elif "/" in name or "\\" in name or ".." in name:
        problem = "a file name, not a path (no /, \\ or ..)"
    elif any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        problem = "the file name has control characters"
    if problem:
        raise RequestValidationError([{"loc": ["query", "name"], "msg": problem}])
    return name


def ingest_upload(store: Store, data: bytes, name: str, settings: Settings) -> IngestReport:
    """The file's releases ingested; the records of it that could not be read are in the report's errors, as
    `qa ingest` reports them. LoadError when nothing in it can be read.

    Keyed `upload:NAME` unless a release gives its source, so sending the same file again changes nothing.
    """
    drafts, errors = read_data(data, name, origin=UPLOAD + name, max_bytes=settings.ingest.max_file_bytes)
    report = ingest_drafts(store, drafts, settings.index)
    report.errors = [*errors, *report.errors]
    return report


def install(app: FastAPI, settings: Settings, store: Callable[[], Store]) -> None:
    """The route; `store` gives the calling thread's store."""

    @app.post("/v1/files", response_model=IngestReport, tags=["releases"])
    async def upload(request: Request, name: str = Query(
            description="The file's name: its suffix says how it is read (.txt, .md, .html, .json, .jsonl, ...)")
    ) -> IngestReport | JSONResponse:
        """Ingest one file sent as the raw request body (any content type)."""
        checked_name(name)
        data = await request.body()
        try:
            # Parsing (HTML extraction above all) and indexing take CPU: on the thread pool, not the event loop;
            # the store is that thread's own (a SQLite connection stays in the thread that opened it).
            return await run_in_threadpool(lambda: ingest_upload(store(), data, name, settings))
        except TooLarge as err:
            return error(413, "file_too_large", f"{name}: {err}")
        except LoadError as err:
            return error(422, "invalid_request", f"{name}: {err}")
