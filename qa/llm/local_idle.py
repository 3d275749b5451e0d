"""The watchdog of one local model server: stops it once it has gone `idle_stop` seconds unused, then exits.

qa.llm.local_model starts it detached beside the server, as `python -m qa.llm.local_idle STATE LOCK PID`. A use is a
command noting its time in the state (`last_used`, at each ensure_server), or the server spending CPU: an eval
or a benchmark holds one client for many minutes between notes, and is not idle. It stops only the server it
was started for (by pid and start time, as `qa model stop` does), and exits as soon as that server is gone,
replaced, or told to stay (idle_stop 0).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from qa.llm import local_model

MAX_SLEEP_S = 30.0  # how late the watchdog may notice that its server is gone, or busy
# CPU ticks (0.5 s at Linux's 100 per second) spent between two wakes that count as use: a server answering
# spends seconds, an idle one none.
BUSY_TICKS = 50


def cpu_ticks(pid: int) -> int | None:
    fields = local_model._proc_stat(pid)
    return int(fields[11]) + int(fields[12]) if fields else None


def seconds_left(state: dict[str, Any], now: float, busy_at: float) -> float | None:
    """Seconds until the server has gone idle_stop unused (0 or less: it has); None when it is to stay up."""
    idle_stop = float(state.get("idle_stop") or 0)
    if idle_stop <= 0:
        return None
    return max(float(state.get("last_used") or 0), busy_at) + idle_stop - now


def watch(state_path: Path, lock_path: Path, pid: int) -> str:
    """Watches until the server is stopped or gone; returns what happened, for the server's log."""
    busy_at, ticks = time.time(), cpu_ticks(pid)
    while True:
        # Under the server's lock: a command reusing the server either notes its use first or finds it gone.
        with local_model._locked(lock_path):
            state = local_model._read_state(state_path)
            if state is None or state.get("pid") != pid or not local_model._alive(state):
                return "the server is gone"
            now_ticks = cpu_ticks(pid)
            if ticks is not None and now_ticks is not None and now_ticks - ticks >= BUSY_TICKS:
                busy_at = time.time()
            ticks = now_ticks
            left = seconds_left(state, time.time(), busy_at)
            if left is None:
                return "idle_stop is 0: the server stays up"
            if left <= 0:
                local_model._terminate(state)
                local_model._clear_state(state_path)
                return f"stopped the server (pid {pid}) after {state['idle_stop']:g} s unused"
        time.sleep(min(max(left, 0.05), MAX_SLEEP_S))


def main(argv: list[str]) -> int:
    state_path, lock_path, pid = Path(argv[0]), Path(argv[1]), int(argv[2])
    print(f"# qa watchdog: {watch(state_path, lock_path, pid)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
