"""What a question is about, read off its parse: the words that must stand in a release for it to answer.

A question's frame ("which four countries", "what 2 things", "how big", "like demining stuff", "flag as a ...")
is not its subject: a release that lacks those words may still answer it. Its subject is its names and its
distinctive nouns and numbers: proper nouns and entities, nouns rarer than everyday English, numbers that are
not counting the thing asked for. Only a missing subject word is a reason to decline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qa.text import analyze, english, spans, wordnet

if TYPE_CHECKING:
    from spacy.tokens import Token

_CONTENT = frozenset({"PROPN", "NOUN", "NUM", "X"})
_WH = frozenset({"which", "what", "whose", "how"})


@dataclass(frozen=True)
class Subject:
    terms: frozenset[str]  # analyzer terms of the subject words
    frame_numbers: frozenset[str]  # terms of numbers that count what is asked for ("which four countries")
    names: frozenset[str] = frozenset()  # the subject's proper names and entities ("norway" typed in lower case)
    # Terms of an adverbial clause ("when he issued the statement on the fifth drawdown"): the circumstances that
    # place what is asked, said by the release around the answer rather than by its sentence.
    circumstance: frozenset[str] = frozenset()


def subject(question: str, common_top: int) -> Subject:
    """The subject of `question`; nouns among the `common_top` most frequent English words are frame words."""
    doc = spans.parse(question)
    asked = {t.head.i for t in doc if t.lower_ in _WH and t.dep_ in ("det", "advmod")}
    # "In which two capitals ...": the small parser may take "which" for the preposition's object, yet a number
    # right after it still counts the noun it modifies, the thing asked for.
    asked |= {n.head.i for t in doc[:-1] if t.lower_ in _WH and (n := doc[t.i + 1]).like_num
              and n.dep_ == "nummod" and n.head.i > n.i}
    frame_numbers = {t.i for t in doc if t.like_num and t.dep_ == "nummod" and t.head.i in asked or _pro_form(t)}
    terms: set[str] = set()
    names: set[str] = set()
    # A word in brackets glosses the words before it ("which drawdown (ordinal)", "the UDCG's (UDCG)"): not more
    # of what the question is about.
    bracketed = {x.i for o in doc if o.text == "(" for x in doc[o.i + 1:] if x.i < next(
        (c.i for c in doc[o.i + 1:] if c.text == ")"), len(doc))}
    # "the day Austin hosted Umerov": the noun stands for "when" the clause after it happened, no subject word.
    when_nouns = {t.i for t in doc if _time_clause(t)}
    for t in doc:
        if t.i in asked or t.i in frame_numbers or t.i in bracketed or t.i in when_nouns:
            continue
        # A designation the tagger cannot place ("f16s" read as punctuation) names a thing all the same.
        odd = t.pos_ in ("PUNCT", "SYM") and any(c.isalpha() for c in t.text) and any(c.isdigit() for c in t.text)
        # A short lower-case word the tagger calls a name is likelier a typo ("wil") than a name ("norway").
        typo = t.pos_ == "PROPN" and not t.ent_type_ and t.text.islower() and len(t.text) < 4
        # Nor one the lexicon knows only as a verb: "harass" in "where did the prc harass philippine vessels".
        verb = t.pos_ == "PROPN" and not t.ent_type_ and t.text.islower() and bool(
            wordnet.senses(t.text, "verb")) and not wordnet.senses(t.text, "noun")
        # A verb inside an entity is the recogniser's slip on lower case ("austin meeting gantz" read as one
        # person), not a name.
        # A people's adjective names its country, though typed in lower case the recogniser may miss it
        # ("lithuanian", as WordNet knows it, where "japanese" it reads).
        named = (t.ent_type_ in spans.NAME_LABELS and t.pos_ not in ("VERB", "AUX")) or (t.pos_ == "PROPN"
                                                                                       and not typo) or odd \
            or _peoples_word(t)
        if typo or verb or (not named and (t.pos_ not in _CONTENT or (t.pos_ == "NOUN"
                                                               and english.is_common(t.text, common_top)))):
            continue
        terms.update(analyze.terms(t.text))
        if named:
            names.update(analyze.terms(t.text))
    circumstance = {x for t in doc if _circumstance(t) for w in t.subtree for x in analyze.terms(w.text)}
    return Subject(frozenset(terms), frozenset(x for i in frame_numbers for x in analyze.terms(doc[i].text)),
                   frozenset(names), frozenset(circumstance))


def _pro_form(t: Token) -> bool:
    """Whether "one" stands for a noun said before it rather than counting: it ends its noun phrase after a
    determiner, a noun or an adjective ("the okinawa one", "which one", "the first one"), or heads a phrase of its
    own ("the one in hawaii"), where "one of the four" or "died, one or two" count."""
    if t.lower_ != "one" or t.i == 0:
        return False
    # Heading a phrase of its own, the parser tells: "the one in hawaii", "one from Uzbekistan and one from Mongolia".
    if any(c.dep_ == "det" for c in t.children) or any(c.dep_ == "prep" and c.lower_ != "of" for c in t.children):
        return True
    before = t.doc[t.i - 1]
    after = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
    ends = after is None or after.pos_ not in ("NOUN", "PROPN", "ADJ", "NUM")
    return ends and (before.pos_ in ("DET", "NOUN", "PROPN") or before.tag_ == "JJ")


# Words that open a clause telling when another event happened ("while he met ...", "when he issued ...").
_WHEN = frozenset({"when", "while", "after", "before", "as", "since", "until"})


def _circumstance(t: Token) -> bool:
    """Whether `t` heads a clause of an event of its own that places the one asked about: an adverbial clause
    opened by "when", "while", ... with a subject of its own ("when he issued the statement"), or a time noun's
    ("the day Austin hosted Umerov"). Not a participle of the very act ("when uncovering weapons"), nor the main
    verb a small parser took for one."""
    if _time_clause(t):
        return True
    return t.dep_ == "advcl" and _has_subject(t) and \
        any(c.dep_ in ("mark", "advmod") and c.lower_ in _WHEN for c in t.children)


def _time_clause(t: Token) -> bool:
    """Whether `t` is a noun used as an adverb with a clause of its own event after it ("the day Austin hosted
    Umerov", "the week he took office"): it places the event asked about as "when ..." does."""
    return t.dep_ == "npadvmod" and t.pos_ == "NOUN" and any(
        c.dep_ == "relcl" and _has_subject(c) for c in t.children)


def _has_subject(verb: Token) -> bool:
    """Whether a clause's verb has a subject of its own: an event of its own, not a participle of another."""
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)


_SOURCED = frozenset({"per", "according"})


def role(question: str) -> frozenset[str]:
    """For "who is/was the <role>" ("the secretary of the army", "Japan's National Security Advisor") and "what
    is the name of the <role>": the terms of the role's nouns, which the person answering must be tied to in the
    text; empty for other questions."""
    doc = spans.parse(question)
    for t in doc:
        asking = {c.lower_ for c in t.children} & _ASKING
        if t.lemma_ != "be" or not asking:
            continue
        head = next((c for c in t.children if c.dep_ in ("attr", "nsubj") and c.lower_ not in _ASKING
                     and c.pos_ in ("NOUN", "PROPN")), None)
        if head is not None and head.lemma_ == "name":
            # "what was the name of the sailor who died": the person is the one the text ties to "sailor".
            head = next((g for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
                         for g in c.children if g.dep_ == "pobj" and g.pos_ in ("NOUN", "PROPN")), None)
        elif asking == {"what"}:
            continue  # "what is the capital": no person asked
        if head is None:
            return frozenset()
        # A clause describing the role is not the role; nor is a name the small parser hangs on it as an
        # appositive ("the Saudi defense minister Carter met": Carter met the minister).
        skip = {x.i for c in head.children if c.dep_ in ("relcl", "acl", "appos") for x in c.subtree}
        # "per the general officer announcement", "according to the readout": where it is said, not the role.
        skip |= {y.i for x in head.subtree if x.dep_ == "prep" and x.lower_ in _SOURCED for y in x.subtree}
        # "at cohens briefing", "during desert fox", "in December 1998": when the role was held, not the role.
        skip |= {y.i for x in head.subtree if x.dep_ == "prep" and _when_held(x) for y in x.subtree}
        skip |= {x.i for x in head.subtree if x.ent_type_ in ("DATE", "TIME")}
        return frozenset(x for w in head.subtree if w.i not in skip and (w.pos_ in ("NOUN", "PROPN")
                                                                          or _peoples_word(w))
                         for x in analyze.terms(w.text))
    return frozenset()


def _when_held(prep: Token) -> bool:
    """Whether a prepositional phrase on a role tells the time or occasion it was held at: a date in it, "during",
    or "at"/"on" an event as WordNet knows one ("at the briefing"; "at fort campbell" names where the role is)."""
    objects = [c for c in prep.children if c.dep_ == "pobj"]
    return prep.lower_ == "during" or any(t.ent_type_ in ("DATE", "TIME") for t in prep.subtree) or (
        prep.lower_ in ("at", "on") and bool(objects)
        and all(wordnet.is_kind_of(o.lemma_.lower(), "event", first=None) for o in objects))


# The question words of a role asked: "who is the <role>", "what is the name of the <role>".
_ASKING = frozenset({"who", "whom", "what"})


def _peoples_word(t: Token) -> bool:
    """Whether the token is an adjective WordNet ties to a country ("lithuanian", "Saudi"): a people's word."""
    return t.pos_ == "ADJ" and bool(wordnet.peoples(t.text))


def designation(question: str) -> frozenset[str]:
    """For "who did Bush pick for secretary of state", "who was nominated as commander of U.S. Army Central": the
    terms of what the person was named as or for (the main verb's "as"/"for" phrase), which the text says after
    the name of the one asked for ("Colin Powell as secretary of state and Condoleezza Rice as ..."); empty for
    other questions."""
    doc = spans.parse(question)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ not in ("VERB", "AUX"):
        return frozenset()
    for prep in root.children:
        if prep.dep_ == "prep" and prep.lower_ in ("as", "for"):
            head = next((c for c in prep.children if c.dep_ == "pobj" and c.pos_ in ("NOUN", "PROPN")), None)
            if head is not None:
                return frozenset(x for w in head.subtree if w.pos_ in ("NOUN", "PROPN", "ADJ")
                                 for x in analyze.terms(w.text))
    return frozenset()


def tied_words(text: str, start: int, end: int) -> set[str]:
    """The terms of the noun phrase a name stands in: its own modifiers and appositives, those of the noun it
    completes ("the confirmation of Christine Wormuth as the 25th Secretary of the Army"), and what the verb makes
    it ("swore in General John Raymond as the first chief of staff")."""
    doc = spans.parse(text)
    inside = spans.tokens_in(doc, start, end)
    if not inside:
        return set()
    root = next((t for t in inside if t.head.i not in {x.i for x in inside} or t.head.i == t.i), inside[-1])
    top = root
    if root.dep_ == "pobj" and root.head.dep_ == "prep" and root.head.head.pos_ in ("NOUN", "PROPN"):
        top = root.head.head
    elif root.dep_ == "appos" and root.head.pos_ in ("NOUN", "PROPN"):
        top = root.head
    # Not the words of a name coordinated with it: "King Hamad ... and Crown Prince Salman ..." are two people, and
    # "Crown Prince" is the second's.
    others = {x.i for c in top.children if c.dep_ == "conj" for x in c.subtree}
    words = [t for t in top.subtree if t.i not in others]
    # The capitalised words written right before a person's name are its title, however the parse attaches them
    # ("and Crown Prince Salman bin Hamad ...", where the small parser makes "Prince" a conjunct of the name before).
    # Not for words that only modify a noun after them ("Navy Rear" of "Navy Rear Adm. John Kirby").
    at = min(inside[0].i, root.left_edge.i) - 1 if root.ent_type_ == "PERSON" and root.dep_ != "compound" else -1
    while at >= 0 and doc[at].is_title and not doc[at].is_punct and doc[at].ent_type_ not in ("GPE", "NORP", "DATE"):
        words.append(doc[at])
        at -= 1
    # "swore in General John Raymond as the first chief of staff": the verb's "as" phrase right after the name says
    # what the name is made.
    verb = top.head.head if top.dep_ == "pobj" else top.head
    words += [x for c in verb.children if c.dep_ == "prep" and c.lower_ == "as" and c.i == top.right_edge.i + 1
              for x in c.subtree]
    # A people's word stands for its country and back ("Russian Minister of Defense" for Russia's minister).
    return wordnet.terms_as_peoples([w.text for w in words])
