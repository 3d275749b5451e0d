"""Initials a reader types that no release writes ("gdls", "cjcs") are read as the run of capitalised words the
releases found spell with them, and searched again by it (qa.text.acronyms.spelt_in)."""

from __future__ import annotations

from pathlib import Path

from qa.answer import Answerer
from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.llm.client import no_model_client
from qa.settings import Settings
from qa.text.acronyms import spelt_in
from tests.conftest import write_release

CONTRACT = ("General Dynamics Land Systems, Sterling Heights, Michigan, was awarded a $428,229,970 contract for "
            "maintenance of the family of Stryker vehicles, with an estimated completion date of July 31, 2025.")


def test_initials_are_spelt_by_a_run_of_capitalised_words() -> None:
    assert spelt_in("gdls", ["Nothing here.", CONTRACT]) == "General Dynamics Land Systems"
    assert spelt_in("CJCS", ["He is the Chairman of the Joint Chiefs of Staff."]) == \
        "Chairman of the Joint Chiefs of Staff"


def test_initials_no_run_spells_are_none() -> None:
    assert spelt_in("gdls", ["General Dynamics was awarded a contract."]) is None


def test_a_question_typed_with_initials_is_answered_from_the_release_they_spell(tmp_path: Path) -> None:
    paths = [write_release(tmp_path, "contracts.txt", "Contracts for Aug. 10, 2020", "2020-08-10",
                           "https://www.defense.gov/News/Contracts/Contract/Article/1/", CONTRACT),
             write_release(tmp_path, "other.txt", "Contracts for Aug. 11, 2020", "2020-08-11",
                           "https://www.defense.gov/News/Contracts/Contract/Article/2/",
                           "Lockheed Martin, Grand Prairie, Texas, was awarded a $52,000,000 contract, with an "
                           "estimated completion date of Dec. 31, 2024.")]
    settings = Settings(db=tmp_path / "index.db").with_mode("extractive")
    store = Store(settings.db)
    ingest_paths(store, paths, settings.index)
    answer = Answerer(store, settings, lambda: no_model_client(settings.model)).ask("when is the gdls contract done")
    assert answer.answered and "July 31, 2025" in answer.answer, answer


def test_an_english_word_typed_in_lower_case_is_no_initials(tmp_path: Path) -> None:
    from qa.index.spelling import initials_spelt

    store, texts = _indexed(tmp_path, "The group meets at Ramstein Air Base in Germany.")
    # No release says "big", and "Base in Germany" spells it: "how big" still asks how big.
    assert initials_spelt("how big was the group", store, lambda: texts) == "how big was the group"
    assert initials_spelt("how BIG was the group", store, lambda: texts) == (
        "how BIG was the group (BIG = Base in Germany)")


def test_a_clipped_compound_is_spelt_by_the_beginnings_of_a_run_of_capitalised_words() -> None:
    from qa.text.acronyms import clipped_in

    text = "Secretary Hagel today ordered his Northern Command Commander, Gen. Chuck Jacoby, to train a team."
    assert clipped_in("northcom", ["Nothing here.", text]) == "Northern Command"
    assert clipped_in("centcom", ["U.S. Central Command said."]) == "Central Command"
    # Every letter must come from the words' beginnings, two or more from each.
    assert clipped_in("northcomx", [text]) is None
    assert clipped_in("hagel", [text]) is None


def test_a_clipped_compound_some_release_writes_is_still_spelt_by_one_that_does_not(tmp_path: Path) -> None:
    from qa.index.spelling import initials_spelt

    paths = [write_release(tmp_path, "ebola.txt", "Ebola Support Team", "2014-10-19",
                           "https://www.defense.gov/News/Releases/Release/Article/4/",
                           "Hagel ordered his Northern Command Commander, Gen. Chuck Jacoby, to form a team."),
             write_release(tmp_path, "eucom.txt", "En Route", "2019-09-05",
                           "https://www.defense.gov/News/Releases/Release/Article/5/",
                           "Esper met NORTHCOM and EUCOM leaders.")]
    settings = Settings(db=tmp_path / "index.db")
    store = Store(settings.db)
    ingest_paths(store, paths, settings.index)
    texts = [store.release_text(r.id) for r in store.releases()]
    assert initials_spelt("who did hagel tell to form the ebola team, northcom guy", store, lambda: texts) == (
        "who did hagel tell to form the ebola team, northcom guy (northcom = Northern Command)")


def test_two_capital_letters_no_release_writes_are_initials(tmp_path: Path) -> None:
    """"the AU force": two letters typed in capitals are spelt out by a run of capitalised words; typed in lower
    case ("au") they are left as they are, being mostly words or typos."""
    from qa.index.spelling import initials_spelt

    store, texts = _indexed(tmp_path, "It has two battalions with the African Union Mission in Somalia force.")
    assert initials_spelt("how many battalions in the AU force", store, lambda: texts) == (
        "how many battalions in the AU force (AU = African Union)")
    assert initials_spelt("how many battalions in the au force", store, lambda: texts) == (
        "how many battalions in the au force")


def _indexed(tmp_path: Path, body: str) -> tuple[Store, list[str]]:
    """An index of one release with this body, and the texts of its releases."""
    path = write_release(tmp_path, "release.txt", "A release", "2023-09-11",
                         "https://www.defense.gov/News/Releases/Release/Article/3/", body)
    settings = Settings(db=tmp_path / "index.db")
    store = Store(settings.db)
    ingest_paths(store, [path], settings.index)
    return store, [store.release_text(r.id) for r in store.releases()]
