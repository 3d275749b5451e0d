"""Pure ASGI guards that decide before the body is read: the bearer token, then the body's size.

They are not `@app.middleware("http")` functions: those run under Starlette's BaseHTTPMiddleware, which
hides a client's disconnect from the endpoint and cannot stop a body that is already being read.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def send_error(send: Send, status: int, code: str, message: str,
                     headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """The service's JSON error, sent straight from a guard."""
    body = json.dumps({"code": code, "message": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


def is_loopback(host: str | None) -> bool:
    """Whether an address or host name is this machine's loopback (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return host is not None and ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def header(scope: Scope, name: bytes) -> bytes | None:
    """A request header's value (the first), or None."""
    return next((v for k, v in scope.get("headers", []) if k.lower() == name), None)


class BearerAuth:
    """Every request but the open paths needs `Authorization: Bearer TOKEN`; a stranger's body is never read."""

    def __init__(self, app: ASGIApp, token: str, open_paths: frozenset[str], open_prefixes: tuple[str, ...]) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()
        self.open_paths = open_paths
        self.open_prefixes = open_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path in self.open_paths or path.startswith(self.open_prefixes):
            return await self.app(scope, receive, send)
        if not hmac.compare_digest(header(scope, b"authorization") or b"", self.expected):
            # Connection: close, so the server drops the connection after the 401 rather than reading (and
            # discarding) whatever body a stranger is still sending.
            return await send_error(send, 401, "unauthorized", "missing or wrong bearer token",
                                    [(b"www-authenticate", b"Bearer"), (b"connection", b"close")])
        return await self.app(scope, receive, send)


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Bodies over `limit` bytes get 413: at once when Content-Length says so, else as soon as the bytes read
    pass it, whatever the transfer encoding (a chunked body has no Content-Length to trust)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        too_large = f"request bodies are limited to {self.limit} bytes"
        length = header(scope, b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            return await send_error(send, 413, "body_too_large", too_large, [(b"connection", b"close")])
        read = 0
        over = False
        started = False

        async def counted() -> Message:
            nonlocal read, over
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > self.limit:
                    over = True
                    raise _TooLarge
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            if over:
                return  # whatever the app makes of a body cut off (a 400, most likely) is replaced by the 413
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, sending)
        except Exception:
            if not over:
                raise
        if over and not started:
            await send_error(send, 413, "body_too_large", too_large, [(b"connection", b"close")])
