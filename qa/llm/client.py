"""One client for every model: an OpenAI-compatible endpoint or the embedded llama-cpp-python server.

Each call asks for JSON that a pydantic model checks. tenacity is the only retry layer: the openai
client's own retries are off, so the attempt count and waits are ours to set, record and test.

A client serves one ask, summary or briefing: its deadline (settings.deadline) runs from its first call
across every attempt, schema repair and structured-output fallback, and cancel() stops it from any thread.
"""

from __future__ import annotations

import json
import logging
import math
import re
import socket
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeVar

import httpx2
from pydantic import BaseModel, ValidationError
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_any,
    wait_exponential_jitter,
)

from qa.schemas import Usage
from qa.settings import ModelSettings

log = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)

# A server asking for a longer pause than this is better answered by the next backoff step or by giving up.
RETRY_AFTER_CAP = 30.0
_BACKOFF = wait_exponential_jitter(multiplier=0.5, max=RETRY_AFTER_CAP, jitter=1)
# 408 is the server timing out our request, which is as worth retrying as our own timeout.
_RETRY_STATUS = frozenset({408, 429})
_SNIPPET = 300  # characters of a server's error text kept in a ModelError
REPAIR = "Your reply did not match the schema: {errors}. Reply again with JSON only."
# A request with less time than this before the deadline would only time out, so none but a client's first
# starts (a deadline set shorter than this still lets that one run).
MIN_LEFT_S = 1.0

# Structured-output modes in the order auto mode tries them: OpenAI's, llama-cpp-python's, a forced tool call.
MODES = ("json_schema", "json_object", "tool")
# How servers refuse a request field they do not know. llama-cpp-python answers a json_schema response_format
# with HTTP 500 and its validation error ("Input should be 'text' or 'json_object'" at response_format.type);
# OpenAI and vLLM answer 400 naming the field. Such a refusal is permanent: retrying it only repeats it.
_REJECT_STATUS = frozenset({400, 422, 500, 501})
_STRUCTURED_FIELD = re.compile(r"\b(response_format|json_schema|json_object|tool_choice|tools)\b")

# Per endpoint (base URL, model), the first mode auto mode still tries: an endpoint rejects a mode once per
# process, not once per call. Model calls run on several threads at once, hence the lock.
_modes: dict[tuple[str, str], str] = {}
_modes_lock = threading.Lock()


class ModelError(RuntimeError):
    """A request that failed for good; the message says what was tried and never holds the key.

    `code` is stable and safe to show anyone: model_timeout, model_unavailable, model_rejected,
    model_unsupported, model_cancelled, model_deadline or model_bad_reply.
    """

    def __init__(
        self, message: str, *, attempts: int, status: int | None = None, code: str = "model_unavailable"
    ) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.status = status
        self.code = code


class StructuredOutputError(ModelError):
    """The model replied, but never with JSON its schema accepts."""

    def __init__(self, message: str, *, attempts: int, raw: str, errors: str) -> None:
        super().__init__(message, attempts=attempts, code="model_bad_reply")
        self.raw = raw
        self.errors = errors


class _MalformedReply(Exception):
    """A 2xx whose body is no chat completion we can read, e.g. a proxy's HTML page or a cut-off body."""


class _Cancelled(Exception):
    """cancel() was called while a request was under way or about to start."""


class ModelClient:
    """Structured calls to one model; `usage_log` keeps a Usage for every call, failed ones included."""

    def __init__(self, settings: ModelSettings, base_url: str, http_client: httpx2.Client | None = None) -> None:
        self.settings = settings
        self.usage_log: list[Usage] = []
        # Tests swap these to observe waits without taking them and to move time on by hand.
        self.sleep: Callable[[float], None] = self._pause
        self.clock: Callable[[], float] = time.monotonic
        self._endpoint = (base_url, settings.model)
        self._started: float | None = None
        self._sent = 0  # requests sent, across calls
        self._attempt_timeout = settings.timeout
        self._cancelled = threading.Event()
        self._connections = _Connections(self._cancelled)
        # openai is imported here, not at the top: half a second of every `qa ask` that asks no model.
        import openai

        url = httpx2.URL(base_url)
        self._where = f"model {settings.model!r} at {url.host}" + (f":{url.port}" if url.port else "")
        http = http_client or openai.DefaultHttpxClient()
        http.event_hooks["request"].append(self._connections.watch)
        self._openai = openai.OpenAI(
            base_url=base_url,
            api_key=settings.api_key.get_secret_value(),
            timeout=settings.timeout,
            max_retries=0,
            http_client=http,
        )

    def __repr__(self) -> str:
        return f"ModelClient({self._where})"

    @property
    def mode(self) -> str:
        """The structured-output mode the next request uses."""
        if self.settings.structured != "auto":
            return self.settings.structured
        with _modes_lock:
            known = _modes.get(self._endpoint)
        if known is not None:
            return known
        # No base_url means the embedded llama-cpp-python server, which knows json_object+schema, not json_schema.
        return "json_object" if self.settings.base_url is None else "json_schema"

    def cancel(self) -> None:
        """Stop this client from any thread: the request in flight is aborted, and it and every later call
        raise ModelError(code="model_cancelled")."""
        self._cancelled.set()
        self._connections.shut_all()

    def structured(
        self,
        messages: list[dict[str, str]],
        schema: type[T],
        *,
        name: str,
        metadata: dict[str, str] | None = None,
    ) -> tuple[T, list[Usage]]:
        """The model's reply to `messages` as a `schema` instance, and the Usage of each call it took.

        A reply the schema rejects is shown its errors and asked once more; a second rejection raises
        StructuredOutputError rather than passing on something unchecked.
        """
        if self._started is None:
            self._started = self.clock()
        history = list(messages)
        usages: list[Usage] = []
        for _ in range(2):
            raw, usage = self._reply(history, schema, name, metadata)
            usages.append(usage)
            try:
                # strict=False lets a raw line break inside a string through, as small models write them;
                # what the reply says is still checked by the schema and, above, by the grounding check.
                return schema.model_validate(json.loads(raw, strict=False)), usages
            except json.JSONDecodeError as err:
                errors = f"reply: Invalid JSON: {err.msg} at line {err.lineno} column {err.colno}"
            except ValidationError as err:
                errors = _describe(err)
            log.debug("%s: reply did not match schema %s", self._where, name)
            history = [
                *history,
                {"role": "assistant", "content": raw},
                {"role": "user", "content": REPAIR.format(errors=errors)},
            ]
        raise StructuredOutputError(
            f"{self._where}: {len(usages)} replies did not match schema {name!r}: {errors}",
            attempts=len(usages),
            raw=raw,
            errors=errors,
        )

    def _reply(
        self, messages: list[dict[str, str]], schema: type[BaseModel], name: str, metadata: dict[str, str] | None
    ) -> tuple[str, Usage]:
        """One reply; in auto mode, a structured-output mode the endpoint rejects gives way to the next one."""
        mode = self.mode
        while True:
            try:
                return self._call(messages, self._request(mode, schema, name, metadata))
            except ModelError as err:
                if err.code != "model_unsupported":
                    raise
                following = MODES[MODES.index(mode) + 1] if mode != MODES[-1] else None
                if self.settings.structured != "auto" or following is None:
                    raise self._unsupported(err, mode) from None
                log.info("%s: rejects structured-output mode %s; trying %s", self._where, mode, following)
                self._skip_to(following)
                mode = following

    def _skip_to(self, mode: str) -> None:
        with _modes_lock:
            known = _modes.get(self._endpoint)
            # Only ever forward: a thread that saw an earlier mode rejected must not undo a later finding.
            if known is None or MODES.index(mode) > MODES.index(known):
                _modes[self._endpoint] = mode

    def _unsupported(self, err: ModelError, mode: str) -> ModelError:
        if self.settings.structured == "auto":
            advice = (
                f"it rejected every structured-output mode ({', '.join(MODES)}); use an endpoint that supports "
                "one of them (QA_MODEL__BASE_URL)"
            )
        else:
            others = ", ".join(m for m in ("auto", *MODES) if m != mode)
            advice = f"it does not support QA_MODEL__STRUCTURED={mode}; set QA_MODEL__STRUCTURED to one of {others}"
        return ModelError(f"{err}; {advice}", attempts=err.attempts, status=err.status, code="model_unsupported")

    def _request(
        self, mode: str, schema: type[BaseModel], name: str, metadata: dict[str, str] | None
    ) -> dict[str, Any]:
        json_schema = schema.model_json_schema()
        request: dict[str, Any] = {
            "model": self.settings.model,
            "temperature": self.settings.temperature,
            "max_tokens": self.settings.max_tokens,
        }
        if self.settings.seed is not None:
            request["seed"] = self.settings.seed
        if mode == "json_schema":
            request["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": json_schema, "strict": False},
            }
        elif mode == "json_object":
            # llama-cpp-python's own form; sent as raw body so the openai client's types cannot reshape it.
            request["extra_body"] = {"response_format": {"type": "json_object", "schema": json_schema}}
        else:
            request["tools"] = [{"type": "function", "function": {"name": name, "parameters": json_schema}}]
            request["tool_choice"] = {"type": "function", "function": {"name": name}}
        if metadata:
            # `user` is a standard field that OpenAI, Azure, vLLM and llama-cpp-python all accept (the last ignores
            # it), so the prompt and its version land in the recorded body everywhere. OpenAI's own `metadata`
            # needs `store=true`, and stricter servers reject fields they do not know.
            request["user"] = ";".join(f"{key}={value}" for key, value in sorted(metadata.items()))
        return request

    def _call(self, messages: list[dict[str, str]], request: dict[str, Any]) -> tuple[str, Usage]:
        import openai

        self._check_can_start()
        attempts = 0
        late = False
        started = time.perf_counter()

        def attempt() -> tuple[str, dict[str, Any]]:
            nonlocal attempts
            if self._cancelled.is_set():
                raise _Cancelled
            attempts += 1
            self._sent += 1
            self._attempt_timeout = min(self.settings.timeout, max(self._left(), 0.0))
            reply = self._openai.chat.completions.with_raw_response.create(
                messages=messages, timeout=self._attempt_timeout, **request
            )
            if self._cancelled.is_set():
                raise _Cancelled
            data = _decode(reply.http_response.content)
            return _reply_text(data, tool="tools" in request), data

        def out_of_time(state: RetryCallState) -> bool:
            # No retry whose wait would leave less than MIN_LEFT_S: it could not finish before the deadline.
            nonlocal late
            late = self._left() - (state.upcoming_sleep or 0.0) < MIN_LEFT_S
            return late

        retrying = Retrying(
            sleep=lambda seconds: self.sleep(float(seconds)),
            stop=stop_any(out_of_time, stop_after_attempt(self.settings.max_attempts)),
            wait=_wait,
            retry=retry_if_exception(lambda err: not self._cancelled.is_set() and _retryable(err)),
            before_sleep=self._log_retry,
            reraise=True,
        )
        try:
            raw, data = retrying(attempt)
        except (openai.OpenAIError, _MalformedReply, _Cancelled) as err:
            self._record(0, 0, time.perf_counter() - started, attempts)
            raise self._error(err, attempts, late=late) from None
        counts = data.get("usage") if isinstance(data.get("usage"), dict) else {}
        usage = self._record(
            _count(counts.get("prompt_tokens")),
            _count(counts.get("completion_tokens")),
            time.perf_counter() - started,
            attempts,
        )
        return raw, usage

    def _left(self) -> float:
        started = self.clock() if self._started is None else self._started
        return started + self.settings.deadline - self.clock()

    def _check_can_start(self) -> None:
        """Raises rather than start a request that is cancelled or could not finish before the deadline."""
        if self._cancelled.is_set():
            raise ModelError(f"{self._where}: cancelled", attempts=0, code="model_cancelled")
        if self._sent and self._left() < MIN_LEFT_S:
            raise ModelError(
                f"{self._where}: the deadline of {self.settings.deadline:g}s leaves no time for another request",
                attempts=0,
                code="model_deadline",
            )

    def _pause(self, seconds: float) -> None:
        self._cancelled.wait(seconds)  # a cancel ends the wait between attempts too

    def _record(self, prompt_tokens: int, completion_tokens: int, latency_s: float, attempts: int) -> Usage:
        usage = Usage(
            model=self.settings.model,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            latency_s=latency_s,
            attempts=attempts,
        )
        self.usage_log.append(usage)
        log.debug(
            "%s: %.2fs, %d prompt + %d completion tokens, %d attempt(s)",
            self._where,
            latency_s,
            prompt_tokens,
            completion_tokens,
            attempts,
        )
        return usage

    def _log_retry(self, state: RetryCallState) -> None:
        err = state.outcome.exception() if state.outcome else None
        log.debug(
            "%s: attempt %d failed (%s), next in %.1fs",
            self._where,
            state.attempt_number,
            self._reason(err) if err else "?",
            state.upcoming_sleep,
        )

    def _error(self, err: BaseException, attempts: int, *, late: bool) -> ModelError:
        import openai

        status = err.status_code if isinstance(err, openai.APIStatusError) else None
        code = self._code(err, late=late)
        if code == "model_cancelled":
            message = f"{self._where}: cancelled after {attempts} attempt(s)"
        elif code == "model_deadline":
            message = (
                f"{self._where}: stopped by the deadline of {self.settings.deadline:g}s after {attempts} "
                f"attempt(s); last: {self._reason(err)}"
            )
        elif _retryable(err):
            message = f"{self._where}: gave up after {attempts} attempt(s); last: {self._reason(err)}"
        else:
            message = f"{self._where}: failed after {attempts} attempt(s), not retried: {self._reason(err)}"
        return ModelError(message, attempts=attempts, status=status, code=code)

    def _code(self, err: BaseException, *, late: bool) -> str:
        import openai

        if self._cancelled.is_set():
            return "model_cancelled"
        if _rejects_structured_output(err):
            return "model_unsupported"
        if late:
            return "model_deadline"
        if isinstance(err, _MalformedReply):
            return "model_bad_reply"
        if isinstance(err, openai.APITimeoutError) or getattr(err, "status_code", None) == 408:
            return "model_timeout"
        if isinstance(err, openai.APIStatusError) and not _retryable(err):
            return "model_rejected"
        return "model_unavailable"

    def _reason(self, err: BaseException) -> str:
        import openai

        if isinstance(err, openai.APIStatusError):
            reason = f"HTTP {err.status_code} {err.response.reason_phrase}".rstrip()
            detail = _server_message(err.body)
        elif isinstance(err, openai.APITimeoutError):
            reason, detail = f"timed out after {self._attempt_timeout:.3g}s", ""
        elif isinstance(err, openai.APIConnectionError):
            cause = err.__cause__
            reason, detail = "connection failed", f"{type(cause).__name__}: {cause}" if cause else ""
        else:
            reason, detail = f"{type(err).__name__}", str(err)
        detail = " ".join(detail.split())[:_SNIPPET]
        # Some servers echo the credentials they refused; the key is read here only to blank it out.
        secret = self.settings.api_key.get_secret_value()
        if secret:
            detail = detail.replace(secret, "***")
        return f"{reason} ({detail})" if detail else reason


class _Connections:
    """The sockets a client's requests connect, so that a cancel can shut them down. Closing a socket does not
    wake a thread blocked reading it, nor tell the server; shutting it down does both, which is why closing
    the HTTP client would not do. It holds no reference to its client, so a dropped client is freed at once."""

    def __init__(self, cancelled: threading.Event) -> None:
        self._cancelled = cancelled
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def watch(self, request: httpx2.Request) -> None:
        """An httpx request hook: the request reports, through httpcore's trace, each connection it opens."""
        request.extensions["trace"] = self._on_trace

    def shut_all(self) -> None:
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def _on_trace(self, event: str, info: dict[str, Any]) -> None:
        if event != "connection.connect_tcp.complete":
            return
        sock = info["return_value"].get_extra_info("socket")
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._sockets.append(sock)
        if self._cancelled.is_set():  # cancelled while this connection was being made
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    with suppress(OSError):  # already closed, or never connected
        sock.shutdown(socket.SHUT_RDWR)


def _rejects_structured_output(err: BaseException) -> bool:
    import openai

    return (
        isinstance(err, openai.APIStatusError)
        and err.status_code in _REJECT_STATUS
        and _STRUCTURED_FIELD.search(_server_message(err.body)) is not None
    )


def _retryable(err: BaseException) -> bool:
    import openai

    if isinstance(err, (_MalformedReply, openai.APIConnectionError)):  # timeouts are connection errors here
        return True
    if isinstance(err, openai.APIStatusError) and not _rejects_structured_output(err):
        return err.status_code in _RETRY_STATUS or err.status_code >= 500
    return False


def _wait(state: RetryCallState) -> float:
    import openai

    err = state.outcome.exception() if state.outcome else None
    if isinstance(err, openai.APIStatusError):
        after = _retry_after(err.response.headers.get("retry-after"))
        if after is not None:
            return after
    return _BACKOFF(state)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header; the HTTP-date form is rare from model servers and falls back to backoff."""
    try:
        seconds = float(value) if value is not None else math.nan
    except ValueError:
        return None
    if math.isnan(seconds) or seconds < 0:
        return None
    return min(seconds, RETRY_AFTER_CAP)


def _decode(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError as err:  # UnicodeDecodeError included
        raise _MalformedReply(f"body is not JSON: {err}") from None
    if not isinstance(data, dict):
        raise _MalformedReply("body is not a JSON object")
    return data


def _reply_text(data: dict[str, Any], *, tool: bool) -> str:
    choices = data.get("choices")
    first = choices[0] if isinstance(choices, list) and choices else None
    message = first.get("message") if isinstance(first, dict) else None
    if not isinstance(message, dict):
        raise _MalformedReply("no choices[0].message in the reply")
    if tool:
        for call in message.get("tool_calls") or []:
            arguments = (call.get("function") or {}).get("arguments") if isinstance(call, dict) else None
            if isinstance(arguments, str):
                return arguments
            if isinstance(arguments, dict):  # some servers send the arguments already parsed
                return json.dumps(arguments)
    content = message.get("content")
    # A model that ignored the forced tool but wrote content still gets its content checked against the schema.
    if isinstance(content, str):
        return content
    raise _MalformedReply("the reply has neither content nor tool call arguments")


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _describe(err: ValidationError) -> str:
    """The validation errors without the input values, which would repeat the reply back at length."""
    parts = []
    for item in err.errors(include_url=False, include_input=False)[:10]:
        where = ".".join(str(part) for part in item["loc"]) or "reply"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def _server_message(body: object) -> str:
    if isinstance(body, dict):
        error = body.get("error", body)
        message = error.get("message") if isinstance(error, dict) else error
        return message if isinstance(message, str) else json.dumps(body)
    return body if isinstance(body, str) else ""


NO_MODEL_URL = "http://fake-model.test/v1"  # never reached: the transport answers every call


def no_model_client(settings: ModelSettings | None = None) -> ModelClient:
    """A ModelClient that every call fails at once (HTTP 400, not retried): the extractive answer alone."""

    def refuse(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(400, json={"error": {"message": "no model in this run (extractive)"}})

    return ModelClient((settings or ModelSettings()).model_copy(update={"max_attempts": 1}), NO_MODEL_URL,
                       http_client=httpx2.Client(transport=httpx2.MockTransport(refuse)))
