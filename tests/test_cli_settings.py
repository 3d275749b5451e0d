"""`qa settings` (issue 18): every setting with its value and where it came from, secrets as set or unset only;
and docs/settings.md, generated from the settings' own descriptions, equal to what the command prints now."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from qa.cli import settings as settings_cli
from qa.cli.main import app
from qa.llm.model_config import settings_for
from qa.settings import ModelSettings, Settings

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

KEY = "sk-live-0123456789abcdefSECRET"
TOKEN = "tok-9876543210-SECRET"
URL_PASSWORD = "hunter2-SECRET"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def clean_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No QA_* variable but the test's own; the model config file the test's (absent until written)."""
    for name in list(os.environ):
        if name.upper().startswith("QA_"):
            monkeypatch.delenv(name)
    config = tmp_path / "qa.toml"
    monkeypatch.setenv("QA_CONFIG", str(config))
    return config


def settings_json(*args: str) -> dict:
    code, out, err = run("settings", "--json", *args)
    assert code == 0, err
    return json.loads(out)


def by_name(data: dict) -> dict[str, dict]:
    return {row["setting"]: row for row in data["settings"]}


def test_the_committed_settings_page_is_what_the_generator_prints_now() -> None:
    committed = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert committed == settings_cli.markdown(), (
        "docs/settings.md is stale: run `.venv/bin/qa settings --markdown > docs/settings.md`")
    code, out, _ = run("settings", "--markdown")
    assert code == 0 and out == committed


def test_every_setting_has_a_description_and_is_on_the_page() -> None:
    page = settings_cli.markdown()

    def walk(model: type[BaseModel], prefix: str = "") -> list[str]:
        paths = []
        for name, field in model.model_fields.items():
            assert field.description, f"{prefix}{name} has no description"
            if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
                assert field.annotation.__doc__, f"{field.annotation.__name__} has no docstring"
                paths += walk(field.annotation, f"{prefix}{name}.")
            else:
                paths.append(f"{prefix}{name}")
        return paths

    paths = walk(Settings)
    assert len(paths) == len(settings_cli.described()) > 50
    for path in paths:
        variable = settings_cli.env_name(path)
        assert page.count(f"| `{path}`<br>`{variable}` |") == 1, f"{path} is not documented, or more than once"
    for outside in settings_cli.OUTSIDE:
        assert page.count(f"| `{outside.env}`<br>(`{outside.name}`) |") == 1


def test_the_page_reads_well_without_a_machine_s_own_paths() -> None:
    page = settings_cli.markdown()
    assert str(Path.home()) not in page or str(Path.home()) == "/"
    assert "| `model.local_port`<br>`QA_MODEL__LOCAL_PORT` | `8765`<br>integer, 1024 to 65535 |" in page
    assert "| `model.api_key`<br>`QA_MODEL__API_KEY` | unset<br>secret |" in page
    assert "not-needed" not in page


def test_defaults_with_nothing_set() -> None:
    data = settings_json()
    rows = by_name(data)
    assert {r["source"] for name, r in rows.items() if name != "config"} == {"default"}
    assert rows["model.local_port"] == {"setting": "model.local_port", "env": "QA_MODEL__LOCAL_PORT", "value": 8765,
                                        "source": "default", "origin": None, "secret": False}
    assert rows["model.api_key"]["value"] == "unset" and rows["model.api_key"]["secret"]
    assert rows["api_token"]["value"] == "unset" and rows["api_token"]["secret"]
    assert rows["config"]["source"] == "environment"  # the fixture's QA_CONFIG
    assert data["config"]["exists"] is False and data["config"]["default"] is None
    assert data["language_pipeline"].startswith("en_core_web")
    assert data["sentence_encoder"] == "all-MiniLM-L6-v2"
    assert [r["setting"] for r in data["settings"]] == [d.path for d in settings_cli.described()] + [
        o.name for o in settings_cli.OUTSIDE]


def test_environment_variables_are_named_as_their_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_MODEL__LOCAL_PORT", "8766")
    monkeypatch.setenv("qa_fetch__allow_private", "true")  # pydantic-settings reads names in any case
    monkeypatch.setenv("QA_INDEX", '{"max_tokens": 300}')  # a whole group as JSON
    rows = by_name(settings_json())
    assert (rows["model.local_port"]["value"], rows["model.local_port"]["source"],
            rows["model.local_port"]["origin"]) == (8766, "environment", "QA_MODEL__LOCAL_PORT")
    assert rows["fetch.allow_private"]["value"] is True
    assert rows["fetch.allow_private"]["origin"] == "qa_fetch__allow_private"
    assert (rows["index.max_tokens"]["value"], rows["index.max_tokens"]["origin"]) == (300, "QA_INDEX")
    assert rows["index.overlap_tokens"]["source"] == "default"


def test_db_flag_is_named_over_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_DB", str(tmp_path / "env.db"))
    assert by_name(settings_json())["db"] == {
        "setting": "db", "env": "QA_DB", "value": str(tmp_path / "env.db"), "source": "environment",
        "origin": "QA_DB", "secret": False}
    row = by_name(settings_json("--db", str(tmp_path / "flag.db")))["db"]
    assert (row["value"], row["source"], row["origin"]) == (str(tmp_path / "flag.db"), "flag", "--db")


GPT = """
default = "gpt"

[models.gpt]
base_url = "https://api.example.test/v1"
api_key_env = "QA_TEST_KEY"
model = "gpt-test"
structured = "json_schema"
timeout = 30
"""


def test_qa_toml_default_is_named_over_the_environment(clean_environment: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment.write_text(GPT)
    monkeypatch.setenv("QA_TEST_KEY", KEY)
    monkeypatch.setenv("QA_MODEL__BASE_URL", "http://127.0.0.1:9/v1")  # qa.toml's default stands over it
    data = settings_json()
    rows = by_name(data)
    origin = f"{clean_environment}: default = gpt"
    assert (rows["model.base_url"]["value"], rows["model.base_url"]["source"], rows["model.base_url"]["origin"]) == (
        "https://api.example.test/v1", "qa.toml", origin)
    assert (rows["model.model"]["value"], rows["model.structured"]["value"], rows["model.timeout"]["value"]) == (
        "gpt-test", "json_schema", 30.0)
    assert rows["model.api_key"]["value"] == "set" and rows["model.api_key"]["source"] == "qa.toml"
    assert rows["model.max_tokens"]["source"] == "default"  # the file does not give it
    assert data["config"] == {"path": str(clean_environment), "exists": True, "default": "gpt"}
    code, out, _ = run("settings", "model.")
    assert code == 0 and "QA_MODEL__BASE_URL" in out and f"qa.toml: {origin}" in out and "; default model gpt" in out


def test_m_flag_names_the_model_it_picked(clean_environment: Path) -> None:
    rows = by_name(settings_json("-m", "smollm2"))
    assert (rows["model.model"]["source"], rows["model.model"]["origin"]) == ("flag", "-m smollm2 (built in)")
    assert rows["model.local_port"]["source"] == "default"
    code, _, err = run("settings", "-m", "nope")
    assert code == 2 and "no model named 'nope'" in err


def test_the_model_fields_named_agree_with_what_a_named_model_sets(clean_environment: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """qa.llm.model_config sets these fields of a named model; `qa settings` must name qa.toml for those."""
    clean_environment.write_text(GPT + '\nmax_tokens = 77\n\n[models.local]\ngguf = "/models/x.gguf"\n')
    monkeypatch.setenv("QA_TEST_KEY", KEY)
    base = Settings()
    changed: set[str] = set()
    for name in ("gpt", "local"):
        named = settings_for(base, name).model
        changed |= {f for f in ModelSettings.model_fields if getattr(named, f) != getattr(base.model, f)}
    assert changed == set(settings_cli.NAMED_ALWAYS) | set(settings_cli.NAMED_WHEN_GIVEN)


def test_a_secret_never_appears_in_the_output(clean_environment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_MODEL__API_KEY", KEY)
    monkeypatch.setenv("QA_API_TOKEN", TOKEN)
    monkeypatch.setenv("QA_MODEL__BASE_URL", f"https://user:{URL_PASSWORD}@api.example.test/v1")
    outputs = []
    for args in ([], ["--json"], ["key"], ["token", "--json"], ["--markdown"], ["model", "-m", "smollm2"]):
        code, out, err = run("settings", *args)
        assert code == 0, err
        outputs.append(out + err)
    clean_environment.write_text(GPT)
    monkeypatch.setenv("QA_TEST_KEY", KEY)
    for args in ([], ["--json"]):
        code, out, err = run("settings", *args)
        assert code == 0, err
        outputs.append(out + err)
    for text in outputs:
        for secret in (KEY, TOKEN, URL_PASSWORD):
            assert secret not in text
    rows = by_name(json.loads(outputs[1]))
    assert (rows["model.api_key"]["value"], rows["model.api_key"]["origin"]) == ("set", "QA_MODEL__API_KEY")
    assert (rows["api_token"]["value"], rows["api_token"]["origin"]) == ("set", "QA_API_TOKEN")
    assert rows["model.base_url"]["value"] == "https://user:***@api.example.test/v1"
    assert "QA_MODEL__API_KEY" in outputs[0] and " set " in outputs[0]


def test_a_key_set_to_nothing_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_MODEL__API_KEY", "")
    monkeypatch.setenv("QA_API_TOKEN", "")
    rows = by_name(settings_json())
    assert rows["model.api_key"]["value"] == "unset" and rows["model.api_key"]["source"] == "environment"
    assert rows["api_token"]["value"] == "unset"


def test_text_output_lists_every_variable_with_its_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_SEARCH__K", "7")
    code, out, _ = run("settings")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["variable", "value", "from"]
    assert any(line.split() == ["QA_SEARCH__K", "7", "environment:", "QA_SEARCH__K"] for line in lines)
    assert any(line.split() == ["QA_MODEL__LOCAL_PORT", "8765", "default"] for line in lines)
    assert any(line.split() == ["QA_FETCH__USER_AGENT", '""', "default"] for line in lines)
    for entry in settings_cli.described():
        assert any(line.startswith(entry.env + " ") for line in lines), entry.env
    code, out, _ = run("settings", "LOCAL_PORT")
    assert code == 0 and [line.split()[0] for line in out.splitlines()[1:] if not line.startswith("(")] == [
        "QA_MODEL__LOCAL_PORT"]  # the table's rows, without the notes in brackets after it


def test_a_bad_setting_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_INDEX__MAX_TOKENS", "many")
    code, out, err = run("settings")
    assert code == 2 and out == "" and err.startswith("qa: error: bad setting in the environment")


def test_settings_is_listed_in_help() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "settings" in out


def test_the_settings_outside_the_tree_are_the_names_the_code_reads() -> None:
    from qa.llm.model_config import CONFIG_ENV

    names = {o.name: o.env for o in settings_cli.OUTSIDE}
    assert names["config"] == CONFIG_ENV
    for module in ("qa/cli/serve.py", "qa/service/app.py"):
        assert f'os.environ.get("{names["api_token"]}")' in (ROOT / module).read_text(encoding="utf-8")


def test_a_database_password_never_appears_in_the_output(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """QA_DB, --db and the log's path as libpq keywords or a URL: `password=...` (quoted or not) and a URL's
    user:password@ are shown as ***."""
    targets = [f"host=127.0.0.1 port=5432 dbname=qa user=qa password={URL_PASSWORD}",
               f"host=db.example dbname=qa password = '{URL_PASSWORD} with spaces' sslmode=require",
               f"postgresql://qa:{URL_PASSWORD}@db.example/qa", f"postgresql://db.example/qa?password={URL_PASSWORD}"]
    for target in targets:
        monkeypatch.setenv("QA_DB", target)
        monkeypatch.setenv("QA_LOG__PATH", target)
        for args in ([], ["--json"], ["db"], ["--db", target], ["--db", target, "--json"]):
            code, out, err = run("settings", *args)
            assert code == 0, err
            assert URL_PASSWORD not in out + err and "with spaces" not in out + err
    rows = by_name(settings_json("--db", targets[0]))
    assert rows["db"]["value"] == "host=127.0.0.1 port=5432 dbname=qa user=qa password=***"
