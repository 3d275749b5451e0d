"""Names typed in lower case are read off the casing of the releases found (qa.text.casing), and count as the
question's names: the answer stays on the release that names them."""

from __future__ import annotations

from pathlib import Path

from qa.answer import Answerer
from qa.answer.question import analyse
from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.llm.client import no_model_client
from qa.settings import Settings
from qa.text import casing
from qa.text.casing import lower_case_names

GROWN = Path(__file__).resolve().parent.parent / "evals" / "data" / "releases"

TEXTS = ["Secretary of Defense Ash Carter met with the minister in London today. Carter thanked him.\n"
         "Secretary Carter said the secretary will return to London in May. Austin's call followed.",
         "Recruiting rose this year. The secretary said Austin spoke first; Austin's staff agreed."]


def test_a_word_the_releases_capitalise_inside_sentences_is_a_name() -> None:
    assert lower_case_names("who did carter meet in london", TEXTS) == ["carter", "london"]


def test_a_word_they_also_write_in_lower_case_is_none() -> None:
    # "Secretary" as a title, "the secretary" as a noun: an ordinary word.
    assert lower_case_names("what did the secretary say", TEXTS) == []


def test_a_word_capitalised_only_where_sentences_open_is_none() -> None:
    assert lower_case_names("how much did recruiting rise", TEXTS) == []


def test_a_word_seen_once_is_none() -> None:
    assert lower_case_names("what did he say in may", TEXTS) == []


def test_a_possessive_typed_without_its_apostrophe_is_its_name() -> None:
    assert lower_case_names("who gave the readout of austins calls", TEXTS) == ["austins"]


def test_words_the_reader_capitalised_are_left_to_the_parser() -> None:
    assert lower_case_names("who did Carter meet in London", TEXTS) == []


def test_names_read_by_casing_join_the_subjects_names() -> None:
    plain = analyse("who did carter meet in london", {}, common_top=0)
    named = analyse("who did carter meet in london", {}, common_top=0, named=frozenset({"carter"}))
    assert "carter" not in plain.names
    assert "carter" in named.names


def test_a_readout_is_credited_from_the_release_of_the_name_typed_in_lower_case(corpus: Path,
                                                                                  tmp_path: Path) -> None:
    """Over the corpus and our releases, Hegseth's readouts (by Sean Parnell) share more of the question's words
    than Austin's calls with five ministers (by Pat Ryder); "austins", a name the releases found write
    capitalised, keeps the answer on the release naming Austin."""
    settings = Settings(db=tmp_path / "index.db").with_mode("extractive")
    store = Store(settings.db)
    ingest_paths(store, [corpus / "dod-releases", GROWN], settings.index)
    answer = Answerer(store, settings, lambda: no_model_client(settings.model)).ask(
        "who gave the readout of austins calls with the european ministers")
    assert "Ryder" in answer.answer
    assert all("Austin" in c.quote or "Austin" in c.title for c in answer.evidence)


def test_a_short_text_writing_a_word_capitalised_each_time_writes_it_as_a_name() -> None:
    assert casing.capitalised_each_time("austin", "Austin met Marles. Austin said so.")
    assert not casing.capitalised_each_time("soundtrack", "Soundtrack sales rose. The soundtrack won.")
    assert not casing.capitalised_each_time("austin", "Marles spoke.")
