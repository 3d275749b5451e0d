"""Releases read by the trained pipeline for summaries and briefings (issue 21): people who are people, with
titles from the parse; quotes attributed by the parse; figures with what they count and their scope; relative
dates anchored; figures compared only with like; relevance that keeps a topic."""

import pytest

from qa.brief import entities, extract, figures, quotes, relevance
from qa.brief.briefing import like
from qa.brief.dates import anchored

RENAMING = (
    'This week, the Defense Department had a name change.\n'
    '"In a historic move today, President [Donald J.] Trump has signed an executive order changing our name to the '
    'Department of War," Pentagon Press Secretary Kingsley Wilson said during the department\'s latest Weekly Sitrep '
    'video.\n'
    'Less than two years later - and due in no small part to the initials "NME" sounding like "enemy" - the '
    'establishment was renamed the Department of Defense.\n'
    '"Defense alone is not enough; we must be ready to strike and dominate," Wilson said in the video.\n'
    "Yesterday, Secretary of War Pete Hegseth traveled to Fort Benning, Georgia, to deliver remarks at the Army's "
    "Officer Candidate School graduation.\n")


def test_people_are_those_the_recogniser_or_a_title_names_with_their_titles_merged_across_mentions() -> None:
    people = {p.name: p.role for p in entities.people(RENAMING)}
    assert people["Kingsley Wilson"] == "Pentagon Press Secretary"  # "Wilson" alone is the same person
    assert people["Pete Hegseth"] == "Secretary of War"
    assert "Donald J. Trump" in people
    assert not {"Weekly Sitrep", "Fort Benning", "Wilson", "Officer Candidate School"} & set(people)
    assert "Fort Benning" in entities.places(RENAMING)


def test_a_title_from_the_compound_before_the_name() -> None:
    text = "Pentagon Press Secretary John F. Kirby told reporters the package would ship this month."
    assert [(p.name, p.role) for p in entities.people(text)] == [("John F. Kirby", "Pentagon Press Secretary")]


def test_quotes_are_attributed_by_the_parse_and_narrative_between_quotes_is_none() -> None:
    found = extract.quotations(RENAMING)
    assert [q.speaker for q in found] == ["Pentagon Press Secretary Kingsley Wilson"] * 2
    assert not any("NME" in q.text or q.text == "enemy" for q in found)  # scare quotes, and the narrative
    assert not any(q.text.startswith(("“", '"')) for q in found)  # one opening mark: the printer's


def test_a_quote_that_runs_on_keeps_its_speaker_and_a_pronoun_is_the_last_person_named() -> None:
    text = ('Secretary of Defense Pete Hegseth spoke to the committee.\n'
            '"When President Trump chose me for this position, the primary charge he gave me was to bring the '
            'warrior culture back," Hegseth said.\n'
            '"He, like me, wants a Pentagon laser-focused on lethality and readiness."\n'
            'Hegseth listed restoring the warrior ethos as the first step.\n'
            '"We share the same goals," he told the committee.\n')
    assert [q.speaker for q in quotes.quotations(text)] == ["Secretary of Defense Pete Hegseth"] * 3


def test_every_figure_of_a_sentence_keeps_the_noun_it_counts() -> None:
    text = ("The package includes four high-mobility artillery rocket systems, 1,200 grenade launchers, "
            "18 coastal and riverine patrol boats, spare parts and other equipment.")
    labels = [f.label for f in figures.figures(text)]
    assert labels == ["four high-mobility artillery rocket systems", "1,200 grenade launchers",
                      "18 coastal and riverine patrol boats"]


def test_an_amount_names_what_it_measures_and_its_scope() -> None:
    text = ("Since 2014, the United States has committed more than $8.7 billion in security assistance to Ukraine. "
            "The United States has committed more than $44.2 billion in security assistance to Ukraine since the "
            "beginning of Russia's invasion of Ukraine in February 2022.")
    first, second = [f for f in figures.figures(text) if f.kind == "money"]
    assert (first.measure, first.scope) == ("security assistance", "since 2014")
    assert second.scope.startswith("since the beginning of Russia's invasion")
    assert not like(first, second)  # the same measure over other baselines: never one change


def test_figures_of_the_same_measure_and_scope_are_alike() -> None:
    a = figures.figures("Since 2014, the United States has committed more than $8.7 billion in security "
                        "assistance to Ukraine.")[-1]
    b = figures.figures("Since 2014, the United States has committed more than $8.8 billion in security "
                        "assistance to Ukraine.")[-1]
    package = figures.figures("This most recent security assistance package, worth $175 million, includes "
                              "missiles.")[-1]
    assert like(a, b) and not like(a, package)


def test_relative_dates_are_anchored_to_the_release_date() -> None:
    assert anchored("This afternoon, the Department of Defense announced $820 million.", "2022-07-01") == (
        "This afternoon (July 1, 2022), the Department of Defense announced $820 million.")
    assert anchored("Hostages were released yesterday.", "2023-11-26").endswith("yesterday (November 25, 2023).")
    assert anchored("Today the secretary spoke.", "") == "Today the secretary spoke."


def test_a_topic_of_several_words_needs_most_of_them_among_the_release_topic_words() -> None:
    about = ("The department awarded $35 million to a critical minerals producer to expand rare earth "
             "separation, strengthening the industrial base.")
    aside = "The secretary met the minister to discuss defense industrial cooperation."
    query = "critical minerals rare earth industrial base"
    assert relevance.enough(query, relevance.coverage(query, "Rare Earth Award", about))
    assert not relevance.enough(query, relevance.coverage(query, "Readout of a Meeting", aside))
    call = "Austin telephoned Rustem Umerov today."
    assert relevance.enough("Umerov", relevance.coverage("Umerov", "Austin Calls Umerov", call))


def test_a_label_is_a_whole_phrase_never_a_clause_cut_short_nor_a_code() -> None:
    text = ("The department's name remained the same for over 150 years until it merged with the Department of the "
            "Navy. IMMEDIATE RELEASE No. 1031-06. For information, call (315) 772-5461.")
    labels = [f.label for f in figures.figures(text)]
    assert labels == ["150 years"]


@pytest.mark.parametrize(("text", "label"), [
    ("Since 2014, the United States has committed more than $8.7 billion in security assistance to Ukraine.",
     "$8.7 billion in security assistance since 2014"),  # its preposition kept, as the sentence says it
    ("The Army had 50,290 accessions, 101.2 percent of its goal.", "101.2 percent of its goal"),
    ("Spc. Jason A. Lucas, 24, of Columbus, Ohio, died in Kandahar.", "24"),  # a home town is no measure
    ("The ministers met for a two-day conference in Brussels.", "two-day"),  # one word, as written
])
def test_a_label_reads_as_the_sentence_writes_it(text: str, label: str) -> None:
    labels = [f.label for f in figures.figures(text)]
    assert label in labels and not any(other.startswith(label + " ") for other in labels)


def test_a_title_with_abbreviated_ranks_stays_whole() -> None:
    # "Brig." and "Sgt." are one word each, so the parse keeps the title before the name.
    text = ('"The secretary congratulated the minister on his new position," said Pentagon Press Secretary Air Force '
            "Brig. Gen. Pat Ryder today. Staff Sgt. Matthew V. Thompson, 28, died Aug. 23.")
    roles = {p.name: p.role for p in entities.people(text)}
    assert roles["Pat Ryder"] == "Pentagon Press Secretary Air Force Brig. Gen."
    assert roles["Matthew V. Thompson"] == "Staff Sgt."
