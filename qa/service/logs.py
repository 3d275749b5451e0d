"""The service's side of the answer log: every ask, summary and briefing written with endpoint "api", off the
event loop; the conversations /v1/ask continues; and GET /v1/logs.

A log that cannot be written is a warning in the server's log, never a failed request. Clients see no server
path in an error: the log's file name stays in the server's log.
"""

from __future__ import annotations

import logging
import time

from fastapi import FastAPI, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from qa.index.answer_log import AnswerLog, LogEntry, LogError, UnknownConversation, log_path, new_id
from qa.index.conversation import Turn
from qa.schemas import Answer
from qa.service.errors import error
from qa.settings import Settings

log = logging.getLogger(__name__)

MAX_ENTRIES = 1000


class ServiceLog:
    def __init__(self, settings: Settings) -> None:
        self.log = AnswerLog(log_path(settings))
        self.enabled = settings.log.enabled

    async def turns(self, conversation_id: str) -> list[Turn] | JSONResponse:
        """The conversation's earlier turns, or the error response for an id the log does not hold."""
        try:
            return await run_in_threadpool(self.log.turns, conversation_id)
        except UnknownConversation:
            return error(404, "unknown_conversation", f"no conversation {conversation_id!r} in the answer log")
        except LogError as err:
            log.warning("%s", err)
            return error(503, "log_unavailable", "the answer log cannot be read")

    async def record(self, kind: str, request: str, result: BaseModel, started: float,
                     conversation_id: str | None = None) -> bool:
        """Log a result (when logging is on); False when it was not written."""
        if not self.enabled:
            return False
        latency = time.monotonic() - started
        try:
            await run_in_threadpool(lambda: self.log.record(kind=kind, request=request, result=result, endpoint="api",
                                                            latency_s=latency, conversation_id=conversation_id))
        except LogError as err:
            log.warning("%s", err)
            return False
        return True

    async def answer(self, question: str, answer: Answer, started: float, conversation_id: str | None) -> Answer:
        """The answer logged in its conversation (a new one without an id), with the conversation's id; no id
        when a new conversation could not be logged, since it could not be continued."""
        cid = conversation_id or new_id()
        answer = answer.model_copy(update={"conversation_id": cid})
        if not await self.record("ask", question, answer, started, cid) and conversation_id is None:
            answer = answer.model_copy(update={"conversation_id": None})
        return answer

    def install(self, app: FastAPI) -> None:
        @app.get("/v1/logs", response_model=list[LogEntry], tags=["logs"])
        def logs(n: int = Query(3, ge=1, le=MAX_ENTRIES, description="Most entries, newest first"),
                 q: str | None = Query(None, max_length=1000, description="Words of the question or the answer"),
                 conversation_id: str | None = Query(None, max_length=64)) -> list[LogEntry] | JSONResponse:
            """The newest logged answers, summaries and briefings (the command line's and the API's)."""
            try:
                return self.log.entries(n, q, conversation_id)
            except LogError as err:
                log.warning("%s", err)
                return error(503, "log_unavailable", "the answer log cannot be read")
