"""A small web site on 127.0.0.1 for tests and benchmarks of fetching.

Pages, redirects, failures (429/5xx with Retry-After), huge and slow pages are set per path while it runs, and
every request is recorded, so a test can check both what the fetcher got and what it sent (its headers, how
far apart its requests started, how many bytes of a huge page it made the server write). It is bounded: a huge
page is generated as it is written and never held, a slow page waits on an event that closing sets, and the
whole site stops itself after `lifetime` seconds in case a test forgets to close it.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self

_CHUNK = 64 * 1024


@dataclass
class SeenRequest:
    """One request as the site received it."""

    method: str
    path: str
    headers: dict[str, str]  # names lower case
    at: float  # time.monotonic() when its request line was read


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client hanging up (a capped read, a timeout, a dropped keep-alive) is expected here, not news.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


@dataclass
class _Page:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    redirect: str | None = None
    huge: int | None = None  # bytes generated on the fly
    declare_length: bool = True
    delay: float = 0.0
    failures: list[int] = field(default_factory=list)
    retry_after: str | None = None


class FakeWeb:
    """A loopback HTTP/1.1 site on a free port; use as a context manager (or call close())."""

    def __init__(self, lifetime: float = 120.0) -> None:
        self.requests: list[SeenRequest] = []
        self.sent: dict[str, int] = {}  # body bytes written per path (for huge pages: what the client made us send)
        self._pages: dict[str, _Page] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        # Self-stopping: a forgotten site must not outlive its test run by long.
        self._timer = threading.Timer(lifetime, self.close)
        self._timer.daemon = True
        self._timer.start()

    # --- Setting up paths ------------------------------------------------------------------------------------------

    def _set(self, path: str, **changes: object) -> None:
        with self._lock:
            page = self._pages.setdefault(path, _Page())
            for name, value in changes.items():
                setattr(page, name, value)

    def page(self, path: str, body: bytes | str, *, content_type: str = "text/html; charset=utf-8",
             status: int = 200, etag: str | None = None, last_modified: str | None = None,
             headers: dict[str, str] | None = None) -> None:
        """Serve GET path (query string included); 304 when If-None-Match matches etag or If-Modified-Since is
        not before last_modified."""
        self._set(path, body=body.encode() if isinstance(body, str) else body, content_type=content_type,
                  status=status, etag=etag, last_modified=last_modified, headers=dict(headers or {}),
                  redirect=None, huge=None)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self._set(path, redirect=location, status=status, huge=None)

    def failing(self, path: str, statuses: list[int], retry_after: str | None = None) -> None:
        """The next len(statuses) requests to path get these statuses, then the page as set by page(); a status
        of 0 closes the connection without an answer (a dropped connection)."""
        self._set(path, failures=list(statuses), retry_after=retry_after)

    def huge(self, path: str, size: int, content_type: str = "text/html", *, declare_length: bool = True) -> None:
        """Serve `size` bytes, generated as they are written (never held); with their Content-Length, or
        (declare_length False) without, to the end of the connection, so only reading finds the size out."""
        self._set(path, huge=size, content_type=content_type, status=200, redirect=None,
                  declare_length=declare_length)

    def slow(self, path: str, seconds: float) -> None:
        """Wait this long before answering path (cut short when the site closes)."""
        self._set(path, delay=seconds)

    def seen(self, path: str) -> list[SeenRequest]:
        return [r for r in list(self.requests) if r.path == path]

    # --- Serving ---------------------------------------------------------------------------------------------------

    def _take(self, path: str) -> tuple[_Page | None, int | None]:
        """The page for path and, while failures are queued, the failure status to give instead."""
        with self._lock:
            page = self._pages.get(path)
            if page is None:
                return None, None
            failure = page.failures.pop(0) if page.failures else None
            return page, failure

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        web = self

        class Handler(BaseHTTPRequestHandler):
            # Headers and body go out as separate writes: without TCP_NODELAY each small page waits ~40 ms
            # on the client's delayed ACK, which would be this server's time, not the fetcher's.
            disable_nagle_algorithm = True
            protocol_version = "HTTP/1.1"  # keep-alive, as real sites do
            timeout = 10  # an idle kept-alive connection does not hold a thread for ever

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet tests
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                web.requests.append(SeenRequest(method="GET", path=self.path, at=time.monotonic(),
                                                headers={k.lower(): v for k, v in self.headers.items()}))
                page, failure = web._take(self.path)
                if page is not None and page.delay and web._stop.wait(page.delay):
                    self.close_connection = True
                    return
                if page is None:
                    self._answer(404, b"not found", "text/plain")
                elif failure == 0:
                    self.close_connection = True
                elif failure is not None:
                    extra = {"Retry-After": page.retry_after} if page.retry_after is not None else {}
                    self._answer(failure, f"failure {failure}".encode(), "text/plain", extra)
                elif page.redirect is not None:
                    self._answer(page.status, b"", "text/plain", {"Location": page.redirect})
                elif page.huge is not None:
                    self._stream(page)
                elif self._fresh(page):
                    self._answer(304, b"", None, self._validators(page))
                else:
                    self._answer(page.status, page.body, page.content_type,
                                 {**self._validators(page), **page.headers})

            def _validators(self, page: _Page) -> dict[str, str]:
                found = {"ETag": page.etag, "Last-Modified": page.last_modified}
                return {k: v for k, v in found.items() if v is not None}

            def _fresh(self, page: _Page) -> bool:
                match = self.headers.get("If-None-Match")
                if match is not None and page.etag is not None:
                    return page.etag in [tag.strip() for tag in match.split(",")] or match.strip() == "*"
                since = self.headers.get("If-Modified-Since")
                if since and page.last_modified:
                    try:
                        return parsedate_to_datetime(since) >= parsedate_to_datetime(page.last_modified)
                    except (TypeError, ValueError):
                        return False
                return False

            def _answer(self, status: int, body: bytes, content_type: str | None,
                        headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                if content_type is not None:
                    self.send_header("Content-Type", content_type)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304 and body:
                    self.wfile.write(body)
                    web._count(self.path, len(body))

            def _stream(self, page: _Page) -> None:
                size = page.huge or 0
                self.send_response(200)
                self.send_header("Content-Type", page.content_type)
                if page.declare_length:
                    self.send_header("Content-Length", str(size))
                else:
                    self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"x" * _CHUNK
                left = size
                try:
                    while left > 0 and not web._stop.is_set():
                        part = chunk[:left]
                        self.wfile.write(part)
                        web._count(self.path, len(part))
                        left -= len(part)
                except OSError:  # the client hung up, as a capped reader should
                    pass
                self.close_connection = True

        return Handler

    def _count(self, path: str, n: int) -> None:
        with self._lock:
            self.sent[path] = self.sent.get(path, 0) + n

    # --- Lifetime --------------------------------------------------------------------------------------------------

    def close(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        self._timer.cancel()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
