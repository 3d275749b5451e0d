"""`qa logs`: the answer log, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from qa.cli.common import (
    DbOption,
    JsonOption,
    _dump,
    _fail,
    _say,
    _settings,
    app,
)

if TYPE_CHECKING:
    pass


@app.command()
def logs(
    count: Annotated[int, typer.Option("-n", "--count", metavar="N", min=1, help="Entries to show, newest first")] = 3,
    query: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("-q", "--query", metavar="TEXT", show_default=False,
                     help="Only entries whose question or answer holds this"),
    ] = None,
    conversation: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--cid", metavar="ID", show_default=False, help="Only this conversation's entries"),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the answer log: each answer, summary and briefing given, newest first, with its question, model,
    time, conversation id (for `qa ask --cid`) and sources.

    The log is the one `qa ask` writes with the same --db: the database itself when it is PostgreSQL.

    Examples: qa logs -n 10; qa logs -q drawdown; qa logs --cid 01jd... --json; qa logs --db postgresql://...
    """
    from qa.index.answer_log import AnswerLog, LogError, log_path, render
    from qa.settings import shown

    settings = _settings(db)
    log = AnswerLog(log_path(settings))
    try:
        entries = log.entries(count, query, conversation)
    except LogError as e:
        _fail(str(e))
    if as_json:
        _dump(entries)
        return
    if not entries:
        off = "" if settings.log.enabled else "; logging is off (QA_LOG__ENABLED)"
        _say(f"nothing logged{' that matches' if query or conversation else ''} in {shown(log.path)}{off}")
    for n, entry in enumerate(entries):
        _say(("\n" if n else "") + render(entry))
