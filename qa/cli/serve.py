"""`qa serve`: the web page and the JSON API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from qa.cli.common import (
    DbOption,
    _fail,
    _open,
    _settings,
    app,
)

if TYPE_CHECKING:
    pass


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; anything but loopback needs QA_API_TOKEN")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Worker processes")] = 1,
    db: DbOption = None,
) -> None:
    """Serve the web page (at /) and the JSON API (docs at /docs) over the same index and model as the command line.

    Example: qa serve --port 8000; QA_API_TOKEN=secret qa serve --host 0.0.0.0
    """
    import os

    import uvicorn

    from qa.service.guard import is_loopback

    token = os.environ.get("QA_API_TOKEN") or None
    if not is_loopback(host) and not token:
        _fail(f"binding {host} exposes the API beyond this machine; set QA_API_TOKEN to require a bearer token")
    from qa.service.server import options

    # Each worker builds its app from the environment: the index, and the address whose Host name it answers.
    os.environ["QA_SERVICE__BIND"] = host
    settings = _settings(db)
    os.environ["QA_DB"] = str(settings.db)
    _open(settings, create=True).close()
    uvicorn.run("qa.service:app_from_env", factory=True, host=host, port=port, workers=workers, log_level="info",
                **options(settings))
