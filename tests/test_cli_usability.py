"""The command line as a new user meets it (issue 11): --version, stdin, help that shows flags as flags,
shell completion, a spinner only where it helps, and a word when the local model server is left running."""

import io
import json
import re
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pytest
import typer.completion
from rich.console import Console
from rich.status import Status

import qa.cli.main  # noqa: F401 - registers the commands on the app
from qa.cli import common as cli
from qa.llm import local_model
from qa.testing.fake_models import FakeModel, Oracle
from tests import test_cli
from tests.test_cli import GOLD, SEED, run, runner

# The fixtures of the CLI's tests, shared; the first keeps every test to its own model config.
own_config, db, sample_db = test_cli.own_config, test_cli.db, test_cli.sample_db
model, no_model = test_cli.model, test_cli.no_model

COMMANDS = ["ingest", "releases", "remove", "search", "ask", "summarize", "brief", "eval", "serve", "model serve",
            "model status", "model stop"]


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out == f"qa {version('qa')}\n"


def cli_run_with_input(stdin: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_ask_dash_reads_the_question_from_stdin(sample_db: Path, no_model: None) -> None:
    result = cli_run_with_input(f"{SEED}\n", "ask", "-", "--db", str(sample_db), "--mode", "extractive")
    assert result[0] == 0 and result[1].startswith("$175 million [1]")


@pytest.mark.parametrize("piped", ["", "  \n\t\n"])
def test_an_empty_question_on_stdin_is_a_usage_error(sample_db: Path, no_model: None, piped: str) -> None:
    code, out, err = cli_run_with_input(piped, "ask", "-", "--db", str(sample_db))
    assert code == 2 and out == "" and "the question is empty" in err


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_flags_without_a_value_placeholder(command: str) -> None:
    code, out, _ = run(*command.split(), "--help")
    assert code == 0
    assert "<bool>" not in out
    flags = re.findall(r"^\s+(--[\w-]+)(.*)$", out, re.M)
    assert flags
    for flag, rest in flags:
        if flag in ("--json", "--help", "--sample", "--record"):
            assert not rest.strip().startswith(("<", "[", "BOOL", "BOOLEAN")), (flag, rest)


def test_help_keeps_bracketed_text() -> None:
    _, out, _ = run("search", "--help")
    assert "[env: QA_DB;" in " ".join(out.split()) and "[default: 5]" in out


def test_shell_completion_is_available(monkeypatch: pytest.MonkeyPatch) -> None:
    _, out, _ = run("--help")
    assert "--install-completion" in out and "--show-completion" in out
    # The shell is found from the parent processes, which under a test runner need not be a shell typer knows.
    monkeypatch.setattr(typer.completion, "_get_shell_name", lambda: "bash")
    code, script, _ = run("--show-completion")
    assert code == 0 and "COMPREPLY" in script and "complete_bash" in script


# --- The spinner: on a terminal's stderr only, never with --json ------------------------------------------------------

@pytest.fixture()
def terminal(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """stderr as a terminal: what the CLI's error console writes there."""
    screen = io.StringIO()
    monkeypatch.setattr(cli, "err", Console(file=screen, force_terminal=True, highlight=False, markup=False))
    return screen


def test_the_spinner_runs_only_on_a_terminal_and_never_with_json(terminal: io.StringIO,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    with cli._spinner("waiting", quiet=False) as shown:
        assert isinstance(shown, Status)
    with cli._spinner("waiting", quiet=True) as shown:
        assert not isinstance(shown, Status)
    monkeypatch.setattr(cli, "err", Console(file=io.StringIO(), force_terminal=False))
    with cli._spinner("waiting", quiet=False) as shown:
        assert not isinstance(shown, Status)


def test_json_output_has_no_spinner_even_on_a_terminal(sample_db: Path, terminal: io.StringIO,
                                                       model: Callable[[FakeModel], FakeModel]) -> None:
    oracle = model(Oracle(gold=GOLD))
    code, out, err = run("ask", SEED, "--db", str(sample_db), "--mode", "model", "--json")
    assert code == 0 and oracle.calls == 1 and "$175 million" in json.loads(out)["answer"]
    assert terminal.getvalue() == "" and err == ""


def test_piped_stderr_gets_no_spinner(sample_db: Path, model: Callable[[FakeModel], FakeModel]) -> None:
    oracle = model(Oracle(gold=GOLD))
    code, out, err = run("ask", SEED, "--db", str(sample_db), "--mode", "model")
    assert code == 0 and oracle.calls == 1 and "$175 million" in out.splitlines()[0]
    assert err == ""


# --- The local server left running: said once, by the command that started it ----------------------------------------

@pytest.mark.parametrize("started", [True, False])
def test_the_command_that_starts_the_local_server_says_it_stays_running(
        sample_db: Path, model: Callable[[FakeModel], FakeModel], monkeypatch: pytest.MonkeyPatch,
        started: bool) -> None:
    monkeypatch.setattr(local_model, "started_here", lambda: [4242] if started else [])
    monkeypatch.setenv("QA_MODEL__IDLE_STOP", "900")
    model(Oracle(gold=GOLD))
    code, out, err = run("ask", SEED, "--db", str(sample_db), "--mode", "model", "--json")
    assert code == 0 and "$175 million" in json.loads(out)["answer"]
    assert err.count("qa model stop") == (1 if started else 0)
    if started:
        assert "(pid 4242) stays running" in err and "stops by itself after 15 minutes unused" in err


def test_no_word_about_the_local_server_when_the_model_is_not_asked(
        sample_db: Path, no_model: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_model, "started_here", lambda: [4242])
    code, _, err = run("ask", SEED, "--db", str(sample_db), "--mode", "extractive")
    assert code == 0 and err == ""
