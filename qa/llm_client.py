"""One client for every model: an OpenAI-compatible endpoint or the embedded llama-cpp-python server.

Each call asks for JSON that a pydantic model checks. tenacity is the only retry layer: the openai
client's own retries are off, so the attempt count and waits are ours to set, record and test.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx2
from pydantic import BaseModel, ValidationError
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

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


class ModelError(RuntimeError):
    """A request that failed for good; the message says what was tried and never holds the key."""

    def __init__(self, message: str, *, attempts: int, status: int | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.status = status


class StructuredOutputError(ModelError):
    """The model replied, but never with JSON its schema accepts."""

    def __init__(self, message: str, *, attempts: int, raw: str, errors: str) -> None:
        super().__init__(message, attempts=attempts)
        self.raw = raw
        self.errors = errors


class Usage(BaseModel):
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_s: float  # the whole call, failed attempts and waits between them included
    attempts: int


class _MalformedReply(Exception):
    """A 2xx whose body is no chat completion we can read, e.g. a proxy's HTML page or a cut-off body."""


class ModelClient:
    """Structured calls to one model; `usage_log` keeps a Usage for every call, failed ones included."""

    def __init__(self, settings: ModelSettings, base_url: str, http_client: httpx2.Client | None = None) -> None:
        self.settings = settings
        self.usage_log: list[Usage] = []
        # Tests swap this to observe waits without taking them.
        self.sleep: Callable[[float], None] = time.sleep
        # openai is imported here, not at the top: half a second of every `qa ask` that asks no model.
        import openai

        url = httpx2.URL(base_url)
        self._where = f"model {settings.model!r} at {url.host}" + (f":{url.port}" if url.port else "")
        self._openai = openai.OpenAI(
            base_url=base_url,
            api_key=settings.api_key.get_secret_value(),
            timeout=settings.timeout,
            max_retries=0,
            http_client=http_client,
        )

    def __repr__(self) -> str:
        return f"ModelClient({self._where})"

    @property
    def mode(self) -> str:
        if self.settings.structured != "auto":
            return self.settings.structured
        # No base_url means the embedded llama-cpp-python server, which knows json_object+schema, not json_schema.
        return "json_object" if self.settings.base_url is None else "json_schema"

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
        request = self._request(schema, name, metadata)
        history = list(messages)
        usages: list[Usage] = []
        for _ in range(2):
            raw, usage = self._call(history, request)
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

    def _request(self, schema: type[BaseModel], name: str, metadata: dict[str, str] | None) -> dict[str, Any]:
        json_schema = schema.model_json_schema()
        request: dict[str, Any] = {
            "model": self.settings.model,
            "temperature": self.settings.temperature,
            "max_tokens": self.settings.max_tokens,
        }
        if self.settings.seed is not None:
            request["seed"] = self.settings.seed
        mode = self.mode
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

        attempts = 0
        started = time.perf_counter()

        def attempt() -> tuple[str, dict[str, Any]]:
            nonlocal attempts
            attempts += 1
            reply = self._openai.chat.completions.with_raw_response.create(messages=messages, **request)
            data = _decode(reply.http_response.content)
            return _reply_text(data, tool="tools" in request), data

        retrying = Retrying(
            sleep=lambda seconds: self.sleep(float(seconds)),
            stop=stop_after_attempt(self.settings.max_attempts),
            wait=_wait,
            retry=retry_if_exception(_retryable),
            before_sleep=self._log_retry,
            reraise=True,
        )
        try:
            raw, data = retrying(attempt)
        except (openai.OpenAIError, _MalformedReply) as err:
            self._record(0, 0, time.perf_counter() - started, attempts)
            raise self._error(err, attempts) from None
        counts = data.get("usage") if isinstance(data.get("usage"), dict) else {}
        usage = self._record(
            _count(counts.get("prompt_tokens")),
            _count(counts.get("completion_tokens")),
            time.perf_counter() - started,
            attempts,
        )
        return raw, usage

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

    def _error(self, err: BaseException, attempts: int) -> ModelError:
        import openai

        status = err.status_code if isinstance(err, openai.APIStatusError) else None
        if _retryable(err):
            message = f"{self._where}: gave up after {attempts} attempt(s); last: {self._reason(err)}"
        else:
            message = f"{self._where}: failed after {attempts} attempt(s), not retried: {self._reason(err)}"
        return ModelError(message, attempts=attempts, status=status)

    def _reason(self, err: BaseException) -> str:
        import openai

        if isinstance(err, openai.APIStatusError):
            reason = f"HTTP {err.status_code} {err.response.reason_phrase}".rstrip()
            detail = _server_message(err.body)
        elif isinstance(err, openai.APITimeoutError):
            reason, detail = f"timed out after {self.settings.timeout:g}s", ""
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


def _retryable(err: BaseException) -> bool:
    import openai

    if isinstance(err, (_MalformedReply, openai.APIConnectionError)):  # timeouts are connection errors here
        return True
    if isinstance(err, openai.APIStatusError):
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
