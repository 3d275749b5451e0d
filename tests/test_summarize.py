"""qa summarize: figures, people, bodies, equipment and quotes read off the release; the model's summary
(replayed from cassettes) kept only when grounded."""

from pathlib import Path

import pytest
import vcr

from qa.brief import extract
from qa.brief.prose import problems_with, whole_sentences
from qa.brief.summarize import Summarizer
from qa.cli.common import sample_path
from qa.index.store import Store
from qa.ingest.pipeline import ingest_drafts, ingest_paths, release_id
from qa.llm.client import ModelClient
from qa.models import ReleaseDraft
from qa.settings import IndexSettings, Settings
from tests.conftest import model_url

PACKAGE = (
    "President Joe Biden has given DOD authorization for a drawdown of up to $450 million. This is the 13th "
    "presidential drawdown since August 2021. The package includes four high-mobility artillery rocket systems, "
    "36,000 rounds of 105 mm ammunition and 18 coastal and riverine patrol boats. \"The United States stands with "
    "Ukraine,\" Acting Pentagon Press Secretary Todd Breasseale said. The Department of Defense will deliver it "
    "through the Ukraine Security Assistance Initiative (USAI)."
)


def test_extraction_reads_figures_people_bodies_equipment_and_quotes() -> None:
    facts = {f.value: f.kind for f in extract.key_facts(PACKAGE)}
    assert facts["$450 million"] == "money" and facts["13th"] == "ordinal" and facts["four"] == "number"
    assert facts["August 2021"] == "date"
    assert all(f.quote in PACKAGE for f in extract.key_facts(PACKAGE))
    assert [(p.name, p.role) for p in extract.people(PACKAGE)] == [
        ("Joe Biden", "President"), ("Todd Breasseale", "Acting Pentagon Press Secretary")]
    assert "Department of Defense" in extract.organizations(PACKAGE)
    assert {"high-mobility artillery rocket systems", "coastal and riverine patrol boats"} <= set(
        extract.equipment(PACKAGE))
    [quote] = extract.quotations(PACKAGE)
    assert quote.speaker == "Acting Pentagon Press Secretary Todd Breasseale"
    assert quote.text.startswith("The United States stands")


def test_a_summary_with_invented_figures_is_refused() -> None:
    assert problems_with("Biden authorized a $450 million drawdown, the 13th.", PACKAGE) == []
    assert problems_with("Biden authorized a $900 million drawdown.", PACKAGE) == [
        "“$900 million” is not in the release"]
    assert problems_with("Zebras quietly eat colourful bananas everywhere.", PACKAGE) == [
        "too many of its words are not in the release"]
    assert whole_sentences("One sentence. Two sentences cut o") == "One sentence."


@pytest.fixture()
def summarizer(store: Store, recorder: vcr.VCR) -> Summarizer:
    ingest_paths(store, [sample_path()], IndexSettings())
    ingest_drafts(store, [ReleaseDraft(title="Another $450 Million Drawdown", date="2022-06-27",
                                       source="https://example.test/450", text=PACKAGE, origin="t",
                                       key="https://example.test/450")], IndexSettings())
    settings = Settings(db=store.path)
    settings.answer.mode = "model"  # the model is asked for the prose, replayed from the cassette
    url = model_url(settings.model)
    return Summarizer(store, settings, lambda: ModelClient(settings.model, url))


def test_summarize_a_release(summarizer: Summarizer, recorder: vcr.VCR) -> None:
    with recorder.use_cassette("package.yaml") as cassette:
        summary = summarizer.summarize(release_id("https://example.test/450")[:7])
    assert len(cassette.requests) >= 1
    assert summary.headline == "Another $450 Million Drawdown" and summary.date == "2022-06-27"
    assert summary.summary_mode in {"model", "extractive"} and summary.summary
    assert problems_with(summary.summary, PACKAGE) == [] or summary.summary_mode == "extractive"
    assert [f.value for f in summary.dollar_amounts] == ["$450 million"]
    assert summary.usage and summary.prompt.startswith("summarize@")


def test_summarize_the_seed_release(summarizer: Summarizer, recorder: vcr.VCR, store: Store) -> None:
    seed = store.releases()[-1] if store.releases()[-1].date == "2023-12-06" else store.releases()[0]
    with recorder.use_cassette("seed.yaml"):
        summary = summarizer.summarize(seed.id)
    assert ("Lloyd J. Austin III", "Secretary of Defense") in [(p.name, p.role) for p in summary.people]
    assert any(q.speaker == "Secretary of Defense Lloyd J. Austin III" for q in summary.quotes)
    assert summary.summary and (summary.summary_mode == "extractive" or not problems_with(
        summary.summary, store.release_text(seed.id)))


def test_an_unknown_release_is_a_clear_error(summarizer: Summarizer, tmp_path: Path) -> None:
    from qa.index.store import StoreError

    with pytest.raises(StoreError, match="no release with id"):
        summarizer.summarize("rnothere")
