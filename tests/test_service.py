"""The HTTP API with the test client: every endpoint, its errors and auth. Answers come from scripted fakes
(qa.testing.fake_models); summaries and briefs replay recorded model traffic from cassettes."""

import json
import re
import threading
import time
from pathlib import Path

import pytest
import vcr
from fastapi.testclient import TestClient

from qa.evals.retrieval import GoldQuestion
from qa.llm.client import ModelClient, ModelError
from qa.service import create_app
from qa.settings import Settings
from qa.testing.fake_models import Adversary, HeldModel, Oracle, fake_client
from tests.conftest import model_url

RELEASE = {"title": "President Authorizes Another $450 Million Drawdown", "date": "2022-06-27",
           "source": "https://example.test/450",
           "text": "President Joe Biden has given DOD authorization for a drawdown of up to $450 million. This is "
                   "the 13th presidential drawdown of DOD stocks since August 2021. The package includes 18 coastal "
                   "and riverine patrol boats."}
BOATS = "How many coastal and riverine patrol boats?"
GOLD = [GoldQuestion(id="boats", question=BOATS, gold_facts=["18"], kind="numeric")]


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "api.db")


@pytest.fixture()
def api(settings: Settings, recorder: vcr.VCR) -> TestClient:
    url = model_url(settings.model)
    return TestClient(create_app(settings, client=lambda: ModelClient(settings.model, url)))


def test_probes_and_openapi(api: TestClient) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}
    assert api.get("/readyz").json() == {"status": "ready", "releases": 0, "chunks": 0,
                                          "index_generation": None}
    paths = api.get("/openapi.json").json()["paths"]
    assert {"/v1/releases", "/v1/search", "/v1/ask", "/v1/brief", "/v1/releases/{release_id}/summary"} <= set(paths)


def test_ingest_list_get_search_delete(api: TestClient) -> None:
    report = api.post("/v1/releases", json={"releases": [RELEASE]}).json()
    assert len(report["added"]) == 1 and report["errors"] == []
    again = api.post("/v1/releases", json={"releases": [RELEASE]}).json()
    assert again["unchanged"] == report["added"]  # same content: nothing changes
    rid = report["added"][0]
    assert [r["id"] for r in api.get("/v1/releases").json()] == [rid]
    got = api.get(f"/v1/releases/{rid[:6]}").json()
    assert got["text"] == RELEASE["text"] and got["date"] == "2022-06-27"
    hits = api.post("/v1/search", json={"query": "13th drawdown", "k": 2}).json()["hits"]
    assert hits[0]["release_id"] == rid and hits[0]["text"] in RELEASE["text"]
    assert api.delete(f"/v1/releases/{rid}").json() == {"removed": [rid]}
    assert api.get("/v1/releases").json() == []


def test_ask_returns_the_short_answer_with_its_evidence_support_and_mode(settings: Settings) -> None:
    oracle = Oracle(gold=GOLD)
    api = TestClient(create_app(settings, client=lambda: fake_client(oracle, settings.model)))
    rid = api.post("/v1/releases", json={"releases": [RELEASE]}).json()["added"][0]
    answer = api.post("/v1/ask", json={"question": BOATS, "mode": "extractive"}).json()
    assert oracle.calls == 0 and "citations" not in answer
    assert answer["answered"] and answer["answer"].startswith("18 ") and len(answer["answer"].split()) <= 6
    assert (answer["support"], answer["mode"], answer["corrections"]) == ("full", "extractive", [])
    [evidence] = answer["evidence"]
    assert evidence["release_id"] == rid and evidence["n"] == 1
    assert RELEASE["text"][evidence["start"]:evidence["end"]] == evidence["quote"] and "18" in evidence["quote"]
    by_model = api.post("/v1/ask", json={"question": BOATS, "mode": "model"}).json()
    assert oracle.calls == 1 and by_model["mode"] == "model" and "18" in by_model["answer"]
    assert by_model["evidence"] and by_model["usage"]


def test_ask_rejects_a_careless_model_and_shows_corrections_and_declines(settings: Settings) -> None:
    adversary = Adversary(gold=GOLD, kind="number")
    api = TestClient(create_app(settings, client=lambda: fake_client(adversary, settings.model)))
    api.post("/v1/releases", json={"releases": [RELEASE]})
    answer = api.post("/v1/ask", json={"question": BOATS, "mode": "model"}).json()
    assert adversary.calls == 1 and answer["mode"] == "extractive" and answer["answer"].startswith("18 ")
    assert answer["ungrounded"] and answer["mode"] == "extractive"
    typo = api.post("/v1/ask", json={"question": "How many coastal and riverine patrl boats?",
                                     "mode": "extractive"}).json()
    assert typo["corrections"] == [{"wrote": "patrl", "searched": "patrol"}] and typo["answer"].startswith("18 ")
    declined = api.post("/v1/ask", json={"question": "What was the value of the 37th drawdown?"}).json()
    assert declined["answered"] is False and declined["mode"] == "declined" and declined["support"] == "none"
    assert "37th" in declined["answer"] and declined["evidence"] == []
    assert adversary.calls == 1  # a declined question never reaches the model


def test_summarize_and_brief(api: TestClient, recorder: vcr.VCR) -> None:
    rid = api.post("/v1/releases", json={"releases": [RELEASE]}).json()["added"][0]
    with recorder.use_cassette("model.yaml"):
        summary = api.post(f"/v1/releases/{rid}/summary").json()
        brief = api.post("/v1/brief", json={"query": "drawdown"}).json()
    assert summary["dollar_amounts"][0]["value"] == "$450 million"
    assert brief["releases"] == [rid] and brief["sections"]


def test_errors_are_json_with_a_stable_code(api: TestClient) -> None:
    missing = api.get("/v1/releases/rnothere")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    long = api.post("/v1/ask", json={"question": "x" * 1001})
    assert long.status_code == 422 and long.json()["code"] == "invalid_request" and "question" in long.json()["message"]
    for question in ("", "   "):
        empty = api.post("/v1/ask", json={"question": question})
        assert empty.status_code == 422 and empty.json()["code"] == "invalid_request"
        assert "question" in empty.json()["message"]
    blank = api.post("/v1/ask", json={"question": " \t "}).json()["message"]
    assert "the question is empty" in blank
    mode = api.post("/v1/ask", json={"question": "How much?", "mode": "guess"})
    assert mode.status_code == 422 and "mode" in mode.json()["message"]
    bad_date = api.post("/v1/releases", json={"releases": [{**RELEASE, "date": "someday"}]})
    assert bad_date.status_code == 422 and "unrecognised date" in bad_date.json()["message"]
    limit = Settings().service.max_body_bytes
    big = api.post("/v1/releases", content=b"x", headers={"content-length": str(limit + 1),
                                                           "content-type": "application/json"})
    assert big.status_code == 413 and big.json()["code"] == "body_too_large"
    assert "Traceback" not in missing.text + long.text + big.text + mode.text


def test_a_token_guards_every_endpoint_but_health(settings: Settings) -> None:
    api = TestClient(create_app(settings, token="s3cret"))
    assert api.get("/healthz").status_code == 200
    denied = api.get("/v1/releases")
    assert denied.status_code == 401 and denied.json()["code"] == "unauthorized" and "s3cret" not in denied.text
    assert api.get("/v1/releases", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert api.get("/v1/releases", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_serve_refuses_a_public_address_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from qa.cli.main import app

    monkeypatch.delenv("QA_API_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "set QA_API_TOKEN" in result.stderr


def test_ask_streams_server_sent_events_ending_with_the_cited_answer(settings: Settings) -> None:
    oracle = Oracle(gold=GOLD)
    api = TestClient(create_app(settings, client=lambda: fake_client(oracle, settings.model)))
    api.post("/v1/releases", json={"releases": [RELEASE]})
    with api.stream("POST", "/v1/ask", json={"question": BOATS, "mode": "model"},
                    headers={"Accept": "text/event-stream"}) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        text = "".join(response.iter_text())
    events = [block.split("\n", 1) for block in text.strip().split("\n\n")]
    assert [e[0] for e in events] == ["event: hits", "event: answer"]
    hits = json.loads(events[0][1].removeprefix("data: "))["hits"]
    answer = json.loads(events[-1][1].removeprefix("data: "))
    assert hits and "18" in hits[0]["text"]
    assert answer["answered"] and answer["mode"] == "model" and "18" in answer["answer"]
    assert answer["support"] == "full" and answer["evidence"][0]["release_id"] == hits[0]["release_id"]
    assert oracle.calls == 1


def test_model_calls_beyond_the_limit_wait_their_turn(settings: Settings) -> None:
    state = {"now": 0, "most": 0}
    lock = threading.Lock()

    class SlowModel(ModelClient):
        def structured(self, *args: object, **kwargs: object) -> None:
            with lock:
                state["now"] += 1
                state["most"] = max(state["most"], state["now"])
            time.sleep(0.2)
            with lock:
                state["now"] -= 1
            raise ModelError("stand-in", attempts=1)  # the floor answers

    settings = settings.model_copy(update={"service": settings.service.model_copy(update={"model_calls": 1})})
    api = TestClient(create_app(settings, client=lambda: SlowModel(settings.model, "http://unused.test/v1")))
    api.post("/v1/releases", json={"releases": [RELEASE]})
    answers: list[dict] = []
    threads = [threading.Thread(target=lambda: answers.append(
        api.post("/v1/ask", json={"question": BOATS, "mode": "model"}).json()))
        for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 4 and all(a["mode"] == "extractive" and "18" in a["answer"] for a in answers)
    assert state["most"] == 1


def test_an_extractive_answer_does_not_wait_for_a_busy_model(settings: Settings) -> None:
    settings = settings.model_copy(update={"service": settings.service.model_copy(update={"model_calls": 1})})
    held = HeldModel(settings.model)
    started, release = held.started, held.released
    api = TestClient(create_app(settings, client=held.client))
    api.post("/v1/releases", json={"releases": [RELEASE]})
    slow: list[dict] = []
    busy = threading.Thread(target=lambda: slow.append(
        api.post("/v1/ask", json={"question": BOATS, "mode": "model"}).json()))
    busy.start()
    try:
        assert started.wait(10)  # the one model slot is taken
        began = time.monotonic()
        quick = api.post("/v1/ask", json={"question": BOATS, "mode": "extractive"}).json()
        assert time.monotonic() - began < 5 and busy.is_alive()
        assert quick["mode"] == "extractive" and quick["answer"].startswith("18 ")
    finally:
        release.set()
        busy.join()
    assert slow[0]["mode"] == "extractive" and slow[0]["ungrounded"]


def test_a_briefing_comes_as_a_markdown_memo(settings: Settings) -> None:
    from qa.llm.client import no_model_client

    api = TestClient(create_app(settings, client=lambda: no_model_client(settings.model)))
    api.post("/v1/releases", json={"releases": [RELEASE]})
    memo = api.post("/v1/brief", json={"query": "drawdown", "format": "md"})
    assert memo.status_code == 200 and memo.headers["content-type"].startswith("text/markdown")
    text = memo.text
    assert text.startswith("# Briefing: drawdown\n") and "## Overview" in text and "## Sources" in text
    marks = {int(m) for m in re.findall(r"\[(\d+)\]", text.split("## Sources")[0])}
    sources = re.findall(r"^(\d+)\. \[.+?\]\(<https?://[^>]+>\)", text.split("## Sources")[1], re.MULTILINE)
    assert marks and marks == {int(n) for n in sources}  # every mark is a numbered, linked source
    assert api.post("/v1/brief", json={"query": "drawdown", "format": "pdf"}).status_code == 422
