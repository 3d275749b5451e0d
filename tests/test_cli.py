import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa.cli import app
from tests.conftest import write_release

runner = CliRunner()


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


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
    assert code == 2 and "give files or folders" in err


def test_db_from_the_environment(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_DB", str(db))
    assert run("ingest", "--sample")[0] == 0
    assert db.exists()


def test_filters_on_the_command_line(db: Path) -> None:
    run("ingest", "--sample", "--db", str(db))
    _, out, _ = run("search", "Umerov", "--until", "2023-01-01", "--db", str(db), "--json")
    assert json.loads(out)["hits"] == []
    _, out, _ = run("search", "Umerov", "--since", "Dec. 1, 2023", "--source", "defense.gov", "--db", str(db), "--json")
    assert len(json.loads(out)["hits"]) == 1


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


@pytest.fixture()
def model_env(monkeypatch: pytest.MonkeyPatch, recorder) -> None:  # noqa: ANN001 - vcr.VCR
    from qa.settings import ModelSettings
    from tests.conftest import model_url

    monkeypatch.setenv("QA_MODEL__BASE_URL", model_url(ModelSettings()))
    monkeypatch.setenv("QA_MODEL__STRUCTURED", "json_object")


def test_ask_summarize_and_brief_print_cited_output(db: Path, model_env: None, recorder) -> None:  # noqa: ANN001
    run("ingest", "--sample", "--db", str(db))
    with recorder.use_cassette("commands.yaml"):
        code, out, _ = run("ask", "Where had Austin and Umerov most recently met?", "--db", str(db))
        assert code == 0 and "Kyiv" in out and "[1] Austin Meets With Ukrainian Minister of Defense at Pentagon" in out
        code, out, _ = run("ask", "How much is the 52nd drawdown worth?", "--db", str(db), "--json")
        declined = json.loads(out)
        assert code == 0 and not declined["answered"] and "52nd" in declined["answer"]
        code, out, _ = run("summarize", "r3c", "--db", str(db), "--json")
        summary = json.loads(out)
        assert code == 0 and summary["headline"].startswith("Austin Meets") and summary["people"]
        code, out, _ = run("brief", "--since", "2023-01-01", "--db", str(db))
        assert code == 0 and "Timeline" in out and "2023-12-06" in out and "Sources" in out


def test_ask_without_an_index_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run("ask", "anything?", "--db", str(tmp_path / "none.db"))
    assert code == 2 and "run `qa ingest` first" in err
