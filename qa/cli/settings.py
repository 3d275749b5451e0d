"""`qa settings`: every setting with its value and where it came from; and docs/settings.md, generated here
from the settings' own descriptions, so that each setting is documented once and the page cannot drift.

Where a value comes from, lowest first: its default; a `QA_*` environment variable (nested with `__`, read
case-insensitively by pydantic-settings); qa.toml, whose `default` model sets the model's endpoint fields for
the commands that take `-m` (ask, summarize, brief, eval); a flag (`--db`, `-m NAME`). Secrets (the model's
key, the service's token) are shown as set or unset, never their value.
"""

from __future__ import annotations

import json
import os
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, Union
from urllib.parse import urlsplit, urlunsplit

import typer
from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from qa.cli.common import (
    DbOption,
    JsonOption,
    ModelOption,
    _dump,
    _model_settings,
    _say,
    app,
)
from qa.settings import ModelSettings, Settings, is_postgres
from qa.settings import shown as shown_target

PREFIX = "QA_"
NESTED = "__"
# Names that hold a secret whatever their type: a key, a token, a password.
_SECRET_NAME = re.compile(r"(^|_)(key|secret|password)$|^(api_)?token$")
# The model fields a named model of qa.toml (or -m NAME) sets; timeout and max_tokens only when it gives them
# (qa.llm.model_config._model_settings; tests/test_cli_settings.py checks the two agree).
NAMED_ALWAYS = ("base_url", "api_key", "model", "structured", "gguf")
NAMED_WHEN_GIVEN = ("timeout", "max_tokens")

Source = Literal["default", "environment", "qa.toml", "flag"]


@dataclass(frozen=True)
class Outside:
    """A setting read from the environment by the code that uses it, outside the settings tree."""

    name: str
    env: str
    kind: str
    default: str
    description: str
    secret: bool


def _config_env() -> str:
    from qa.llm.model_config import CONFIG_ENV

    return CONFIG_ENV


OUTSIDE = (
    Outside("api_token", "QA_API_TOKEN", "text", "unset",
            "Bearer token `qa serve` requires of every request but /healthz, the API docs and the web page's own "
            "files; needed to bind anything but loopback; OpenAI clients send it as their API key", secret=True),
    Outside("config", "QA_CONFIG", "path", "computed",
            "The model config file that `-m NAME` and its `default` read; default: qa.toml in the user config "
            "folder (~/.config/qa/qa.toml on Linux)", secret=False),
)


class SettingValue(BaseModel):
    """One setting as `qa settings` shows it."""

    setting: str
    env: str
    value: Any = None
    source: Source
    origin: str | None = None
    secret: bool = False


# ---- the tree, as documented ----


@dataclass(frozen=True)
class Described:
    group: str  # "" for a top-level setting
    path: str
    env: str
    kind: str
    default: str
    description: str
    secret: bool


def env_name(path: str) -> str:
    return PREFIX + NESTED.join(path.split(".")).upper()


def _is_group(field: FieldInfo) -> bool:
    return isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)


def _is_secret(name: str, field: FieldInfo) -> bool:
    return SecretStr in _members(field.annotation) or bool(_SECRET_NAME.search(name))


def _members(annotation: Any) -> tuple[Any, ...]:
    """The types a field takes: a union's members, with Annotated aliases (qa.settings.DbTarget) unwrapped."""
    if typing.get_origin(annotation) is Annotated:
        return _members(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (Union, types.UnionType):
        return tuple(m for arg in typing.get_args(annotation) for m in _members(arg))
    return (annotation,)


def _kind(field: FieldInfo) -> str:
    names = {int: "integer", float: "number", str: "text", bool: "true or false", Path: "path", SecretStr: "secret"}
    parts = []
    optional = False
    for member in _members(field.annotation):
        if member is type(None):
            optional = True
        elif typing.get_origin(member) is Literal:
            parts.append("one of " + ", ".join(f"`{v}`" for v in typing.get_args(member)))
        else:
            parts.append(names.get(member, getattr(member, "__name__", str(member))))
    kind = " or ".join(parts)
    low = high = None
    for rule in field.metadata:
        for attr, sign in (("ge", ">="), ("gt", ">")):
            if getattr(rule, attr, None) is not None:
                low = (sign, getattr(rule, attr))
        for attr, sign in (("le", "<="), ("lt", "<")):
            if getattr(rule, attr, None) is not None:
                high = (sign, getattr(rule, attr))
    if low and high and low[0] == ">=" and high[0] == "<=":
        kind += f", {_number(low[1])} to {_number(high[1])}"
    else:
        kind += "".join(f", {bound[0]} {_number(bound[1])}" for bound in (low, high) if bound)
    return kind + (", or unset" if optional else "")


def _number(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _default(field: FieldInfo, secret: bool) -> str:
    if field.default is PydanticUndefined:
        return "computed"  # a default_factory: its description says what it is
    value = field.default
    if value is None or secret:
        return "unset"
    if isinstance(value, (bool, int, float)):
        return f"`{_number(value)}`"
    return f"`{value}`" if str(value) else '`""` (empty)'


def described() -> list[Described]:
    """Every setting of the tree, in its order: top-level ones first, then each group's."""
    rows: list[Described] = []
    for name, field in Settings.model_fields.items():
        if _is_group(field):
            continue
        secret = _is_secret(name, field)
        rows.append(Described("", name, env_name(name), _kind(field), _default(field, secret),
                              field.description or "", secret))
    for group, outer in Settings.model_fields.items():
        if not _is_group(outer):
            continue
        for name, field in outer.annotation.model_fields.items():
            path = f"{group}.{name}"
            secret = _is_secret(name, field)
            rows.append(Described(group, path, env_name(path), _kind(field), _default(field, secret),
                                  field.description or "", secret))
    return rows


def _row(entry: Described) -> tuple[str, str, str]:
    """A setting's row: its path over its variable, its default over its type, its description."""
    return f"`{entry.path}`<br>`{entry.env}`", f"{entry.default}<br>{entry.kind}", entry.description


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + [
        "| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]


def markdown() -> str:
    """docs/settings.md: every setting with its variable, type, default and description, from qa/settings.py;
    the settings read from the environment outside the tree; and the fields of qa.toml's models."""
    from qa.llm.model_config import BUILTIN_DEFAULT, NamedModel

    lines = [
        "# Settings",
        "",
        "<!-- Generated by `qa settings --markdown` from the descriptions in qa/settings.py (and",
        "qa/cli/settings.py, qa/llm/model_config.py): edit those, then run",
        "`.venv/bin/qa settings --markdown > docs/settings.md`. tests/test_cli_settings.py fails while this",
        "page differs from what the command prints. -->",
        "",
        "Every setting has a default. A `QA_*` environment variable overrides it; nested settings join their",
        "names with `__` (`QA_MODEL__LOCAL_PORT=8766` sets `model.local_port`), and names are read in any case.",
        "For `qa ask`, `qa summarize`, `qa brief` and `qa eval`, the `default` model of [qa.toml](#qatoml) sets",
        "the model's endpoint fields (`" + "`, `".join(f"model.{n}" for n in NAMED_ALWAYS) + "`, and `"
        + "`, `".join(f"model.{n}" for n in NAMED_WHEN_GIVEN) + "` when it gives them) over the environment,",
        "and `-m NAME` picks another. A command's flag overrides for that command: `--db` for `db`,",
        "`qa ask --mode` for `answer.mode`, `qa search -k` for `search.k`, `qa watch --every` for `watch.every`.",
        "",
        "`qa settings` prints every setting with its value now and where it came from (default, environment,",
        "qa.toml or flag); `--json` for scripts, `qa settings NAME` for those whose name holds NAME. Secrets",
        "are printed as set or unset, never their value.",
        "",
    ]
    head = ("setting and variable", "default and type", "description")
    rows = described()
    top = [_row(r) for r in rows if not r.group]
    lines += ["## Top level", "", *_table(head, top), ""]
    for group, outer in Settings.model_fields.items():
        if not _is_group(outer):
            continue
        title = f"## {group}: {_lower_first(outer.description)}" if outer.description else f"## {group}"
        about = _doc(outer.annotation)
        lines += [title, "", about, ""] if about else [title, ""]
        mine = [_row(r) for r in rows if r.group == group]
        lines += [*_table(head, mine), ""]
    lines += [
        "## Read from the environment only",
        "",
        "Read by the code that uses them, outside the settings tree: exact names, in capitals.",
        "",
        *_table(("variable (name in `qa settings`)", "default and type", "description"),
                [(f"`{o.env}`<br>(`{o.name}`)", f"{o.default}<br>{o.kind}", o.description) for o in OUTSIDE]),
        "",
        "## qa.toml",
        "",
        "Named models, for `-m NAME`: a file in the user config folder (`~/.config/qa/qa.toml` on Linux; `QA_CONFIG`",
        "names another). `default` names the model used without `-m`; each `[models.NAME]` table is an",
        "OpenAI-compatible endpoint (`base_url`) or a local GGUF (`gguf`). The built-in models `smollm2` and",
        "`gemma3-270m` need no file; a file may redefine them. A key never goes in the file: `api_key_env` names",
        "the environment variable that holds it. A relative `gguf` path is read from the file's folder. A mistake",
        "in the file is one line naming the file, the line and the field.",
        "",
        *_table(("key", "default and type", "description"),
                [("`default`", "unset<br>text",
                  f"The model used without `-m`; unset, the `QA_MODEL__*` settings stand (by default those of the "
                  f"built-in `{BUILTIN_DEFAULT}`)")]
                + [(f"`models.NAME.{name}`", f"{_default(field, False)}<br>{_kind(field)}",
                    _named_description(name, field))
                   for name, field in NamedModel.model_fields.items()]),
        "",
    ]
    return "\n".join(lines)


def _lower_first(text: str) -> str:
    """"The HTTP service" -> "the HTTP service": a title's first word in the middle of a heading."""
    return text[0].lower() + text[1:] if len(text) > 1 and not text[1].isupper() else text


def _doc(model: type[BaseModel]) -> str:
    doc = model.__doc__ or ""
    return " ".join(doc.split()) if doc and not doc.startswith(model.__name__ + "(") else ""


def _named_description(name: str, field: FieldInfo) -> str:
    if field.description:
        return field.description
    same = ModelSettings.model_fields.get(name)
    return f"As `model.{name}`: {_lower_first(same.description)}" if same is not None and same.description else ""


# ---- the values now, and their sources ----


def _env_source(path: str) -> str | None:
    """The environment variable that sets this setting, if one does (pydantic-settings reads names in any
    case, and a group's variable may hold JSON: QA_MODEL='{"max_tokens": 300}')."""
    names = {k.lower(): k for k in os.environ}
    found = names.get(env_name(path).lower())
    if found is not None:
        return found
    if "." in path:
        group, name = path.split(".", 1)
        whole = names.get(env_name(group).lower())
        if whole is not None:
            try:
                data = json.loads(os.environ[whole])
            except ValueError:
                return None
            if isinstance(data, dict) and name in data:
                return whole
    return None


def _named_source(model: str | None) -> tuple[Source, str, set[str]] | None:
    """Which model fields qa.toml's default or -m NAME set, and how to say where they came from."""
    from qa.llm.model_config import ModelConfigError, load_models

    try:
        config = load_models()
    except ModelConfigError:
        return None  # _model_settings has said so and stopped
    if model is None and not config.default_set:
        return None
    name = model or config.default
    named = config.models.get(name)
    if named is None:
        return None
    fields = set(NAMED_ALWAYS) | {f for f in NAMED_WHEN_GIVEN if getattr(named, f) is not None}
    in_file = config.path is not None and name in _file_models(config.path)
    where = f"{config.path}" if in_file else "built in"
    if model is not None:
        return "flag", f"-m {name} ({where})", fields
    return "qa.toml", f"{config.path}: default = {name}" + ("" if in_file else " (built in)"), fields


def _file_models(path: Path) -> set[str]:
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return set(tomllib.loads(path.read_text(encoding="utf-8")).get("models", {}))
    except (OSError, ValueError):
        return set()


def _shown(value: Any) -> Any:
    """A value as JSON shows it: paths as text, and a URL's password (https://user:pw@host, or a PostgreSQL
    target's password=...) hidden."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, str) and is_postgres(value):
        return shown_target(value)
    if isinstance(value, str) and "@" in value and "://" in value:
        return _hide_password(value)
    return value


def _hide_password(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def _secret_state(value: Any, default: Any) -> str:
    raw = value.get_secret_value() if isinstance(value, SecretStr) else value
    fallback = default.get_secret_value() if isinstance(default, SecretStr) else default
    return "set" if raw and raw != fallback else "unset"


def current(db: str | Path | None = None, model: str | None = None) -> list[SettingValue]:
    """Every setting with its value now and where it came from, as a command given these flags sees it."""
    settings = _model_settings(db, model)
    named = _named_source(model)
    rows: list[SettingValue] = []
    for entry in described():
        owner: BaseModel = getattr(settings, entry.group) if entry.group else settings
        field_name = entry.path.rsplit(".", 1)[-1]
        field = type(owner).model_fields[field_name]
        value = getattr(owner, field_name)
        source: Source = "default"
        origin: str | None = None
        variable = _env_source(entry.path)
        if variable is not None:
            source, origin = "environment", variable
        if entry.group == "model" and named is not None and field_name in named[2]:
            source, origin = named[0], named[1]
        if entry.path == "db" and db is not None:
            source, origin = "flag", "--db"
        shown = _secret_state(value, field.default) if entry.secret else _shown(value)
        rows.append(SettingValue(setting=entry.path, env=entry.env, value=shown, source=source, origin=origin,
                                 secret=entry.secret))
    for outside in OUTSIDE:
        rows.append(_outside_value(outside))
    return rows


def _outside_value(outside: Outside) -> SettingValue:
    raw = os.environ.get(outside.env)
    source: Source = "environment" if raw is not None else "default"
    origin = outside.env if raw is not None else None
    if outside.secret:
        value: Any = "set" if raw else "unset"
    elif outside.env == _config_env():
        from qa.llm.model_config import config_path

        value = str(config_path())
    else:
        value = _shown(raw)
    return SettingValue(setting=outside.name, env=outside.env, value=value, source=source, origin=origin,
                        secret=outside.secret)


def _text_value(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    if value == "":
        return '""'
    return str(value)


@app.command("settings")
def settings_(
    name: Annotated[
        Optional[str],  # noqa: UP045 - typer reads the annotation at run time
        typer.Argument(metavar="NAME", show_default=False,
                       help="Only settings whose name or variable holds this (e.g. local_port, QA_FETCH)"),
    ] = None,
    db: DbOption = None,
    model: ModelOption = None,
    as_json: JsonOption = False,
    as_markdown: Annotated[bool, typer.Option(
        "--markdown", help="Print the settings' reference page (docs/settings.md): defaults, not values now")] = False,
) -> None:
    """Show every setting with its value and where it came from: its default, a QA_* environment variable,
    qa.toml's default model (for the commands that take -m), or a flag (--db, -m NAME). Secrets (the model's
    key, QA_API_TOKEN) are shown as set or unset, never their value.

    Examples: qa settings; qa settings model; qa settings -m gpt --json; qa settings --markdown
    """
    if as_markdown:
        _say(markdown().rstrip("\n"))
        return
    from qa.llm.model_config import config_path, load_models

    rows = current(db, model)
    if name:
        wanted = name.lower()
        rows = [r for r in rows if wanted in r.setting.lower() or wanted in r.env.lower()]
    path = config_path()
    config = load_models()  # read without error: current() has already stopped on a broken file
    about = {"path": str(path), "exists": path.is_file(),
             "default": config.default if config.default_set else None}
    pipeline = _language_pipeline()
    encoder = _sentence_encoder()
    if as_json:
        _dump({"config": about, "language_pipeline": pipeline, "sentence_encoder": encoder,
               "settings": [r.model_dump() for r in rows]})
        return
    table = [("variable", "value", "from")] + [
        (r.env, _text_value(r.value), r.source if r.origin is None else f"{r.source}: {r.origin}") for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(2)]
    for row in table:
        _say(f"{row[0].ljust(widths[0])}  {row[1].ljust(widths[1])}  {row[2]}".rstrip())
    default = f"; default model {about['default']}" if about["default"] else ""
    _say(f"(model config: {path}{default})" if about["exists"] else f"(model config: no {path})", "dim")
    _say(f"(language pipeline: {pipeline})", "dim")
    _say(f"(sentence encoder: {encoder})", "dim")


def _sentence_encoder() -> str:
    """Whether briefings can match topics by meaning (qa.text.embed), and how to get it when they cannot."""
    from qa.text import embed

    return "all-MiniLM-L6-v2" if embed.available() else f"none, briefings match topics by words ({embed.INSTALL})"


def _language_pipeline() -> str:
    """The spaCy pipeline qa.text.nlp loads, with its version, or what is wrong (loading it takes a second)."""
    from qa.text import nlp

    try:
        return nlp.model_name()
    except nlp.NlpUnavailable as e:
        return f"none: {e}"
