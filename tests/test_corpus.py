"""The whole shared corpus: every release goes in whole, and search finds the gold facts."""

from pathlib import Path

from qa.evals.evaluation import load_dataset as load_questions
from qa.evals.retrieval import recall
from qa.index.search import Searcher
from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.settings import IndexSettings


def test_corpus_ingests_whole_and_meets_the_recall_goals(corpus: Path, store: Store) -> None:
    report = ingest_paths(store, [corpus / "dod-releases"], IndexSettings())
    assert report.errors == [] and len(report.added) == 21
    for rid, start, end, n_tokens in store.db.execute(
        "SELECT r.id, c.char_start, c.char_end, c.n_tokens FROM chunks c JOIN releases r ON r.rowid = c.release"
    ):
        assert 0 <= start < end <= len(store.release_text(rid))
        assert n_tokens <= IndexSettings().max_tokens
    result = recall(Searcher(store), load_questions(corpus / "gold-dev.jsonl"))
    assert result.questions == 68  # 74 questions, 6 of them unanswerable
    assert result.at(5) == 1.0, result.misses[5]
    assert result.at(1) >= 0.92, result.misses[1]


def test_fact_matching_is_whole_word() -> None:
    from qa.evals.retrieval import fact_in

    assert fact_in("18", "and 18 boats") and not fact_in("18", "and 180 boats")
    assert fact_in("Two", "two NASAMS") and fact_in("$450 million", "up to $450 million.")
