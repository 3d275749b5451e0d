"""The `qa` command: every command group registered on one Typer app, in the order `qa --help` lists them."""

# Each module registers its commands.
from qa.cli import ask, brief, eval, feeds, ingest, logs, migrate, model, serve, settings  # noqa: F401
from qa.cli.common import app, sample_path

__all__ = ["app", "sample_path"]

# `python -m qa.cli.main`: what the benchmarks and test replicas run where no `qa` script stands beside Python.
if __name__ == "__main__":
    app()
