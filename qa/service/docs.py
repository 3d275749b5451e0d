"""/docs without the network: Swagger UI from the files the swagger-ui-bundle package installs, not a CDN."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from starlette.exceptions import HTTPException
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs/assets/"
# Only what the page loads (and the source maps a browser's tools ask for): the bundle's index.html and
# swagger-initializer.js point at a demo API on the internet.
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_FILES = frozenset({"swagger-ui-bundle.js", "swagger-ui-bundle.js.map", "swagger-ui.css", "swagger-ui.css.map",
                    "favicon-32x32.png"})


def policy(html: str) -> str:
    """The page's content security policy: its own files only, and its one inline script by its hash (FastAPI
    writes Swagger UI's start-up inline), so no injected script runs and nothing loads from elsewhere."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
                      for script in _INLINE_SCRIPT.findall(html))
    # Swagger UI sets styles inline and shows its logo as a data: image.
    return (f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'")


def with_policy(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = policy(bytes(page.body).decode())
    return page


def install(app: FastAPI) -> None:
    """GET /docs and its assets; the app must be made with docs_url=None and redoc_url=None (ReDoc is CDN-only)."""

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return with_policy(get_swagger_ui_html(
            openapi_url=root + (app.openapi_url or "/openapi.json"), title=f"{app.title} - API docs",
            swagger_js_url=f"{root}{ASSETS}swagger-ui-bundle.js", swagger_css_url=f"{root}{ASSETS}swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}favicon-32x32.png",
            # Swagger UI otherwise sends the spec to validator.swagger.io for its badge.
            swagger_ui_parameters={"validatorUrl": None}))

    @app.get(ASSETS + "{name}", include_in_schema=False)
    async def asset(name: str) -> FileResponse:
        if name not in _FILES:
            raise HTTPException(status_code=404, detail=f"no docs asset {name!r}")
        return FileResponse(Path(swagger_ui_path) / name)
