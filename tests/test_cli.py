import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa.cli.main import app
from qa.cli.terminal import visible
from qa.evals.retrieval import GoldQuestion
from qa.index.store import Store
from qa.llm import endpoint, local_model
from qa.llm.client import no_model_client
from qa.settings import ModelSettings
from qa.testing.fake_models import Adversary, FakeModel, Oracle, fake_client
from tests.conftest import write_release

runner = CliRunner()
SAMPLE_ID = "r3c320b0cabba"  # the sample release's id, from its source URL
SEED = "How much is the 52nd drawdown worth?"
GOLD = [GoldQuestion(id="seed", question=SEED, gold_facts=["$175 million"], kind="numeric"),
        GoldQuestion(id="met", question="Where had Austin and Umerov most recently met?", gold_facts=["Kyiv"],
                     kind="lookup")]


@pytest.fixture(autouse=True)
def own_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's model config its own (absent until written), never the user's qa.toml; logging on (the log
    is the test's own: conftest)."""
    monkeypatch.setenv("QA_CONFIG", str(tmp_path / "qa.toml"))
    monkeypatch.delenv("QA_LOG__ENABLED", raising=False)
    # Each command is a process of its own: a local server an earlier test started (recording, QA_RECORD=1) is
    # none this command started, and no notice of it belongs in this command's output.
    monkeypatch.setattr(local_model, "_started", [])
    return tmp_path / "qa.toml"


@pytest.fixture()
def db(db_target: Path | str) -> Path | str:
    """The index of each test, once an SQLite file and once a PostgreSQL database: every command takes either."""
    return db_target


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_ingest_the_sample_then_search_it(db: Path) -> None:
    code, out, _ = run("ingest", "--sample", "--db", str(db))
    assert code == 0 and "1 release(s) stored (1 new" in out
    code, out, _ = run("search", "Where had Austin and Umerov most recently met?", "-k", "1", "--db", str(db))
    assert code == 0
    assert "Austin Meets With Ukrainian Minister of Defense at Pentagon" in out and "Kyiv" in out


def test_json_outputs_parse(db: Path) -> None:
    code, out, _ = run("ingest", "--sample", "--db", str(db), "--json")
    report = json.loads(out)
    assert code == 0 and len(report["added"]) == 1 and report["errors"] == []
    code, out, _ = run("search", "Umerov Kyiv", "--db", str(db), "--json")
    hit = json.loads(out)["hits"][0]
    assert {"chunk_id", "release_id", "score", "title", "date", "source", "start", "end", "text"} <= set(hit)
    code, out, _ = run("releases", "--db", str(db), "--json")
    [release] = json.loads(out)
    assert release["id"] == hit["release_id"] and release["date"] == "2023-12-06"
    code, out, _ = run("ingest", "--sample", "--db", str(db), "--json")
    assert json.loads(out)["unchanged"] == [release["id"]]


def test_a_bad_file_fails_the_exit_code_but_not_the_others(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_release(folder, "good.txt", "Good", "2024-01-01", "https://s/good", "A good body.")
    (folder / "bad.txt").write_bytes("Titl\u00e9".encode("latin-1"))
    code, out, err = run("ingest", str(folder), "--db", str(db))
    assert code == 1
    assert f"{folder / 'bad.txt'}: not UTF-8 text" in err
    assert "1 release(s) stored" in out and "1 failed" in out


def test_remove_and_list(db: Path) -> None:
    run("ingest", "--sample", "--db", str(db))
    _, out, _ = run("releases", "--db", str(db), "--json")
    rid = json.loads(out)[0]["id"]
    code, out, _ = run("remove", rid[:6], "--db", str(db))
    assert code == 0 and rid in out
    _, out, _ = run("releases", "--db", str(db))
    assert "no releases stored" in out
    code, _, err = run("remove", rid, "--db", str(db))
    assert code == 2 and "no release with id" in err


def test_errors_are_clear(db: Path, tmp_path: Path) -> None:
    code, _, err = run("search", "anything", "--db", str(tmp_path / "missing.db"))
    assert code == 2 and "run `qa ingest` first" in err
    run("ingest", "--sample", "--db", str(db))
    code, _, err = run("search", "x", "--since", "last week", "--db", str(db))
    assert code == 2 and "--since: unrecognised date 'last week'" in err
    code, _, err = run("ingest", "--db", str(db))
    assert code == 2 and "give files, folders or URLs" in err


def test_db_from_the_environment(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_DB", str(db))
    assert run("ingest", "--sample")[0] == 0
    assert len(Store(db).releases()) == 1


def test_filters_on_the_command_line(db: Path) -> None:
    run("ingest", "--sample", "--db", str(db))
    _, out, _ = run("search", "Umerov", "--until", "2023-01-01", "--db", str(db), "--json")
    assert json.loads(out)["hits"] == []
    _, out, _ = run("search", "Umerov", "--since", "Dec. 1, 2023", "--source", "defense.gov", "--db", str(db), "--json")
    hits = json.loads(out)["hits"]
    assert hits and {h["release_id"] for h in hits} == {SAMPLE_ID}
    _, out, _ = run("search", "Umerov", "--source", "example.test", "--db", str(db), "--json")
    assert json.loads(out)["hits"] == []


def test_brackets_in_text_and_names_are_printed_as_they_are(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_release(folder, "r.txt", "Remarks [as delivered]", "2023-08-28", "https://s/r",
                  "Thank you very much to Mike [Gruss] for that great introduction.")
    (folder / "bad[1].txt").write_bytes(b"")
    code, _, err = run("ingest", str(folder), "--db", str(db))
    assert code == 1 and "bad[1].txt: empty file" in err
    _, out, _ = run("search", "who gave the introduction", "--db", str(db))
    assert "Mike [Gruss]" in out and "Remarks [as delivered]" in out


# --- qa ask: the answer first and short, then the evidence; the model only when the mode asks for it ---------------

@pytest.fixture()
def sample_db(db: Path) -> Path:
    assert run("ingest", "--sample", "--db", str(db))[0] == 0
    return db


@pytest.fixture()
def model(monkeypatch: pytest.MonkeyPatch) -> Callable[[FakeModel], FakeModel]:
    """Points the CLI's model client (qa.llm.endpoint.model_client) at a scripted fake, which counts its calls."""
    def use(fake: FakeModel) -> FakeModel:
        monkeypatch.setattr(endpoint, "model_client", lambda settings: fake_client(fake, settings.model))
        return fake

    return use


@pytest.fixture()
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Building a model client fails the test: the local server must not even be started."""
    def refuse(settings: object) -> None:
        raise AssertionError("the model client was built")

    monkeypatch.setattr(endpoint, "model_client", refuse)


def ask(db: Path, question: str, *args: str) -> tuple[int, list[str], str]:
    code, out, err = run("ask", question, "--db", str(db), *args)
    return code, out.splitlines(), err


def test_the_seed_question_prints_the_short_answer_first_then_its_evidence(sample_db: Path, no_model: None) -> None:
    code, lines, _ = ask(sample_db, SEED, "--mode", "extractive")
    assert code == 0
    assert re.fullmatch(r"\$175 million( \[\d\])+", lines[0]), lines[0]
    assert "[1]" in lines[0]
    assert lines[2] == "[1] Austin Meets With Ukrainian Minister of Defense at Pentagon (2023-12-06)"
    assert lines[3].startswith("    “") and "52nd drawdown" in lines[3]
    quoted = "\n".join(lines)
    assert "$175 million" in quoted.split("[2]")[-1] and "”" in quoted
    assert any(re.fullmatch(rf"    chunk {SAMPLE_ID}:\d+, chars \d+-\d+, https://www\.defense\.gov/\S+", line)
               for line in lines)
    assert lines[-1] == "(extractive: lifted from the evidence, no model asked)"


def test_json_is_the_answer_model_with_its_evidence(sample_db: Path, no_model: None) -> None:
    code, out, _ = run("ask", SEED, "--db", str(sample_db), "--json", "--mode", "extractive")
    answer = json.loads(out)
    assert code == 0 and "citations" not in answer
    assert {"answer", "support", "mode", "evidence", "corrections", "reason", "verified"} <= set(answer)
    assert (answer["answer"], answer["support"], answer["mode"]) == ("$175 million", "full", "extractive")
    store = Store(sample_db)
    try:
        for n, c in enumerate(answer["evidence"], 1):
            assert c["n"] == n and c["release_id"] == SAMPLE_ID and c["chunk_id"].startswith(SAMPLE_ID + ":")
            assert store.release_text(SAMPLE_ID)[c["start"]:c["end"]] == c["quote"]
    finally:
        store.close()
    assert any("$175 million" in c["quote"] for c in answer["evidence"])


def test_a_partial_answer_is_printed_as_the_closest_the_releases_come(db: Path, tmp_path: Path,
                                                                      no_model: None) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_release(folder, "guard.txt", "Reserve Components Report Recruiting Numbers", "2014-09-15",
                  "https://example.test/guard",
                  "Here are the reserve component accession numbers for fiscal 2014 through August:\n"
                  "-- Army National Guard: 43,519 accessions, 96.5 percent of its goal of 45,101;\n"
                  "-- Navy Reserve: 5,150 accessions, 100 percent of its goal of 5,150.")
    assert run("ingest", str(folder), "--db", str(db))[0] == 0
    question = "How many accessions did the Army record in fiscal 2014 through August?"
    code, lines, _ = ask(db, question, "--mode", "extractive")
    assert code == 0
    first = lines.index(next(line for line in lines if line.startswith("[1] ")))  # the first evidence
    assert lines[first - 1] == ""
    answer, reason = " ".join(lines[:first - 2]), lines[first - 2]  # the answer may be wrapped; then the reason
    assert answer.startswith("The closest the releases come: ") and "43,519" in answer
    assert re.search(r"\S( \[\d\])+$", answer)  # its marks, never alone on a line
    assert not any(re.fullmatch(r"[\[\]\d ]+", line) for line in lines[:first - 2])
    assert "Army" in reason and not reason.startswith(("[", "The closest"))
    code, out, _ = run("ask", question, "--db", str(db), "--json", "--mode", "extractive")
    assert json.loads(out)["support"] == "partial"


def test_a_corrected_word_is_shown_right_after_the_answer(sample_db: Path, no_model: None) -> None:
    code, lines, _ = ask(sample_db, "How much is the 52nd drawdwn worth?", "--mode", "extractive")
    assert code == 0
    assert lines[0].startswith("$175 million [1]")
    assert lines[1] == "searched for drawdown; you wrote drawdwn"
    assert lines[2] == "" and lines[3].startswith("[1] ")


def test_a_question_the_releases_do_not_cover_says_so_and_why(sample_db: Path, no_model: None) -> None:
    code, lines, _ = ask(sample_db, "What was the value of the 37th presidential drawdown package for Ukraine?")
    assert code == 0
    assert lines[0].startswith("The releases do not say: ") and "37th" in lines[0] and lines[0].endswith(".")
    assert not any(line.startswith(("[1]", "(extractive", "(model")) for line in lines)


def test_mode_model_with_a_careless_model_prints_the_extractive_answer_and_why(
        sample_db: Path, model: Callable[[FakeModel], FakeModel]) -> None:
    adversary = model(Adversary(gold=GOLD, kind="number"))
    code, lines, _ = ask(sample_db, SEED, "--mode", "model")
    assert code == 0 and adversary.calls >= 1
    wrong = adversary.replies[0]["answer"]
    assert "$176 million" in wrong
    assert lines[0].startswith("$175 million [1]") and "$176" not in "\n".join(lines[:-1])
    assert lines[-1].startswith("(extractive: the model's answer was not used: ") and "$176 million" in lines[-1]


def test_mode_model_with_a_capable_model_prints_its_verified_answer(
        sample_db: Path, model: Callable[[FakeModel], FakeModel]) -> None:
    oracle = model(Oracle(gold=GOLD))
    code, lines, _ = ask(sample_db, "Where had Austin and Umerov most recently met?", "--mode", "model")
    assert code == 0 and oracle.calls == 1
    assert lines[0] == "Kyiv [1]"
    assert lines[-1] == f"(model {ModelSettings().model}, verified)"


def test_the_mode_flag_overrides_the_environment(sample_db: Path, model: Callable[[FakeModel], FakeModel],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    oracle = model(Oracle(gold=GOLD))
    monkeypatch.setenv("QA_ANSWER__MODE", "model")
    code, out, _ = run("ask", SEED, "--db", str(sample_db), "--json")
    assert code == 0 and oracle.calls == 1 and json.loads(out)["mode"] == "model"
    code, out, _ = run("ask", SEED, "--db", str(sample_db), "--json", "--mode", "extractive")
    assert code == 0 and oracle.calls == 1 and json.loads(out)["mode"] == "extractive"


@pytest.mark.parametrize("gain, asked", [(0.0, False), (0.05, True)])
def test_auto_asks_the_model_only_when_its_eval_shows_a_gain(sample_db: Path, tmp_path: Path, gain: float,
                                                             asked: bool, model: Callable[[FakeModel], FakeModel],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "dev.json").write_text(json.dumps({"model": ModelSettings().model,
                                                  "score": {"model_gain": gain, "model_improved": 0}}))
    monkeypatch.setenv("QA_ANSWER__REPORTS", str(reports))
    oracle = model(Oracle(gold=GOLD))
    code, lines, _ = ask(sample_db, SEED, "--mode", "auto")
    assert code == 0 and "$175 million" in lines[0]
    assert oracle.calls == (1 if asked else 0)
    assert lines[-1].startswith("(model " if asked else "(extractive: lifted from the evidence, no model asked)")


def test_bad_modes_and_empty_questions_are_usage_errors(sample_db: Path, no_model: None,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run("ask", SEED, "--mode", "guess", "--db", str(sample_db))
    assert code == 2 and "--mode" in err and "extractive" in err
    for question in ("", "   "):
        code, out, err = run("ask", question, "--db", str(sample_db))
        assert code == 2 and "the question is empty" in err and out == ""
    monkeypatch.setenv("QA_ANSWER__MODE", "sometimes")
    code, _, err = run("ask", SEED, "--db", str(sample_db))
    assert code == 2 and "bad setting in the environment" in err and "mode" in err


def test_the_command_line_imports_no_service_eval_or_model_client_until_needed(sample_db: Path) -> None:
    """What `import qa.cli.main` and an extractive ask load: none of the HTTP service, the evals, the model client's
    endpoint or the local server's manager. The ask reads qa.toml for the default model, and qa.llm.model_config
    names the built-in models' files through qa.llm.local_model, which starts nothing when imported."""
    script = (
        "import sys\n"
        "import qa.cli.main\n"
        "heavy = ('fastapi', 'uvicorn', 'openai', 'vcr', 'qa.evals.evaluation', 'qa.llm.endpoint',\n"
        "         'qa.llm.local_model', 'qa.service', 'rich.progress')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "try:\n"
        "    qa.cli.main.app(['ask', sys.argv[1], '--db', sys.argv[2], '--mode', 'extractive'])\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        # spaCy's own import (the language layer an answer reads with) brings rich.progress along.
        "print(sorted(m for m in heavy[:2] + heavy[4:-1] if m in sys.modules and m != 'qa.llm.local_model'))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, SEED, str(sample_db)], capture_output=True, text=True,
                          timeout=120, check=True)
    lines = done.stdout.splitlines()
    assert lines[0] == "[]"
    assert lines[1].startswith("$175 million")
    assert lines[-1] == "[]"


def test_summarize_and_brief_print_cited_output(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No model (every call refused): the release's own sentences, verbatim and cited.
    monkeypatch.setattr(endpoint, "model_client", lambda settings: no_model_client(settings.model))
    code, out, _ = run("summarize", SAMPLE_ID[:4], "--db", str(sample_db), "--json")
    summary = json.loads(out)
    assert code == 0 and summary["headline"].startswith("Austin Meets") and summary["people"]
    assert summary["summary_mode"] == "extractive"
    assert any(f["value"].startswith("$175 million") for f in summary["key_facts"])  # with what it measures
    code, out, _ = run("brief", "--since", "2023-01-01", "--db", str(sample_db))
    assert code == 0 and "Timeline" in out and "2023-12-06" in out and "Sources" in out
    assert f"release {SAMPLE_ID}" in out  # the sources: one per release
    code, memo, _ = run("brief", "--since", "2023-01-01", "--db", str(sample_db), "--format", "md")
    assert code == 0 and memo.startswith("# Briefing: Releases\n") and "## Timeline" in memo
    assert "1. [Austin Meets With Ukrainian Minister of Defense at Pentagon](<https://www.defense.gov/" in memo


def test_ask_without_an_index_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run("ask", "anything?", "--db", str(tmp_path / "none.db"))
    assert code == 2 and "run `qa ingest` first" in err


# --- Stored text reaches the terminal shown, never obeyed (issue 10) -------------------------------------------------

def test_control_characters_in_stored_text_are_shown_not_obeyed(sample_db: Path) -> None:
    store = Store(sample_db)  # as an index written before ingest removed control characters
    text = store.db.execute("SELECT text FROM releases").fetchone()[0]
    with store.write():
        store.db.execute("UPDATE releases SET title = ?, source = ?, text = ?",
                         ("Evil \x1b]0;pwned\x07 [bold]Title[/bold] :warning: \x9b2J", "https://s/\x1b[2J",
                          text.replace("Umerov", "\x1b[31mX", 1)))  # as long as what it replaces: the spans hold
    store.close()
    shown = "Evil \\x1b]0;pwned\\x07 [bold]Title[/bold] :warning: \\x9b2J"
    code, out, _ = run("releases", "--db", str(sample_db))
    assert code == 0 and shown in out and "\x1b" not in out and "\x9b" not in out
    code, out, _ = run("search", "Umerov Kyiv hosted", "-k", "1", "--db", str(sample_db))
    assert code == 0 and f"1. {shown}" in out and "https://s/\\x1b[2J" in out and "\\x1b[31mX" in out
    assert "\x1b" not in out
    code, out, _ = run("search", "Umerov Kyiv hosted", "-k", "1", "--db", str(sample_db), "--json")
    assert "\x1b" not in out and "\x9b" not in out
    assert json.loads(out)["hits"][0]["title"] == "Evil \x1b]0;pwned\x07 [bold]Title[/bold] :warning: \x9b2J"


def test_errors_show_the_control_characters_of_file_names(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad\x1b[31m.txt").write_bytes(b"")
    code, _, err = run("ingest", str(folder), "--db", str(db))
    assert code == 1 and "\x1b" not in err
    assert err.startswith(f"qa: error: {folder}/bad\\x1b[31m.txt: empty file\n")


def test_visible_writes_out_control_characters_only() -> None:
    assert visible("a\x1b[1mb\x00c\x7fd\x9be\rf") == "a\\x1b[1mb\\x00c\\x7fd\\x9be\\x0df"
    assert visible("Line one\n\tLine two, “quoted” [x] :y: é") == "Line one\n\tLine two, “quoted” [x] :y: é"
