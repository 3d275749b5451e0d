"""`qa models` and `qa model serve|status|stop`: the named models and the embedded local server."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from qa.cli.common import (
    JsonOption,
    _dump,
    _fail,
    _say,
    _settings,
    _state_dir,
    app,
    model_app,
)

if TYPE_CHECKING:
    pass


@app.command("models")
def models_(
    no_probe: Annotated[bool, typer.Option("--no-probe", help="Do not ask the endpoints whether they answer")] = False,
    as_json: JsonOption = False,
) -> None:
    """List the models `-m NAME` picks from: the built-in ones and those of qa.toml (in the user config folder,
    or QA_CONFIG), the default marked *, and whether each answers (an endpoint is asked, 3 s at most; a local
    model is never started).
    """
    from qa.llm.model_config import ModelConfigError, config_path, list_models

    try:
        found = list_models(_settings(None), probe=not no_probe)
    except ModelConfigError as e:
        _fail(str(e))
    if as_json:
        _dump({"config": str(config_path()), "models": [m.model_dump() for m in found]})
        return
    table = [("", "name", "kind", "model", "where", "answers")] + [
        ("*" if m.default else "", m.name, m.kind, m.model, m.location,
         {True: "yes", False: "no", None: "unknown"}[m.answers] + (f" ({m.detail})" if m.detail else ""))
        for m in found]
    widths = [max(len(row[i]) for row in table) for i in range(1, 5)]
    for row in table:
        _say(f"{row[0]:1} " + "  ".join(c.ljust(w) for c, w in zip(row[1:5], widths)) + "  " + row[5])
    path = config_path()
    _say(f"(* the default; built in, and from {path})" if path.exists() else f"(* the default; built in: no {path})",
         "dim")


@model_app.command("serve")
def model_serve(as_json: JsonOption = False) -> None:
    """Start the local model server (or find it running) and print its URL."""
    from qa.llm import local_model

    settings = _settings(None)
    try:
        url = local_model.ensure_server(settings.model, _state_dir())
    except local_model.LocalModelError as e:
        _fail(str(e))
    if as_json:
        _dump({"base_url": url})
    else:
        _say(f"local model ready at {url}")


@model_app.command("status")
def model_status(as_json: JsonOption = False) -> None:
    """Whether the local model server runs, where, and with which model file."""
    from qa.llm import local_model

    st = local_model.status(_settings(None).model, _state_dir())
    if as_json:
        _dump(st)
    elif st.running:
        _say(f"running: pid {st.pid}, {st.base_url}, {st.model_path}; log {st.log_path}")
    else:
        _say(f"not running (log {st.log_path})")


@model_app.command("stop")
def model_stop(as_json: JsonOption = False) -> None:
    """Stop the local model server."""
    from qa.llm import local_model

    stopped = local_model.stop(_settings(None).model, _state_dir())
    if as_json:
        _dump({"stopped": stopped})
    else:
        _say("stopped" if stopped else "not running")
