"""`qa migrate`: an index file (and its answer log) copied into a PostgreSQL database, with a count check;
run again after an interruption, it carries on where it stopped."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from qa.cli.common import JsonOption, _dump, _fail, _progress, _say, _settings, app


@app.command()
def migrate(
    source: Annotated[Path, typer.Argument(metavar="SQLITE_FILE", help="The index file to copy from")],
    target: Annotated[str, typer.Argument(metavar="POSTGRESQL_URL",
                                          help="The database to copy into (postgresql://..., "
                                          "'host=H dbname=D user=U' or service=NAME)")],
    log: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--log", metavar="FILE", show_default=False,
        help="The answer log file to copy into the database's log [default: the log setting's file, if any]")] = None,
    no_log: Annotated[bool, typer.Option("--no-log", help="Copy the index only, not the answer log")] = False,
    as_json: JsonOption = False,
) -> None:
    """Copy an index file's releases (chunks and term bags as stored), feeds and answer log into PostgreSQL,
    then check that every release arrived with its chunks and term entries. Exits 1 when a count differs.

    Resumable: releases already copied (same content) are skipped, log entries are copied once each.

    Example: qa migrate ~/.local/share/qa/qa.db postgresql://qa@db.example/qa
    """
    from qa.index.answer_log import AnswerLog, log_path
    from qa.index.migrate import MigrationReport, copy_index, copy_log
    from qa.index.storage_errors import StoreError
    from qa.index.store import Store
    from qa.settings import db_target, is_postgres, shown

    if is_postgres(str(source)) or not source.exists():
        _fail(f"{source}: no such index file (the source is an SQLite file)")
    if not is_postgres(target):
        _fail(f"{target}: the target is a PostgreSQL database: postgresql://..., 'host=H dbname=D user=U' "
              "or service=NAME")
    settings = _settings(None)
    report = MigrationReport()
    try:
        src, dst = Store(source, create=False), Store(db_target(target))
        progress = _progress("migrate", as_json)
        with progress:
            task = progress.add_task("releases", total=None)
            copy_index(src, dst, lambda d, t: progress.update(task, completed=d, total=t), report)
        log_file = log or (None if is_postgres(log_path(settings)) else Path(log_path(settings)))
        if not no_log and log_file is not None and log_file.exists():
            copy_log(AnswerLog(log_file), AnswerLog(target), report)
    except StoreError as e:
        _fail(str(e))
    if as_json:
        _dump({**report.model_dump(), "ok": report.ok})
    else:
        _say(f"{report.releases} release(s) in {source}: {report.copied} copied, {report.skipped} already there; "
             f"chunks {report.chunks} -> {report.chunks_in_target}, term entries {report.term_entries} -> "
             f"{report.term_entries_in_target}; {report.feeds} feed(s); log entries {report.log_entries} -> "
             f"{report.log_entries_in_target}; into {shown(target)}")
        for problem in report.problems:
            _say(f"count check failed: {problem}")
    raise typer.Exit(0 if report.ok else 1)
