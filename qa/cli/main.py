"""The `qa` command line: a thin layer over ingest, store and search.

Imports are kept light at the top: each command imports what it needs (the
HTTP service only in `serve`, the evals only in `eval`, the model client only
when an answer needs the model), so a question answered without the model
does not pay for them.
"""

from __future__ import annotations

import json
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
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
from qa.settings import Settings
from qa.text.dates import DateError, iso_date

if TYPE_CHECKING:
    import click
    from rich.progress import Progress
    from rich.status import Status

    from qa.evals.evaluation import Dataset, EvalConfig, EvalReport
    from qa.index.conversation import Turn
    from qa.llm.client import ModelClient
    from qa.models import IngestReport
    from qa.schemas import Answer, Briefing, Citation, ReleaseSummary


class _Commands(TyperGroup):
    """Runs every command so that an index error it does not handle itself (a damaged, read-only or full
    index met halfway through) ends it with one line, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except StoreError as e:
            _fail(str(e))


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
# No markup and no emoji codes: titles, file names and answers may hold "[brackets]" and ":words:".
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)

DbOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer reads the annotation at run time, also on Python 3.9 syntax
    typer.Option("--db", help="Index file [env: QA_DB; default: the user data folder]", show_default=False),
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


def _settings(db: Path | None) -> Settings:
    try:
        settings = Settings()
    except ValidationError as e:
        _fail(f"bad setting in the environment: {e}")
    if db is not None:
        settings.db = db
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


@app.command()
def ingest(
    paths: Annotated[Optional[list[str]], typer.Argument(  # noqa: UP045
        help="Files and folders of releases, and URLs of release pages, PDFs or RSS/Atom feeds")] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Ingest the sample release that ships with qa")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add releases (.txt with Title/Date/Source header, .md, .html, .json, .jsonl, .pdf) to the index, from
    files, folders or URLs (a release page, a PDF, or a feed: each entry's page).

    Re-ingesting unchanged content changes nothing; changed content replaces the
    stored version. Bad files and URLs are reported and the rest still go in; the
    exit code is 1 when any failed. URLs are fetched politely (settings fetch.*);
    loopback and private addresses are refused unless QA_FETCH__ALLOW_PRIVATE=true.

    Example: qa ingest releases/ extra.jsonl https://www.defense.gov/DesktopModules/ArticleCS/RSS.ashx
    """
    from qa.ingest.urls import is_url

    targets = [p for p in paths or [] if not is_url(p)]
    urls = [p for p in paths or [] if is_url(p)]
    if sample:
        targets.append(str(sample_path()))
    if not targets and not urls:
        _fail("give files, folders or URLs to ingest, or --sample")
    settings = _settings(db)
    store = _open(settings, create=True)
    from qa.ingest.pipeline import ingest_paths
    from qa.models import IngestReport
    from qa.text.tokens import TokenizerError

    progress = _progress("ingesting", as_json)
    report = IngestReport()
    with progress:
        task = progress.add_task("ingest", total=None)

        def tick(done: int, total: int, *_: str) -> None:
            progress.update(task, completed=done, total=total)

        try:
            if targets:
                report = ingest_paths(store, [Path(t) for t in targets], settings.index, tick,
                                      max_file_bytes=settings.ingest.max_file_bytes)
            if urls:
                from qa.ingest.urls import UrlIngestor

                fetching = UrlIngestor(store, settings, progress=tick)
                try:
                    report.add(fetching.ingest(urls))
                finally:
                    fetching.close()
        except (StoreError, TokenizerError) as e:
            _fail(str(e))
    if as_json:
        _dump(report)
    else:
        _print_ingest(report, settings.db)
    raise typer.Exit(1 if report.errors else 0)


def _print_ingest(report: IngestReport, db: Path) -> None:
    for e in report.errors:
        _error(f"{e.origin}: {e.reason}")
    if report.skipped_files:
        err.print(_text(f"skipped {len(report.skipped_files)} file(s) of other kinds, "
                        f"e.g. {report.skipped_files[0]}"))
    n = len(report.added) + len(report.replaced)
    summary = (
        f"{n} release(s) stored ({len(report.added)} new, {len(report.replaced)} replaced), "
        f"{len(report.unchanged)} unchanged, {len(report.errors)} failed; "
        f"{report.chunks} chunks in {report.seconds:.2f}s -> {db}"
    )
    _say(summary)


_DURATION = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _seconds(text: str) -> float:
    """'90s', '30m', '1h', '2h30m', '1d' or plain seconds."""
    import re

    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([smhd]?)", text.strip().lower())
    if not parts or re.sub(r"[\d.\s smhd]", "", text.lower()):
        raise typer.BadParameter(f"{text!r} is no duration; give e.g. 90s, 30m, 1h, 1d", param_hint="--every")
    return sum(float(n) * _DURATION[unit or "s"] for n, unit in parts)


def _print_poll(poll: Any) -> None:
    if poll.status == "not_modified":
        _say(f"{poll.url}: not modified (304); nothing fetched but the feed")
    elif poll.error:
        _error(poll.error)
    else:
        r = poll.report
        stored = len(r.added) + len(r.replaced)
        extra = f", {poll.from_feed} from the feed's own text (page not to be had)" if poll.from_feed else ""
        _say(f"{poll.url}: {poll.entries} entries: {poll.new} new, {poll.changed} changed, {poll.unchanged} "
             f"unchanged (not fetched); {stored} release(s) stored, {len(r.errors)} failed{extra}")
        for e in r.errors:
            _error(f"{e.origin}: {e.reason}")


@app.command()
def watch(
    urls: Annotated[Optional[list[str]], typer.Argument(  # noqa: UP045
        metavar="FEED...", help="Feed URLs (RSS or Atom) to watch, besides those watched already")] = None,
    every: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--every", help="Time between polls of each feed: 90s, 30m, 1h, 1d (default: setting watch.every, 1h)",
        show_default=False)] = None,
    once: Annotated[bool, typer.Option("--once", help="Poll every watched feed once, then exit")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Watch feeds: poll each politely (conditional requests, per-host delay, backoff) and ingest only its new
    and changed entries, until Ctrl-C. `qa feeds` shows what each poll did.

    Example: qa watch https://www.defense.gov/DesktopModules/ArticleCS/RSS.ashx --every 1h
    """
    from qa.index.feed_store import FeedStore, now
    from qa.ingest.urls import UrlIngestor, is_url

    settings = _settings(db)
    interval = _seconds(every) if every else settings.watch.every
    if interval < 10:
        _fail("--every must be at least 10 seconds: polling faster is not polite")
    store = _open(settings, create=True)
    for url in urls or []:
        if not is_url(url):
            _fail(f"{url}: not a URL (want http:// or https://)")
    try:
        watched = FeedStore(store)
        for url in urls or []:
            watched.watch(url, interval)
        if not watched.all():
            _fail("no feed is watched; give a feed URL: qa watch URL")
    except StoreError as e:
        _fail(str(e))
    fetching = UrlIngestor(store, settings)
    failed = False
    try:
        while True:
            due = [f.url for f in watched.all()] if once else watched.claim_due()
            for url in due:
                poll = fetching.poll(url)
                failed = failed or bool(poll.error or poll.report.errors)
                if as_json:
                    print(poll.model_dump_json())
                else:
                    _print_poll(poll)
            if once:
                break
            upcoming = watched.next_due()
            wait = (upcoming - now()).total_seconds() if upcoming else interval
            time.sleep(min(max(wait, 1.0), 60.0))  # wakes at least each minute: feeds added meanwhile count
    except KeyboardInterrupt:
        _say("stopped")
    except StoreError as e:
        _fail(str(e))
    finally:
        fetching.close()
    raise typer.Exit(1 if failed and once else 0)


@app.command()
def feeds(
    remove: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--remove", metavar="URL", help="Stop watching this feed (its releases stay)")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the watched feeds: when each was last fetched, with what status, and what it brought."""
    from qa.index.feed_store import FeedStore

    settings = _settings(db)
    try:
        watched = FeedStore(_open(settings, create=False))
        for url in remove or []:
            if not watched.unwatch(url):
                _fail(f"{url}: not a watched feed; `qa feeds` lists them")
        listed = watched.all()
    except StoreError as e:
        _fail(str(e))
    if as_json:
        _dump(listed)
        return
    if not listed:
        _say("no feed is watched; qa watch URL watches one")
    for f in listed:
        _say(f.url, "bold")
        last = f"last fetched {f.last_fetch}: {f.status}" if f.last_fetch else "never fetched"
        _say(f"  {f.title or '(untitled)'}; every {f.every:g} s; {last}; next {f.next_fetch or 'now'}")
        _say(f"  {f.entries} entries; {f.added} added, {f.replaced} replaced, {f.failed} failed over {f.polls} poll(s)")
        if f.error:
            _say(f"  {f.error}")


@app.command()
def releases(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the stored releases, newest first."""
    store = _open(_settings(db))
    rows = store.releases()
    if as_json:
        _dump(rows)
        return
    if not rows:
        _say("no releases stored; add some with `qa ingest PATH`")
    for r in rows:
        _say(f"{r.id}  {r.date or '----------'}  {r.n_chunks:>3} chunks  {r.title or '(untitled)'}")


@app.command()
def remove(
    ids: Annotated[list[str], typer.Argument(help="Release ids, or unique prefixes of them")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Remove releases and their chunks from the index (all or none)."""
    store = _open(_settings(db))
    try:
        removed = store.remove(ids)
    except StoreError as e:
        _fail(str(e))
    if as_json:
        _dump({"removed": removed})
    else:
        _say(f"removed {len(removed)} release(s): {', '.join(removed)}")


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


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="A question or keywords")],
    k: Annotated[Optional[int], typer.Option("-k", "--top", min=1, max=1000, help="Hits to show [default: 5]")] = None,  # noqa: UP045
    since: Annotated[Optional[str], typer.Option(help="Only releases dated on or after (YYYY-MM-DD)")] = None,  # noqa: UP045
    until: Annotated[Optional[str], typer.Option(help="Only releases dated on or before (YYYY-MM-DD)")] = None,  # noqa: UP045
    source: Annotated[Optional[str], typer.Option(help="Only releases whose source contains this text")] = None,  # noqa: UP045
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rank stored chunks for a question.

    Example: qa search "How much is the 13th presidential drawdown worth?" -k 3
    """
    from qa.index.search import Searcher

    first, last = _date_range(since, until)
    settings = _settings(db)
    store = _open(settings)
    hits = Searcher(store, settings.search).search(query, k, since=first, until=last, source=source)
    if as_json:
        _dump({"query": query, "hits": [h.model_dump() for h in hits]})
        return
    if not hits:
        _say("no matching chunks")
    for rank, h in enumerate(hits, 1):
        out.print(_text(f"{rank}. {h.title or '(untitled)'}", "bold")
                  + _text(f"  {h.date or 'undated'}  score {h.score:.2f}"))
        _say(f"   chunk {h.chunk_id}  chars {h.start}-{h.end}  {h.source}", "dim")
        body = textwrap.shorten(" ".join(h.text.split()), 600, placeholder=" …")
        _say(textwrap.indent(textwrap.fill(body, 100), "   "))


class AnswerMode(str, Enum):
    auto = "auto"
    extractive = "extractive"
    model = "model"


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question about the stored releases; - reads it from stdin")],
    mode: Annotated[
        Optional[AnswerMode],  # noqa: UP045
        typer.Option("--mode", case_sensitive=False, show_default=False,
                     help="extractive: never ask the model; model: always ask it; auto: ask it unless its recorded "
                     "eval shows it adds nothing (default: QA_ANSWER__MODE, else auto)"),
    ] = None,
    follow: Annotated[bool, typer.Option("-c", "--continue",
                                         help="A follow-up: continue the last conversation asked here")] = False,
    conversation: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--cid", metavar="ID", show_default=False,
                     help="A follow-up in this conversation (ids in `qa logs`)"),
    ] = None,
    model: ModelOption = None,
    no_log: NoLogOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Answer a question from the stored releases: the short answer first, then its evidence, cited.

    Every figure, name and quote printed stands in a cited release: the model's
    answer is kept only when it passes the grounding check; otherwise the answer
    is lifted from the best evidence sentence. An answer the evidence only partly
    supports is printed as the closest the releases come; when the releases do
    not cover the question, it says so, and why.

    Examples: qa ask "How much is the 13th presidential drawdown worth?" --mode extractive;
    qa ask -c "and what did it include?"; echo "Who met Umerov?" | qa ask -
    """
    if question == "-":
        question = sys.stdin.read().strip()
    if not question.strip():
        _fail("the question is empty; ask something, e.g. qa ask \"How much is the 52nd drawdown worth?\"")
    if len(question) > 1000:
        _fail("the question is longer than 1,000 characters")
    settings = _model_settings(db, model)
    cid, history = _conversation(settings, follow, conversation)

    def work(store: Store, settings: Settings, client: Callable[[], ModelClient]) -> Answer:
        from qa.answer import Answerer

        if mode is not None:
            settings = settings.with_mode(mode.value)
        # The client (and with it the embedded server) is built only if the Answerer asks the model.
        return Answerer(store, settings, client).ask(question, history=history)

    _model_command(settings, as_json, work, _print_answer,
                   lambda answer, seconds: _log(settings, no_log, "ask", question, answer, seconds, cid))


def _model_settings(db: Path | None, name: str | None) -> Settings:
    """The settings with the model named (or qa.toml's default): one line naming the config file when wrong."""
    from qa.llm.model_config import ModelConfigError, config_path, settings_for

    settings = _settings(db)
    try:
        return settings_for(settings, name)
    except ModelConfigError as e:
        where = str(config_path())
        _fail(str(e) if where in str(e) else f"{e} (model config: {where})")


def _conversation(settings: Settings, follow: bool, conversation: str | None) -> tuple[str | None, list[Turn]]:
    """The conversation a follow-up continues (--cid, else the last one with -c) and its turns so far."""
    if not follow and conversation is None:
        return None, []
    from qa.index.answer_log import AnswerLog, LogError, log_path

    log = AnswerLog(log_path(settings))
    try:
        cid = conversation or log.last_conversation_id()
        if cid is None:
            _fail(f"no earlier question to continue in the answer log {log.path}; ask one without -c first")
        return cid, log.turns(cid)
    except LogError as e:
        _fail(str(e))


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


def _print_answer(a: Answer) -> None:
    """The answer first and short, then the evidence, then how it was made (small print)."""
    from qa.answer import DECLINE, PARTIAL

    if a.corrections:
        _say("; ".join(f"searched for {c.searched}; you wrote {c.wrote}" for c in a.corrections), "dim")
    # Non-breaking spaces keep the marks on the line of the answer's last word when it is wrapped.
    marks = "".join(f"\xa0[{c.n}]" for c in a.evidence)
    if a.mode == "declined" or not a.answered:
        reason = a.reason.strip().rstrip(".")
        _say(f"{DECLINE}: {reason}." if reason else f"{DECLINE}.", "bold")
    elif a.support == "full":
        _say(_fill(a.answer + marks), "bold")
    else:
        _say(_fill(f"{PARTIAL}: {a.answer}{marks}"))
        if a.reason:
            _say(_fill(a.reason), "dim")
    for c in a.evidence:
        _say(f"\n[{c.n}] {c.title or '(untitled)'} ({c.date or 'undated'})")
        _say(textwrap.indent(textwrap.fill(f"“{' '.join(c.quote.split())}”", 96), "    "))
        _say(f"    chunk {c.chunk_id}, chars {c.start}-{c.end}, {c.source}", "dim")
    note = _how_made(a)
    if note:
        _say("\n" + note, "dim")


def _fill(text: str) -> str:
    return textwrap.fill(text, 100).replace("\xa0", " ")


def _how_made(a: Answer) -> str:
    """The small print: where the answer comes from and, when the model was asked, which and what came of it."""
    if a.mode == "model":
        model = a.usage[-1].model if a.usage else "?"
        return f"(model {model}, {'verified' if a.verified else 'not verified'})"
    if a.mode != "extractive":
        return ""
    if a.ungrounded:
        return "(extractive: the model's answer was not used: " + "; ".join(a.ungrounded) + ")"
    return "(extractive: lifted from the evidence, no model asked)"


@app.command()
def summarize(
    release_id: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(help="A release id, or a unique prefix of it (see `qa releases`) [default: the newest]"),
    ] = None,
    model: ModelOption = None,
    no_log: NoLogOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Summarize one release: a short summary, its key figures, people, organisations, equipment and quotes.

    Figures, people and quotes are read off the release's sentences, each with
    the sentence it comes from; the model's summary is kept only when every
    figure and name in it stands in the release, else the release's lead is used.

    Examples: qa summarize r3c320b0c; qa summarize (the newest release)
    """
    def work(store: Store, settings: Settings, client: Callable[[], ModelClient]) -> ReleaseSummary:
        from qa.brief.summarize import Summarizer

        newest = store.releases()
        if release_id is None and not newest:
            _fail("no releases stored; add some with `qa ingest PATH`")
        return Summarizer(store, settings, client).summarize(release_id or newest[0].id)

    settings = _model_settings(db, model)
    _model_command(settings, as_json, work, _print_summary, lambda summary, seconds: _log(
        settings, no_log, "summary", json.dumps({"release_id": release_id or summary.release_id}), summary, seconds))


def _print_summary(r: ReleaseSummary) -> None:
    _say(r.headline, "bold")
    _say(f"{r.date or 'undated'}  {r.source}  ({r.release_id})", "dim")
    label = "" if r.summary_mode == "model" else " (the release's lead, verbatim)"
    _say("\n" + textwrap.fill(r.summary, 100) + label)
    sections = [
        ("Key facts", [f"{f.value}: “{f.quote}”" for f in r.key_facts]),
        ("People", [f"{p.name}, {p.role}" if p.role else p.name for p in r.people]),
        ("Organisations", r.organizations),
        ("Equipment", r.equipment),
        ("Quotes", [f"{q.speaker or 'unattributed'}: “{q.text}”" for q in r.quotes]),
    ]
    for name, items in sections:
        if items:
            _say(f"\n{name}", "bold")
            for item in items:
                _say("  - " + textwrap.fill(item, 96, subsequent_indent="    "))


class BriefFormat(str, Enum):
    text = "text"
    md = "md"


@app.command()
def brief(
    since: Annotated[Optional[str], typer.Option(help="Only releases dated on or after (YYYY-MM-DD)")] = None,  # noqa: UP045
    until: Annotated[Optional[str], typer.Option(help="Only releases dated on or before (YYYY-MM-DD)")] = None,  # noqa: UP045
    query: Annotated[Optional[str], typer.Option(help="Only releases about this (searched)")] = None,  # noqa: UP045
    limit: Annotated[int, typer.Option(min=1, max=50, help="Most releases in the briefing")] = 8,
    fmt: Annotated[BriefFormat, typer.Option("--format", case_sensitive=False,
                                             help="text, or md: a Markdown memo to paste (sources linked)")
                   ] = BriefFormat.text,
    model: ModelOption = None,
    no_log: NoLogOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Brief several releases: an overview, sections by topic with cited bullets, a timeline of dated
    events, and the dollar figures that changed from one release to a later one.

    Example: qa brief --since 2022-01-01 --query "Ukraine security assistance" --format md > memo.md
    """
    first, last = _date_range(since, until)

    def work(store: Store, settings: Settings, client: Callable[[], ModelClient]) -> Briefing:
        from qa.brief.briefing import Briefer

        return Briefer(store, settings, client).brief(
            since=first, until=last, query=query, limit=limit)

    settings = _model_settings(db, model)
    request = {"since": first, "until": last, "query": query, "limit": limit, "format": fmt.value}
    _model_command(settings, as_json, work, _print_memo if fmt is BriefFormat.md else _print_brief,
                   lambda briefing, seconds: _log(settings, no_log, "brief", json.dumps(request), briefing, seconds))


def _print_memo(b: Briefing) -> None:
    from qa.brief.memo import markdown

    sys.stdout.write(visible(markdown(b)))


def _print_brief(b: Briefing) -> None:
    from qa.brief.memo import numbered

    if not b.releases:
        _say("no stored release matches")
        return
    b = numbered(b)
    cited: dict[int, Citation] = {}

    def cite(c: Citation) -> str:
        cited[c.n] = c
        return f"[{c.n}]"

    label = "" if b.overview_mode == "model" else " (the releases' leads, verbatim)"
    _say("Overview", "bold")
    overview = " ".join(f"{b.overview[s:e]} {cite(c)}" for (s, e), c in zip(b.overview_spans, b.overview_citations))
    _say(textwrap.fill(overview or b.overview, 100) + label)
    for section in b.sections:
        _say("\n" + section.topic, "bold")
        for bullet in section.bullets:
            _say("  - " + textwrap.fill(f"{bullet.text} {cite(bullet.citation)}", 96, subsequent_indent="    "))
    if b.timeline:
        _say("\nTimeline", "bold")
        for ev in b.timeline:
            _say("  " + textwrap.fill(f"{ev.date}  {ev.event} {cite(ev.citation)}", 96,
                                      subsequent_indent="              "))
    if b.changes:
        _say("\nFigures that changed", "bold")
        for ch in b.changes:
            _say(f"  {ch.before.value} ({ch.before_citation.date}) {cite(ch.before_citation)} -> {ch.after.value} "
                 f"({ch.after_citation.date}) {cite(ch.after_citation)}: {ch.measure}")
    _say("\nSources", "bold")
    for n in sorted(cited):
        c = cited[n]
        _say(f"  [{n}] {c.title} ({c.date or 'undated'}), chunk {c.chunk_id}, chars {c.start}-{c.end}")


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
    as_json: JsonOption = False,
) -> None:
    """Show the answer log: each answer, summary and briefing given, newest first, with its question, model,
    time, conversation id (for `qa ask --cid`) and sources.

    Examples: qa logs -n 10; qa logs -q drawdown; qa logs --cid 01jd... --json
    """
    from qa.index.answer_log import AnswerLog, LogError, log_path, render

    settings = _settings(None)
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
        _say(f"nothing logged{' that matches' if query or conversation else ''} in {log.path}{off}")
    for n, entry in enumerate(entries):
        _say(("\n" if n else "") + render(entry))


@app.command("models")
def models_(
    no_probe: Annotated[bool, typer.Option("--no-probe", help="Do not ask the endpoints whether they answer")] = False,
    as_json: JsonOption = False,
) -> None:
    """List the models `-m NAME` picks from: the built-in ones and those of qa.toml (in the user config folder,
    or QA_CONFIG), the default marked *, and whether each answers (an endpoint is asked, 3 s at most; a local
    model is never started).
    """
    from qa.llm.model_config import ModelConfigError, config_path, list_models

    try:
        found = list_models(_settings(None), probe=not no_probe)
    except ModelConfigError as e:
        _fail(str(e))
    if as_json:
        _dump({"config": str(config_path()), "models": [m.model_dump() for m in found]})
        return
    table = [("", "name", "kind", "model", "where", "answers")] + [
        ("*" if m.default else "", m.name, m.kind, m.model, m.location,
         {True: "yes", False: "no", None: "unknown"}[m.answers] + (f" ({m.detail})" if m.detail else ""))
        for m in found]
    widths = [max(len(row[i]) for row in table) for i in range(1, 5)]
    for row in table:
        _say(f"{row[0]:1} " + "  ".join(c.ljust(w) for c, w in zip(row[1:5], widths)) + "  " + row[5])
    path = config_path()
    _say(f"(* the default; built in, and from {path})" if path.exists() else f"(* the default; built in: no {path})",
         "dim")


@model_app.command("serve")
def model_serve(as_json: JsonOption = False) -> None:
    """Start the local model server (or find it running) and print its URL."""
    from qa.llm import local_model

    settings = _settings(None)
    try:
        url = local_model.ensure_server(settings.model, _state_dir())
    except local_model.LocalModelError as e:
        _fail(str(e))
    if as_json:
        _dump({"base_url": url})
    else:
        _say(f"local model ready at {url}")


@model_app.command("status")
def model_status(as_json: JsonOption = False) -> None:
    """Whether the local model server runs, where, and with which model file."""
    from qa.llm import local_model

    st = local_model.status(_settings(None).model, _state_dir())
    if as_json:
        _dump(st)
    elif st.running:
        _say(f"running: pid {st.pid}, {st.base_url}, {st.model_path}; log {st.log_path}")
    else:
        _say(f"not running (log {st.log_path})")


@model_app.command("stop")
def model_stop(as_json: JsonOption = False) -> None:
    """Stop the local model server."""
    from qa.llm import local_model

    stopped = local_model.stop(_settings(None).model, _state_dir())
    if as_json:
        _dump({"stopped": stopped})
    else:
        _say("stopped" if stopped else "not running")


@app.command("eval")
def eval_(
    config: Annotated[Path, typer.Option(help="The eval config: datasets, corpus, model, thresholds")] = Path(
        "evals/config.toml"),
    dataset: Annotated[Optional[list[str]], typer.Option(help="Only these datasets (by name)")] = None,  # noqa: UP045
    models: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("-m", "--model", metavar="NAME", show_default=False, autocompletion=_model_names,
                     help="Run a model by name (`qa models`) instead of the config's; give two or more to compare "
                     "them side by side"),
    ] = None,
    record: Annotated[bool, typer.Option("--record", help="Ask the configured model and record its traffic")] = False,
    compare: Annotated[Optional[Path], typer.Option(help="An earlier JSON report: list what regressed")] = None,  # noqa: UP045
    reports: Annotated[Optional[Path], typer.Option(help="Where reports go [default: reports/ beside the config]")] = None,  # noqa: UP045,E501
    as_json: JsonOption = False,
) -> None:
    """Run gold datasets through the real pipeline, score every answer, write JSON and Markdown reports,
    and exit 1 when a score falls under its threshold.

    Model traffic replays from cassettes/<model>/eval/ by default (no key, no network); --record asks the
    configured model (the embedded one is started if needed) and records it. With -m A -m B each model runs
    over the same datasets, from its own cassettes, and the comparison is printed and written beside the
    reports (compare-A-vs-B.md); only the config's own model is held to the thresholds.

    Examples: qa eval --dataset dev --compare evals/reports/dev.json; qa eval -m smollm2 -m gemma3-270m
    """
    from qa.evals import evaluation
    from qa.llm import local_model

    several = len(models or []) > 1
    if several and compare:
        _fail("--compare reads one model's report; give one -m, or none")
    comparison = None
    try:
        cfg = evaluation.load_config(config)
        settings = _settings(None)
        settings.model = evaluation.model_settings(cfg, settings.model)
        chosen = [d for d in cfg.dataset if not dataset or d.name in dataset]
        if not chosen:
            _fail(f"no dataset named {', '.join(dataset or [])} in {config}")
        old = evaluation.load_report(compare) if compare else None
        folder = reports or config.parent / "reports"
        if models:
            progress = _progress(f"eval {' vs '.join(models)}", as_json)
            with progress:
                task = progress.add_task("eval", total=None)
                comparison = evaluation.run_models(
                    cfg, settings, models, chosen, record,
                    progress=lambda name, ds, d, t: progress.update(task, completed=d, total=t))
            evaluation.write_comparison(comparison, folder)
            evaluation.write_model_reports(comparison, folder)
            results = [r for run in comparison.runs for r in run.reports]
        else:
            results = _eval_config_model(cfg, settings, chosen, record, folder, as_json)
    except (evaluation.EvalError, local_model.LocalModelError) as e:
        _fail(str(e))
    if as_json:
        _dump(comparison if several and comparison is not None else {"reports": [r.model_dump() for r in results]})
    elif several and comparison is not None:
        _say(evaluation.comparison_markdown(comparison).rstrip("\n"))
    for r in results:
        if not as_json and not several:
            s = r.score
            extractive = "" if s.extractive_all_facts is None else f" (extractive {s.extractive_all_facts:.3f})"
            _say(f"{r.dataset}: all facts {s.answerable_all_facts:.3f}{extractive}, short {s.short_answers:.3f}, "
                 f"wrong {s.answered_wrong:.3f}, partial {s.partial:.3f}, declined {s.unanswerable_declined:.3f}, "
                 f"citations {s.citation_accuracy:.3f}, grounded {s.grounding_rate:.3f}, "
                 f"model answers {s.model_answers} (gain {s.model_gain:+d}), "
                 f"{s.prompt_tokens} prompt tokens, p95 {s.latency_p95_s:.2f}s")
        if old is not None and old.dataset == r.dataset:
            regressed, improved = evaluation.compare(old, r)
            _say(f"  regressed: {', '.join(regressed) or 'none'}; improved: {', '.join(improved) or 'none'}")
        for failure in r.failures:
            _error(f"{r.dataset}: {failure}")
    raise typer.Exit(1 if any(r.failures for r in results) else 0)


def _eval_config_model(cfg: EvalConfig, settings: Settings, chosen: list[Dataset], record: bool, folder: Path,
                       as_json: bool) -> list[EvalReport]:
    """The eval config's own model over the datasets, each report written as it is done."""
    from qa.evals import evaluation
    from qa.llm import local_model

    if settings.model.base_url:
        base_url = settings.model.base_url
    elif record:
        base_url = local_model.ensure_server(settings.model, _state_dir())
    else:
        base_url = f"http://127.0.0.1:{settings.model.local_port}/v1"  # never reached: replayed
    results = []
    for ds in chosen:
        progress = _progress(f"eval {ds.name}", as_json)
        with progress:
            task = progress.add_task(ds.name, total=None)
            report = evaluation.run(ds, settings, record=record, base_url=base_url,
                                    price_per_million=cfg.price_per_million,
                                    progress=lambda d, t, bar=progress, task=task: bar.update(task, completed=d,
                                                                                              total=t))
        evaluation.write_reports(report, folder)
        results.append(report)
    return results


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; anything but loopback needs QA_API_TOKEN")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Worker processes")] = 1,
    db: DbOption = None,
) -> None:
    """Serve the web page (at /) and the JSON API (docs at /docs) over the same index and model as the command line.

    Example: qa serve --port 8000; QA_API_TOKEN=secret qa serve --host 0.0.0.0
    """
    import os

    import uvicorn

    from qa.service.guard import is_loopback

    token = os.environ.get("QA_API_TOKEN") or None
    if not is_loopback(host) and not token:
        _fail(f"binding {host} exposes the API beyond this machine; set QA_API_TOKEN to require a bearer token")
    settings = _settings(db)
    os.environ["QA_DB"] = str(settings.db)  # each worker builds its app from the environment
    _open(settings, create=True)
    uvicorn.run("qa.service:app_from_env", factory=True, host=host, port=port, workers=workers, log_level="info")
