"""Scoring of the eval harness: fact matching rule by rule, near misses, and question and run scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.evals.evaluation import load_dataset as load_questions
from qa.evals.retrieval import GoldQuestion
from qa.evals.scoring import QuestionScore, fact_found, percentile, score_question, summarize
from qa.ingest.load import read_file
from qa.llm.client import Usage
from qa.schemas import Answer, Citation


@pytest.mark.parametrize(("fact", "answer"), [
    # case, whitespace and punctuation
    ("China", "It was CHINA."),
    ("Ramstein Air Base", "at ramstein   air\nbase, Germany"),
    ("Sierra Nevada Corp.", "Sierra Nevada Corp won"),
    ("Sept. 19", "on Sept 19"),
    ("Kyiv", "Kyiv's forces"),
    ("border", "pre-2014 borders"),
    # number words and digits
    ("four", "4 HIMARS"),
    ("4", "four HIMARS"),
    ("Two", "2 radars"),
    ("twenty-two", "22 boats"),
    # ordinals
    ("52nd", "the fifty-second drawdown"),
    ("fifty-second", "the 52nd drawdown"),
    ("13th", "the thirteenth drawdown"),
    ("fourteenth", "its 14th package"),
    ("fifth", "the 5th Presidential Drawdown"),
    # money
    ("$175 million", "$175M"),
    ("$175 million", "175 million dollars"),
    ("$175 million", "$175,000,000"),
    ("$175M", "$175 million"),
    ("$43.7 billion", "about $43.7B in aid"),
    ("$428,229,970", "$428229970"),
    # thousands separators and scale words
    ("150,000", "150000 rounds"),
    ("150000", "150,000 rounds"),
    ("3.5 million", "3,500,000 people"),
    ("150,000", "150 thousand rounds"),
    # multi-word facts, in order
    ("Under Secretary of Defense for Policy", "She was Under Secretary of Defense for Policy then."),
    ("four of the six", "4 of 6 services met their goals"),
    ("four of the six", "four of six services"),
    ("W56HZV-20-D-0075", "contract W56HZV-20-D-0075 was"),
    ("131.6 percent", "they reached 131.6% of the goal"),
    ("131.6 percent", "131.6 pct"),
    ("pre-2014 borders", "pre 2014 borders"),
    ("two-and-a-half years", "two and a half years ago"),
    ("Secretary of the Army", "as Secretary of Army"),
    # dates: a day written as an ordinal after a month
    ("Sept. 19", "September 19th"),
    ("Jan. 14", "January 14"),
    ("March 31, 2022", "31 March 2022"),
    ("Sept. 19", "19th September"),
    # a fact with no terms (articles only) falls back to a literal whole-word match
    ("the", "the end"),
])
def test_equivalent_forms_are_found(fact: str, answer: str) -> None:
    assert fact_found(fact, answer)


@pytest.mark.parametrize(("fact", "answer"), [
    ("18", "180 boats"),
    ("18", "the 18th package"),
    ("18", "$18 million"),  # a dollar amount is not a count
    ("$175 million", "$175 billion"),
    ("$43 billion", "$43.7 billion"),
    ("43", "43.7 percent"),
    ("52nd", "53rd"),
    ("fifth", "fifty"),
    ("fifth", "5"),  # an ordinal is not a cardinal
    ("Two", "twelve"),
    ("1,200", "12,000"),
    ("200", "1,200"),
    ("3.5 million", "3.5 billion"),
    # Different words, not inflections: whole words after stemming, so "Kyivan" is not "Kyiv".
    ("Kyiv", "Kyivan officials"),
    ("Iran", "Iranian drones"),
    # Stop words inside a fact are kept (articles aside): "four to six" is another claim.
    ("four of the six", "4 6"),
    ("four of the six", "four to six"),
    ("four of the six", "between four and six"),
    ("four of the six", "six of the four"),  # order matters
    ("Under Secretary of Defense for Policy", "Secretary of Defense"),
    ("the", "then"),
    ("", "anything"),
    ("   ", "anything"),
])
def test_near_misses_are_not_found(fact: str, answer: str) -> None:
    assert not fact_found(fact, answer)


def test_every_gold_fact_is_found_in_its_own_release(corpus: Path) -> None:
    """The matcher is not too strict: each gold fact occurs literally in its release, so it must be found there."""
    bodies: dict[str, str] = {}
    questions = [q for q in load_questions(corpus / "gold-dev.jsonl") if q.gold_facts]
    assert questions
    missed = []
    for q in questions:
        names = [q.release] if isinstance(q.release, str) else list(q.release or [])
        for name in names:
            if name not in bodies:
                drafts, _ = read_file(corpus / "dod-releases" / name)
                bodies[name] = "\n".join(d.text for d in drafts)
        text = "\n".join(bodies[n] for n in names)
        missed += [(q.id, f) for f in q.gold_facts if not fact_found(f, text)]
    assert missed == []


# --- Question scores -------------------------------------------------------------------------------------------------

def _citation(release_id: str, quote: str, n: int = 1) -> Citation:
    return Citation(n=n, chunk_id=f"{release_id}:0", release_id=release_id, title="T", date="2023-12-06",
                    source="https://example.mil", start=0, end=len(quote), quote=quote)


def _answer(text: str, *citations: Citation, answered: bool = True, tokens: tuple[int, int] = (100, 10),
            support: str = "full", mode: str | None = None) -> Answer:
    return Answer(question="q", answered=answered, answer=text, mode=mode or ("model" if answered else "declined"),
                  support=support if answered else "none", verified=answered, evidence=list(citations),
                  usage=[Usage(model="m", prompt_tokens=tokens[0], completion_tokens=tokens[1], latency_s=0.5,
                               attempts=1)])


HIMARS = GoldQuestion(id="r002_q2", question="How many HIMARS?", gold_facts=["four"], kind="numeric",
                      release="002.txt")
TWO = GoldQuestion(id="m05", question="Which amounts?", gold_facts=["$800 million", "$450 million"],
                   kind="multi_release", release=["001.txt", "002.txt"])
NONE = GoldQuestion(id="u01", question="What did Austin eat?", gold_facts=[], kind="unanswerable")
QUOTE = "The package includes four High Mobility Artillery Rocket Systems."


def test_answerable_hit() -> None:
    s = score_question(HIMARS, _answer("4 HIMARS", _citation("r2", QUOTE)), {"r2"}, latency_s=1.25)
    assert (s.all_facts, s.fact_share, s.missing) == (True, 1.0, [])
    assert (s.declined, s.hallucinated, s.citations_in_gold) == (False, False, True)
    assert s.grounded == 1.0
    assert (s.prompt_tokens, s.completion_tokens, s.latency_s, s.mode) == (100, 10, 1.25, "model")


def test_partial_miss_and_ungrounded_figure() -> None:
    cites = (_citation("r1", "a $800 million drawdown"), _citation("r2", "a $450 million drawdown", 2))
    s = score_question(TWO, _answer("$800 million and $460 million", *cites), {"r1", "r2"}, 2.0)
    assert (s.all_facts, s.fact_share, s.missing) == (False, 0.5, ["$450 million"])
    assert s.grounded == 0.5  # $460 million stands in no citation
    assert s.citations_in_gold is True


def test_citation_outside_gold() -> None:
    cites = (_citation("r2", QUOTE), _citation("r9", "four tanks", 2))
    assert score_question(HIMARS, _answer("four", *cites), {"r2"}, 1.0).citations_in_gold is False


def test_citations_not_judged_without_gold_release_or_citation() -> None:
    assert score_question(HIMARS, _answer("four", _citation("r2", QUOTE)), set(), 1.0).citations_in_gold is None
    assert score_question(HIMARS, _answer("four"), {"r2"}, 1.0).citations_in_gold is None


def test_declined_answerable_finds_nothing_even_if_it_repeats_the_fact() -> None:
    s = score_question(HIMARS, _answer("No release says whether four were sent.", answered=False), {"r2"}, 1.0)
    assert (s.all_facts, s.fact_share, s.missing, s.declined, s.hallucinated) == (False, 0.0, ["four"], True, False)
    assert s.grounded == 1.0


def test_declined_unanswerable() -> None:
    s = score_question(NONE, _answer("The releases do not cover this.", answered=False), set(), 1.0)
    assert (s.all_facts, s.fact_share, s.declined, s.hallucinated) == (True, 1.0, True, False)
    assert (s.citations_in_gold, s.grounded) == (None, 1.0)


def test_hallucinated_unanswerable() -> None:
    s = score_question(NONE, _answer("He ate 3 apples.", _citation("r2", QUOTE)), set(), 1.0)
    assert (s.all_facts, s.fact_share, s.declined, s.hallucinated) == (False, 0.0, False, True)
    assert s.citations_in_gold is None
    assert s.grounded == 0.0


# --- Run scores ------------------------------------------------------------------------------------------------------

def _run() -> list[QuestionScore]:
    quote = _citation("r2", QUOTE)
    cites = (_citation("r1", "a $800 million drawdown"), _citation("r2", "a $450 million drawdown", 2))
    return [
        score_question(HIMARS, _answer("four", quote, tokens=(1000, 100)), {"r2"}, 1.0),
        score_question(HIMARS, _answer("four", _citation("r9", QUOTE), tokens=(1000, 100)), {"r2"}, 2.0),
        score_question(TWO, _answer("$800 million", *cites, tokens=(2000, 200)), {"r1", "r2"}, 3.0),
        score_question(NONE, _answer("Not covered.", answered=False, tokens=(0, 0)), set(), 4.0),
        score_question(NONE, _answer("He ate 3 apples.", quote, tokens=(500, 50)), set(), 10.0),
    ]


def test_summarize_totals() -> None:
    run = summarize(_run())
    assert run.questions == 5
    assert run.answerable_all_facts == pytest.approx(2 / 3)
    assert run.fact_share == pytest.approx((1 + 1 + 0.5) / 3)
    assert run.unanswerable_declined == 0.5
    assert run.hallucinations == 1
    assert run.citation_accuracy == pytest.approx(2 / 3)  # the second HIMARS answer cites r9
    assert run.grounding_rate == pytest.approx((1 + 1 + 1 + 1 + 0) / 5)
    assert (run.prompt_tokens, run.completion_tokens) == (4500, 450)
    assert run.latency_p50_s == 3.0
    assert run.latency_p95_s == pytest.approx(4.0 + 0.8 * 6.0)  # between the 4th and 5th of five, 80% of the way
    assert run.cost_usd is None


def test_summarize_by_kind() -> None:
    by_kind = {k.kind: k for k in summarize(_run()).by_kind}
    assert list(by_kind) == ["multi_release", "numeric", "unanswerable"]
    assert (by_kind["numeric"].questions, by_kind["numeric"].all_facts, by_kind["numeric"].fact_share) == (2, 1.0, 1.0)
    assert (by_kind["multi_release"].all_facts, by_kind["multi_release"].fact_share) == (0.0, 0.5)
    assert (by_kind["unanswerable"].questions, by_kind["unanswerable"].all_facts) == (2, 0.5)


def test_summarize_cost_with_prices() -> None:
    # $2 per million prompt tokens, $10 per million completion tokens.
    assert summarize(_run(), (2.0, 10.0)).cost_usd == pytest.approx(4500 * 2 / 1e6 + 450 * 10 / 1e6)
    assert summarize(_run(), (0.0, 0.0)).cost_usd == 0.0


def test_summarize_empty_run() -> None:
    run = summarize([])
    assert (run.questions, run.answerable_all_facts, run.latency_p50_s, run.by_kind) == (0, 0.0, 0.0, [])


def test_percentile() -> None:
    assert percentile([5.0], 95) == 5.0
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 100) == 5.0


# --- Short, wrong and partial answers; what the model adds ------------------------------------------------------------

def test_a_short_answer_holds_every_fact_in_few_words() -> None:
    assert score_question(HIMARS, _answer("It was four.", _citation("r2", QUOTE)), {"r2"}, 1.0).short
    assert score_question(HIMARS, _answer(QUOTE, _citation("r2", QUOTE)), {"r2"}, 1.0, short_words=8).short is False
    assert score_question(HIMARS, _answer(QUOTE, _citation("r2", QUOTE)), {"r2"}, 1.0, short_words=9).short
    assert score_question(HIMARS, _answer("five", _citation("r2", QUOTE)), {"r2"}, 1.0).short is False  # wrong
    assert score_question(NONE, _answer("No.", answered=False), set(), 1.0).short is False  # not answerable


def test_answered_wrong_is_a_full_answer_missing_a_fact() -> None:
    cites = (_citation("r1", "a $800 million drawdown"),)
    wrong = score_question(TWO, _answer("$800 million", *cites), {"r1"}, 1.0)
    assert (wrong.support, wrong.answered_wrong, wrong.partial) == ("full", True, False)
    hedged = score_question(TWO, _answer("$800 million", *cites, support="partial"), {"r1"}, 1.0)
    assert (hedged.answered_wrong, hedged.partial) == (False, True)
    right = score_question(TWO, _answer("$800 million and $450 million", *cites), {"r1"}, 1.0)
    assert (right.answered_wrong, right.partial) == (False, False)
    declined = score_question(TWO, _answer("Not covered.", answered=False), {"r1"}, 1.0)
    assert (declined.answered_wrong, declined.partial) == (False, False)


def test_the_extractive_answer_is_scored_beside_the_model_answer() -> None:
    s = score_question(HIMARS, _answer("four"), {"r2"}, 1.0, extractive=_answer(QUOTE, mode="extractive"))
    assert (s.extractive_answer, s.extractive_right) == (QUOTE, True)
    assert score_question(HIMARS, _answer("four"), {"r2"}, 1.0).extractive_right is None
    declined = _answer("Not covered.", answered=False)
    assert score_question(NONE, _answer("Three apples."), set(), 1.0, extractive=declined).extractive_right is True


def test_summarize_short_wrong_partial_and_model_gain() -> None:
    plain = _answer("A sentence without the figure.", mode="extractive")
    full = _answer(QUOTE, mode="extractive")
    scores = [
        # right with the model, wrong without it: improved
        score_question(HIMARS, _answer("four"), set(), 1.0, extractive=plain),
        # right both ways
        score_question(HIMARS, _answer(QUOTE, mode="extractive"), set(), 1.0, extractive=full),
        # wrong with the model (printed as full), right without it: worsened
        score_question(HIMARS, _answer("five"), set(), 1.0, extractive=full),
        # partial, wrong both ways
        score_question(TWO, _answer("$800 million", support="partial", mode="extractive"), set(), 1.0,
                       extractive=plain),
        score_question(NONE, _answer("Not covered.", answered=False), set(), 1.0,
                       extractive=_answer("Not covered.", answered=False)),
    ]
    run = summarize(scores)
    assert run.short_answers == pytest.approx(2 / 4)
    assert run.answered_wrong == pytest.approx(1 / 4)
    assert run.partial == pytest.approx(1 / 4)
    assert run.model_answers == 2
    assert run.extractive_all_facts == pytest.approx(2 / 4)
    assert (run.model_improved, run.model_worsened, run.model_gain) == (1, 1, 0)


def test_runs_without_extractive_answers_have_no_gain() -> None:
    run = summarize(_run())
    assert (run.extractive_all_facts, run.model_gain, run.model_improved) == (None, 0, 0)


def test_older_question_scores_still_load() -> None:
    old = {k: v for k, v in _run()[0].model_dump().items()
           if k not in {"support", "words", "short", "answered_wrong", "partial", "extractive_answer",
                        "extractive_right"}}
    assert QuestionScore.model_validate(old).extractive_right is None
