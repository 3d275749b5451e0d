"""Follow-up questions on the dev corpus: "what did it include?" after "How much is the 52nd drawdown worth?" is
answered from the same release, where alone it goes elsewhere; a follow-up that names its own subject, or asks
about something the earlier release never mentions, moves on; in model mode the earlier turns go to the model,
and a request without them is the one recorded on the eval cassettes."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2
import pytest

from qa.answer import Answerer
from qa.answer.followup import context, names_subject, subject_words
from qa.answer.pipeline import HEDGED
from qa.evals.retrieval import GoldQuestion
from qa.evals.scoring import fact_found
from qa.index.conversation import Turn
from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.llm.client import ModelClient, no_model_client
from qa.schemas import Answer
from qa.settings import IndexSettings, Settings
from qa.testing.fake_models import FAKE_URL, Oracle

# (first question, its release file, the follow-up): each follow-up alone is ambiguous.
CHAINS = [
    ("How much is the 52nd drawdown worth?", "008_austin_meets_umerov_pentagon_dec2023.txt", "what did it include?"),
    ("How much is the 13th presidential drawdown worth?", "002_president_authorizes_450m_drawdown.txt",
     "what else did it include?"),
    ("Which roadmap did Austin and Teodoro commit to conclude?", "024_austin_call_philippine_teodoro.txt",
     "how many years does it cover?"),
    ("How old was Spc. Jason A. Lucas?", "034_dod_identifies_army_casualty_lucas_2006.txt",
     "which unit was he assigned to?"),
]


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Settings, dict[str, str]]:
    """The dev corpus ingested once; release ids by file name."""
    from tests.conftest import CORPUS

    folder = CORPUS / "dod-releases"
    if not folder.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    store = Store(tmp_path_factory.mktemp("dev") / "index.db")
    ingest_paths(store, [folder], IndexSettings())
    settings = Settings(db=store.path)
    settings.answer.mode = "extractive"
    by_source = {r.source: r.id for r in store.releases()}
    ids = {}
    for path in folder.glob("*.txt"):
        source = next(line[len("Source:"):].strip() for line in path.read_text().splitlines()
                      if line.startswith("Source:"))
        ids[path.name] = by_source[source]
    return store, settings, ids


def _ask(dev: tuple[Store, Settings, dict[str, str]], question: str, history: list[Turn] | None = None) -> Answer:
    store, settings, _ = dev
    return Answerer(store, settings, no_model_client).ask(question, history)


def _release(answer: Answer) -> str | None:
    return answer.evidence[0].release_id if answer.evidence else None


@pytest.mark.parametrize("first, release, then", CHAINS, ids=[c[2] for c in CHAINS])
def test_a_follow_up_is_answered_from_the_earlier_release(dev: tuple[Store, Settings, dict[str, str]], first: str,
                                                          release: str, then: str) -> None:
    earlier = _ask(dev, first)
    # Full, or its value shown first as partial where the confidence model doubts it.
    assert _release(earlier) == dev[2][release] and (earlier.support == "full" or earlier.reason == HEDGED)
    answer = _ask(dev, then, [Turn(first, earlier)])
    assert answer.question == then and answer.answered
    assert {c.release_id for c in answer.evidence} == {dev[2][release]}


def test_alone_each_follow_up_goes_elsewhere(dev: tuple[Store, Settings, dict[str, str]]) -> None:
    for _, release, then in CHAINS:
        alone = _ask(dev, then)
        assert not alone.answered or _release(alone) != dev[2][release], then


def test_follow_ups_of_follow_ups_keep_the_subject(dev: tuple[Store, Settings, dict[str, str]]) -> None:
    first = "Which roadmap did Austin and Teodoro commit to conclude?"
    turns = [Turn(first, _ask(dev, first))]
    for then in ("which agreement did they discuss?", "how many years does it cover?"):
        answer = _ask(dev, then, turns)
        assert _release(answer) == dev[2]["024_austin_call_philippine_teodoro.txt"], then
        turns.append(Turn(then, answer))
    # The subject came along: the agreement asked about is the one of that call (the dev gold fact).
    assert turns[1].answer.answer == "General Security of Information Agreement"


def test_a_follow_up_about_something_else_moves_to_its_release(dev: tuple[Store, Settings, dict[str, str]]) -> None:
    first = "How much is the 52nd drawdown worth?"
    history = [Turn(first, _ask(dev, first))]
    # Its own subject named: a figure.
    named = _ask(dev, "and how much was the 13th presidential drawdown worth?", history)
    assert _release(named) == dev[2]["002_president_authorizes_450m_drawdown.txt"]
    assert named.answer == "up to $450 million"
    # Its own subject in lower case, with "her" that refers to no one of the earlier turn: the earlier release
    # never mentions Hicks or Replicator, so the question is answered as one of its own.
    other = _ask(dev, "who introduced hicks before her replicator remarks?", history)
    assert _release(other) == dev[2]["031_hicks_remarks_unpacking_replicator.txt"] and other.answer == "Gruss"
    savings = _ask(dev, "what made the army savings package possible?", history)
    assert _release(savings) == dev[2]["044_dod_sends_ukraine_assistance_using_army_savings.txt"]


def test_what_a_follow_up_carries() -> None:
    assert names_subject("and how much was the 13th drawdown worth?")
    assert names_subject("Who swore in Pete Hegseth?")
    assert not names_subject("What did it include?")
    assert not names_subject("and when was it announced?")
    assert subject_words("How much is the 52nd drawdown worth?") == ["52nd", "drawdown"]
    done = Answer(question="q", answered=True, answer="$175 million", support="full", mode="extractive",
                  verified=True)
    followup = context("what did it include?", [Turn("How much is the 52nd drawdown worth?", done)])
    assert followup is not None and followup.words == "52nd drawdown $175 million"
    assert context("Who swore in Pete Hegseth?", followup.turns) is None
    assert context("what did it include?", []) is None


class _Recording:
    """The chat-completions bodies sent, then the oracle's reply."""

    def __init__(self, oracle: Oracle) -> None:
        self.oracle = oracle
        self.bodies: list[dict] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.bodies.append(json.loads(request.content))
        return self.oracle(request)


def _model_answerer(dev: tuple[Store, Settings, dict[str, str]], tmp_path: Path, recording: _Recording) -> Answerer:
    store, settings, _ = dev
    settings = settings.model_copy(update={"answer": settings.answer.model_copy(
        update={"mode": "model", "reports": tmp_path})})  # no recorded eval decides for the model
    model = settings.model.model_copy(update={"max_attempts": 1})
    return Answerer(store, settings, lambda: ModelClient(model, FAKE_URL, http_client=httpx2.Client(
        transport=httpx2.MockTransport(recording))))


def test_the_model_sees_the_earlier_turns_and_nothing_changes_without_them(
        dev: tuple[Store, Settings, dict[str, str]], tmp_path: Path) -> None:
    first, then = "How much is the 13th presidential drawdown worth?", "how many patrol boats did it include?"
    gold = [GoldQuestion(id="a", question=first, gold_facts=["$450 million"], kind="numeric"),
            GoldQuestion(id="b", question=then, gold_facts=["18"], kind="numeric")]
    recording = _Recording(Oracle(gold=gold))
    answerer = _model_answerer(dev, tmp_path, recording)
    earlier = answerer.ask(first)
    assert earlier.mode == "model"
    history = [Turn(first, earlier)]
    answer = answerer.ask(then, history)
    assert answer.mode == "model" and fact_found("18", answer.answer)
    assert _release(answer) == dev[2]["002_president_authorizes_450m_drawdown.txt"]
    roles = [m["role"] for m in recording.bodies[-1]["messages"]]
    assert roles == ["system", "user", "assistant", "user"]
    prior = recording.bodies[-1]["messages"][1:3]
    assert prior[0]["content"] == f"Question: {first}"
    assert json.loads(prior[1]["content"])["answer"] == earlier.answer
    # Without history, and for a question naming its own subject, the request is the one asked before
    # follow-ups existed: two messages, byte for byte the same (the eval cassettes match on the body).
    answerer.ask(first, history)
    answerer.ask(first, None)
    assert recording.bodies[-1] == recording.bodies[-2] == recording.bodies[0]
    assert [m["role"] for m in recording.bodies[0]["messages"]] == ["system", "user"]


def test_who_announced_it_is_the_earlier_releases_speaker(dev: tuple[Store, Settings, dict[str, str]]) -> None:
    first = _ask(dev, "How much is the 52nd drawdown worth?")
    then = _ask(dev, "and who announced it?", [Turn(question="How much is the 52nd drawdown worth?", answer=first)])
    assert then.answer == "Austin"
    assert {c.release_id for c in then.evidence} == {dev[2]["008_austin_meets_umerov_pentagon_dec2023.txt"]}
