from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.text.grounding import Claim, ClaimKind, Grounding, check, claims, is_grounded

RELEASE = (
    "Secretary of Defense Lloyd J. Austin III today hosted Ukrainian Defense Minister Rustem Umerov at the "
    "Pentagon on December 6, 2023. The 52nd Presidential Drawdown, valued at $175 million, includes four "
    "HIMARS launchers, 150,000 rounds of 155mm ammunition and F-16 parts. Recruiting reached 131.6 percent "
    "of the goal, and 3,500,000 people have left since March 2022.\n"
    "\u201cWe will stand with Ukraine for the long haul,\u201d Austin said."
)


@pytest.mark.parametrize(("claim", "kind", "source"), [
    ("$175M", "money", "valued at $175 million"),
    ("$175 million", "money", "valued at $175M"),
    ("175 million dollars", "money", "valued at $175 million"),
    ("$1.2 billion", "money", "a total of $1,200,000,000 since"),
    ("$428,229,970", "money", "was awarded a $428,229,970 contract"),
    ("four", "number", "includes 4 HIMARS"),
    ("4", "number", "includes four HIMARS"),
    ("eighteen", "number", "over 18 months"),
    ("150000", "number", "150,000 rounds"),
    ("150,000", "number", "150000 rounds"),
    ("131.6 percent", "number", "reached 131.6% of the goal"),
    ("96.5%", "number", "reached 96.5 percent of the goal"),
    ("3.5 million", "number", "3.5 million people"),
    ("3.5 million", "number", "3,500,000 people"),
    ("175 million", "number", "valued at $175 million"),
    ("1951", "number", "the Mutual Defense Treaty of 1951"),
    ("F-16", "number", "F-16 parts"),
    ("52nd", "ordinal", "the fifty-second drawdown"),
    ("fifty-second", "ordinal", "the 52nd drawdown"),
    ("13th", "ordinal", "the thirteenth package"),
    ("Dec. 6, 2023", "date", "on December 6, 2023, Austin"),
    ("December 6, 2023", "date", "on Dec. 6, 2023, Austin"),
    ("Dec. 6", "date", "on December 6, 2023, Austin"),
    ("2023-12-06", "date", "on Dec. 6, 2023, Austin"),
    ("6 December 2023", "date", "Date: 2023-12-06"),
    ("Sept. 19", "date", "met on September 19 at Ramstein"),
    ("March 2022", "date", "since March 5, 2022"),
    ("we will stand with Ukraine for the long haul.", "quote", RELEASE),
    ("We  will stand with\nUkraine", "quote", RELEASE),
    ("We will stand ... the long haul", "quote", RELEASE),
    ("Lloyd J. Austin III", "person", RELEASE),
    ("Lloyd Austin", "person", RELEASE),
    ("Lloyd J. Austin III", "person", "Austin said the United States stands with Ukraine."),
    ("Rustem Umerov", "person", RELEASE),
    ("$70–75 million", "money", "was projected to gross $70–75 million from 3,927 screens"),  # a range, whole
])
def test_true_claims_are_grounded_across_forms(claim: str, kind: ClaimKind, source: str) -> None:
    assert is_grounded(claim, kind, source)


@pytest.mark.parametrize(("claim", "kind", "source"), [
    ("$180 million", "money", "valued at $175 million"),
    ("$175 billion", "money", "valued at $175 million"),
    ("$175 million", "money", "valued at 175 million"),
    ("53rd", "ordinal", "the 52nd drawdown"),
    ("fifty-third", "ordinal", "the 52nd drawdown"),
    ("18", "number", "180 days"),
    ("180", "number", "18 months"),
    ("five", "number", "includes four HIMARS"),
    ("3.5 million", "number", "3.5 billion"),
    ("131.6 percent", "number", "131.6 million"),
    ("F-35", "number", "F-16 parts"),
    ("December 7, 2023", "date", "on December 6, 2023"),
    ("December 6, 2022", "date", "on December 6, 2023"),
    ("December 6, 2023", "date", "on Dec. 6, Austin"),
    ("Nov. 6", "date", "on December 6, 2023"),
    ("We will stand with Ukraine for as long as it takes", "quote", RELEASE),
    ("We will always stand with Ukraine", "quote", RELEASE),
    ("e will stand with", "quote", RELEASE),
    ("John Smith", "person", RELEASE),
    ("Mark Austin", "person", RELEASE),
    ("$70–85 million", "money", "was projected to gross $70–75 million from 3,927 screens"),
])
def test_fabricated_claims_are_flagged(claim: str, kind: ClaimKind, source: str) -> None:
    assert not is_grounded(claim, kind, source)


def test_claims_kinds_and_spans_on_a_release_paragraph() -> None:
    found = claims(RELEASE)
    for _, text, start, end in found:
        assert RELEASE[start:end] == text
    assert [(kind, text) for kind, text, _, _ in found] == [
        ("person", "Lloyd J. Austin III"),
        ("person", "Rustem Umerov"),
        ("date", "December 6, 2023"),
        ("ordinal", "52nd"),
        ("money", "$175 million"),
        ("number", "four"),
        ("number", "150,000"),
        ("number", "155mm"),
        ("number", "F-16"),
        ("number", "131.6 percent"),
        ("number", "3,500,000"),
        ("date", "March 2022"),
        ("quote", "We will stand with Ukraine for the long haul,"),
    ]


def test_titles_offices_months_and_single_names_are_not_person_claims() -> None:
    text = "The Secretary of Defense met the Joint Chiefs of Staff in May. Austin thanked Ukraine on Tuesday."
    assert [c for c in claims(text) if c[0] == "person"] == []


def test_short_quotes_are_not_claims_and_claims_inside_quotes_are_not_repeated() -> None:
    text = 'The "long haul" matters. He said: "We sent 18 HIMARS and $175 million in aid."'
    assert [(kind, t) for kind, t, _, _ in claims(text)] == [("quote", "We sent 18 HIMARS and $175 million in aid.")]


def test_a_money_range_is_one_claim() -> None:
    assert [(k, t) for k, t, _, _ in claims("projected to gross $70–75 million, or $1.2-$1.5 billion")] == [
        ("money", "$70–75 million"), ("money", "$1.2-$1.5 billion")]


def test_whole_hyphenated_number_words_and_years() -> None:
    assert [(k, t) for k, t, _, _ in claims("twenty-two tanks in 1951 and a four-star general")] == [
        ("number", "twenty-two"), ("number", "1951"), ("number", "four")]


def test_check_grounds_each_claim_in_any_source() -> None:
    answer = "The 52nd drawdown, worth $175M, was announced Dec. 6 by Lloyd Austin."
    g = check(answer, ["Austin spoke at the Pentagon.", "The fifty-second drawdown, valued at $175 million, "
                                                     "was announced December 6, 2023."])
    assert [(c.kind, c.text, c.grounded) for c in g.claims] == [
        ("ordinal", "52nd", True), ("money", "$175M", True), ("date", "Dec. 6", True), ("person", "Lloyd Austin", True)]
    assert g.ungrounded == []
    assert g.rate == 1.0


def test_check_flags_fabrications_and_computes_the_rate() -> None:
    answer = "John Smith said the 53rd drawdown is worth $180 million and includes four HIMARS."
    g = check(answer, [RELEASE])
    assert [(c.text, c.grounded) for c in g.claims] == [
        ("John Smith", False), ("53rd", False), ("$180 million", False), ("four", True)]
    assert [c.text for c in g.ungrounded] == ["John Smith", "53rd", "$180 million"]
    assert g.rate == pytest.approx(0.25)


def test_empty_text_and_no_sources() -> None:
    assert claims("") == []
    assert check("", [RELEASE]).rate == 1.0
    g = check("It includes four HIMARS.", [])
    assert g.rate == 0.0 and len(g.ungrounded) == 1


def test_rate_of_a_built_grounding() -> None:
    def claim(grounded: bool) -> Claim:
        return Claim(kind="number", text="4", start=0, end=1, grounded=grounded)

    assert Grounding(claims=[]).rate == 1.0
    assert Grounding(claims=[claim(True), claim(False), claim(True)]).rate == pytest.approx(2 / 3)


def test_real_releases_ground_themselves_and_their_gold_facts(corpus: Path) -> None:
    releases = {p.name: p.read_text(encoding="utf-8") for p in (corpus / "dod-releases").glob("*.txt")}
    for name, text in releases.items():
        g = check(text, [text])
        assert g.ungrounded == [], name
    for line in (corpus / "gold-dev.jsonl").read_text(encoding="utf-8").splitlines():
        question = json.loads(line)
        names = question["release"] or []
        sources = [releases[n] for n in ([names] if isinstance(names, str) else names)]
        for fact in question["gold_facts"]:
            assert check(fact, sources).ungrounded == [], (question["id"], fact)


@pytest.mark.parametrize(("text", "numbers"), [
    ("This action will provide for one hundred thirty EGI Production Units.", ["one hundred thirty"]),
    ("two hundred and five soldiers", ["two hundred and five"]),
    ("twenty five thousand troops", ["twenty five thousand"]),
    ("four million people", ["four million"]),
    ("five and six", ["five", "six"]),  # two numbers, never one
    ("one two-star general and one of the two", ["one", "two", "one", "two"]),
])
def test_a_number_said_in_several_words_is_one_claim(text: str, numbers: list[str]) -> None:
    """The words that go on saying one number are one claim: "thirty" of "one hundred thirty" is none."""
    assert [t for kind, t, _, _ in claims(text) if kind == "number"] == numbers


def test_a_day_before_its_month_is_a_date_without_a_year() -> None:
    """"on the evening of 14 September": a British-style date is one date, its day readable, not a number 14."""
    from qa.text.grounding import claims, day_of

    found = claims("Mattis spoke with Onodera on the evening of 14 September following the launch.")
    assert [(kind, text) for kind, text, _, _ in found] == [("date", "14 September")]
    assert day_of("14 September") == 14 and day_of("September 2017") is None and day_of("Mattis") is None
