"""Which releases a briefing keeps for a topic query (issue 21, "relevance that keeps the topic"): the query's
terms weighed by their idf, so common words alone do not make a release about it; what covers more of the query
first, whatever search's score; and every release about a topic kept, not the first eight."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.brief import relevance
from qa.brief.briefing import Briefer
from qa.index.search import Searcher
from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.llm.client import no_model_client
from qa.models import Hit
from qa.settings import Settings
from tests.conftest import write_release

MINISTERS = ["Marles", "Teodoro", "Kishi", "Hamada", "Gallant", "Umerov", "Healey", "Galvez", "Kihara", "Shin"]
# Says "call" and "counterpart" more often than any of Austin's calls, so search ranks it first; it never names
# Austin.
MATTIS = ("Secretary Mattis held a call with his counterpart. The call with the counterpart covered the call "
          "schedule, and each counterpart on the call agreed to another call with a counterpart soon.")


def _austin(minister: str) -> str:
    return f"Secretary Austin held a call with his counterpart, Minister {minister}, to discuss regional security."


@pytest.fixture()
def briefer(tmp_path: Path) -> Briefer:
    paths = [write_release(tmp_path, f"austin_{i}.txt", f"Austin Call With Minister {m}", f"2024-01-{i + 10}",
                           f"https://www.defense.gov/News/Releases/Release/Article/{i}/", _austin(m))
             for i, m in enumerate(MINISTERS)]
    paths.append(write_release(tmp_path, "mattis.txt", "Readout of Calls With Counterparts", "2017-05-02",
                               "https://www.defense.gov/News/Releases/Release/Article/99/", MATTIS))
    # Only the common words of "the military's space service": about neither space nor a service of it.
    paths += [write_release(tmp_path, f"other_{i}.txt", f"Military Service Notice {i}", "2011-03-01",
                            f"https://www.defense.gov/News/Releases/Release/Article/{200 + i}/",
                            f"The military service members of unit {i} completed their service training.")
              for i in range(3)]
    settings = Settings(db=tmp_path / "index.db").with_mode("extractive")
    settings.brief.meaning_floor = 1.01  # words alone: these tests are about the words' rule
    store = Store(settings.db)
    ingest_paths(store, paths, settings.index)
    return Briefer(store, settings, lambda: no_model_client(settings.model))


def _titles(briefer: Briefer, query: str, limit: int | None = None) -> list[str]:
    b = briefer.brief(query=query, limit=limit) if limit else briefer.brief(query=query)
    return [briefer.store.release(r).title for r in b.releases]


def test_common_words_alone_do_not_make_a_release_about_a_topic_once_terms_are_weighed() -> None:
    query = "the military's space service"
    common = "The military service members completed their service training."
    weights = {"militari": 0.4, "space": 5.0, "servic": 0.3}
    assert relevance.enough(query, relevance.coverage(query, "Notice", common))  # two of three terms, counted alike
    assert not relevance.enough(query, relevance.coverage(query, "Notice", common, weights))
    space = "The Space Force is the newest military service."
    assert relevance.enough(query, relevance.coverage(query, "Space Force Notice", space, weights))


def test_a_term_in_no_release_weighs_as_much_as_a_term_can_when_asked(briefer: Briefer) -> None:
    weights = Searcher(briefer.store, briefer.settings.search).idf("Austin zanzibar", unseen=True)
    plain = Searcher(briefer.store, briefer.settings.search).idf("Austin zanzibar")
    assert plain["zanzibar"] == 0.0
    assert weights["zanzibar"] > weights["austin"] > 0


def test_every_release_about_a_topic_is_kept_past_eight(briefer: Briefer) -> None:
    titles = _titles(briefer, "Austin calls with counterparts")
    assert {f"Austin Call With Minister {m}" for m in MINISTERS} <= set(titles)
    assert not any(t.startswith("Military Service Notice") for t in titles)


def test_what_covers_more_of_the_query_comes_first_whatever_its_search_score(
        briefer: Briefer, monkeypatch: pytest.MonkeyPatch) -> None:
    search = briefer.searcher.search

    def mattis_first(query: str, k: int | None = None, **kw: str | None) -> list[Hit]:
        # As on the corpus, where a Mattis readout outranked Austin's calls for "Austin calls with counterparts".
        hits = [h.model_copy(update={"score": h.score * (10 if "mattis" in h.text.lower() else 1)})
                for h in search(query, k, **kw)]
        return sorted(hits, key=lambda h: -h.score)

    monkeypatch.setattr(briefer.searcher, "search", mattis_first)
    assert "Mattis" in briefer.searcher.search("Austin calls with counterparts", 50)[0].text
    titles = _titles(briefer, "Austin calls with counterparts", limit=3)
    assert len(titles) == 3
    assert all(t.startswith("Austin Call With Minister") for t in titles)
    assert "Readout of Calls With Counterparts" in _titles(briefer, "Austin calls with counterparts")


def test_the_default_limit_is_the_setting(briefer: Briefer) -> None:
    briefer.settings.brief.limit = 4
    assert len(_titles(briefer, "Austin calls with counterparts")) == 4


MATERIALS = ("The department will increase domestic mining and processing of critical materials for the "
             "large-capacity battery supply chain and strengthen the industrial base.")


def test_a_query_noun_one_wordnet_step_from_a_release_noun_of_the_same_meaning_counts_as_there() -> None:
    query = "critical minerals industrial base"  # "minerals" is a kind of "materials"
    kin = Settings().brief.kin_floor
    assert relevance.coverage(query, "Determination for Batteries", MATERIALS) == 0.75  # words only: 3 of 4 terms
    assert relevance.coverage(query, "Determination for Batteries", MATERIALS, kin_floor=kin) == 1.0


def test_a_noun_one_step_from_a_general_one_of_another_meaning_does_not() -> None:
    # "assistance" is an "activity" in WordNet, yet a release naming activities is not about assistance.
    text = "The leaders discussed maritime activities in the South China Sea."
    kin = Settings().brief.kin_floor
    assert relevance.coverage("assistance", "Readout", text, kin_floor=kin) == 0.0
