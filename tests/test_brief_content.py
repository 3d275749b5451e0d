"""Briefings and summaries a reader could send: the releases about the query, each sentence once, key facts
one sentence each with what its figures measure, no calibers or model numbers as figures."""

from pathlib import Path

import pytest

from qa import extract
from qa.brief import Briefer
from qa.fake_models import no_model_client
from qa.ingest import ingest_paths
from qa.settings import IndexSettings, Settings
from qa.store import Store


@pytest.fixture()
def corpus_store(corpus: Path, store: Store) -> Store:
    ingest_paths(store, [corpus / "dod-releases"], IndexSettings())
    return store


def _files(store: Store, ids: list[str]) -> set[str]:
    return {Path(store.release(i).origin).name[:3] for i in ids}


def test_a_query_briefing_takes_the_releases_about_the_query(corpus_store: Store) -> None:
    briefer = Briefer(corpus_store, Settings(db=corpus_store.path), lambda: no_model_client())
    ukraine = briefer.brief(query="Ukraine security assistance", since="2022-01-01", until="2024-12-31")
    assert {"002", "003", "008", "044"} <= _files(corpus_store, ukraine.releases)
    assert "025" not in _files(corpus_store, ukraine.releases)  # the Philippines readout is not about it
    printed = [ukraine.overview] + [b.text for s in ukraine.sections for b in s.bullets] + [
        ev.event for ev in ukraine.timeline]
    bullets = [b.text for s in ukraine.sections for b in s.bullets]
    assert len(bullets) == len(set(bullets)) and not any(b in ukraine.overview for b in bullets)
    assert all(printed.count(b) == 1 for b in bullets)


def test_key_facts_are_one_sentence_each_with_what_they_measure() -> None:
    text = ("The package includes four high-mobility artillery rocket systems, 36,000 rounds of 105 mm ammunition "
            "and 18 tactical vehicles to tow 155 mm artillery. It also includes AIM-9M missiles.")
    [fact] = extract.fact_sentences(text)
    assert fact.value == "four high-mobility artillery rocket systems; 36,000 rounds; 18 tactical vehicles"
    assert fact.quote.startswith("The package includes")
    assert not any(f.value in {"105", "155", "AIM-9M"} for f in extract.key_facts(text))


def test_quotes_are_attributed_to_a_speaker_named_with_a_long_title_and_titles_are_no_bodies() -> None:
    text = ('"The United States stands with Ukraine," Acting Pentagon Press Secretary Todd Breasseale said. '
            '"We will keep going with our allies," National Security Council Coordinator for Strategic '
            "Communications John Kirby said at the White House.")
    assert [q.speaker for q in extract.quotations(text)] == [
        "Acting Pentagon Press Secretary Todd Breasseale",
        "National Security Council Coordinator for Strategic Communications John Kirby"]
    assert "Acting Pentagon" not in extract.organizations(text)
