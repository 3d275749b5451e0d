"""How `qa serve` runs uvicorn: a deadline on reading each request, a cap on open connections, and forwarding
headers believed only from the proxies named in settings.service.trusted_proxies.

uvicorn times out idle keep-alive connections, but not a request being read: a client that sends half its
headers, or a Content-Length and then nothing, holds its connection (and a file descriptor) for ever, and
20,000 of them exhaust the process's descriptors. Neither httptools nor h11 has a timeout of its own (they only
parse what they are given), so the protocol here arms one timer per request, from its first byte (or the
connection's opening) until its body is complete, and closes the connection when it fires.
"""

from __future__ import annotations

import asyncio
import functools
import resource
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from qa.settings import Settings

# Descriptors kept for the index, the answer log, the model's sockets and the thread pool's files.
FD_RESERVE = 64


class _ReadDeadline:
    """The timer and the cap, shared by both of uvicorn's HTTP protocols (mixed in before them)."""

    transport: asyncio.Transport
    connections: set[Any]
    loop: asyncio.AbstractEventLoop

    def __init__(self, *args: Any, read_timeout: float, max_connections: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.read_timeout = read_timeout
        self.max_connections = max_connections
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)  # type: ignore[misc]
        if len(self.connections) > self.max_connections:
            transport.close()  # at once, freeing its descriptor: the ones already open keep being served
            return
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)  # type: ignore[misc]

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.read_timeout, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()


try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools is not installed: uvicorn's h11 protocol only
    HttpToolsProtocol = None  # type: ignore[assignment,misc]

if HttpToolsProtocol is not None:

    class GuardedHttpTools(_ReadDeadline, HttpToolsProtocol):  # type: ignore[misc,valid-type]
        """httptools: the deadline runs from a request's first byte to its body's end."""

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm()

        def on_message_complete(self) -> None:
            self._disarm()
            super().on_message_complete()


class GuardedH11(_ReadDeadline, H11Protocol):
    """h11: the deadline runs while the client is sending a request (h11's IDLE with bytes, or SEND_BODY)."""

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        import h11

        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing():
            self._arm()
        else:
            self._disarm()


def max_connections(wanted: int) -> int:
    """The cap: the setting, kept below the process's open-file limit (raised to its hard limit first)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(8, min(wanted, soft - FD_RESERVE))


def protocol(settings: Settings) -> functools.partial[Any]:
    """The HTTP protocol uvicorn runs, with the settings' deadline and cap (a partial, so it pickles into
    uvicorn's worker processes)."""
    kind = GuardedHttpTools if HttpToolsProtocol is not None else GuardedH11
    return functools.partial(kind, read_timeout=settings.service.read_timeout,
                             max_connections=max_connections(settings.service.max_connections))


def options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options (for uvicorn.run or uvicorn.Config) that guard the service: the protocol, and the
    forwarding headers."""
    trusted = settings.service.trusted_proxies
    return {
        "http": protocol(settings),
        # uvicorn believes X-Forwarded-For from 127.0.0.1 unless told otherwise: any local client could then
        # write any address into the log. Only the named proxies are believed, and none by default.
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": ",".join(trusted) if trusted else "",
        "server_header": False,
    }
