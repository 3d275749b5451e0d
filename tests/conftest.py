"""Shared fixtures. Every test runs with the network cut off: a connection to
anything but a local socket fails loudly instead of reaching out, and so does a
name lookup that would ask a DNS server."""

from __future__ import annotations

import itertools
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import vcr

from qa.answer import Answerer
from qa.cli.common import sample_path
from qa.evals.evaluation import make_recorder
from qa.index.store import Store
from qa.ingest.pipeline import ingest_drafts, ingest_paths
from qa.llm.client import no_model_client
from qa.models import ReleaseDraft
from qa.settings import IndexSettings, ModelSettings, Settings

_REAL_CONNECT = socket.socket.connect
_REAL_GETADDRINFO = socket.getaddrinfo
# Names resolved without asking a DNS server (the hosts file): anything else would be a query that leaves.
_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


class NetworkBlocked(RuntimeError):
    pass


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def guarded(self: socket.socket, address: object) -> None:
        if self.family == socket.AF_UNIX:
            return _REAL_CONNECT(self, address)
        raise NetworkBlocked(f"test tried to open a network connection to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)

    def resolve(host: object, *args: object, **kwargs: object) -> list:
        name = host.decode() if isinstance(host, bytes) else str(host or "")
        if name.lower() not in _LOCAL_NAMES and not _numeric(name):
            raise socket.gaierror(socket.EAI_NONAME, f"test tried to resolve {name!r}: DNS is cut off in tests")
        return _REAL_GETADDRINFO(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


@pytest.fixture()
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connections to loopback only: the tests' own servers. Anything else still fails loudly."""

    def guarded(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else None
        if self.family == socket.AF_UNIX or host in ("127.0.0.1", "::1", "localhost"):
            return _REAL_CONNECT(self, address)
        raise NetworkBlocked(f"test tried to open a network connection to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)


def _numeric(name: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(name.strip("[]"))
        return True
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def test_client_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """Starlette's TestClient sends `Host: testserver`: a name the service answers only when told to."""
    monkeypatch.setenv("QA_SERVICE__HOSTS", '["testserver"]')


@pytest.fixture(autouse=True)
def answer_log(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's answer log and model config in a folder of their own, never the user's (Settings read
    QA_LOG__PATH)."""
    path = tmp_path_factory.mktemp("log") / "logs.db"
    monkeypatch.setenv("QA_LOG__PATH", str(path))
    # And no user's qa.toml picks a model for a test (qa.llm.model_config reads QA_CONFIG).
    monkeypatch.setenv("QA_CONFIG", str(path.with_name("qa.toml")))
    return path


@pytest.fixture()
def corpus() -> Path:
    return shared_corpus()


def shared_corpus() -> Path:
    """The shared corpus; a test (or fixture of any scope) that needs it skips, naming where it looked, in a
    checkout that does not sit beside ../shared."""
    if not (CORPUS / "gold-dev.jsonl").exists():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return CORPUS


# In CI (.ci/run sets QA_REQUIRE_POSTGRES=1) a machine without PostgreSQL fails the tests that need it;
# elsewhere they skip, saying why.
REQUIRE_POSTGRES = os.environ.get("QA_REQUIRE_POSTGRES") == "1"
STORES = ["sqlite", "postgresql"]
_databases = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """One throwaway PostgreSQL server for the session (Debian's initdb and pg_ctl, a free loopback port)."""
    from qa.testing.pg_server import NoServer, running

    try:
        with running() as server:
            yield server
            return
    except NoServer as err:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required (QA_REQUIRE_POSTGRES=1) but: {err}")
        pytest.skip(f"no PostgreSQL on this machine: {err}")


@pytest.fixture()
def pg_dsn(pg_server: object) -> Iterator[str]:
    """A new, empty database on the session's server; the process's pools to it closed afterwards."""
    from qa.index.pg_conn import close_pools

    dsn = pg_server.create(f"qa_test_{os.getpid()}_{next(_databases)}")  # type: ignore[attr-defined]
    yield dsn
    close_pools()


@pytest.fixture(params=STORES)
def db_target(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where an index goes, once for each kind of store: an SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "index.db"
    return request.getfixturevalue("pg_dsn")


@pytest.fixture()
def store(db_target: Path | str) -> Iterator[Store]:
    s = Store(db_target)
    yield s
    s.close()


@pytest.fixture()
def index_settings() -> IndexSettings:
    return IndexSettings()


def write_release(folder: Path, name: str, title: str, date: str, source: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"Title: {title}\nDate: {date}\nSource: {source}\n\n{body}\n", encoding="utf-8")
    return path


def extractive_answerer(folder: Path, releases: list[Path], **search: int) -> Answerer:
    """An extractive answerer over these release files, its index in `folder`; `search`: search settings
    ("k=1": one chunk retrieved)."""
    settings = Settings(db=folder / "index.db", search=search).with_mode("extractive")
    store = Store(settings.db)
    ingest_paths(store, releases, settings.index)
    return Answerer(store, settings, lambda: no_model_client(settings.model))


# Model traffic: replayed from cassettes recorded from a real model server. QA_RECORD=1 records them
# again (docs/evals.md, "Cassettes"); without it a request that is not on a cassette fails at once.
RECORDING = os.environ.get("QA_RECORD") == "1"
CASSETTES = Path(__file__).resolve().parent.parent / "cassettes"


@pytest.fixture()
def recorder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> vcr.VCR:
    """A VCR for one test's model traffic, one cassette per test, grouped by test file and model."""
    if RECORDING:
        monkeypatch.setattr(socket.socket, "connect", _REAL_CONNECT)  # the local model server, on loopback
    model = ModelSettings().model
    return make_recorder("all" if RECORDING else "none", CASSETTES / model / Path(request.node.fspath).stem)


def ingest_sample_and(store: Store, releases: list[tuple[str, str, str, str]]) -> None:
    """The shipped sample, then releases given as (source, title, date, text)."""
    ingest_paths(store, [sample_path()], IndexSettings())
    ingest_drafts(store, [ReleaseDraft(title=t, date=d, source=s, text=x, origin=s, key=s) for s, t, d, x in releases],
                  IndexSettings())


def model_url(settings: ModelSettings) -> str:
    """The local server when recording; when replaying, an address that is never reached."""
    if RECORDING:
        from qa.llm.endpoint import state_dir
        from qa.llm.local_model import ensure_server

        return ensure_server(settings, state_dir())
    return f"http://127.0.0.1:{settings.local_port}/v1"


def planted_settings(store: Store, reports: Path, mode: str = "extractive") -> Settings:
    """Settings for asking over a store with planted text: `reports` is an empty folder, so no recorded eval
    decides whether the model is asked."""
    settings = Settings(db=store.path)
    settings.answer.mode = mode  # type: ignore[assignment]
    settings.answer.reports = reports
    return settings


def no_model() -> None:
    """A model client factory for answers that must never reach a model."""
    raise AssertionError("the model must not be asked")
