"""Briefing relevance by meaning: a topic query said in other words than a release uses keeps that release
(the sentence encoder compares the query with its title and first sentences) even when search does not return
it, an off-topic release stays out, and with the floor at 1.01, or without the encoder, words alone decide as
before. Each release is encoded once: its vectors are kept in the index for the next briefing and the next
process, never made at ingest, and made again when the release changes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.brief import meanings
from qa.brief.briefing import Briefer
from qa.index.meaning_store import MeaningStore
from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.llm.client import no_model_client
from qa.settings import Settings
from qa.text import embed
from tests.conftest import write_release

# Not one word of the query ("troop deaths in combat") in the title or the text: search never returns it.
CASUALTY = ("The Department of Defense announced today that a soldier supporting Operation Enduring Freedom was "
            "killed. Spc. Jason A. Lucas, 24, of Columbus, Ohio, was killed on Oct. 13 in Kandahar, Afghanistan, when "
            "his vehicle was struck by a suicide bomber.")
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


def _casualty_id(briefer: Briefer) -> str:
    return next(r.id for r in briefer.store.releases() if r.title == "DoD Identifies Army Casualty")


def test_a_release_search_does_not_return_is_found_by_its_meaning(briefer: Briefer) -> None:
    hits = briefer.searcher.search(QUERY, 50)
    assert _casualty_id(briefer) not in {h.release_id for h in hits}
    assert {briefer.store.release(h.release_id).title for h in hits} == {
        "Services Continue Strong Recruiting", "Contracts for June 12, 2020"}  # "combat arms", "Troop Support"
    # Found by meaning alone; the two search returns stay out.
    assert _titles(briefer) == {"DoD Identifies Army Casualty"}


def test_a_date_range_bounds_what_meaning_is_asked_of(briefer: Briefer) -> None:
    b = briefer.brief(query=QUERY, since="2010-01-01")
    assert b.releases == []


class _Counting:
    """embed.vectors, counting the texts it is asked to encode."""

    def __init__(self) -> None:
        self.real = embed.vectors
        self.texts: list[str] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        return self.real(texts)


@pytest.fixture()
def counting(monkeypatch: pytest.MonkeyPatch) -> _Counting:
    meanings.forget()  # as a fresh process: nothing in memory
    counter = _Counting()
    monkeypatch.setattr(embed, "vectors", counter)
    return counter


def _fresh(briefer: Briefer) -> Briefer:
    """A briefer of another process over the same index file: its own store, nothing in memory."""
    meanings.forget()
    store = Store(briefer.store.path)
    return Briefer(store, briefer.settings, lambda: no_model_client(briefer.settings.model))


def test_each_release_is_encoded_once_and_read_back_by_the_next_process(briefer: Briefer,
                                                                        counting: _Counting) -> None:
    _titles(briefer)
    titles = {r.title for r in briefer.store.releases()}
    assert titles <= set(counting.texts)  # the first briefing encodes every release in range
    assert MeaningStore(briefer.store, embed.WIDTH).count(meanings.tag()) == 3
    counting.texts.clear()
    again = _fresh(briefer)
    assert {again.store.release(r).title for r in again.brief(query=QUERY).releases} == {
        "DoD Identifies Army Casualty"}
    assert not titles & set(counting.texts)  # read from the index, not encoded again
    counting.texts.clear()
    again.brief(query="security assistance to allies")
    assert not titles & set(counting.texts)  # and from memory in the same process


def test_ingest_encodes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(texts: list[str]) -> np.ndarray:
        raise AssertionError("ingest asked the sentence encoder")

    monkeypatch.setattr(embed, "vectors", refuse)
    path = write_release(tmp_path, "casualty.txt", "DoD Identifies Army Casualty", "2006-10-14",
                         "https://www.defense.gov/News/Releases/Release/Article/1/", CASUALTY)
    store = Store(tmp_path / "index.db")
    ingest_paths(store, [path], Settings().index)
    assert MeaningStore(store, embed.WIDTH).count(meanings.tag()) == 0


def test_a_changed_release_is_encoded_again_and_a_removed_one_takes_its_vectors(briefer: Briefer, tmp_path: Path,
                                                                               counting: _Counting) -> None:
    _titles(briefer)
    kept = MeaningStore(briefer.store, embed.WIDTH)
    assert kept.count(meanings.tag()) == 3
    changed = CONTRACT.replace("full-line food distribution", "fuel delivery to forward bases")
    write_release(tmp_path, "contract.txt", "Contracts for June 12, 2020", "2020-06-12",
                  "https://www.defense.gov/News/Contracts/Contract/Article/2/", changed)
    ingest_paths(briefer.store, [tmp_path / "contract.txt"], briefer.settings.index)
    assert kept.count(meanings.tag()) == 2  # the replaced release's vectors went with it
    counting.texts.clear()
    _titles(_fresh(briefer))
    assert any("fuel delivery" in t for t in counting.texts)  # its new lead, encoded
    assert "DoD Identifies Army Casualty" not in counting.texts  # the unchanged ones read back
    briefer.store.remove([_casualty_id(briefer)])
    assert kept.count(meanings.tag()) == 2


def test_vectors_of_an_older_content_are_never_read(briefer: Briefer) -> None:
    _titles(briefer)
    kept = MeaningStore(briefer.store, embed.WIDTH)
    rid = _casualty_id(briefer)
    digest = briefer.store.release(rid).content_hash
    assert set(kept.load(meanings.tag(), {rid: digest})) == {rid}
    assert kept.load(meanings.tag(), {rid: "another content"}) == {}
    assert kept.load("another encoder", {rid: digest}) == {}
    # Vectors made from a release an ingest has since replaced are not kept under it.
    assert kept.save(meanings.tag(), [(rid, "another content", np.zeros((2, embed.WIDTH), np.float32))])
    assert np.abs(kept.load(meanings.tag(), {rid: digest})[rid]).sum() > 0


def test_a_briefing_encodes_at_most_its_share_of_new_releases(briefer: Briefer, counting: _Counting) -> None:
    briefer.settings.brief.meaning_encode = 0  # search's candidates only
    assert "DoD Identifies Army Casualty" not in _titles(briefer)  # not yet encoded: its words do not find it
    assert "Services Continue Strong Recruiting" in counting.texts
    assert "DoD Identifies Army Casualty" not in counting.texts
    briefer.settings.brief.meaning_encode = 1
    assert _titles(briefer) == {"DoD Identifies Army Casualty"}
    assert counting.texts.count("DoD Identifies Army Casualty") == 1


def test_the_lead_read_for_meaning_is_a_clause_not_a_line_of_letterhead(tmp_path: Path) -> None:
    letterhead = "Office of the Assistant Secretary of Defense (Public Affairs)\n\nNews Release\n\n"
    paths = [write_release(tmp_path, "numbers.txt", "DoD Announces Recruiting Numbers", "2013-02-12",
                           "https://www.defense.gov/News/Releases/Release/Article/4/", letterhead + RECRUITING),
             write_release(tmp_path, "transcript.txt", "Press Briefing at Kings Bay", "2014-07-09",
                           "https://www.defense.gov/News/Transcripts/Transcript/Article/5/",
                           letterhead + "Presenters: Secretary of Defense Chuck Hagel\n\nPress Briefing at Kings Bay")]
    store = Store(tmp_path / "index.db")
    ingest_paths(store, paths, Settings().index)
    found = {r.title: meanings.lead(store, r) for r in store.releases()}
    first_clause = RECRUITING.split(" The")[0]
    assert found["DoD Announces Recruiting Numbers"] == ["DoD Announces Recruiting Numbers", first_clause]
    assert found["Press Briefing at Kings Bay"] == ["Press Briefing at Kings Bay"]  # no clause: the title alone
