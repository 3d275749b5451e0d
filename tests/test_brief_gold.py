"""Every gold briefing (the corpus's briefs-dev and evals/briefs/*.jsonl) as `qa brief` writes it: every bullet
under the release it comes from, no "Figures that changed" pair of different scopes; and `qa eval` scores
briefings as a dataset kind."""

from pathlib import Path

import pytest

from qa.brief.briefing import Briefer
from qa.evals import briefings, evaluation
from qa.index.store import Store
from qa.ingest.pipeline import ingest_paths
from qa.llm.client import no_model_client
from qa.settings import IndexSettings, Settings

ROOT = Path(__file__).resolve().parent.parent


def _golds(corpus: Path) -> list[briefings.BriefGold]:
    files = [corpus / "briefs-dev.jsonl", *sorted((ROOT / "evals" / "briefs").glob("*.jsonl"))]
    return [g for f in files for g in briefings.load(f)]


def test_every_bullet_sits_under_its_release_and_no_change_mixes_scopes(corpus: Path, store: Store) -> None:
    ingest_paths(store, [corpus / "dod-releases", ROOT / "evals" / "data" / "releases"], IndexSettings())
    briefer = Briefer(store, Settings(db=store.path), lambda: no_model_client())
    golds = _golds(corpus)
    assert len(golds) >= 28
    briefed = 0
    for gold in golds:
        b = briefer.brief(query=gold.query, since=gold.since, until=gold.until)
        if not b.releases:  # nothing found about it (the eval's wanted-in counts that): no structure to check
            continue
        briefed += 1
        assert b.sections and all(s.release_id and s.release_id == s.release_ids[0] for s in b.sections), gold.id
        assert briefings.misplaced(b) == [], gold.id
        for s in b.sections:  # every bullet under a section that holds its release
            assert {x.citation.release_id for x in s.bullets} <= set(s.release_ids), gold.id
        assert briefings.mixed_scopes(b) == [], gold.id
        held = [rid for s in b.sections for rid in s.release_ids]
        assert len(held) == len(set(held)), gold.id  # each release in one section
        numbers = {}
        for s in b.sections:
            for bullet in s.bullets:
                numbers.setdefault(bullet.citation.release_id, set()).add(bullet.citation.n)
        assert all(len(n) == 1 for n in numbers.values()), gold.id  # one source number per release
    assert briefed >= len(golds) - 2


@pytest.mark.usefixtures("corpus")  # the gold briefings cite the shared corpus's releases
def test_every_gold_fact_stands_in_a_release_the_briefing_must_cite() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(ROOT / "evals" / "briefs" / "check.py")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    assert done.stdout.strip().endswith("0 problems")


def test_a_misplaced_bullet_and_a_mixed_pair_are_counted() -> None:
    from qa.schemas import Briefing, Bullet, Citation, FigureChange, KeyFact, Section

    cite = Citation(n=1, chunk_id="r2:0", release_id="r2", title="t", date="2024-01-01", source="s", start=0, end=1,
                    quote="x")
    b = Briefing(sections=[Section(topic="one", release_id="r1", bullets=[Bullet(text="x", citation=cite)])],
                 changes=[FigureChange(measure="security assistance",
                                       before=KeyFact(value="$8.8 billion", kind="money", quote="q",
                                                      measure="security assistance", scope="since 2014"),
                                       after=KeyFact(value="$44.2 billion", kind="money", quote="q",
                                                     measure="security assistance", scope="since the invasion"),
                                       before_citation=cite, after_citation=cite)])
    assert briefings.misplaced(b) == ["x"]
    grouped = b.model_copy(update={"sections": [b.sections[0].model_copy(update={"release_ids": ["r1", "r2"]})]})
    assert briefings.misplaced(grouped) == []  # r2's bullet under the section of one event that holds r2
    assert briefings.mixed_scopes(b) == ["$8.8 billion (since 2014) -> $44.2 billion (since the invasion)"]


def test_qa_eval_scores_briefings_and_names_a_wrong_threshold(corpus: Path, tmp_path: Path) -> None:
    config = evaluation.load_config(ROOT / "evals" / "config.toml")
    names = [b.name for b in config.briefings]
    assert {"briefs-dev", "briefs-train", "briefs-validation"} <= set(names)
    dev = next(b for b in config.briefings if b.name == "briefs-dev")
    report = briefings.run(dev, Settings(db=tmp_path / "unused.db"))
    assert report.score.facts_present is not None and report.score.misplaced_bullets == 0
    assert len(report.briefings) == 4 and report.failures == []
    bad = tmp_path / "config.toml"
    bad.write_text('[[dataset]]\nname = "x"\nquestions = "q.jsonl"\ncorpus = []\n'
                   '[[briefings]]\nname = "b"\nbriefs = "b.jsonl"\ncorpus = []\n'
                   '[briefings.thresholds]\nfacts_presnt = 0.9\n')
    with pytest.raises(evaluation.EvalError, match="facts_presnt"):
        evaluation.load_config(bad)


def test_briefing_evals_score_the_same_on_postgresql(corpus: Path, tmp_path: Path, pg_dsn: str) -> None:
    dev = next(b for b in evaluation.load_config(ROOT / "evals" / "config.toml").briefings if b.name == "briefs-dev")
    on_file = briefings.run(dev, Settings(db=tmp_path / "unused.db"))
    on_server = briefings.run(dev, Settings(db=tmp_path / "unused.db"), index_at=pg_dsn)
    assert on_server.failures == [] and on_server.model_dump() == on_file.model_dump()
