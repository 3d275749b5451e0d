"""What every command shares: the Typer app, its common options, settings and index opening, printing
(text made safe for a terminal, JSON for scripts), progress, and running a command that may reach the model.

Imports are kept light at the top: each command imports what it needs (the HTTP service only in `serve`,
the evals only in `eval`, the model client only when an answer needs the model), so a question answered
without the model does not pay for them.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from qa.cli.terminal import json_safe, visible
from qa.index.store import Store, StoreError
from qa.settings import Settings, db_target
from qa.text.dates import DateError, iso_date

if TYPE_CHECKING:
    import click
    from rich.progress import Progress
    from rich.status import Status

    from qa.llm.client import ModelClient


class _Commands(TyperGroup):
    """Runs every command so that an index error it does not handle itself (a damaged, read-only or full
    index met halfway through) ends it with one line, never a traceback."""

    # Help lists the commands in the order a reader uses them, not the order their modules were imported in.
    ORDER = ("ingest", "watch", "feeds", "releases", "remove", "search", "ask", "summarize", "brief", "logs",
             "models", "eval", "serve", "migrate", "model", "settings")

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: self.ORDER.index(n) if n in self.ORDER else len(self.ORDER))

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        # `qa --help | head` and `qa --version | head` print here, before any command runs.
        with _quiet_closed_pipe():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _quiet_closed_pipe():
            try:
                return super().invoke(ctx)
            except StoreError as e:
                _fail(str(e))
            finally:
                # What is still buffered is written now, while a closed pipe can still be caught here.
                sys.stdout.flush()


@contextmanager
def _quiet_closed_pipe() -> Iterator[None]:
    """A reader that stops early (`qa releases | head`) ends the command quietly with 0, as other command-line
    tools do; click would exit 1. Python's advice (the signal module's docs, "Note on SIGPIPE"): point stdout at
    devnull, so the flush at exit cannot fail again and print a traceback."""
    try:
        yield
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        raise typer.Exit(0) from None


app = typer.Typer(
    cls=_Commands,
    help="Search, cite and brief from official press releases, offline.",
    no_args_is_help=True,
    # Plain help (click's layout): the rich layout printed "<bool>" after flags, as if they took a value, and
    # read "[env: ...]" in help texts as markup and dropped it.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
model_app = typer.Typer(help="The embedded local model server (SmolLM2-135M by default).", no_args_is_help=True)
app.add_typer(model_app, name="model")


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """Hands a closed pipe to _quiet_closed_pipe, which ends with 0 (rich's own handler exits 1)."""
        self.quiet = True
        raise BrokenPipeError


# No markup and no emoji codes: titles, file names and answers may hold "[brackets]" and ":words:".
err = _Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
out = _Console(highlight=False, soft_wrap=True, markup=False, emoji=False)

DbOption = Annotated[
    Optional[str],  # noqa: UP045 - typer reads the annotation at run time, also on Python 3.9 syntax
    typer.Option("--db", help="Index file, or a PostgreSQL database (postgresql://..., 'host=H dbname=D user=U' "
                 "or service=NAME) [env: QA_DB; default: a file in the user data folder]", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object for scripts")]


def _model_names() -> list[str]:
    """What -m completes to: the models of qa.toml and the built-in ones."""
    from qa.llm.model_config import ModelConfigError, load_models

    try:
        return sorted(load_models().models)
    except ModelConfigError:
        return []


ModelOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("-m", "--model", metavar="NAME", show_default=False, autocompletion=_model_names,
                 help="A model by name, from `qa models` [default: qa.toml's default, else QA_MODEL__*]"),
]
NoLogOption = Annotated[bool, typer.Option("--no-log", help="Do not write this to the answer log (`qa logs`)")]


def _print_version(wanted: bool) -> None:
    if wanted:
        from importlib.metadata import version

        _say(f"qa {version('qa')}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print qa's version and exit")] = False,
) -> None:
    pass


def _settings(db: str | Path | None) -> Settings:
    try:
        settings = Settings()
    except ValidationError as e:
        _fail(f"bad setting in the environment: {e}")
    if db is not None:
        settings.db = db_target(db)
    return settings


def _text(text: str, style: str = "") -> Text:
    """What the command line prints of any text it did not write itself, its control characters shown."""
    return Text(visible(text), style=style)


def _say(text: str, style: str = "") -> None:
    out.print(_text(text, style))


def _error(message: str) -> None:
    err.print(_text("qa: error: ", "bold red") + _text(message))


def _fail(message: str, code: int = 2) -> typer.Exit:
    _error(message)
    raise typer.Exit(code)


def _open(settings: Settings, create: bool = False) -> Store:
    try:
        return Store(settings.db, create=create)
    except StoreError as e:
        _fail(str(e))


def _dump(model: BaseModel | list[BaseModel] | dict) -> None:
    if isinstance(model, list):
        data = [m.model_dump() for m in model]
    elif isinstance(model, BaseModel):
        data = model.model_dump()
    else:
        data = model
    sys.stdout.write(json_safe(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")


def _progress(label: str, disable: bool) -> Progress:
    """A transient progress bar on stderr (rich.progress is imported only by the commands that show one)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=err, transient=True, disable=disable or not err.is_terminal)


def _model_client(settings: Settings) -> ModelClient:
    """The model client, built only when an answer, summary or brief needs the model: this imports the
    client and may start the embedded local server. Looked up on qa.llm.endpoint at each call (the seam tests
    replace)."""
    from qa.llm import endpoint

    return endpoint.model_client(settings)


def _state_dir() -> Path:
    from qa.llm.endpoint import state_dir

    return state_dir()


def _model_errors() -> tuple[type[Exception], ...]:
    """What a command that may reach the model reports as an error (evaluated only when one is raised)."""
    from qa.llm.client import ModelError
    from qa.llm.local_model import LocalModelError

    return LocalModelError, ModelError, StoreError


def sample_path() -> Path:
    """The seed release that ships with qa."""
    return Path(str(files("qa") / "sample"))


def _date_option(value: str | None, name: str) -> str | None:
    if not value:
        return None
    try:
        return iso_date(value)
    except DateError as e:
        _fail(f"{name}: {e}")


def _date_range(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    first, last = _date_option(since, "--since"), _date_option(until, "--until")
    if first and last and first > last:
        _fail(f"--since {first} is after --until {last}: no release can be dated in between")
    return first, last


def _model_settings(db: str | Path | None, name: str | None) -> Settings:
    """The settings with the model named (or qa.toml's default): one line naming the config file when wrong."""
    from qa.llm.model_config import ModelConfigError, config_path, settings_for

    settings = _settings(db)
    try:
        return settings_for(settings, name)
    except ModelConfigError as e:
        where = str(config_path())
        _fail(str(e) if where in str(e) else f"{e} (model config: {where})")


def _log(settings: Settings, off: bool, kind: str, request: str, result: BaseModel, seconds: float,
         conversation_id: str | None = None) -> None:
    """Writes what is printed to the answer log; a log that cannot be written is a warning, never a failure."""
    if off or not settings.log.enabled:
        return
    from qa.index.answer_log import AnswerLog, LogError, log_path

    try:
        # The model is the one the result's usage names: an answer no model was asked for logs none.
        AnswerLog(log_path(settings)).record(kind=kind, request=request, result=result, endpoint="cli",
                                             latency_s=seconds, conversation_id=conversation_id)
    except LogError as e:
        err.print(_text(f"qa: warning: not logged: {e}"))


Work = Callable[[Store, Settings, Callable[[], "ModelClient"]], Any]


def _model_command(settings: Settings, as_json: bool, work: Work, show: Callable[[Any], None],
                   log: Callable[[Any, float], None]) -> None:
    """Open the index, do the work (which may reach the model) under a spinner, log it with the seconds it took,
    then print it as text or JSON. Logged first: a reader piping into `head` may close the output before the end,
    and what was answered must still be in the log."""
    store = _open(settings)
    built = False
    started = time.perf_counter()
    with _spinner("searching the releases", quiet=as_json) as status:

        def client() -> ModelClient:
            nonlocal built
            status.update(f"connecting to {settings.model.base_url}" if settings.model.base_url
                          else "starting the local model (about 20 s the first time)")
            made = _model_client(settings)
            built = True
            status.update(f"asking {settings.model.model}")
            return made

        try:
            result = work(store, settings, client)
        except _model_errors() as e:
            _fail(str(e))
    log(result, time.perf_counter() - started)
    if as_json:
        _dump(result)
    else:
        show(result)
    if built and not settings.model.base_url:
        _left_running(settings)


class _NoStatus:
    def update(self, status: str) -> None:
        """Shows nothing: a spinner would garble piped stderr or a script's output."""


@contextmanager
def _spinner(label: str, quiet: bool) -> Iterator[Status | _NoStatus]:
    """A spinner on stderr while the command waits (a cold local model takes about 20 s), only on a terminal."""
    if quiet or not err.is_terminal:
        yield _NoStatus()
        return
    with err.status(label) as status:
        yield status


def _left_running(settings: Settings) -> None:
    """Says once, in the command that started it, that the local server outlives the command and how it ends."""
    from qa.llm import local_model

    started = local_model.started_here()
    if not started:
        return
    idle = settings.model.idle_stop
    ends = f"; it stops by itself after {idle / 60:g} minutes unused" if idle else ""
    err.print(_text(f"qa: the local model server (pid {started[-1]}) stays running for the next question; "
                    f"`qa model stop` stops it{ends}"))
