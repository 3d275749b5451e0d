"""OpenAI's chat-completions API over the answer path, so that any OpenAI client (the `openai` package, `llm`,
chat front ends) can ask qa: the last user message is the question, the reply is the short answer with numbered
citation markers and a Sources list, and the structured answer rides along in the extra field `qa`.

The answer is made whole before any of it is sent, streamed or not: it is verified against its evidence as a
whole, so a stream of a model's words as they come would show words that may yet be thrown out.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any, Literal

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field, model_validator
from starlette.responses import Response

from qa.answer import DECLINE, PARTIAL
from qa.schemas import Answer, Citation
from qa.service.errors import response_for
from qa.service.schemas import MAX_QUESTION

MODEL_ID = "qa"
# Model ids that choose the answer path's mode for one request; any other id keeps the server's setting.
Mode = Literal["extractive", "model"]
MODES: dict[str, Mode] = {"qa-extractive": "extractive", "qa-model": "model"}

# The answer to a question in a mode (None: the server's), made as POST /v1/ask makes it (the same queue,
# deadline and disconnect), or the service's error.
Ask = Callable[[Request, str, Mode | None], Awaitable[Answer | JSONResponse]]


class TextPart(BaseModel):
    type: str
    text: str = ""


class ChatMessage(BaseModel):
    role: str
    content: str | list[TextPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):  # the parts form: only its text is a question
            return "".join(p.text for p in self.content if p.type == "text")
        return self.content or ""


class ChatIn(BaseModel):
    """OpenAI's request; fields qa has no use for (temperature, max_tokens, ...) are accepted and ignored."""

    model: str = Field(MODEL_ID, max_length=200, description="Echoed back; qa-extractive never asks the model, "
                       "qa-model always does; any other id answers as the server is set (QA_ANSWER__MODE)")
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = Field(False, description="Server-sent chunks in OpenAI's format, ending with data: [DONE]")

    @property
    def question(self) -> str:
        return next(m.text() for m in reversed(self.messages) if m.role == "user").strip()

    @model_validator(mode="after")
    def _asks(self) -> ChatIn:
        if not any(m.role == "user" for m in self.messages):
            raise ValueError("no message has the role user; the last user message is the question")
        if not self.question:
            raise ValueError("the last user message is empty")
        if len(self.question) > MAX_QUESTION:
            raise ValueError(f"the question is over {MAX_QUESTION} characters")
        return self


class Reply(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: Reply
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class TokenUsage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: TokenUsage = Field(description="The model's tokens for this answer; 0 when no model was asked")
    qa: Answer = Field(description="The structured answer, as POST /v1/ask returns it")


def reply_text(a: Answer) -> str:
    """The answer as the command line prints it, in plain text for a chat: the short answer with its citation
    markers (a partial one as the closest the releases come, with the reason; a decline with why), then the
    Sources list, each cited sentence with its release's title, date and address."""
    marks = "".join(f" [{c.n}]" for c in a.evidence)
    reason = a.reason.strip()
    if a.mode == "declined" or not a.answered:
        lines = [f"{DECLINE}: {reason.rstrip('.')}." if reason else f"{DECLINE}."]
    elif a.support == "full":
        lines = [a.answer + marks]
    else:
        lines = [f"{PARTIAL}: {a.answer}{marks}", *([reason] if reason else [])]
    # After the answer, as on the command line: a chat's preview shows the first words.
    lines += [f"(searched for {c.searched}; you wrote {c.wrote})" for c in a.corrections]
    if a.evidence:
        lines += ["", "Sources:", *(_source(c) for c in a.evidence)]
    return "\n".join(lines)


def _source(c: Citation) -> str:
    return f"[{c.n}] {c.title or '(untitled)'} ({c.date or 'undated'}), {c.source}: “{' '.join(c.quote.split())}”"


def usage(a: Answer) -> TokenUsage:
    prompt = sum(u.prompt_tokens for u in a.usage)
    completion = sum(u.completion_tokens for u in a.usage)
    return TokenUsage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)


# OpenAI's error types by status: its clients raise a different exception for each status, and show the type.
_TYPES = {401: "authentication_error", 403: "permission_error", 404: "not_found_error", 429: "rate_limit_error"}


def openai_error(qa_error: JSONResponse) -> JSONResponse:
    """The service's error `{"code", "message"}` in OpenAI's shape `{"error": {"message", "type", "code"}}`."""
    body = json.loads(bytes(qa_error.body))
    status = qa_error.status_code
    kind = _TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    retry = qa_error.headers.get("retry-after")
    return JSONResponse(status_code=status, headers={"Retry-After": retry} if retry else None,
                        content={"error": {"message": body["message"], "type": kind, "code": body["code"],
                                           "param": None}})


class _OpenAIErrors(APIRoute):
    """A route whose every error, the request's validation included, is in OpenAI's shape: its clients read the
    message and code from there. The service's other routes keep its own shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handle(request)
            except Exception as err:
                return openai_error(response_for(err))

        return guarded


async def _chunks(head: dict[str, Any], a: Answer) -> AsyncIterator[str]:
    """The reply as OpenAI's stream: the role, the text a line at a time, then the finish with the usage and
    the structured answer, then [DONE]."""

    def chunk(delta: dict[str, str], finish: str | None = None, **extra: Any) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return f"data: {json.dumps({**head, 'object': 'chat.completion.chunk', 'choices': [choice], **extra})}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    for line in reply_text(a).splitlines(keepends=True):
        yield chunk({"content": line})
    yield chunk({}, "stop", usage=usage(a).model_dump(), qa=a.model_dump(mode="json"))
    yield "data: [DONE]\n\n"


def install(app: FastAPI, ask: Ask) -> None:
    """POST /v1/chat/completions and GET /v1/models on the app, answering through `ask`."""
    router = APIRouter(prefix="/v1", tags=["openai"], route_class=_OpenAIErrors)

    @router.get("/models")
    async def models() -> dict[str, Any]:
        """The one model, for clients that check the model they are given exists."""
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "qa"}]}

    @router.post("/chat/completions", response_model=ChatCompletion)
    async def chat(body: ChatIn, request: Request) -> Any:
        """OpenAI's chat completion: the last user message is the question; the reply is the short answer with
        numbered citation markers and a Sources list; `qa` holds the structured answer. With `stream`, the same
        reply as server-sent chunks, the last with `qa` and `usage`, then `data: [DONE]`."""
        answer = await ask(request, body.question, MODES.get(body.model))
        if isinstance(answer, JSONResponse):
            return openai_error(answer)
        head = {"id": f"chatcmpl-{uuid.uuid4().hex}", "created": int(time.time()), "model": body.model}
        if body.stream:
            return StreamingResponse(_chunks(head, answer), media_type="text/event-stream")
        return ChatCompletion(**head, choices=[Choice(message=Reply(content=reply_text(answer)))],
                              usage=usage(answer), qa=answer)

    app.include_router(router)
