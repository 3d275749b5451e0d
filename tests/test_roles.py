"""Who did what, by the parse (qa.text.roles): the role a question asks of its verb, and the name that fills
it in evidence, preferred over names that merely stand near the question's words."""

from __future__ import annotations

import pytest

from qa.answer.lift import lift
from qa.answer.question import analyse
from qa.text import roles


@pytest.mark.parametrize(("question", "role"), [
    ("Who ordered the rescue of the American?", roles.Role("order", doer=True)),
    ("who signed the executive order renaming the department", roles.Role("sign", doer=True)),
    ("Whom did Gen. B. Chance Saltzman succeed as chief of space operations?", roles.Role("succeed", doer=False)),
    # The small tagger calls "appoint" a noun; the parser still hangs the question on it, and WordNet knows the verb.
    ("Whom did President Bush appoint as the top Pentagon spokesman?", roles.Role("appoint", doer=False)),
    ("who was nominated for vice chairman", roles.Role("nominate", doer=False)),
    ("who did austin meet in tokyo", roles.Role("meet", doer=False)),  # lower case: both parsed as subjects
    ("Who will co-chair the subcommittee?", roles.Role("co-chair", doer=True)),  # one verb, split by the tokenizer
    ("What did Austin urge China to do?", roles.Role("urge", doer=False)),
    ("Which company received the contract?", roles.Role("receive", doer=True)),  # the noun "which" asks for
    # The small parser hangs "which" and its noun on the verb apart: the noun is still the one asked for.
    ("which Secretary of Defense announced selvas renomination", roles.Role("announce", doer=True)),
    # A preposition left at the end: its object is asked for, however the small parser hangs the wh-word.
    ("what did mattis thank fallon for", roles.Role("thank", doer=False, prep="for")),
    ("What did Austin thank the troops for?", roles.Role("thank", doer=False, prep="for")),
    ("who did austin speak with", roles.Role("speak", doer=False, prep="with")),
    ("What was in the June 2023 package?", roles.Role("include", doer=False)),  # what the package includes
    ("who is the secretary of the army", None),  # a description, not an act
    ("what was the cost of the package", None),
    ("how many troops deployed", None),
])
def test_the_role_a_question_asks_for(question: str, role: roles.Role | None) -> None:
    assert roles.asked(question) == role


@pytest.mark.parametrize(("text", "role", "filled"), [
    ("Marine Corps Gen. John R. Allen, the NATO commander in Afghanistan, ordered the rescue.",
     roles.Role("order", doer=True), ["Allen"]),
    ("The rescue was ordered by Gen. John R. Allen.", roles.Role("order", doer=True), ["Allen"]),
    ("The rescue was ordered by Gen. John R. Allen.", roles.Role("order", doer=False), ["rescue"]),
    ("Judith Miller and Walter B. Huffman will chair the subcommittee.", roles.Role("chair", doer=True),
     ["Miller", "Huffman"]),
    ("Obama praised the team.", roles.Role("order", doer=True), []),
    ("Judith Miller and Walter B. Huffman will co-chair the subcommittee, Panetta said.",
     roles.Role("co-chair", doer=True), ["Miller", "Huffman"]),
    # The parser hangs the subject on the hyphenated verb's second part here.
    ("Former DOD General Counsel Judith Miller and retired Army Maj. Gen. Walter B. Huffman will co-chair the "
     "subcommittee.", roles.Role("co-chair", doer=True), ["Miller", "Huffman"]),
    # The parser hangs the "by" phrase on a noun of the long clause: it is the passive verb's doer still.
    ("Secretary of Defense Pete Hegseth was sworn into his new role leading America's 3.5 million service members "
     "and civilians by Vice President JD Vance this morning.", roles.Role("swear", doer=True), ["Vance"]),
    ("He was sworn in on a day marked by Gen. CQ Brown's welcome.", roles.Role("swear", doer=True), []),
    ("Secretary Shanahan thanked Minister Kunasek for Austrian support to European Union initiatives.",
     roles.Role("thank", doer=False, prep="for"), ["support"]),
    # The act told by its noun: the doer is its possessor, a pronoun standing for the body named before it; the
    # one it was done to, its "of" phrase.
    ("I thank the Senate for their historic confirmation of Christine Wormuth as the 25th Secretary of the Army.",
     roles.Role("confirm", doer=True), ["Senate"]),
    ("I thank the Senate for their historic confirmation of Christine Wormuth as the 25th Secretary of the Army.",
     roles.Role("confirm", doer=False), ["Wormuth"]),
    # The act asked is a way of the text's ("pick" of "select"), one step down WordNet.
    ("I am grateful that President Obama selected such an outstanding leader to take my place.",
     roles.Role("pick", doer=True), ["Obama"]),
])
def test_who_fills_the_role_in_a_sentence(text: str, role: roles.Role, filled: list[str]) -> None:
    assert [text[a:b] for a, b in roles.fillers(text, role)] == filled


def test_the_one_met_with_is_named_by_the_appositive() -> None:
    sentence = "Austin met with his Japanese counterpart, Minister of Defense Hamada Yasukazu, in Tokyo."
    filled = [sentence[a:b] for a, b in roles.fillers(sentence, roles.Role("meet", doer=False))]
    assert "counterpart" in filled and "Hamada" in filled and "Austin" not in filled
    assert lift(analyse("who did austin meet in tokyo", {}), sentence).text == "Hamada Yasukazu"


def test_the_doer_the_question_names_is_no_answer() -> None:
    """"who met austin": Austin is the one who met, named by the question; the one he met answers."""
    sentence = "Secretary of Defense Lloyd J. Austin III met with UK Secretary of State for Defence John Healey."
    found = lift(analyse("who met austin", {}), sentence)
    assert found is None or "Austin" not in found.text


def test_the_doer_is_the_answer_not_the_nearest_name() -> None:
    sentence = ('"In a historic move today, President [Donald J.] Trump has signed an executive order changing our '
                'name to the Department of War," Pentagon Press Secretary Kingsley Wilson said.')
    q = analyse("who signed the executive order renaming the department", {})
    assert "Trump" in lift(q, sentence).text
    # Asked for who said it, the speaker answers from the same sentence.
    assert lift(analyse("who said the name changed", {}), sentence).text == "Kingsley Wilson"


def test_names_coordinated_in_the_role_answer_together() -> None:
    sentence = "Panetta said Judith Miller and Walter B. Huffman will chair the subcommittee, Jeh Johnson announced."
    assert lift(analyse("Who will chair the subcommittee?", {}), sentence).text == "Judith Miller and Walter B. Huffman"


def test_the_second_name_keeps_its_title_inside_the_pair() -> None:
    sentence = ("Former DOD General Counsel Judith Miller and retired Army Maj. Gen. Walter B. Huffman will co-chair "
                "the subcommittee.")
    found = lift(analyse("Who will co-chair the subcommittee?", {}), sentence).text
    assert "Judith Miller" in found and found.endswith("Walter B. Huffman")


def test_a_rank_and_first_name_of_the_person_asked_about_is_not_the_answer() -> None:
    """"Gen. Paul" grows to "Paul J. Selva", the person the question names: no answer to who announced it."""
    sentence = ("Air Force Gen. Paul J. Selva has been nominated for reappointment as the Vice Chairman of the Joint "
                "Chiefs of Staff.")
    assert lift(analyse("which secretary announced selva's renomination", {}), sentence) is None
    found = lift(analyse("which secretary announced the renomination", {}), sentence)
    assert found.text == "Air Force Gen. Paul J. Selva"


def test_who_did_an_act_may_be_a_body() -> None:
    """"who confirmed wormuth": the Senate, an organisation, did it; a person is asked by "who" as a body is."""
    q = analyse("who confirmed wormuth", {}, common_top=3000)
    found = lift(q, "I thank the Senate for their historic confirmation of Christine Wormuth as the 25th Secretary "
                    "of the Army.")
    assert found is not None and found.text == "Senate"
    assert lift(q, "Wormuth was sworn in by the Army on Friday.") is None  # no act of confirming: no body


@pytest.mark.parametrize(("question", "place"), [
    ("where was kirkpatrick from", "Wasilla, Alaska"),  # where he is from, not where he died
    ("where was kirkpatrick killed", "Helmand Province"),
])
def test_where_someone_is_from_is_the_place_tied_to_their_name(question: str, place: str) -> None:
    found = lift(analyse(question, {}, common_top=3000),
                 "Pfc. Hansen B. Kirkpatrick, 19, of Wasilla, Alaska, died July 3, in Helmand Province, Afghanistan, "
                 "from wounds received during an indirect fire attack.")
    assert found is not None and found.text.startswith(place)
