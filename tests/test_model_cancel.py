"""ModelClient.cancel against a real socket: a loopback server that accepts and never answers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from qa.llm.client import ModelClient, ModelError
from qa.settings import ModelSettings
from qa.testing.fake_models import HungServer

# Taken at import, before conftest's autouse guard replaces it for each test.
MESSAGES = [{"role": "user", "content": "What is the capital of France?"}]


class City(BaseModel):
    name: str
    population: int


@pytest.fixture()
def silent(loopback: None) -> Iterator[HungServer]:
    server = HungServer()
    yield server
    server.close()


def test_cancel_from_another_thread_aborts_the_request_in_flight(silent: HungServer) -> None:
    url = silent.url
    model = ModelClient(ModelSettings(base_url=url, timeout=30, deadline=30), url)
    threading.Timer(0.3, model.cancel).start()
    began = time.monotonic()
    with pytest.raises(ModelError) as caught:
        model.structured(MESSAGES, City, name="city")
    assert time.monotonic() - began < 1.5
    assert caught.value.code == "model_cancelled" and caught.value.attempts == 1
    # The server sees the connection end: the request is aborted, not merely abandoned.
    [conn] = silent.conns
    conn.settimeout(2)
    received = b""
    while chunk := conn.recv(65536):
        received += chunk
    assert received.startswith(b"POST /v1/chat/completions")

    began = time.monotonic()
    with pytest.raises(ModelError) as again:
        model.structured(MESSAGES, City, name="city")
    assert again.value.code == "model_cancelled" and time.monotonic() - began < 0.5
    assert len(silent.conns) == 1  # no further request was sent


def test_cancel_before_the_first_call_sends_nothing(silent: HungServer) -> None:
    url = silent.url
    model = ModelClient(ModelSettings(base_url=url), url)
    model.cancel()
    with pytest.raises(ModelError) as caught:
        model.structured(MESSAGES, City, name="city")
    assert caught.value.code == "model_cancelled" and caught.value.attempts == 0
    time.sleep(0.3)
    assert silent.conns == []
