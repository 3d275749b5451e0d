"""The coverage check reads the reader's forms as the releases' own: "450 million" is "$450 million",
"17-24" is "17 to 24", "FY2024" is "fiscal year 2024"; what nothing close answers is still declined."""

import json

import numpy as np
import pytest

from qa.answer import coverage
from qa.index import spelling
from qa.index.search import Searcher
from qa.index.store import Store
from qa.ingest.pipeline import ingest_drafts, ingest_paths
from qa.models import ReleaseDraft
from qa.settings import AnswerSettings, IndexSettings
from qa.text import analyze
from tests.conftest import CORPUS


def _verdict(store: Store, question: str, *, rewrite: bool = True) -> str | None:
    searcher = Searcher(store)
    if rewrite:
        question = spelling.rewrite(question, store, AnswerSettings()).question
    words = sorted(set(analyze.terms(question)))
    idf = dict(zip(words, searcher.index.idf(np.array([analyze.term_hash(t) for t in words],
                                                        dtype=np.uint64)).tolist()))
    return coverage.uncovered(question, searcher.search(question, 5), idf)


@pytest.fixture()
def forms_store(store: Store) -> Store:
    texts = [("https://s/rec", "Recruiting Pool", "Only 23% of Americans aged 17 to 24 qualify to serve."),
             ("https://s/art", "Treaty", "Austin affirmed the islands are covered by Article V of the treaty."),
             ("https://s/fy", "Budget Request", "The fiscal year 2024 request funds 12 new ships for the Navy."),
             ("https://s/450", "Drawdown", "The president authorized a $450 million drawdown for Ukraine.")]
    ingest_drafts(store, [ReleaseDraft(title=t, date="2024-01-01", source=s, origin=s, key=s, text=x)
                          for s, t, x in texts], IndexSettings())
    return store


@pytest.mark.parametrize("question", [
    "How much was the 450 million drawdown?",
    "What share of Americans aged 17-24 qualify to serve?",
    "How many ships does the FY2024 request fund?",
    "How many ships does the FY 2024 request fund?",
    "How many ships does the fiscal 2024 request fund?",
    "How many ships does the FY24 request fund?",
    "which islands does article 5 of the treaty cover",  # releases number articles in Roman numerals
])
def test_the_readers_forms_are_covered(forms_store: Store, question: str) -> None:
    assert _verdict(forms_store, question) is None


def test_without_the_rewrite_the_readers_form_was_declined(forms_store: Store) -> None:
    # What the rewrite fixes: the same question with no equivalent forms appended, and the old check's view of it.
    main, _ = spelling.alternatives(spelling.rewrite("What share of Americans aged 17-24 qualify?", forms_store,
                                                     AnswerSettings()).question)
    assert main == "What share of Americans aged 17-24 qualify?"
    assert spelling.reader_forms(main) == [("17-24", ["17 to 24"])]


@pytest.mark.parametrize("question", [
    "How many ships does the FY2031 request fund?",
    "How much was the 950 million drawdown?",
    "What share of Americans aged 18-29 qualify to serve?",
    "which islands does article 6 of the treaty cover",
])
def test_forms_of_what_no_release_holds_are_still_declined(forms_store: Store, question: str) -> None:
    assert _verdict(forms_store, question)


def test_a_numbered_part_typed_in_digits_is_searched_in_roman_numerals_too() -> None:
    assert ("article 5", ["article V"]) in spelling.reader_forms("what does article 5 cover")
    assert spelling.reader_forms("phase 14 of the plan") == [("phase 14", ["phase XIV"])]
    # Never the other way round: "Title III" typed would add a 3 that a count of three in the answer would match.
    assert spelling.reader_forms("DPA Title III awards") == []


def test_the_trailer_reads_back() -> None:
    groups = [("450 million", ["$450 million"]), ("FY2024", ["fiscal year 2024", "FY 2024"])]
    question = spelling.with_alternatives("How much in FY2024?", groups)
    assert question == "How much in FY2024? (450 million = $450 million; FY2024 = fiscal year 2024 = FY 2024)"
    assert spelling.alternatives(question) == ("How much in FY2024?", groups)
    assert spelling.alternatives("What is x (y)?") == ("What is x (y)?", [])


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    if not (CORPUS / "gold-dev.jsonl").exists():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    store = Store(tmp_path_factory.mktemp("forms") / "index.db")
    ingest_paths(store, [CORPUS / "dod-releases"], IndexSettings(), workers=1)
    return store


def test_the_450_million_drawdown_is_answered_from_the_corpus(corpus_store: Store) -> None:
    assert _verdict(corpus_store, "How much was the 450 million drawdown?", rewrite=False) is not None  # before
    assert _verdict(corpus_store, "How much was the 450 million drawdown?") is None


def test_gold_unanswerables_are_still_declined(corpus_store: Store) -> None:
    gold = {row["id"]: row for row in map(json.loads, (CORPUS / "gold-dev.jsonl").read_text().splitlines())}
    for qid in ("u01", "u05"):
        reason = _verdict(corpus_store, gold[qid]["question"])
        print(qid, reason)
        assert reason


@pytest.mark.parametrize(("date", "text", "declined"), [
    # Undated and naming no year: the question's year can be neither found nor contradicted.
    ("", "The president nominated Maj. Gen. Vincent Brooks to lead Army Central Command.", False),
    # Dated: its year is what the question's must match.
    ("2015-02-01", "The president nominated Maj. Gen. Vincent Brooks to lead Army Central Command.", True),
    # Undated but naming another year: the text tells a different time.
    ("", "In 1998 the president nominated Maj. Gen. Vincent Brooks to lead Army Central Command.", True),
])
def test_a_year_is_checked_only_against_a_release_that_can_tell(store: Store, date: str, text: str,
                                                                declined: bool) -> None:
    ingest_drafts(store, [ReleaseDraft(title="General Officer Announcement", date=date, source="https://s/go",
                                       origin="https://s/go", key="go", text=text)], IndexSettings())
    verdict = _verdict(store, "Which command was Vincent Brooks nominated to lead in 2011?")
    assert (verdict is not None) is declined
    if declined:
        assert "2011" in verdict


def test_a_month_with_a_year_of_two_digits_is_read_as_its_year() -> None:
    """"oct 08" as a reader types October 2008; "oct 8" is a day, and a year written whole needs no form."""
    assert ("oct 08", ["October 2008"]) in spelling.reader_forms("how many troops were in kosovo in oct 08")
    assert ("Sept. 99", ["September 1999"]) in spelling.reader_forms("the visit in Sept. 99")
    assert spelling.reader_forms("the meeting on oct 8") == []
    assert spelling.reader_forms("the meeting on oct 08, 2008") == []
    # After a day, two digits are the year: "dec 17 98".
    assert ("dec 17 98", ["December 17, 1998"]) in spelling.reader_forms("cohens briefing dec 17 98")
    assert ("jan 5th 13", ["January 5, 2013"]) in spelling.reader_forms("the call on jan 5th 13")
    assert spelling.reader_forms("the briefing on dec 17 1998") == []


def test_a_fiscal_year_of_two_digits_is_read_in_its_century() -> None:
    assert spelling.reader_forms("cohen fy99 budget") == [("fy99", ["fiscal year 1999", "FY 1999", "FY1999"])]
    assert spelling.reader_forms("fy05 request") == [("fy05", ["fiscal year 2005", "FY 2005", "FY2005"])]


@pytest.mark.parametrize(("question", "forms"), [
    ("where was baltops 15 held", [("15", ["2015"])]),
    ("how many troops taking part in cobra gold 12", [("12", ["2012"])]),
    ("who replaced him as commander in 99", [("99", ["1999"])]),
    # A count of the noun after it, a numbered part or a number of things asked about are no years.
    ("whats the total value of the contract for the 10 ships", []),
    ("Which provision of Title 10 of the Code", [("Title 10", ["Title X"])]),
    ("how many of the 12 were killed", []),
])
def test_two_digits_after_a_name_or_in_are_read_as_a_year(question: str, forms: list) -> None:
    assert spelling.reader_forms(question) == forms
