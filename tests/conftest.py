"""Shared fixtures. Every test runs with the network cut off: a connection to
anything but a local socket fails loudly instead of reaching out."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from qa.settings import IndexSettings
from qa.store import Store

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


class NetworkBlocked(RuntimeError):
    pass


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> None:
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        raise NetworkBlocked(f"test tried to open a network connection to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture()
def corpus() -> Path:
    if not (CORPUS / "gold-dev.jsonl").exists():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "index.db")
    yield s
    s.close()


@pytest.fixture()
def index_settings() -> IndexSettings:
    return IndexSettings()


def write_release(folder: Path, name: str, title: str, date: str, source: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"Title: {title}\nDate: {date}\nSource: {source}\n\n{body}\n", encoding="utf-8")
    return path
