"""The service on real sockets (uvicorn on 127.0.0.1, a free port, in a thread): a hung model never holds the
probes, search or ingest; a client that leaves cancels its model call; auth and the body limit are decided
before a body is read; extractive answers are computed a few at a time. Every socket is loopback, every wait bounded."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from qa.answer import Answerer
from qa.service import create_app
from qa.settings import Settings
from qa.testing.fake_models import HeldModel, HungServer
from tests.test_service import BOATS, RELEASE

BOUND = 5.0  # seconds: generous, so a slow machine never fails a test that only asks "does it answer at all"


# The tests' own servers on loopback, and nothing else.
pytestmark = pytest.mark.usefixtures("loopback")


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """The app under uvicorn on a free loopback port until the block ends."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        give_up = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < give_up and thread.is_alive(), "uvicorn did not start"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(20)
        sock.close()


@pytest.fixture()
def hung() -> Iterator[HungServer]:
    model = HungServer()
    yield model
    model.close()  # the model threads still waiting on it get a closed connection and end


def _settings(tmp_path: Path, **service: int) -> Settings:
    s = Settings(db=tmp_path / "net.db")
    return s.model_copy(update={"service": s.service.model_copy(update=service)})


def test_a_hung_model_holds_neither_probes_nor_search_nor_ingest(tmp_path: Path, hung: HungServer) -> None:
    settings = _settings(tmp_path, model_calls=2, model_queue=40)
    # A deadline of 1 s; the client's own timeout far longer, so only the service's deadline ends the wait.
    settings = settings.model_copy(update={"model": settings.model.model_copy(update={
        "base_url": hung.url, "deadline": 1.0, "timeout": 60.0, "max_attempts": 1})})
    asks = 30
    with serving(create_app(settings)) as url, httpx.Client(base_url=url, timeout=BOUND) as http:
        assert http.post("/v1/releases", json={"releases": [RELEASE]}).status_code == 200
        answers: list[httpx.Response] = []

        def ask() -> None:
            with httpx.Client(base_url=url, timeout=60) as own:
                answers.append(own.post("/v1/ask", json={"question": BOATS, "mode": "model"}))

        threads = [threading.Thread(target=ask) for _ in range(asks)]
        for t in threads:
            t.start()
        assert hung.wait_for(2), f"the model got {len(hung.conns)} of 2 connections"  # both slots stuck on it
        # While they wait, the cheap endpoints answer (within BOUND, the client's timeout).
        assert http.get("/healthz").json() == {"status": "ok"}
        assert http.get("/readyz").json()["releases"] == 1
        assert http.post("/v1/search", json={"query": "patrol boats", "k": 1}).json()["hits"]
        more = {**RELEASE, "source": "https://example.test/other", "text": "The Navy bought 3 tugboats."}
        assert http.post("/v1/releases", json={"releases": [more]}).json()["added"]
        for t in threads:
            t.join(60)
        assert len(answers) == asks and all(r.status_code == 200 for r in answers)
        for r in answers:  # at the deadline, each is the extractive answer, the model's failure a code alone
            body = r.json()
            assert body["mode"] == "extractive" and body["answer"].startswith("18 ")
            assert body["ungrounded"] in (["the model failed: model_deadline"], ["the model failed: model_cancelled"])
            assert body["model"] == settings.model.model  # the model that ran past the deadline is named


def test_a_client_that_leaves_cancels_its_model_call(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    held = HeldModel(settings.model, hold=BOUND * 4)
    started, cancelled = held.started, held.cancelled
    app = create_app(settings, client=held.client)
    with serving(app) as url:
        with httpx.Client(base_url=url, timeout=BOUND) as http:
            http.post("/v1/releases", json={"releases": [RELEASE]})
        body = json.dumps({"question": BOATS, "mode": "model"}).encode()
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=BOUND) as raw:
            raw.sendall(b"POST /v1/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            assert started.wait(BOUND * 2)
        # The connection is closed with the model call under way: the service notices and cancels it.
        assert cancelled.wait(BOUND * 2)


def _raw(port: int, head: bytes, chunks: int, chunk: bytes = b"x" * 4096) -> tuple[int, dict]:
    """Send a request's head and `chunks` chunks of a chunked body that never ends; read the response."""
    with socket.create_connection(("127.0.0.1", port), timeout=BOUND) as raw:
        raw.sendall(head)
        for _ in range(chunks):
            raw.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        data = b""
        while b"\r\n\r\n" not in data:
            data += raw.recv(65536) or b"\0"  # a closed connection ends the wait (and fails the parse)
        head_text, body = data.split(b"\r\n\r\n", 1)
        length = int(next(line.split(b":")[1] for line in head_text.split(b"\r\n")
                          if line.lower().startswith(b"content-length")))
        while len(body) < length:
            body += raw.recv(65536)
    return int(head_text.split()[1]), json.loads(body)


CHUNKED = (b"POST /v1/releases HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           b"Transfer-Encoding: chunked\r\n")


def test_a_chunked_body_past_the_limit_gets_413_before_it_ends(tmp_path: Path) -> None:
    settings = _settings(tmp_path, max_body_bytes=10_000)
    with serving(create_app(settings)) as url:
        port = int(url.rsplit(":", 1)[1])
        # 16 KB sent of a body that never ends: only counting the bytes as they come can stop it.
        status, body = _raw(port, CHUNKED + b"\r\n", chunks=4)
        assert status == 413 and body["code"] == "body_too_large"
        with httpx.Client(base_url=url, timeout=BOUND) as http:
            assert http.get("/v1/releases").json() == []
            assert http.post("/v1/releases", json={"releases": [RELEASE]}).status_code == 200  # under it: fine


def test_a_wrong_token_gets_401_before_the_body_is_read(tmp_path: Path) -> None:
    with serving(create_app(_settings(tmp_path), token="s3cret")) as url:
        port = int(url.rsplit(":", 1)[1])
        status, body = _raw(port, CHUNKED + b"Authorization: Bearer wrong\r\n\r\n", chunks=1)
        assert status == 401 and body["code"] == "unauthorized"
        # A declared 58 MB body, none of it sent: the answer is 401 (auth first), not 413, and comes at once.
        status, body = _raw(port, b"POST /v1/releases HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                  b"Content-Length: 58000000\r\n\r\n", chunks=0)
        assert status == 401 and body["code"] == "unauthorized"
        with httpx.Client(base_url=url, timeout=BOUND, headers={"Authorization": "Bearer s3cret"}) as http:
            assert http.get("/v1/releases").json() == []


def test_extractive_answers_are_computed_a_few_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    running, most = [0], [0]
    lock = threading.Lock()

    def slow(self: Answerer, question: str, history: object = None) -> object:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.2)  # CPU work stands in: what matters is how many run at once
        with lock:
            running[0] -= 1
        raise RuntimeError("measured")  # the route's answer does not matter here

    monkeypatch.setattr(Answerer, "ask", slow)
    settings = _settings(tmp_path, cpu_threads=2).with_mode("extractive")
    with serving(create_app(settings)) as url:
        def one(_: int) -> int:
            with httpx.Client(base_url=url, timeout=BOUND * 4) as http:
                return http.post("/v1/ask", json={"question": "How many boats?"}).status_code

        with ThreadPoolExecutor(6) as pool:
            codes = list(pool.map(one, range(6)))
    assert codes == [500] * 6 and most[0] == 2  # six at once, never more than two computed together
