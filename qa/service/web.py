"""The web page for readers: one HTML shell, a script and a style sheet, shipped inside the package.

The page is a client of the JSON API (every view fetches the same routes a script would), so a token set on
the service guards the page's data exactly as it guards the API's: the shell and its files are open, and
the page asks the reader for the token once and sends it as the bearer header.
"""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response

STATIC = "/static/"
# The page's own files, and how each is served. No file names a host: the page loads nothing from elsewhere.
_FILES = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8",
          "favicon.svg": "image/svg+xml"}
# The browser may load nothing but this origin's files, and may send its requests nowhere else.
_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
           "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def _read(name: str) -> bytes:
    return resources.files("qa.service").joinpath("static", name).read_bytes()


def install(app: FastAPI, *, needs_token: bool) -> None:
    """`/` serves the page and `/static/NAME` its files, open without the token.

    The shell says whether the service wants a token, so the page asks for it before its first request
    rather than after a refusal."""
    headers = {"Content-Security-Policy": _POLICY, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff",
               "Referrer-Policy": "no-referrer"}

    shell = _read("index.html")
    if needs_token:
        shell = shell.replace(b'<meta name="qa-auth" content="none">', b'<meta name="qa-auth" content="bearer">')

    @app.get("/", include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse(shell, headers=headers)

    for name, media_type in _FILES.items():
        def serve(name: str = name, media_type: str = media_type) -> Response:
            return Response(_read(name), media_type=media_type, headers=headers)

        app.add_api_route(STATIC + name, serve, methods=["GET"], include_in_schema=False)
