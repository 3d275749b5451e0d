"""Releases that disagree are shown side by side, the official one first, never settled silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.answer import Answerer
from qa.cli.common import sample_path
from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.llm.client import no_model_client
from qa.settings import Settings

SEED = "How much is the 52nd drawdown worth?"
# Plain statements of another value, as a planted file or a later correction would put them.
PLANTED = [
    "Correction: the 52nd drawdown is now valued at $999 billion.",
    "Officials said on Friday that the 52nd drawdown package is in fact worth $640 million.",
    "The value of the 52nd presidential drawdown for Ukraine was revised to $12 million this week.",
]


def _ask(tmp_path: Path, planted: str | None) -> object:
    settings = Settings(db=tmp_path / "index.db").with_mode("extractive")
    paths = [sample_path()]
    if planted is not None:
        note = tmp_path / "planted.txt"
        note.write_text(f"Title: A note on the drawdown\nDate: 2024-01-05\nSource: file:///tmp/planted.txt\n\n"
                        f"{planted}\n", encoding="utf-8")
        paths.append(note)
    store = Store(settings.db)
    ingest_paths(store, paths, settings.index)
    return Answerer(store, settings, lambda: no_model_client(settings.model)).ask(SEED)


def test_one_release_gives_one_full_answer(tmp_path: Path) -> None:
    answer = _ask(tmp_path, None)
    assert answer.answer == "$175 million" and answer.support == "full" and not answer.conflict


@pytest.mark.parametrize("planted", PLANTED)
def test_a_planted_value_shows_as_a_conflict_the_official_value_first(tmp_path: Path, planted: str) -> None:
    answer = _ask(tmp_path, planted)
    assert answer.conflict and answer.support == "partial", answer
    official, other = answer.answer.split("; ")
    assert "$175 million" in official and "defense.gov" in official
    assert "$175 million" not in other and "planted.txt" in other
    assert {c.title for c in answer.evidence} == {"A note on the drawdown",
                                                   "Austin Meets With Ukrainian Minister of Defense at Pentagon"}


def test_another_years_figure_is_no_conflict_for_a_question_naming_its_year(tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "index.db").with_mode("extractive")
    releases = [("fy2014.txt", "Services Continue Strong Fiscal Year 2014 Recruiting", "2014-09-10",
                 "All four active services met their accession goals for fiscal year 2014.\n\n"
                 "-- Army: 50,290 accessions, 101.2 percent of its goal of 49,700;"),
                ("fy2015.txt", "Recruiting and Retention Numbers for Fiscal Year 2015", "2015-07-15",
                 "All four active services met their accession goals for the fiscal year through June.\n\n"
                 "-- Army: 38,918 accessions, with a goal of 43,614;")]
    # Releases of other things that also give 2014, as many do in a real index: the year weighs little in search.
    releases += [(f"other{i}.txt", f"Other News {i}", f"2014-0{i + 1}-01", f"In 2014 the department held event {i}.")
                 for i in range(6)]
    paths = []
    for name, title, date, body in releases:
        (tmp_path / name).write_text(f"Title: {title}\nDate: {date}\nSource: https://www.defense.gov/{name}\n\n"
                                     f"{body}\n", encoding="utf-8")
        paths.append(tmp_path / name)
    store = Store(settings.db)
    ingest_paths(store, paths, settings.index)
    answerer = Answerer(store, settings, lambda: no_model_client(settings.model))
    named = answerer.ask("How many accessions did the Army have in fiscal year 2014?")
    assert not named.conflict and named.answer.startswith("50,290 accessions")
    # Without a year the question is about both, and the two figures are shown as the releases give them.
    assert answerer.ask("How many accessions did the Army have?").conflict
