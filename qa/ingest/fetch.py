"""One safe, polite fetcher for release pages, PDFs and feeds.

Safe: only http and https; no proxies from the environment; every hop of a redirect checked as the first; a
body read in pieces and cut off at `max_bytes`; and no request into the host's own network (loopback, private,
link-local, shared, reserved addresses) unless `allow_private` says so.

That last check lives at the transport seam, not beside it. `_CheckedBackend.connect_tcp` is where httpcore2
opens every TCP connection: it resolves the host once, refuses the whole name if any address it resolves to is
not public, and connects to the very address it checked. The request keeps the host name (Host header, TLS
SNI and certificate check all use the URL's host), so there is no gap between the check and the connection
for a DNS-rebinding name to slip through (a second lookup that answers 127.0.0.1 after the first answered a
public address). Kept-alive connections were checked when they were opened.

Polite: at least `host_delay` seconds between the starts of two requests to one host (`private_host_delay`
for a host on an allowed private address), and tenacity retries 429, 5xx and dropped connections, honouring
Retry-After up to `max_retry_after`.
"""

from __future__ import annotations

import email.utils
import ipaddress
import re
import socket
import threading
import time
from collections.abc import Callable, Collection, Iterable
from types import TracebackType
from typing import Any, Self

import httpcore2
import httpx2
from pydantic import BaseModel
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from qa.settings import FetchSettings

_REDIRECTS = {301, 302, 303, 307, 308}
_BACKOFF = wait_exponential(multiplier=1, min=1, max=30)  # 1, 2, 4 ... s when the server names no wait
_DEADLINE_FACTOR = 3  # a whole request (connect, headers, body) gets this many `timeout`s: no slow drip for ever
_HOSTNAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,251}[A-Za-z0-9_.])?")


class FetchError(Exception):
    """A URL that could not be fetched: `code` for programs, `reason` for people; never a secret in either."""

    def __init__(self, url: str, code: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url, self.code, self.reason, self.status = url, code, reason, status


class Fetched(BaseModel):
    """What a GET brought back: the body (b"" for 304) and what a later conditional request needs."""

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    etag: str | None
    last_modified: str | None


# --- Which addresses are out of bounds -----------------------------------------------------------------------------

class _AddressError(Exception):
    """Raised inside the transport; the fetcher turns it into a FetchError naming the URL."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


def is_public(address: str) -> bool:
    """Whether an IP address is one on the public internet (an IPv4 address inside IPv6, as ::ffff:10.0.0.1,
    6to4 or Teredo, is judged as the IPv4 address it carries)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 scope id says nothing about the address
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None:
            ip = inner
    # is_global alone lets multicast through, and is the narrowest of the flags on older Pythons.
    return ip.is_global and not (ip.is_multicast or ip.is_private or ip.is_loopback or ip.is_link_local
                                 or ip.is_reserved or ip.is_unspecified)


def resolve(host: str, port: int, allow_private: bool) -> list[tuple[Any, ...]]:
    """The socket addresses host resolves to, each checked; raises _AddressError naming what was refused."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as err:
        raise _AddressError("dns", f"the name {host} did not resolve ({err})") from None
    if not found:
        raise _AddressError("dns", f"the name {host} resolved to no address")
    # One bad address refuses the name: a rebinding name answers with a public and a private address at once.
    for *_, sockaddr in found:
        if not allow_private and not is_public(sockaddr[0]):
            shown = host if host == sockaddr[0] else f"{host} ({sockaddr[0]})"
            raise _AddressError("refused_address", f"{shown} is not a public address; refused (setting "
                                "fetch.allow_private, QA_FETCH__ALLOW_PRIVATE)")
    return found


class _CheckedBackend(httpcore2.SyncBackend):
    """httpcore2's own socket backend, connecting only to addresses it has checked."""

    def __init__(self, allow_private: bool, on_resolved: Callable[[str, bool], None]) -> None:
        self.allow_private = allow_private
        self.on_resolved = on_resolved  # tells the fetcher whether a host is private, for its delay

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore2.NetworkStream:
        found = resolve(host, port, self.allow_private)
        self.on_resolved(host, not all(is_public(sockaddr[0]) for *_, sockaddr in found))
        last: Exception | None = None
        for *_, sockaddr in found:
            try:  # an IP literal: the lookup inside create_connection is numeric, no second DNS query
                return super().connect_tcp(sockaddr[0], port, timeout, local_address, socket_options)
            except httpcore2.ConnectError as err:
                last = err
        assert last is not None
        raise last


class _CheckedTransport(httpx2.HTTPTransport):
    """httpx2's transport with its connection pool on the checked backend and no environment (proxies, SSL
    variables) read. httpx2 has no argument for a network backend, so the pool it made is replaced; the
    inherited handle_request/close use `_pool`, and test_name_on_loopback_refused in tests/test_fetch.py fails
    if that ever stops holding (the name would be connected to unchecked)."""

    def __init__(self, backend: _CheckedBackend) -> None:
        super().__init__(trust_env=False)
        self._pool.close()
        self._pool = httpcore2.ConnectionPool(ssl_context=httpx2.create_ssl_context(trust_env=False),
                                              max_connections=20, max_keepalive_connections=10,
                                              keepalive_expiry=5.0, network_backend=backend)


# --- The fetcher ---------------------------------------------------------------------------------------------------

class _Retry(Exception):
    """A reply or a failure worth another try; carries what to say if none is left."""

    def __init__(self, code: str, reason: str, status: int | None = None, after: float | None = None) -> None:
        super().__init__(reason)
        self.code, self.reason, self.status, self.after = code, reason, status, after


def default_user_agent() -> str:
    try:
        from qa import __version__ as version  # type: ignore[attr-defined]
    except ImportError:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as package_version

        try:
            version = package_version("qa")
        except PackageNotFoundError:
            version = "0"
    return f"qa/{version} (grounded answers from official press releases; fetches release pages and feeds)"


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks for, in either form (seconds, or an HTTP-date); None if unreadable."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _literal_private(host: str) -> bool:
    """Whether host is an IP literal that is not public (a name is not known until it resolves)."""
    try:
        return not is_public(host)
    except ValueError:
        return False


def _shown(url: httpx2.URL | str) -> str:
    """A URL fit for a message: any user:password taken out."""
    try:
        parsed = httpx2.URL(str(url))
        return str(parsed.copy_with(userinfo=b"")) if parsed.userinfo else str(parsed)
    except (httpx2.InvalidURL, TypeError, ValueError):
        return str(url).split("@")[-1] if "@" in str(url) else str(url)


def _media_type(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    kind, *params = header.split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower() or None
    return kind.strip().lower(), charset


class Fetcher:
    """GETs URLs within the limits of FetchSettings. Thread-safe; one per process is plenty."""

    def __init__(self, settings: FetchSettings, *, transport: httpx2.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.sleep, self.clock = sleep, clock
        self.user_agent = settings.user_agent or default_user_agent()
        self._lock = threading.Lock()
        self._last_start: dict[str, float] = {}  # host -> when its latest request started (or is booked to)
        self._private: dict[str, bool] = {}  # host -> it resolved to a private address (learnt at connect)
        # A transport given (a test's MockTransport) replaces the network seam, and the address check with it;
        # IP literals are still checked before any request.
        self._transport = transport or _CheckedTransport(_CheckedBackend(settings.allow_private, self._learn))
        self._client = httpx2.Client(transport=self._transport, trust_env=False, follow_redirects=False,
                                     timeout=httpx2.Timeout(settings.timeout),
                                     # identity: a compressed body could grow far past max_bytes in
                                     # one decompressed piece before the cap is checked.
                                     headers={"User-Agent": self.user_agent, "Accept-Encoding": "identity"})

    def _learn(self, host: str, private: bool) -> None:
        with self._lock:
            self._private[host] = private

    # --- Public ----------------------------------------------------------------------------------------------------

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            accept: Collection[str] | None = None) -> Fetched:
        """The page at url, following redirects; raises FetchError with a code and a reason."""
        shown = _shown(url)
        here = self._check_url(url, shown, None)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        wanted = {kind.lower() for kind in accept} if accept is not None else None
        for _hop in range(self.settings.max_redirects + 1):
            fetched_or_next = self._hop(shown, here, headers, wanted)
            if isinstance(fetched_or_next, Fetched):
                return fetched_or_next.model_copy(update={"url": url})
            here = self._check_url(str(fetched_or_next), shown, _shown(fetched_or_next))
        raise FetchError(shown, "too_many_redirects", f"more than {self.settings.max_redirects} redirects "
                         "(setting fetch.max_redirects, QA_FETCH__MAX_REDIRECTS)")

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # --- One hop ---------------------------------------------------------------------------------------------------

    def _check_url(self, url: str, shown: str, hop: str | None) -> httpx2.URL:
        """The URL parsed, if it is one we may ask for; an IP literal host is checked here, before anything.
        `hop`: where a redirect led (as shown), None for the URL asked for: compared as text, "file:///x" and
        its parsed form "file:/x" differ, and a URL nobody redirected was said to be "redirected"."""
        where = "" if hop is None else f" (redirected to {hop})"
        try:
            parsed = httpx2.URL(url)
        except (httpx2.InvalidURL, TypeError, ValueError) as err:
            raise FetchError(shown, "bad_url", f"not a URL{where}: {err}") from None
        if parsed.scheme not in ("http", "https"):
            raise FetchError(shown, "bad_url", f"only http and https URLs are fetched, not "
                             f"{parsed.scheme or 'a URL without a scheme'}{where}")
        if not parsed.host:
            raise FetchError(shown, "bad_url", f"no host in the URL{where}")
        try:
            ipaddress.ip_address(parsed.host.split("%", 1)[0])
        except ValueError:
            # A name (IDNA already made ASCII by httpx2): checked when it is resolved, at connect. One that no
            # DNS could hold (a space, a slash) is a malformed URL, not a lookup to send out.
            if not _HOSTNAME.fullmatch(parsed.raw_host.decode("ascii", "replace")):
                raise FetchError(shown, "bad_url", f"not a host name: {parsed.host!r}{where}") from None
            return parsed
        if not self.settings.allow_private and not is_public(parsed.host):
            raise FetchError(shown, "refused_address", f"{parsed.host} is not a public address; refused{where} "
                             "(setting fetch.allow_private, QA_FETCH__ALLOW_PRIVATE)")
        return parsed

    def _hop(self, shown: str, url: httpx2.URL, headers: dict[str, str],
             wanted: set[str] | None) -> Fetched | httpx2.URL:
        """One URL, retried as the settings allow: what it gave, or where it redirects to."""
        where = "" if _shown(url) == shown else f" (redirected to {_shown(url)})"

        def wait(state: RetryCallState) -> float:
            err = state.outcome.exception() if state.outcome else None
            if isinstance(err, _Retry) and err.after is not None:
                return err.after
            return _BACKOFF(state)

        retrying = Retrying(sleep=self.sleep, wait=wait, stop=stop_after_attempt(self.settings.retries + 1),
                            retry=retry_if_exception_type(_Retry), reraise=True)
        try:
            return retrying(self._attempt, shown, url, headers, wanted, where)
        except _Retry as err:
            tries = f" after {self.settings.retries} retries" if self.settings.retries else ""
            raise FetchError(shown, err.code, f"{err.reason}{where}{tries}", err.status) from None

    def _attempt(self, shown: str, url: httpx2.URL, headers: dict[str, str], wanted: set[str] | None,
                 where: str) -> Fetched | httpx2.URL:
        self._wait_turn(url.host)
        deadline = self.clock() + _DEADLINE_FACTOR * self.settings.timeout
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                return self._answer(shown, url, response, wanted, where, deadline)
        except _AddressError as err:
            raise FetchError(shown, err.code, f"{err.reason}{where}") from None
        except httpx2.TimeoutException:
            raise FetchError(shown, "timeout", f"no answer within {self.settings.timeout:g} s{where} (setting "
                             "fetch.timeout, QA_FETCH__TIMEOUT)") from None
        except (httpx2.NetworkError, httpx2.RemoteProtocolError) as err:
            # A refused or dropped connection may be a restart: worth the backoff. Its text names no secret
            # (httpx2 messages carry the socket error, not the request).
            raise _Retry("connection", f"connection failed: {err or type(err).__name__}") from None
        except httpx2.HTTPError as err:
            raise FetchError(shown, "connection", f"{type(err).__name__}: {err}{where}") from None

    def _wait_turn(self, host: str) -> None:
        """Sleeps until host may be asked again, and books the slot before sleeping so threads queue up."""
        with self._lock:
            now = self.clock()
            # The kind of host is known from its first connection, which is before any request that waits.
            private = self._private.get(host, _literal_private(host))
            delay = self.settings.private_host_delay if private else self.settings.host_delay
            last = self._last_start.get(host)
            start = now if last is None else max(now, last + delay)
            self._last_start[host] = start
        if start > now:
            self.sleep(start - now)

    def _answer(self, shown: str, url: httpx2.URL, response: httpx2.Response, wanted: set[str] | None,
                where: str, deadline: float) -> Fetched | httpx2.URL:
        status = response.status_code
        if status in _REDIRECTS and "location" in response.headers:
            return url.join(response.headers["location"])
        if status == 429 or status >= 500:
            answer = f"{status} {response.reason_phrase}".strip()
            after = retry_after(response.headers.get("retry-after"))
            if after is not None and after > self.settings.max_retry_after:
                raise FetchError(shown, "http_status", f"{answer}; Retry-After {after:.0f} s is over the "
                                 f"{self.settings.max_retry_after:g} s cap{where} (setting fetch.max_retry_after, "
                                 "QA_FETCH__MAX_RETRY_AFTER)", status)
            raise _Retry("http_status", answer, status, after)
        if status != 304 and not 200 <= status < 300:
            raise FetchError(shown, "http_status", f"{status} {response.reason_phrase}".strip() + where, status)
        kind, charset = _media_type(response.headers.get("content-type"))
        body = b""
        if status != 304:
            if wanted is not None and kind not in wanted:
                raise FetchError(shown, "content_type", f"the type is {kind or 'not given'}, not one of "
                                 f"{', '.join(sorted(wanted))}{where}")
            body = self._read(shown, response, where, deadline)
        return Fetched(url=shown, final_url=str(url), status=304 if status == 304 else 200, content_type=kind,
                       charset=charset, body=body, etag=response.headers.get("etag"),
                       last_modified=response.headers.get("last-modified"))

    def _read(self, shown: str, response: httpx2.Response, where: str, deadline: float) -> bytes:
        """The body, read in pieces and given up at max_bytes: the rest is never read (closing the response
        drops the connection rather than draining it)."""
        cap = self.settings.max_bytes
        too_large = FetchError(shown, "too_large", f"larger than {cap:,} bytes; cut off at the cap{where} "
                               "(setting fetch.max_bytes, QA_FETCH__MAX_BYTES)")
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > cap:
            raise too_large
        parts: list[bytes] = []
        size = 0
        for part in response.iter_bytes():  # pieces as they come, so a slow drip meets the deadline too
            size += len(part)
            if size > cap:
                raise too_large
            parts.append(part)
            if self.clock() > deadline:
                raise FetchError(shown, "timeout", f"not read within {_DEADLINE_FACTOR * self.settings.timeout:g}"
                                 f" s{where} (setting fetch.timeout, QA_FETCH__TIMEOUT)")
        return b"".join(parts)
