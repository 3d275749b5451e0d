import pytest

from qa.text.analyze import bag, date_terms, terms


@pytest.mark.parametrize(
    "a, b",
    [
        ("$175 million", "$175M"),
        ("$175 million", "175 million dollars"),
        ("$1.25 billion", "$1,250 million"),
        ("$428,229,970", "$428229970"),
        ("52nd", "fifty-second"),
        ("13th", "thirteenth"),
        ("four", "4"),
        ("Eighteen", "18"),
        ("150,000 rounds", "150000 rounds"),
        ("Austin's statement", "Austin statement"),
        ("Ukraine’s independence", "Ukraine independence"),
        ("131.6%", "131.6 percent"),
        ("what percentage", "percent"),
        ("Sept. 19", "September 19"),
        ("U.S. forces", "US forces"),
        ("drawdowns", "drawdown"),
        ("F-16s", "F-16"),  # a designation in the plural, as a plain noun's
        ("F/A-18Fs", "F/A-18F"),
        # Names with diacritics, as a reader types them; a mark written apart from its letter too.
        ("Fikri Işik", "fikri isik"),
        ("Šakalienė and Sprūds", "sakaliene and spruds"),
        ("Spru\u0304ds", "spruds"),
        ("Łódź", "lodz"),
    ],
)
def test_equivalent_forms_give_the_same_terms(a: str, b: str) -> None:
    assert terms(a) == terms(b)


@pytest.mark.parametrize(("variant", "typed"), [("KC-46A", "kc46"), ("F-35A", "f-35"), ("AIM-9M", "aim9")])
def test_a_variant_of_a_designation_is_found_by_the_designation(variant: str, typed: str) -> None:
    """Readers ask for the "kc46" of a release's "KC-46A": every term of what they type is one of the variant's."""
    assert set(terms(typed)) <= set(terms(variant))


@pytest.mark.parametrize(
    "a, b",
    [
        ("$175 million", "$175 billion"),
        ("52nd", "52"),
        ("fifth", "fifty"),
        ("18", "180"),
        ("1990s", "1990"),  # a decade is no plural of a designation
        ("$175 million", "175 million"),
    ],
)
def test_near_misses_stay_apart(a: str, b: str) -> None:
    assert terms(a) != terms(b)


def test_question_stop_words_drop_out() -> None:
    assert terms("How much is the 13th presidential drawdown for Ukraine worth?") == [
        "#13", "presidenti", "drawdown", "ukrain", "worth"
    ]
    # "thru" and "till" are "through" and "until" as readers type them: no topic either.
    assert terms("army accessions thru feb, till march") == ["armi", "access", "februari", "march"]


def test_hyphenated_words_give_parts_and_joined_form() -> None:
    out = terms("W56HZV-20-D-0075 high-mobility")
    assert "w56hzv20d0075" in out
    assert {"high", "mobil", "highmobility"} <= set(out)


def test_date_terms_of_iso_date() -> None:
    assert date_terms("2023-12-06") == ["2023", "decemb", "6"]
    assert date_terms("") == []
    assert date_terms("2023-13-01") == []


def test_bag_counts_distinct_terms() -> None:
    hashes, tfs = bag(["a", "b", "a"])
    assert len(hashes) == 2 and sorted(tfs.tolist()) == [1, 2]
    assert hashes.dtype.name == "uint64"
