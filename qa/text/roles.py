"""Who did what, read off the trained parse: the role a question asks for, and what fills it in a sentence.

"Who signed the order?" asks for the doer of "sign"; "Whom did Saltzman succeed?" and "who was nominated?" for
the one it was done to. In evidence the doer is the verb's subject, or its "by" phrase when the verb is passive
("the rescue was ordered by Gen. John R. Allen"); the one done to is its object, or its passive subject ("What did
Austin urge?": what he urged). A name standing in that slot answers the question; a name elsewhere in the sentence
("Obama and Panetta praised ...") does not, however near the question's words it stands. Verbs are matched by their
lemma, so any tense serves, or as a way of the act asked by WordNet ("initiated" for "who started").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qa.text import analyze, spans, wordnet

if TYPE_CHECKING:
    from spacy.tokens import Token

_WH = frozenset({"who", "whom", "what", "which"})
# Verbs that link a name to a description rather than tell an act: "who was the secretary", "who became chief".
_LINKING = frozenset({"be", "become", "remain", "seem"})
_OBJECTS = frozenset({"dobj", "nsubjpass"})


@dataclass(frozen=True)
class Role:
    verb: str  # the lemma of the question's main verb: "sign", "succeed"
    doer: bool  # True: the one who did it is asked for; False: the one it was done to
    stemmed: bool = False  # `verb` is the stem of a question word, matched with each verb's lemma stemmed
    # "what did mattis thank fallon for": the object of the verb's preposition left at the question's end.
    prep: str | None = None


def asked_object(question: str) -> Role | None:
    """For "what did X <verb>" whose verb the parse misses (in lower case the small tagger calls "discuss" a
    noun): the object of the question's last word, matched by stem with the verbs of the evidence, whose parse is
    sound. None for another shape, or when the last word is a function word (a preposition left at the end, "what
    did mattis thank fallon for", is read by `asked`)."""
    words = [t for t in spans.parse(question) if not t.is_punct]
    if len(words) < 4 or words[0].lower_ != "what" or words[1].lower_ not in _DOING or words[-1].is_stop \
            or not words[-1].is_alpha:
        return None
    return Role(analyze.stem(words[-1].lower_), doer=False, stemmed=True)


# The auxiliaries after which "what" is the object of a verb still to come: "what did X discuss".
_DOING = frozenset({"did", "does", "do", "will", "would", "has", "have", "had"})
# Do-support: only a question that does not ask for the subject puts "did" between its wh-word and its subject.
_DO_SUPPORT = frozenset({"did", "does", "do"})


def _is(verb: Token, role: Role) -> bool:
    """Whether `verb` is the role's verb, by lemma or by stem, or a way of doing it by WordNet ("initiated" for
    "who started", "telephoned" for "who called")."""
    lemma = _lemma(verb)
    return lemma == role.verb or (role.stemmed and analyze.stem(verb.lemma_.lower()) == role.verb) or (
        not role.stemmed and (wordnet.is_kind_of(lemma, role.verb, pos="verb")
                              # The act the question names is a way of the text's, one step down: "picked"
                              # asks who "selected".
                              or wordnet.is_kind_of(role.verb, lemma, pos="verb", depth=1)))


def same_act(verb: str, asked: str) -> bool:
    """Whether two verbs' lemmas tell one act: the same lemma or stem, or a sense WordNet gives both ("retain" for
    "keep")."""
    return verb == asked or analyze.stem(verb) == analyze.stem(asked) or bool(
        set(wordnet.senses(verb, "verb")) & set(wordnet.senses(asked, "verb")))


def asked(question: str) -> Role | None:
    """The role a question's wh-word (or the noun it asks for: "which company") stands in, or None when it asks
    no act ("who is X", "what was the cost")."""
    doc = spans.parse(question)
    wh = next((t for t in doc if t.lower_ in _WH), None)
    if wh is None:
        return None
    words = [t for t in doc if not t.is_punct]
    last = words[-1]
    if wh.i == words[0].i and last.dep_ == "prep" and last.head.pos_ == "VERB" and last.head.i < last.i \
            and not any(c.dep_ == "pobj" and c.i > last.i for c in last.children) \
            and last.head.lemma_.lower() not in _LINKING:
        # "what did mattis thank fallon for", "who did austin speak with": the wh-word is the object of the
        # preposition the question ends on, however the small parser hangs it.
        return Role(_lemma(last.head), doer=False, prep=last.lower_)
    if wh.i == words[0].i and wh.dep_ == "nsubj" and len(words) > 3 and words[1].lower_ in _DO_SUPPORT \
            and words[2].pos_ not in ("VERB", "AUX", "PART") and _verb(wh.head) and wh.head.i > 2:
        # "who did carter meet in london": "did" after the wh-word and a subject after it (do-support) make the
        # wh-word what is done to, never the doer, however the small parser reads a name typed in lower case
        # ("carter" as a noun, the wh-word as the subject). Not "who did not find ...", which asks the doer.
        return Role(_lemma(wh.head), doer=False)
    if wh.dep_ == "det" and wh.head.pos_ in ("NOUN", "PROPN"):
        wh = wh.head  # "which company received ...": the company is the one asked for
    elif wh.lower_ in ("which", "what") and wh.i + 1 < len(doc) and doc[wh.i + 1].pos_ in ("NOUN", "PROPN") \
            and doc[wh.i + 1].head.i == wh.head.i:
        # "which Secretary of Defense announced ...": the small parser may hang "which" and its noun on the verb
        # as two arguments; the noun after "which" is still the one asked for.
        wh = doc[wh.i + 1]
    verb = wh.head
    if verb.lemma_ == "do" and verb.dep_ == "aux" and any(
            c.dep_ == "nsubj" and c.i != wh.i for c in verb.head.children):
        # "Whom did Saltzman succeed?": the small parser hangs the wh-word on "did", yet the verb has a subject
        # of its own, so the wh-word is what was done to.
        return Role(_lemma(verb.head), doer=False)
    if wh.dep_ == "nsubj" and verb.lemma_ == "be" and any(
            c.dep_ == "prep" and c.lower_ == "in" and any(p.dep_ == "pobj" for p in c.children)
            for c in verb.children):
        return Role("include", doer=False)  # "what is in the package": what the package includes
    if verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() in _LINKING:
        return None
    if wh.dep_ == "nsubj":
        # "who did austin meet", typed in lower case: the parser takes both for subjects; the one after "did" is.
        return Role(_lemma(verb), doer=not any(c.dep_ == "nsubj" and c.i != wh.i for c in verb.children))
    if wh.dep_ in ("dobj", "nsubjpass"):
        return Role(_lemma(verb), doer=False)
    return None


def _verb(t: Token) -> bool:
    """Whether the token is a verb, or the root the parser hangs the question on that the small tagger calls a
    noun and WordNet knows as a verb ("Whom did President Bush appoint as ...": "appoint" tagged a noun)."""
    return t.pos_ == "VERB" or (t.dep_ == "ROOT" and t.pos_ == "NOUN" and bool(wordnet.senses(t.lower_, "verb")))


def _lemma(verb: Token) -> str:
    """The verb's lemma; a hyphenated verb's whole ("co-chair"), which the tokenizer splits and hangs on its first
    part."""
    doc = verb.doc
    if verb.i + 2 < len(doc) and doc[verb.i + 1].text == "-" and not verb.whitespace_ \
            and not doc[verb.i + 1].whitespace_:
        return f"{verb.lower_}-{doc[verb.i + 2].lemma_.lower()}"
    if verb.i >= 2 and doc[verb.i - 1].text == "-" and not doc[verb.i - 2].whitespace_ \
            and not doc[verb.i - 1].whitespace_:
        return f"{doc[verb.i - 2].lower_}-{verb.lemma_.lower()}"  # the parser may hang the clause on either part
    return verb.lemma_.lower()


def fillers(text: str, role: Role) -> list[tuple[int, int]]:
    """Character spans of the tokens that fill the role for any form of the verb in `text`: the head word of
    each argument and of the arguments coordinated with it ("Judith Miller and Walter B. Huffman")."""
    out: list[tuple[int, int]] = []
    for arg in _filling(text, role):
        for t in (arg, *(c for c in arg.conjuncts)):
            # "his Japanese counterpart, Minister of Defense Hamada Yasukazu": the appositive names the same one.
            for named in (t, *(x for c in t.children if c.dep_ == "appos" for x in c.subtree
                               if x.ent_type_ == "PERSON" or (x.pos_ == "PROPN" and not x.ent_type_))):
                out.append((named.idx, named.idx + len(named)))
    return out


def _filling(text: str, role: Role) -> Iterator[Token]:
    """The head word of each argument that fills the role, for any form of the verb in `text`, or of its noun
    ("their historic confirmation of Christine Wormuth" for "who confirmed wormuth")."""
    stem = analyze.stem(role.verb)
    for verb in spans.parse(text):
        if verb.pos_ == "NOUN" and role.prep is None and not role.stemmed and analyze.stem(verb.lower_) == stem:
            yield from _noun_arguments(verb, role.doer)
            continue
        if verb.pos_ == "VERB" and _is(verb, role):
            if role.prep is not None:
                yield from (p for c in verb.children if c.dep_ == "prep" and c.lower_ == role.prep
                            for p in c.children if p.dep_ in ("pobj", "pcomp"))
            else:
                yield from _arguments(verb, role.doer)


_DOERS = frozenset({"PERSON", "ORG", "NORP", "GPE"})


def _noun_arguments(noun: Token, doer: bool) -> list[Token]:
    """The doer of an act told by its noun is the noun's possessor or its "by" phrase ("the Senate's
    confirmation", "confirmation by the Senate"); a possessive pronoun stands for the name before it that could
    do the act ("I thank the Senate for their confirmation"). The one it was done to is its "of" phrase."""
    if not doer:
        return [p for c in noun.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children
                if p.dep_ == "pobj"]
    found = [c for c in noun.children if c.dep_ == "poss"]
    found += [p for c in noun.children if c.dep_ == "agent" or c.dep_ == "prep" and c.lower_ == "by"
              for p in c.children if p.dep_ == "pobj"]
    out = []
    for t in found:
        if t.pos_ == "PRON":
            t = next((x for x in reversed(t.doc[:t.i]) if x.ent_type_ in _DOERS and x.dep_ != "compound"), None)
        if t is not None:
            out.append(t)
    return out


def _clause_of(t: Token) -> int | None:
    """Where the nearest passive verb above a token stands."""
    return next((a.i for a in t.ancestors if a.pos_ in ("VERB", "AUX")
                 and any(c.dep_ in ("nsubjpass", "auxpass") for c in a.children)), None)


def _names_someone(t: Token) -> bool:
    return t.ent_type_ in _DOERS or (t.pos_ == "PROPN" and not t.ent_type_)


def _arguments(verb: Token, doer: bool) -> list[Token]:
    # "efforts, initiated by Gen. Eric Shinseki": a participle with a "by" agent is passive, with no auxiliary.
    passive = any(c.dep_ in ("nsubjpass", "auxpass", "agent") for c in verb.children)
    if doer and passive:
        agents = [p for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
        # The small parser may hang a long clause's "by" phrase on a noun inside it ("was sworn into his new role
        # leading ... service members and civilians by Vice President JD Vance"): a "by" naming someone within
        # the verb's clause is its doer still, unless another passive verb there claims it.
        return agents or [p for t in verb.subtree if t.lower_ == "by" and t.dep_ == "prep" and _clause_of(t) == verb.i
                          for p in t.children if p.dep_ == "pobj" and _names_someone(p)]
    # An active verb's doer is its subject (a passive one's was taken above, from its "by" phrase).
    found = [c for c in verb.children if (c.dep_ == "nsubj" if doer else c.dep_ in _OBJECTS)]
    if not doer:
        # "met with X", "spoke with X": the one met or spoken with.
        found += [p for c in verb.children if c.dep_ == "prep" and c.lower_ == "with" for p in c.children
                  if p.dep_ == "pobj"]
    # "Allen, who ordered the rescue": the relative pronoun stands for the noun the clause describes.
    return [verb.head if c.tag_ in ("WP", "WDT") and verb.dep_ == "relcl" else c for c in found]


def phrases(text: str, role: Role) -> list[tuple[int, int]]:
    """Character spans of the whole phrases that fill the role for any form of the verb in `text`: "what did they
    discuss" → "the importance of close coordination on Iran and other regional security challenges"."""
    out: list[tuple[int, int]] = []
    if role.stemmed and role.verb not in analyze.terms(text):
        return out  # no word of the verb's stem: the text is not parsed for nothing
    for arg in _filling(text, role):
        words = [t for t in arg.subtree if not t.is_punct or t.i < arg.right_edge.i]
        if words and words[0].tag_ not in ("WP", "WDT", "PRP"):
            out.append((words[0].idx, words[-1].idx + len(words[-1])))
    return out

