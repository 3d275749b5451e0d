"""The local server stops by itself once unused for idle_stop seconds: a watchdog started with it, tested with
the fake server of test_local_model and an idle time of a second, polled with a bound."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qa.llm import local_idle, local_model
from qa.llm.local_model import ensure_server, started_here, status, stop
from qa.settings import ModelSettings
from tests.test_local_model import FAKE_SERVER, free_port, script_command

BOUND_S = 30.0  # far past any idle time used here: only a watchdog that never acts runs into it


def eventually(check: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + BOUND_S
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.fixture()
def settings(tmp_path: Path) -> ModelSettings:
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF fake")
    return ModelSettings(gguf=gguf, local_port=free_port(), idle_stop=1)


@pytest.fixture()
def state_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "state"
    yield folder
    for path in folder.glob("local-model-*.json"):  # whatever a test left, servers and watchdogs alike
        state = local_model._read_state(path)
        if state is not None:
            local_model._terminate(state)
            if isinstance(state.get("watchdog"), dict):
                local_model._terminate(state["watchdog"])


def _state(settings: ModelSettings, state_dir: Path, command: local_model.ServerCommand) -> dict | None:
    return local_model._read_state(local_model._files(settings, state_dir, command)[0].state)


def test_an_unused_server_stops_by_itself_and_so_does_its_watchdog(
    loopback: None, tmp_path: Path, settings: ModelSettings, state_dir: Path
) -> None:
    command = script_command(tmp_path, FAKE_SERVER)
    ensure_server(settings, state_dir, wait_s=20, command=command)
    state = _state(settings, state_dir, command)
    assert state is not None and state["idle_stop"] == 1 and local_model._alive(state["watchdog"])
    assert eventually(lambda: not status(settings, state_dir, command=command).running)
    assert eventually(lambda: not local_model._alive(state["watchdog"]))
    assert _state(settings, state_dir, command) is None
    log = local_model._files(settings, state_dir, command)[0].log.read_text()
    assert f"stopped the server (pid {state['pid']}) after 1 s unused" in log


def test_each_use_notes_its_time_and_a_stopped_server_starts_again(
    loopback: None, tmp_path: Path, settings: ModelSettings, state_dir: Path
) -> None:
    command = script_command(tmp_path, FAKE_SERVER)
    kept = settings.model_copy(update={"idle_stop": 600})
    before = time.time()
    url = ensure_server(kept, state_dir, wait_s=20, command=command)
    first = _state(kept, state_dir, command)
    assert first is not None and first["last_used"] >= before
    again = time.time()
    assert ensure_server(kept, state_dir, wait_s=20, command=command) == url
    second = _state(kept, state_dir, command)
    assert second is not None and second["last_used"] >= again and second["pid"] == first["pid"]
    assert second["watchdog"] == first["watchdog"]  # one watchdog per server, however many uses
    assert stop(kept, state_dir, command=command) is True
    assert not local_model._alive(first["watchdog"])  # stopping the server stops its watchdog too


def test_idle_stop_zero_keeps_the_server_and_a_later_setting_starts_a_watchdog(
    loopback: None, tmp_path: Path, settings: ModelSettings, state_dir: Path
) -> None:
    command = script_command(tmp_path, FAKE_SERVER)
    forever = settings.model_copy(update={"idle_stop": 0})
    ensure_server(forever, state_dir, wait_s=20, command=command)
    state = _state(forever, state_dir, command)
    assert state is not None and "watchdog" not in state
    ensure_server(settings, state_dir, wait_s=20, command=command)  # idle_stop 1 from now on
    assert eventually(lambda: not status(settings, state_dir, command=command).running)


def test_started_here_names_the_servers_this_process_started(
    loopback: None, tmp_path: Path, settings: ModelSettings, state_dir: Path
) -> None:
    command = script_command(tmp_path, FAKE_SERVER)
    kept = settings.model_copy(update={"idle_stop": 600})
    before = started_here()
    ensure_server(kept, state_dir, wait_s=20, command=command)
    pid = status(kept, state_dir, command=command).pid
    assert started_here() == [*before, pid]
    ensure_server(kept, state_dir, wait_s=20, command=command)  # reused: nothing new started
    assert started_here() == [*before, pid]


def test_the_watchdog_never_stops_a_server_it_was_not_started_for(tmp_path: Path) -> None:
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        state_path, lock = tmp_path / "s.json", tmp_path / "s.lock"
        state = {"pid": other.pid, "proc_start": local_model._proc_start(other.pid), "idle_stop": 1, "last_used": 0}
        state_path.write_text(json.dumps(state))
        # Its own server was replaced by another (this one), long unused: not its to stop.
        assert local_idle.watch(state_path, lock, other.pid + 100_000) == "the server is gone"
        assert other.poll() is None and state_path.exists()
    finally:
        other.kill()
        other.wait()


def test_seconds_left_counts_from_the_last_use_or_the_last_busy_moment() -> None:
    state = {"idle_stop": 10, "last_used": 100.0}
    assert local_idle.seconds_left(state, now=105.0, busy_at=0.0) == 5.0
    assert local_idle.seconds_left(state, now=105.0, busy_at=104.0) == 9.0  # answering a long-held client
    assert local_idle.seconds_left(state, now=120.0, busy_at=0.0) == -10.0
    assert local_idle.seconds_left({**state, "idle_stop": 0}, now=105.0, busy_at=0.0) is None
    assert local_idle.cpu_ticks(os.getpid()) is not None
