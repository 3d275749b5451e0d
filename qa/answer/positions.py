"""The post a person holds, or is named to, as releases of nominations and appointments write it.

"Groen is currently serving as deputy chief of computer network operations, National Security Agency" gives the
post held; "... for appointment to the grade of lieutenant general with assignment as director, Joint Artificial
Intelligence Center" the post named to. A question asks for one of the two: "what job was Groen nominated for"
the post named to; "what position was Groen serving in at the time of his nomination", "dail's job when he got
nominated", "which command was the general leading" the post held. A sentence giving the other one answers
nothing, though it holds most of the question's words.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from qa.text import analyze, spans, wordnet

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from qa.answer.question import Question

# WordNet's kinds of the nouns that ask for a post: job, post, position, office, billet, command, title (of
# position and occupation); assignment, role (of duty).
_POST_KINDS = ("position", "occupation", "duty")
# Verbs whose "as" names the post held ("is currently serving as"), and words whose "as" names the post a
# nomination is for ("with assignment as", "for appointment as", "nominated as").
_HOLDING = frozenset({"serve"})
_NAMING = frozenset({"assignment", "appointment", "nominate", "appoint", "name", "select", "reassignment"})
# What a question says of the post held: its own verb ("serving in", "hold", "leading") or the time it names
# ("current", "at the time", "before", "previously").
_HELD_WORDS = frozenset({"serve", "hold", "lead", "command", "have", "current", "currently", "time", "before",
                         "previous", "previously", "while", "then", "during"})
# Where the post's words end: the next clause, or words of time after it ("since 2019", "until he retires").
_AFTER_POST = frozenset({"since", "until", "before", "after", "from", "during", "when", "while"})


def asked(q: Question) -> bool:
    """Whether the question asks for a person's post (`_asks_post`); read once per question, not per sentence."""
    return _asks_post(q.written, q.focus)


@lru_cache(maxsize=1024)
def _asks_post(written: str, focus: str | None) -> bool:
    """Whether the question asks for a person's post: the noun its question words ask for is a kind of post
    ("what position", "which command was the general leading"), or, with no such noun, one the question names
    before its first verb or preposition ("what was Chandler's assignment at the time", "dail's job at the time he
    got nominated", "kaneshiro role in vietnam")."""
    doc = spans.parse(written)
    if focus:
        nouns = [t for t in doc if t.pos_ == "NOUN" and analyze.stem(t.lower_) == focus]
    else:
        # A typed name opening the question may be read as a verb ("cardens current job"): a verb stops the words
        # only after a noun.
        stop = next((t.i for t in doc if t.pos_ in ("ADP", "SCONJ") or (
            t.pos_ == "VERB" and any(n.pos_ in ("NOUN", "PROPN") for n in doc[:t.i]))), len(doc))
        nouns = [t for t in doc[:stop] if t.pos_ == "NOUN"]
    return any(wordnet.is_kind_of(t.lemma_.lower(), kind, first=None) for t in nouns for kind in _POST_KINDS)


def wants_held(q: Question) -> bool:
    """Whether the question asks for the post held (its verb or the time it names says so), not the one named to."""
    return any(t.lemma_.lower() in _HELD_WORDS or t.lower_ in _HELD_WORDS for t in spans.parse(q.written))


def post(q: Question, text: str) -> tuple[tuple[int, int] | None, bool]:
    """The post the sentence gives its person as the question asks (start, end), or None; and whether the sentence
    gives a post at all (one of the other kind answers nothing: "with assignment as director" for the post held)."""
    doc = spans.parse(text)
    held = wants_held(q)
    gives = False
    for tok in doc:
        if tok.lower_ != "as" or tok.i + 1 >= len(doc):
            continue
        head = tok.head.lemma_.lower()
        if head not in _HOLDING and head not in _NAMING:
            continue
        gives = True
        if (head in _HOLDING) != held or not _of_person_asked(q, tok.head):
            continue
        end = _post_end(doc, tok.i + 1)
        if end > tok.i + 1:
            first, last = doc[tok.i + 1], doc[end - 1]
            return (first.idx, last.idx + len(last.text)), True
    return None, gives


def _of_person_asked(q: Question, verb: Token) -> bool:
    """Whether the one who serves is the person the question names: a name it does not give is another's post
    ("Christine currently serves as" in a release of Carden's nomination too); a pronoun or no subject may be his."""
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.pos_ != "PROPN":
        return True
    return bool(set(analyze.terms(subject.text)) & set(q.terms))


def _post_end(doc: Doc, start: int) -> int:
    """Where the post's words end: before a verb, a clause's word or a word of time, or the sentence's last stop."""
    i = start
    while i < len(doc):
        t = doc[i]
        verbal = t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "compound")  # not "commanding general"
        if verbal or t.pos_ in ("SCONJ", "PRON") or t.lower_ in _AFTER_POST:
            # "..., Washington, D.C. Sylvia is currently serving": the next sentence's subject, run on.
            verb = t if t.pos_ in ("VERB", "AUX") and t.dep_ != "aux" else t.head
            subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and start < c.i < t.i), None)
            if subject is not None:
                i = subject.left_edge.i
            break
        i += 1
    while i > start and doc[i - 1].is_punct:
        i -= 1
    return i
