"""The scripted fake models, and the measure of acceptance they give: the answer path must keep what the
oracle answers and drop what every kind of adversary answers. No socket opens: the fakes are transports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qa.evals.evaluation import load_dataset
from qa.evals.retrieval import GoldQuestion
from qa.evals.scoring import fact_found
from qa.schemas import ModelAnswer, answer_schema
from qa.settings import ModelSettings
from qa.testing.fake_models import (
    ADVERSARY_KINDS,
    CORPUS_NAMES,
    NOT_SAID,
    Adversary,
    Oracle,
    acceptance_on_corpus,
    change_number,
    fact_forms,
    fake_client,
    parse_request,
    quote_choices,
)
from qa.text import grounding

HOW_MUCH = GoldQuestion(id="r008_q3", question="How much is the 52nd drawdown of U.S. equipment for Ukraine worth?",
                        gold_facts=["$175 million"], kind="numeric", release="008.txt")
HIMARS = GoldQuestion(id="r002_q2", question="How many HIMARS were in the $450 million package?",
                      gold_facts=["four"], kind="numeric", release="002.txt")
HEARING = GoldQuestion(id="r018_q3", question="On what date was Hegseth's confirmation hearing?",
                       gold_facts=["Jan. 14"], kind="lookup", release="018.txt")
COMBINED = GoldQuestion(id="m05", question="What is the combined value of the fifth and the 13th drawdowns?",
                        gold_facts=["$800 million", "$450 million"], kind="multi_release", release=["1", "2"])
GOLD = [HOW_MUCH, HIMARS, HEARING, COMBINED]
CANDIDATES = [
    "Austin hosted Ukrainian Minister of Defense Rustem Umerov at the Pentagon on Dec. 6.",
    "The 52nd drawdown of U.S. equipment for Ukraine is worth $175 million.",
    "The package includes four High Mobility Artillery Rocket Systems and 18 patrol boats.",
    "Hegseth's confirmation hearing before the Senate Armed Services Committee was on Jan. 14.",
    "The fifth drawdown was worth $800 million; the 13th drawdown, $450 million.",
]


def _ask(fake: Oracle | Adversary, question: str, structured: str = "json_object",
         candidates: list[str] | None = None) -> ModelAnswer:
    client = fake_client(fake, ModelSettings(structured=structured))
    messages = [{"role": "system", "content": "Reply with JSON only."},
                {"role": "user", "content": f"<<<PASSAGE 1\n...\nEND>>>\n\nQuestion: {question}\n\nCopy the sentence."}]
    reply, usage = client.structured(messages, answer_schema(candidates or CANDIDATES), name="answer")
    assert usage[0].prompt_tokens > 0 and usage[0].completion_tokens > 0
    return reply


# --- Reading requests ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("structured", ["json_schema", "json_object", "tool"])
def test_each_request_shape_is_read(structured: str) -> None:
    oracle = Oracle(gold=GOLD)
    reply = _ask(oracle, HOW_MUCH.question, structured)
    [request] = oracle.requests
    assert request.shape == structured and request.candidates == CANDIDATES and request.question == HOW_MUCH.question
    assert reply.quote in CANDIDATES and fact_found("$175 million", reply.answer)
    assert oracle.calls == 1


def test_the_quote_enum_is_found_at_any_depth_and_as_a_const() -> None:
    nested = {"$defs": {"Inner": {"properties": {"quote": {"allOf": [{"enum": ["a", "b"]}]}}}}, "type": "object"}
    assert quote_choices(nested) == ["a", "b"]
    assert quote_choices({"properties": {"quote": {"const": "only"}, "kind": {"enum": ["x"]}}}) == ["only"]
    assert quote_choices({"properties": {"kind": {"enum": ["x", "y"]}}}) == ["x", "y"]  # no quote: any enum
    assert quote_choices({"type": "object"}) == []


def test_the_question_is_read_above_a_retry() -> None:
    body = {"messages": [{"role": "user", "content": "passages\n\nQuestion: How many?\n\nCopy."},
                         {"role": "assistant", "content": "{}"},
                         {"role": "user", "content": "That answer was rejected: no count."}],
            "response_format": {"type": "json_object", "schema": {"properties": {"quote": {"enum": ["s"]}}}}}
    request = parse_request(body)
    assert (request.question, request.candidates, request.shape) == ("How many?", ["s"], "json_object")


# --- The oracle ------------------------------------------------------------------------------------------------------

def test_fact_forms_keep_the_value() -> None:
    assert "4" in fact_forms("four") and "four" in fact_forms("4")
    assert "January 14" in fact_forms("Jan. 14") and "September 19" in fact_forms("Sept. 19")
    assert "31 March 2022" in fact_forms("March 31, 2022")
    assert "5th" in fact_forms("fifth") and "fifty-second" in fact_forms("52nd") and "150000" in fact_forms("150,000")
    for fact in ("four", "Jan. 14", "March 31, 2022", "fifth", "52nd", "150,000", "Two"):
        assert all(fact_found(fact, form) for form in fact_forms(fact)), fact


def test_the_oracle_answers_with_every_fact_grounded_in_the_candidates() -> None:
    for q in GOLD:
        reply = _ask(Oracle(gold=GOLD), q.question)
        assert all(fact_found(f, reply.answer) for f in q.gold_facts), (q.id, reply.answer)
        assert not grounding.check(reply.answer, CANDIDATES).ungrounded, reply.answer
        assert reply.quote in CANDIDATES and len(reply.answer) <= 80


def test_the_oracle_matches_questions_loosely() -> None:
    asked = "  HOW much is the 52nd   drawdown of U.S. equipment for Ukraine worth? And who announced it?"
    assert fact_found("$175 million", _ask(Oracle(gold=GOLD), asked).answer)


def test_the_oracle_declines_what_it_does_not_know() -> None:
    for question in ("What did Austin eat?", HIMARS.question):
        reply = _ask(Oracle(gold=GOLD), question, candidates=CANDIDATES[:2] if question == HIMARS.question else None)
        assert (reply.quote, reply.answer) == (CANDIDATES[0], NOT_SAID)


def test_the_oracle_sometimes_quotes_a_neighbour(corpus: Path) -> None:
    """Deterministically, about one question in four: the verifier has to find the sentence itself."""
    questions = [q for q in load_dataset(corpus / "gold-dev.jsonl") if q.gold_facts]
    neighbours = 0
    for q in questions:
        sentences = [f"Filler sentence number {i} about the Pentagon." for i in range(3)]
        sentences.insert(1, "It holds " + " and ".join(q.gold_facts) + ".")
        reply = _ask(Oracle(gold=questions), q.question, candidates=sentences)
        neighbours += reply.quote != sentences[1]
        assert all(fact_found(f, reply.answer) for f in q.gold_facts), (q.id, reply.answer)
        again = _ask(Oracle(gold=questions), q.question, candidates=sentences)
        assert reply.model_dump() == again.model_dump()  # the same every run
    assert 0.1 * len(questions) <= neighbours <= 0.4 * len(questions)


# --- The adversary ---------------------------------------------------------------------------------------------------

def test_numbers_change_value() -> None:
    assert change_number("It was $175 million.") == "It was $176 million."
    assert change_number("four") == "five" and change_number("Two boats") == "Three boats"
    assert change_number("the 52nd") == "the 53rd" and change_number("fifth") == "sixth"
    assert change_number("Kandahar") is None


@pytest.mark.parametrize("kind", ADVERSARY_KINDS)
def test_every_adversary_kind_claims_something_false(kind: str) -> None:
    for q in GOLD:
        adversary = Adversary(gold=GOLD, kind=kind)
        reply = _ask(adversary, q.question)
        assert reply.quote in CANDIDATES and adversary.calls == 1
        assert not all(fact_found(f, reply.answer) for f in q.gold_facts), (kind, reply.answer)
        if kind == "echo":
            words = set(re.findall(r"\w+", q.question.lower()))
            assert set(re.findall(r"\w+", reply.answer.lower())) <= words
        elif kind == "irrelevant":
            # True to its sentence, and that sentence not the one that answers: grounded, yet no answer.
            assert not grounding.check(reply.answer, [reply.quote]).ungrounded, reply.answer
            assert not any(fact_found(f, reply.quote) for f in q.gold_facts), reply.quote
        else:
            ungrounded = grounding.check(reply.answer, CANDIDATES).ungrounded
            assert ungrounded, (kind, reply.answer)
            expected = {"number": {"money", "number", "ordinal", "date"}, "name": {"person"}, "date": {"date"}}[kind]
            assert {c.kind for c in ungrounded} <= expected, (kind, reply.answer)


def test_the_changed_number_is_the_gold_one_when_there_is_one() -> None:
    reply = _ask(Adversary(gold=GOLD, kind="number"), HOW_MUCH.question)
    assert re.search(r"\$17[6-9] million|\$18\d million", reply.answer), reply.answer


def test_the_names_are_real_people_of_the_corpus(corpus: Path) -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in (corpus / "dod-releases").glob("*.txt"))
    assert [n for n in CORPUS_NAMES if n not in text] == []


def test_the_name_is_in_no_candidate() -> None:
    reply = _ask(Adversary(gold=GOLD, kind="name"), "Who hosted the minister?")
    name = next(n for n in CORPUS_NAMES if n in reply.answer)
    assert all(name.split()[-1] not in c for c in CANDIDATES)


# --- The measure -----------------------------------------------------------------------------------------------------

def test_the_answer_path_keeps_the_oracle_and_drops_every_adversary(corpus: Path) -> None:
    """Issue 8's goals: oracle answers accepted with every gold fact >= 0.95, adversary answers all rejected."""
    result = acceptance_on_corpus(corpus)
    assert result.oracle.reached >= 50
    assert result.oracle.rate >= 0.95, f"oracle not accepted: {result.oracle.misses}"
    for kind, rejected in result.adversary.items():
        assert rejected.reached > 0 and rejected.rate == 1.0, f"adversary {kind} accepted: {rejected.misses}"
