"""Every error the service answers is JSON `{"code", "message"}` with a stable code, and never a stack
trace or a model server's own words."""

from __future__ import annotations

import errno
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from qa.index.storage_errors import IndexUnavailable
from qa.index.store import StorageFault, StoreError
from qa.llm.client import ModelError
from qa.llm.local_model import LocalModelError
from qa.service.model import FAILED, RETRY_AFTER, Busy, error_code
from qa.service.schemas import ApiError

log = logging.getLogger(__name__)

# What a client is told of each storage fault: what it means for it, never a path of the server's.
_STORAGE = {
    "storage_damaged": "the index is damaged; the server's log names the file",
    "storage_read_only": "the index is read-only here: searches work, writes do not",
    "storage_full": "the disk holding the index is full; releases stored before are kept",
    "storage_write_failed": "the system refused a write to the index (a file-size limit or a failing disk); the "
                            "index is intact",
    "storage_no_descriptors": "the server has too many files or connections open; try again shortly",
    "storage_unavailable": "the database holding the index cannot be reached; try again shortly",
}

_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 413: "body_too_large", 415: "unsupported_media_type",
               421: "wrong_host"}


def error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content=ApiError(code=code, message=message).model_dump(),
                        headers=headers)


def response_for(exc: Exception) -> JSONResponse:
    """The JSON error for an exception: as a response, or as a streamed ask's `error` event."""
    if isinstance(exc, HTTPException):
        return error(exc.status_code, _HTTP_CODES.get(exc.status_code, "error"), str(exc.detail), exc.headers)
    if isinstance(exc, RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"])
        # pydantic prefixes a validator's own message with "Value error, ", which says nothing to a client.
        message = str(first["msg"]).removeprefix("Value error, ")
        return error(422, "invalid_request", f"{where}: {message}")
    if isinstance(exc, StorageFault):
        # A full disk is 507 Insufficient Storage; a damaged or read-only file leaves the service unavailable.
        # The message names the server's files: it goes to the log, and the client gets the code's meaning.
        log.error("%s: %s", exc.code, exc)
        return error(507 if exc.code == "storage_full" else 503, exc.code,
                     _STORAGE.get(exc.code, "the index cannot be used; the server's log says why"))
    if isinstance(exc, IndexUnavailable):
        log.error("index unavailable: %s", exc)
        return error(503, "index_unavailable", "the index cannot be opened; the server's log says why")
    if isinstance(exc, StoreError):
        return error(404, "not_found", str(exc))
    if isinstance(exc, OSError) and exc.errno in (errno.ENAMETOOLONG, errno.ENOENT, errno.ENOTDIR):
        return error(404, "not_found", "no such resource")
    if isinstance(exc, (ModelError, LocalModelError)):
        log.warning("model failed (%s): %s", error_code(exc), exc)
        return error(503, error_code(exc), FAILED)
    if isinstance(exc, Busy):
        return error(429, "busy", "the model is busy; try again later", {"Retry-After": str(RETRY_AFTER)})
    log.error("unhandled error", exc_info=exc)
    return error(500, "internal_error", "the server failed to handle the request")


def install(app: FastAPI) -> None:
    """The handlers: Starlette's HTTPException, not only FastAPI's, so unknown routes and methods are JSON too."""

    async def handle(request: Request, exc: Exception) -> JSONResponse:
        return response_for(exc)

    for kind in (HTTPException, RequestValidationError, StoreError, ModelError, LocalModelError, Busy, Exception):
        app.add_exception_handler(kind, handle)
