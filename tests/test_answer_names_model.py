"""An answer names the model it asked, also when that model failed (issue 18: the page said "the model failed:
model_unavailable" beside "model: none asked")."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from qa.schemas import Answer
from qa.service import create_app
from qa.settings import Settings
from qa.testing.fake_models import HeldModel
from tests.test_service import BOATS, RELEASE


def _api(tmp_path: Path, mode: str) -> tuple[TestClient, Settings]:
    settings = Settings(db=tmp_path / "api.db").with_mode(mode)
    held = HeldModel(settings.model, hold=0)
    held.released.set()  # every model call fails at once
    api = TestClient(create_app(settings, client=held.client))
    assert api.post("/v1/releases", json={"releases": [RELEASE]}).json()["added"]
    return api, settings


def test_a_failed_model_is_named_in_the_answer(tmp_path: Path) -> None:
    api, settings = _api(tmp_path, "model")
    plain = api.post("/v1/ask", json={"question": BOATS}).json()
    streamed = api.post("/v1/ask", json={"question": BOATS}, headers={"Accept": "text/event-stream"}).text
    assert plain["ungrounded"] == ["the model failed: model_unavailable"] and plain["usage"] == []
    assert plain["model"] == settings.model.model == "smollm2-135m-instruct"
    assert '"model":"smollm2-135m-instruct"' in streamed


def test_an_answer_no_model_was_asked_for_names_none(tmp_path: Path) -> None:
    api, _ = _api(tmp_path, "extractive")
    assert api.post("/v1/ask", json={"question": BOATS}).json()["model"] == ""
    # An answer stored before the field existed still reads.
    assert Answer.model_validate({"question": "q", "answered": False, "answer": "", "mode": "declined",
                                  "verified": True}).model == ""
