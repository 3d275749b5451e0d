"""The trained reader finds the phrase that answers where no value of a kind the lexicon knows stands."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.answer import Answerer
from qa.answer.pipeline import WHOLE_SENTENCE
from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.llm.client import no_model_client
from qa.settings import Settings
from qa.text import reader


@pytest.mark.parametrize("question, sentence, answer", [
    ("What religion did the settlers follow?",
     "The settlers were known for their piety and became followers of the Lutheran church within a generation.",
     "the Lutheran church"),
    ("Who led the expedition?",
     "The expedition, which left the harbor in April, was led by Captain Maria Alvarez of the coast guard.",
     "Captain Maria Alvarez"),
    ("Which city hosted the summit?",
     "Leaders from twelve nations met in Geneva for the summit on trade and security.",
     "Geneva"),
])
def test_the_reader_finds_the_phrase_that_answers(question: str, sentence: str, answer: str) -> None:
    found = reader.read(question, sentence)
    assert found is not None and found.text == answer
    assert sentence[found.start:found.end] == found.text and 0.0 < found.probability < 1.0


def test_the_reader_prefers_what_the_question_does_not_already_say() -> None:
    q = reader.asked("Who led the expedition to Geneva?")
    doc = reader.spans.parse("The expedition to Geneva was led by Captain Maria Alvarez.")
    weights, _ = reader.model()
    scored = {c.text: reader.probability(reader.features(q, c), weights) for c in reader.candidates(doc)}
    assert scored["Captain Maria Alvarez"] > scored["Geneva"]


def test_the_doer_of_the_act_asked_about_is_marked_and_weighed() -> None:
    q = reader.asked("Who ordered the rescue?")
    doc = reader.spans.parse("After Obama praised the team, Gen. John R. Allen ordered the rescue of the hostage.")
    chunks = {c.text: reader.features(q, c) for c in reader.candidates(doc)}
    doer = next(f for text, f in chunks.items() if "Allen" in text)
    other = next(f for text, f in chunks.items() if "Obama" in text)
    assert doer["fills_role"] == 1.0 and other["fills_role"] == 0.0 and doer["role_asked"] == 1.0
    weights, _ = reader.model()
    assert weights["fills_role"] > 0  # fitted on SQuAD train: the doer of the asked act is likelier the answer


def test_the_question_word_and_focus_are_read_off_the_parse() -> None:
    assert reader.asked("How many ships sailed?").wh == "how many"
    assert reader.asked("In what year was the treaty signed?").wh == "what time"
    asked = reader.asked("Which religion did they follow?")
    assert asked.wh == "which" and asked.focus == "religion"


@pytest.mark.parametrize(("question", "focus", "many"), [
    ("Which religion did they follow?", "religion", False),
    ("In which two capitals did the secretary meet allies?", "capital", True),
    ("Which battalion and regiment was he assigned to?", "battalion", True),
    ("Which materials does the determination cover?", "material", True),
    ("Which one company won the contract?", "company", False),
])
def test_a_focus_that_asks_for_several_things_is_told(question: str, focus: str, many: bool) -> None:
    asked = reader.asked(question)
    assert (asked.focus, asked.many) == (focus, many)


def test_several_things_asked_are_answered_with_all_of_them() -> None:
    sentence = "The determination covers lithium, nickel and cobalt used in large-capacity batteries."
    found = reader.read("Which minerals does the determination cover?", sentence)
    assert found is not None and found.text == "lithium, nickel and cobalt"


def test_the_fitted_threshold_is_a_probability() -> None:
    assert 0.0 < reader.threshold() <= 1.01


def _answerer(tmp_path: Path, body: str, **answer: object) -> Answerer:
    """An extractive answerer over one release with this body."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "r.txt").write_text("Title: Navy Names New Ship\nDate: 2024-03-02\nSource: https://www.defense.gov/r"
                                    f"\n\n{body}\n", encoding="utf-8")
    settings = Settings(db=tmp_path / "index.db").with_mode("extractive")
    settings.answer = settings.answer.model_copy(update=answer)
    store = Store(settings.db)
    ingest_paths(store, [tmp_path / "r.txt"], settings.index)
    return Answerer(store, settings, lambda: no_model_client(settings.model))


SHIP = "The Navy named its newest survey ship after the explorer Matthew Henson. The ship will chart the Arctic seabed."


def test_an_answer_with_no_value_of_a_known_kind_shows_the_read_phrase_first_as_partial(tmp_path: Path) -> None:
    # A "legend" is no person to WordNet (a story first): nothing of a kind the lexicon knows is asked for.
    legend = SHIP.replace("the explorer", "the legend")
    question = "What legend was the new survey ship named after?"
    answer = _answerer(tmp_path / "a", legend).ask(question)
    assert answer.answer == "Matthew Henson" and answer.support == "partial"
    assert "Matthew Henson" in answer.evidence[0].quote
    plain = _answerer(tmp_path / "b", legend, read_spans=False).ask(question)
    assert plain.answer == answer.evidence[0].quote
    # "What explorer" asks for a person, as WordNet knows an explorer: a name of that kind, lifted, not read.
    assert _answerer(tmp_path / "c", SHIP).ask("What explorer was the new survey ship named after?").answer == (
        "Matthew Henson")


def test_a_whole_sentence_is_never_printed_as_a_full_answer(tmp_path: Path) -> None:
    answer = _answerer(tmp_path, SHIP).ask("What will the survey ship do in the Arctic?")
    assert answer.answered and answer.support == "partial" and answer.reason == WHOLE_SENTENCE
    assert "chart the Arctic seabed" in answer.evidence[0].quote


def test_a_partial_answer_shows_the_next_sentences_of_its_release_after_its_own(tmp_path: Path) -> None:
    body = (f"{SHIP} The survey ship carries a crew of forty. Its sonar maps the seabed to a depth of six thousand "
            "meters. The Navy will commission the survey ship in the spring.")
    answer = _answerer(tmp_path, body).ask("What will the survey ship do in the Arctic?")
    assert answer.support == "partial" and "chart the Arctic seabed" in answer.evidence[0].quote
    quotes = [c.quote for c in answer.evidence]
    assert 1 < len(quotes) <= 3 and len(set(quotes)) == len(quotes)
    assert {c.release_id for c in answer.evidence} == {answer.evidence[0].release_id}
