"""Questions about two things are split by their parse; comparisons are worked out from both parts' values; a
month the question names picks the release of that month."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.answer import Answerer
from qa.answer.candidates import Evidence
from qa.answer.compare import computed
from qa.answer.lift import Span
from qa.answer.pipeline import _parts
from qa.index.search import Searcher
from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.llm.client import no_model_client
from qa.schemas import Answer
from qa.settings import Settings
from qa.text import coordination, dates
from tests.conftest import extractive_answerer, write_release


@pytest.mark.parametrize("question, expected", [
    # Two things named by figures, the "combined" of the pair dropped from each part.
    ("What was the combined value of the $300 million grant and the $40 million loan for Poland?",
     ["What was the value of the $300 million grant?", "What was the value of the $40 million loan for Poland?"]),
    # Two prepositional phrases, each naming its month.
    ("Which title does the May 2021 memo and the October 2022 statement give Smith?",
     ["Which title does the May 2021 memo give Smith?", "Which title does the October 2022 statement give Smith?"]),
    ("What rank is Jones given in the March 2019 release and in the July 2020 release?",
     ["What rank is Jones given in the March 2019 release?", "What rank is Jones given in the July 2020 release?"]),
    # Two named people asked the same of.
    ("Which commands were Maria Lopez and David Chen nominated for?",
     ["Which commands were Maria Lopez nominated for?", "Which commands were David Chen nominated for?"]),
    # Two questions in one; the pronoun of the second stands for the first's name.
    ("Where did Kowalski speak in March 2023, and whom did he replace as commander?",
     ["Where did Kowalski speak in March 2023?", "whom did Kowalski replace as commander?"]),
    # Two noun phrases the parser hung apart ("worth" taken for the conjunct), read by their tags.
    ("How much were the 5th tranche and the 9th tranche worth?",
     ["How much were the 5th tranche worth?", "How much were the 9th tranche worth?"]),
    # "he" stands for the subject of the first, not for the thing its "which" asks for.
    ("Which Saudi king did Secretary Perry meet in Riyadh, and which general did he choose to lead the task force?",
     ["Which Saudi king did Secretary Perry meet in Riyadh?", "which general did Secretary Perry choose to lead the "
      "task force?"]),
    # "him" is not the subject the second names again: the thing the first asks for.
    ("Which Malaysian defense minister did Hagel meet in 2013, and which disaster did Hagel call him about?",
     ["Which Malaysian defense minister did Hagel meet in 2013?", "which disaster did Hagel call defense minister "
      "about?"]),
    # "it" is no person: the thing asked for.
    ("what drawdown did austin announce and how much was it worth",
     ["what drawdown did austin announce", "how much was drawdown worth"]),
    # The second question's pronoun stands for a name, never for a date of the first.
    ("who did austin meet in december 2023 and who did he call in september 2023",
     ["who did austin meet in december 2023", "who did austin call in september 2023"]),
    # The verb said once for two objects, each with its own time or place (gapping).
    ("where did carter meet abe in april 2015 and isik in december 2016",
     ["where did carter meet abe in april 2015", "where did carter meet isik in december 2016"]),
    ("Where did Carter meet Abe in April 2015 and Fikri Isik in December 2016?",
     ["Where did Carter meet Abe in April 2015?", "Where did Carter meet Fikri Isik in December 2016?"]),
    ("how much did the us give ukraine in 2022 and israel in 2023",
     ["how much did the us give ukraine in 2022", "how much did the us give israel in 2023"]),
    # A list of three names, one question each (the parser reads titled names as appositions).
    ("Which division were Pfc. Justin R. Davis, Spc. Jason A. Lucas and Spc. Arturo Huerta-Cruz all assigned to?",
     ["Which division were Pfc. Justin R. Davis all assigned to?", "Which division were Spc. Jason A. Lucas all "
      "assigned to?", "Which division were Spc. Arturo Huerta-Cruz all assigned to?"]),
    ("What did Austin discuss with Marles, Kishi and Teodoro?",
     ["What did Austin discuss with Marles?", "What did Austin discuss with Kishi?",
      "What did Austin discuss with Teodoro?"]),
    # Two asking phrases that share one clause, said once.
    ("when and where did grater die", ["when did grater die", "where did grater die"]),
    ("On what date did Pfc. Cody C. Grater die, and in which city?",
     ["On what date did Pfc. Cody C. Grater die?", "in which city did Pfc. Cody C. Grater die?"]),
    # A comparison by "than".
    ("How much larger was the 2021 aid package than the 2019 training grant?",
     ["How much larger was the 2021 aid package?", "How much larger was the 2019 training grant?"]),
    # A clause after the second thing describes it, wherever the parser hangs it; a phrase is said of both.
    ("How much larger was the cost cap of the June 2017 ship contract than the May 2020 modification to prepare for "
     "the Stennis overhaul?",
     ["How much larger was the cost cap of the June 2017 ship contract?",
      "How much larger was the May 2020 modification to prepare for the Stennis overhaul?"]),
    # A comparison by "or" after its comparative, where long names and dates leave the parser no conjuncts.
    ("Which was larger: the Acme Foods food distribution contract announced June 12, 2020, or the General Motors "
     "Stryker maintenance contract announced August 10, 2020?",
     ["Which was larger: the Acme Foods food distribution contract announced June 12, 2020?",
      "Which was larger: the General Motors Stryker maintenance contract announced August 10, 2020?"]),
    # Two times set side by side, however the parser reads a question typed in lower case; "vs" as "and".
    ("army accessions thru march 2011 vs thru july 2011",
     ["army accessions thru march 2011", "army accessions thru july 2011"]),
    ("us foods max contract value jun 12 2020 versus apr 21 2020",
     ["us foods max contract value jun 12 2020", "us foods max contract value apr 21 2020"]),
    ("What percentage of its goal did the Army reach through January 2011, and in April 2010?",
     ["What percentage of its goal did the Army reach through January 2011?",
      "What percentage of its goal did the Army reach in April 2010?"]),
    # Two phrases of a preposition, their objects typed without a name's capitals.
    ("who gave the readouts of mattis calls with le drian and with song",
     ["who gave the readouts of mattis calls with le drian", "who gave the readouts of mattis calls with song"]),
    # A question word's phrase each: the words after the second are said of both; a phrase with no verb of its
    # own asks what the second clause's verb says.
    ("gates plan - how many soldiers vs how many marines",
     ["gates plan - how many soldiers", "gates plan - how many marines"]),
    ("how many soldiers and how many marines in the gates plan",
     ["how many soldiers in the gates plan", "how many marines in the gates plan"]),
    ("how many soldiers and how many marines did gates want to add",
     ["how many soldiers did gates want to add", "how many marines did gates want to add"]),
    # Two questions typed as one, a question mark between them.
    ("exercise 09 was the nth in the series? and what yr did the series start",
     ["exercise 09 was the nth in the series", "what yr did the series start"]),
    ("who was sec def? how much did he ask for", ["who was sec def", "how much did he ask for"]),
])
def test_a_question_about_two_things_splits_into_one_question_per_thing(question: str, expected: list[str]) -> None:
    assert coordination.split(question) == expected


@pytest.mark.parametrize("question", [
    "What did the two ministers say about peace and security in the region?",  # no name, figure or date in either
    "Who spoke at the Air and Space Forces Association symposium?",  # "and" inside one name
    "How many troops did the Army send?",
    "where did hegseth meet the president and the prime minister in june",  # one time for both

    "Was the package larger, or smaller?",  # a comparative, but the "or" joins no two things after it
    "What is it? Why?",  # a question mark before a word alone asks nothing of its own
    "what did it include? 52nd drawdown ukraine",  # a follow-up with the words it carries: no second question
])
def test_one_thing_asked_about_is_not_split(question: str) -> None:
    assert coordination.split(question) == [question]


@pytest.mark.parametrize("question, word", [
    ("Which was larger, the grant or the loan?", "larger"),
    ("how much did total aid grow between may and june", "grow"),
    ("Who received more money, Poland or Estonia?", "more"),
    ("Who signed the memo?", None),
])
def test_a_comparison_is_told_by_its_word(question: str, word: str | None) -> None:
    assert coordination.compares(question) == word


def test_months_named_with_their_year_in_the_reader_s_forms() -> None:
    assert dates.months_named("the June 2023 package and the sept 11 2023 call, feb. 2024, Dec. 6, 2023") == [
        (2023, 6), (2023, 9), (2024, 2), (2023, 12)]
    assert dates.months_named("in May, and in 2023") == []


def test_a_month_a_period_runs_through_is_no_release_date() -> None:
    """"accessions thru july 2011" asks for figures to July, which a release of August reports "through July"."""
    assert dates.months_named("army accessions thru july 2011") == []
    assert dates.months_through("army accessions thru july 2011") == [(2011, 7)]
    assert dates.months_through("the June 2023 package, as of March 2024") == [(2024, 3)]
    assert dates.reports_through("The services met their goals Through July, officials said.", [(2011, 7)])
    # A dateline in the month is no report through it.
    assert not dates.reports_through("WASHINGTON, July 25, 2011 - figures through June 30.", [(2011, 7)])
    # The year may be a fiscal one, whose October to December fall in the calendar year before; or not given.
    assert dates.months_through("accessions through March of fiscal 2011") == [(2011, 3)]
    assert dates.months_through("through November of fiscal year 2011") == [(2010, 11)]
    assert dates.months_through("how many recruits thru march") == [(0, 3)]
    # A fiscal year typed with two digits.
    assert dates.months_through("accessions through feb fy11") == [(2011, 2)]
    assert dates.months_through("accessions thru oct fy'15") == [(2014, 10)]
    assert dates.period_phrases("the goal through March of fiscal 2011?") == ["through March of fiscal 2011"]


def _evidence(value: str, release: str) -> Evidence:
    text = f"The package is valued at {value}."
    at = text.index(value)
    ev = Evidence(release_id=release, title="t", date="2023-06-09", source="s", release_text=text,
                  spans=[(0, len(text))], chunk_ids=[f"{release}:0"])
    ev.short = Span(value, at, at + len(value))
    return ev


def test_a_difference_is_worked_out_only_between_figures_of_one_kind() -> None:
    answer = Answer(question="q", answered=True, answer="a", mode="extractive", verified=True)
    money = computed(answer, [_evidence("$2.1 billion", "a")], [_evidence("$770 million", "b")])
    assert money.computed == "a difference of $1.33 billion" and money.answer == "a"
    counts = computed(answer, [_evidence("twelve recipients", "a")], [_evidence("3 recipients", "b")])
    assert counts.computed == "a difference of 9"
    assert computed(answer, [_evidence("$5 million", "a")], [_evidence("12 recipients", "b")]).computed == ""


RELEASES = {
    "grant_may.txt": ("Poland Receives Training Grant", "2021-05-04",
                      "The Department of Defense today announced a training grant for Poland valued at $40 million. "
                      "The grant funds officer exchanges."),
    "grant_oct.txt": ("Poland Receives Second Training Grant", "2022-10-12",
                      "The Department of Defense today announced a training grant for Poland valued at $65 million. "
                      "The grant funds officer exchanges and range upgrades."),
    "meeting.txt": ("Austin Meets Polish Minister", "2022-03-01",
                    "Secretary of Defense Lloyd J. Austin III and Polish Minister of Defense Mariusz Blaszczak met "
                    "at the Pentagon today. They last met in Warsaw in February."),
}


@pytest.fixture()
def answerer(tmp_path: Path) -> Answerer:
    folder = tmp_path / "releases"
    folder.mkdir()
    for name, (title, date, text) in RELEASES.items():
        (folder / name).write_text(f"Title: {title}\nDate: {date}\nSource: https://www.defense.gov/{name}\n\n{text}\n",
                                   encoding="utf-8")
    settings = Settings(db=tmp_path / "index.db").with_mode("extractive")
    store = Store(settings.db)
    ingest_paths(store, [folder], settings.index)
    return Answerer(store, settings, lambda: no_model_client(settings.model))


def test_the_month_named_picks_its_release_with_no_conflict_shown(answerer: Answerer) -> None:
    hits = Searcher(answerer.store).search("value of the october 2022 training grant for poland", 2)
    assert hits[0].date == "2022-10-12"
    answer = answerer.ask("What was the value of the October 2022 training grant for Poland?")
    assert "$65 million" in answer.answer and "$40 million" not in answer.answer and not answer.conflict


def test_a_comparison_of_two_months_shows_both_values_and_their_difference(answerer: Answerer) -> None:
    answer = answerer.ask("How much larger was the October 2022 training grant than the May 2021 training grant?")
    assert "$65 million" in answer.answer and "$40 million" in answer.answer, answer
    assert answer.computed == "a difference of $25 million"
    assert {c.date for c in answer.evidence} == {"2022-10-12", "2021-05-04"}


def test_two_names_of_one_release_are_answered_as_one_question(answerer: Answerer) -> None:
    answer = answerer.ask("Where had Austin and Blaszczak last met?")
    assert answer.answer == "Warsaw" and {c.release_id for c in answer.evidence} == {answer.evidence[0].release_id}


@pytest.mark.parametrize("question", [
    "In which two capitals was Esper to meet allies after his engagements?",
    "which two capitals did esper visit",
    "What 2 critics praised the game?",
])
def test_a_number_after_which_counts_what_is_asked(question: str) -> None:
    """The number is the question's frame whatever the parser makes of "which" (here once a preposition's object):
    no release need hold "two" beside the answer, and the noun it counts is asked for, not the subject."""
    from qa.text.subject import subject

    about = subject(question, 0)
    assert about.frame_numbers == {"2"}
    assert not {"capit", "critic"} & about.terms


@pytest.mark.parametrize(("question", "each"), [
    ("gates plan - how many soldiers vs how many marines", True),
    ("who swore in hegseth and who greeted him", True),
    ("what did cohen and rumsfeld talk about when they met", False),  # one question word, two names
    ("Which posts were Selva and Caine nominated for?", False),
])
def test_a_question_word_of_each_part_wants_a_value_each(question: str, each: bool) -> None:
    assert coordination.asks_each(question) is each


def test_a_value_each_part_asks_for_is_shown_though_one_release_gives_both(tmp_path: Path) -> None:
    write_release(tmp_path, "plan.txt", "Gates Calls for 92,000 More Soldiers, Marines", "2007-01-11",
                  "https://www.defense.gov/a", "Gates recommended an increase of 92,000 soldiers and Marines over "
                  "the next five years. The breakout is 65,000 soldiers and 27,000 Marines.")
    answer = extractive_answerer(tmp_path, sorted(tmp_path.glob("*.txt"))).ask(
        "gates 92k plan - how many soldiers vs how many marines")
    assert "65,000 soldiers" in answer.answer and "27,000 Marines" in answer.answer, answer


@pytest.mark.parametrize(("first", "second", "named"), [
    ("what did austin talk about", "what did marles talk about", ("austin", "marles")),
    ("Which posts were Selva nominated for?", "Which posts were Caine nominated for?", ("Selva", "Caine")),
    ("who swore in hegseth", "who greeted hegseth at the pentagon", None),  # two clauses, not two names
])
def test_what_two_parts_name_in_place_of_each_other(first: str, second: str, named: tuple[str, str] | None) -> None:
    assert coordination.conjuncts(first, second) == named


def test_two_names_one_release_gives_together_are_one_event(tmp_path: Path) -> None:
    """"what did austin and marles talk about": their meeting's readout, not Austin's talk and Marles's apart."""
    write_release(tmp_path, "meeting.txt", "Austin Meets Marles", "2023-06-01", "https://www.defense.gov/a",
                  "Secretary of Defense Lloyd J. Austin III met with Australian Deputy Prime Minister Richard Marles "
                  "at the Pentagon today to discuss the AUKUS partnership.")
    write_release(tmp_path, "talk.txt", "Austin Remarks", "2023-05-01", "https://www.defense.gov/b",
                  "Austin said he would talk about the Replicator initiative in his remarks about drones.")
    write_release(tmp_path, "marles.txt", "Marles Visit", "2023-04-01", "https://www.defense.gov/c",
                  "Marles talked about shipbuilding in Adelaide with reporters.")
    settings = Settings(db=tmp_path / "index.db").with_mode("extractive")
    store = Store(settings.db)
    ingest_paths(store, sorted(tmp_path.glob("*.txt")), settings.index)
    answer = Answerer(store, settings, lambda: no_model_client(settings.model)).ask(
        "what did austin and marles talk about")
    assert [e.title for e in answer.evidence][:1] == ["Austin Meets Marles"], answer


def test_a_question_is_split_on_what_the_reader_wrote_not_on_the_forms_appended() -> None:
    # The "and" of an appended form ("Iraq and the Levant") splits nothing; each part keeps the forms of its words.
    rewritten = ("where did carter meet abe in april 2015 and isil in december 2016 "
                 "(meet = met; isil = Islamic State in Iraq and the Levant)")
    assert _parts(rewritten) == [
        "where did carter meet abe in april 2015 (meet = met)",
        "where did carter meet isil in december 2016 (meet = met; isil = Islamic State in Iraq and the Levant)"]
    assert _parts("who signed the memo (memo = memorandum)") == ["who signed the memo (memo = memorandum)"]


def test_a_value_several_parts_give_is_shown_once_with_each_release_date(tmp_path: Path) -> None:
    soldiers = [("Justin R. Davis", "Pfc.", "2006-07-01"), ("Jason A. Lucas", "Spc.", "2006-10-14"),
                ("Arturo Huerta-Cruz", "Spc.", "2008-04-15")]
    for k, (name, rank, date) in enumerate(soldiers):
        last = name.split()[-1]
        write_release(tmp_path, f"c{k}.txt", "DoD Identifies Army Casualty", date, f"https://www.defense.gov/c{k}",
                      f"{rank} {name}, 24, died in Kunar province, Afghanistan, of wounds suffered when enemy forces "
                      f"attacked his unit. {last} was assigned to the 1st Battalion, 32nd Infantry Regiment, 10th "
                      "Mountain Division (Light Infantry), Fort Drum, N.Y.")
    settings = Settings(db=tmp_path / "index.db").with_mode("extractive")
    store = Store(settings.db)
    ingest_paths(store, [tmp_path], settings.index)
    answer = Answerer(store, settings, lambda: no_model_client(settings.model)).ask(
        "Which division were Pfc. Justin R. Davis, Spc. Jason A. Lucas and Spc. Arturo Huerta-Cruz assigned to?")
    assert answer.answer.count("Mountain Division") == 1, answer.answer
    assert all(day in answer.answer for day in ("July 1, 2006", "Oct. 14, 2006", "April 15, 2008")), answer.answer


def test_two_times_are_two_events_though_one_release_names_both(tmp_path: Path) -> None:
    paths = [write_release(tmp_path, "jan.txt", "Recruiting Through January", "2011-02-15",
                           "https://www.defense.gov/1/", "The Army National Guard had 18,641 accessions through "
                           "January 2011."),
             write_release(tmp_path, "feb.txt", "Recruiting Through February", "2011-03-15",
                           "https://www.defense.gov/2/", "The Army National Guard had 22,694 accessions through "
                           "February 2011, up from January.")]
    answer = extractive_answerer(tmp_path, paths).ask(
        "How many Army National Guard accessions were reported through January 2011 and through February 2011?")
    assert "18,641" in answer.answer and "22,694" in answer.answer, answer
    assert {c.date for c in answer.evidence} == {"2011-02-15", "2011-03-15"}
    assert not answer.conflict  # each time's own figure, not two releases disagreeing on one
