"""The API's answers to faults, with the test client: a full model queue, model errors shown as a code only,
storage faults, bad dates, unknown routes and methods, /docs offline, one shared index, one search per
streamed ask."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from concurrent.futures import Future
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa.index import bm25 as index
from qa.index.search import Searcher
from qa.index.store import StorageFault, Store, StoreError
from qa.llm.client import ModelClient, ModelError, no_model_client
from qa.service import create_app
from qa.service.errors import response_for
from qa.service.model import RequestModel, Stopped, wait
from qa.settings import Settings
from qa.testing.fake_models import HeldModel, Oracle, fake_client
from tests.test_service import BOATS, GOLD, RELEASE

SECRET = "/home/x/model.gguf"


def _settings(tmp_path: Path, mode: str = "auto", **service: int) -> Settings:
    s = Settings(db=tmp_path / "api.db")
    return s.with_mode(mode).model_copy(update={"service": s.service.model_copy(update=service)})


def test_a_full_model_queue_answers_429_with_retry_after(tmp_path: Path) -> None:
    # One slot and no waiting place: once the first ask holds the slot, the next model ask is one too many.
    settings = _settings(tmp_path, model_calls=1, model_queue=0)
    held = HeldModel(settings.model)
    started, release = held.started, held.released
    api = TestClient(create_app(settings, client=held.client))
    api.post("/v1/releases", json={"releases": [RELEASE]})
    waiting: list[dict] = []
    first = threading.Thread(target=lambda: waiting.append(
        api.post("/v1/ask", json={"question": BOATS, "mode": "model"}).json()))
    first.start()
    try:
        assert started.wait(10)
        busy = api.post("/v1/ask", json={"question": BOATS, "mode": "model"})
        assert busy.status_code == 429 and busy.json()["code"] == "busy" and busy.json()["message"]
        assert int(busy.headers["Retry-After"]) > 0
        streamed = api.post("/v1/ask", json={"question": BOATS, "mode": "model"},
                            headers={"Accept": "text/event-stream"})
        assert streamed.status_code == 429 and streamed.json()["code"] == "busy"
        # An extractive answer takes no model slot, so it is never busy.
        assert api.post("/v1/ask", json={"question": BOATS, "mode": "extractive"}).status_code == 200
    finally:
        release.set()
        first.join(20)
    assert waiting[0]["mode"] == "extractive"
    # The slot is free again.
    assert api.post("/v1/ask", json={"question": BOATS, "mode": "model"}).status_code == 200


def test_a_request_that_stops_waiting_cancels_its_model_calls() -> None:
    cancels: list[str] = []
    never: Future[str] = Future()

    async def gone() -> bool:
        return True

    with pytest.raises(Stopped) as stop:
        asyncio.run(wait(never, deadline=1e12, disconnected=gone, cancel=lambda: cancels.append("x")))
    assert stop.value.reason == "disconnected" and cancels and never.cancelled()

    async def here() -> bool:
        return False

    queued: Future[str] = Future()
    with pytest.raises(Stopped) as stop:
        asyncio.run(wait(queued, deadline=0, disconnected=here, cancel=lambda: cancels.append("y")))
    assert stop.value.reason == "deadline" and cancels[-1] == "y" and queued.cancelled()


def test_cancel_reaches_every_client_a_request_made_and_stops_further_calls() -> None:
    made: list[str] = []

    class Cancellable:
        def structured(self, *args: object, **kwargs: object) -> str:
            return "reply"

        def cancel(self) -> None:
            made.append("cancelled")

    model = RequestModel(lambda: Cancellable())  # type: ignore[arg-type, return-value]
    first, second = model.client(), model.client()
    assert first.structured([], object, name="x") == "reply"
    model.cancel()
    assert made == ["cancelled", "cancelled"]
    with pytest.raises(ModelError) as err:
        second.structured([], object, name="x")
    assert err.value.code == "model_cancelled" and str(err.value) == "model_cancelled"
    model.client()  # a client made after the cancel is cancelled at once
    assert made == ["cancelled"] * 3


def test_a_model_error_reaches_clients_as_a_code_never_the_servers_words(tmp_path: Path) -> None:
    class Leaky(ModelClient):
        def structured(self, *args: object, **kwargs: object) -> None:
            raise ModelError(f"server said: cannot open {SECRET}: no such file", attempts=1, status=500)

    settings = _settings(tmp_path, mode="model")
    api = TestClient(create_app(settings, client=lambda: Leaky(settings.model, "http://unused.test/v1")))
    rid = api.post("/v1/releases", json={"releases": [RELEASE]}).json()["added"][0]
    answer = api.post("/v1/ask", json={"question": BOATS})
    streamed = api.post("/v1/ask", json={"question": BOATS}, headers={"Accept": "text/event-stream"})
    summary = api.post(f"/v1/releases/{rid}/summary")
    brief = api.post("/v1/brief", json={"query": "drawdown"})
    for r in (answer, streamed, summary, brief):
        assert r.status_code == 200 and SECRET not in r.text and "no such file" not in r.text
    assert answer.json()["ungrounded"] == ["the model failed: model_unavailable"]
    assert answer.json()["answer"].startswith("18 ")
    assert summary.json()["ungrounded"] == ["the model failed: model_unavailable"]
    failed = response_for(ModelError(f"cannot open {SECRET}", attempts=1))
    assert failed.status_code == 503 and SECRET not in bytes(failed.body).decode()
    assert json.loads(failed.body)["code"] == "model_unavailable"


@pytest.mark.parametrize(("code", "status"), [("storage_full", 507), ("storage_read_only", 503),
                                              ("storage_damaged", 503)])
def test_storage_faults_are_json_507_or_503_with_their_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            code: str, status: int) -> None:
    def fault(*args: object, **kwargs: object) -> None:
        raise StorageFault(f"{tmp_path}/secret-index.db cannot be written", code)

    api = TestClient(create_app(_settings(tmp_path)))
    monkeypatch.setattr(Store, "releases", fault)
    monkeypatch.setattr(Store, "counts", fault)
    for r in (api.get("/v1/releases"), api.get("/readyz")):
        # The code and what it means; the server's path only in its log (issue 20, item 4).
        assert r.status_code == status and r.json()["code"] == code and r.json()["message"]
        assert "secret-index" not in r.text and str(tmp_path) not in r.text
    monkeypatch.setattr(Store, "resolve", lambda *a: (_ for _ in ()).throw(StoreError("no release 'rx'")))
    missing = api.get("/v1/releases/rx")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/v1/search", {"query": "drawdown", "since": "yesterday"}, "since"),
    ("/v1/search", {"query": "drawdown", "until": "2024-13-45"}, "until"),
    ("/v1/brief", {"since": "2023-99-99"}, "since"),
    ("/v1/search", {"query": "drawdown", "since": "2024-05-01", "until": "2024-01-01"}, "since"),
    ("/v1/brief", {"since": "2024-05-01", "until": "2024-01-01"}, "until"),
])
def test_bad_dates_are_422_naming_the_field(tmp_path: Path, path: str, body: dict, field: str) -> None:
    api = TestClient(create_app(_settings(tmp_path, mode="extractive")))
    r = api.post(path, json=body)
    assert r.status_code == 422 and r.json()["code"] == "invalid_request" and field in r.json()["message"]


def test_dates_in_the_forms_releases_use_are_read(tmp_path: Path) -> None:
    api = TestClient(create_app(_settings(tmp_path, mode="extractive")))
    api.post("/v1/releases", json={"releases": [RELEASE]})
    hits = api.post("/v1/search", json={"query": "drawdown", "since": "June 1, 2022", "until": "2022-06-30"})
    assert hits.status_code == 200 and hits.json()["hits"]
    assert api.post("/v1/search", json={"query": "drawdown", "since": "2022-06-28"}).json()["hits"] == []


def test_unknown_routes_and_methods_are_json(tmp_path: Path) -> None:
    api = TestClient(create_app(_settings(tmp_path)))
    nowhere = api.get("/v2/nothing")
    assert nowhere.status_code == 404 and set(nowhere.json()) == {"code", "message"}
    assert nowhere.json()["code"] == "not_found"
    wrong = api.get("/v1/ask")
    assert wrong.status_code == 405 and wrong.json()["code"] == "method_not_allowed"
    assert "POST" in wrong.headers["allow"]


def test_docs_load_only_local_assets_and_stay_open_with_a_token(tmp_path: Path) -> None:
    api = TestClient(create_app(_settings(tmp_path), token="s3cret"))
    page = api.get("/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert "//" not in re.sub(r"<!--.*?-->", "", page.text).replace("http://www.w3.org", "")  # no URL off the machine
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/docs/assets/") for a in assets)
    for a in assets:
        assert api.get(a).status_code == 200
    assert api.get("/openapi.json").status_code == 200
    assert api.get("/docs/assets/index.html").status_code == 404  # the bundle's demo page points off the machine
    assert api.get("/redoc").status_code == 401  # ReDoc loads from a CDN: not served
    assert api.get("/v1/releases").status_code == 401


def test_one_shared_index_serves_every_endpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[bool] = []
    real = index.load

    def counted(*args: object, save: bool = True, **kwargs: object) -> index.BM25Index:
        loads.append(save)
        return real(*args, save=save, **kwargs)

    monkeypatch.setattr(index, "load", counted)
    settings = _settings(tmp_path, mode="model")
    oracle = Oracle(gold=GOLD)
    api = TestClient(create_app(settings, client=lambda: fake_client(oracle, settings.model)))
    api.post("/v1/releases", json={"releases": [RELEASE]})
    assert api.post("/v1/search", json={"query": "drawdown"}).json()["hits"]
    assert api.post("/v1/ask", json={"question": BOATS}).json()["mode"] == "model"
    assert api.post("/v1/ask", json={"question": BOATS, "mode": "extractive"}).json()["answer"].startswith("18 ")
    api.post("/v1/ask", json={"question": BOATS}, headers={"Accept": "text/event-stream"})
    assert api.post("/v1/brief", json={"query": "drawdown"}).json()["releases"]
    assert loads == [False]  # loaded once, and never written back into the file


def test_a_streamed_ask_searches_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    searched: list[str] = []
    real = Searcher.search

    def counted(self: Searcher, query: str, *args: object, **kwargs: object) -> object:
        searched.append(query)
        return real(self, query, *args, **kwargs)

    monkeypatch.setattr(Searcher, "search", counted)
    settings = _settings(tmp_path, mode="model")
    oracle = Oracle(gold=GOLD)
    api = TestClient(create_app(settings, client=lambda: fake_client(oracle, settings.model)))
    api.post("/v1/releases", json={"releases": [RELEASE]})
    text = api.post("/v1/ask", json={"question": BOATS}, headers={"Accept": "text/event-stream"}).text
    assert [line for line in text.splitlines() if line.startswith("event:")] == ["event: hits", "event: answer"]
    assert len(searched) == 1 and oracle.calls == 1


def test_summaries_and_briefings_without_a_model_take_no_model_slot(tmp_path: Path) -> None:
    settings = _settings(tmp_path, mode="extractive", model_calls=1, model_queue=0)
    api = TestClient(create_app(settings, client=lambda: no_model_client(settings.model)))
    rid = api.post("/v1/releases", json={"releases": [RELEASE]}).json()["added"][0]
    assert api.post(f"/v1/releases/{rid}/summary").json()["summary_mode"] == "extractive"
    assert api.post("/v1/brief", json={"query": "drawdown", "format": "md"}).status_code == 200
