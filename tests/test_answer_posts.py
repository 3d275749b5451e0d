"""A person's post, held or named to, as releases of nominations write them; and several people asked for at once.

A nomination release gives two posts for one person: the one named to ("with assignment as ...") and the one held
("is currently serving as ..."). The question says which by its verb or the time it names; the sentence giving the
other answers nothing, though it holds most of the question's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.answer import Answerer
from qa.answer.lift import lift, several_people
from qa.answer.question import analyse
from tests.conftest import extractive_answerer, write_release

NOMINATIONS = (
    "Secretary of Defense announced today that the president has made the following nominations:\n\n"
    "Army Maj. Gen. Jane Q. Doe for appointment to the rank of lieutenant general, with assignment as commanding "
    "general, U.S. Army Pacific, Fort Shafter, Hawaii. Doe is currently serving as deputy commander, U.S. Army "
    "Europe and Africa, Wiesbaden, Germany.\n\n"
    "Navy Rear Adm. Paul R. Roe for appointment to the rank of vice admiral, with assignment as director, Defense "
    "Logistics Agency, Fort Belvoir, Virginia. Roe is currently serving as commander, Naval Supply Systems Command, "
    "Mechanicsburg, Pennsylvania.")


@pytest.fixture()
def answerer(tmp_path: Path) -> Answerer:
    return extractive_answerer(tmp_path, [write_release(
        tmp_path, "noms.txt", "General and Flag Officer Nominations", "2021-03-02",
        "https://www.defense.gov/News/Releases/Release/Article/1/", NOMINATIONS)])


@pytest.mark.parametrize(("question", "post"), [
    ("what job was doe nominated for", "commanding general, U.S. Army Pacific, Fort Shafter, Hawaii"),
    ("What position was Maj. Gen. Doe serving in when she was nominated?",
     "deputy commander, U.S. Army Europe and Africa, Wiesbaden, Germany"),
    ("What post did Doe hold when she was nominated?",
     "deputy commander, U.S. Army Europe and Africa, Wiesbaden, Germany"),
    ("roe current job before dla", "commander, Naval Supply Systems Command, Mechanicsburg, Pennsylvania"),
    ("What was Rear Adm. Roe's assignment at the time of his nomination?",
     "commander, Naval Supply Systems Command, Mechanicsburg, Pennsylvania"),
])
def test_the_post_asked_is_the_one_held_or_the_one_named_to(answerer: Answerer, question: str, post: str) -> None:
    a = answerer.ask(question)
    assert a.answered and a.answer == post


def test_a_post_ends_before_the_next_sentence_run_on() -> None:
    # The sentence splitter may miss the stop of "D.C.": the next sentence's subject is no part of the post.
    text = ("Army Maj. Gen. Brett G. Sylvia for appointment to the rank of lieutenant general, with assignment as "
            "director, J-5, Joint Staff, Pentagon, Washington, D.C. Sylvia is currently serving as commander.")
    span = lift(analyse("what joint staff job is sylvia nominated for", {}), text)
    assert span is not None and span.text == "director, J-5, Joint Staff, Pentagon, Washington, D.C."


def test_another_persons_post_is_not_taken() -> None:
    text = "Roe is currently serving as commander, Naval Supply Systems Command."
    question = analyse("What position was Doe serving in when she was nominated?", {})
    assert lift(question, text) is None


@pytest.mark.parametrize(("question", "several"), [
    ("names of the 2 soldiers who got silver stars", True),
    ("who were the two soldiers awarded silver stars", True),
    ("which ministers did austin meet", True),
    ("which soldier got the silver star", False),
    ("who did the soldiers thank", False),
    ("who pinned the stars on the soldiers", False),
    ("how many soldiers died", False),
    ("whats the latvia defense ministers name", False),
])
def test_several_people_are_asked_for_by_a_plural_or_a_count(question: str, several: bool) -> None:
    assert several_people(analyse(question, {})) is several


def test_several_people_asked_for_are_every_name_listed_with_the_one_found() -> None:
    text = ("Gen. Peter Pace awarded a Silver Star to Staff Sgt. Michael L. Barrera Jr., and to Pfc. Joshua V. "
            "Joseph, both of 2nd Battalion, 1st Infantry Regiment.")
    both = lift(analyse("names of the 2 soldiers who got silver stars from pace", {}), text)
    assert both is not None and "Barrera" in both.text and both.text.endswith("Joshua V. Joseph")
    one = lift(analyse("which soldier got a silver star from pace", {}), text)
    assert one is not None and one.text.endswith("Michael L. Barrera Jr.")
