"""The answer log: every ask, summary and briefing with what was told, its citations, mode, model, prompt,
tokens and latency; keys never written; a log that cannot be written never stops an answer; conversations; the
service's logging and GET /v1/logs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from qa.answer import Answerer
from qa.brief.briefing import Briefer
from qa.brief.summarize import Summarizer
from qa.evals.retrieval import GoldQuestion
from qa.index.answer_log import AnswerLog, LogError, UnknownConversation, log_path, render
from qa.index.store import Store
from qa.llm.client import no_model_client
from qa.schemas import Answer
from qa.service import create_app
from qa.settings import Settings, default_db
from qa.testing.fake_models import Oracle, fake_client
from tests.conftest import ingest_sample_and

WORTH = "How much is the 52nd drawdown worth?"
GOLD = [GoldQuestion(id="worth", question=WORTH, gold_facts=["$175 million"], kind="numeric")]


@pytest.fixture()
def settings(store: Store) -> Settings:
    ingest_sample_and(store, [])
    settings = Settings(db=store.path)
    settings.answer.mode = "extractive"
    return settings


@pytest.fixture()
def log_target(db_target: Path | str, tmp_path: Path) -> Path | str:
    """The log beside each kind of store: a file of its own, or the index's PostgreSQL database."""
    return db_target if isinstance(db_target, str) else tmp_path / "logs.db"


def _ask(store: Store, settings: Settings, question: str = WORTH) -> Answer:
    return Answerer(store, settings, no_model_client).ask(question)


def test_an_answer_is_logged_with_what_was_told_and_how(store: Store, settings: Settings,
                                                        log_target: Path | str) -> None:
    log = AnswerLog(log_target)
    answer = _ask(store, settings)
    entry = log.record(kind="ask", request=WORTH, result=answer, endpoint="cli", latency_s=0.25)
    [stored] = log.entries()
    assert stored == entry
    assert (stored.kind, stored.request, stored.answer, stored.endpoint) == ("ask", WORTH, "$175 million", "cli")
    assert (stored.mode, stored.support, stored.prompt, stored.latency_s) == ("extractive", "full", "answer@5", 0.25)
    assert stored.model is None and stored.prompt_tokens is None  # no model was asked
    assert stored.time.endswith("Z") and stored.conversation_id and stored.id != stored.conversation_id
    # The full result: the evidence with its citations, as `--json` prints it.
    assert Answer.model_validate(stored.result) == answer.model_copy(update={"conversation_id": entry.conversation_id})
    assert stored.result["evidence"][0]["release_id"] == answer.evidence[0].release_id


def test_entries_are_newest_first_and_found_by_question_answer_or_conversation(store: Store, settings: Settings,
                                                                               log_target: Path | str) -> None:
    log = AnswerLog(log_target)
    first = log.record(kind="ask", request=WORTH, result=_ask(store, settings), endpoint="cli", latency_s=0.1)
    where = "Where had Austin and Umerov most recently met?"
    second = log.record(kind="ask", request=where, result=_ask(store, settings, where), endpoint="api", latency_s=0.1,
                        conversation_id=first.conversation_id)
    other = log.record(kind="ask", request="Who is 100%_sure?", result=_ask(store, settings), endpoint="cli",
                       latency_s=0.1)
    assert [e.id for e in log.entries(n=10)] == [other.id, second.id, first.id]
    assert [e.id for e in log.entries(n=1)] == [other.id]
    assert [e.id for e in log.entries(query="umerov")] == [second.id]  # the question
    assert [e.id for e in log.entries(query="Kyiv")] == [second.id]  # the answer
    assert [e.id for e in log.entries(query="100%_")] == [other.id]  # LIKE's wildcards are the reader's letters
    assert [e.id for e in log.entries(conversation_id=first.conversation_id)] == [second.id, first.id]


def test_a_model_answer_logs_its_model_tokens_and_no_key(store: Store, settings: Settings, tmp_path: Path) -> None:
    settings.answer.mode = "model"
    settings.answer.reports = tmp_path  # no recorded eval decides for the model
    settings.model = settings.model.model_copy(update={"api_key": SecretStr("sk-secret")})
    answer = Answerer(store, settings, lambda: fake_client(Oracle(gold=GOLD), settings.model)).ask(WORTH)
    assert answer.mode == "model"
    log = AnswerLog(tmp_path / "log" / "logs.db")
    entry = log.record(kind="ask", request=WORTH, result=answer, endpoint="cli", latency_s=1.5)
    assert entry.model == settings.model.model and entry.mode == "model"
    assert entry.prompt_tokens == sum(u.prompt_tokens for u in answer.usage) > 0
    assert entry.completion_tokens == sum(u.completion_tokens for u in answer.usage) > 0
    for f in (tmp_path / "log").iterdir():
        assert b"sk-secret" not in f.read_bytes()


def test_summaries_and_briefings_are_logged_with_their_request(store: Store, settings: Settings,
                                                              log_target: Path | str) -> None:
    log = AnswerLog(log_target)
    rid = store.releases()[0].id
    summary = Summarizer(store, settings, no_model_client).summarize(rid)
    entry = log.record(kind="summary", request=json.dumps({"release_id": rid}), result=summary, endpoint="cli",
                       latency_s=0.1)
    assert (entry.answer, entry.mode, entry.support) == (summary.summary, summary.summary_mode, None)
    briefing = Briefer(store, settings, no_model_client).brief(query="Ukraine")
    entry = log.record(kind="brief", request=json.dumps({"query": "Ukraine"}), result=briefing, endpoint="cli",
                       latency_s=0.1)
    assert entry.answer == briefing.overview and entry.mode == briefing.overview_mode
    assert [e.kind for e in log.entries()] == ["brief", "summary"]
    assert store.releases()[0].title in render(entry)  # the briefing's sources, found in its citations


def test_render_gives_time_model_question_answer_and_sources(store: Store, settings: Settings,
                                                            log_target: Path | str) -> None:
    answer = _ask(store, settings)
    entry = AnswerLog(log_target).record(kind="ask", request=WORTH, result=answer, endpoint="cli",
                                                   latency_s=0.2, model="smollm2-135m-instruct")
    text = render(entry)
    for part in (entry.time, "smollm2-135m-instruct", WORTH, "$175 million", answer.evidence[0].title,
                 answer.evidence[0].date, entry.conversation_id):
        assert part in text


def test_the_log_lives_beside_the_default_index_not_in_the_index(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    monkeypatch.delenv("QA_LOG__PATH")
    settings = Settings(db=tmp_path / "index.db")
    assert log_path(settings) == default_db().parent / "logs.db" != settings.db
    settings.log.path = tmp_path / "mine.db"
    assert log_path(settings) == tmp_path / "mine.db"


def test_a_log_that_cannot_be_written_says_so_in_one_line_and_leaves_the_index_alone(
        store: Store, settings: Settings, tmp_path: Path) -> None:
    if not isinstance(store.path, Path):
        pytest.skip("a log file beside an index file; the database's log: test_a_log_whose_database_is_down_...")
    answer = _ask(store, settings)
    index_bytes = store.path.read_bytes()
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with pytest.raises(LogError) as err:
        AnswerLog(blocked / "logs.db").record(kind="ask", request=WORTH, result=answer, endpoint="cli", latency_s=0)
    assert "\n" not in str(err.value) and str(blocked / "logs.db") in str(err.value)
    AnswerLog(tmp_path / "logs.db").record(kind="ask", request=WORTH, result=answer, endpoint="cli", latency_s=0)
    assert store.path.read_bytes() == index_bytes  # the log is its own file, never the index
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(LogError):
        AnswerLog(damaged).entries()


def test_a_log_whose_database_is_down_says_so_in_one_line_without_its_password(store: Store, settings: Settings,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_PG__CONNECT_TIMEOUT", "1")
    answer = _ask(store, settings)
    from qa.testing.pg_server import free_port

    down = AnswerLog(f"postgresql://qa:hunter2@127.0.0.1:{free_port()}/none")
    with pytest.raises(LogError) as err:
        down.record(kind="ask", request=WORTH, result=answer, endpoint="api", latency_s=0)
    assert "\n" not in str(err.value) and "hunter2" not in str(err.value) and "127.0.0.1" in str(err.value)


def test_a_conversation_gives_its_turns_oldest_first(store: Store, settings: Settings, log_target: Path | str) -> None:
    log = AnswerLog(log_target)
    assert log.entries() == [] and log.last_conversation_id() is None  # no file yet: nothing logged
    first = _ask(store, settings)
    cid = log.record(kind="ask", request=WORTH, result=first, endpoint="cli", latency_s=0.1).conversation_id
    then = "what did it include?"
    log.record(kind="ask", request=then, result=_ask(store, settings, then), endpoint="cli", latency_s=0.1,
               conversation_id=cid)
    log.record(kind="summary", request="{}", result=Summarizer(store, settings, no_model_client).summarize(
        store.releases()[0].id), endpoint="cli", latency_s=0.1)
    api = log.record(kind="ask", request=WORTH, result=first, endpoint="api", latency_s=0.1)
    turns = log.turns(cid)
    assert [t.question for t in turns] == [WORTH, then] and turns[0].answer.answer == first.answer
    # `qa ask -c` continues the newest question asked at the command line, not a summary's or an API client's.
    assert log.last_conversation_id() == cid != api.conversation_id
    with pytest.raises(UnknownConversation, match="nosuchid"):
        log.turns("nosuchid")


def _service(store: Store, settings: Settings, answer_log: Path, **log: object) -> TestClient:
    settings.log = settings.log.model_copy(update={"path": answer_log, **log})
    return TestClient(create_app(settings, token="s3cret", client=no_model_client))


AUTH = {"Authorization": "Bearer s3cret"}


def test_the_service_logs_its_answers_and_continues_conversations(store: Store, settings: Settings,
                                                                  log_target: Path | str) -> None:
    api = _service(store, settings, log_target)
    first = api.post("/v1/ask", json={"question": WORTH}, headers=AUTH).json()
    assert first["answer"] == "$175 million" and first["conversation_id"]
    then = api.post("/v1/ask", json={"question": "what did it include?", "conversation_id": first["conversation_id"]},
                    headers=AUTH).json()
    assert then["conversation_id"] == first["conversation_id"]
    assert then["evidence"][0]["release_id"] == first["evidence"][0]["release_id"]
    streamed = api.post("/v1/ask", json={"question": "and who announced it?",
                                         "conversation_id": first["conversation_id"]},
                        headers={**AUTH, "Accept": "text/event-stream"})
    assert f'"conversation_id":"{first["conversation_id"]}"' in streamed.text
    rid = first["evidence"][0]["release_id"]
    assert api.post(f"/v1/releases/{rid}/summary", headers=AUTH).status_code == 200
    assert api.post("/v1/brief", json={"query": "Ukraine", "format": "md"}, headers=AUTH).status_code == 200
    logs = api.get("/v1/logs", params={"n": 10}, headers=AUTH).json()
    assert [e["kind"] for e in logs] == ["brief", "summary", "ask", "ask", "ask"]
    assert {e["endpoint"] for e in logs} == {"api"} and all(e["latency_s"] >= 0 for e in logs)
    assert json.loads(logs[1]["request"]) == {"release_id": rid}
    assert json.loads(logs[0]["request"])["query"] == "Ukraine"
    conversation = api.get("/v1/logs", params={"conversation_id": first["conversation_id"], "n": 5},
                           headers=AUTH).json()
    assert [e["request"] for e in conversation] == ["and who announced it?", "what did it include?", WORTH]
    assert [e["request"] for e in api.get("/v1/logs", params={"q": "include"}, headers=AUTH).json()] == [
        "what did it include?"]
    assert api.get("/v1/logs").status_code == 401  # behind the token
    unknown = api.post("/v1/ask", json={"question": WORTH, "conversation_id": "nosuchid"}, headers=AUTH)
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_conversation"


def test_a_service_with_logging_off_or_an_unwritable_log_still_answers(store: Store, settings: Settings,
                                                                      answer_log: Path, tmp_path: Path) -> None:
    off = _service(store, settings, answer_log, enabled=False)
    reply = off.post("/v1/ask", json={"question": WORTH}, headers=AUTH).json()
    assert reply["answer"] == "$175 million" and reply["conversation_id"] is None
    assert not answer_log.exists()
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    broken = _service(store, settings, blocked / "logs.db")
    reply = broken.post("/v1/ask", json={"question": WORTH}, headers=AUTH)
    assert reply.status_code == 200 and reply.json()["answer"] == "$175 million"
    assert reply.json()["conversation_id"] is None  # not logged, so it could not be continued
