"""The Evals view's charts (issue 19): scores by kind and right/wrong by support level, drawn by the page as
inline SVG, with SQuAD's exact match and F1 beside them; an older report without those numbers draws none.

The reports are written into a folder of the test's own (the service reads AnswerSettings.reports): a new one
scored by qa.evals.scoring.summarize itself, so its fields are the ones `qa eval` writes, and the committed
seed report, recorded before these measures. The same browser and guards as tests/test_web_browser.py."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from qa.evals.evaluation import EvalReport
from qa.evals.scoring import SQUAD, QuestionScore, RunScore, summarize
from qa.index.store import Store
from qa.service import create_app
from qa.settings import AnswerSettings, Settings
from tests import browser
from tests.browser import chromium_fixture, page_fixture  # noqa: F401 - the module's Chromium and page
from tests.test_service_net import serving

WHY = browser.missing()
pytestmark = [pytest.mark.skipif(WHY is not None and os.environ.get("QA_REQUIRE_BROWSER") != "1", reason=str(WHY)),
              pytest.mark.usefixtures("loopback")]

OLD = Path(__file__).resolve().parent.parent / "evals" / "reports" / "seed.json"


def _question(n: int, kind: str, *, answered: bool = True, support: str = "full", right: bool = True,
              f1: float | None = None) -> QuestionScore:
    """One scored question, consistent as score_question would make it: an unanswerable one is right declined."""
    answerable = kind != "unanswerable"
    right = right if answerable else not answered
    return QuestionScore(
        id=f"q{n}", kind=kind, question=f"Question {n}?", answer="an answer" if answered else "The releases don't say.",
        mode="extractive", answered=answered, facts=["fact"] if answerable else [],
        missing=[] if right or not answerable else ["fact"], all_facts=right,
        fact_share=1.0 if right else 0.0, declined=not answered, hallucinated=not answerable and answered,
        citations_in_gold=None, grounded=1.0, prompt_tokens=0, completion_tokens=0, latency_s=0.1,
        support=support if answered else "none",
        answered_wrong=answerable and answered and support == "full" and not right,
        partial=answerable and answered and support == "partial",
        exact=None if f1 is None else float(f1 == 1.0), f1=f1)


def _new_report() -> EvalReport:
    questions = [
        _question(1, "lookup"), _question(2, "lookup"), _question(3, "lookup", right=False),
        _question(4, "numeric", support="partial"), _question(5, "numeric", answered=False, right=False),
        _question(6, "unanswerable", answered=False), _question(7, "unanswerable", support="partial"),
        _question(8, SQUAD, f1=1.0), _question(9, SQUAD, right=False, f1=0.5),
    ]
    return EvalReport(dataset="charts", model="none", prompt="answer@5", replayed=True, score=summarize(questions),
                      thresholds={}, failures=[], questions=questions)



@pytest.fixture()
def reports(tmp_path: Path) -> tuple[Path, RunScore]:
    folder = tmp_path / "reports"
    folder.mkdir()
    report = _new_report()
    (folder / "charts.json").write_text(report.model_dump_json(), encoding="utf-8")
    # A report recorded before the calibration and by-kind counts existed: the same report without them.
    old = json.loads(OLD.read_text(encoding="utf-8"))
    for key in ("calibration", "in_evidence", "exact", "f1"):
        old["score"].pop(key, None)
    for kind in old["score"]["by_kind"]:
        kind.pop("wrong", None)
        kind.pop("declined", None)
    (folder / "old.json").write_text(json.dumps(old), encoding="utf-8")
    return folder, report.score


def _app(tmp_path: Path, folder: Path) -> Any:
    db = tmp_path / "empty.db"
    Store(db)
    return create_app(Settings(db=db, answer=AnswerSettings(mode="extractive", reports=folder)))


def test_a_report_draws_its_scores_by_kind_and_by_support_level(page: Any, tmp_path: Path,
                                                                reports: tuple[Path, RunScore]) -> None:
    folder, score = reports
    with serving(_app(tmp_path, folder)) as base:
        watch = browser.Watch(page, base)
        page.goto(base + "/#/evals/charts")
        by_kind = page.get_by_role("img", name="Scores by kind")
        by_kind.wait_for()
        # One group of three bars a kind, each named and its values written beside the bars.
        groups = by_kind.locator("g.kind")
        assert [k.kind for k in score.by_kind] == ["lookup", "numeric", SQUAD, "unanswerable"]
        assert groups.count() == len(score.by_kind)
        for group, kind in zip(groups.all(), score.by_kind):
            assert group.get_attribute("data-kind") == kind.kind
            assert group.locator("rect").count() == 3
            assert group.locator("text").all_text_contents() == [
                kind.kind, f"{100 * kind.all_facts:.1f}%", f"{kind.wrong} of {kind.questions}",
                f"{kind.declined} of {kind.questions}"]
        lookup = groups.first
        assert lookup.locator("text").all_text_contents()[1:] == ["66.7%", "1 of 3", "0 of 3"]
        # Bar lengths follow the shares, on a 300-unit axis: two thirds, one third, none.
        full, wrong, declined = (float(r.get_attribute("width")) for r in lookup.locator("rect").all())
        assert full == pytest.approx(200) and wrong == pytest.approx(100) and declined == 0
        assert by_kind.locator("title").text_content() == "Scores by kind"
        label = by_kind.get_attribute("aria-label")
        assert "lookup: 3 questions, all facts 66.7%, 1 wrong, 0 declined" in label
        # The stacked bars: right then wrong a support level, with the counts and the precision as text.
        support = page.get_by_role("img", name="Right and wrong by support level")
        levels = support.locator("g.level")
        assert [g.get_attribute("data-support") for g in levels.all()] == ["full", "partial", "none"]
        assert [c.model_dump() for c in score.calibration] == [
            {"support": "full", "answers": 5, "right": 3, "precision": 0.6},
            {"support": "partial", "answers": 2, "right": 1, "precision": 0.5},
            {"support": "none", "answers": 2, "right": 1, "precision": 0.5}]
        assert [g.locator("text.value").text_content() for g in levels.all()] == [
            "3 right, 2 wrong · precision 60.0%", "1 right, 1 wrong · precision 50.0%",
            "1 right, 1 wrong · precision 50.0%"]
        right_bar, wrong_bar = levels.first.locator("rect").all()
        assert float(right_bar.get_attribute("width")) == pytest.approx(3 / 2 * float(wrong_bar.get_attribute("width")))
        assert float(wrong_bar.get_attribute("x")) == pytest.approx(
            float(right_bar.get_attribute("x")) + float(right_bar.get_attribute("width")))  # stacked
        # SQuAD's two numbers beside them, and the same figures as text in the tables.
        assert page.locator(".squad dt").all_text_contents() == ["Exact match", "F1"]
        assert page.locator(".squad dd").all_text_contents() == ["50.0%", "75.0%"]
        kinds = page.locator("table", has=page.locator("caption", has_text="By kind of question"))
        assert kinds.locator("tbody tr").first.locator("td").all_text_contents() == [
            "lookup", "3", "66.7%", "66.7%", "1", "0"]
        calibration = page.locator("table", has=page.locator("caption", has_text="By support level"))
        assert calibration.locator("tbody tr").first.locator("td").all_text_contents() == [
            "Full", "5", "3", "2", "60.0%"]
        assert browser.violations(page) == []
        # On a phone the charts shrink with their box rather than scroll the page sideways.
        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert browser.violations(page) == []
        watch.check()


def test_an_older_report_without_those_numbers_draws_no_chart(page: Any, tmp_path: Path,
                                                              reports: tuple[Path, RunScore]) -> None:
    folder, _ = reports
    old = json.loads((folder / "old.json").read_text())["score"]
    assert "calibration" not in old and "wrong" not in old["by_kind"][0] and "f1" not in old  # still an old one
    with serving(_app(tmp_path, folder)) as base:
        watch = browser.Watch(page, base)
        page.goto(base + "/#/evals/old")
        page.locator("caption", has_text="Every question").wait_for()
        assert page.locator("#evals-body svg, .charts, .squad").count() == 0
        assert page.locator("caption", has_text="By support level").count() == 0
        kinds = page.locator("table", has=page.locator("caption", has_text="By kind of question"))
        assert kinds.locator("thead th").all_text_contents() == ["Kind", "Questions", "All facts", "Fact share"]
        assert kinds.locator("tbody tr").count() == len(old["by_kind"])
        assert page.locator("#evals-body .error").count() == 0
        assert browser.violations(page) == []
        watch.check()
