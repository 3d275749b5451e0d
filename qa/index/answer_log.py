"""The log of every answer, summary and briefing: what was asked, what was told, from which releases, by which
model and prompt, at what cost; and the conversations follow-up questions continue.

One SQLite file of its own (`logs.db` beside the default index, or settings.log.path), never the index: a
read-only index still logs, and removing releases never touches what was told. With the index in PostgreSQL
(and no log path set) the log is that database's table log_entries: every replica's entries in one log.
Nothing secret is written: the results hold no keys, only what a user was shown and how it was made. A write
that fails raises LogError, one line naming the file, which callers print as a warning: the log never stops
an answer.
"""

from __future__ import annotations

import json
import os
import sqlite3
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from qa.index.conversation import Turn
from qa.schemas import Answer, Briefing, ReleaseSummary
from qa.settings import Settings, default_db, is_postgres, shown

Kind = Literal["ask", "summary", "brief"]
PARTIAL = "The closest the releases come"  # as qa.answer prints a partial answer; that module loads the pipeline

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    time TEXT NOT NULL,
    kind TEXT NOT NULL,
    request TEXT NOT NULL,
    answer TEXT NOT NULL,
    support TEXT,
    mode TEXT,
    model TEXT,
    endpoint TEXT NOT NULL,
    prompt TEXT NOT NULL,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    latency_s REAL NOT NULL,
    conversation_id TEXT NOT NULL,
    result TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_conversation ON entries (conversation_id, seq);
"""
_COLUMNS = ("id", "time", "kind", "request", "answer", "support", "mode", "model", "endpoint", "prompt",
            "prompt_tokens", "completion_tokens", "latency_s", "conversation_id", "result")
# PostgreSQL databases whose schema this process has brought up to date.
_migrated: set[str] = set()
# Crockford's base32, lower case: ids that sort by time, as llm's conversation ids do.
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


class LogError(Exception):
    """The log cannot be read or written, or holds no such conversation: one line for the user."""


class UnknownConversation(LogError):
    """No question of the log has this conversation id."""


class LogEntry(BaseModel):
    id: str
    time: str
    kind: Kind
    request: str
    answer: str
    support: str | None = None
    mode: str | None = None
    model: str | None = None
    endpoint: str
    prompt: str = ""
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_s: float
    conversation_id: str
    result: dict[str, Any]


def log_path(settings: Settings) -> Path | str:
    """settings.log.path, else the PostgreSQL database the index is in, else logs.db in the default index's
    folder (the user data folder), whatever index file the command uses: one log of everything a user was told."""
    if settings.log.path:
        return settings.log.path
    return settings.db if is_postgres(settings.db) else default_db().parent / "logs.db"


def new_id() -> str:
    """26 characters: milliseconds since 1970, then 80 random bits (a ULID)."""
    n = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    return "".join(_ALPHABET[(n >> shift) & 31] for shift in range(125, -1, -5))


class AnswerLog:
    """The log at `path`, a file or a PostgreSQL database; nothing is opened until the first write or read."""

    def __init__(self, path: Path | str) -> None:
        self.pg = is_postgres(path)
        self.path: Path | str = str(path) if self.pg else Path(path)
        self.table = "log_entries" if self.pg else "entries"
        self.like = "ILIKE" if self.pg else "LIKE"

    @contextmanager
    def _connect(self, write: bool) -> Iterator[Any]:
        if self.pg:
            with self._connect_pg(write) as db:
                yield db
            return
        try:
            if write:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=5)
            else:
                db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
            try:
                with db:
                    if write:
                        db.executescript(_SCHEMA)
                    yield db
            finally:
                db.close()
        except (sqlite3.Error, OSError) as err:
            raise LogError(f"the answer log {self.path} cannot be {'written' if write else 'read'}: {err}") from err

    @contextmanager
    def _connect_pg(self, write: bool) -> Iterator[Any]:
        """The database's pool (the index's, when they are one database), its schema brought up to date once."""
        import psycopg

        from qa.index import pg_schema
        from qa.index.pg_conn import PgConnection
        from qa.index.storage_errors import StorageFault

        try:
            db = PgConnection(str(self.path), Settings().pg)
            if str(self.path) not in _migrated:
                with db.pool.connection() as conn:
                    pg_schema.migrate(conn)
                _migrated.add(str(self.path))
            yield db
        except (psycopg.Error, StorageFault) as err:
            raise LogError(f"the answer log {shown(self.path)} cannot be {'written' if write else 'read'}: "
                           f"{str(err).splitlines()[0] if str(err) else type(err).__name__}") from err

    def record(self, *, kind: str, request: str, result: BaseModel, endpoint: str, latency_s: float,
               conversation_id: str | None = None, model: str | None = None) -> LogEntry:
        """Log one answer (kind "ask"), summary or briefing: `request` is the question, or the request as JSON;
        `result` what was returned. A new conversation begins when `conversation_id` is None; an Answer is
        stored with its conversation's id (entry.result["conversation_id"])."""
        conversation_id = conversation_id or new_id()
        if "conversation_id" in type(result).model_fields:  # an Answer: kept with the id it can be continued by
            result = result.model_copy(update={"conversation_id": conversation_id})
        facts = _facts(result)
        usage = getattr(result, "usage", None) or []
        entry = LogEntry(
            id=new_id(), time=datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
            kind=kind, request=request, answer=facts["answer"], support=facts["support"], mode=facts["mode"],
            model=model or (usage[-1].model if usage else None), endpoint=endpoint,
            prompt=str(getattr(result, "prompt", "") or ""),
            prompt_tokens=sum(u.prompt_tokens for u in usage) if usage else None,
            completion_tokens=sum(u.completion_tokens for u in usage) if usage else None,
            latency_s=round(latency_s, 4), conversation_id=conversation_id,
            result=result.model_dump(mode="json"))
        row = entry.model_dump()
        row["result"] = json.dumps(row["result"], ensure_ascii=False)
        with self._connect(write=True) as db:
            # Its id is new: "DO NOTHING" only makes the insert safe to run again on a dropped connection.
            db.execute(f"INSERT INTO {self.table} ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
                       " ON CONFLICT (id) DO NOTHING", [row[c] for c in _COLUMNS])
        return entry

    def insert_rows(self, rows: list[dict[str, Any]]) -> None:
        """Entries as stored (another log's, qa migrate), each once: one already here by its id is left."""
        with self._connect(write=True) as db:
            db.executemany(f"INSERT INTO {self.table} ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
                           " ON CONFLICT (id) DO NOTHING", [[r[c] for c in _COLUMNS] for r in rows])

    def ids(self) -> set[str]:
        """The id of every entry."""
        if not self.pg and not Path(self.path).exists():
            return set()
        with self._connect(write=False) as db:
            return {r[0] for r in db.execute(f"SELECT id FROM {self.table}").fetchall()}

    def _select(self, where: str, args: list[Any], order: str, limit: int | None = None) -> list[LogEntry]:
        if not self.pg and not Path(self.path).exists():
            return []
        sql = f"SELECT {', '.join(_COLUMNS)} FROM {self.table} {where} ORDER BY seq {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._connect(write=False) as db:
            try:
                rows = db.execute(sql, args).fetchall()
            except sqlite3.OperationalError as err:
                if "no such table" in str(err):
                    return []
                raise
        return [LogEntry(**{**dict(zip(_COLUMNS, r)), "result": json.loads(r[-1])}) for r in rows]

    def entries(self, n: int = 3, query: str | None = None, conversation_id: str | None = None) -> list[LogEntry]:
        """The newest `n` entries, newest first; `query` matches the question (or request) or the answer."""
        clauses, args = [], []
        if query:
            pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            clauses.append(f"(request {self.like} ? ESCAPE '\\' OR answer {self.like} ? ESCAPE '\\')")
            args += [pattern, pattern]
        if conversation_id:
            clauses.append("conversation_id = ?")
            args.append(conversation_id)
        return self._select("WHERE " + " AND ".join(clauses) if clauses else "", args, "DESC", n)

    def last_conversation_id(self) -> str | None:
        """The conversation of the newest question asked at the command line (`qa ask -c` continues it): an
        API client's conversations are continued by their id."""
        newest = self._select("WHERE kind = 'ask' AND endpoint = 'cli'", [], "DESC", 1)
        return newest[0].conversation_id if newest else None

    def turns(self, conversation_id: str) -> list[Turn]:
        """The conversation's questions and answers, oldest first."""
        asked = self._select("WHERE kind = 'ask' AND conversation_id = ?", [conversation_id], "ASC")
        if not asked:
            raise UnknownConversation(f"no conversation {conversation_id!r} in the answer log {shown(self.path)}")
        return [Turn(question=e.request, answer=Answer.model_validate(e.result)) for e in asked]


def _facts(result: BaseModel) -> dict[str, str | None]:
    """The printed answer text, its mode and support, whichever kind of result it is."""
    if isinstance(result, Answer):
        text = f"{PARTIAL}: {result.answer}" if result.answered and result.support == "partial" else result.answer
        return {"answer": text, "mode": result.mode, "support": result.support}
    if isinstance(result, ReleaseSummary):
        return {"answer": result.summary, "mode": result.summary_mode, "support": None}
    if isinstance(result, Briefing):
        return {"answer": result.overview, "mode": result.overview_mode, "support": None}
    return {"answer": str(getattr(result, "answer", "")), "mode": getattr(result, "mode", None), "support": None}


def _sources(node: Any, found: dict[tuple[str, str], str]) -> None:
    """Every cited release's title and date, anywhere in a result (evidence, bullets, timeline)."""
    if isinstance(node, dict):
        if {"release_id", "title", "date"} <= node.keys():
            found.setdefault((node["release_id"], node["date"]), node["title"])
        for value in node.values():
            _sources(value, found)
    elif isinstance(node, list):
        for value in node:
            _sources(value, found)


def render(entry: LogEntry) -> str:
    """One entry as a short text: when, what and by which model; the request, the answer and its sources."""
    how = ", ".join(p for p in (entry.model or "no model", entry.mode, entry.support) if p)
    tokens = f", {entry.prompt_tokens}+{entry.completion_tokens} tokens" if entry.prompt_tokens is not None else ""
    lines = [f"{entry.time}  {entry.kind}  ({how}; {entry.endpoint}, {entry.latency_s:.2f} s{tokens})",
             f"conversation {entry.conversation_id}",
             f"{'Question' if entry.kind == 'ask' else 'Request'}: {entry.request}",
             textwrap.fill(f"Answer: {entry.answer}", 100, subsequent_indent="  ")]
    found: dict[tuple[str, str], str] = {}
    _sources(entry.result, found)
    lines += [f"  - {title or '(untitled)'} ({date or 'undated'})" for (_, date), title in found.items()]
    return "\n".join(lines)
