"""The parts of `qa ask` that need no model: prompts, packing, coverage and the extractive floor."""

import pytest

from qa import context, coverage, extractive, prompting
from qa.answer_type import AnswerType
from qa.ingest import ingest_drafts
from qa.models import ReleaseDraft
from qa.schemas import answer_schema
from qa.search import Searcher
from qa.settings import IndexSettings
from qa.store import Store

TEXT = ("President Joe Biden has given DOD authorization for a drawdown of up to $450 million. "
        "This is the 13th presidential drawdown of DOD stocks since August 2021. "
        "The package includes four high-mobility artillery rocket systems and 18 coastal and riverine patrol boats. "
        "\"The United States stands with Ukraine,\" Acting Pentagon Press Secretary Todd Breasseale said in "
        "Washington.")
OTHER = "Secretary Austin met Richard Marles at the Pentagon. They discussed the AUKUS partnership and exercises."


@pytest.fixture()
def searcher(store: Store) -> Searcher:
    drafts = [ReleaseDraft(title="Another $450 Million Drawdown", date="2022-06-27", source="https://s/450", text=TEXT,
                           origin="a", key="https://s/450"),
              ReleaseDraft(title="Readout of Austin's Meeting With Marles", date="2023-02-01", source="https://s/m",
                           text=OTHER, origin="b", key="https://s/m")]
    ingest_drafts(store, drafts, IndexSettings())
    return Searcher(store)


def _idf(searcher: Searcher, question: str) -> dict[str, float]:
    from qa.answer import _idf

    return _idf(searcher, question)


def test_prompts_load_with_their_version_and_fill_in_values() -> None:
    prompt = prompting.load("answer")
    assert prompt.tag == f"answer@{prompt.version}"
    messages = prompt.messages(passages="P {braces} $5", question="Q?")
    assert [m["role"] for m in messages] == ["system", "user"]
    assert "P {braces} $5" in messages[1]["content"] and "Q?" in messages[1]["content"]
    with pytest.raises(prompting.PromptError, match="no prompt named"):
        prompting.load("nope")
    with pytest.raises(prompting.PromptError, match="front matter"):
        prompting.parse("x", "## system\nhi")


def test_packing_fits_the_budget_and_keeps_the_best_sentences(searcher: Searcher, store: Store) -> None:
    question = "How many coastal and riverine patrol boats were included?"
    hits = searcher.search(question, 5)
    whole = context.pack(question, hits, store, 10_000)
    assert whole[0].text == TEXT.replace("\n", " ") and whole[0].chunk_ids == [hits[0].chunk_id]
    tight = context.pack(question, hits, store, 30)
    assert len(tight) == 1 and "18 coastal and riverine patrol boats" in tight[0].text
    assert "<<<PASSAGE 1 | Another $450 Million Drawdown | 2022-06-27\n" in tight[0].render()


def test_coverage_declines_unknown_names_and_numbers(searcher: Searcher) -> None:
    def why(question: str) -> str | None:
        return coverage.uncovered(question, searcher.search(question, 5), _idf(searcher, question))

    assert why("How much is the 13th presidential drawdown worth?") is None
    assert why("What was the value of the 37th presidential drawdown?") == "no release found mentions “37th”"
    assert why("How much did the Golden Dome drawdown cost?") == "no release mentions “Golden”"
    assert why("How much did the Golden Dome cost?") == "no release matches the question"
    assert why("How many rocket systems were in the $1.1 billion package?") == (
        "no release found mentions “$1.1 billion”")
    assert coverage.uncovered("anything", [], {}) == "no release matches the question"


@pytest.mark.parametrize(
    "question, expected",
    [
        ("How much is the 13th presidential drawdown worth?", "$450 million"),
        ("How many coastal and riverine patrol boats did it include?", "18 coastal"),
        ("Which acting press secretary was quoted?", "Todd Breasseale"),
        ("Where did Austin meet Marles?", "at the Pentagon"),
    ],
)
def test_the_floor_picks_the_sentence_with_the_answer(searcher: Searcher, store: Store, question: str,
                                                      expected: str) -> None:
    passages = context.pack(question, searcher.search(question, 5), store, 500)
    pick = extractive.pick(question, passages, _idf(searcher, question))
    assert pick is not None and expected in pick.sentence
    assert pick.passage.release_text[pick.start:pick.end] == pick.sentence


def test_new_values_of_the_kind_asked_for() -> None:
    from qa.analyze import terms

    def holds(kind: AnswerType, sentence: str, question: str) -> bool:
        return extractive.holds_new_value(kind, sentence, set(terms(sentence)), set(terms(question)), question)

    assert holds(AnswerType.MONEY, "It is worth $450 million.", "How much is it worth?")
    assert not holds(AnswerType.MONEY, "The $450 million package.", "How big was the $450 million package?")
    assert holds(AnswerType.COUNT, "It includes 18 boats.", "How many boats?")
    assert holds(AnswerType.PERSON, "Todd Breasseale said so.", "Who said so?")
    assert not holds(AnswerType.PERSON, "Todd Breasseale said so.", "What did Todd Breasseale say?")


def test_the_answer_schema_allows_only_the_candidates() -> None:
    schema = answer_schema(["First sentence.", "Second sentence."])
    assert schema.model_json_schema()["properties"]["quote"]["enum"] == ["First sentence.", "Second sentence."]
    assert schema.model_validate_json('{"quote": "Second sentence.", "answer": "x"}').quote == "Second sentence."
    with pytest.raises(ValueError):
        schema.model_validate_json('{"quote": "Made up.", "answer": "x"}')
