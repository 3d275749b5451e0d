"""Cassettes keep no secret, and a replay needs no server: recorded here from a stand-in server on loopback."""

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from pydantic import BaseModel, SecretStr

from qa.evals.evaluation import make_recorder
from qa.llm.client import ModelClient
from qa.settings import ModelSettings

SECRET = "sk-test-SECRET-4242"


class City(BaseModel):
    name: str


class _Server(BaseHTTPRequestHandler):
    seen_auth: list[str] = []

    def do_POST(self) -> None:  # noqa: N802 - the http.server name
        self.rfile.read(int(self.headers["Content-Length"]))
        self.seen_auth.append(self.headers.get("Authorization", ""))
        body = json.dumps({"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                           "choices": [{"index": 0, "finish_reason": "stop",
                                        "message": {"role": "assistant", "content": '{"name": "Kyiv"}'}}],
                           "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server(loopback: None) -> Iterator[str]:
    httpd = HTTPServer(("127.0.0.1", 0), _Server)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def test_a_recorded_cassette_keeps_no_key_and_replays_offline(server: str, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    settings = ModelSettings(base_url=server, api_key=SecretStr(SECRET), structured="json_object")
    with make_recorder("all", tmp_path).use_cassette("secret.yaml"):
        recorded, _ = ModelClient(settings, server).structured([{"role": "user", "content": "capital?"}], City,
                                                               name="city")
    assert _Server.seen_auth[-1] == f"Bearer {SECRET}"  # the key was sent to the server...
    cassette = (tmp_path / "secret.yaml").read_text()
    assert SECRET not in cassette and "authorization" not in cassette.lower()  # ...and never written
    # Replay with every connection refused: the answer comes from the cassette alone.
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: pytest.fail(f"connected to {address}"))
    with make_recorder("none", tmp_path).use_cassette("secret.yaml"):
        replayed, _ = ModelClient(settings, server).structured([{"role": "user", "content": "capital?"}], City,
                                                               name="city")
    assert replayed == recorded == City(name="Kyiv")
