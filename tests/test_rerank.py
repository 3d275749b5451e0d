import pytest

from qa.index.layout import Layout, layout
from qa.index.rerank import Question, best_sentence_score
from qa.text.analyze import terms
from qa.text.answer_type import AnswerType, answer_type, held_kinds


@pytest.mark.parametrize(
    "question, kind",
    [
        ("How much is the 13th presidential drawdown worth?", AnswerType.MONEY),
        ("What was the value of the package?", AnswerType.MONEY),
        ("how big was the june usai package", AnswerType.MONEY),  # a package's size is its value
        ("how large is the army", AnswerType.OTHER),  # a size of what has no value asks no amount
        ("whats the fy09 war funding request", AnswerType.MONEY),  # what a sum is: its amount
        ("Which was larger: the US Foods contract or the Stryker contract?", AnswerType.MONEY),
        ("what is the war funding request (fy09 = FY2009)", AnswerType.MONEY),  # with the forms search appends
        ("what did the budget request include", AnswerType.OTHER),
        ("How many patrol boats did it include?", AnswerType.COUNT),
        ("What percentage of its goal did the Air Force Reserve reach?", AnswerType.PERCENT),
        ("what % did the army national guard hit", AnswerType.PERCENT),
        ("what% of gdp are the baltics on track to spend", AnswerType.PERCENT),
        ("how much of gdp does the uk spend on defense", AnswerType.PERCENT),  # a share of a whole
        ("how much of the $450 million went to ammunition", AnswerType.MONEY),  # of a sum: a sum
        # Of a budget, a package or a request: dollars of it.
        ("How much of the fiscal 2013 defense budget request was for Overseas Contingency Operations?",
         AnswerType.MONEY),
        ("Which drawdown (ordinal) was the $50 million PDA?", AnswerType.ORDINAL),
        ("On what date did the president sign it?", AnswerType.DATE),
        ("When was the meeting?", AnswerType.DATE),
        ("Who swore in Pete Hegseth?", AnswerType.PERSON),
        ("Which acting Pentagon press secretary was quoted?", AnswerType.PERSON),
        # The name of a title either way round, the possessive typed without its mark; a body's name is no person.
        ("what is the name of the lithuanian minister", AnswerType.PERSON),
        ("what is the lithuanian ministers name", AnswerType.PERSON),
        ("whats the defense minister's name", AnswerType.PERSON),
        ("what is the department's name", AnswerType.OTHER),
        ("Where did Austin meet Marles?", AnswerType.PLACE),
        # A "when" or "where" after the asking word opens a clause; it asks nothing.
        ("which divisions were sylvia and brooks commanding when nominated", AnswerType.OTHER),
        ("what did austin say when he visited the troops", AnswerType.OTHER),
        ("Where was Austin when he issued the statement?", AnswerType.PLACE),
        ("Which roadmap did they commit to conclude?", AnswerType.OTHER),
        # A stretch of time asked for by a noun WordNet knows as one, which closes the phrase.
        ("On which evening did Mattis speak by phone with Onodera?", AnswerType.DATE),
        ("what season of the year was the exercise held", AnswerType.DATE),
        ("which fiscal year did the army miss its goal", AnswerType.DATE),
        ("what enlistment bonus did the army offer", AnswerType.OTHER),  # the time word only modifies
        ("What festival was included in the scenes?", AnswerType.OTHER),  # a celebration too
        ("Which anniversary of independence was marked?", AnswerType.ORDINAL),
        # "What number" asks for a place in an order, unless what follows counts ("what number of troops").
        ("tokyo was what number stop on the trip", AnswerType.ORDINAL),
        ("the us is djiboutis what # largest employer", AnswerType.ORDINAL),
        ("what number of troops were sent", AnswerType.COUNT),
        ("what # were they trying to get the troops down to", AnswerType.COUNT),
        # A person asked for by a noun no title rule lists, as WordNet knows it; never one that names a made thing
        # in another sense ("carrier": a ship too). The parser may hang "which" apart from its noun.
        ("Which journalist criticized the controls?", AnswerType.PERSON),
        # A noun with its "of" phrase that WordNet knows as one noun: a head of state is a person, a head is not.
        ("Which head of state did Austin host at the Pentagon?", AnswerType.PERSON),
        ("which head of the program spoke", AnswerType.OTHER),
        ("Which American Forces Press Service reporters wrote the article?", AnswerType.PERSON),
        ("which carrier is the planning modification for", AnswerType.OTHER),
        # A title after a verb is no noun "what" asks for: this asks for an attack.
        ("What attack prompted Secretary Carter to call Minister Le Drian?", AnswerType.OTHER),
        ("which unit was he assigned to", AnswerType.OTHER),
        # An age asked for by the noun: how old.
        ("carlucci age at death", AnswerType.COUNT),
        ("on what dates was work's asia-pacific trip scheduled", AnswerType.DATE),
    ],
)
def test_answer_types(question: str, kind: AnswerType) -> None:
    assert answer_type(question) is kind


def test_held_kinds() -> None:
    sentence = "On March 12, 2024, Secretary Lloyd Austin sent $300 million, the 52nd package, 4 boats."
    assert held_kinds(terms(sentence)) == {AnswerType.MONEY, AnswerType.ORDINAL, AnswerType.COUNT, AnswerType.DATE}
    assert held_kinds(terms("It reached 131.6 percent of its goal.")) == {AnswerType.COUNT, AnswerType.PERCENT}
    assert held_kinds(terms("nothing here.")) == set()


def test_layout_round_trips_and_marks_sentences() -> None:
    lay, all_terms = layout("The drawdown is worth $450 million. It has four HIMARS.")
    assert len(lay.starts) == 2 and len(lay.seq) == len(all_terms)
    again = Layout.from_bytes(*lay.to_bytes())
    assert (again.seq == lay.seq).all() and (again.starts == lay.starts).all() and (again.kinds == lay.kinds).all()


def _score(question: str, text: str, idf: dict[str, float], bonus: float = 0.0) -> float:
    lay, _ = layout(text)
    return best_sentence_score(Question(question, terms(question), idf), lay, bonus)


def test_the_sentence_holding_the_question_words_together_wins() -> None:
    idf = {t: 1.0 for t in terms("Air Force Reserve percent goal")}
    together = "Air Force Reserve: 6,386 accessions, 131.6 percent of its goal."
    apart = "The Air Force met its goal. The Reserve did too, 100 percent."
    q = "What percent of its goal did the Air Force Reserve reach?"
    assert _score(q, together, idf) > _score(q, apart, idf)
    # Distinct terms count once, then each side-by-side pair adds its idf.
    assert _score(q, together, idf) == pytest.approx(5 + 3)  # air-force, force-reserve, percent-goal


def test_the_type_bonus_is_a_share_and_cannot_beat_a_missing_rare_word() -> None:
    idf = {"#13": 3.0, "presidenti": 0.5, "drawdown": 0.5, "worth": 0.2}
    q = "How much is the 13th presidential drawdown worth?"
    rare = "This is the 13th presidential drawdown since August."
    money = "The fifth presidential drawdown is valued at $800 million."
    assert _score(q, money, idf, 0.2) > _score(q, money, idf, 0.0)
    assert _score(q, rare, idf, 0.2) > _score(q, money, idf, 0.2)


def test_no_overlap_scores_zero() -> None:
    assert _score("Golden Dome cost", "The drawdown is worth $450 million.", {"golden": 2.0}) == 0.0
