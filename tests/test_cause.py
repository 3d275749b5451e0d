"""A question that asks why something happened is answered only by a sentence that says what caused it
(qa.text.cause), and declined otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.text.cause import asks_cause, gives_cause
from tests.conftest import extractive_answerer, write_release


@pytest.mark.parametrize(("question", "asks"), [
    ("what killed spc huerta-cruz in iraq", True),
    ("What was the cause of Frank Carlucci's death in June 2018?", True),
    ("Why were the Navy's April numbers described as preliminary?", True),
    ("what caused the helicopter collision off hawaii", True),
    ("who killed the jordanian pilot", False),  # a person, not a cause
    ("how many were wounded in the insider attack that killed maciel", False),
    ("What prompted Mattis's phone call with Onodera?", False),  # an occasion answers it
])
def test_a_cause_is_asked_by_why_by_what_killed_or_caused_and_by_the_cause_of(question: str, asks: bool) -> None:
    assert asks_cause(question) is asks


@pytest.mark.parametrize(("sentence", "gives"), [
    ("Spc. Arturo Huerta-Cruz died April 14 in Tuz, Iraq, of wounds sustained when his vehicle encountered an "
     "improvised explosive device.", True),
    ("Staff Sgt. Thompson died Aug. 23 of injuries caused by an improvised explosive device.", True),
    ("The numbers are preliminary because flooding took some systems down.", True),
    ("The launch was delayed due to weather.", True),
    ("Mattis met Turnbull in Singapore to discuss security challenges.", True),  # a purpose answers "why"
    ("Norquist will cease to perform the duties of the deputy secretary.", False),  # no purpose: what he ceases
    ("Lance Cpl. Howard S. March Jr. died Sept. 24 while conducting combat operations in Al Anbar province.", False),
    ("Former Defense Secretary Frank C. Carlucci died June 3 at his home in McLean, Virginia.", False),
])
def test_a_sentence_gives_a_cause_by_a_clause_of_reason_or_what_one_died_of(sentence: str, gives: bool) -> None:
    assert gives_cause(sentence) is gives


def test_what_killed_someone_is_declined_when_the_release_says_only_that_he_died(tmp_path: Path) -> None:
    path = write_release(tmp_path, "casualty.txt", "DoD Identifies Marine Casualty", "2006-09-26",
                         "https://www.defense.gov/a", "The Department of Defense announced today the death of a "
                         "Marine who was supporting Operation Iraqi Freedom.\n\nLance Cpl. Howard S. March Jr., 20, "
                         "of Buffalo, N.Y., died Sept. 24 while conducting combat operations against enemy forces "
                         "in Al Anbar province, Iraq.")
    answerer = extractive_answerer(tmp_path, [path])
    answer = answerer.ask("what killed lcpl march in anbar, ied or gunfire")
    assert not answer.answered and "no reason or cause" in answer.answer, answer
    # Asked when, the same sentence answers.
    assert answerer.ask("when did lance cpl march die").answer.startswith("Sept. 24")
