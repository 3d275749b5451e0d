"""Typo correction and acronyms over the shared corpus: a misspelt or abbreviated question still finds
the release that answers it, and nothing the releases hold (or any real word) is "corrected"."""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.index import spelling
from qa.index.search import Searcher
from qa.index.spelling import rewrite, textspeak
from qa.index.store import Store
from qa.ingest.pipeline import ingest_drafts, ingest_paths
from qa.models import ReleaseDraft
from qa.settings import AnswerSettings, IndexSettings
from tests.conftest import CORPUS

SETTINGS = AnswerSettings()


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    if not (CORPUS / "dod-releases").exists():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    store = Store(tmp_path_factory.mktemp("spelling") / "index.db")
    ingest_paths(store, [CORPUS / "dod-releases"], IndexSettings(), workers=1)
    yield store
    store.close()


def _title(name: str) -> str:
    return (CORPUS / "dod-releases" / name).read_text(encoding="utf-8").splitlines()[0].removeprefix("Title: ")


def _top(store: Store, question: str) -> str:
    hits = Searcher(store).search(question, 3)
    return hits[0].title if hits else ""


@pytest.mark.parametrize(("question", "corrections", "release"), [
    ("How much was the Army savings pakage for Ukrane?", [("pakage", "package"), ("Ukrane", "Ukraine")],
     "044_dod_sends_ukraine_assistance_using_army_savings.txt"),
    ("Where had Austn and Umerov most recently met?", [("Austn", "Austin")],
     "008_austin_meets_umerov_pentagon_dec2023.txt"),
    ("how much was the 13th presidential drawdwn for ukraine worth?", [("drawdwn", "drawdown")],
     "002_president_authorizes_450m_drawdown.txt"),
])
def test_typos_are_corrected_in_place_and_the_right_release_found(
        corpus_store: Store, question: str, corrections: list[tuple[str, str]], release: str) -> None:
    rewritten = rewrite(question, corpus_store, SETTINGS)
    assert rewritten.corrections == corrections
    for wrote, searched in corrections:
        assert searched in rewritten.question and wrote not in rewritten.question
    assert _top(corpus_store, rewritten.question) == _title(release)


def test_words_the_releases_hold_and_real_words_they_lack_are_left_alone(corpus_store: Store) -> None:
    for question in ["How much did the Golden Dome missile defense system cost?",  # real words, in no release
                     "Where had Austin and Umerov most recently met?",
                     "How many packages did the drawdowns hold?"]:  # inflections of words the releases use
        searched = rewrite(question, corpus_store, SETTINGS)
        assert searched.corrections == [] and searched.question.startswith(question)


def test_shorthand_is_spelled_out_not_corrected_to_a_near_word(corpus_store: Store) -> None:
    """"noms" is one edit from "norms", which the corpus holds: shorthand is spelled out, never taken for a typo."""
    searched = rewrite("apr 2023 flag noms - which helo did the navy pick", corpus_store, SETTINGS)
    assert searched.corrections == [] and "(noms = nominations; helo = helicopter)" in searched.question, searched
    assert spelling.spelled_out("who was colombias defense min") == "who was colombias defense minister"


def test_a_present_irregular_verb_is_searched_with_its_past_form_too(corpus_store: Store) -> None:
    searched = rewrite("where did austin and umerov meet", corpus_store, SETTINGS)
    assert searched.question == "where did austin and umerov meet (meet = met)"
    british = rewrite("who is the ukrainian defence minister", corpus_store, SETTINGS)
    assert british.question == "who is the ukrainian defense minister"
    assert british.corrections == [("defence", "defense")]


def test_short_words_acronyms_and_a_zero_distance_are_left_alone(corpus_store: Store) -> None:
    question = "Where had Austn and Umerov met about the UKRANE pakage?"
    assert rewrite(question, corpus_store, SETTINGS.model_copy(update={"typo_distance": 0})).corrections == []
    longer = rewrite(question, corpus_store, SETTINGS.model_copy(update={"typo_min_length": 6}))
    assert longer.corrections == [("pakage", "package")]  # "Austn" is too short now; capitals are acronyms


def test_ties_go_to_the_more_frequent_word_and_casing_is_kept(store: Store) -> None:
    ingest_drafts(store, [ReleaseDraft(title="Cards", date="2024-01-01", source="s", origin="s", key="s",
                                       text="The card. The card. The card. The cart.")], IndexSettings())
    rewritten = rewrite("Was the Carq or the carq there?", store, SETTINGS)
    assert rewritten.question == "Was the Card or the card there?"
    assert rewritten.corrections == [("Carq", "Card"), ("carq", "card")]


def test_a_question_word_typed_wrong_is_that_question_word(store: Store) -> None:
    # "with" is one edit from "wich" too, and far more frequent in releases, but a reader meant "which".
    text = "The Army will withdraw two brigades with their equipment from Europe, and then more."
    ingest_drafts(store, [ReleaseDraft(title="Brigades", date="2012-01-12", source="s", origin="s", key="s",
                                       text=text)],
                  IndexSettings())
    rewritten = rewrite("wich brigades are leaving europe", store, SETTINGS)
    assert rewritten.question.startswith("which brigades")
    assert rewritten.corrections == [("wich", "which")]
    assert rewrite("whos leaving europe", store, SETTINGS).corrections == []  # "who's", read as "who is"
    # A short one opening the question, though a dictionary knows it ("wat", a temple).
    assert rewrite("wat will the army withdraw", store, SETTINGS).corrections == [("wat", "what")]
    # A word the releases use is no typo ("then"), nor a question word itself ("who").
    assert rewrite("then the army will withdraw", store, SETTINGS).corrections == []
    assert rewrite("who will withdraw", store, SETTINGS).corrections == []


def test_rewriting_costs_little(corpus_store: Store) -> None:
    rewrite("Warm the Ukrane pakage up", corpus_store, SETTINGS)
    started = time.perf_counter()
    for _ in range(10):
        rewrite("How much was the Army savings pakage for Ukrane in FY2024 and HIMARS?", corpus_store, SETTINGS)
    assert (time.perf_counter() - started) / 10 < 0.05


def test_acronyms_are_learned_from_the_releases(corpus_store: Store) -> None:
    learned = {(short, long) for short, long, _ in corpus_store.acronyms()}
    print("learned:", sorted(learned))
    assert {("HIMARS", "High Mobility Artillery Rocket Systems"),
            ("NASAMS", "National Advanced Surface-to-Air Missile Systems"),
            ("USAI", "Ukraine Security Assistance Initiative"),
            ("UDCG", "Ukraine Defense Contact Group")} <= learned
    assert not {short for short, _ in learned} & {"III", "WASHINGTON", "ARMY", "NATO"}  # no definition in them


def test_each_form_finds_the_release_using_the_other(corpus_store: Store) -> None:
    # 002 writes only "high-mobility artillery rocket systems"; 003 defines and uses HIMARS.
    question = "How many HIMARS were in the package with 18 coastal and riverine patrol boats?"
    rewritten = rewrite(question, corpus_store, SETTINGS).question
    assert rewritten == f"{question} (HIMARS = High Mobility Artillery Rocket Systems)"
    assert _top(corpus_store, rewritten) == _title("002_president_authorizes_450m_drawdown.txt")
    long = rewrite("What is the ukraine security assistance initiative?", corpus_store, SETTINGS).question
    assert long.endswith("(Ukraine Security Assistance Initiative = USAI)")


def test_acronyms_found_across_releases(store: Store) -> None:
    drafts = [("https://s/def", "Contact Group Formed", "The Ukraine Defense Contact Group (UDCG) first met in April."),
              ("https://s/short", "Brussels Session", "The UDCG met in Brussels with Hegseth."),
              ("https://s/long", "Ramstein Session", "The Ukraine Defense Contact Group met at Ramstein Air Base.")]
    ingest_drafts(store, [ReleaseDraft(title=t, date="2024-01-01", source=s, origin=s, key=s, text=x)
                          for s, t, x in drafts], IndexSettings())
    searcher = Searcher(store)

    def titles(question: str) -> set[str]:
        return {h.title for h in searcher.search(question, 5)}

    assert "Ramstein Session" not in titles("Where did the UDCG gather?")  # the acronym alone misses it
    assert "Ramstein Session" in titles(rewrite("Where did the UDCG gather?", store, SETTINGS).question)
    question = "Where did the Ukraine Defense Contact Group go?"
    assert "Brussels Session" not in titles(question)
    assert "Brussels Session" in titles(rewrite(question, store, SETTINGS).question)


def test_a_rewrite_of_a_rewrite_changes_nothing(corpus_store: Store) -> None:
    once = rewrite("How many HIMARS were in the 450 million pakage?", corpus_store, SETTINGS)
    assert rewrite(once.question, corpus_store, SETTINGS).question == once.question


def test_corrections_follow_the_stored_releases(tmp_path: Path) -> None:
    store = Store(tmp_path / "index.db")
    draft = ReleaseDraft(title="Zanzibar Visit", date="2024-01-01", source="s", origin="s", key="s",
                         text="The delegation visited Zanzibar.")
    ingest_drafts(store, [draft], IndexSettings())
    assert rewrite("Who went to Zanzibat?", store, SETTINGS).corrections == [("Zanzibat", "Zanzibar")]
    ingest_drafts(store, [draft.model_copy(update={"title": "A Visit", "text": "The delegation visited Pemba."})],
                  IndexSettings())
    assert rewrite("Who went to Zanzibat?", store, SETTINGS).corrections == []
    store.close()


def test_words_of_which_the_releases_hold_no_form_are_unheard(corpus_store: Store) -> None:
    from qa.index.spelling import unheard

    assert unheard(["golden", "dome", "swore", "introduced", "Umerov", "drawdowns"], corpus_store) == [
        "golden", "dome"]


def test_a_people_s_word_the_releases_never_use_is_searched_as_its_country(tmp_path: Path) -> None:
    store = Store(tmp_path / "index.db")
    ingest_drafts(store, [ReleaseDraft(title="Call With Minister", date="2024-01-02", source="s", origin="a.txt",
                                       key="a", text="The Secretary spoke with the Minister of Defense of Estonia and "
                                            "discussed the China Coast Guard's actions near the Philippines.")],
                  IndexSettings())
    searched = rewrite("what did the chinese coast guard do near estonian waters", store, SETTINGS).question
    assert searched.endswith("(chinese = china; estonian = estonia)")
    # A word the releases use is left as it is, whatever its end.
    assert rewrite("what did the minister discuss", store, SETTINGS).question == "what did the minister discuss"


def test_shorthand_a_reader_types_is_searched_with_the_word_releases_spell_out() -> None:
    from qa.index.spelling import reader_forms

    assert reader_forms("where is army central hq, how many yrs, and did the US agree") == [
        ("hq", ["headquarters"]), ("yrs", ["years"]), ("US", ["United States"])]
    assert reader_forms("cohen arens presser - the americas defense ministers conf max value") == [
        ("presser", ["press conference"]), ("conf", ["conference"]), ("max", ["maximum"])]
    # Inside a word or an abbreviation with its dots, nothing is read as shorthand.
    assert reader_forms("the hqx of U.S. forces in the Mideastern region") == []
    # Two words of shorthand are read whole, before either alone.
    assert reader_forms("which sec def said it") == [("sec def", ["Secretary of Defense"])]
    assert reader_forms("the sec. said") == []
    # Thousands typed short: a count without a dollar sign ("92k" troops), an amount with one.
    assert reader_forms("gates 92k plan") == [("92k", ["92,000"])]
    assert reader_forms("1.5k troops") == [("1.5k", ["1,500"])]
    assert reader_forms("a $300k grant") == [("$300k", ["$300 thousand"])]
    assert reader_forms("the 820m package") == [("820m", ["$820 million"])]


def test_a_designation_made_plural_is_searched_in_the_singular_releases_write() -> None:
    from qa.index.spelling import reader_forms

    assert reader_forms("how many DB10s were made") == [("DB10s", ["DB10"])]
    assert reader_forms("MiG-29s and B-52s") == [("MiG-29s", ["MiG-29"]), ("B-52s", ["B-52"])]
    assert reader_forms("in the 1990s") == []  # a decade, no designation


def test_the_question_written_out_asks_for_what_its_shorthand_names() -> None:
    from qa.answer.question import analyse
    from qa.index.spelling import spelled_out
    from qa.text.answer_type import AnswerType

    assert spelled_out("which sec def announced it, hq said") == (
        "which Secretary of Defense announced it, headquarters said")
    assert spelled_out("first chief of space ops, per the mtg") == "first chief of space operations, per the meeting"
    assert spelled_out("value of the 40th drawdown pkg, avg per wk") == (
        "value of the 40th drawdown package, average per week")
    assert spelled_out("when did mattis meet the aussie pm") == "when did mattis meet the Australian prime minister"
    assert spelled_out("who was dep secdef before england") == "who was Deputy Secretary of Defense before england"
    assert spelled_out("what was the mod worth") == "what was the modification worth"
    assert spelled_out("when did austin phone the russian def min") == (
        "when did austin phone the russian defense minister")
    assert spelled_out("which sec def said it") == "which Secretary of Defense said it"  # read whole, before "def"
    q = analyse("which sec def announced selvas renomination", {})
    assert q.kind is AnswerType.PERSON and q.act is not None and q.act.doer


def test_an_irregular_verb_is_searched_in_the_form_releases_report_it() -> None:
    from qa.index.spelling import reader_forms

    # A present form with its past; a past with its participle where the two differ ("he was sworn in").
    assert reader_forms("where did they meet") == [("meet", ["met"])]
    assert reader_forms("who swore in hegseth") == [("swore", ["sworn"])]
    assert reader_forms("who met austin") == []  # past and participle are one word: as written



@pytest.mark.parametrize(("typed", "read"), [
    ("when r mattis and song meeting", "when are mattis and song meeting"),
    ("the day before austins call w gallant", "the day before austins call with gallant"),
    ("is it w/ the army", "is it with the army"),
    ("Plan R and George W. Bush", "Plan R and George W. Bush"),  # a name's letter is no texting
    # "n", "&" and "+" for "and": the parser then sees the two things asked for.
    ("how many sorties flown n how many victims moved", "how many sorties flown and how many victims moved"),
    ("panetta + pinzon & the helo", "panetta and pinzon and the helo"),
    ("AT&T, n. korea, 4+ years, Annex N", "AT&T, n. korea, 4+ years, Annex N"),  # inside a word, or a name's
])
def test_texting_letters_are_read_as_the_words(typed: str, read: str) -> None:
    text, changes = textspeak(typed)
    assert text == read and bool(changes) is (typed != read)
    assert all(wrote in typed.split() for wrote, _ in changes)
