"""qa.ingest.fetch against qa.testing.fake_web: every rule of the fetcher, on loopback only.

The site is on 127.0.0.1, so most tests allow private addresses; the address checks are tested with
allow_private off, with a fake resolver (socket.getaddrinfo patched) standing in for DNS, and where a hop must
get through to the site first, with 127.0.0.1 counted as public for that test alone. Nothing here reaches
past the machine: the loopback fixture fails any connection to another address.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx2
import pytest

import qa.ingest.fetch
from qa.ingest.fetch import Fetched, Fetcher, FetchError
from qa.settings import FetchSettings
from qa.testing.fake_web import FakeWeb

# The tests' own servers on loopback, and nothing else.
pytestmark = pytest.mark.usefixtures("loopback")

_REAL_GETADDRINFO = socket.getaddrinfo
_REAL_IS_PUBLIC = qa.ingest.fetch.is_public


class Clock:
    """A clock that only sleeping moves: waits measured exactly, and no test waits for real."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def fetch_settings(**changes: object) -> FetchSettings:
    base = {"allow_private": True, "host_delay": 0.0, "private_host_delay": 0.0, "timeout": 5.0, "retries": 2}
    return FetchSettings(**{**base, **changes})


@pytest.fixture()
def web() -> Iterator[FakeWeb]:
    with FakeWeb() as site:
        yield site


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def names(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """A fake DNS: name -> addresses (a list, answered in turn when it has several, the last one repeated);
    IP literals resolve to themselves; anything else, .invalid names included, does not resolve."""
    table: dict[str, list[str]] = {}
    asked: dict[str, int] = {}

    def getaddrinfo(host: str, port: object, *args: object, **kwargs: object) -> list[tuple]:
        try:
            socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
            return _REAL_GETADDRINFO(host, port, *args, **kwargs)
        except OSError:
            pass
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        n = asked[host] = asked.get(host, 0) + 1
        answers = table[host]
        address = answers[min(n, len(answers)) - 1]
        return _REAL_GETADDRINFO(address, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    table["__asked__"] = asked  # type: ignore[assignment] - the lookups counted, for the pinning test
    return table


@pytest.fixture()
def loopback_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """127.0.0.1 counted as public: the test site stands in for a public one, so a hop after it can be tested."""
    monkeypatch.setattr(qa.ingest.fetch, "is_public",
                        lambda address: address == "127.0.0.1" or _REAL_IS_PUBLIC(address))


def fail(fetcher: Fetcher, url: str, **kwargs: object) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetcher.get(url, **kwargs)
    err = caught.value
    assert str(err).startswith(f"{err.url}: ") and err.reason in str(err)
    return err


# --- Pages, validators, the User-Agent ----------------------------------------------------------------------------

def test_page_body_and_type(web: FakeWeb) -> None:
    web.page("/news/1?page=2", "<p>Hello</p>", etag='"v1"', last_modified="Wed, 01 Jan 2025 00:00:00 GMT")
    with Fetcher(fetch_settings()) as fetcher:
        got = fetcher.get(f"{web.base}/news/1?page=2")
    assert got == Fetched(url=f"{web.base}/news/1?page=2", final_url=f"{web.base}/news/1?page=2", status=200,
                          content_type="text/html", charset="utf-8", body=b"<p>Hello</p>", etag='"v1"',
                          last_modified="Wed, 01 Jan 2025 00:00:00 GMT")


def test_304_with_etag(web: FakeWeb) -> None:
    web.page("/r", "body", etag='"v1"')
    with Fetcher(fetch_settings()) as fetcher:
        got = fetcher.get(f"{web.base}/r", etag='"v1"')
        assert (got.status, got.body, got.etag) == (304, b"", '"v1"')
        assert fetcher.get(f"{web.base}/r", etag='"v0"').body == b"body"
    assert [r.headers.get("if-none-match") for r in web.requests] == ['"v1"', '"v0"']


def test_304_with_if_modified_since(web: FakeWeb) -> None:
    web.page("/r", "body", last_modified="Wed, 01 Jan 2025 00:00:00 GMT")
    with Fetcher(fetch_settings()) as fetcher:
        got = fetcher.get(f"{web.base}/r", last_modified="Wed, 01 Jan 2025 00:00:00 GMT")
        assert (got.status, got.body) == (304, b"")
        assert fetcher.get(f"{web.base}/r", last_modified="Tue, 31 Dec 2024 00:00:00 GMT").status == 200
    assert web.requests[0].headers["if-modified-since"] == "Wed, 01 Jan 2025 00:00:00 GMT"


def test_user_agent_names_qa(web: FakeWeb) -> None:
    web.page("/", "x")
    with Fetcher(fetch_settings()) as fetcher:
        fetcher.get(f"{web.base}/")
    with Fetcher(fetch_settings(user_agent="qa-test/1 (ops@example.org)")) as fetcher:
        fetcher.get(f"{web.base}/")
    agents = [r.headers["user-agent"] for r in web.requests]
    assert agents[0].startswith("qa/") and agents[1] == "qa-test/1 (ops@example.org)"


def test_content_type_rejected_naming_it(web: FakeWeb) -> None:
    web.page("/doc", b"%PDF-1.7", content_type="application/pdf")
    with Fetcher(fetch_settings()) as fetcher:
        err = fail(fetcher, f"{web.base}/doc", accept={"text/html", "application/xhtml+xml"})
        assert err.code == "content_type" and "application/pdf" in err.reason
        assert fetcher.get(f"{web.base}/doc", accept=["application/pdf"]).body == b"%PDF-1.7"


# --- Redirects ----------------------------------------------------------------------------------------------------

def test_redirect_followed_relative_location(web: FakeWeb) -> None:
    web.redirect("/old", "/new/page", status=301)
    web.redirect("/new/page", "final?x=1")
    web.page("/new/final?x=1", "here")
    with Fetcher(fetch_settings()) as fetcher:
        got = fetcher.get(f"{web.base}/old")
    assert (got.url, got.final_url, got.body) == (f"{web.base}/old", f"{web.base}/new/final?x=1", b"here")


def test_too_many_redirects(web: FakeWeb) -> None:
    web.redirect("/a", "/b")
    web.redirect("/b", "/a")
    with Fetcher(fetch_settings(max_redirects=3)) as fetcher:
        err = fail(fetcher, f"{web.base}/a")
    assert err.code == "too_many_redirects" and "3 redirects" in err.reason
    assert len(web.requests) == 4  # the URL and three redirects, then no more


# --- Addresses out of bounds --------------------------------------------------------------------------------------

def test_loopback_literal_refused_before_any_request(web: FakeWeb) -> None:
    web.page("/", "x")
    with Fetcher(fetch_settings(allow_private=False)) as fetcher:
        for url in (f"{web.base}/", f"http://[::ffff:127.0.0.1]:{web.base.rsplit(':', 1)[1]}/",
                    "http://[::1]/", "http://0.0.0.0/", "http://100.64.0.1/", "http://224.0.0.1/"):
            assert fail(fetcher, url).code == "refused_address", url
    assert web.requests == []


@pytest.mark.parametrize("target", ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data",
                                    "http://[::ffff:10.0.0.1]/", "http://[fe80::1]/", "http://internal.example/"])
def test_redirect_to_private_refused(web: FakeWeb, names: dict, loopback_public: None, target: str) -> None:
    # The site passes as public; where it redirects to does not, and is refused before any connection
    # (a connection attempt would fail with NetworkBlocked, not FetchError).
    names["news.example.com"] = ["127.0.0.1"]
    names["internal.example"] = ["10.1.2.3"]
    port = web.base.rsplit(":", 1)[1]
    web.redirect("/go", target)
    with Fetcher(fetch_settings(allow_private=False)) as fetcher:
        err = fail(fetcher, f"http://news.example.com:{port}/go")
    assert err.code == "refused_address" and "(redirected to http://" in err.reason
    assert err.url == f"http://news.example.com:{port}/go"
    assert [r.path for r in web.requests] == ["/go"]


def test_name_on_loopback_refused(names: dict, web: FakeWeb) -> None:
    names["intranet.example"] = ["127.0.0.1"]
    port = web.base.rsplit(":", 1)[1]
    web.page("/", "x")
    with Fetcher(fetch_settings(allow_private=False)) as fetcher:
        err = fail(fetcher, f"http://intranet.example:{port}/")
        assert err.code == "refused_address" and "127.0.0.1" in err.reason
    assert web.requests == []


def test_localhost_refused_with_the_real_resolver(web: FakeWeb) -> None:
    port = web.base.rsplit(":", 1)[1]
    with Fetcher(fetch_settings(allow_private=False)) as fetcher:
        assert fail(fetcher, f"http://localhost:{port}/").code == "refused_address"
    assert web.requests == []


def test_connection_goes_to_the_address_checked(web: FakeWeb, names: dict, loopback_public: None) -> None:
    # A rebinding name: public (here, 127.0.0.1 counted as public) when checked, private on any later lookup.
    # One lookup per connection, and the connection to the checked address, leave it no second answer to use.
    names["rebind.example"] = ["127.0.0.1", "10.0.0.1"]
    port = web.base.rsplit(":", 1)[1]
    web.page("/", "pinned")
    with Fetcher(fetch_settings(allow_private=False)) as fetcher:
        assert fetcher.get(f"http://rebind.example:{port}/").body == b"pinned"
    assert names["__asked__"]["rebind.example"] == 1  # type: ignore[index]
    assert web.requests[0].headers["host"] == f"rebind.example:{port}"  # the name kept for Host (and SNI)


def test_a_name_with_any_private_address_refused(names: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    public = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 80)),
              (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", 80))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: public)
    with Fetcher(fetch_settings(allow_private=False)) as fetcher:
        err = fail(fetcher, "http://mixed.example/")
    assert err.code == "refused_address" and "10.0.0.1" in err.reason


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://example.com/",
                                 "javascript:alert(1)", "http://", "example.com/page", "http://exa mple.com/",
                                 "https://exa%2Fmple.com/"])
def test_only_http_and_https(url: str, names: dict) -> None:
    with Fetcher(fetch_settings()) as fetcher:
        assert fail(fetcher, url).code == "bad_url"


def test_dns_failure(names: dict) -> None:
    with Fetcher(fetch_settings()) as fetcher:
        err = fail(fetcher, "http://no-such-host.invalid/")
    assert err.code == "dns" and "no-such-host.invalid" in err.reason


def test_no_secret_in_errors(web: FakeWeb) -> None:
    web.page("/", "x", status=404)
    with Fetcher(fetch_settings()) as fetcher:
        err = fail(fetcher, f"http://alice:s3cret@{web.base.removeprefix('http://')}/")
    assert (err.code, err.status, err.reason) == ("http_status", 404, "404 Not Found")
    assert "s3cret" not in str(err) and "alice" not in str(err)


# --- Retries and backoff ------------------------------------------------------------------------------------------

def test_429_retried_after_retry_after(web: FakeWeb, clock: Clock) -> None:
    web.page("/", "ok")
    web.failing("/", [429], retry_after="1")
    with Fetcher(fetch_settings(), sleep=clock.sleep, clock=clock) as fetcher:
        assert fetcher.get(f"{web.base}/").body == b"ok"
    assert clock.slept == [1.0] and len(web.requests) == 2


def test_retry_after_over_the_cap_fails_at_once(web: FakeWeb, clock: Clock) -> None:
    web.page("/", "ok")
    web.failing("/", [429], retry_after="600")
    web.page("/date", "ok")
    web.failing("/date", [503], retry_after="Fri, 31 Dec 2099 23:59:59 GMT")
    with Fetcher(fetch_settings(max_retry_after=120), sleep=clock.sleep, clock=clock) as fetcher:
        err = fail(fetcher, f"{web.base}/")
        assert (err.code, err.status) == ("http_status", 429)
        assert err.reason.startswith("429 Too Many Requests; Retry-After 600 s is over the 120 s cap")
        assert fail(fetcher, f"{web.base}/date").status == 503
    assert clock.slept == [] and len(web.requests) == 2


def test_503_then_200_with_backoff(web: FakeWeb, clock: Clock) -> None:
    web.page("/", "ok")
    web.failing("/", [503, 502])
    with Fetcher(fetch_settings(), sleep=clock.sleep, clock=clock) as fetcher:
        assert fetcher.get(f"{web.base}/").status == 200
    assert clock.slept == [1.0, 2.0]


def test_retries_exhausted(web: FakeWeb, clock: Clock) -> None:
    web.page("/", "ok")
    web.failing("/", [500, 500, 500, 500])
    with Fetcher(fetch_settings(retries=2), sleep=clock.sleep, clock=clock) as fetcher:
        err = fail(fetcher, f"{web.base}/")
    assert (err.code, err.status) == ("http_status", 500)
    assert err.reason == "500 Internal Server Error after 2 retries"
    assert clock.slept == [1.0, 2.0] and len(web.requests) == 3


def test_dropped_connection_retried(web: FakeWeb, clock: Clock) -> None:
    web.page("/", "ok")
    web.failing("/", [0])
    with Fetcher(fetch_settings(), sleep=clock.sleep, clock=clock) as fetcher:
        assert fetcher.get(f"{web.base}/").body == b"ok"
    assert clock.slept == [1.0] and len(web.requests) == 2


def test_refused_connection_retried_then_named(clock: Clock) -> None:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        port = sock.getsockname()[1]  # closed at once: nothing listens there
    with Fetcher(fetch_settings(retries=1), sleep=clock.sleep, clock=clock) as fetcher:
        err = fail(fetcher, f"http://127.0.0.1:{port}/")
    assert err.code == "connection" and clock.slept == [1.0]


# --- Size, time, politeness ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("declare_length", [True, False])
def test_huge_page_cut_off_at_the_cap(web: FakeWeb, declare_length: bool) -> None:
    size = 1_000_000_000
    web.huge("/big", size, declare_length=declare_length)
    started = time.monotonic()
    with Fetcher(fetch_settings(max_bytes=200_000)) as fetcher:
        err = fail(fetcher, f"{web.base}/big")
    assert err.code == "too_large"
    assert err.reason == ("larger than 200,000 bytes; cut off at the cap (setting fetch.max_bytes, "
                          "QA_FETCH__MAX_BYTES)")
    time.sleep(0.2)  # the server notices the hang-up
    assert web.sent.get("/big", 0) < 50_000_000  # the cap and what socket buffers hold, not the gigabyte
    assert time.monotonic() - started < 5


def test_timeout_on_a_slow_page(web: FakeWeb) -> None:
    web.page("/slow", "late")
    web.slow("/slow", 5.0)
    started = time.monotonic()
    with Fetcher(fetch_settings(timeout=0.3)) as fetcher:
        err = fail(fetcher, f"{web.base}/slow")
    assert err.code == "timeout" and "0.3 s" in err.reason
    assert time.monotonic() - started < 2


def test_private_host_delay_between_request_starts(web: FakeWeb) -> None:
    web.page("/a", "a")
    web.page("/b", "b")
    with Fetcher(fetch_settings(private_host_delay=0.2, host_delay=5.0)) as fetcher:
        fetcher.get(f"{web.base}/a")
        fetcher.get(f"{web.base}/b")
    first, second = web.requests
    assert 0.19 <= second.at - first.at < 2.0  # the private delay, not the public one


def test_public_host_delay_per_host(clock: Clock) -> None:
    # A public host through a MockTransport: the delay is the public one, kept per host, measured on the clock.
    seen: list[tuple[str, float]] = []

    def reply(request: httpx2.Request) -> httpx2.Response:
        seen.append((request.url.host, clock.now))
        return httpx2.Response(200, text="ok", headers={"Content-Type": "text/plain"})

    settings = fetch_settings(host_delay=1.5, allow_private=False)
    with Fetcher(settings, transport=httpx2.MockTransport(reply), sleep=clock.sleep, clock=clock) as fetcher:
        for url in ("https://a.example/1", "https://b.example/1", "https://a.example/2", "https://a.example/3"):
            assert fetcher.get(url).content_type == "text/plain"
    assert seen == [("a.example", 1000.0), ("b.example", 1000.0), ("a.example", 1001.5), ("a.example", 1003.0)]


def test_unknown_path_is_a_404(web: FakeWeb) -> None:
    with Fetcher(fetch_settings()) as fetcher:
        err = fail(fetcher, f"{web.base}/missing")
    assert (err.code, err.status, str(err)) == ("http_status", 404, f"{web.base}/missing: 404 Not Found")


def test_whole_request_deadline(web: FakeWeb) -> None:
    # A body that keeps coming, each piece within the read timeout, still ends at three timeouts in all.
    class Ticking(Clock):
        def __call__(self) -> float:
            self.now += 1.0  # a second passes between any two looks at the clock
            return self.now

    web.huge("/drip", 1_000_000_000, declare_length=False)
    with Fetcher(fetch_settings(timeout=1.0, max_bytes=10**9), clock=Ticking()) as fetcher:
        err = fail(fetcher, f"{web.base}/drip")
    assert err.code == "timeout" and "not read within 3 s" in err.reason
