from pathlib import Path

import pytest

from qa.cli.common import sample_path
from qa.index import bm25 as index_module
from qa.index.search import Searcher
from qa.index.store import Store
from qa.ingest.pipeline import ingest_drafts, ingest_paths
from qa.models import ReleaseDraft
from qa.settings import IndexSettings

OTHERS = [
    ("https://s/450", "President Authorizes Another $450 Million Drawdown", "2022-06-27",
     "President Biden authorized a drawdown of up to $450 million. This is the 13th presidential drawdown "
     "of DOD stocks since August 2021. The package includes four high-mobility artillery rocket systems "
     "and 18 coastal and riverine patrol boats."),
    ("https://s/fifth", "Statement on the Fifth Presidential Drawdown", "2022-04-13",
     "Today the United States carries out the fifth Presidential Drawdown, valued at $800 million, "
     "while Secretary Austin meets defense secretaries at NATO in Brussels."),
    ("https://other.example/contracts", "Contracts for Aug. 10, 2020", "2020-08-10",
     "General Dynamics Land Systems was awarded a $428,229,970 contract, W56HZV-20-D-0075, for Stryker support."),
]


@pytest.fixture()
def searcher(store: Store) -> Searcher:
    ingest_paths(store, [sample_path()], IndexSettings())
    ingest_drafts(store, [ReleaseDraft(title=t, date=d, source=s, text=x, origin=s, key=s) for s, t, d, x in OTHERS],
                  IndexSettings())
    return Searcher(store)


def _top(searcher: Searcher, query: str, **kw: object) -> str:
    hits = searcher.search(query, 3, **kw)
    return hits[0].title if hits else ""


def test_the_seed_release_ranks_first_for_its_questions(searcher: Searcher) -> None:
    seed = "Austin Meets With Ukrainian Minister of Defense at Pentagon"
    assert _top(searcher, "Where had Austin and Umerov most recently met?") == seed
    assert _top(searcher, "What conference took place in Washington the day Austin hosted Umerov?") == seed
    hit = searcher.search("Ukraine Defense Industrial Base Conference", 1)[0]
    assert "Ukraine Defense Industrial Base Conference" in hit.text
    assert hit.date == "2023-12-06" and hit.source.startswith("https://www.defense.gov/")
    assert hit.chunk_id.startswith(f"{hit.release_id}:")


def test_numbers_ordinals_money_and_codes(searcher: Searcher) -> None:
    assert _top(searcher, "How much is the thirteenth presidential drawdown worth?").startswith("President Authorizes")
    assert _top(searcher, "the 5th drawdown") == "Statement on the Fifth Presidential Drawdown"
    assert _top(searcher, "the $450M package") .startswith("President Authorizes")
    assert _top(searcher, "How many HIMARS? four High Mobility Artillery Rocket Systems").startswith("President")
    assert _top(searcher, "contract W56HZV-20-D-0075") == "Contracts for Aug. 10, 2020"
    assert _top(searcher, "Austin’s statement in Brussels") == "Statement on the Fifth Presidential Drawdown"


def test_title_and_date_are_findable(searcher: Searcher) -> None:
    assert _top(searcher, "contracts August 2020") == "Contracts for Aug. 10, 2020"
    seed = "Austin Meets With Ukrainian Minister of Defense at Pentagon"
    assert _top(searcher, "Ukrainian minister December 2023") == seed


def test_a_query_of_stop_words_or_unknown_words_finds_nothing(searcher: Searcher) -> None:
    assert searcher.search("what is the", 5) == []
    assert searcher.search("zyzzyva quux", 5) == []


def test_hit_spans_slice_the_release_text(searcher: Searcher, store: Store) -> None:
    for hit in searcher.search("drawdown Ukraine Austin", 10):
        assert store.release_text(hit.release_id)[hit.start:hit.end] == hit.text


def test_filters_by_date_range_and_source(searcher: Searcher) -> None:
    titles = {h.title for h in searcher.search("drawdown contract Austin", 10, since="2022-05-01")}
    assert titles == {"President Authorizes Another $450 Million Drawdown",
                      "Austin Meets With Ukrainian Minister of Defense at Pentagon"}
    titles = {h.title for h in searcher.search("drawdown contract Austin", 10, until="2022-04-30")}
    assert titles == {"Statement on the Fifth Presidential Drawdown", "Contracts for Aug. 10, 2020"}
    titles = {h.title for h in searcher.search("drawdown contract Austin", 10, source="other.example")}
    assert titles == {"Contracts for Aug. 10, 2020"}


def test_scores_are_ranked_and_k_is_respected(searcher: Searcher) -> None:
    hits = searcher.search("drawdown Ukraine", 2)
    assert len(hits) == 2 and hits[0].score >= hits[1].score


def test_the_index_persists_and_catches_up_on_changes_without_a_build(searcher: Searcher, store: Store,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    searcher.search("drawdown", 1)  # builds and caches the arrays in the index
    builds: list[int] = []
    real_build = index_module.build
    monkeypatch.setattr(index_module, "build", lambda *a, **k: builds.append(1) or real_build(*a, **k))
    fresh = Searcher(Store(store.path))
    assert fresh.search("drawdown", 1) and builds == []
    ingest_drafts(store, [ReleaseDraft(title="New", text="A new drawdown of $5 million.", origin="n", key="n")],
                  IndexSettings())
    assert any(h.title == "New" for h in fresh.search("new drawdown $5 million", 3))
    assert builds == []  # the new chunk was read and merged in, not the whole index again


def _same(a: index_module.BM25Index, b: index_module.BM25Index) -> None:
    """The same postings and documents, and the same scores to the bit for every term alone and for queries of
    many terms (each a slice of the terms, in their order)."""
    assert a.generation == b.generation
    x_arrays, y_arrays = a.arrays(), b.arrays()
    for name in index_module.BM25Index.ARRAYS:
        x, y = x_arrays[name], y_arrays[name]
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes(), name
    terms = b.merged().hashes
    queries = [terms[i:i + 1] for i in range(len(terms))] + [terms[i::7] for i in range(7)]
    for query in queries:
        (x_docs, x_scores), (y_docs, y_scores) = a.top(query, 50), b.top(query, 50)
        assert x_docs.tobytes() == y_docs.tobytes() and x_scores.tobytes() == y_scores.tobytes()
        assert a.idf(query).tobytes() == b.idf(query).tobytes()


def test_catching_up_gives_the_arrays_a_build_gives_to_the_bit(searcher: Searcher, store: Store) -> None:
    before = index_module.build(store)
    drafts = [ReleaseDraft(title=f"New {i}", text=f"Drawdown number {i} of ${i} million for Ukraine. " * (i + 1),
                           origin=f"n{i}", key=f"n{i}") for i in range(5)]
    ingest_drafts(store, drafts[:3], IndexSettings())
    store.remove([store.releases()[-1].id])  # one of the first ones, gone
    ingest_drafts(store, [drafts[0].model_copy(update={"text": "Replaced: a drawdown of $9 million."})] + drafts[3:],
                  IndexSettings())
    caught_up = index_module.update(before, store)
    assert caught_up is not None and caught_up.generation == before.generation + 3
    _same(caught_up, index_module.build(store))


def test_removed_releases_leave_the_results(searcher: Searcher, store: Store) -> None:
    hit = searcher.search("Stryker contract", 1)[0]
    store.remove([hit.release_id])
    assert all(h.release_id != hit.release_id for h in searcher.search("Stryker contract", 5))


def test_an_empty_index_finds_nothing(db_target: Path | str) -> None:
    assert Searcher(Store(db_target)).search("drawdown", 5) == []


def test_catching_up_with_added_releases_works_on_the_new_chunks_only(searcher: Searcher, store: Store,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    caught_up = index_module.build(store)
    n_postings = caught_up.n_postings
    # Only added: the chunks still stored are never listed, and the postings built before are kept as they are.
    monkeypatch.setattr(Store, "chunk_rowids", lambda self: pytest.fail("the stored chunks were listed"))
    for i in range(6):
        ingest_drafts(store, [ReleaseDraft(title=f"Added {i}", text=f"Drawdown {i} of ${i} million for Ukraine "
                                           f"and the harbor{i}. " * (i + 1), origin=f"a{i}", key=f"a{i}")],
                      IndexSettings())
        before = caught_up
        caught_up = index_module.update(before, store)
        assert caught_up is not None and caught_up.segments[0] is before.segments[0]
        assert len(caught_up.segments) > 1 and caught_up.n_postings > n_postings
        _same(caught_up, index_module.build(store))


def test_figures_through_the_month_asked_rank_above_a_release_dated_in_it(store: Store) -> None:
    """"thru july 2011" ends a period: the August release reporting "through July" answers, not the July release
    reporting through June."""
    drafts = [("https://s/july", "Military recruiting remains strong", "2011-07-25",
               "WASHINGTON, July 25, 2011 - The Marine Corps Reserve reached 107 percent of its goal in July 2011, "
               "with figures through June."),
              ("https://s/august", "Components on target for recruiting", "2011-08-31",
               "Through July, the Marine Corps Reserve reached 105 percent of its goal.")]
    ingest_drafts(store, [ReleaseDraft(title=t, date=d, source=s, text=x, origin=s, key=s) for s, t, d, x in drafts],
                  IndexSettings())
    searcher = Searcher(store)
    august = "Components on target for recruiting"
    assert _top(searcher, "marine corps reserve percent of goal thru july 2011") == august
    assert _top(searcher, "marine corps reserve percent of goal in july 2011") == "Military recruiting remains strong"


def test_every_chunk_of_a_release_reporting_through_the_month_asked_ranks_so(store: Store) -> None:
    """The month is said once, in the release's first chunk; the figure asked for stands in a later one, which ranks
    as its release does, above a release dated in the month."""
    lines = "\n".join(f"— The Unit {i} Reserve had {i},000 accessions, for 9{i} percent;" for i in range(40))
    drafts = [("https://s/july", "Military recruiting remains strong", "2011-07-25",
               "WASHINGTON, July 25, 2011 - The Marine Corps Reserve reached 107 percent of its goal in July 2011, "
               "with figures through June."),
              ("https://s/august", "Components on target for recruiting", "2011-08-31",
               f"Through July, the components met their goals. Here is the breakdown:\n{lines}\n"
               "— The Marine Corps Reserve had 8,736 accessions, with a goal of 8,313, for 105 percent.")]
    ingest_drafts(store, [ReleaseDraft(title=t, date=d, source=s, text=x, origin=s, key=s) for s, t, d, x in drafts],
                  IndexSettings())
    hits = Searcher(store).search("marine corps reserve percent of goal thru july 2011", 3)
    assert "105 percent" in hits[0].text and "Through July" not in hits[0].text
