"""Briefing relevance by meaning: a topic query said in other words than a release uses keeps that release
(the sentence encoder compares the query with its title and first sentences), an off-topic release stays out,
and with the floor at 1.01, or without the encoder, words alone decide as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.brief.briefing import Briefer
from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.llm.client import no_model_client
from qa.settings import Settings
from qa.text import embed
from tests.conftest import write_release

CASUALTY = ("The Department of Defense announced today the death of a soldier who was supporting Operation Enduring "
            "Freedom. Spc. Jason A. Lucas, 24, of Columbus, Ohio, died on Oct. 13 in Kandahar, Afghanistan, from "
            "injuries sustained when his vehicle was struck by a suicide bomber.")
CONTRACT = ("US Foods, Los Angeles, California, has been awarded a maximum $525,250,000 contract for full-line food "
            "distribution. The contracting activity is the Defense Logistics "
            "Agency Troop Support, Philadelphia, Pennsylvania.")
RECRUITING = ("All four active services met or exceeded their numerical accession goals for fiscal year 2014 through "
              "August. The Army recruited 54,975 soldiers in combat arms and support specialties.")
QUERY = "troop deaths in combat"


@pytest.fixture()
def briefer(tmp_path: Path) -> Briefer:
    paths = [write_release(tmp_path, "casualty.txt", "DoD Identifies Army Casualty", "2006-10-14",
                           "https://www.defense.gov/News/Releases/Release/Article/1/", CASUALTY),
             write_release(tmp_path, "contract.txt", "Contracts for June 12, 2020", "2020-06-12",
                           "https://www.defense.gov/News/Contracts/Contract/Article/2/", CONTRACT),
             write_release(tmp_path, "recruiting.txt", "Services Continue Strong Recruiting", "2014-09-10",
                           "https://www.defense.gov/News/Article/Article/3/", RECRUITING)]
    settings = Settings(db=tmp_path / "index.db").with_mode("extractive")
    store = Store(settings.db)
    ingest_paths(store, paths, settings.index)
    return Briefer(store, settings, lambda: no_model_client(settings.model))


def _titles(briefer: Briefer) -> set[str]:
    b = briefer.brief(query=QUERY)
    return {briefer.store.release(r).title for r in b.releases}


def test_a_topic_in_other_words_keeps_its_release_and_leaves_the_others_out(briefer: Briefer) -> None:
    assert _titles(briefer) == {"DoD Identifies Army Casualty"}


def test_words_alone_decide_at_a_floor_above_one_or_without_the_encoder(briefer: Briefer,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    briefer.settings.brief.meaning_floor = 1.01
    words_only = _titles(briefer)
    assert "DoD Identifies Army Casualty" not in words_only
    briefer.settings.brief.meaning_floor = Settings().brief.meaning_floor
    monkeypatch.setattr(embed, "available", lambda: False)
    assert _titles(briefer) == words_only
