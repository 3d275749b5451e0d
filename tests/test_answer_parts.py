"""The stages of `qa ask` that need no model, built from their inputs directly: question analysis, coverage,
candidate evidence, the short-answer lift, multi-part splitting, the verifier, the prompt and the schema."""

from pathlib import Path

import pytest

from qa.answer import coverage, parts
from qa.answer.candidates import Evidence, gather
from qa.answer.lift import is_today, lift
from qa.answer.question import analyse
from qa.answer.verify import check_model, holds_value
from qa.index.search import Searcher
from qa.index.store import Store
from qa.ingest.pipeline import ingest_drafts
from qa.llm import prompting
from qa.models import ReleaseDraft
from qa.schemas import answer_schema
from qa.settings import AnswerSettings, IndexSettings
from qa.text import spans
from qa.text.answer_type import AnswerType
from tests.conftest import extractive_answerer, write_release

TEXT = ("President Joe Biden has given DOD authorization for a drawdown of up to $450 million. "
        "This is the 13th presidential drawdown of DOD stocks since August 2021. "
        "The package includes four high-mobility artillery rocket systems and 18 coastal and riverine patrol boats. "
        "\"The United States stands with Ukraine,\" Acting Pentagon Press Secretary Todd Breasseale said in "
        "Washington.")
OTHER = "Secretary Austin met Richard Marles at the Pentagon. They discussed the AUKUS partnership and exercises."


@pytest.fixture()
def searcher(store: Store) -> Searcher:
    drafts = [ReleaseDraft(title="Another $450 Million Drawdown", date="2022-06-27", source="https://s/450", text=TEXT,
                           origin="a", key="https://s/450"),
              ReleaseDraft(title="Readout of Austin's Meeting With Marles", date="2023-02-01", source="https://s/m",
                           text=OTHER, origin="b", key="https://s/m")]
    ingest_drafts(store, drafts, IndexSettings())
    return Searcher(store)


def _idf(searcher: Searcher, question: str) -> dict[str, float]:
    import numpy as np

    from qa.text import analyze

    words = sorted(set(analyze.terms(question)))
    hashes = np.array([analyze.term_hash(t) for t in words], dtype=np.uint64)
    return dict(zip(words, searcher.index.idf(hashes).tolist()))


def test_prompts_load_with_their_version_and_fill_in_values() -> None:
    prompt = prompting.load("answer")
    assert prompt.tag == f"answer@{prompt.version}"
    messages = prompt.messages(passages="P {braces} $5", question="Q?")
    assert [m["role"] for m in messages] == ["system", "user"]
    assert "P {braces} $5" in messages[1]["content"] and "Q?" in messages[1]["content"]
    with pytest.raises(prompting.PromptError, match="no prompt named"):
        prompting.load("nope")
    with pytest.raises(prompting.PromptError, match="front matter"):
        prompting.parse("x", "## system\nhi")


def test_coverage_declines_unknown_names_and_numbers(searcher: Searcher) -> None:
    def why(question: str) -> str | None:
        return coverage.uncovered(question, searcher.search(question, 5), _idf(searcher, question))

    assert why("How much is the 13th presidential drawdown worth?") is None
    assert why("What was the value of the 37th presidential drawdown?") == "no release found mentions “37th”"
    assert why("How much did the Golden Dome drawdown cost?") == "no release mentions “Golden”"
    assert why("How many rocket systems were in the $1.1 billion package?") == (
        "no release found mentions “$1.1 billion”")
    assert coverage.uncovered("anything", [], {}) == "no release matches the question"


@pytest.mark.parametrize("question, kind, focus", [
    ("How much is the 13th drawdown worth?", AnswerType.MONEY, None),
    ("Which acting Pentagon press secretary was quoted?", AnswerType.PERSON, "secretari"),
    ("On the margins of which meeting did they speak?", AnswerType.OTHER, "meet"),
    ("Which company received the contract?", AnswerType.OTHER, "compani"),
    ("Which roadmap advancing shared goals did they commit to?", AnswerType.OTHER, "roadmap"),
    ("Under which article of the treaty would an attack invoke commitments?", AnswerType.OTHER, "articl"),
    ("Which Under Secretary role had she held?", AnswerType.OTHER, "role"),
    ("Where was Austin meeting defense secretaries when he issued the statement?", AnswerType.PLACE, None),
    ("What is the estimated completion date of the contract?", AnswerType.DATE, None),
    ("What is the contract number of the support contract?", AnswerType.OTHER, "number"),
    ("whats the contract number for the stryker deal", AnswerType.OTHER, "number"),
    # "type of": the noun after it is the one asked for.
    ("What type of DPA Title III agreement was MP Materials awarded in 2020?", AnswerType.OTHER, "agreement"),
    ("What kind of film was used to shoot the movie?", AnswerType.OTHER, "film"),
    # A verb the tagger reads ends the noun, whatever its ending.
    ("Which reserve component fell short of its accession goal?", AnswerType.OTHER, "compon"),
    ("Which company owns the largest rare earth mining operation?", AnswerType.OTHER, "compani"),
    # "which X" asks for an X, whatever words of money or counts describe it after; an asking word of its own asks anew.
    ("Which program's revised cost estimates drove the decrease?", AnswerType.OTHER, "program"),
    ("Which agreement was larger, and what was each worth?", AnswerType.MONEY, None),
    ("What enlistment bonus amount was offered?", AnswerType.MONEY, None),
])
def test_a_question_is_analysed_once_for_its_kind_and_focus(question: str, kind: AnswerType,
                                                            focus: str | None) -> None:
    q = analyse(question, {})
    assert (q.kind, q.focus) == (kind, focus)


@pytest.mark.parametrize("question, sentence, short", [
    ("How much is it worth?", "Today's drawdown, valued at up to $800 million, brings to more than $2 billion the "
     "total.", "up to $800 million"),
    ("What was the total value of the package?", "This afternoon, DoD announced $820 million. This includes $50 "
     "million and $770 million in USAI funds.", "$820 million"),
    ("How many of the reserve components met their goals?", "Meanwhile, four of the six reserve components met "
     "their goals, and all six reserve components met the benchmarks.", "four of the six reserve components"),
    ("How many accessions did the Army record?", "All four active services met their accession goals.", None),
    ("How many National Advanced Surface-to-Air Missile Systems were included?", "It includes two National "
     "Advanced Surface-to-Air Missile Systems and radars.", "two National Advanced Surface-to-Air Missile Systems"),
    ("For how long had Russia waged its war?", "For 18 months, Russia has waged a war of aggression.", "18 months"),
    ("Which Ukrainian deputy chief of defense did Austin thank?", "Let me thank Minister of Defense Oleksii "
     "Reznikov and Deputy Chief of Defense Lieutenant General Moisiuk.", "Moisiuk"),
    ("Who swore in Pete Hegseth?", "Hegseth was sworn in by Vice President JD Vance this morning.", "JD Vance"),
    ("Where did Austin meet Marles?", "Secretary Austin met Richard Marles at the Pentagon.", "Pentagon"),
    ("When was the next meeting scheduled?", "WASHINGTON (Sept. 11, 2023) -- The next meeting is scheduled for "
     "Sept. 19 at Ramstein Air Base.", "Sept. 19"),
    ("Christine Wormuth was the first woman to hold which position?", "She is the first woman to hold the "
     "important position of Secretary of the Army.", "Secretary of the Army"),
    ("Which roadmap did they commit to conclude?", "They committed to conclude the Security Sector Assistance "
     "Roadmap within the year.", "Security Sector Assistance Roadmap"),
    ("Returning Ukraine to which borders is unrealistic?", "Returning Ukraine to its pre-2014 borders is an "
     "unrealistic objective.", "pre-2014 borders"),
    ("Besides Israel, which governments did Austin credit?", "He credited the governments of Israel, Qatar and "
     "Egypt.", "Qatar and Egypt"),
    ("What is the contract number of the Stryker contract?", "Army Contracting Command is the contracting "
     "activity (W56HZV-20-D-0075).", "W56HZV-20-D-0075"),
    ("Which drawdown did Austin announce?", '"I am announcing our 52nd drawdown," Austin said.', "52nd"),
    # "which company": the organisation named as one, though a capital never opens it and another comes first.
    ("Which company supplies the microdisplays?", "As part of the response to COVID-19, the Department entered into "
     "an agreement with eMagin Corporation to expand production of microdisplays.", "eMagin Corporation"),
    # A unit named with those it belongs to is one answer, through a regiment WordNet knows only as people.
    ("To which unit was Cpl. Guerriero assigned when he landed on Betio?", "In November 1943, Guerriero was "
     "assigned to Company B, 1st Battalion, 2nd Marines, 2nd Marine Division, which landed against stiff Japanese "
     "resistance on the small island of Betio in the Tarawa Atoll of the Gilbert Islands, in an attempt to secure the "
     "island.", "Company B, 1st Battalion, 2nd Marines, 2nd Marine Division"),
    # A company the recogniser does not read as an organisation is still taken, first in the sentence.
    ("Which company owns the mining operation?", "MP Materials, who owns the largest mining operation outside of "
     "China, has been awarded a DPA Title III agreement.", "MP Materials"),
    # A run the recogniser reads as a place is no company, though it comes first (a dateline).
    ("Which company won the tanker contract?", "WASHINGTON: The Boeing Co. has won the contract to produce the "
     "KC-46A aerial refueling aircraft.", "Boeing Co."),
    # A name joined to a common word by a hyphen dates something else: no person.
    ("Who announced the tanker award?", "The KC-46A will replace the Eisenhower-era KC-135s and the Reagan-era "
     "KC-10s.", None),
    # The question's "Hall" heads a name of its own (the Hall of Heroes): a place ending in "Hall" is another one;
    # the Hall of Heroes itself is never where it is.
    ("Where was the July 2022 Hall of Heroes induction ceremony held?", '"We honor these heroes," Austin said at the '
     "ceremony held at Joint Base Myer-Henderson Hall, Virginia.", "Joint Base Myer-Henderson Hall, Virginia"),
    ("where is the hall of heroes", "Austin spoke at the Hall of Heroes in the Pentagon.", "Pentagon"),
    # A name the recogniser reads whole, hyphen and all, stays one.
    ("With which South Korean official was Panetta holding a news conference?", "Panetta held a news conference "
     "with South Korean Defense Minister Kim Kwan-jin in Seoul.", "Kim Kwan-jin"),
])
def test_the_short_answer_is_lifted_by_kind(question: str, sentence: str, short: str | None) -> None:
    found = lift(analyse(question, {}), sentence)
    assert (found.text if found else None) == short
    if found:
        assert sentence[found.start:found.end] == found.text


def test_candidates_join_a_neighbour_that_refers_back_and_rank_the_value_first(searcher: Searcher,
                                                                             store: Store) -> None:
    question = "How much is the 13th presidential drawdown worth?"
    q = analyse(question, _idf(searcher, question))
    found = gather(q, searcher.search(question, 5), store, AnswerSettings())
    best = found[0]
    assert "13th presidential drawdown" in best.text and "$450 million" in best.text and len(best.spans) == 2
    assert best.short is not None and best.short.text == "up to $450 million"
    assert [e.score for e in found] == sorted((e.score for e in found), reverse=True)


def test_which_two_asks_for_several_releases() -> None:
    assert parts.wants_several("Which two Philippine defense officials did Austin speak with?") == 2
    assert parts.wants_several("Which Philippine official did Austin speak with?") == 0


def _evidence(text: str, date: str = "2025-02-01") -> Evidence:
    return Evidence(release_id="r1", title="A Title", date=date, source="s", release_text=text,
                    spans=[(0, len(text))], chunk_ids=["r1:0"])


def test_the_verifier_cites_the_candidate_that_holds_the_answer() -> None:
    q = analyse("When was Hegseth's confirmation hearing?", {})
    hearing = _evidence("His confirmation hearing was held Jan. 14 before the committee.")
    other = _evidence("Hegseth spoke to the troops.")
    verdict = check_model(q, "It was held on 2025-01-14.", other, [other, hearing])
    assert verdict.accepted and verdict.cited == [hearing]  # dates as dates, the release's year completing them
    assert not check_model(q, "It was held on 2024-01-14.", other, [other, hearing]).accepted


@pytest.mark.parametrize("answer, why", [
    ("", "empty"),
    ("When was Hegseth's confirmation hearing?", "repeats the question"),
    ("Jan. 15", "in no candidate"),
    ("Pete Hegseth", "gives no date"),
])
def test_the_verifier_rejects_what_a_careless_model_says(answer: str, why: str) -> None:
    q = analyse("When was Hegseth's confirmation hearing?", {})
    ev = _evidence("His confirmation hearing was held Jan. 14 before the committee.")
    verdict = check_model(q, answer, ev, [ev])
    assert not verdict.accepted and why in "; ".join(verdict.problems)


def test_an_answer_holds_a_value_of_the_kind_asked_for_in_its_own_form() -> None:
    assert holds_value(analyse("How many NASAMS were included?", {}), "It was 2.")
    assert holds_value(analyse("Where did they meet?", {}), "Brussels")
    assert holds_value(analyse("What percentage of its goal did it reach?", {}), "131.6 percent")
    assert not holds_value(analyse("How much is the $450 million drawdown worth?", {}), "$450 million")


def test_the_answer_schema_allows_only_the_candidates() -> None:
    schema = answer_schema(["First sentence.", "Second sentence."])
    assert schema.model_json_schema()["properties"]["quote"]["enum"] == ["First sentence.", "Second sentence."]
    assert schema.model_validate_json('{"quote": "Second sentence.", "answer": "x"}').quote == "Second sentence."
    with pytest.raises(ValueError):
        schema.model_validate_json('{"quote": "Made up.", "answer": "x"}')


def test_a_copied_out_sentence_is_no_answer_and_a_title_asked_for_picks_the_name() -> None:
    q = analyse("Which acting Pentagon press secretary was quoted about the drawdown?", {})
    lead = _evidence("President Joe Biden has given DOD authorization for a drawdown of up to $450 million.")
    quote = _evidence('"We stand with Ukraine," Acting Pentagon Press Secretary Todd Breasseale said.')
    copied = check_model(q, "The answer is: President Joe Biden has given DOD authorization for a drawdown of",
                         lead, [lead, quote])
    assert not copied.accepted and "copies" in copied.problems[0]
    assert not check_model(q, "Joe Biden", lead, [lead, quote]).accepted  # named, but not the title asked for
    right = check_model(q, "Todd Breasseale", lead, [lead, quote])
    assert right.accepted and right.cited == [quote]


@pytest.mark.parametrize("sentence, day", [("Austin departed Washington this morning for Asia.", "this morning"),
                                           ("This afternoon, the Department announced the award.", "This afternoon"),
                                           ("Today, Austin spoke with Umerov.", "Today")])
def test_a_dated_release_s_this_morning_answers_when(sentence: str, day: str) -> None:
    found = lift(analyse("When did it happen?", {}), sentence, dated=True)
    assert found is not None and found.text == day and is_today(found)


def test_a_stretch_of_time_is_no_count_of_people() -> None:
    sentence = "The exercise involves 13 nations and more than 30,000 military personnel; it will span two weeks."
    # With the words that bound the count, as a figure of money keeps them.
    assert lift(analyse("how many troops took part in the exercise", {}), sentence).text == \
        "more than 30,000 military personnel"
    assert lift(analyse("how many weeks does the exercise last", {}), sentence).text == "two weeks"


def test_a_measure_in_another_unit_is_no_count() -> None:
    sentence = ("The package includes 155 mm and 105 mm artillery rounds and High-speed Anti-radiation missiles, "
                "also known as HARMs.")
    # "155 mm" is the rounds' size, as the recogniser reads it (a quantity in millimetres): no count of HARMs.
    assert lift(analyse("how many harms", {}), sentence) is None
    # The unit asked for is one, and a plain count beside a measure is still one.
    assert lift(analyse("how many miles did the convoy drive", {}), "The convoy drove 85 miles.").text.startswith("85")
    counted = lift(analyse("how many harms", {}), "The package includes 155 mm artillery rounds and 12 HARMs.")
    assert counted is not None and counted.text.startswith("12")


def test_a_number_inside_a_name_is_no_count() -> None:
    # "Task Force 1-28 Infantry" is a unit's name, as the recogniser reads it: no count of anything.
    found = lift(analyse("how long had maciel served in afghanistan", {}),
                 "Task Force 1-28 Infantry is deployed in support of the 1st Security Force Assistance Brigade.")
    assert found is None or "28" not in found.text
    # A count beside the name is still one.
    counted = lift(analyse("how many soldiers does task force 1-28 infantry have", {}),
                   "Task Force 1-28 Infantry has 800 soldiers.")
    assert counted is not None and counted.text.startswith("800")


@pytest.mark.parametrize(("question", "counted"), [
    ("how many marine corps accessions in april 2010", "access"),  # the head of the phrase, not its first word
    ("how many new army recruits fy11 as of feb 1 2011", "recruit"),
    ("how many navy recruits fy11 thru jan", "recruit"),  # a plural the tagger reads as a verb
    ("How many of the reserve components met their goals?", "compon"),
    ("how many people does hegseth lead", "peopl"),  # "does" is no plural
    # No noun in the parse: the word after "how many", the reader's shorthand as the releases write it.
    ("how many hrs into the job was esper", "hour"),
    ("how many were wounded in the attack", None),
])
def test_what_how_many_counts_is_the_noun_it_modifies(question: str, counted: str | None) -> None:
    assert analyse(question, {}).counted == counted


@pytest.mark.parametrize(("question", "kind"), [
    ("army accessions thru march 2011", AnswerType.COUNT),  # search words that open with a plural: how many
    ("army reserve new recruits fy2011 thru january", AnswerType.COUNT),
    ("contract max value for us foods", AnswerType.MONEY),  # a singular names what is asked
    ("hicks talk at national war college was about what", AnswerType.OTHER),  # a question word asks otherwise
    ("pfc justin davis hometown", AnswerType.OTHER),
])
def test_search_words_opening_with_a_plural_ask_how_many(question: str, kind: AnswerType) -> None:
    assert analyse(question, {}).kind is kind


@pytest.mark.parametrize(("question", "counted"), [
    # A count, as WordNet knows one, of the noun typed before it, however the tagger reads "count" there.
    ("dcip grant count 2025 war dept round", "grant"),
    ("troop count iraq jan 2021", "troop"),
])
def test_search_words_naming_a_count_ask_how_many_of_the_noun_before_it(question: str, counted: str) -> None:
    q = analyse(question, {})
    assert q.kind is AnswerType.COUNT and q.counted == counted


def test_a_count_reads_through_the_initials_of_the_name_it_counts() -> None:
    q = analyse("how many dcip grants (dcip = Defense Community Infrastructure Program)", {})
    found = lift(q, "Today, the Department of War awarded ten Defense Community Infrastructure Program (DCIP) grants "
                    "from the Office of Local Defense Community Cooperation.")
    assert found is not None and found.text == "ten Defense Community Infrastructure Program (DCIP) grants"


def test_a_count_of_the_row_a_question_names_is_lifted() -> None:
    q = analyse("how many marine corps accessions in april 2010", {})
    found = lift(q, "— Marine Corps: 798 accessions with a goal of 795 for 100 percent; and")
    assert found is not None and found.text == "798 accessions"


@pytest.mark.parametrize(("question", "sentence", "count"), [
    ("how many drones will replicator field", "Our teammates were killed when a one-way attack drone struck.", None),
    # The count of the same drones stands before the modifier.
    ("how many drones were shot down", "Forces shot down 12 one-way attack drones.", "12 one-way attack drones"),
])
def test_a_number_joined_to_a_modifier_s_word_is_no_count(question: str, sentence: str, count: str | None) -> None:
    found = lift(analyse(question, {}), sentence)
    assert (found.text if found else None) == count


def test_how_long_is_answered_by_since_when() -> None:
    found = lift(analyse("how long had maciel served in afghanistan", {}),
                 "Maciel was posthumously promoted to corporal. He had served in Afghanistan since February.")
    assert found is not None and found.text == "since February"


def test_a_count_is_its_whole_noun_phrase() -> None:
    """"nearly 200 State Department employees": the count ends with its noun, never inside the phrase; never
    at a bracket it opens and does not close."""
    q = analyse("how many from the state department were evacuated from wuhan", {})
    found = lift(q, "The department is caring for the nearly 200 State Department employees, dependents and U.S. "
                    "citizens evacuated from Wuhan, China.")
    assert found is not None and found.text == "nearly 200 State Department employees"
    assert spans.phrase_end("Accessions were 69,972 (91.47 percent/-6,528).", 16, 22) == 22


def test_parts_that_want_a_value_each_keep_apart_in_one_release(tmp_path: Path) -> None:
    """Two kinds asked of one release ("when ... and in which city"), or a value "each": one value per part,
    never the first part's alone as if it were the whole answer."""
    casualty = write_release(tmp_path, "grater.txt", "DoD Identifies Army Casualty", "July 30, 2007",
                             "https://www.defense.gov/Releases/Release.aspx?ReleaseID=11187",
                             "Pfc. Cody C. Grater, 20, of Spring Hill, Fla., died July 29 in Baghdad, Iraq, of wounds "
                             "suffered when he encountered enemy forces using direct fire.")
    recruiting = write_release(tmp_path, "december.txt", "December Recruiting Successes Wrap Up Banner 2009",
                               "Jan. 13, 2010", "https://www.defense.gov/news/newsarticle.aspx?id=57495",
                               "All six reserve components met their December goals. The Navy Reserve and Air Force "
                               "Reserve both met their December goals, recruiting 496 and 917 new members, "
                               "respectively.")
    answerer = extractive_answerer(tmp_path, [casualty, recruiting])
    died = answerer.ask("On what date did Pfc. Cody C. Grater die, and in which city?")
    assert "July 29" in died.answer and "Baghdad" in died.answer, died
    each = answerer.ask("How many new members did the Navy Reserve and the Air Force Reserve each recruit?")
    assert each.answer.startswith("496") and "917" in each.answer, each
    assert answerer.ask("How many new members did the Navy Reserve recruit?").answer == "496"


def test_a_news_story_s_dateline_is_no_date_of_what_is_asked() -> None:
    sentence = ("WASHINGTON, Dec. 17, 2013 – Hagel and Shoigu conducted their first video teleconference yesterday, "
                "after an agreement they made in August.")
    found = lift(analyse("when did hagel and shoigu hold their first video teleconference", {}), sentence, dated=True)
    assert found is not None and found.text == "yesterday"


@pytest.mark.parametrize(("question", "sentence", "name"), [
    ("which terror group did austin single out", "Austin praised Kenya for countering al-Shabab, an Islamist "
     "militant group based in neighboring Somalia.", "al-Shabab"),
    ("which ship was overhauled", "The ship, USS John C. Stennis, was overhauled.", "USS John C. Stennis"),
    # A name in brackets is another name of the same thing, not the answer.
    ("which division does he command", "He commands the 101st Airborne Division (Air Assault).",
     "101st Airborne Division (Air Assault)"),
    ("which strategy was released", "The National Defense Industrial Strategy (NDIS) was released.",
     "National Defense Industrial Strategy (NDIS)"),
])
def test_which_x_beside_a_name_after_a_comma_is_answered_by_the_name(question: str, sentence: str, name: str) -> None:
    found = lift(analyse(question, {}), sentence)
    assert found is not None and found.text == name


def test_a_name_wordnet_knows_only_as_a_thing_is_no_person() -> None:
    # "Purple Heart" is a decoration in WordNet, though the small recogniser may read it as a person.
    found = lift(analyse("who received the award", {}), "The Purple Heart was presented in 1944 to Melvin Laird.")
    assert found is not None and found.text == "Melvin Laird"
    assert lift(analyse("who led the army", {}), "George Washington led the army.").text == "George Washington"


def test_a_list_after_including_is_taken_whole_by_its_parse() -> None:
    sentence = ("Woog said Hagel and Shoigu discussed a number of issues, including missile defense, Syria, "
                "cybersecurity and countering improvised explosive devices.")
    found = lift(analyse("what issues did hagel and shoigu talk about", {}), sentence)
    # Its last item whole, a phrase of a verb though it is, never a list cut after its "and".
    assert found is not None and found.text.endswith("and countering improvised explosive devices")


@pytest.mark.parametrize(("question", "sentence", "name"), [
    # The parse hangs "a major annual forum" on the person met; the name before the comma is the forum, with the
    # place that ends it.
    ("what forum was mattis at when he met the aussie pm",
     "Mattis met June 2 with Australian Prime Minister Malcolm Turnbull on the sidelines of the Shangri-La Dialogue "
     "in Singapore, a major annual forum for key leaders in the Asia-Pacific region.", "Shangri-La Dialogue"),
    ("which terror group claimed the attack", "The attack was claimed by al-Shabab, an Islamist militant group.",
     "al-Shabab"),
])
def test_which_x_takes_the_name_an_x_is_set_beside(question: str, sentence: str, name: str) -> None:
    span = lift(analyse(question, {}), sentence)
    assert span is not None and span.text == name, span


def test_a_sentence_that_cannot_hold_the_noun_asked_is_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A parse is most of an answer's time: "which roadmap" looks for no roadmap in a sentence without the word."""
    from qa.answer import lift as lifting

    q = analyse("Which roadmap did they commit to conclude?", {})
    sentence = "They committed to conclude the talks within the year."
    monkeypatch.setattr(lifting.spans, "parse", lambda text: pytest.fail("parsed"))
    assert lifting._headed(q, sentence, 0) == [] and lifting._list_after(q, sentence, 0) is None
