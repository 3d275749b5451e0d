"""Which one fell short of its goal is computed from a list of results against goals (qa.answer.goals), not read
off the sentence nearest the question's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.answer.goals import asks_shortfall, short_of_goal
from tests.conftest import extractive_answerer, write_release


@pytest.mark.parametrize(("question", "asks"), [
    ("Which reserve component did not meet its accession goal through July 2011?", True),
    ("which reserve component missed its recruiting goal thru january 2013", True),
    ("which reserve component fell short in feb 2011", True),
    ("which components met their goals", False),
    ("what was the army's recruiting goal", False),
    ("which service recruited the most", False),
])
def test_a_shortfall_is_asked_by_missed_fell_short_or_did_not_meet(question: str, asks: bool) -> None:
    assert asks_shortfall(question) is asks


@pytest.mark.parametrize(("item", "name"), [
    ("— The Army National Guard had 41,704 accessions, with a goal of 43,659, for 96 percent;", "Army National Guard"),
    ("Army Reserve – 8,518 accessions, with a goal of 9,552; 89 percent", "Army Reserve"),
    ("— Air National Guard: 2,770 accessions, 99 percent of its goal of 2,779; and", "Air National Guard"),
    ("In the reserve components, only the Air National Guard fell slightly short of its goal:", "Air National Guard"),
    ("— The Army Reserve had 25,206 accessions, with a goal of 23,134, for 109 percent;", None),  # met
    ("The Army had 55,131 accessions.", None),  # no goal to weigh it against
])
def test_the_item_under_its_goal_is_named(item: str, name: str | None) -> None:
    at = short_of_goal(item)
    assert (item[at[0]:at[1]] if at else None) == name


def test_which_component_missed_its_goal_is_the_one_the_figures_put_under_it(tmp_path: Path) -> None:
    path = write_release(tmp_path, "recruiting.txt", "Components on Target for Recruiting", "2011-08-31",
                         "https://www.defense.gov/a", "Meanwhile, five of the six reserve components met or exceeded "
                         "their numerical accession goals through July:\n\n"
                         "— The Army National Guard had 41,704 accessions, with a goal of 43,659, for 96 percent;\n\n"
                         "— The Army Reserve had 25,206 accessions, with a goal of 23,134, for 109 percent;\n\n"
                         "— The Navy Reserve had 7,055 accessions, with a goal of 7,055, for 100 percent.")
    answer = extractive_answerer(tmp_path, [path]).ask("Which reserve component did not meet its accession goal "
                                                       "through July 2011?")
    assert answer.answer.startswith("Army National Guard"), answer
