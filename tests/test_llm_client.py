"""ModelClient against a scripted HTTP transport: no sockets, no waiting; time moves only by hand."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx2
import pytest
from pydantic import BaseModel, SecretStr

from qa.llm import client as llm_client
from qa.llm.client import ModelClient, ModelError, StructuredOutputError, Usage
from qa.settings import ModelSettings

BASE_URL = "http://model.test/v1"
SECRET = "sk-test-SECRET123"
MESSAGES = [{"role": "user", "content": "What is the capital of France?"}]

Step = Callable[[httpx2.Request], httpx2.Response]


class City(BaseModel):
    name: str
    population: int


def completion(content: str | None = None, *, arguments: str | None = None, usage: dict | None = None) -> Step:
    message: dict = {"role": "assistant", "content": content}
    if arguments is not None:
        message["tool_calls"] = [
            {"id": "call_1", "type": "function", "function": {"name": "city", "arguments": arguments}}
        ]
    body = {"id": "c1", "object": "chat.completion", "model": "m", "choices": [{"index": 0, "message": message}]}
    if usage is not None:
        body["usage"] = usage
    return lambda request: httpx2.Response(200, json=body)


def status(code: int, headers: dict[str, str] | None = None, body: dict | None = None) -> Step:
    return lambda request: httpx2.Response(code, headers=headers, json=body or {"error": {"message": "nope"}})


def timeout(request: httpx2.Request) -> httpx2.Response:
    raise httpx2.ReadTimeout("read timed out", request=request)


GOOD = completion('{"name": "Paris", "population": 2100000}')


# llama-cpp-python's server (0.3.x) to response_format {"type": "json_schema", ...}, as observed from
# `python -m llama_cpp.server` on loopback: HTTP 500 carrying its request validation error.
LLAMA_CPP_REJECTS_JSON_SCHEMA = {"error": {
    "message": "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
    "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema', 'ctx': {'expected': \"'text' or "
    "'json_object'\"}}\n\n  File \"/venv/lib/python3.11/site-packages/llama_cpp/server/app.py\", line 376, in "
    "create_chat_completion\n    POST /v1/chat/completions",
    "type": "internal_server_error", "param": None, "code": None}}


class Clock:
    """The client's clock and sleep: time passes only when the client waits or a step says so."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Script:
    """Replies in order, keeping every request body and timeout; the last reply repeats."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.bodies: list[dict] = []
        self.timeouts: list[float] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.bodies.append(json.loads(request.content))
        self.timeouts.append(request.extensions["timeout"]["read"])
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        return step(request)


@pytest.fixture(autouse=True)
def no_remembered_modes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test finds out for itself which structured-output mode its endpoint takes."""
    monkeypatch.setattr(llm_client, "_modes", {})


def client(script: Script, clock: Clock | None = None, **settings: object) -> tuple[ModelClient, list[float]]:
    model = ModelSettings(base_url=BASE_URL, api_key=SecretStr(SECRET), **settings)
    made = ModelClient(model, BASE_URL, http_client=httpx2.Client(transport=httpx2.MockTransport(script)))
    clock = clock or Clock()
    made.sleep, made.clock = clock.sleep, clock
    return made, clock.sleeps


def taking(seconds: float, clock: Clock, step: Step) -> Step:
    """A step that takes `seconds` of the clock before it answers."""

    def slow(request: httpx2.Request) -> httpx2.Response:
        clock.now += seconds
        return step(request)

    return slow


def hanging(clock: Clock) -> Step:
    """A model that never answers: each request runs into its own timeout."""

    def hang(request: httpx2.Request) -> httpx2.Response:
        clock.now += request.extensions["timeout"]["read"]
        raise httpx2.ReadTimeout("read timed out", request=request)

    return hang


def test_retries_through_every_transient_failure() -> None:
    script = Script(
        status(429, headers={"Retry-After": "2"}),
        status(500),
        timeout,
        lambda request: httpx2.Response(200, text="<html>bad gateway</html>"),
        GOOD,
    )
    model, sleeps = client(script, max_attempts=5)
    city, usages = model.structured(MESSAGES, City, name="city")
    assert city == City(name="Paris", population=2_100_000)
    assert len(script.bodies) == 5
    assert [u.attempts for u in usages] == [5]
    assert len(sleeps) == 4
    assert sleeps[0] == 2
    assert all(0 < s <= 30 for s in sleeps)


def test_retry_after_is_capped() -> None:
    model, sleeps = client(Script(status(429, headers={"Retry-After": "3600"}), GOOD))
    model.structured(MESSAGES, City, name="city")
    assert sleeps == [30]


def test_gives_up_after_max_attempts_without_leaking_the_key() -> None:
    script = Script(status(503, body={"error": {"message": f"overloaded, key {SECRET}"}}))
    model, sleeps = client(script, max_attempts=3)
    with pytest.raises(ModelError) as caught:
        model.structured(MESSAGES, City, name="city")
    err = caught.value
    assert len(script.bodies) == 3
    assert len(sleeps) == 2
    assert err.attempts == 3
    assert err.status == 503
    message = str(err)
    assert "3 attempt" in message
    assert "503" in message
    assert "model.test" in message
    assert "smollm2-135m-instruct" in message
    for text in (message, repr(err), repr(model), repr(model.settings)):
        assert SECRET not in text
    assert err.__cause__ is None
    assert model.usage_log[-1].attempts == 3


@pytest.mark.parametrize("code", [400, 401, 403, 404, 422])
def test_client_errors_fail_at_once(code: int) -> None:
    script = Script(status(code))
    model, sleeps = client(script)
    with pytest.raises(ModelError) as caught:
        model.structured(MESSAGES, City, name="city")
    assert len(script.bodies) == 1
    assert sleeps == []
    assert caught.value.attempts == 1
    assert f"HTTP {code}" in str(caught.value)
    assert "not retried" in str(caught.value)


def test_reply_off_schema_is_asked_again_with_the_errors() -> None:
    script = Script(completion('{"name": "Paris"}'), GOOD)
    model, _ = client(script)
    city, usages = model.structured(MESSAGES, City, name="city")
    assert city.name == "Paris"
    assert len(script.bodies) == 2
    assert len(usages) == 2
    assert script.bodies[0]["messages"] == MESSAGES
    second = script.bodies[1]["messages"]
    assert second[:1] == MESSAGES
    assert second[1] == {"role": "assistant", "content": '{"name": "Paris"}'}
    assert second[2]["role"] == "user"
    assert "did not match the schema" in second[2]["content"]
    assert "population: Field required" in second[2]["content"]


def test_reply_off_schema_twice_raises() -> None:
    script = Script(completion("Paris, I think."))
    model, _ = client(script)
    with pytest.raises(StructuredOutputError) as caught:
        model.structured(MESSAGES, City, name="city")
    assert len(script.bodies) == 2
    assert caught.value.raw == "Paris, I think."
    assert "Invalid JSON" in caught.value.errors
    assert len(model.usage_log) == 2


def test_json_object_mode_sends_the_local_servers_form() -> None:
    script = Script(GOOD)
    model, _ = client(script, structured="json_object")
    model.structured(MESSAGES, City, name="city")
    body = script.bodies[0]
    assert body["response_format"] == {"type": "json_object", "schema": City.model_json_schema()}
    assert "tools" not in body


def test_auto_mode_picks_json_object_for_the_embedded_server() -> None:
    script = Script(GOOD)
    settings = ModelSettings(base_url=None)
    model = ModelClient(
        settings, "http://127.0.0.1:8765/v1", http_client=httpx2.Client(transport=httpx2.MockTransport(script))
    )
    model.structured(MESSAGES, City, name="city")
    assert script.bodies[0]["response_format"]["type"] == "json_object"


def test_json_schema_mode_sends_the_openai_form() -> None:
    script = Script(GOOD)
    model, _ = client(script)  # auto with a base_url
    model.structured(MESSAGES, City, name="city")
    body = script.bodies[0]
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "city", "schema": City.model_json_schema(), "strict": False},
    }
    assert body["model"] == "smollm2-135m-instruct"
    assert body["temperature"] == 0.0
    assert body["max_tokens"] == ModelSettings().max_tokens and body["seed"] == ModelSettings().seed


def test_tool_mode_forces_one_tool_and_reads_its_arguments() -> None:
    script = Script(completion(None, arguments='{"name": "Lyon", "population": 520000}'))
    model, _ = client(script, structured="tool")
    city, _ = model.structured(MESSAGES, City, name="city")
    assert city == City(name="Lyon", population=520_000)
    body = script.bodies[0]
    assert body["tools"] == [{"type": "function", "function": {"name": "city", "parameters": City.model_json_schema()}}]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "city"}}
    assert "response_format" not in body


def test_reply_without_message_is_retried() -> None:
    script = Script(lambda request: httpx2.Response(200, json={"choices": []}), GOOD)
    model, sleeps = client(script)
    model.structured(MESSAGES, City, name="city")
    assert len(script.bodies) == 2
    assert len(sleeps) == 1


def test_metadata_is_part_of_the_request_body() -> None:
    script = Script(GOOD)
    model, _ = client(script)
    model.structured(MESSAGES, City, name="city", metadata={"prompt_version": "3", "prompt": "answer"})
    model.structured(MESSAGES, City, name="city", metadata={"prompt_version": "4", "prompt": "answer"})
    assert script.bodies[0]["user"] == "prompt=answer;prompt_version=3"
    assert script.bodies[0] != script.bodies[1]


def test_usage_is_recorded() -> None:
    script = Script(
        completion('{"name": "Paris", "population": 1}', usage={"prompt_tokens": 42, "completion_tokens": 7})
    )
    model, _ = client(script)
    _, usages = model.structured(MESSAGES, City, name="city")
    assert usages == model.usage_log
    [usage] = usages
    assert isinstance(usage, Usage)
    assert (usage.model, usage.prompt_tokens, usage.completion_tokens, usage.attempts) == (
        "smollm2-135m-instruct",
        42,
        7,
        1,
    )
    assert usage.latency_s >= 0


def test_missing_usage_counts_zero() -> None:
    model, _ = client(Script(GOOD))
    _, [usage] = model.structured(MESSAGES, City, name="city")
    assert (usage.prompt_tokens, usage.completion_tokens) == (0, 0)


def test_debug_log_has_no_content_or_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG", logger="qa.llm.client")
    model, _ = client(Script(status(500), GOOD))
    model.structured(MESSAGES, City, name="city")
    text = "\n".join(record.getMessage() for record in caplog.records if record.name == "qa.llm.client")
    assert "attempt" in text
    assert "Paris" not in text
    assert "capital" not in text
    assert SECRET not in text


# --- One deadline per client (issue 10) ----------------------------------------------------------------------------

def test_each_attempt_waits_at_most_the_time_left() -> None:
    clock = Clock()
    script = Script(taking(10, clock, status(500)), taking(5, clock, status(503)), GOOD)
    model, sleeps = client(script, clock, timeout=120, deadline=60)
    model.structured(MESSAGES, City, name="city")
    assert script.timeouts[0] == 60
    assert script.timeouts[1] == pytest.approx(60 - 10 - sleeps[0])
    assert script.timeouts[2] == pytest.approx(60 - 15 - sum(sleeps))


def test_a_hung_model_is_given_up_at_the_deadline_not_after_every_attempt() -> None:
    clock = Clock()
    script = Script(hanging(clock))
    model, sleeps = client(script, clock, timeout=120, deadline=60, max_attempts=4)
    with pytest.raises(ModelError) as caught:
        model.structured(MESSAGES, City, name="city")
    assert caught.value.code == "model_deadline"
    assert len(script.bodies) == 1 and sleeps == []
    assert clock.now == 60
    assert "deadline of 60s" in str(caught.value) and "timed out after 60s" in str(caught.value)


def test_no_retry_starts_when_its_wait_would_pass_the_deadline() -> None:
    script = Script(status(429, headers={"Retry-After": "25"}), GOOD)
    model, sleeps = client(script, deadline=20)
    with pytest.raises(ModelError) as caught:
        model.structured(MESSAGES, City, name="city")
    assert caught.value.code == "model_deadline" and caught.value.status == 429
    assert len(script.bodies) == 1 and sleeps == []


def test_no_retry_starts_with_under_a_second_left() -> None:
    clock = Clock()
    script = Script(taking(59.5, clock, status(500)), GOOD)
    model, sleeps = client(script, clock, deadline=60)
    with pytest.raises(ModelError, match="deadline") as caught:
        model.structured(MESSAGES, City, name="city")
    assert caught.value.code == "model_deadline" and len(script.bodies) == 1 and sleeps == []


def test_a_deadline_under_a_second_still_lets_the_first_request_run() -> None:
    clock = Clock()
    script = Script(taking(0.1, clock, status(500)), GOOD)
    model, sleeps = client(script, clock, deadline=0.5)
    with pytest.raises(ModelError) as caught:
        model.structured(MESSAGES, City, name="city")
    assert script.timeouts == [0.5] and sleeps == [] and caught.value.code == "model_deadline"


def test_no_schema_repair_starts_with_under_a_second_left() -> None:
    clock = Clock()
    script = Script(taking(59.2, clock, completion('{"name": "Paris"}')), GOOD)
    model, _ = client(script, clock, deadline=60)
    with pytest.raises(ModelError) as caught:
        model.structured(MESSAGES, City, name="city")
    assert caught.value.code == "model_deadline" and len(script.bodies) == 1


def test_the_deadline_runs_from_the_clients_first_call_across_calls() -> None:
    clock = Clock()
    script = Script(taking(30, clock, GOOD), taking(29.5, clock, GOOD))
    model, _ = client(script, clock, deadline=60)
    clock.now = 1000.0  # a client made long before its first call still gets the whole deadline
    model.structured(MESSAGES, City, name="city")
    model.structured(MESSAGES, City, name="city")
    assert script.timeouts == [60, 30]
    with pytest.raises(ModelError) as caught:
        model.structured(MESSAGES, City, name="city")
    assert caught.value.code == "model_deadline" and caught.value.attempts == 0
    assert len(script.bodies) == 2


# --- Stable codes --------------------------------------------------------------------------------------------------

def refuse_connection(request: httpx2.Request) -> httpx2.Response:
    raise httpx2.ConnectError("connection refused", request=request)


@pytest.mark.parametrize(
    ("step", "code"),
    [
        (status(401), "model_rejected"),
        (status(400), "model_rejected"),
        (status(503), "model_unavailable"),
        (status(429), "model_unavailable"),
        (refuse_connection, "model_unavailable"),
        (timeout, "model_timeout"),
        (status(408), "model_timeout"),
        (lambda request: httpx2.Response(200, text="<html>proxy</html>"), "model_bad_reply"),
        (completion("Paris, I think."), "model_bad_reply"),
    ],
)
def test_every_failure_has_a_stable_code(step: Step, code: str) -> None:
    model, _ = client(Script(step), max_attempts=2)
    with pytest.raises(ModelError) as caught:
        model.structured(MESSAGES, City, name="city")
    assert caught.value.code == code


def test_model_error_keeps_its_old_signature() -> None:
    err = ModelError("boom", attempts=1, status=500)
    assert err.code == "model_unavailable" and str(err) == "boom"


def test_cancel_stops_the_wait_between_attempts_and_every_later_call() -> None:
    import threading
    import time

    script = Script(status(429, headers={"Retry-After": "30"}), GOOD)
    model = ModelClient(
        ModelSettings(base_url=BASE_URL), BASE_URL, http_client=httpx2.Client(transport=httpx2.MockTransport(script))
    )
    threading.Timer(0.2, model.cancel).start()
    began = time.monotonic()
    with pytest.raises(ModelError) as caught:
        model.structured(MESSAGES, City, name="city")  # the real sleep: 30 s unless the cancel ends it
    assert time.monotonic() - began < 5
    assert caught.value.code == "model_cancelled" and len(script.bodies) == 1
    with pytest.raises(ModelError) as again:
        model.structured(MESSAGES, City, name="city")
    assert again.value.code == "model_cancelled" and len(script.bodies) == 1


# --- Structured-output mode, found once per endpoint ---------------------------------------------------------------

class Endpoint:
    """A server that rejects some structured-output modes as llama-cpp-python rejects json_schema."""

    def __init__(self, *rejected: str) -> None:
        self.rejected = set(rejected)
        self.modes: list[str] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        mode = body["response_format"]["type"] if "response_format" in body else "tool"
        self.modes.append(mode)
        if mode in self.rejected:
            text = LLAMA_CPP_REJECTS_JSON_SCHEMA["error"]["message"].replace("json_schema", mode)
            return httpx2.Response(500, json={"error": {**LLAMA_CPP_REJECTS_JSON_SCHEMA["error"], "message": text}})
        if mode == "tool":
            return completion(None, arguments='{"name": "Paris", "population": 1}')(request)
        return GOOD(request)


def endpoint_client(server: Endpoint, model: str = "smollm2-135m-instruct", **settings: object) -> ModelClient:
    made = ModelClient(
        ModelSettings(base_url=BASE_URL, model=model, **settings),
        BASE_URL,
        http_client=httpx2.Client(transport=httpx2.MockTransport(server)),
    )
    made.sleep = lambda seconds: pytest.fail(f"a rejected mode was retried (wait of {seconds}s)")
    return made


def test_auto_falls_back_from_json_schema_once_per_endpoint() -> None:
    server = Endpoint("json_schema")
    city, usages = endpoint_client(server).structured(MESSAGES, City, name="city")
    assert city.name == "Paris" and len(usages) == 1
    assert server.modes == ["json_schema", "json_object"]
    endpoint_client(server).structured(MESSAGES, City, name="city")
    endpoint_client(server).structured(MESSAGES, City, name="city")
    assert server.modes == ["json_schema", "json_object", "json_object", "json_object"]
    endpoint_client(server, model="other-model").structured(MESSAGES, City, name="city")
    assert server.modes[-2:] == ["json_schema", "json_object"]  # another model is another endpoint


def test_auto_falls_back_to_a_forced_tool_call() -> None:
    server = Endpoint("json_schema", "json_object")
    city, _ = endpoint_client(server).structured(MESSAGES, City, name="city")
    assert city.name == "Paris" and server.modes == ["json_schema", "json_object", "tool"]
    endpoint_client(server).structured(MESSAGES, City, name="city")
    assert server.modes[3:] == ["tool"]


def test_an_endpoint_rejecting_every_mode_is_unsupported() -> None:
    server = Endpoint(*llm_client.MODES)
    with pytest.raises(ModelError) as caught:
        endpoint_client(server).structured(MESSAGES, City, name="city")
    assert caught.value.code == "model_unsupported"
    assert server.modes == ["json_schema", "json_object", "tool"]
    assert "json_schema, json_object, tool" in str(caught.value)


def test_an_explicit_mode_is_never_switched() -> None:
    server = Endpoint("json_schema")
    with pytest.raises(ModelError) as caught:
        endpoint_client(server, structured="json_schema").structured(MESSAGES, City, name="city")
    assert server.modes == ["json_schema"]
    err = caught.value
    assert err.code == "model_unsupported" and err.attempts == 1 and err.status == 500
    assert "QA_MODEL__STRUCTURED=json_schema" in str(err)
    assert "auto, json_object, tool" in str(err)


def test_an_ordinary_server_error_is_no_mode_rejection() -> None:
    script = Script(status(500, body={"error": {"message": "CUDA out of memory"}}), GOOD)
    model, sleeps = client(script)
    model.structured(MESSAGES, City, name="city")
    assert [body["response_format"]["type"] for body in script.bodies] == ["json_schema", "json_schema"]
    assert len(sleeps) == 1
