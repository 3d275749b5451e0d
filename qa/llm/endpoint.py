"""Where model calls go: the configured OpenAI-compatible endpoint, or the embedded local server."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_state_path

from qa.llm import local_model
from qa.llm.client import ModelClient
from qa.settings import ModelSettings, Settings


def state_dir() -> Path:
    """Where the local servers' state, log and lock files live: one set per install and model, in a folder every
    install of qa on the machine shares."""
    return user_state_path("qa", appauthor=False)


def base_url(model: ModelSettings) -> str:
    """The configured endpoint's; with none, the local server's, started or reused (a use that keeps it up)."""
    return model.base_url or local_model.ensure_server(model, state_dir())


def model_client(settings: Settings) -> ModelClient:
    """A client for the configured endpoint; with none, the local server is started or reused first."""
    return ModelClient(settings.model, base_url(settings.model))
