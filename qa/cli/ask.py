"""`qa search` and `qa ask`: ranked chunks, and the short cited answer first."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from qa.cli.common import (
    DbOption,
    JsonOption,
    ModelOption,
    NoLogOption,
    _date_range,
    _dump,
    _fail,
    _log,
    _model_command,
    _model_settings,
    _open,
    _say,
    _settings,
    _text,
    app,
    out,
)
from qa.index.store import Store
from qa.settings import Settings

if TYPE_CHECKING:
    from qa.index.conversation import Turn
    from qa.llm.client import ModelClient
    from qa.schemas import Answer


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


def _print_answer(a: Answer) -> None:
    """The answer first and short, then the evidence, then how it was made (small print)."""
    from qa.answer import DECLINE, PARTIAL

    # Non-breaking spaces keep the marks on the line of the answer's last word when it is wrapped.
    marks = "".join(f"\xa0[{c.n}]" for c in a.evidence)
    if a.mode == "declined" or not a.answered:
        reason = a.reason.strip().rstrip(".")
        _say(f"{DECLINE}: {reason}." if reason else f"{DECLINE}.", "bold")
    elif a.conflict:
        _say(_fill(f"The releases disagree: {a.answer}{marks}"), "bold")
    elif a.support == "full":
        _say(_fill(a.answer + marks), "bold")
    else:
        _say(_fill(f"{PARTIAL}: {a.answer}{marks}"))
        if a.reason:
            _say(_fill(a.reason), "dim")
    if a.computed and a.answered:
        _say(_fill(f"Worked out from these values: {a.computed}."))
    if a.corrections:
        # After the answer, which comes first: the reader checks a misread word before trusting the sources.
        _say("; ".join(f"searched for {c.searched}; you wrote {c.wrote}" for c in a.corrections), "dim")
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
