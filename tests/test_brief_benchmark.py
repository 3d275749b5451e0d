"""The scoring of benchmarks/briefs.py on small hand-built briefings and summaries."""

from __future__ import annotations

import pytest

from benchmarks.briefs import (
    Gold,
    boilerplate_in,
    facts_present,
    meets,
    noise_found,
    rendered,
    repeated_fact_sentences,
    repeated_sentences,
    score_briefing,
    score_summary,
)
from qa.schemas import Briefing, Bullet, Citation, KeyFact, Person, Quotation, ReleaseSummary, Section, TimelineEvent

LEAD = "The Defense Department today announced $300 million in security assistance for Ukraine."
TOTAL = "Since the invasion, the U.S. has committed some $44.2 billion in security assistance to Ukraine."


def cite(release: str = "r1", start: int = 0) -> Citation:
    return Citation(n=0, chunk_id=f"{release}:0", release_id=release, title="DOD Sends Assistance", date="2024-03-12",
                    source="https://example.test/a", start=start, end=start + 10, quote="x")


def briefing(overview: str = LEAD, bullets: tuple[str, ...] = (TOTAL,), events: tuple[str, ...] = (),
             releases: tuple[str, ...] = ("r1",)) -> Briefing:
    return Briefing(releases=list(releases), overview=overview,
                    sections=[Section(topic="Ukraine", bullets=[Bullet(text=t, citation=cite(start=i * 100))
                                                                for i, t in enumerate(bullets)])],
                    timeline=[TimelineEvent(date="2024-03-12", event=e, citation=cite(start=1000 + i))
                              for i, e in enumerate(events)])


def summary(text: str = LEAD, facts: tuple[KeyFact, ...] = (), people: tuple[Person, ...] = (),
            quotes: tuple[Quotation, ...] = ()) -> ReleaseSummary:
    return ReleaseSummary(release_id="r1", headline="DOD Sends Assistance", date="2024-03-12", source="",
                          summary=text, summary_mode="extractive", key_facts=list(facts), people=list(people),
                          quotes=list(quotes))


def test_rendered_is_what_qa_brief_prints_and_nothing_reaches_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    text = rendered(briefing(events=("Austin hosted the group at Ramstein.",)))
    assert capsys.readouterr().out == ""
    assert "Overview" in text and "Timeline" in text and "Sources" in text
    assert "$44.2 billion" in text and "Ramstein" in text


def test_facts_present_finds_facts_anywhere_in_the_printed_briefing() -> None:
    text = rendered(briefing(events=("Austin hosted the group at Ramstein.",)))
    assert facts_present(["$300 million", "$44.2 billion", "Ramstein", "$175 million"], text) == [
        "$300 million", "$44.2 billion", "Ramstein"]


def test_noise_is_literal_case_insensitive_and_survives_a_line_wrap() -> None:
    text = "Lorem ipsum " * 8 + "Washington\n  -- the department said. by c. todd lopez"
    assert noise_found(["WASHINGTON --", "By C. Todd Lopez", "WASHINGTON (", ""], text) == [
        "WASHINGTON --", "By C. Todd Lopez"]


def test_a_sentence_of_the_overview_printed_again_as_a_bullet_counts_once() -> None:
    b = briefing(overview=f"{LEAD} {TOTAL}", bullets=(LEAD, "Another sentence."), events=(TOTAL, TOTAL))
    assert sorted(repeated_sentences(b)) == sorted([LEAD, TOTAL])
    assert repeated_sentences(briefing()) == []


def test_score_briefing_counts_wanted_in_unwanted_out_and_missing_facts() -> None:
    gold = Gold(id="b1", must_include=["a.txt", "b.txt"], must_exclude=["c.txt", "d.txt", "unstored.txt"],
                facts=["$300 million", "$175 million"], noise=["WASHINGTON --"])
    ids = {"a.txt": "r1", "b.txt": "r2", "c.txt": "r3", "d.txt": "r4"}
    b = briefing(releases=("r1", "r3"))
    row = score_briefing(gold, b, rendered(b), ids)
    assert (row["wanted_in"], row["wanted_missing"]) == (1, ["b.txt"])
    assert (row["unwanted_out"], row["unwanted_kept"]) == (2, ["c.txt"])
    assert (row["facts_found"], row["facts_missing"]) == (1, ["$175 million"])
    assert row["noise"] == [] and row["repeated"] == []
    assert row["releases"] == ["a.txt", "c.txt"]


def test_a_key_fact_sentence_listed_twice_is_repeated() -> None:
    twice = summary(facts=(KeyFact(value="$300 million", kind="money", quote=LEAD),
                           KeyFact(value="$44.2 billion", kind="money", quote=TOTAL),
                           KeyFact(value="today", kind="date", quote=LEAD)))
    assert repeated_fact_sentences(twice) == [LEAD]
    assert repeated_fact_sentences(summary(facts=(KeyFact(value="$300 million", kind="money", quote=LEAD),))) == []


@pytest.mark.parametrize("text", [
    "WASHINGTON -- The Defense Department today announced aid.",
    "WASHINGTON (March 12, 2024) -- The Defense Department today announced aid.",
    "ARLINGTON, Va. — The Defense Department today announced aid.",
    "By C. Todd Lopez WASHINGTON (March 12, 2024) -- The department announced aid.",
    "By C. Todd Lopez",
])
def test_a_dateline_or_byline_in_the_summary_is_found(text: str) -> None:
    assert boilerplate_in(summary(text=text))


def test_datelines_and_bylines_are_found_in_quotes_and_people_too() -> None:
    assert boilerplate_in(summary(quotes=(Quotation(speaker="", text="Aid flows. By Jim Garamone"),)))
    assert boilerplate_in(summary(people=(Person(name="Austin", quote="FORT BRAGG, N.C. -- Austin spoke."),)))


@pytest.mark.parametrize("text", [
    LEAD,
    "By August 2014, the services met their goals.",
    "By contrast, the Army Secretary said the alliance — NATO — stands firm.",
    "The U.S.-Philippines alliance -- long a pillar -- endures.",
])
def test_ordinary_sentences_are_not_datelines_or_bylines(text: str) -> None:
    assert boilerplate_in(summary(text=text)) == []


def test_score_summary_counts_quotes_with_and_without_a_speaker() -> None:
    row = score_summary(summary(quotes=(Quotation(speaker="Austin", text="We stand with Ukraine."),
                                        Quotation(speaker=" ", text="We share the same goals."))), "a.txt")
    assert (row["quotes"], row["quotes_with_speaker"]) == (2, 1)
    assert row["unattributed"] == ["We share the same goals."]
    assert row["repeated_facts"] == [] and row["boilerplate"] == []


def test_goals_are_checked_in_both_directions() -> None:
    assert meets(0.923, ">= 0.90") == "ok" and meets(0.833, ">= 0.90") == "MISSED"
    assert meets(0, "0") == "ok" and meets(12, "0") == "MISSED"
    assert meets(None, ">= 0.90") == "" and meets(0.5, "") == ""
