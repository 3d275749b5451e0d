"""A model per command at the command line (issue 11): -m NAME on ask, summarize, brief and eval, qa.toml's
default, `qa models`, and `qa eval -m A -m B` comparing models side by side."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import qa.cli.main  # noqa: F401 - registers the commands on the app
from qa.cli import common as cli
from qa.llm import endpoint
from qa.llm.client import ModelClient, no_model_client
from qa.settings import Settings
from qa.testing.fake_models import Oracle, fake_client
from tests import test_cli
from tests.test_cli import GOLD, SAMPLE_ID, SEED, run

# The fixtures of the CLI's tests, shared; the first keeps every test to its own model config.
own_config, db, sample_db = test_cli.own_config, test_cli.db, test_cli.sample_db
ROOT = Path(__file__).resolve().parent.parent

MODELS = """
[models.tiny]
base_url = "http://127.0.0.1:9/v1"
model = "tiny-1"

[models.again]
model = "smollm2-135m-instruct"
"""


@pytest.fixture()
def config(tmp_path: Path) -> Callable[[str], Path]:
    """Writes the test's qa.toml (QA_CONFIG names it: the fixture own_config)."""
    def write(text: str) -> Path:
        path = tmp_path / "qa.toml"
        path.write_text(text)
        return path

    return write


@pytest.fixture()
def asked(monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    """The settings each model client is built with; the model itself an oracle that never leaves the process."""
    seen: list[Settings] = []

    def build(settings: Settings) -> ModelClient:
        seen.append(settings)
        return fake_client(Oracle(gold=GOLD), settings.model)

    monkeypatch.setattr(endpoint, "model_client", build)
    return seen


def test_m_picks_a_named_model_for_an_answer(sample_db: Path, config: Callable[[str], Path],
                                             asked: list[Settings]) -> None:
    config(MODELS)
    code, out, _ = run("ask", SEED, "--db", str(sample_db), "--mode", "model", "-m", "tiny", "--json")
    assert code == 0 and "$175 million" in json.loads(out)["answer"]
    [settings] = asked
    assert (settings.model.base_url, settings.model.model) == ("http://127.0.0.1:9/v1", "tiny-1")
    [entry] = json.loads(run("logs", "--json")[1])
    assert entry["model"] == "tiny-1"


def test_the_files_default_applies_without_m(sample_db: Path, config: Callable[[str], Path],
                                             asked: list[Settings]) -> None:
    config('default = "tiny"\n' + MODELS)
    assert run("ask", SEED, "--db", str(sample_db), "--mode", "model")[0] == 0
    assert run("ask", SEED, "--db", str(sample_db), "--mode", "model", "--model", "smollm2")[0] == 0
    assert [s.model.model for s in asked] == ["tiny-1", "smollm2-135m-instruct"]


def test_summarize_and_brief_take_m(sample_db: Path, config: Callable[[str], Path],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    config(MODELS)
    seen: list[str] = []

    def build(settings: Settings) -> ModelClient:
        seen.append(settings.model.model)
        return no_model_client(settings.model)

    monkeypatch.setattr(endpoint, "model_client", build)
    monkeypatch.setenv("QA_ANSWER__MODE", "model")
    assert run("summarize", SAMPLE_ID, "-m", "tiny", "--db", str(sample_db), "--json")[0] == 0
    assert run("brief", "-m", "tiny", "--db", str(sample_db), "--json")[0] == 0
    assert seen and set(seen) == {"tiny-1"}


def test_a_model_that_is_not_known_is_one_line_naming_the_config(sample_db: Path, config: Callable[[str], Path],
                                                                  tmp_path: Path) -> None:
    code, out, err = run("ask", SEED, "--db", str(sample_db), "-m", "nosuch")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("qa: error: no model named 'nosuch'") and str(tmp_path / "qa.toml") in err
    path = config("[models.bad]\nbase_url = 3\n")
    code, _, err = run("summarize", "-m", "bad", "--db", str(sample_db))
    assert code == 2 and err.count("\n") == 1 and f"{path}:2" in err


def test_models_lists_them_without_probing(config: Callable[[str], Path]) -> None:
    path = config('default = "tiny"\n' + MODELS)
    code, out, err = run("models", "--json", "--no-probe")
    assert code == 0 and err == ""
    listed = json.loads(out)
    assert listed["config"] == str(path)
    by_name = {m["name"]: m for m in listed["models"]}
    assert set(by_name) == {"smollm2", "gemma3-270m", "tiny", "again"}
    assert [n for n, m in by_name.items() if m["default"]] == ["tiny"]
    assert by_name["tiny"]["kind"] == "endpoint" and by_name["tiny"]["location"] == "http://127.0.0.1:9/v1"
    assert by_name["tiny"]["model"] == "tiny-1" and by_name["tiny"]["answers"] is None
    code, out, _ = run("models", "--no-probe")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["name", "kind", "model", "where", "answers"]
    assert any(line.startswith("* tiny ") and "unknown" in line for line in lines)
    assert lines[-1] == f"(* the default; built in, and from {path})"


def test_eval_with_two_models_prints_and_writes_the_comparison(tmp_path: Path, config: Callable[[str], Path]) -> None:
    config(MODELS)
    reports = tmp_path / "reports"
    code, out, _ = run("eval", "--config", str(ROOT / "evals" / "config.toml"), "--dataset", "seed",
                       "-m", "smollm2", "-m", "again", "--reports", str(reports))
    assert code == 0
    assert out.startswith("# Eval: smollm2 vs again\n")
    assert "| | smollm2 (`smollm2-135m-instruct`) | again (`smollm2-135m-instruct`) |" in out
    assert (reports / "compare-smollm2-vs-again.md").read_text().rstrip("\n") + "\n" == out
    assert json.loads((reports / "compare-smollm2-vs-again.json").read_text())["compared"] == ["smollm2", "again"]


def test_eval_with_one_model_is_the_plain_eval(tmp_path: Path, config: Callable[[str], Path]) -> None:
    reports = tmp_path / "reports"
    code, out, _ = run("eval", "--config", str(ROOT / "evals" / "config.toml"), "--dataset", "seed",
                       "-m", "smollm2", "--reports", str(reports))
    assert code == 0 and out.startswith("seed: all facts 1.000") and out.count("\n") == 1
    assert (reports / "seed.json").is_file()
    code, _, err = run("eval", "--dataset", "seed", "-m", "a", "-m", "b", "--compare", str(reports / "seed.json"))
    assert code == 2 and "--compare reads one model's report" in err


def test_m_completes_to_the_model_names(config: Callable[[str], Path]) -> None:
    config(MODELS)
    assert cli._model_names() == ["again", "gemma3-270m", "smollm2", "tiny"]
    config("[models.bad]\nbase_url = 3\n")
    assert cli._model_names() == []


def test_eval_json_is_the_comparison_for_several_models_and_the_reports_for_one(tmp_path: Path,
                                                                                config: Callable[[str], Path]) -> None:
    config(MODELS)
    common = ["eval", "--config", str(ROOT / "evals" / "config.toml"), "--dataset", "seed", "--reports",
              str(tmp_path), "--json"]
    code, out, _ = run(*common, "-m", "smollm2", "-m", "again")
    compared = json.loads(out)
    assert code == 0 and [r["name"] for r in compared["runs"]] == ["smollm2", "again"]
    code, out, _ = run(*common, "-m", "again")
    [report] = json.loads(out)["reports"]
    assert code == 0 and report["dataset"] == "seed" and report["model"] == "smollm2-135m-instruct"


def test_eval_with_models_and_with_json_scores_the_briefing_sets_too(tmp_path: Path, corpus: Path,
                                                                     config: Callable[[str], Path]) -> None:
    config(MODELS)
    common = ["eval", "--config", str(ROOT / "evals" / "config.toml"), "--dataset", "seed", "--dataset",
              "briefs-dev", "--reports", str(tmp_path)]
    code, out, _ = run(*common, "--json", "-m", "smollm2", "-m", "again")
    compared = json.loads(out)
    assert code == 0 and [r["name"] for r in compared["runs"]] == ["smollm2", "again"]
    assert [b["dataset"] for b in compared["briefings"]] == ["briefs-dev"]
    assert compared["briefings"][0]["kind"] == "briefings" and compared["briefings"][0]["failures"] == []
    code, out, _ = run(*common, "--json")
    plain = json.loads(out)
    assert code == 0 and [r["dataset"] for r in plain["reports"]] == ["seed"]
    assert plain["briefings"][0]["score"] == compared["briefings"][0]["score"]
    code, out, _ = run(*common, "-m", "smollm2", "-m", "again")
    assert code == 0 and out.startswith("# Eval: smollm2 vs again\n")
    assert "briefs-dev: briefings 4, facts " in out and (tmp_path / "briefs-dev.md").is_file()
