"""Issue 20, items 2 and 3: only the service's own pages write, only its own Host names are answered, and a
client cannot hold a connection (a request half sent, a stranger's large body) past the read timeout."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from qa.service import create_app
from qa.service.server import options
from qa.settings import Settings

RELEASE = {"title": "Navy Accepts Two Patrol Boats", "date": "2024-03-04", "source": "https://example.test/boats",
           "text": "The Navy accepted two patrol boats at Norfolk on Monday."}


def _settings(tmp_path: Path, **service: Any) -> Settings:
    settings = Settings(db=tmp_path / "qa.db")
    settings.service = settings.service.model_copy(update=service)
    return settings


@pytest.fixture()
def api(tmp_path: Path) -> TestClient:
    return TestClient(create_app(_settings(tmp_path)))


def _stored(api: TestClient) -> list[Any]:
    return api.get("/v1/releases").json()


# --- Host and Origin ------------------------------------------------------------------------------------------------

def test_a_host_the_service_is_not_bound_to_is_421(tmp_path: Path) -> None:
    api = TestClient(create_app(_settings(tmp_path, hosts=["qa.example.org"])), base_url="http://127.0.0.1:8000")
    assert api.get("/healthz").status_code == 200
    assert api.get("/healthz", headers={"host": "localhost:8000"}).status_code == 200
    assert api.get("/healthz", headers={"host": "[::1]:8000"}).status_code == 200
    assert api.get("/healthz", headers={"host": "qa.example.org"}).status_code == 200  # the proxy's name
    for host in ("rebound.attacker.test:8000", "attacker.test", "", "127.0.0.1:8000@attacker.test"):
        got = api.get("/v1/releases", headers={"host": host})
        assert got.status_code == 421 and got.json()["code"] == "wrong_host", host


def test_bound_to_every_interface_any_address_is_answered_but_no_other_name(tmp_path: Path) -> None:
    api = TestClient(create_app(_settings(tmp_path, bind="0.0.0.0")), base_url="http://192.0.2.7:8000")
    assert api.get("/healthz").status_code == 200
    assert api.get("/healthz", headers={"host": "rebound.attacker.test"}).status_code == 421


def test_a_cross_site_text_plain_post_writes_nothing(api: TestClient) -> None:
    # What a page on another site makes its reader's browser send: no preflight, so no chance to refuse it.
    got = api.post("/v1/files", params={"name": "x.txt"}, content=b"The drawdown is worth $888 billion.",
                   headers={"content-type": "text/plain", "origin": "http://attacker.test"})
    assert got.status_code == 403 and got.json()["code"] == "cross_origin"
    got = api.post("/v1/files", params={"name": "x.txt"}, content=b"The drawdown is worth $888 billion.",
                   headers={"content-type": "text/plain", "referer": "http://attacker.test/page.html"})
    assert got.status_code == 403
    got = api.post("/v1/releases", json={"releases": [RELEASE]}, headers={"origin": "null"})
    assert got.status_code == 403
    assert _stored(api) == []


def test_a_simple_body_without_our_origin_is_415(api: TestClient) -> None:
    # A browser that sends no Origin (an old one) could still post text/plain or a form cross-site.
    for kind in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None):
        headers = {"content-type": kind} if kind else {}
        got = api.post("/v1/files", params={"name": "x.txt"}, content=b"Body.", headers=headers)
        assert got.status_code == 415 and "content-type" in got.json()["message"], kind
    assert _stored(api) == []


def test_the_services_own_page_and_scripts_still_write(api: TestClient) -> None:
    own = {"origin": "http://testserver"}
    assert api.post("/v1/files", params={"name": "a.txt"}, content=b"Title: A\n\nThe Navy accepted a boat.",
                    headers={**own, "content-type": "text/plain"}).status_code == 200
    assert api.post("/v1/releases", json={"releases": [RELEASE]}, headers=own).status_code == 200
    assert api.post("/v1/files", params={"name": "b.txt"}, content=b"Title: B\n\nThe Army accepted a tank.",
                    headers={"content-type": "application/octet-stream"}).status_code == 200  # a script, no Origin
    assert api.post("/v1/search", json={"query": "boat"}, headers={"referer": "http://testserver/"}).status_code == 200
    # Reads from anywhere stay reads: no CORS header, so another site's page cannot see the reply.
    read = api.get("/v1/releases", headers={"origin": "http://attacker.test"})
    assert read.status_code == 200 and "access-control-allow-origin" not in read.headers
    assert len(_stored(api)) == 3


# --- A live server on loopback ----------------------------------------------------------------------------------

@contextmanager
def serving(settings: Settings, token: str | None = None, app: Any = None) -> Iterator[int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app or create_app(settings, token=token), log_level="warning", **options(settings))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def _closed_within(conn: socket.socket, seconds: float) -> float | None:
    """Seconds until the server closed the connection (EOF or reset), or None if it stayed open."""
    start = time.monotonic()
    conn.settimeout(seconds)
    try:
        while conn.recv(65536):
            pass
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return time.monotonic() - start


def _get(port: int, path: str = "/healthz") -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
        return int(conn.recv(4096).split(b" ", 2)[1])


def test_half_sent_headers_and_bodies_are_dropped_at_the_read_timeout(tmp_path: Path, loopback: None) -> None:
    settings = _settings(tmp_path, read_timeout=1.0)
    with serving(settings, token="s3cret") as port:
        held = [socket.create_connection(("127.0.0.1", port)) for _ in range(6)]
        for i, conn in enumerate(held):
            if i % 3 == 0:
                conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # headers never end
            elif i % 3 == 1:  # a body announced and never sent, with the token
                conn.sendall(b"POST /v1/search HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer s3cret\r\n"
                             b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\"")
            # and the third of each kind sends nothing at all
        assert _get(port) == 200  # the others are served meanwhile
        waited = [_closed_within(conn, 5.0) for conn in held]
        assert all(w is not None and w < 2.5 for w in waited), waited
        for conn in held:
            conn.close()


def test_a_strangers_body_is_not_read_after_the_401(tmp_path: Path, loopback: None) -> None:
    with serving(_settings(tmp_path), token="s3cret") as port, \
            socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"POST /v1/files?name=x.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/octet-stream\r\nContent-Length: 52000000\r\n\r\n" + b"x" * 65536)
        reply = conn.recv(4096)
        assert reply.startswith(b"HTTP/1.1 401") and b"connection: close" in reply.lower()
        closed = _closed_within(conn, 5.0)
        assert closed is not None and closed < 2.0
        with pytest.raises(OSError):  # the server is gone: the rest of the 52 MB has nowhere to go
            for _ in range(2000):
                conn.sendall(b"x" * 65536)


def test_connections_past_the_cap_are_closed_at_once(tmp_path: Path, loopback: None) -> None:
    settings = _settings(tmp_path, max_connections=8, read_timeout=5.0)
    with serving(settings) as port:
        held = [socket.create_connection(("127.0.0.1", port)) for _ in range(8)]
        time.sleep(0.3)
        extra = [socket.create_connection(("127.0.0.1", port)) for _ in range(5)]
        assert all(_closed_within(conn, 2.0) is not None for conn in extra)
        assert all(_closed_within(conn, 0.2) is None for conn in held)  # the first eight are still open
        for conn in held + extra:
            conn.close()
        time.sleep(0.3)
        assert _get(port) == 200


def test_forwarded_for_is_believed_only_from_a_named_proxy(tmp_path: Path, loopback: None) -> None:
    async def client(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = str(scope["client"][0]).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", b"%d" % len(body))]})
        await send({"type": "http.response.body", "body": body})

    def seen(settings: Settings) -> bytes:
        with serving(settings, app=client) as port, socket.create_connection(("127.0.0.1", port)) as conn:
            conn.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: 6.6.6.6\r\n"
                         b"Connection: close\r\n\r\n")
            reply = b""
            while chunk := conn.recv(4096):
                reply += chunk
            return reply.rsplit(b"\r\n", 1)[-1]

    assert seen(_settings(tmp_path)) == b"127.0.0.1"
    assert seen(_settings(tmp_path, trusted_proxies=["127.0.0.1"])) == b"6.6.6.6"
