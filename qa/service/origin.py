"""Only the service's own pages may write: the Host checked on every request, the Origin on every write.

A page on any other site can make its reader's browser send requests to a service on 127.0.0.1: a "simple"
cross-origin POST (text/plain, a form) needs no CORS preflight, so without these checks it writes; and a name
the attacker controls, rebound to 127.0.0.1 (DNS rebinding), reaches every route as if it were the page's own.

- Host: only names the service is bound to, loopback names, and the names in settings.service.hosts (a proxy's
  public name); anything else is 421 Misdirected Request.
- A request that changes state (any method but GET, HEAD, OPTIONS) with an Origin, or failing that a Referer,
  that is not the service's own origin (its Host) is 403. Browsers send Origin with every cross-origin write.
- A body a browser could send cross-site without a preflight (text/plain, a form, multipart, or no content
  type) is 415 unless the service's own Origin came with it: writes take JSON, or the raw bytes of a file as
  application/octet-stream (or any type a browser must ask before sending).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from qa.service.guard import ASGIApp, Receive, Scope, Send, header, is_loopback, send_error

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The content types a browser sends cross-origin without asking first (the CORS "safelisted" ones).
SIMPLE_TYPES = frozenset({"text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_WILDCARDS = frozenset({"0.0.0.0", "::", ""})
CLOSE = [(b"connection", b"close")]
OWN_ORIGIN = "qa.own_origin"  # set in the request's state by SameOrigin: the write came with our own Origin


def split_host(value: str) -> tuple[str, int | None] | None:
    """(name, port) of a Host header ("example.org:8000", "[::1]:8000"), lower-cased; None if malformed."""
    try:
        parts = urlsplit(f"//{value}")
        name, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not name or parts.username is not None or parts.path or parts.query:
        return None
    return name.lower(), port


class HostNames:
    """The Host names the service answers: what it is bound to, loopback, and the configured names."""

    def __init__(self, bound: str, extra: list[str]) -> None:
        self.any_address = bound.strip("[]") in _WILDCARDS
        self.names = {bound.strip("[]").lower(), "localhost", *(n.lower().strip() for n in extra)}

    def allows(self, name: str) -> bool:
        if name in self.names or is_loopback(name):
            return True
        if self.any_address:  # bound to every interface: an address is one of ours; a name never rebinds to it
            try:
                ipaddress.ip_address(name)
                return True
            except ValueError:
                return False
        return False


def _own(origin: str, host: tuple[str, int | None]) -> bool:
    """Whether an Origin (or a Referer's origin) is this service's, as the client addressed it (Host)."""
    try:
        parts = urlsplit(origin)
        scheme, name, port = parts.scheme, parts.hostname, parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return False
    if scheme not in _DEFAULT_PORTS or not name:
        return False
    host_name, host_port = host
    return name.lower() == host_name and port == (host_port or _DEFAULT_PORTS[scheme])


class SameOrigin:
    """Pure ASGI, outermost: decided from the headers, before the token or the body."""

    def __init__(self, app: ASGIApp, hosts: HostNames) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        raw_host = (header(scope, b"host") or b"").decode("latin-1")
        host = split_host(raw_host)
        if host is None or not self.hosts.allows(host[0]):
            return await send_error(send, 421, "wrong_host",
                                    "this service does not answer for that Host (setting service.hosts)", CLOSE)
        if scope.get("method", "GET") in SAFE_METHODS:
            return await self.app(scope, receive, send)
        origin = header(scope, b"origin") or header(scope, b"referer")
        if origin is not None and not _own(origin.decode("latin-1"), host):
            return await send_error(send, 403, "cross_origin", "writes from another site's pages are refused", CLOSE)
        scope.setdefault("state", {})[OWN_ORIGIN] = origin is not None
        return await self.app(scope, receive, send)


class PreflightedBodies:
    """A write's body must have a type a browser asks before sending cross-site, unless the service's own
    Origin came with it (SameOrigin, which runs first, noted that): after the token check, so a stranger's
    request is 401 whatever it sends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and scope.get("method", "GET") not in SAFE_METHODS and _has_body(scope)
                and _content_type(scope) in SIMPLE_TYPES and not scope.get("state", {}).get(OWN_ORIGIN)):
            return await send_error(send, 415, "unsupported_media_type",
                                    "content-type: send application/json, or a file as application/octet-stream",
                                    CLOSE)
        return await self.app(scope, receive, send)


def _has_body(scope: Scope) -> bool:
    length = header(scope, b"content-length")
    return header(scope, b"transfer-encoding") is not None or (length is not None and length.strip() not in (b"0", b""))


def _content_type(scope: Scope) -> str:
    value = (header(scope, b"content-type") or b"").decode("latin-1")
    return value.split(";", 1)[0].strip().lower()
