"""A briefing's structure on the train briefings' releases: list lines kept as bullets and key facts, releases on
one event in one section with each bullet cited to its own, amounts that cannot be paired listed apart with
their scopes, and every lead of the overview (the model's too) with its relative days anchored."""

import re
from pathlib import Path

import pytest

from qa.brief import extract, lists
from qa.brief.briefing import Briefer
from qa.brief.memo import markdown
from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.llm.client import no_model_client
from qa.settings import IndexSettings, Settings
from tests import one_event

ROOT = Path(__file__).resolve().parent.parent
GROWN = ROOT / "evals" / "data" / "releases"


@pytest.fixture()
def both(corpus: Path, store: Store) -> Store:
    ingest_paths(store, [corpus / "dod-releases", GROWN], IndexSettings())
    return store


def _bullets(b) -> list[str]:
    return [x.text for s in b.sections for x in s.bullets]


def test_list_lines_with_a_label_and_a_counted_figure_are_bullets_without_their_marker(both: Store) -> None:
    b = Briefer(both, Settings(db=both.path), lambda: no_model_client()).brief(
        query="recruiting and retention numbers")  # train briefing t11
    bullets = _bullets(b)
    assert "Army – 38,918 accessions, with a goal of 43,614; 89.2 percent." in bullets  # "• Army – ..."
    assert "Army: 33,382 accessions, 86.5 percent of its goal of 38,604;" in bullets  # "-- Army: ..."
    assert "Army Accessions: Goal 76,500; Attained 69,972 (91.47 percent/-6,528)." in bullets  # noun in the label
    for s in b.sections:
        for x in s.bullets:
            assert both.release_text(x.citation.release_id)[x.citation.start:x.citation.end] == x.text
            assert not x.text.startswith(("--", "•", "-"))


def test_a_verbless_line_is_an_item_only_when_introduced_or_labelled_with_a_figure() -> None:
    text = ("The president has made the following nomination:\n\n"
            "Air Force Lt. Gen. John D. Caine (Ret.) for appointment to the grade of general.\n\n"
            "Here are the numbers:\n\n-- Army: 50,290 accessions;\n\n-- Navy: 30,151 accessions.\n\n"
            "IMMEDIATE RELEASE No. 1031-06\n\nActive Component\n\n"
            "Pentagon Press Secretary John Kirby provided the following readout:\nSeptember 15, 2017\n")

    def at(line: str) -> tuple[int, int] | None:
        start = text.index(line)
        return lists.item(text, start, start + len(line))

    nominated = "Air Force Lt. Gen. John D. Caine (Ret.) for appointment to the grade of general."
    assert at(nominated) == (text.index(nominated), text.index(nominated) + len(nominated))
    army = at("-- Army: 50,290 accessions;")
    assert army is not None and text[army[0]:army[1]] == "Army: 50,290 accessions;"
    assert at("-- Navy: 30,151 accessions.") is not None
    assert at("IMMEDIATE RELEASE No. 1031-06") is None  # letterhead: no label, no counted figure
    assert at("Active Component") is None  # a heading
    assert at("September 15, 2017") is None  # after a readout's introduction (boilerplate), a date says nothing


def test_key_facts_keep_the_figures_of_list_lines() -> None:
    text = (GROWN / "109_dod_recruiting_retention_fy2015_through_june.txt").read_text().split("\n\n", 1)[1]
    facts = extract.key_facts(text)
    assert any(f.value == "38,918" and f.measure == "accessions" for f in facts)
    assert any("38,918 accessions" in f.value for f in extract.fact_sentences(text))


def test_releases_about_one_event_share_a_section_and_each_bullet_keeps_its_release(store: Store,
                                                                                    tmp_path: Path) -> None:
    one_event.write(tmp_path)
    ingest_paths(store, [tmp_path], IndexSettings())
    b = Briefer(store, Settings(db=store.path), lambda: no_model_client()).brief(since="2023-09-01",
                                                                                 until="2023-09-30")
    ids = {Path(r.origin).name: r.id for r in store.releases()}
    [call] = [s for s in b.sections if ids["a.txt"] in s.release_ids]
    assert set(call.release_ids) == {ids["a.txt"], ids["b.txt"]}  # the call and its story: one event
    assert {x.citation.release_id for x in call.bullets} == {ids["a.txt"], ids["b.txt"]}
    assert [s.release_ids for s in b.sections if ids["c.txt"] in s.release_ids] == [[ids["c.txt"]]]
    for s in b.sections:  # each bullet under a section that holds its release
        assert all(x.citation.release_id in s.release_ids for x in s.bullets)
    memo = markdown(b)
    assert "*One event, reported in " in memo and one_event.STORY[0] in memo


def test_amounts_that_cannot_be_paired_are_listed_apart_with_their_scopes(both: Store) -> None:
    b = Briefer(both, Settings(db=both.path), lambda: no_model_client()).brief(
        query="Ukraine security assistance", since="2023-01-01", until="2023-12-31")  # train briefing t20
    changed = {(c.before.value, c.after.value) for c in b.changes}
    assert ("$39.7 billion", "$44.2 billion") in changed  # security assistance since February 2022, both
    apart = {a.fact.value: a.fact for a in b.apart}
    # "defense support since the Russian invasion of Ukraine": another measured noun, so not a step of the above
    assert apart["$43.7 billion"].measure == "defense support"
    assert apart["$43.7 billion"].scope == "since the Russian invasion of Ukraine"
    in_pairs = {v for pair in changed for v in pair}
    assert not in_pairs & set(apart)
    memo = markdown(b)
    assert "## Figures not compared" in memo
    assert "$43.7 billion defense support since the Russian invasion of Ukraine (2023-09-11)" in memo


def test_the_overview_anchors_relative_days_for_every_release_it_draws_from(both: Store) -> None:
    b = Briefer(both, Settings(db=both.path), lambda: no_model_client()).brief(
        query="Panetta", since="2012-01-01", until="2013-12-31")  # train briefing t19
    assert len(b.sections) > 4 and len(b.overview_citations) == len(b.sections)
    for (s, e), c in zip(b.overview_spans, b.overview_citations):
        said = b.overview[s:e]
        assert c.quote in re.sub(r" \([A-Z][a-z]+ \d{1,2}, \d{4}\)", "", said)  # each lead cites its release
        if re.search(r"\btoday\b", c.quote, re.IGNORECASE):
            year, month, day = c.date.split("-")
            assert re.search(rf"\btoday \([A-Z][a-z]+ {int(day)}, {year}\)", said, re.IGNORECASE), said
    anchored = re.findall(r"\btoday \(", b.overview, re.IGNORECASE)
    assert len(anchored) >= 4


def test_the_models_overview_has_its_relative_days_anchored_to_the_release_it_stands_on(both: Store) -> None:
    from tests.test_brief_content import _model_mode, _writer

    written = ("Today, the Department of Defense announced security assistance for Ukraine valued at up to "
               "$325 million. The Defense Department today announced an additional security assistance package "
               "for Ukraine valued at up to $2.1 billion.")
    calls: list[int] = []
    b = Briefer(both, _model_mode(both), _writer(written, calls)).brief(
        query="Ukraine security assistance", since="2023-01-01", until="2023-12-31")
    assert b.overview_mode == "model" and len(calls) == 1
    assert b.overview.startswith("Today (April 19, 2023), the Department of Defense announced")
    assert "today (June 9, 2023) announced an additional security assistance package" in b.overview
    assert [c.date for c in b.overview_citations] == ["2023-04-19", "2023-06-09"]


def test_the_overview_leaves_a_story_s_dateline_out(store: Store, tmp_path: Path) -> None:
    one_event.release(tmp_path, "a.txt", "Army Replaces Two Brigades in Europe", "2010-10-12",
             "WASHINGTON, Oct. 12, 2010 - The Army will replace two brigades in Europe with rotating units.")
    one_event.release(tmp_path, "b.txt", "Air Force Names New Wing", "2011-07-25",
             "7/25/2011 - WASHINGTON (AFNS) -- Air Force officials named a new wing at Dover Air Force Base.")
    ingest_paths(store, [tmp_path], IndexSettings())
    b = Briefer(store, Settings(db=store.path), lambda: no_model_client()).brief(since="2010-01-01",
                                                                                 until="2011-12-31")
    assert "The Army will replace two brigades" in b.overview and "Air Force officials named" in b.overview
    assert "WASHINGTON" not in b.overview and "7/25/2011" not in b.overview
    for (s, e), c in zip(b.overview_spans, b.overview_citations):
        assert c.quote in b.overview[s:e]  # each lead still cites the words it shows


def test_a_contact_line_is_no_bullet(store: Store, tmp_path: Path) -> None:
    one_event.release(tmp_path, "a.txt", "Army Casualty", "2006-07-01",
             "The Department of Defense announced today the death of a soldier who was supporting Operation Iraqi "
             "Freedom. He died July 1 in Baghdad, Iraq. Media with questions about this soldier can call the Army "
             "Public Affairs Office at 703-692-2000.")
    ingest_paths(store, [tmp_path], IndexSettings())
    b = Briefer(store, Settings(db=store.path), lambda: no_model_client()).brief(since="2006-01-01",
                                                                                 until="2006-12-31")
    assert any("died July 1" in x for x in _bullets(b))
    assert not any("703-692-2000" in x for x in _bullets(b))


def test_a_clause_on_a_marked_line_is_a_bullet_without_its_marker() -> None:
    text = "The Secretary directed the Services to:\n\n• Reexamine recruiting advertising.\n\nNo - not this one."
    start = text.index("•")
    assert lists.unmarked(text, start, text.index(".", start) + 1) == (start + 2, text.index(".", start) + 1)
    inside = text.index("- not")  # a dash inside a line is no marker
    assert lists.unmarked(text, inside, len(text)) == (inside, len(text))
