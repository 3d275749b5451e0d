"""WordNet's noun hierarchy: which noun is a kind of which, and the "which X" answer it finds when no phrase of the
evidence is headed by X."""

from __future__ import annotations

import pytest

from qa.answer.lift import lift
from qa.answer.question import analyse
from qa.settings import AnswerSettings
from qa.text import wordnet

COMMON = AnswerSettings().common_words


@pytest.mark.parametrize(("word", "kind", "is_kind"), [
    ("battalion", "unit", True),
    ("Division", "unit", True),
    ("India", "country", True),  # an instance of a country
    ("Kentucky", "state", True),
    ("missiles", "missile", True),  # plural read as singular
    ("device", "unit", True),  # as a whole of parts: why only names are taken (below)
    ("province", "unit", False),
    ("Rome", "group", False),  # only by its rarer sense, the Roman Catholic Church
    ("Washington", "unit", False),
    ("nonword", "unit", False),
])
def test_which_noun_is_a_kind_of_which(word: str, kind: str, is_kind: bool) -> None:
    assert wordnet.is_kind_of(word, kind) is is_kind


def test_a_rarer_sense_counts_only_when_asked_for() -> None:
    assert not wordnet.is_kind_of("Group", "unit")
    assert wordnet.is_kind_of("Group", "unit", first=None)


def test_which_unit_takes_the_named_unit_with_the_one_it_belongs_to() -> None:
    sentence = ("Thompson was assigned to 3rd Battalion, 1st Special Forces Group (Airborne), Joint Base "
                "Lewis-McChord, Washington.")
    found = lift(analyse("what unit was thompson in", {}, COMMON), sentence)
    assert found is not None and found.text == "3rd Battalion, 1st Special Forces Group (Airborne)"


@pytest.mark.parametrize("question", [
    "Which U.S. Navy cruiser fired the interceptor?",  # the noun asked stands before the name
    "which ship launched the sm-3",  # a cruiser is a ship in one of its senses (first a police car)
    "which warship launched the interceptor",
])
def test_the_noun_before_a_name_says_what_it_is(question: str) -> None:
    """"the cruiser USS LAKE ERIE": the noun before the name says the name is a cruiser, so a ship, though WordNet's
    Erie is a people and the name's head no kind of ship."""
    sentence = ("Approximately 90 seconds later, a Standard Missile 3 (SM-3) Block 1B interceptor missile was "
                "launched from the cruiser USS LAKE ERIE (CG-70) but an intercept of the target was not achieved.")
    found = lift(analyse(question, {}, COMMON), sentence)
    assert found is not None and found.text.startswith("USS LAKE ERIE"), found


def test_a_common_noun_is_no_kind_of_answer() -> None:
    """"device" is a kind of "unit" only as a whole of parts: a common noun is never taken, only a name."""
    sentence = "Thompson died of injuries caused by an improvised explosive device."
    assert lift(analyse("what unit was thompson in", {}, COMMON), sentence) is None


@pytest.mark.parametrize(("question", "died", "assigned", "unit"), [
    # WordNet's Stockton is a writer, so a whole, so a "unit"; the recogniser says the text's is a place.
    ("what unit was crutchfield in",
     "Spc. Michael J. Crutchfield, 21, of Stockton, Calif., died Dec. 23 of a non-combat related injury.",
     "Crutchfield, of Stockton, Calif., was assigned to the 3rd Battalion, 4th Air Defense Artillery Regiment",
     "the 3rd Battalion, 4th Air Defense Artillery Regiment"),
    # WordNet's "South Gate" is a gate, so a whole, so a "unit"; the recogniser says it is a place on a map, and a
    # place answers "which X" only when X is a kind of location.
    ("what unit was cpl maciel in",
     "Army Cpl. Joseph Maciel of South Gate, California, died July 7 of wounds he suffered.",
     "Maciel, of South Gate, California, was assigned to the 1st Battalion, 28th Infantry Regiment.",
     "the 1st Battalion, 28th Infantry Regiment"),
])
def test_a_name_the_recogniser_reads_as_a_place_is_no_kind_of_unit(question: str, died: str, assigned: str,
                                                                   unit: str) -> None:
    assert lift(analyse(question, {}, COMMON), died) is None
    found = lift(analyse(question, {}, COMMON), assigned)
    assert found is not None and found.text == unit


@pytest.mark.parametrize(("question", "person"), [
    ("who is the latvian defense minister", "Sprūds"),
    ("who is the lithuanian defense minister", "Šakalienė"),
    ("who is the estonian defense minister", "Pevkur"),
])
def test_a_peoples_word_stands_where_its_country_does(question: str, person: str) -> None:
    sentence = ("On July 25, Secretary of Defense Pete Hegseth met with his Baltic counterparts, Minister Pevkur, "
                "Estonia; Minister Sprūds, Latvia; and Minister Šakalienė, Lithuania at the Pentagon.")
    # The people's word is rare in an index, "defense" common: the weights search would give them.
    idf = {"defens": 0.2, "minist": 1.7, question.split()[3]: 4.5}
    found = lift(analyse(question, idf, COMMON), sentence)
    assert found is not None and found.text == person


def test_a_people_and_its_country_are_one_in_what_a_release_holds() -> None:
    """WordNet ties "French" to France: a readout naming the "French Minister of Defense" holds "france"."""
    from qa.text import analyze

    assert wordnet.peoples("french") == ("France",) and "Chinese" in wordnet.peoples("China")
    q = analyse("who did mattis call in france", {}, COMMON)
    held = set(analyze.terms("Mattis spoke with French Minister of Defense Jean-Yves Le Drian."))
    assert all(q.holds(t, held) for t in analyze.terms("france"))
    assert not any(q.holds(t, set(analyze.terms("Mattis spoke with the minister."))) for t in analyze.terms("france"))


def test_a_region_of_countries_is_held_by_a_release_naming_one_of_them() -> None:
    """WordNet makes France part of Europe: the ministers of "France, Germany, Poland" are European ones, and a
    "French Minister" too; Indonesia is no part of Europe. A city or a sea is no region of countries."""
    from qa.text import analyze

    assert {"France", "Poland"} <= set(wordnet.countries_of("Europe")) and "Indonesia" not in wordnet.countries_of(
        "Europe")
    assert wordnet.countries_of("London") == () and wordnet.countries_of("Pacific") == ()
    q = analyse("who gave the readout of austins calls with the european ministers", {}, COMMON)
    assert q.holds("european", set(analyze.terms("Austin spoke with Defense Ministers from Canada, France, Germany.")))
    assert q.holds("european", set(analyze.terms("Austin spoke with French Minister of Defense Florence Parly.")))
    assert not q.holds("european", set(analyze.terms("Austin spoke with Indonesian Minister Prabowo Subianto.")))


def test_a_word_of_a_two_word_place_is_no_region_of_its_own() -> None:
    """"Korea" of "North Korea" is not the peninsula: a release naming South Korea holds no "korea" of it."""
    from qa.text import analyze

    held = set(analyze.terms("Seoul, South Korea, hosted the talks."))
    assert analyse("how many troops are in korea", {}, COMMON).holds("korea", held)
    assert not analyse("how many troops does north korea have", {}, COMMON).holds("north", held)


@pytest.mark.parametrize(("verb", "act", "is_way"), [
    ("initiate", "start", True),
    ("telephone", "call", True),
    ("speak", "talk", True),
    ("kill", "die", False),
    ("greet", "meet", False),
])
def test_which_act_is_a_way_of_which(verb: str, act: str, is_way: bool) -> None:
    assert wordnet.is_kind_of(verb, act, pos="verb") is is_way


def test_the_doer_of_an_act_said_with_another_verb_answers() -> None:
    """"who started the efforts": they were "initiated by" him, a participle passive without an auxiliary."""
    sentence = ("These efforts, initiated by Army Chief of Staff Gen. Eric Shinseki on Sept. 8, address issues raised "
                "by the Army Regulation 15-6 report.")
    found = lift(analyse("who started the efforts cohen supported", {}, COMMON), sentence)
    assert found is not None and found.text.endswith("Eric Shinseki")


def test_the_names_one_thing_goes_by_are_one_in_what_a_release_holds() -> None:
    """"U.S." asked, "United States" written: the same country (WordNet's names of one instance); in capitals only,
    so "us" in "what did he tell us" is no country."""
    assert {"United States", "America", "USA"} <= set(wordnet.names("U.S."))
    assert "Britain" in wordnet.names("UK") and wordnet.names("unit") == ()
    q = analyse("How much had the U.S. committed to Ukraine?", {})
    assert q.holds("us", {"unit", "state", "commit"})
    assert not analyse("what did he tell us about ukraine", {}).holds("us", {"unit", "state"})


def test_what_day_takes_a_day_of_the_week_the_recogniser_reads_as_a_date() -> None:
    sentence = ("The confirmation that our precision airstrike Saturday killed Taliban leader Mullah Mansur makes "
                "clear my commitment to address threats to our troops.")
    found = lift(analyse("what day of the week was the strike that killed mansur", {}, COMMON), sentence)
    assert found is not None and found.text == "Saturday"
    # A word for a time that is no day of the week is no answer.
    assert lift(analyse("what day was the strike", {}, COMMON), "The strike came this morning.") is None


def test_where_in_a_place_takes_a_place_inside_it() -> None:
    """"where in greece": "Souda Bay, Greece" (which the small recogniser calls a person), not "Spokane,
    Washington"; WordNet's part-of ties put Baghdad in Iraq and know Spokane is elsewhere."""
    assert wordnet.within("Baghdad", "Iraq") is True and wordnet.within("Spokane", "Greece") is False
    assert wordnet.within("Souda Bay", "Greece") is None
    q = analyse("where in greece were the kc135 tankers going", {}, COMMON)
    assert q.within == "greece" and analyse("where did the tankers go", {}, COMMON).within is None
    text = ("The United States will send KC-135 aircraft out of Fairchild Air Force Base in Spokane, Washington. "
            "The aircraft will deploy to Souda Bay, Greece, to give added fueling support.")
    found = lift(q, text)
    assert found is not None and found.text == "Souda Bay"


def test_a_count_the_parse_gives_another_noun_is_no_count_of_what_is_asked() -> None:
    """"84 institutions" counts no proposals; "2,100 Army Reserve and Army National Guard Soldiers" counts soldiers
    (the parse's conjunct), more than "1,200 Citizen-Soldiers"; "20 musical selections" counts tracks, two of a
    kind in WordNet, and "500 more U.S. service members" troops, people counted as people."""
    proposals = analyse("how many proposals did the research offices receive", {}, COMMON)
    assert lift(proposals, "DoD announced awards to 160 university researchers at 84 institutions.") is None
    got = lift(proposals, "Collectively, the service research offices received 685 proposals.")
    assert got is not None and got.text == "685 proposals"
    soldiers = analyse("how many army reserve and guard soldiers did hagel order mobilized", {}, COMMON)
    text = ("Hagel signed an order authorizing the mobilization of approximately 2,100 Army Reserve and Army National "
            "Guard Soldiers to support the operation.")
    got = lift(soldiers, text)
    assert got is not None and "2,100" in got.text
    assert wordnet.kin("tracks", "selections") and not wordnet.kin("proposals", "institutions")
    tracks = lift(analyse("how many tracks were on the cd", {}, COMMON), "A CD containing 20 musical selections.")
    assert tracks is not None and tracks.text.startswith("20")
    troops = lift(analyse("how many extra troops did austin order to europe", {}, COMMON),
                  "Austin ordered 500 more U.S. service members to be deployed to locations in Europe.")
    assert troops is not None and "500" in troops.text
