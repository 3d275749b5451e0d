"""SQLite's errors about the index file, said as what is wrong with the file and what to do.

The store runs every statement through a GuardedConnection, so a damaged page met halfway through a
search, a read-only file met at the first write or a full disk met mid-batch all come out as one
StorageFault with a stable code, never as a raw sqlite3 traceback.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class StoreError(RuntimeError):
    """A release or an index that is not there (an unknown id, no index file, another schema)."""


class IndexUnavailable(StoreError):
    """No usable index at the path: none there, not a qa index, or another schema."""


class StorageFault(StoreError):
    """The index file cannot be read or written: damaged, read-only, the disk full, a write refused (a file-size
    limit, a failing disk), or no file descriptor left to open it.

    `code` is stable for scripts and the API: "storage_damaged", "storage_read_only", "storage_full",
    "storage_write_failed", "storage_no_descriptors", or (a PostgreSQL store, qa.index.pg_conn) "storage_unavailable".
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


DAMAGED, READ_ONLY, FULL = "storage_damaged", "storage_read_only", "storage_full"
WRITE_FAILED, NO_DESCRIPTORS = "storage_write_failed", "storage_no_descriptors"
# SQLite's extended codes (Python 3.11+) for a write the system refused: EFBIG from a file-size limit (ulimit -f)
# comes back as SQLITE_IOERR_WRITE, as does a failing disk; the file itself is intact. (ENOSPC is SQLITE_FULL.)
_WRITE_ERRORS = frozenset({"SQLITE_IOERR_WRITE", "SQLITE_IOERR_FSYNC", "SQLITE_IOERR_DIR_FSYNC",
                           "SQLITE_IOERR_TRUNCATE"})

# SQLite's own wording of each error (sqlite3_errstr), which every Python version reports; the error
# codes themselves are on exceptions only from Python 3.11.
_KINDS = (
    ("malformed", DAMAGED),  # SQLITE_CORRUPT
    ("not a database", DAMAGED),  # SQLITE_NOTADB
    ("disk i/o error", DAMAGED),  # SQLITE_IOERR: the file changed under SQLite or the disk fails
    ("readonly", READ_ONLY),  # SQLITE_READONLY and its kinds (folder, mount, recovery)
    ("unable to open", READ_ONLY),  # SQLITE_CANTOPEN: most often no right to create the -wal file
    ("disk is full", FULL),  # SQLITE_FULL
)


def read_only(path: Path, why: str) -> StorageFault:
    return StorageFault(f"{path} cannot be written ({why}): a read-only index can be searched; to ingest "
                        "or remove, make it writable or use a writable --db", READ_ONLY)


def fault(err: sqlite3.Error, path: Path) -> StorageFault | None:
    """The StorageFault an SQLite error means, or None when it is not the file's fault (a bad statement, a lock)."""
    said = str(err)
    code = next((code for needle, code in _KINDS if needle in said.lower()), None)
    if getattr(err, "sqlite_errorname", None) in _WRITE_ERRORS:
        return StorageFault(f"{path} could not be written ({said}; {err.sqlite_errorname}): the system refused "
                            "the write, as a file-size limit (ulimit -f) or a failing disk does; the file is intact "
                            "and releases stored before are kept", WRITE_FAILED)
    if code == READ_ONLY and "unable to open" in said.lower() and _out_of_descriptors():
        return StorageFault(f"{path} could not be opened: this process has no file descriptor left (too many "
                            "connections or files open); the file is fine", NO_DESCRIPTORS)
    if code == DAMAGED:
        what = "is not a qa index, or is damaged" if "not a database" in said else "is damaged"
        return StorageFault(f"{path} {what} ({said}): restore it from a backup, "
                            "or re-ingest the releases into a new --db", code)
    if code == READ_ONLY:
        return read_only(path, said)
    if code == FULL:
        return StorageFault(f"{path}: the disk is full ({said}); releases stored before are kept; "
                            "free some space and ingest again", code)
    return None


def _out_of_descriptors() -> bool:
    """Whether opening any file fails for want of a descriptor (EMFILE, ENFILE): SQLite says only "unable to
    open", which otherwise reads as a read-only file."""
    import errno
    import os

    try:
        os.close(os.open(os.devnull, os.O_RDONLY))
    except OSError as err:
        return err.errno in (errno.EMFILE, errno.ENFILE)
    return False


@contextmanager
def translated(path: Path) -> Iterator[None]:
    """SQLite errors inside, raised as the StorageFault they mean (others as they are)."""
    try:
        yield
    except sqlite3.Error as err:
        found = fault(err, path)
        if found is None:
            raise
        raise found from err


class GuardedConnection:
    """An sqlite3 connection whose statements, and the rows they yield, raise StorageFault for storage errors."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path

    def guard(self) -> contextlib.AbstractContextManager[None]:
        return translated(self.path)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> GuardedCursor:
        with self.guard():
            return GuardedCursor(self.db.execute(sql, params), self)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> GuardedCursor:
        with self.guard():
            return GuardedCursor(self.db.executemany(sql, rows), self)

    @property
    def in_transaction(self) -> bool:
        return self.db.in_transaction

    def close(self) -> None:
        self.db.close()


class GuardedCursor:
    """Rows are read from the file as they are fetched, so a damaged page can turn up at any fetch."""

    def __init__(self, cursor: sqlite3.Cursor, connection: GuardedConnection) -> None:
        self.cursor = cursor
        self.connection = connection

    @property
    def rowcount(self) -> int:
        return self.cursor.rowcount

    def fetchone(self) -> Any:
        with self.connection.guard():
            return self.cursor.fetchone()

    def fetchmany(self, size: int) -> list[Any]:
        with self.connection.guard():
            return self.cursor.fetchmany(size)

    def fetchall(self) -> list[Any]:
        with self.connection.guard():
            return self.cursor.fetchall()

    def __iter__(self) -> Iterator[Any]:
        with self.connection.guard():
            yield from self.cursor
