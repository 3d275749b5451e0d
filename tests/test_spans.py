"""Whole spans and a question's subject, read off the trained parse (qa.text.spans, qa.text.subject)."""

from __future__ import annotations

import pytest

from qa.answer.lift import holds_role, lift
from qa.answer.question import analyse
from qa.text import spans, subject

GROWN = [
    ("He was assigned to the 10th Brigade Support Battalion, 10th Mountain Division (Light Infantry), Fort Drum.",
     "Brigade Support Battalion", "10th Brigade Support Battalion"),
    ("He was assigned to the 10th Brigade Support Battalion, 10th Mountain Division (Light Infantry), Fort Drum.",
     "Mountain Division", "10th Mountain Division (Light Infantry)"),
    ("MP Materials operates the Mountain Pass, California, rare earth mine.", "Mountain Pass",
     "Mountain Pass, California"),
    ("Funds were appropriated by the Inflation Reduction Act (Public Law 117-169).", "Public Law 117",
     "Public Law 117-169"),
    ("Gen. B. Chance Saltzman spoke at the AFA Warfare Symposium in Aurora, Colorado.", "Aurora", "Aurora, Colorado"),
    ("The 82nd Airborne Division deployed to Poland.", "Airborne Division", "82nd Airborne Division"),
    # A proper name the recogniser gives no place label still takes the state that follows it.
    ("Press Briefing at Naval Submarine Base Kings Bay, Georgia", "Naval Submarine Base Kings Bay",
     "Naval Submarine Base Kings Bay, Georgia"),
    # A name with the common noun it modifies, which says what kind of thing it is.
    ("The Taliban abducted the man near the Sarobi district of Kabul province.", "Sarobi", "Sarobi district"),
    ("This package includes AIM-9M and AIM-7 missiles for air defense.", "AIM-9M and AIM-7",
     "AIM-9M and AIM-7 missiles"),
    # The number a name's last word takes is part of the name.
    ("Those who lost their lives on Malaysia Airlines Flight 17 in eastern Ukraine.", "Malaysia Airlines Flight",
     "Malaysia Airlines Flight 17"),
    ("The council adopted Resolution 2334 on Friday.", "Resolution", "Resolution 2334"),
    # The recogniser reads two organisations, the first ending in the preposition of the one name.
    ("They will deploy to West Africa supporting United States Agency for International Development (USAID).",
     "United States Agency", "United States Agency for International Development (USAID)"),
]


@pytest.mark.parametrize(("text", "cut", "whole"), GROWN)
def test_a_cut_name_grows_to_the_whole_name(text: str, cut: str, whole: str) -> None:
    start = text.index(cut)
    a, b = spans.complete(text, start, start + len(cut))
    assert text[a:b] == whole


def test_a_whole_name_stays_as_it_is() -> None:
    text = "Secretary Austin met Ukrainian Minister of Defense Rustem Umerov in Kyiv."
    start = text.index("Kyiv")
    assert spans.complete(text, start, start + 4) == (start, start + 4)


def test_a_person_never_takes_the_noun_the_name_modifies() -> None:
    text = "The Biden administration approved the package."
    start = text.index("Biden")
    assert spans.complete(text, start, start + 5, person=True) == (start, start + 5)


def test_labels_tell_a_person_from_a_unit() -> None:
    text = "Maj. Gen. Brett G. Sylvia is commanding general, 101st Airborne Division, Fort Campbell."
    assert "PERSON" in spans.labels(text, text.index("Brett"), text.index(" is"))
    assert "PERSON" not in spans.labels(text, text.index("101st"), text.index(", Fort"))


def test_a_count_ends_with_its_noun_phrase() -> None:
    text = "The Army National Guard recorded 43,519 accessions in fiscal year 2014."
    start = text.index("43,519")
    assert text[start:spans.phrase_end(text, start, len(text) - 1)] == "43,519 accessions"


def test_how_long_takes_the_whole_stretch_of_time() -> None:
    """"in how long": the count with its unit, as the recogniser reads the stretch ("almost three decades")."""
    q = analyse("first joint defense policy talks in how long", {})
    found = lift(q, "We had the first joint defense policy talks in almost three decades, and more.")
    assert found is not None and found.text == "almost three decades"


def test_a_person_is_read_without_the_possessive_mark_of_the_next_word() -> None:
    q = analyse("Which head of state did Austin host to discuss extremism in Somalia?", {})
    found = lift(q, "They discussed the work President Hassan Sheikh’s administration has done in Somalia.")
    assert found is not None and found.text == "Hassan Sheikh"


def test_a_date_of_another_day_than_the_question_gives_is_no_answer() -> None:
    """"on 11 of what month": "12 November" is another day's date; the same day's answers."""
    text = "In China, it opened on 12 November and earned $15 million on its opening day."
    assert lift(analyse("The film opened on 11 of what month in China?", {}), text) is None
    found = lift(analyse("The film opened on 12 of what month in China?", {}), text)
    assert found is not None and found.text == "12 November"


def test_frame_words_are_not_the_subject() -> None:
    about = subject.subject("Which four countries were on Carter's weeklong Middle East trip in July 2015?", 0)
    assert "four" in about.frame_numbers or "4" in about.frame_numbers
    assert {"carter", "middl", "east"} & about.terms
    assert not {"countri", "weeklong"} & about.terms  # the asked-for noun and an adjective frame the question
    typed = subject.subject("what did the latest package include for the counteroffensive, like demining stuff",
                            3000)
    assert "stuff" not in typed.terms and "like" not in typed.terms


def test_a_peoples_word_typed_in_lower_case_is_a_name_of_the_subject_and_of_the_role() -> None:
    # The small recogniser misses "lithuanian" typed in lower case; WordNet ties it to Lithuania.
    about = subject.subject("who is the lithuanian prime minister", 0)
    assert "lithuanian" in about.names
    assert "lithuanian" in subject.role("who is the lithuanian prime minister")
    assert "weeklong" not in subject.subject("how long was the weeklong trip", 0).names  # no people's word


def test_a_role_is_read_off_who_is_questions_and_tied_by_the_parse() -> None:
    role = subject.role("who is the secretary of the army")
    assert role == {"secretari", "armi"}
    assert subject.role("when did austin call umerov") == frozenset()
    # Where it is said is no part of the role.
    assert subject.role("who is the cg at fort campbell per the announcement") == {"cg", "fort", "campbel"}
    # The one who met the minister is no part of the role, though the small parser hangs the name on it.
    assert "carter" not in subject.role("Who was the Saudi defense minister Carter met in July 2015?")
    # "The name of the sailor" asks for the person the text ties to "sailor"; "what is the capital" asks no role.
    assert subject.role("what was the name of the sailor who died on the uss jason dunham") == {"sailor"}
    assert subject.role("what is the capital of france") == frozenset()
    text = ("I thank the Senate for their historic confirmation of Christine Wormuth as the 25th Secretary of the "
            "Army, the first woman to hold the position.")
    tied = subject.tied_words(text, text.index("Christine"), text.index(" as the"))
    assert role <= tied
    other = "Statement by Secretary of Defense Lloyd J. Austin III on the confirmation."
    assert not role <= subject.tied_words(other, other.index("Lloyd"), other.index(" on the"))
    # What the verb makes the name, in the "as" phrase right after it.
    sworn = "On Tuesday, Vice President Pence swore in General John Raymond as the first chief of space operations."
    assert {"chief", "space", "oper"} <= subject.tied_words(sworn, sworn.index("John"), sworn.index(" as the"))
    assert "chief" not in subject.tied_words(sworn, sworn.index("Pence"), sworn.index(" swore"))


def test_two_coordinated_people_each_keep_their_own_title() -> None:
    """"King Hamad ... and Crown Prince Salman ...": the small parser hangs "Crown Prince" on the king's name; the
    title written right before the second name is the second's, and no word of it the king's. A name that only
    modifies the noun after it ("Navy Rear" of "Navy Rear Adm. John Kirby") takes no title that way."""
    text = ("Mattis met with His Majesty King Hamad bin Isa Al Khalifa and Crown Prince Salman bin Hamad bin Isa Al "
            "Khalifa March 14 at Al-Safriya Palace.")
    king = subject.tied_words(text, text.index("Hamad"), text.index(" and Crown"))
    prince = subject.tied_words(text, text.index("Salman"), text.index(" March 14"))
    assert {"crown", "princ"} <= prince and not {"crown", "princ"} & king and "king" in king
    kirby = "The minister spoke, Pentagon Press Secretary Navy Rear Adm. John Kirby said."
    assert "press" in subject.tied_words(kirby, kirby.index("John"), kirby.index(" said"))
    assert "press" not in subject.tied_words(kirby, kirby.index("Navy"), kirby.index(" Adm."))


@pytest.mark.parametrize("question", ["who is russia's defense minister", "who is russias defence minister"])
def test_a_role_asked_with_whose_it_is_is_a_role_and_a_peoples_word_ties_it(question: str) -> None:
    q = analyse(question, {}, common_top=3000)
    assert q.identity is None and {"russia", "minist"} <= q.role
    text = "Austin spoke by phone with Russian Minister of Defense Andrey Belousov."
    assert holds_role(q, text, text.index("Andrey"), text.index("."))
    assert not holds_role(q, text, text.index("Austin"), text.index(" spoke"))


@pytest.mark.parametrize("question", ["who is umerov", "who is jimmy carter", "who is secretary austin"])
def test_who_is_a_name_asks_for_the_persons_title(question: str) -> None:
    assert analyse(question, {}, common_top=3000).identity == question.removeprefix("who is ")


@pytest.mark.parametrize(("question", "role"), [("who heads darpa", {"head", "darpa"}),
                                              ("who commands centcom", {"command", "centcom"}),
                                              ("who directs darpa", {"director", "darpa"}),
                                              ("who commanded the 1st infantry division",
                                               {"command", "infantri", "divis"})])
def test_who_does_what_an_office_does_asks_who_holds_the_office(question: str, role: set[str]) -> None:
    # Releases name the holder by the office ("DARPA Director Arati Prabhakar"), rarely by the act.
    asked = analyse(question, {}, common_top=3000)
    assert asked.role == role and asked.act is None


def test_who_does_an_act_no_office_does_still_asks_the_doer() -> None:
    asked = analyse("who attacks the village", {}, common_top=3000)  # an attacker holds no office
    assert asked.act is not None and asked.act.verb == "attack" and not asked.role


@pytest.mark.parametrize(("question", "verb"), [("who is holding the hostages", "hold"),
                                              ("who was nominated", "nominate"), ("who was sworn in", "swear")])
def test_who_is_and_a_verb_asks_for_who_did_it_not_for_a_title(question: str, verb: str) -> None:
    q = analyse(question, {}, common_top=3000)
    assert q.identity is None and q.act is not None and q.act.verb == verb


def test_who_did_it_may_be_a_person_the_sentence_names_by_title_alone() -> None:
    q = analyse("who signed the battery determination", {}, common_top=3000)
    found = lift(q, "On March 31, 2022, the president signed a determination permitting the use of DPA Title III.")
    assert found is not None and found.text == "the president"
    # Not a thing that fills the role: "the agreement" signed nothing.
    assert lift(q, "On March 31, 2022, the agreement was signed.") is None


def test_who_is_doing_it_may_be_a_body_the_sentence_names_as_its_doer() -> None:
    q = analyse("who is holding the hostages", {}, common_top=3000)
    found = lift(q, "Austin called Gallant about the hostages being held by Hamas in Gaza.")
    assert found is not None and found.text == "Hamas"


@pytest.mark.parametrize(("question", "sentence", "answer"), [
    ("Which islands did Austin affirm are covered by the treaty?",
     "Secretary Austin affirmed that the Senkaku islands are covered by Article V of the treaty.", "Senkaku islands"),
    ("On which social media accounts was the film promoted?",
     "The production released video blogs on Eon's official social media accounts.",
     "Eon's official social media accounts"),
    # A noun the parser coordinates with a non-noun is no noun chunk of its own, yet headed by X; and "division"
    # is one division, so no list is asked for ("Strategy, Plans, and Policy").
    # Two nouns asked, one designation answers both.
    ("Which battalion and regiment was Spc. Jason A. Lucas assigned to?",
     "Lucas was assigned to 2nd Battalion, 30th Infantry Regiment, 4th Brigade Combat Team, Fort Polk, La.",
     "2nd Battalion, 30th Infantry Regiment"),
    ("Which division was Brett G. Sylvia commanding when he was nominated?",
     "Army Maj. Gen. Brett G. Sylvia for appointment as director for Strategy, Plans, and Policy, J-5, Joint Staff. "
     "Sylvia is currently serving as commanding general, 101st Airborne Division (Air Assault) and Fort Campbell.",
     "101st Airborne Division (Air Assault)"),
])
def test_which_x_takes_the_phrase_headed_by_x(question: str, sentence: str, answer: str) -> None:
    from qa.answer.lift import lift
    from qa.answer.question import analyse

    assert lift(analyse(question, {}), sentence).text == answer


def test_a_phrase_headed_by_x_that_only_describes_it_is_no_answer() -> None:
    from qa.answer.lift import lift
    from qa.answer.question import analyse

    sentence = "The Senate confirmed Christine Wormuth as the first woman to hold the important position of Secretary."
    found = lift(analyse("Wormuth was the first woman to hold which position?", {}), sentence)
    assert found is None or found.text != "important position"


@pytest.mark.parametrize(("sentence", "part", "name"), [
    ("Secretary of Defense Jim Mattis hosted German Minister of Defense Ursula von der Leyen at the Pentagon today.",
     "von der", "Ursula von der Leyen"),
    # A title compounded into the name stays out.
    ("He thanked Minister von der Leyen for her leadership.", "von der", "von der Leyen"),
    # A surname the recogniser misses takes the given name the parse compounds into it, never a title or rank.
    ("Secretary of Defense Ash Carter met with Turkish Minister of Defense Fikri Işik today in London.",
     "Işik", "Fikri Işik"),
    ("The secretary thanked General Moisiuk for his remarks.", "Moisiuk", "Moisiuk"),
])
def test_a_name_grows_from_its_particles_to_the_whole_name(sentence: str, part: str, name: str) -> None:
    at = sentence.index(part)
    start, end = spans.complete(sentence, at, at + len(part), person=True)
    assert sentence[start:end] == name


@pytest.mark.parametrize(("question", "sentence", "answer"), [
    ("the us is djiboutis what # largest employer", "“We are the third-largest employer in Djibouti,” he said.",
     "third-largest employer"),
    ("what number most visited site was it", "It was the second-most visited site in the country.",
     "second-most visited site"),
    # A bare ordinal stays as it is.
    ("which drawdown was it", "This is the 52nd drawdown of equipment for Ukraine.", "52nd"),
])
def test_an_ordinal_is_never_cut_out_of_its_hyphenated_rank(question: str, sentence: str, answer: str) -> None:
    found = lift(analyse(question, {}), sentence)
    assert found is not None and found.text == answer
