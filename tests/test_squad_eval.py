"""A SQuAD-format dataset runs as a `qa eval` dataset: paragraphs become releases, answers are scored by exact
match and F1 as SQuAD's own script scores them, unanswerable questions count as declines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.evals import evaluation, squad
from qa.settings import Settings

PARAGRAPHS = [
    ("Ukraine", "Secretary of Defense Lloyd J. Austin III hosted Ukrainian Minister of Defense Rustem Umerov at the "
     "Pentagon on Dec. 6, 2023. Austin announced the 52nd drawdown of U.S. equipment for Ukraine, worth $175 million."),
    ("Recruiting", "The Army National Guard recorded 43,519 accessions in fiscal year 2014. The Navy met its goal "
     "of 35,000 new sailors."),
]
QUESTIONS = [
    (0, "How much was the 52nd drawdown worth?", ["$175 million", "175 million"]),
    (0, "Who hosted Rustem Umerov at the Pentagon?", ["Lloyd J. Austin III", "Austin"]),
    (1, "How many accessions did the Army National Guard record in fiscal year 2014?", ["43,519"]),
    (1, "How many submarines did the Navy commission in fiscal year 2014?", []),
]


def _squad_file(path: Path) -> Path:
    data = {"version": "v2.0", "data": [{"title": title, "paragraphs": [{"context": context, "qas": [
        {"id": f"q{n}", "question": q, "is_impossible": not answers,
         "answers": [{"text": a, "answer_start": context.find(a)} for a in answers]}
        for n, (p, q, answers) in enumerate(QUESTIONS) if p == i]}]}
        for i, (title, context) in enumerate(PARAGRAPHS)]}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_official_normalisation_and_scores() -> None:
    assert squad.normalize("The  $175 Million!") == "175 million"
    assert squad.exact("the Pentagon", "Pentagon") == 1.0
    assert squad.f1("Lloyd Austin", "Lloyd J. Austin III") == pytest.approx(2 * (2 / 2) * (2 / 4) / (1 + 0.5))
    assert squad.best("f1", "Austin", ["Lloyd J. Austin III", "Austin"]) == 1.0


def test_paragraphs_become_releases_and_impossible_questions_unanswerable(tmp_path: Path) -> None:
    questions = squad.load(_squad_file(tmp_path / "sq.json"), tmp_path / "releases")
    assert len(list((tmp_path / "releases").glob("*.txt"))) == 2
    assert [q.kind for q in questions] == ["squad", "squad", "squad", "unanswerable"]
    with pytest.raises(squad.SquadError, match="sq2.json"):
        (tmp_path / "sq2.json").write_text("[]", encoding="utf-8")
        squad.load(tmp_path / "sq2.json", tmp_path / "r2")


def test_a_squad_dataset_is_scored_by_exact_match_and_f1(tmp_path: Path) -> None:
    dataset = evaluation.Dataset(name="squad", questions=_squad_file(tmp_path / "sq.json"), corpus=[],
                                 model=False, format="squad")
    report = evaluation.run(dataset, Settings(), record=False, base_url="http://127.0.0.1:9/v1")
    by_id = {q.id: q for q in report.questions}
    assert by_id["q0"].exact == 1.0
    # "43,519 accessions" against "43,519": the count keeps its noun, and SQuAD's F1 counts the extra word.
    assert by_id["q2"].answer == "43,519 accessions" and by_id["q2"].f1 == pytest.approx(2 / 3)
    assert by_id["q3"].exact is None and by_id["q3"].kind == "unanswerable"
    assert report.score.exact is not None and report.score.f1 is not None
    assert report.score.f1 >= report.score.exact
    assert "exact match" in evaluation.markdown(report)


def test_a_squad_dataset_scores_the_same_on_postgresql(tmp_path: Path, pg_dsn: str) -> None:
    """`qa eval --index-db`: the paragraphs folder made from the SQuAD file is the corpus of the scratch schema."""
    dataset = evaluation.Dataset(name="squad", questions=_squad_file(tmp_path / "sq.json"), corpus=[],
                                 model=False, format="squad")
    on_file = evaluation.run(dataset, Settings(), record=False, base_url="http://127.0.0.1:9/v1")
    on_server = evaluation.run(dataset, Settings(), record=False, base_url="http://127.0.0.1:9/v1", index_at=pg_dsn)
    assert [(q.id, q.answer, q.exact, q.f1) for q in on_server.questions] == \
        [(q.id, q.answer, q.exact, q.f1) for q in on_file.questions]
