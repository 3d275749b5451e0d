"""The `qa` command: every command group registered on one Typer app, in the order `qa --help` lists them."""

from qa.cli import ask, brief, eval, feeds, ingest, logs, migrate, model, serve  # noqa: F401 - each registers its commands
from qa.cli.common import app, sample_path

__all__ = ["app", "sample_path"]
