"""A process pool whose workers end with the process that started them.

Killed, `qa ingest` must not leave its workers running. Each worker asks Linux to kill it when its
parent dies (PR_SET_PDEATHSIG, which even SIGKILL of the parent sets off), and watches its parent's
pid as well, for systems without prctl. SIGTERM and SIGINT reach the parent as exceptions, upon
which it kills its workers and drops the work not started; what was committed before stays.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# How often a worker without prctl looks for its parent.
WATCH_SECONDS = 1.0


def _die_with(parent: int) -> None:
    if sys.platform.startswith("linux"):
        # Without prctl (another libc) the watchdog below still ends the worker.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _start_worker(parent: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
    # Ctrl-C signals the whole process group: the parent decides for its workers, which must not
    # each print a KeyboardInterrupt. A forked worker also inherits the parent's SIGTERM handler.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with(parent)
    initializer(*initargs)


class Terminated(SystemExit):
    """SIGTERM, raised in the parent so that it stops its workers on the way out (exit status 128 + 15)."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated(128 + signum)


@contextmanager
def _terminate_raises() -> Iterator[None]:
    """SIGTERM raises Terminated while inside (signal handlers can only be set in the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def pool(workers: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> Iterator[ProcessPoolExecutor]:
    """A ProcessPoolExecutor whose workers end with this process, and are killed when leaving on an exception."""
    # fork: workers start at once and share the read-only state; spawn would re-import everything.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    with _terminate_raises():
        executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                                       initializer=_start_worker, initargs=(os.getpid(), initializer, initargs))
        try:
            yield executor
        except BaseException:
            # Workers may be deep in a file: kill them rather than wait, and start nothing more.
            for process in list((executor._processes or {}).values()):  # no public handle on them
                process.kill()
            executor.shutdown(wait=False, cancel_futures=True)
            raise
        executor.shutdown()
