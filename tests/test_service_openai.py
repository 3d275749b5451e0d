"""The OpenAI-compatible endpoint with the real `openai` client against the service on a real socket (uvicorn on
127.0.0.1, a free port, in a thread), over the shipped sample release: the reply's text is the short answer with
citation markers and a Sources list, streamed or not, and the structured answer rides along in `qa`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import openai
import pytest
from openai.types.chat import ChatCompletion

from qa.evals.retrieval import GoldQuestion
from qa.index.store import Store
from qa.llm.client import ModelClient
from qa.service import create_app
from qa.settings import Settings
from qa.testing.fake_models import Oracle, fake_client
from tests.conftest import ingest_sample_and
from tests.test_service_net import BOUND, serving

# The tests' own servers on loopback, and nothing else.
pytestmark = pytest.mark.usefixtures("loopback")

SEED = "How much is the 52nd drawdown worth?"
TITLE = "Austin Meets With Ukrainian Minister of Defense at Pentagon"


def _settings(tmp_path: Path) -> Settings:
    """The sample release indexed; answers extractive, so no model is needed."""
    s = Settings(db=tmp_path / "openai.db")
    store = Store(s.db)
    ingest_sample_and(store, [])
    store.close()
    return s.with_mode("extractive")


@contextmanager
def qa_client(tmp_path: Path, token: str | None = None, api_key: str = "tok",
              model: Callable[[], ModelClient] | None = None) -> Iterator[openai.OpenAI]:
    """The `openai` client pointed at a qa service that runs until the block ends."""
    with serving(create_app(_settings(tmp_path), token=token, client=model)) as url:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key=api_key, timeout=BOUND * 4, max_retries=0)
        try:
            yield client
        finally:
            client.close()


def _ask(client: openai.OpenAI, question: str) -> ChatCompletion:
    return client.chat.completions.create(model="qa", messages=[{"role": "user", "content": question}])


def test_the_reply_is_the_short_answer_with_markers_and_sources_and_the_answer_rides_along(tmp_path: Path) -> None:
    with qa_client(tmp_path) as client:
        assert [m.id for m in client.models.list()] == ["qa"]
        done = _ask(client, SEED)
    text = done.choices[0].message.content or ""
    assert text.startswith("$175 million [1]") and done.model == "qa" and done.choices[0].finish_reason == "stop"
    answer, sources = text.split("\n\nSources:\n")
    assert answer == "$175 million [1] [2]"
    lines = sources.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"[{n}] {TITLE} (2023-12-06), https://") for n, line in
                                   zip((1, 2), lines))
    assert "I am announcing our 52nd drawdown" in lines[0] and "worth $175 million" in lines[1]
    qa = done.model_extra["qa"] if done.model_extra else {}
    assert (qa["answer"], qa["support"], qa["mode"], qa["question"]) == ("$175 million", "full", "extractive", SEED)
    assert [c["n"] for c in qa["evidence"]] == [1, 2] and qa["evidence"][0]["title"] == TITLE
    assert done.usage is not None and (done.usage.prompt_tokens, done.usage.completion_tokens) == (0, 0)


def test_a_stream_sends_the_same_reply_in_chunks_then_done(tmp_path: Path) -> None:
    with qa_client(tmp_path) as client:
        whole = _ask(client, SEED).choices[0].message.content
        chunks = list(client.chat.completions.create(
            model="qa", messages=[{"role": "user", "content": SEED}], stream=True))
        raw = httpx.post(f"{client.base_url}chat/completions", headers={"Authorization": "Bearer tok"},
                         json={"model": "qa", "stream": True, "messages": [{"role": "user", "content": SEED}]},
                         timeout=BOUND)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == whole
    assert len(chunks) > 3 and chunks[0].choices[0].delta.role == "assistant"
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop" and last.usage is not None
    assert last.model_extra and last.model_extra["qa"]["answer"] == "$175 million"
    assert raw.headers["content-type"].startswith("text/event-stream")
    assert raw.text.endswith("data: [DONE]\n\n")


def test_a_wrong_api_key_is_an_authentication_error(tmp_path: Path) -> None:
    with qa_client(tmp_path, token="s3cret", api_key="wrong") as client, \
            pytest.raises(openai.AuthenticationError):
        _ask(client, SEED)
    with qa_client(tmp_path, token="s3cret", api_key="s3cret") as client:
        assert (_ask(client, SEED).choices[0].message.content or "").startswith("$175 million")


def test_a_question_the_releases_do_not_cover_is_declined_with_why(tmp_path: Path) -> None:
    with qa_client(tmp_path) as client:
        done = _ask(client, "what did the releases say about golden dome")
    text = done.choices[0].message.content or ""
    assert text.startswith("The releases do not say: the releases do not mention")
    assert "dome" in text and "Sources" not in text  # lower case, "golden" reads as an adjective
    assert done.model_extra and done.model_extra["qa"]["mode"] == "declined"


def test_the_last_user_message_is_the_question(tmp_path: Path) -> None:
    with qa_client(tmp_path) as client:
        done = client.chat.completions.create(model="anything", messages=[
            {"role": "system", "content": "Answer from the releases."},
            {"role": "user", "content": "what did the releases say about golden dome"},
            {"role": "assistant", "content": "The releases do not say."},
            {"role": "user", "content": [{"type": "text", "text": "Where had Austin and Umerov most recently met?"}]},
        ])
    assert done.model == "anything"
    assert (done.choices[0].message.content or "").startswith("Kyiv [1]\n\nSources:\n[1] " + TITLE)


def test_errors_are_in_openai_shape(tmp_path: Path) -> None:
    with qa_client(tmp_path) as client:
        with pytest.raises(openai.UnprocessableEntityError) as no_user:
            client.chat.completions.create(model="qa", messages=[{"role": "system", "content": "Be brief."}])
        with pytest.raises(openai.UnprocessableEntityError) as too_long:
            _ask(client, "drawdown " * 200)
    assert no_user.value.code == "invalid_request"
    assert no_user.value.body == {"message": "body: no message has the role user; the last user message is the "
                                  "question", "type": "invalid_request_error", "code": "invalid_request", "param": None}
    assert "over 1000 characters" in too_long.value.message


def test_qa_model_asks_the_model_and_counts_its_tokens(tmp_path: Path) -> None:
    oracle = Oracle(gold=[GoldQuestion(id="seed", question=SEED, gold_facts=["$175 million"], kind="numeric")])
    settings = Settings()
    with qa_client(tmp_path, model=lambda: fake_client(oracle, settings.model)) as client:
        by_model = client.chat.completions.create(model="qa-model", messages=[{"role": "user", "content": SEED}])
        assert oracle.calls == 1
        assert _ask(client, SEED).usage.prompt_tokens == 0 and oracle.calls == 1  # type: ignore[union-attr]
    assert by_model.model_extra and by_model.model_extra["qa"]["mode"] == "model"
    assert "175 million" in (by_model.choices[0].message.content or "")
    assert by_model.usage is not None and by_model.usage.prompt_tokens > 0 and by_model.usage.completion_tokens > 0
    assert by_model.usage.total_tokens == by_model.usage.prompt_tokens + by_model.usage.completion_tokens


def test_chat_answers_are_in_the_answer_log(tmp_path: Path) -> None:
    with qa_client(tmp_path) as client:
        _ask(client, SEED)
        logged = httpx.get(f"{client.base_url}logs", params={"q": "52nd drawdown"}, timeout=BOUND).json()
    assert [(e["request"], e["answer"], e["endpoint"]) for e in logged] == [(SEED, "$175 million", "api")]
