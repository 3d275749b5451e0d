"""A sentence shown whole, where no value was lifted, is declined when the model fitted on the train split finds it
likelier about something near than the answer (qa.answer.sentence_support)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.answer import Answerer, confidence, sentence_support
from qa.answer.candidates import Evidence
from qa.answer.question import analyse
from qa.text import analyze, sentences
from tests.conftest import extractive_answerer

RELEASE = """Title: Secretary Hagel Meets Malaysian Counterpart
Date: 2013-06-02
Source: https://www.defense.gov/News/News-Stories/Article/Article/4/

Defense Secretary Chuck Hagel met with Malaysian Defense Minister Hishammuddin Hussein in Singapore today.

The two leaders discussed regional stability, cyber issues and transnational threats.
"""


def _evidence(text: str, score: float = 1.0, release: str = "r1") -> Evidence:
    spans = sentences.spans(text)
    return Evidence(release_id=release, title="", date="", source="", release_text=text, spans=spans[:1],
                    chunk_ids=[], score=score)


def test_a_sentence_without_the_subject_reads_as_unsaid_and_one_with_it_does_not() -> None:
    text = "What did Hagel and the Malaysian minister discuss?"
    q = analyse(text, {t: 2.0 for t in analyze.terms(text)})
    near = _evidence("The two leaders met in Singapore.", score=2.0)
    said = _evidence("Hagel and the Malaysian minister discussed cyber issues.", score=2.0)
    far = sentence_support.features(q, near, [near])
    close = sentence_support.features(q, said, [said])
    assert far.unsaid > close.unsaid
    assert close.acts_held == 1.0 and far.acts_held == 0.0  # "discussed" said in some form, or not
    assert far.other == 1.0 and far.acts == 1.0 and 0 < far.words <= 1


def test_the_margin_is_how_far_the_sentence_stands_above_the_next() -> None:
    q = analyse("what did hagel discuss", {})
    best, next_one = _evidence("Hagel discussed cyber issues.", 4.0), _evidence("Hagel met Hishammuddin.", 1.0, "r2")
    assert sentence_support.features(q, best, [best, next_one]).margin == pytest.approx(0.75)
    assert sentence_support.features(q, best, [best]).margin == 1.0


@pytest.fixture()
def fitted_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A sentence model file of the test's own (written by each test), in place of the committed one."""
    path = tmp_path / "sentence_support.json"
    monkeypatch.setattr(sentence_support, "WEIGHTS", path)
    sentence_support.model.cache_clear()
    yield path
    sentence_support.model.cache_clear()


def _write(path: Path, weights: dict[str, float], threshold: float) -> None:
    path.write_text(json.dumps({"weights": {n: weights.get(n, 0.0) for n in sentence_support.NAMES},
                                "threshold": threshold}), encoding="utf-8")
    sentence_support.model.cache_clear()


def test_no_fitted_model_declines_nothing(fitted_model: Path) -> None:
    f = sentence_support.SentenceFeatures(unsaid=1.0, unsaid_acts=1.0, acts_held=0.0, typed=0.0, margin=0.0,
                                          words=1.0, other=1.0, keys=1.0, acts=1.0)
    assert sentence_support.model() is None and not sentence_support.declines(f)


def test_the_fitted_model_declines_at_its_threshold(fitted_model: Path) -> None:
    _write(fitted_model, {"bias": -2.0, "unsaid": 4.0}, 0.5)
    base = dict(unsaid_acts=0.0, acts_held=1.0, typed=0.0, margin=0.5, words=0.2, other=1.0, keys=0.5, acts=1.0)
    assert sentence_support.declines(sentence_support.SentenceFeatures(unsaid=0.9, **base))
    assert not sentence_support.declines(sentence_support.SentenceFeatures(unsaid=0.1, **base))


def _answerer(tmp_path: Path, on: bool) -> Answerer:
    (tmp_path / "hagel.txt").write_text(RELEASE, encoding="utf-8")
    answerer = extractive_answerer(tmp_path, [tmp_path / "hagel.txt"])
    answerer.settings.answer.decline_sentences = on
    return answerer


def test_a_sentence_the_model_doubts_is_declined_and_shown_with_the_model_off(tmp_path: Path,
                                                                             fitted_model: Path) -> None:
    _write(fitted_model, {"bias": 10.0}, 0.5)  # a model that declines every sentence shown whole
    question = "what did hagel and hishammuddin talk about"
    shown = _answerer(tmp_path, on=False).ask(question)
    assert shown.answered and shown.support == "partial" and shown.answer in RELEASE  # the closest sentence, whole
    (tmp_path / "on").mkdir()
    declined = _answerer(tmp_path / "on", on=True).ask(question)
    assert not declined.answered and declined.support == "none"
    assert declined.reason


def test_a_sentence_the_model_trusts_is_shown(tmp_path: Path, fitted_model: Path) -> None:
    _write(fitted_model, {"bias": -10.0}, 0.5)  # a model that declines nothing
    shown = _answerer(tmp_path, on=True).ask("what did hagel and hishammuddin talk about")
    assert shown.answered and shown.support == "partial" and shown.answer in RELEASE


def test_a_weighed_fit_leans_to_the_rows_worth_more() -> None:
    f = sentence_support.SentenceFeatures(unsaid=0.5, unsaid_acts=0.5, acts_held=0.5, typed=0.0, margin=0.5,
                                          words=0.5, other=1.0, keys=0.5, acts=1.0)
    rows = [(f, True), (f, False)]  # the same sentence, once worth declining, once not
    heavy_decline = confidence.fit(rows, weights=[3.0, 1.0])
    heavy_show = confidence.fit(rows, weights=[1.0, 3.0])
    assert confidence.probability(f, heavy_decline) > 0.5 > confidence.probability(f, heavy_show)


def test_the_committed_sentence_model_was_fitted_on_train_data_only() -> None:
    fitted = json.loads(sentence_support.WEIGHTS.read_text(encoding="utf-8"))
    assert fitted["fitted_on"] and not any("validation" in name for name in fitted["fitted_on"])
    assert set(fitted["weights"]) == set(sentence_support.NAMES) and 0 < fitted["threshold"] <= 1.01
