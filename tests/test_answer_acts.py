"""What a question asks of an act: its tense (a release's date answers only what already happened), the phrase a
verb's object or subject fills, and names the question already gives."""

from __future__ import annotations

import pytest

from qa.answer.lift import is_new, lift
from qa.answer.question import analyse
from qa.answer.verify import wrong_kind
from qa.settings import AnswerSettings
from qa.text import roles
from qa.text.tense import asks_past

COMMON = AnswerSettings().common_words
READOUT = ("Secretary of Defense Jim Mattis spoke today by telephone with French Minister of Defense Jean-Yves "
           "Le Drian. Both leaders agreed to use the joint statement of intent signed in November as a framework. "
           "They pledged to work closely and look forward to meeting at the upcoming NATO defense ministerial in "
           "February.")


@pytest.mark.parametrize(("question", "past"), [
    ("when did austin call umerov", True),
    ("When was Hegseth sworn in?", True),
    ("when hegseth arrived at pentagon", True),
    ("when austin umerov meeting", True),  # a bare participle tells no tense
    ("when is mattis meeting le drian", False),
    ("when will they meet", False),
    ("When is the next UDCG meeting?", False),
    ("when does the contract end", False),
])
def test_the_tense_a_question_asks_in(question: str, past: bool) -> None:
    assert asks_past(question) is past


def test_a_future_meeting_is_dated_by_the_month_the_release_gives_not_by_its_own_date() -> None:
    q = analyse("when is mattis meeting le drian", {}, COMMON)
    found = lift(q, READOUT, dated=True)
    assert found is not None and found.text == "February"
    # Asked about the past, the release's "today" still answers.
    assert lift(analyse("when did mattis call le drian", {}, COMMON), READOUT.split(". ")[0], dated=True).text == \
        "today"


def test_a_month_alone_dating_something_else_is_no_answer() -> None:
    sentence = "Both leaders agreed to use the joint statement of intent signed in November as a framework."
    assert lift(analyse("when is mattis meeting le drian", {}, COMMON), sentence) is None
    # Nor does a month alone answer a question that does not ask "when".
    assert lift(analyse("on what day and month will they meet", {}, COMMON), READOUT) is None


def test_a_month_alone_answers_when_asked_after_another_word_and_a_year_alone_does_not() -> None:
    served = "Maciel had served in Afghanistan since February, the Army said."
    found = lift(analyse("since when had maciel served in afghanistan", {}, COMMON), served)
    assert found is not None and found.text == "February"
    # A bare year tied to the act only by the parse is no answer: too loose a tie on reading-comprehension text.
    visited = "Gates, making the first visit to Kosovo by a defense secretary since 2001, thanked the troops."
    assert lift(analyse("Before that trip, when had a defense secretary last visited Kosovo?", {}, COMMON),
                visited) is None


@pytest.mark.parametrize(("question", "sentence", "phrase"), [
    ("what did austin and gantz discuss",
     "The two leaders discussed the importance of close coordination on Iran and other regional security challenges.",
     "the importance of close coordination on Iran and other regional security challenges"),
    ("What did Austin urge?", "Austin urged restraint.", "restraint"),
    ("what did mattis and song condemn",
     "Both Secretary Mattis and Minister Song strongly condemned North Korea's second intercontinental ballistic "
     "missile test on July 28.", "North Korea's second intercontinental ballistic missile test"),
])
def test_what_a_verb_was_done_to_is_its_whole_object(question: str, sentence: str, phrase: str) -> None:
    q = analyse(question, {}, COMMON)
    assert q.asks_phrase
    found = lift(q, sentence)
    assert found is not None and found.text == phrase


def test_the_object_is_matched_by_stem_when_the_question_parse_misses_the_verb() -> None:
    role = roles.asked_object("what did austin and gantz discuss")
    assert role == roles.Role("discuss", doer=False, stemmed=True)
    assert roles.asked_object("what did mattis thank fallon for") is None  # ends in a function word
    sentence = "They discussed the way ahead."
    assert [sentence[a:b] for a, b in roles.phrases(sentence, role)] == ["the way ahead"]


def test_a_name_the_question_gives_is_no_answer_with_its_middle_initial() -> None:
    sentence = ("Staff Sgt. Matthew V. Thompson, 28, of Irvine, California, died Aug. 23 in Helmand Province, "
                "Afghanistan, of injuries caused by an improvised explosive device.")
    q = analyse("what killed matthew thompson", {}, COMMON)
    assert q.focus is None  # "killed" is the verb, not a noun asked for
    found = lift(q, sentence)
    assert found is None or "Thompson" not in found.text
    assert not is_new(q, "Matthew V. Thompson") and is_new(q, "Jason A. Lucas")


def test_a_name_with_a_nickname_in_quotes_is_a_person() -> None:
    q = analyse("who is the israeli defense minister", {}, COMMON)
    assert wrong_kind(q, 'Benjamin "Benny" Gantz', []) == ""
    assert wrong_kind(q, "Middle East", []) != ""


def test_how_old_asks_for_an_age_not_any_number() -> None:
    text = ("Rumsfeld, 68, would succeed William S. Cohen. One of Secretary Rumsfeld's first tasks will be to "
            "challenge the status quo.")
    assert lift(analyse("How old was Rumsfeld when Bush nominated him?", {}, COMMON), text).text == "68"
    assert lift(analyse("how old was she", {}, COMMON), "She became, at the age of fifty, the oldest.").text == "fifty"
    assert lift(analyse("how old was the officer", {}, COMMON), "One of the officers spoke.") is None


def test_the_person_the_question_names_is_no_thing_it_asks_for() -> None:
    sentence = "Staff Sgt. Matthew V. Thompson, 28, died Aug. 23 while conducting dismounted operations."
    found = lift(analyse("Which operation was Staff Sgt. Thompson supporting when he died?", {}, COMMON), sentence)
    assert found is None or "Thompson" not in found.text
    # A name the recogniser may read as a person's, whose last word is the noun asked for, still answers.
    roadmap = "They committed to conclude the Security Sector Assistance Roadmap within the year."
    assert lift(analyse("Which roadmap did they commit to conclude?", {}, COMMON), roadmap).text == \
        "Security Sector Assistance Roadmap"


@pytest.mark.parametrize(("question", "role"), [
    # "did" between the wh-word and a subject (do-support): the wh-word is what was done to, even where the small
    # parser reads the lower-case name as a noun and the wh-word as the subject.
    ("who did carter meet in london", roles.Role("meet", doer=False)),
    ("whom did hegseth meet", roles.Role("meet", doer=False)),
    # Without do-support, or with "did not", the wh-word is the doer.
    ("who met carter in london", roles.Role("meet", doer=True)),
    ("who did not find the future of the franchise appealing", roles.Role("find", doer=True)),
])
def test_do_support_after_the_wh_word_asks_for_what_was_done_to(question: str, role: roles.Role) -> None:
    assert roles.asked(question) == role


def test_the_one_met_is_the_answer_not_the_one_meeting() -> None:
    sentence = ("Secretary of Defense Ash Carter met with Turkish Minister of Defense Fikri Isik today on the "
                "sidelines of the counter-ISIL Defense Ministerial in London.")
    found = lift(analyse("who did carter meet in london", {}, COMMON), sentence)
    assert found is not None and found.text == "Fikri Isik"


def test_a_place_is_never_what_the_recogniser_reads_as_a_body_only() -> None:
    q = analyse("where did the marine helicopters collide", {}, COMMON)
    bodies = ("I also want to extend my gratitude to the Air Force, Coast Guard, Navy, and Marine personnel who "
              "have been unwavering in their efforts.")
    assert lift(q, bodies) is None
    trip = analyse("where did hicks travel", {}, COMMON)
    found = lift(trip, "Deputy Secretary Hicks traveled to Tampa, Florida, to visit U.S. Central Command.")
    assert found is not None and found.text == "Tampa, Florida"
    # An installation the small recogniser calls a body is still a place.
    base = lift(analyse("where was he assigned", {}, COMMON), "He was assigned to Fort Bragg, North Carolina.")
    assert base is not None and base.text.startswith("Fort Bragg")
