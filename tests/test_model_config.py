"""Named models (-m NAME): qa.toml, the built-ins, errors that name the file and field, and `qa models`' list."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from platformdirs import user_config_path

from qa.llm import local_model, model_config
from qa.llm.model_config import ModelConfigError, config_path, list_models, load_models, settings_for
from qa.settings import Settings

ENDPOINTS = """default = "gpt"

[models.gpt]
base_url = "{url}"
api_key_env = "QA_TEST_KEY"
model = "gpt-4o-mini"
structured = "json_schema"
timeout = 30
price_prompt = 0.00015
price_completion = 0.0006

[models.mine]
gguf = "models/mine.gguf"
"""


@pytest.fixture()
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """QA_CONFIG pointing at a file of the test's own (absent until written), and no key set."""
    path = tmp_path / "qa.toml"
    monkeypatch.setenv("QA_CONFIG", str(path))
    monkeypatch.delenv("QA_TEST_KEY", raising=False)
    return path


def test_the_config_file_is_in_the_user_config_folder_unless_qa_config_names_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("QA_CONFIG", raising=False)
    assert config_path() == user_config_path("qa", appauthor=False) / "qa.toml"
    monkeypatch.setenv("QA_CONFIG", str(tmp_path / "other.toml"))
    assert config_path() == tmp_path / "other.toml"


def test_without_a_file_the_built_ins_are_there_and_settings_stand(config: Path) -> None:
    models = load_models()
    assert set(models.models) == {"smollm2", "gemma3-270m"} and not models.default_set and models.path is None
    settings = Settings()
    assert settings_for(settings, None) is settings
    smol = settings_for(settings, "smollm2").model
    assert smol.model == "smollm2-135m-instruct" and smol.base_url is None and smol.gguf is None
    gemma = settings_for(settings, "gemma3-270m").model
    assert gemma.model == "gemma3-270m" and gemma.gguf == local_model.gemma_gguf() and gemma.base_url is None
    assert gemma.deadline == settings.model.deadline and gemma.idle_stop == settings.model.idle_stop


def test_a_file_adds_endpoints_and_local_models_and_picks_the_default(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config.write_text(ENDPOINTS.format(url="https://api.example.test/v1"))
    monkeypatch.setenv("QA_TEST_KEY", "sk-test-123")
    chosen = settings_for(Settings(), None).model
    assert chosen.base_url == "https://api.example.test/v1" and chosen.model == "gpt-4o-mini"
    assert chosen.api_key.get_secret_value() == "sk-test-123" and "sk-test" not in repr(chosen)
    assert chosen.structured == "json_schema" and chosen.timeout == 30 and chosen.gguf is None
    mine = settings_for(Settings(), "mine").model
    assert mine.gguf == config.parent / "models" / "mine.gguf" and mine.base_url is None and mine.model == "mine"
    assert mine.api_key.get_secret_value() == "not-needed"
    assert model_config.price_per_million("gpt") == pytest.approx((0.15, 0.6))
    assert model_config.price_per_million("mine") == (0.0, 0.0)  # a local model costs nothing


def test_an_unset_key_variable_and_an_unknown_name_are_clear_errors(config: Path) -> None:
    config.write_text(ENDPOINTS.format(url="https://api.example.test/v1"))
    with pytest.raises(ModelConfigError, match=r"model 'gpt' reads its key from \$QA_TEST_KEY, which is not set"):
        settings_for(Settings(), "gpt")
    with pytest.raises(ModelConfigError) as err:
        settings_for(Settings(), "gtp")
    assert "no model named 'gtp'" in str(err.value) and str(config) in str(err.value)
    assert "gemma3-270m, gpt, mine, smollm2" in str(err.value)


@pytest.mark.parametrize(("body", "expected"), [
    ('[models.gpt]\nbase_url = "https://x.test/v1"\napi_key = "sk-1"\n',
     r"qa.toml:3: models.gpt.api_key: the key never goes in the file"),
    ('[models.gpt]\nbase_url = "https://x.test/v1"\napi_key_env = "sk-abcdef"\n',
     r"qa.toml:3: models.gpt.api_key_env: name an environment variable"),
    ('[models.a]\nmodel = "a"\n\n[models.b]\ntimeout = -1\n', r"qa.toml:5: models.b.timeout: .*greater than 0"),
    ('[models.b]\nbase_url = "https://x.test/v1"\ngguf = "x.gguf"\n',
     r"qa.toml:1: models.b: give base_url .* not both"),
    ('[models.b]\nstructured = "yaml"\n', r"qa.toml:2: models.b.structured: Input should be"),
    ('default = "nobody"\n', r"qa.toml:1: default: no model named 'nobody'; known: gemma3-270m, smollm2"),
    ('[models.b\n', r"qa.toml: not valid TOML: .*line 1"),
    ('colour = "blue"\n', r"qa.toml:1: colour: Extra inputs are not permitted"),
])
def test_errors_in_the_file_name_it_the_field_and_the_line(config: Path, body: str, expected: str) -> None:
    config.write_text(body)
    with pytest.raises(ModelConfigError, match=expected):
        load_models()


class _Models(BaseHTTPRequestHandler):
    seen: list[str | None] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        _Models.seen.append(self.headers.get("Authorization"))
        ok = self.path == "/v1/models" and self.headers.get("Authorization") == "Bearer sk-test-123"
        body = json.dumps({"data": [{"id": "gpt-4o-mini"}]} if ok else {"error": "no"}).encode()
        self.send_response(200 if ok else 401)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def endpoint(loopback: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A stand-in OpenAI-compatible endpoint on loopback, which only it may be reached."""
    monkeypatch.delenv("http_proxy", raising=False)
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    _Models.seen = []
    httpd = HTTPServer(("127.0.0.1", 0), _Models)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def test_list_models_asks_each_endpoint_with_its_key_and_never_shows_it(
    config: Path, endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config.write_text(ENDPOINTS.format(url=endpoint))
    infos = {i.name: i for i in list_models(Settings(), probe=False)}
    assert infos["gpt"].answers is None and infos["gpt"].default and not infos["smollm2"].default
    assert _Models.seen == []  # no probe, no request
    unset = {i.name: i for i in list_models(Settings())}["gpt"]
    assert unset.answers is False and "$QA_TEST_KEY is not set" in unset.detail and _Models.seen == []
    monkeypatch.setenv("QA_TEST_KEY", "sk-test-123")
    gpt = {i.name: i for i in list_models(Settings())}["gpt"]
    assert gpt.answers is True and gpt.detail == "answers" and gpt.kind == "endpoint" and gpt.location == endpoint
    monkeypatch.setenv("QA_TEST_KEY", "sk-wrong-456")
    refused = {i.name: i for i in list_models(Settings())}["gpt"]
    assert refused.answers is False and "HTTP 401 (check the key in $QA_TEST_KEY)" in refused.detail
    assert "sk-" not in refused.detail and _Models.seen == ["Bearer sk-test-123", "Bearer sk-wrong-456"]


def test_an_endpoint_that_does_not_answer_is_reported_within_the_probe(config: Path, endpoint: str) -> None:
    config.write_text('[models.down]\nbase_url = "http://127.0.0.1:9/v1"\n')
    down = {i.name: i for i in list_models(Settings())}["down"]
    assert down.answers is False and "no answer" in down.detail


def test_list_models_never_starts_a_local_server(
    config: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("listing started a server")

    monkeypatch.setattr(local_model, "ensure_server", refuse)
    monkeypatch.setattr(local_model, "server_command", lambda *args: ["llama"])  # as if llama-cpp-python were here
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "here.gguf").write_bytes(b"GGUF")
    config.write_text('[models.here]\ngguf = "models/here.gguf"\n[models.gone]\ngguf = "models/gone.gguf"\n')
    running = local_model.ServerStatus(running=True, pid=4242, port=8765, model_path="x",
                                       base_url="http://127.0.0.1:8765/v1", log_path="x.log")
    monkeypatch.setattr(local_model, "status", lambda settings, state_dir: running)
    infos = {i.name: i for i in list_models(Settings())}
    assert infos["here"].answers is True and "server running (pid 4242)" in infos["here"].detail
    assert infos["gone"].answers is False and "gone.gguf not found" in infos["gone"].detail
    assert infos["smollm2"].default and infos["smollm2"].kind == "local"


def test_without_a_file_default_the_default_is_what_qa_model_settings_say(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert [i.name for i in list_models(Settings(), probe=False) if i.default] == ["smollm2"]
    monkeypatch.setenv("QA_MODEL__MODEL", "something-else")
    assert [i.name for i in list_models(Settings(), probe=False) if i.default] == []
