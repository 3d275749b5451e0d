"""Boilerplate is recognised at ingest, marked without touching the text, and never a lead, key fact or evidence."""

from pathlib import Path

import pytest

from qa.brief import extract
from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.settings import IndexSettings
from qa.text import boilerplate
from qa.text.folding import fold
from tests.conftest import extractive_answerer, write_release

TEXT = ("By C. Todd Lopez\n\n"
        "WASHINGTON (Sept. 11, 2023) -- Today, Secretary of Defense Lloyd J. Austin III telephoned Rustem Umerov.\n\n"
        "Pentagon Press Secretary Brig. Gen. Pat Ryder provided the following readout:\n\n"
        "The two leaders discussed the Ukraine Defense Contact Group meeting, scheduled for Sept. 19.\n\n"
        "Related Stories\n\n"
        "Subscribe to Defense.gov News\n\n"
        "Media Contact: press@example.gov\n\n"
        "Soldiers unload equipment in Poland, June 2, 2023. (U.S. Army photo by Sgt. Jane Doe)\n\n"
        "-- Army: 50,290 accessions, 101.2 percent of its goal.")


def test_each_kind_is_marked_and_content_is_not() -> None:
    marked = {(TEXT[s.start:s.end].strip(), s.kind) for s in boilerplate.spans(TEXT)}
    assert marked == {
        ("By C. Todd Lopez", "byline"),
        ("WASHINGTON (Sept. 11, 2023) --", "dateline"),
        ("Pentagon Press Secretary Brig. Gen. Pat Ryder provided the following readout:", "readout"),
        ("Related Stories", "related"),
        ("Subscribe to Defense.gov News", "subscribe"),
        ("Media Contact: press@example.gov", "contact"),
        ("Soldiers unload equipment in Poland, June 2, 2023. (U.S. Army photo by Sgt. Jane Doe)", "caption"),
    }


def test_a_statement_line_naming_its_speaker_is_a_readout_line_and_a_sentence_on_a_statement_is_not() -> None:
    text = ("Statement from Chief Pentagon Spokesperson Jonathan Hoffman:\n\n"
            "Statement by the secretary on the attack is expected today.\n\n"
            "Mark Esper will travel to the NATO Defense Ministerial in Brussels.")
    assert [(text[s.start:s.end].strip(), s.kind) for s in boilerplate.spans(text)] == [
        ("Statement from Chief Pentagon Spokesperson Jonathan Hoffman:", "readout")]


def test_a_date_before_a_spaced_hyphen_opening_a_line_is_a_dateline() -> None:
    # News services print "Oct. 7, 2008 - ...": the release's date, never an answer to "when had one last visited".
    text = "By Jim Garamone\n\nOct. 7, 2008 - Defense Secretary Robert M. Gates visited troops in Kosovo today."
    assert ("Oct. 7, 2008 -", "dateline") in [(text[s.start:s.end].strip(), s.kind) for s in boilerplate.spans(text)]
    # A range of dates inside a line is no dateline.
    inside = "The talks ran from\nOct. 7, 2008 to Oct. 9, 2008 - both days in Pristina."
    assert "dateline" not in {s.kind for s in boilerplate.spans(inside)}


def test_a_byline_with_service_and_rank_is_a_byline() -> None:
    # A service and a rank take four words before the name: "By Air Force Tech. Sgt. Jake Richmond".
    text = "By Air Force Tech. Sgt. Jake Richmond\n\nBAGHDAD, Dec. 9, 2014 - Hagel thanked the troops."
    assert [(text[s.start:s.end].strip(), s.kind) for s in boilerplate.spans(text)][0] == (
        "By Air Force Tech. Sgt. Jake Richmond", "byline")


def test_a_dod_news_byline_with_its_date_and_outlet_is_a_byline_and_a_sentence_opening_with_by_is_not() -> None:
    text = ("June 9, 2023 | By Joseph Clark , DOD News\n\nBy March, the Army had recruited 21,485 soldiers.\n\n"
            "By Executive Order of the President, the department was renamed.")
    assert [(text[s.start:s.end].strip(), s.kind) for s in boilerplate.spans(text)] == [
        ("June 9, 2023 | By Joseph Clark , DOD News", "byline")]


# Lines each pattern matches, in the forms IGNORECASE allows: other cases, and ſ for s, the Kelvin sign for k.
LINES = [*TEXT.split("\n"), "SUBſCRIBE to the newsletter", "Photo credit: DoD", "See Also:", "Image: Navy",
         "Attributed to Pentagon Press Secretary Sabrina Singh:", "FOR MORE INFORMATION call 555-0100",
         "ſee also", "Reporters\u212a may write to desk@example.mil", "Press contact", "Video by Spc. Doe",
         "Secretary Austin gave THE FOLLOWING STATEMENT:", "Follow us on X", "Sign up for alerts",
         "Statement from Chief Pentagon Spokesperson Jonathan Hoffman:", "STATEMENT BY Secretary Hagel:",
         "(Attributable to Pentagon Press Secretary John Kirby)"]


def test_a_statement_attributable_to_its_spokesman_in_brackets_credits_him(tmp_path: Path) -> None:
    """"(Attributable to Pentagon Press Secretary John Kirby)" above a statement is its attribution: never its
    lead, and the answer to who put the statement out (not the President it quotes)."""
    text = ("(Attributable to Pentagon Press Secretary John Kirby)\n\n“At President Biden’s direction, U.S. military "
            "forces earlier this evening conducted airstrikes in eastern Syria.”")
    assert [(text[s.start:s.end], s.kind) for s in boilerplate.spans(text)] == [
        ("(Attributable to Pentagon Press Secretary John Kirby)", "readout")]
    path = write_release(tmp_path, "strike.txt", "U.S. Conducts Defensive Precision Strike", "Feb. 25, 2021",
                         "https://www.defense.gov/s", text)
    answer = extractive_answerer(tmp_path, [path]).ask("who put out the pentagon statement on the syria airstrikes")
    assert answer.answer == "John Kirby" and answer.support == "full", answer


def test_each_line_pattern_is_skipped_only_where_it_cannot_match() -> None:
    # boilerplate.spans runs a line pattern only on texts holding one of its words; every match must hold one.
    matched = 0
    for kind, pattern, words in boilerplate._LINES:
        for line in LINES:
            for m in pattern.finditer(line):
                matched += 1
                assert any(w in fold(m.group()) for w in words), (kind, line)
    assert matched >= len(boilerplate._LINES) + 8


def test_content_sentences_cut_the_dateline_and_keep_spans_exact() -> None:
    content = [TEXT[s:e] for s, e in boilerplate.content_sentences(TEXT)]
    assert content[0] == "Today, Secretary of Defense Lloyd J. Austin III telephoned Rustem Umerov."
    assert "-- Army: 50,290 accessions, 101.2 percent of its goal." in content
    assert not any("Lopez" in c or "readout" in c or "Subscribe" in c or "photo by" in c for c in content)
    assert extract.lead(TEXT, 1) == content[0]


@pytest.fixture()
def corpus_store(corpus: Path, store: Store) -> Store:
    ingest_paths(store, [corpus / "dod-releases"], IndexSettings())
    return store


def test_the_corpus_bylines_datelines_and_readouts_are_marked_at_ingest(corpus_store: Store) -> None:
    found = {}
    for release in corpus_store.releases():
        text = corpus_store.release_text(release.id)
        for span in corpus_store.boilerplate(release.id):
            found.setdefault(span.kind, set()).add(text[span.start:span.end].strip())
    assert found["byline"] == {"By C. Todd Lopez"}
    assert {"WASHINGTON (Sept. 11, 2023) --", "WASHINGTON (March 12, 2024) --", "FEBRUARY 13, 2025 –"} <= found[
        "dateline"]
    assert "Pentagon Press Secretary Brig. Gen. Pat Ryder provided the following readout:" in found["readout"]
    for release in corpus_store.releases():  # the text stays whole: every lead is a span of it
        text = corpus_store.release_text(release.id)
        lead = extract.lead(text, 1)
        assert lead in text and not lead.startswith(("By ", "WASHINGTON")) and "following readout" not in lead


def test_an_html_page_with_site_chrome_keeps_only_its_article(tmp_path: Path, store: Store) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Austin Calls Umerov</title>"
        '<meta property="article:published_time" content="2023-09-11">'
        '<link rel="canonical" href="https://www.defense.gov/News/x"></head><body>'
        "<nav><a href='/'>Home</a> <a href='/news'>News</a> Subscribe to Defense.gov News</nav>"
        "<article><h1>Austin Calls Umerov</h1><p>By C. Todd Lopez</p>"
        "<p>WASHINGTON (Sept. 11, 2023) -- Today, Secretary of Defense Lloyd J. Austin III telephoned newly "
        "appointed Ukrainian Defense Minister Rustem Umerov to discuss ongoing U.S. support for Ukraine.</p>"
        "<p>The next meeting of the Ukraine Defense Contact Group is scheduled for Sept. 19 at Ramstein Air Base "
        "in Germany, where Austin plans to meet Umerov in person.</p></article>"
        "<footer>Related Stories <a href='/a'>Another story</a> Contact us</footer></body></html>",
        encoding="utf-8")
    ingest_paths(store, [page], IndexSettings())
    [release] = store.releases()
    text = store.release_text(release.id)
    assert "Home" not in text and "Another story" not in text  # site chrome is not the article
    kinds = {s.kind for s in store.boilerplate(release.id)}
    assert "byline" in kinds and "dateline" in kinds
    assert extract.lead(text, 1).startswith("Today, Secretary of Defense")
