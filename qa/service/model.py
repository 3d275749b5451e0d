"""Model work in the service: its own few threads, a bounded queue, one deadline per request, and the
clients a request made, so that a slow or hung model holds neither the event loop nor the threads every
other endpoint runs on.

API clients see a model failure as a stable code only; the model server's own text (paths, stack lines)
goes to the log.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Any, TypeVar, cast

from qa.llm.client import ModelClient, ModelError
from qa.llm.local_model import LocalModelError

log = logging.getLogger(__name__)

T = TypeVar("T")

FAILED = "the model failed; the answer is the extractive one"
# How often a request waiting on the model checks that its client is still connected.
POLL = 0.1
# Past the model deadline: the time a cancelled call gets to come back with the pipeline's own extractive
# answer before the service builds one itself (a thread stuck in a socket may never come back).
GRACE = 1.0
# Seconds a client told "busy" is asked to wait: a place frees as soon as any one model call ends.
RETRY_AFTER = 5


def failed(code: str) -> str:
    """What an answer says of a model that failed: the stable code, never the server's words."""
    return f"the model failed: {code}"


class ModelFailure(ModelError):
    """A model error as API clients see it: `code` and nothing of the server's text."""

    def __init__(self, code: str) -> None:
        super().__init__(code, attempts=0)
        self.code = code


def error_code(err: Exception) -> str:
    return getattr(err, "code", None) or "model_unavailable"


class Busy(Exception):
    """Every model slot and waiting place is taken."""


class Stopped(Exception):
    """A request stopped waiting for the model: `reason` is "deadline" or "disconnected"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Guarded:
    """A ModelClient whose errors reach the pipeline as a code only, and that a request can cancel."""

    def __init__(self, inner: ModelClient) -> None:
        self._inner = inner
        self._cancelled = threading.Event()

    def structured(self, *args: Any, **kwargs: Any) -> Any:
        if self._cancelled.is_set():
            raise ModelFailure("model_cancelled")
        try:
            return self._inner.structured(*args, **kwargs)
        except (ModelError, LocalModelError) as err:
            code = "model_cancelled" if self._cancelled.is_set() else error_code(err)
            log.warning("model call failed (%s): %s", code, err)
            raise ModelFailure(code) from None

    def cancel(self) -> None:
        self._cancelled.set()
        # ModelClient.cancel aborts the request in flight; a client without it still makes no further call.
        stop = getattr(self._inner, "cancel", None)
        if stop is not None:
            stop()


class RequestModel:
    """The model clients of one request. Its `client` is the factory handed to the pipeline, so every
    client the pipeline makes is recorded, and `cancel` reaches them all."""

    def __init__(self, factory: Callable[[], ModelClient]) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._clients: list[_Guarded] = []
        self._cancelled = False

    def client(self) -> ModelClient:
        try:
            made = _Guarded(self._factory())
        except (ModelError, LocalModelError) as err:  # e.g. the local server failed to start
            log.warning("model unavailable (%s): %s", error_code(err), err)
            raise ModelFailure(error_code(err)) from None
        with self._lock:
            self._clients.append(made)
            if self._cancelled:
                made.cancel()
        # It has the one method the pipeline calls on a client, `structured`.
        return cast(ModelClient, made)

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            clients = list(self._clients)
        for c in clients:
            c.cancel()


class Workers:
    """A fixed number of daemon threads: a call stuck on a hung model must not keep the process from exiting,
    as a ThreadPoolExecutor's threads would."""

    def __init__(self, n: int) -> None:
        self._n = n
        self._jobs: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None] = queue.SimpleQueue()
        self._started = False
        self._lock = threading.Lock()

    def submit(self, work: Callable[[], T]) -> Future[T]:
        with self._lock:
            if not self._started:  # on first use: an app that never asks a model starts no thread
                for i in range(self._n):
                    threading.Thread(target=self._run, name=f"qa-model-{i}", daemon=True).start()
                self._started = True
        future: Future[T] = Future()
        self._jobs.put((future, work))
        return future

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, work = job
            if not future.set_running_or_notify_cancel():
                continue  # its request stopped waiting before its turn came
            try:
                future.set_result(work())
            except BaseException as err:  # handed to the waiting request, which answers or raises it
                future.set_exception(err)

    def close(self) -> None:
        with self._lock:
            if self._started:
                for _ in range(self._n):
                    self._jobs.put(None)


class ModelGate:
    """`calls` model calls at once on their own threads, `queue` more waiting; past that, Busy."""

    def __init__(self, calls: int, queue: int) -> None:
        self._workers = Workers(calls)
        self._places = calls + queue
        self._taken = 0
        self._lock = threading.Lock()

    def full(self) -> bool:
        with self._lock:
            return self._taken >= self._places

    def submit(self, work: Callable[[], T]) -> Future[T]:
        with self._lock:
            if self._taken >= self._places:
                raise Busy
            self._taken += 1
        future = self._workers.submit(work)
        future.add_done_callback(self._free)  # on its end, or when cancelled before it started
        return future

    def _free(self, _: Future[Any]) -> None:
        with self._lock:
            self._taken -= 1

    def close(self) -> None:
        self._workers.close()


async def wait(future: Future[T], deadline: float, disconnected: Callable[[], Awaitable[bool]],
               cancel: Callable[[], None]) -> T:
    """The work's result, awaited without holding the event loop; Stopped when the client disconnects or the
    loop's clock passes `deadline`. Either way the request's model calls are cancelled, and work still queued
    never starts."""
    loop = asyncio.get_running_loop()
    waiting = asyncio.wrap_future(future)
    try:
        while not waiting.done():
            left = deadline - loop.time()
            if left <= 0:
                cancel()
                future.cancel()
                # A call under way comes back from the cancel with the pipeline's own extractive answer.
                await asyncio.wait({waiting}, timeout=GRACE)
                if waiting.done() and not waiting.cancelled():
                    break
                raise Stopped("deadline")
            await asyncio.wait({waiting}, timeout=min(POLL, left))
            if not waiting.done() and await disconnected():
                raise Stopped("disconnected")
        return waiting.result()
    finally:
        if not waiting.done():
            cancel()
            waiting.cancel()  # cancels the work if it has not started, and detaches it from this loop
