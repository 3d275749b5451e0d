"""Briefings and summaries a reader could send: the releases about the query, each sentence once, key facts
one sentence each with what its figures measure, no calibers or model numbers as figures."""

import re
from pathlib import Path

import pytest

from qa.brief import extract
from qa.brief.briefing import Briefer
from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.llm.client import no_model_client
from qa.settings import IndexSettings, Settings


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
    assert fact.value == ("four high-mobility artillery rocket systems; 36,000 rounds of 105 mm ammunition; "
                          "18 tactical vehicles")
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


def _model_mode(store: Store) -> Settings:
    settings = Settings(db=store.path)
    settings.answer.mode = "model"
    return settings


def _writer(overview: str, calls: list[int]):
    """A scripted model that writes `overview` for every brief request, behind the client's HTTP seam."""
    import json

    import httpx2

    from qa.llm.client import ModelClient
    from qa.settings import ModelSettings
    from qa.testing.fake_models import FAKE_URL, completion, parse_request

    def handle(request: httpx2.Request) -> httpx2.Response:
        calls.append(1)
        return httpx2.Response(200, json=completion(parse_request(json.loads(request.content)), {"overview": overview}))

    settings = ModelSettings(max_attempts=1)
    return lambda: ModelClient(settings, FAKE_URL, http_client=httpx2.Client(transport=httpx2.MockTransport(handle)))


def test_a_capable_models_overview_is_shown_with_a_citation_per_sentence(corpus_store: Store) -> None:
    written = ("The Defense Department announced $820 million in additional security assistance for Ukraine. "
               "President Joe Biden authorized a drawdown of up to $450 million to meet Ukraine's arms needs. "
               "Since Russia invaded Ukraine, the U.S. has provided some $44.2 billion in security assistance.")
    calls: list[int] = []
    briefer = Briefer(corpus_store, _model_mode(corpus_store), _writer(written, calls))
    b = briefer.brief(query="Ukraine security assistance", since="2022-01-01", until="2024-12-31")
    assert b.overview_mode == "model" and b.overview == written and len(calls) == 1
    assert len(b.overview_citations) == 3
    assert "$820 million" in b.overview_citations[0].quote and "$450 million" in b.overview_citations[1].quote
    for c in b.overview_citations:
        assert corpus_store.release_text(c.release_id)[c.start:c.end] == c.quote


def test_an_overview_with_an_invented_figure_is_replaced_by_the_leads(corpus_store: Store) -> None:
    invented = ("The Defense Department announced $999 million in additional security assistance for Ukraine. "
                "President Joe Biden authorized a drawdown of up to $450 million to meet Ukraine's arms needs.")
    calls: list[int] = []
    briefer = Briefer(corpus_store, _model_mode(corpus_store), _writer(invented, calls))
    b = briefer.brief(query="Ukraine security assistance", since="2022-01-01", until="2024-12-31")
    assert b.overview_mode == "extractive" and "$999 million" not in b.overview and len(calls) == 2
    assert any("$999 million" in p for p in b.ungrounded)
    assert b.overview_citations
    plain = re.sub(r" \([A-Z][a-z]+ \d{1,2}, \d{4}\)", "", b.overview)  # the anchors of "Today" taken out
    assert plain != b.overview  # "This afternoon (July 1, 2022)": relative dates are anchored
    for c in b.overview_citations:  # the leads, each citing itself
        assert c.quote in plain


def test_a_speaker_named_before_the_quote_is_its_speaker() -> None:
    text = 'At the Pentagon, Secretary Austin said: "We will stand with Ukraine for as long as it takes."'
    assert [q.speaker for q in extract.quotations(text)] == ["Secretary Austin"]


def test_without_a_model_worth_asking_briefs_and_summaries_need_none(corpus_store: Store, tmp_path: Path) -> None:
    from qa.brief.summarize import Summarizer

    settings = Settings(db=corpus_store.path)
    settings.answer.reports = tmp_path
    (tmp_path / "dev.json").write_text(
        f'{{"model": "{settings.model.model}", "score": {{"model_gain": 0, "model_improved": 0}}}}')

    def no_model() -> None:
        raise AssertionError("the model must not be asked (nor started)")

    b = Briefer(corpus_store, settings, no_model).brief(query="Hegseth")
    assert b.overview_mode == "extractive" and b.overview and b.overview_citations
    release = corpus_store.releases()[0]
    assert Summarizer(corpus_store, settings, no_model).summarize(release.id).summary_mode == "extractive"


def test_releases_of_one_title_are_told_apart_by_a_name_their_title_does_not_give() -> None:
    from qa.brief.briefing import _first_name

    title = "Readout of Secretary Austin's Phone Call With Israeli Minister of Defense Gantz"
    june = "Secretary Austin spoke today with Minister Gantz. They discussed Iran and security in Israel."
    may = "Secretary Austin spoke today with Minister Gantz. Austin welcomed the ceasefire in Israel."
    assert _first_name(june, title, set()) == "Iran" and _first_name(may, title, set()) == "Israel"
    # A third whose first such name tells another apart already: its next one.
    august = "Secretary Austin spoke today with Minister Gantz about Iran's attack on the Mercer Street off Oman."
    assert _first_name(august, title, {"Iran", "Israel"}) not in {"Iran", "Israel", ""}
    # A casualty release's title names no one: the soldier it is about tells it apart.
    assert _first_name("Spc. Jason A. Lucas, 24, of Columbus, Ohio, died Oct. 13.", "Army Casualty", set()) == \
        "Jason A. Lucas"
