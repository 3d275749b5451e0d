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
