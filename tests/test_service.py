"""The HTTP API with the test client: every endpoint, its errors and auth; model traffic from cassettes."""

from pathlib import Path

import pytest
import vcr
from fastapi.testclient import TestClient

from qa.llm_client import ModelClient
from qa.service import MAX_BODY_BYTES, create_app
from qa.settings import Settings
from tests.conftest import model_url

RELEASE = {"title": "President Authorizes Another $450 Million Drawdown", "date": "2022-06-27",
           "source": "https://example.test/450",
           "text": "President Joe Biden has given DOD authorization for a drawdown of up to $450 million. This is "
                   "the 13th presidential drawdown of DOD stocks since August 2021. The package includes 18 coastal "
                   "and riverine patrol boats."}


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "api.db")


@pytest.fixture()
def api(settings: Settings, recorder: vcr.VCR) -> TestClient:
    url = model_url(settings.model)
    return TestClient(create_app(settings, client=lambda: ModelClient(settings.model, url)))


def test_probes_and_openapi(api: TestClient) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}
    assert api.get("/readyz").json() == {"status": "ready", "releases": 0, "chunks": 0}
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


def test_ask_summarize_brief(api: TestClient, recorder: vcr.VCR) -> None:
    rid = api.post("/v1/releases", json={"releases": [RELEASE]}).json()["added"][0]
    with recorder.use_cassette("model.yaml"):
        answer = api.post("/v1/ask", json={"question": "How many coastal and riverine patrol boats?"}).json()
        summary = api.post(f"/v1/releases/{rid}/summary").json()
        brief = api.post("/v1/brief", json={"query": "drawdown"}).json()
    assert answer["answered"] and "18" in answer["answer"] and answer["citations"][0]["release_id"] == rid
    assert summary["dollar_amounts"][0]["value"] == "$450 million"
    assert brief["releases"] == [rid] and brief["sections"]
    declined = api.post("/v1/ask", json={"question": "What was the value of the 37th drawdown?"}).json()
    assert declined["answered"] is False and declined["mode"] == "declined"


def test_errors_are_json_with_a_stable_code(api: TestClient) -> None:
    missing = api.get("/v1/releases/rnothere")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    long = api.post("/v1/ask", json={"question": "x" * 1001})
    assert long.status_code == 422 and long.json()["code"] == "invalid_request" and "question" in long.json()["message"]
    bad_date = api.post("/v1/releases", json={"releases": [{**RELEASE, "date": "someday"}]})
    assert bad_date.status_code == 422 and "unrecognised date" in bad_date.json()["message"]
    big = api.post("/v1/releases", content=b"x", headers={"content-length": str(MAX_BODY_BYTES + 1),
                                                           "content-type": "application/json"})
    assert big.status_code == 413 and big.json()["code"] == "body_too_large"
    assert "Traceback" not in missing.text + long.text + big.text


def test_a_token_guards_every_endpoint_but_health(settings: Settings) -> None:
    api = TestClient(create_app(settings, token="s3cret"))
    assert api.get("/healthz").status_code == 200
    denied = api.get("/v1/releases")
    assert denied.status_code == 401 and denied.json()["code"] == "unauthorized" and "s3cret" not in denied.text
    assert api.get("/v1/releases", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert api.get("/v1/releases", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_serve_refuses_a_public_address_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from qa.cli import app

    monkeypatch.delenv("QA_API_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "set QA_API_TOKEN" in result.stderr


def test_ask_streams_server_sent_events_ending_with_the_cited_answer(api: TestClient, recorder: vcr.VCR) -> None:
    import json

    api.post("/v1/releases", json={"releases": [RELEASE]})
    with recorder.use_cassette("stream.yaml"), api.stream(
            "POST", "/v1/ask", json={"question": "How many coastal and riverine patrol boats?"},
            headers={"Accept": "text/event-stream"}) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        text = "".join(response.iter_text())
    events = [block.split("\n", 1) for block in text.strip().split("\n\n")]
    assert [e[0] for e in events] == ["event: hits", "event: answer"]
    answer = json.loads(events[-1][1].removeprefix("data: "))
    assert answer["answered"] and answer["citations"]


def test_model_calls_beyond_the_limit_wait_their_turn(settings: Settings) -> None:
    import threading
    import time

    from qa.llm_client import ModelError

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

    api = TestClient(create_app(settings, client=lambda: SlowModel(settings.model, "http://unused.test/v1"),
                                max_model_calls=1))
    api.post("/v1/releases", json={"releases": [RELEASE]})
    answers: list[dict] = []
    threads = [threading.Thread(target=lambda: answers.append(
        api.post("/v1/ask", json={"question": "How many coastal and riverine patrol boats?"}).json()))
        for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 4 and all(a["mode"] == "extractive" and "18" in a["answer"] for a in answers)
    assert state["most"] == 1
