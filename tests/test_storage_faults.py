"""Issue 10: a damaged, read-only or full index is one clear line (StorageFault and its code), never a
traceback; a read-only index still answers; a full disk keeps what was stored before it."""

import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa.cli.main import app
from qa.index import sqlite_store
from qa.index.search import Searcher
from qa.index.storage_errors import fault
from qa.index.store import StorageFault, Store
from qa.ingest import pipeline as ingest_module
from qa.ingest.pipeline import ingest_paths, release_id
from qa.settings import IndexSettings
from tests.conftest import write_release

runner = CliRunner()
QUESTION = "How much is the 5th drawdown worth?"


def _folder(folder: Path, n: int, first: int = 0, sentences: int = 30) -> Path:
    folder.mkdir(exist_ok=True)
    for i in range(first, first + n):
        write_release(folder, f"{i:02}.txt", f"Release {i} on the drawdown", "2024-01-01", f"https://s/{i}",
                      " ".join(f"Sentence {j} of release {i} says the {j}th drawdown is worth ${i}{j} million."
                               for j in range(sentences)))
    return folder


@pytest.fixture()
def index(tmp_path: Path) -> Path:
    """An index of 40 releases (about 300 kB), closed, so that all of it is in the file."""
    db = tmp_path / "index.db"
    store = Store(db)
    ingest_paths(store, [_folder(tmp_path / "in", 40)], IndexSettings())
    store.close()
    return db


COMMANDS = {
    "releases": ["releases"],
    "search": ["search", "drawdown worth"],
    "ask": ["ask", QUESTION, "--mode", "extractive"],
    "ingest": ["ingest", "{folder}"],
    "remove": ["remove", release_id("https://s/0")],
    "summarize": ["summarize"],
    "brief": ["brief"],
}


def _run(name: str, db: Path) -> tuple[int, str, str]:
    args = [a.replace("{folder}", str(db.parent / "in")) for a in COMMANDS[name]]
    result = runner.invoke(app, [*args, "--db", str(db)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def _damage(db: Path, start: int, end: int) -> None:
    with db.open("r+b") as f:
        f.seek(start)
        f.write(bytes(range(256)) * ((end - start) // 256))


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_on_a_damaged_index_says_so_in_one_line(index: Path, command: str) -> None:
    _damage(index, 8192, 16384)
    code, _, err = _run(command, index)
    assert code != 0
    assert err == (f"qa: error: {index} is damaged (database disk image is malformed): restore it from a backup, "
                   "or re-ingest the releases into a new --db\n")


@pytest.mark.parametrize("where", [0.25, 0.5, 0.75, 0.95])
def test_wherever_the_damage_no_command_gives_a_traceback(index: Path, tmp_path: Path, where: float) -> None:
    """Damage that opening does not meet turns up later, mid-query: still one line (or no harm done)."""
    size = index.stat().st_size
    start = int(size * where) // 4096 * 4096
    _damage(index, start, min(start + 16384, size))
    pristine = tmp_path / "pristine.db"
    shutil.copy(index, pristine)
    for command in COMMANDS:
        shutil.copy(pristine, index)
        code, _, err = _run(command, index)
        if code != 0:
            assert err.startswith("qa: error: ") and err.count("\n") == 1 and "damaged" in err, (command, err)


@pytest.fixture()
def read_only(index: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The index as on a read-only folder or mount (root, which runs the tests, may write anything)."""
    real = os.access

    def access(path: object, mode: int, **kwargs: object) -> bool:
        if mode & os.W_OK and Path(str(path)).resolve() in (index.resolve(), index.parent.resolve()):
            return False
        return real(path, mode, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    return index


def test_a_read_only_index_is_searched_but_not_changed(read_only: Path) -> None:
    before = read_only.read_bytes()
    store = Store(read_only)
    assert store.read_only and len(store.releases()) == 40
    assert Searcher(store).search("drawdown worth", 3)
    for write in (lambda: store.remove([release_id("https://s/0")]),
                  lambda: ingest_paths(store, [read_only.parent / "in"], IndexSettings())):
        with pytest.raises(StorageFault, match="cannot be written") as raised:
            write()
        assert raised.value.code == "storage_read_only"
    store.close()
    assert read_only.read_bytes() == before
    assert sorted(p.name for p in read_only.parent.iterdir()) == ["in", "index.db"]  # no -wal, no -shm


@pytest.mark.parametrize("command", list(COMMANDS))
def test_on_a_read_only_index_only_writing_commands_fail(read_only: Path, command: str) -> None:
    code, out, err = _run(command, read_only)
    if command in ("ingest", "remove"):
        assert code == 2 and err == (
            f"qa: error: {read_only} cannot be written (the file, its folder or its disk is read-only): a read-only "
            "index can be searched; to ingest or remove, make it writable or use a writable --db\n")
    else:
        assert code == 0 and out and err == "", err


def _limited(pages: int) -> Callable[[Path, bool], sqlite3.Connection]:
    """Connections that may grow the file to `pages` pages: past that SQLite says the disk is full."""
    real = sqlite_store._connect

    def connect(path: Path, writable: bool) -> sqlite3.Connection:
        db = real(path, writable)
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db

    return connect


def test_a_full_disk_keeps_the_batches_stored_before_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "index.db"
    store = Store(db)
    folder = _folder(tmp_path / "in", 4, sentences=2)
    ingest_paths(store, [folder], IndexSettings())
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.close()
    _folder(folder, 2, first=4, sentences=2)  # the next batch, small: it fits
    _folder(folder, 2, first=6, sentences=3000)  # the one after, 500 kB: it does not
    monkeypatch.setattr(ingest_module, "BATCH", 2)
    monkeypatch.setattr(sqlite_store, "_connect", _limited(pages + 30))
    store = Store(db)
    generation = store.generation()
    with pytest.raises(StorageFault, match="the disk is full") as raised:
        ingest_paths(store, [folder], IndexSettings())
    assert raised.value.code == "storage_full"
    assert str(raised.value).endswith("(2 release(s) of this ingest were stored before it and are kept)")
    assert len(store.releases()) == 6 and store.generation() == generation + 1
    store.close()
    reopened = Store(db)
    assert sorted(r.title for r in reopened.releases()) == sorted(f"Release {i} on the drawdown" for i in range(6))
    reopened.close()


def test_a_full_disk_is_one_line_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "index.db"
    Store(db).close()
    folder = _folder(tmp_path / "in", 2, sentences=2)
    _folder(folder, 2, first=2, sentences=3000)
    monkeypatch.setattr(ingest_module, "BATCH", 2)
    monkeypatch.setattr(sqlite_store, "_connect", _limited(60))
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(db)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"qa: error: {db}: the disk is full (database or disk is full); ")
    assert result.stderr.count("\n") == 1
    result = runner.invoke(app, ["releases", "--db", str(db)])
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 2


@pytest.mark.parametrize("message, code", [
    ("database disk image is malformed", "storage_damaged"),
    ("file is not a database", "storage_damaged"),
    ("disk I/O error", "storage_damaged"),
    ("attempt to write a readonly database", "storage_read_only"),
    ("unable to open database file", "storage_read_only"),
    ("database or disk is full", "storage_full"),
    ("database is locked", None),
    ("no such table: releases", None),
])
def test_sqlite_errors_are_named_for_what_is_wrong_with_the_file(message: str, code: str | None) -> None:
    found = fault(sqlite3.OperationalError(message), Path("/x/index.db"))
    assert (found and found.code) == code
    if found:
        assert str(found).startswith("/x/index.db") and message in str(found)


def test_an_index_that_cannot_be_created_says_so(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("not a folder")
    result = runner.invoke(app, ["ingest", "--sample", "--db", str(a_file / "index.db")])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"qa: error: {a_file / 'index.db'} cannot be written (File exists: {a_file}): ")
