"""ModelClient against a scripted HTTP transport: no sockets, no waiting."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx2
import pytest
from pydantic import BaseModel, SecretStr

from qa.llm_client import ModelClient, ModelError, StructuredOutputError, Usage
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


class Script:
    """Replies in order, keeping every request body; the last reply repeats."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.bodies: list[dict] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.bodies.append(json.loads(request.content))
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        return step(request)


def client(script: Script, **settings: object) -> tuple[ModelClient, list[float]]:
    model = ModelSettings(base_url=BASE_URL, api_key=SecretStr(SECRET), **settings)
    made = ModelClient(model, BASE_URL, http_client=httpx2.Client(transport=httpx2.MockTransport(script)))
    sleeps: list[float] = []
    made.sleep = sleeps.append
    return made, sleeps


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
    caplog.set_level("DEBUG", logger="qa.llm_client")
    model, _ = client(Script(status(500), GOOD))
    model.structured(MESSAGES, City, name="city")
    text = "\n".join(record.getMessage() for record in caplog.records if record.name == "qa.llm_client")
    assert "attempt" in text
    assert "Paris" not in text
    assert "capital" not in text
    assert SECRET not in text
