"""The answer log at the command line (issue 11): every ask, summary and briefing logged after it is printed,
`qa logs` to read it, and follow-ups (`qa ask -c`, `--cid`) that continue a logged conversation."""

import json
from pathlib import Path

import pytest

from qa.answer import Answerer
from qa.index.conversation import Turn
from qa.index.store import Store
from qa.llm import endpoint
from qa.llm.client import no_model_client
from qa.schemas import Answer
from tests import test_cli
from tests.test_cli import SAMPLE_ID, SEED, run

# The fixtures of the CLI's tests, shared; the first keeps every test to its own model config.
own_config, db, sample_db, no_model = (test_cli.own_config, test_cli.db, test_cli.sample_db,
                                               test_cli.no_model)
MET = "Where had Austin and Umerov most recently met?"


def logged(*args: str) -> list[dict]:
    code, out, err = run("logs", "--json", *args)
    assert code == 0 and err == "", err
    return json.loads(out)


def ask(db: Path, question: str, *args: str) -> tuple[int, str, str]:
    return run("ask", question, "--db", str(db), "--mode", "extractive", *args)


@pytest.fixture()
def histories(monkeypatch: pytest.MonkeyPatch) -> list[list[Turn]]:
    """The earlier turns each `qa ask` hands the answerer."""
    seen: list[list[Turn]] = []
    real = Answerer.ask

    def ask(self: Answerer, question: str, history: list[Turn] | None = None) -> Answer:
        seen.append(list(history or []))
        return real(self, question, history=history)

    monkeypatch.setattr(Answerer, "ask", ask)
    return seen


def test_qa_logs_shows_an_ask_made_by_the_command_line(sample_db: Path, no_model: None) -> None:
    assert ask(sample_db, SEED)[0] == 0
    code, out, _ = run("logs")
    assert code == 0
    lines = out.splitlines()
    assert " ask  (" in lines[0] and "extractive, full; cli, " in lines[0]
    assert lines[1].startswith("conversation ")
    assert f"Question: {SEED}" in lines and "Answer: $175 million" in lines
    assert "  - Austin Meets With Ukrainian Minister of Defense at Pentagon (2023-12-06)" in lines
    [entry] = logged()
    assert (entry["kind"], entry["request"], entry["answer"], entry["endpoint"]) == ("ask", SEED, "$175 million",
                                                                                      "cli")
    assert entry["result"]["evidence"][0]["release_id"] == SAMPLE_ID and entry["latency_s"] > 0


def test_logs_newest_first_by_count_text_and_conversation(sample_db: Path, no_model: None) -> None:
    for question in (SEED, MET, "How much is the 52nd drawdown worth, in dollars?"):
        assert ask(sample_db, question)[0] == 0
    assert [e["request"] for e in logged("-n", "2")] == ["How much is the 52nd drawdown worth, in dollars?", MET]
    assert [e["request"] for e in logged("-q", "Kyiv")] == [MET]  # in the answer
    assert [e["request"] for e in logged("-q", "UMEROV")] == [MET]  # in the question
    cid = logged("-q", "Kyiv")[0]["conversation_id"]
    assert [e["request"] for e in logged("--cid", cid)] == [MET]
    code, out, _ = run("logs", "-q", "no such words")
    assert code == 0 and out.startswith("nothing logged that matches in ")


def test_summaries_and_briefings_are_logged_as_requests(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(endpoint, "model_client", lambda settings: no_model_client(settings.model))
    assert run("summarize", SAMPLE_ID[:4], "--db", str(sample_db))[0] == 0
    assert run("brief", "--since", "2023-01-01", "--db", str(sample_db), "--json")[0] == 0
    briefing, summary = logged()
    assert summary["kind"] == "summary" and json.loads(summary["request"]) == {"release_id": SAMPLE_ID[:4]}
    assert summary["answer"] and summary["mode"] == "extractive"
    assert briefing["kind"] == "brief" and json.loads(briefing["request"])["since"] == "2023-01-01"


def test_no_log_and_the_setting_keep_an_answer_out_of_the_log(sample_db: Path, no_model: None,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    assert ask(sample_db, SEED, "--no-log")[0] == 0
    assert logged() == []
    monkeypatch.setenv("QA_LOG__ENABLED", "false")
    assert ask(sample_db, SEED)[0] == 0
    code, out, _ = run("logs")
    assert code == 0 and "logging is off (QA_LOG__ENABLED)" in out


def test_a_log_that_cannot_be_written_is_one_warning_and_the_answer_stands(
        sample_db: Path, tmp_path: Path, no_model: None, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("QA_LOG__PATH", str(blocker / "logs.db"))  # its folder is a file
    code, out, err = ask(sample_db, SEED, "--json")
    assert code == 0 and json.loads(out)["answer"] == "$175 million"
    assert err.count("\n") == 1 and err.startswith("qa: warning: not logged: ") and str(blocker) in err


# --- Follow-ups ------------------------------------------------------------------------------------------------------

def test_continue_follows_the_last_conversation(sample_db: Path, no_model: None,
                                                histories: list[list[Turn]]) -> None:
    assert ask(sample_db, SEED)[0] == 0
    code, out, _ = ask(sample_db, "and where had they most recently met?", "-c")
    assert code == 0 and out
    assert histories[0] == [] and [t.question for t in histories[1]] == [SEED]
    assert histories[1][0].answer.answer == "$175 million"
    follow_up, first = logged()
    assert follow_up["conversation_id"] == first["conversation_id"]
    assert follow_up["request"] == "and where had they most recently met?"


def test_each_question_without_c_begins_a_conversation(sample_db: Path, no_model: None) -> None:
    assert ask(sample_db, SEED)[0] == 0 and ask(sample_db, MET)[0] == 0
    second, first = logged()
    assert second["conversation_id"] != first["conversation_id"]


def test_cid_continues_an_earlier_conversation(sample_db: Path, no_model: None,
                                               histories: list[list[Turn]]) -> None:
    assert ask(sample_db, SEED)[0] == 0
    assert ask(sample_db, MET)[0] == 0
    first = logged("-q", SEED)[-1]["conversation_id"]
    assert ask(sample_db, "and who announced it?", "--cid", first)[0] == 0
    assert [t.question for t in histories[-1]] == [SEED]
    assert [e["request"] for e in logged("--cid", first)] == ["and who announced it?", SEED]


def test_a_follow_up_with_nothing_to_follow_is_a_clear_error(sample_db: Path, no_model: None) -> None:
    code, out, err = ask(sample_db, "and how much was it worth?", "-c")
    assert code == 2 and out == ""
    assert err.startswith("qa: error: no earlier question to continue in the answer log ")
    code, _, err = ask(sample_db, "and how much was it worth?", "--cid", "01nosuch")
    assert code == 2 and "no conversation '01nosuch' in the answer log" in err


def test_logs_takes_db_and_reads_the_log_ask_wrote_with_it(pg_server: object, pg_dsn: str, no_model: None,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # No log path of its own: an index on PostgreSQL keeps its log in that database, and `qa logs --db` reads it.
    monkeypatch.delenv("QA_LOG__PATH")
    other = pg_server.create("qa_logs_other")  # type: ignore[attr-defined]
    Store(other).close()
    monkeypatch.setenv("QA_DB", other)
    assert run("ingest", "--sample", "--db", pg_dsn)[0] == 0
    assert ask(pg_dsn, MET)[0] == 0  # type: ignore[arg-type]
    code, out, err = run("logs", "--json", "--db", pg_dsn)
    assert code == 0 and err == "", err
    assert [e["request"] for e in json.loads(out)] == [MET]
    code, out, _ = run("logs", "--json")  # QA_DB's index: its log is another
    assert code == 0 and json.loads(out) == []
