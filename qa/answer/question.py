"""A question, analysed once: its terms, the kind of value it asks for, its focus word, its key terms.

Every later stage (candidates, lifting, the verifier, the support level) reads
this instead of analysing the question again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

from qa.answer import goals
from qa.index import spelling
from qa.text import analyze, cause, dates, roles, spans, wordnet
from qa.text.answer_type import AnswerType, answer_type
from qa.text.subject import designation, role, subject

if TYPE_CHECKING:
    from spacy.tokens import Token

# After "which" or "what" (and "is the", "type of"), the head noun runs until a function word, a verb or a
# participle: "which company received" -> company, "which roadmap advancing" -> roadmap, "what is the contract
# number of".
# "what type of film": the noun after "type of" is the one asked for; the answer is a kind of it.
_WH = re.compile(r"\b(?:which|what)\s+(?:(?:is|was|are|were)\s+(?:the|an?)\s+)?(?:(?:type|kind|sort)s?\s+of\s+)?"
                 r"((?:[\w.'’-]+\s*){1,5})", re.IGNORECASE)
_STOPS_FOCUS = frozenset("""
did does do was were is are has have had will would could can took take made make gave give sent got came met led
said spoke to for of in on at by with from about over under as that who which and or through thru during after
before since between into per than
""".split())


def _focus(text: str) -> str | None:
    # A preposition, article or conjunction the tagger reads ends the noun as the listed words do: "which
    # capability coalition within the Ukraine Defense Contact Group" asks for a coalition.
    function_words = {t.idx for t in spans.parse(text) if t.pos_ in ("ADP", "DET", "SCONJ", "CCONJ")}
    for m in _WH.finditer(text):
        nouns: list[str] = []
        if _verb_at(text, m.start(1)):
            continue  # "what killed matthew thompson": the question word is the verb's subject, naming no noun
        verbs = _finite_verbs(text)
        copular = bool(re.match(r"\w+\s+(?:is|was|are|were)\s", m.group(), re.IGNORECASE))
        for found in re.finditer(r"\S+", m.group(1)):
            word = found.group()
            w = word.lower().strip(".")
            if re.fullmatch(r"[a-z][\w.-]*['’]s?", w):
                # "what was the Army Reserve's accession goal": a possessor names whose, the noun after it is asked;
                # "which country's minister" asks for the possessor.
                if copular:
                    nouns = []
                    continue
                nouns.append(re.sub(r"['’]s?$", "", w))
                break
            # "Under Secretary role": a capitalised word is a name's, not a function word; "meeting" may be
            # the noun itself, a participle after it ("roadmap advancing") is not, nor a verb the tagger reads
            # ("which reserve component fell short").
            at = m.start(1) + found.start()
            if (w in _STOPS_FOCUS and not word[:1].isupper()) or (nouns and w.endswith(("ing", "ed"))) \
                    or not re.fullmatch(r"[a-z][\w.-]*", w) or (nouns and (at in verbs or at in function_words)):
                break
            nouns.append(w)
        if nouns:
            return analyze.stem(nouns[-1])
    return None


def _finite_verbs(text: str, tags: tuple[str, ...] = ("VBD", "VBZ", "VBP")) -> set[int]:
    """The offsets of the verbs in the past or present tense (`tags`), as the tagger reads the question."""
    return {t.idx for t in spans.parse(text) if t.tag_ in tags and t.pos_ == "VERB"}


def _verb_at(text: str, offset: int) -> bool:
    """Whether the word at `offset` is a verb in the past or present tense, as the tagger reads the question."""
    return offset in _finite_verbs(text, ("VBD", "VBZ"))


# Focus words that ask for a code ("the contract number", "its designation"), not a count.
CODE_WORDS = frozenset({"number", "code", "designation", "identifier"})


def _typed_count(text: str) -> str | None:
    """The plural a question typed as search words opens with, which asks how many ("army accessions thru march
    2011", "army reserve new recruits fy2011"): the last word of its first run of nouns and adjectives, when the
    tagger reads it as a plural noun. A run that ends in a singular ("contract max value") asks for something else,
    as does a question word anywhere ("hicks talk ... was about what")."""
    doc = spans.parse(text)
    if any(t.tag_ in _WH_TAGS for t in doc):
        return None
    run: list[Token] = []
    for t in doc:
        if run and wordnet.is_kind_of(t.lower_, "count"):
            # "dcip grant count 2025", "troop count iraq": a count, as WordNet knows one, of the noun before it (the
            # tagger reads "count" after a noun typed so as a verb or a name).
            return run[-1].text
        if t.pos_ not in ("NOUN", "PROPN", "ADJ") or t.lower_ in analyze.STOP_WORDS or any(c.isdigit() for c in t.text):
            break
        run.append(t)
    last = run[-1] if run else None
    return last.text if last is not None and last.tag_ == "NNS" and last.pos_ == "NOUN" else None


# The tagger's question words: "what", "which", "who", "whose", "when", "where", "why", "how".
_WH_TAGS = frozenset({"WDT", "WP", "WP$", "WRB"})


def _nominal_head(text: str) -> str | None:
    """The noun asked for by a question typed as a noun phrase, by its parse: "release number of carters mansur
    statement" -> number, "name of the vessel hit by the laser" -> name. Only a head with a phrase of its own
    after it ("of ...", "for ..."): in "austin umerov meeting" every word is search words, none is asked for."""
    root = next((t for t in spans.parse(text) if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ != "NOUN" or not any(c.dep_ == "prep" and c.i > root.i for c in root.children):
        return None
    return analyze.stem(root.text.lower())


# Words that frame a question without being its subject: they need not stand in the evidence.
FRAME_WORDS = frozenset(analyze.stem(w) for w in """
according per say said says statement readout release article remarks note noted cite cited mention mentioned
name named describe described call called report reported announce announced state stated what which who
total value worth much many number amount figure figures kind type exact exactly age old
held hold holds took take takes place made make makes want wanted reach reached previous previously issue issued
give gave get got put
speak spoke spoken talk talked telephone telephoned discuss discussed
""".split())
# "how many accessions", "how many of the reserve components": the word after "how many", when the parse finds
# no noun it counts ("how many hrs into the job").
_COUNTED = re.compile(r"\bhow many\s+(?:of\s+the\s+)?(?-i:[A-Z.]{2,}\s+)?([\w-]+)", re.IGNORECASE)


def _counted(text: str) -> str | None:
    """The word for what "how many" counts, by the parse: the head of the noun phrase "many" modifies ("how many
    marine corps accessions" -> accessions, not "marine"), or the object of its "of" ("how many of the reserve
    components"). A plural the tagger reads as a verb right after the noun it made its subject is the head still
    ("how many navy recruits fy11": recruits)."""
    doc = spans.parse(text)
    many = next((t for t in doc if t.lower_ == "many" and t.i and doc[t.i - 1].lower_ == "how"), None)
    if many is None:
        return None
    head = many.head
    if head.pos_ in ("NOUN", "PROPN") and head.i > many.i:
        while head.dep_ == "compound" and head.head.i > head.i:
            head = head.head
        after = doc[head.i + 1] if head.i + 1 < len(doc) else None
        if after is not None and head.dep_ == "nsubj" and head.head == after and after.tag_ == "VBZ" \
                and after.pos_ == "VERB" and after.lemma_ not in ("be", "do", "have"):
            head = after
        return head.text
    of = next((c for c in many.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    objects = [c for c in of.children if c.dep_ == "pobj"] if of is not None else []
    if objects:
        return objects[0].text
    m = _COUNTED.search(text)
    word = next((t for t in doc if m and t.idx == m.start(1)), None)
    return m.group(1) if m and word is not None and word.pos_ in ("NOUN", "PROPN", "ADJ") else None


# "who is umerov", "who was Rustem Umerov?": who a named person is, answered by the title the releases give.
_IDENTITY = re.compile(r"^\s*who\s+(?:is|was)\s+(?!the\b|an?\b)"
                       r"([A-Za-z][\w.’'-]*(?:\s+[A-Za-z][\w.’'-]*){0,3})\s*\??\s*$", re.IGNORECASE)


def _asks_origin(text: str) -> bool:
    """Whether "where ... from" asks where someone comes from, by the parse: a question opened by "where" ends on
    the preposition "from", left without an object of its own."""
    words = [t for t in spans.parse(text) if not t.is_punct]
    return len(words) > 2 and words[0].lower_ == "where" and words[-1].lower_ == "from" and words[-1].dep_ == "prep"


def _asks_what_is(question: str, focus: str) -> bool:
    """Whether the question asks what its focus noun is ("what is the ceiling"), by its parse: "what" and the noun
    are the two sides of one copula."""
    doc = spans.parse(question)
    return any(t.lemma_ == "be" and any(c.lower_ == "what" for c in t.children)
               and any(analyze.stem(c.lower_) == focus and c.dep_ in ("nsubj", "attr") for c in t.children)
               for t in doc)


def _asked_prep(text: str) -> str | None:
    """The preposition a question opens with before its question word ("Since what date had Abizaid led ...",
    "since when had maciel served"): the value asked stands after the same preposition in the text ("since July
    7, 2003"), not after another ("announced Jan. 17")."""
    doc = spans.parse(text)
    if len(doc) < 2 or doc[0].pos_ not in ("ADP", "SCONJ") or doc[1].tag_ not in _WH_TAGS \
            or doc[0].lower_ in _PLAIN_PREPS:
        return None
    return doc[0].lower_


# Prepositions that only place a value ("in what year", "on what date", "at which base"): the text may give it
# after any of them, or none ("the 2005 release"); "since", "until", "by", "from" bound it.
_PLAIN_PREPS = frozenset({"in", "on", "at"})


def _measured(question: str) -> str | None:
    """The noun a "how much was the X" question measures, by its parse: the subject of its copula."""
    root = next((t for t in spans.parse(question) if t.dep_ == "ROOT"), None)
    if root is None or root.lemma_ != "be":
        return None
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ == "NOUN"), None)
    return analyze.stem(subject.lower_) if subject is not None else None


def _acted(question: str) -> bool:
    """Whether "who is/was" goes on with a verb, the act asked about ("who is holding the hostages", "who was
    nominated"), not with whom it asks about ("who is hegseth")."""
    doc = spans.parse(question)
    return len(doc) > 2 and doc[1].lemma_ == "be" and doc[2].tag_ in ("VBG", "VBN")


def _a_name_not_a_role(phrase: str) -> bool:
    """Whether the phrase after "who is" names someone ("umerov", "Lloyd Austin", "hicks") rather than a role
    ("russia's defense minister", "russias defence minister"): a role is a phrase whose head is a kind of person
    in WordNet and no one's name ("minister", not "Carter"), with words before it that say whose or which."""
    doc = spans.parse(phrase)
    head = next((t for t in doc if t.dep_ == "ROOT"), doc[-1])
    return len(doc) < 2 or head.ent_type_ == "PERSON" or bool(wordnet.names(head.text.capitalize())) or \
        not wordnet.is_kind_of(head.lower_, "person")


# What opens a question (or a follow-up); a text without one, and without "?", is search words.
_ASKING = re.compile(r"^\s*(?:who|whom|whose|what|when|where|which|why|how|is|are|was|were|did|does|do|can|could|"
                     r"will|would|should|has|have|had|tell|list|show|give|name|describe|explain|summari[sz]e|and|but|"
                     r"so|also|then|in|on|at|for)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Question:
    text: str
    terms: list[str]
    kind: AnswerType
    focus: str | None = None  # the stemmed noun of "which X" / "what X"
    counted: str | None = None  # the stemmed noun of "how many X"
    counted_word: str | None = None  # that noun as written ("troops"), for the lexicon
    idf: dict[str, float] = field(default_factory=dict)
    identity: str | None = None  # "who is NAME": the name, whose title is the answer
    keywords: bool = False  # typed as search words ("patriot missiles ukraine"): every word is the subject
    subject: frozenset[str] | None = None  # terms whose absence may decline it (qa.text.subject); None: all
    frame_numbers: frozenset[str] = frozenset()  # numbers that count what is asked for: "which four countries"
    role: frozenset[str] = frozenset()  # "who is the secretary of the army": the role's terms the person needs
    names: frozenset[str] = frozenset()  # the subject's proper names, read by the parser ("norway", "Gallant")
    circumstance: frozenset[str] = frozenset()  # terms of its adverbial clause ("while he met ... in Brussels")
    designated: frozenset[str] = frozenset()  # "who did bush pick for secretary of state": what they were named as
    unheard: frozenset[str] = frozenset()  # names of the subject no release holds in any form ("f16s")
    # Each term of a thing the reader wrote otherwise ("dept", "FY2014", "met"), with the terms of every form of
    # it: what search appended (qa.index.spelling) counts as holding it.
    forms: dict[str, tuple[frozenset[str], ...]] = field(default_factory=dict)
    act: roles.Role | None = None  # "who signed ...": the act whose doer (or object) is asked for (qa.text.roles)
    origin: bool = False  # "where was kirkpatrick from": the place the person is from, not where they were
    what_is: bool = False  # "whats the ceiling": what the text says the focus noun is ("... is $535,000,000")
    measured: str | None = None  # "how much was the grant": the noun an amount asked for measures
    asked_prep: str | None = None  # "since what date", "since when": the preposition that governs the value asked

    @property
    def typed(self) -> bool:
        """Whether the reader typed it in haste (search words, or a question begun in lower case): its words are
        the reader's own more often than the releases'."""
        return self.keywords or self.text[:1].islower()

    @property
    def asks_phrase(self) -> bool:
        """Whether the answer is the phrase filling the act's role ("what did they discuss"), not a value of a
        kind: no kind checks it against the question."""
        return self.kind is AnswerType.OTHER and self.focus is None and self.act is not None

    @property
    def term_set(self) -> set[str]:
        return set(self.terms)

    @property
    def pairs(self) -> set[tuple[str, str]]:
        return set(zip(self.terms, self.terms[1:]))

    @cached_property
    def written(self) -> str:
        """The question as the reader wrote it, without the forms appended for search."""
        return spelling.alternatives(self.text)[0]

    @cached_property
    def within(self) -> str | None:
        """The place a "where" question asks within, as its parse reads it: "greece" of "where in greece were the
        tankers going" ("where" and the preposition right after it, both on one head); None for another question."""
        doc = spans.parse(self.written)
        for tok in doc[:-1]:
            nxt = doc[tok.i + 1]
            if tok.lower_ == "where" and nxt.lower_ in ("in", "within") and nxt.head == tok.head:
                place = [t for t in nxt.children if t.dep_ == "pobj"]
                if place:
                    words = [t for t in place[0].subtree if t.dep_ != "det"]
                    return " ".join(t.text for t in words) or None
        return None

    @cached_property
    def _own_verbs(self) -> list[Token]:
        """The verbs of the question as the reader wrote it, not of the forms appended for search."""
        return [tok for tok in spans.parse(self.written) if tok.pos_ == "VERB"]

    @cached_property
    def acts(self) -> frozenset[str]:
        """Terms of the question's own verbs, what it asks happened ("promoted", "removed"); the common ones
        ("do", "say") weigh little by their idf."""
        return frozenset(t for tok in self._own_verbs for t in analyze.terms(tok.text))

    @cached_property
    def shortfall(self) -> bool:
        """Whether "which X" asks for the one that fell short of its goal (qa.answer.goals)."""
        return self.focus is not None and goals.asks_shortfall(self.written)

    @cached_property
    def asks_cause(self) -> bool:
        """Whether the reader asks why something happened ("what killed him", "the cause of the crash")."""
        return cause.asks_cause(self.written)

    @cached_property
    def verbs(self) -> tuple[str, ...]:
        """Lemmas of the question's own verbs ("keep" of "will emagin keep"), for WordNet."""
        return tuple(tok.lemma_.lower() for tok in self._own_verbs)

    @property
    def key_terms(self) -> list[str]:
        """Content terms of the question, rarest first, frame words left out."""
        keys = {t for t in self.terms if t not in FRAME_WORDS and t != self.focus}
        return sorted(keys, key=lambda t: (-self.idf.get(t, 0.0), t))  # ties by name: the same order in every run

    def reports_period(self, release_text: str) -> bool:
        """Whether the release reports figures through the month the question asks through ("through March")."""
        through = dates.months_through(self.text)
        return bool(through) and dates.reports_through(release_text, through)

    def reported_period(self, release_text: str) -> set[str]:
        """The terms of the period the question asks through ("through March of fiscal 2011") when the release
        reports figures through that month: the release stands for them as a release's date stands for its own."""
        if not self.reports_period(release_text):
            return set()
        return {t for p in dates.period_phrases(self.text) for t in analyze.terms(p)}

    @cached_property
    def anchors(self) -> dict[str, float]:
        """The question's terms with their idf (1 when unknown), and the terms of each one's other forms at its
        weight: a text says where the question's "latvian" stands by "Latvia". Read once per question."""
        weights = {t: self.idf.get(t, 1.0) for t in self.terms}
        for term in self.terms:
            for form in self.forms.get(term, ()):
                for other in form:
                    weights.setdefault(other, weights[term])
        return weights

    def holds(self, term: str, held: set[str]) -> bool:
        """Whether `held` (a text's terms) holds the question's term in the reader's form or another of its forms."""
        return term in held or any(form <= held for form in self.forms.get(term, ()))

    def weight(self, terms: set[str]) -> float:
        """The idf mass of the question's key terms among `terms`."""
        return sum(self.idf.get(t, 0.0) for t in set(self.key_terms) & terms)

    @property
    def total_weight(self) -> float:
        return sum(self.idf.get(t, 0.0) for t in set(self.key_terms)) or 1.0


def _forms(text: str) -> dict[str, tuple[frozenset[str], ...]]:
    """Each term of the trailer's groups (`dept = department`), with the terms of all forms of its group; each
    people's word or country the question names, with its other forms (qa.text.wordnet.peoples): a release saying
    "French Minister" holds "france", though search looks for the word as written; and each name the question
    writes in capitals, with the other names of what it names ("U.S.": "United States", qa.text.wordnet.names); and
    each region of countries it names, with its countries (`_places_within`)."""
    forms: dict[str, tuple[frozenset[str], ...]] = {}
    main, groups = spelling.alternatives(text)
    groups = groups + [(w, list(others)) for w in re.findall(r"[A-Za-z]+", main) if (others := wordnet.peoples(w))]
    groups = groups + [(n, list(others)) for n in _written_names(main) if (others := wordnet.names(n))]
    groups = groups + _places_within(main)
    for written, others in groups:
        group = tuple(f for f in spelling.form_terms(written, others) if f)
        for form in group:
            for term in form:
                forms[term] = tuple(dict.fromkeys(forms.get(term, ()) + group))
    return forms


def _places_within(text: str) -> list[tuple[str, list[str]]]:
    """Each region of countries the question names (a word or two, or a people's word: "european", "middle east"),
    with its countries and their peoples' words: a release naming France, or its "French Minister", is about a
    European one."""
    words = re.findall(r"[A-Za-z][\w-]*", text)
    pairs = [" ".join(pair) for pair in zip(words, words[1:])]
    # A word of a two-word name is no place of its own: "Korea" of "North Korea" is not the peninsula.
    named = {w for pair in pairs if wordnet.senses(pair) for w in pair.split()}
    out = []
    for written in [*(w for w in words if w not in named), *pairs]:
        within = [c for place in (written, *wordnet.peoples(written)) for c in wordnet.countries_of(place)]
        if within:
            out.append((written, list(dict.fromkeys(x for c in within for x in (c, *wordnet.peoples(c))))))
    return out


def _written_names(text: str) -> list[str]:
    """Runs of capitalised words, and the abbreviations in them, as written: "United States", "U.S.", "PRC". A
    word in lower case is no name here ("what did he tell us"), nor one word of a longer name ("Bond")."""
    runs = re.findall(r"[A-Z][\w.’'-]*(?:\s+(?:of\s+)?[A-Z][\w.’'-]*)*", text)
    words = [w for run in runs for w in run.split() if w.isupper() or "." in w.rstrip(".")]
    return list(dict.fromkeys(x for n in [*runs, *words] for x in (n, n.rstrip(".")) if x))


# "whats", "what's", "whos": hurried readers' contractions of the question word.
_CONTRACTED = re.compile(r"\b(what|who|where|when|which)['’]?s\b", re.IGNORECASE)


# "who heads darpa", "who commanded centcom": a verb whose doer holds an office.
_WHO_DOES = re.compile(r"^\s*who\s+\S+\s+(.+?)\s*\??\s*$", re.IGNORECASE)


def _held(question: str) -> str:
    """"Who heads darpa" read as the office it asks who holds, "who is the head of darpa", when the verb has a
    noun for its doer that WordNet knows as a kind of leader ("commander", "director", "head"; not "attacker");
    else the question as it is. Releases name the holder by the office ("DARPA Director Arati Prabhakar"), rarely
    by the act."""
    m = _WHO_DOES.match(question)
    verb = spans.parse(question)[1] if m else None
    if m is None or verb is None or verb.tag_ not in _HELD_WHEN:
        return question
    lemma = verb.lemma_.lower()
    for noun in (f"{lemma}er", f"{lemma}r", f"{lemma}or", lemma):
        if wordnet.senses(noun) and wordnet.is_kind_of(noun, "leader", first=None, depth=_OFFICE_DEPTH):
            return f"who {_HELD_WHEN[verb.tag_]} the {noun} of {m[1]}"
    return question


# The tense of the office asked: "who heads" is who holds it now, "who headed" who held it then.
_HELD_WHEN = {"VBZ": "is", "VBD": "was"}


# Offices climb far to "leader" (director -> administrator -> head -> leader, in some senses further).
_OFFICE_DEPTH = 10


def _object_asked(question: str) -> roles.Role | None:
    """The act whose object "what did X <verb>" asks for, by the parse or, where it misses the verb, by stem."""
    role = roles.asked(question)
    return role if role is not None and role.verb != "do" else roles.asked_object(question)


_MONEY_WORDS = frozenset(analyze.terms("money dollars cash"))


def analyse(text: str, idf: dict[str, float], common_top: int | None = None,
            unheard: frozenset[str] = frozenset(), reworded: frozenset[str] = frozenset(),
            asked: str | None = None, named: frozenset[str] = frozenset()) -> Question:
    """The question read once. With `common_top` (the pipeline's), its subject, frame numbers and role are read
    off the parse (nouns among that many most frequent English words are frame words); without, every key term
    is its subject, as for a question analysed for its terms alone. `unheard`: terms no release holds in any
    form; `reworded`: terms the releases write otherwise ("FY2014"), never counted as names they lack; `asked`:
    the question as the reader wrote it, without the forms search appended, whose parse gives the subject;
    `named`: terms of words typed in lower case that the releases write as names (qa.text.casing), names of the
    subject as those the parser reads are."""
    text = _CONTRACTED.sub(r"\1 is", text)
    asked = _CONTRACTED.sub(r"\1 is", asked) if asked else None
    # A question whose kind its shorthand hides is read written out: "which sec def announced" asks for a person,
    # the one who announced.
    read = text if answer_type(text) is not AnswerType.OTHER else spelling.spelled_out(text)
    acting = (asked or text) if read == text else spelling.spelled_out(asked or text)
    kind = answer_type(read)
    focus = _focus(read) if kind in (AnswerType.OTHER, AnswerType.PLACE, AnswerType.PERSON) else None
    if (word := _counted(text)) is not None:
        word = spelling.spelled_out(word).split()[-1]  # "how many hrs" counts hours, the word releases write
    if focus is None and kind is AnswerType.OTHER and not _WH.search(text):
        head = _nominal_head(text)
        focus = head if head in CODE_WORDS else None  # "contract number for the us foods award": a code is asked for
        if focus is None and (word := _typed_count(text)) is not None:
            kind = AnswerType.COUNT
    counted = next(iter(analyze.terms(word)), None) if word else None
    identity = m.group(1) if (m := _IDENTITY.match(text)) and _a_name_not_a_role(m.group(1)) and \
        not _acted(text) else None
    # "by how many did the air natl guard miss": a question opening with the preposition its question word takes.
    prep = _asked_prep(text)
    keywords = "?" not in text and not _ASKING.match(text) and prep is None
    about = subject(asked or text, common_top) if common_top is not None and not keywords else None
    if about is not None and kind is AnswerType.MONEY:
        # "how much money": the word names the kind of value asked, as the amount does; no release need say it.
        about = replace(about, terms=about.terms - _MONEY_WORDS, names=about.names - _MONEY_WORDS)
    return Question(text=text, terms=analyze.terms(text), kind=kind, focus=focus, counted=counted, idf=idf,
                    counted_word=word, forms=_forms(text), identity=identity, keywords=keywords,
                    subject=about.terms if about else None,
                    frame_numbers=about.frame_numbers if about else frozenset(),
                    role=role(_held(spelling.spelled_out(asked or text))) if about and kind is AnswerType.PERSON
                    and not identity else frozenset(),
                    names=(about.names | (named & about.terms)) - reworded if about else frozenset(),
                    circumstance=about.circumstance if about else frozenset(),
                    designated=designation(spelling.spelled_out(asked or text)) if about and kind is AnswerType.PERSON
                    else frozenset(),
                    unheard=(unheard & about.names) - reworded if about else frozenset(),
                    origin=kind is AnswerType.PLACE and _asks_origin(text),
                    what_is=focus is not None and _asks_what_is(text, focus),
                    measured=_measured(text) if kind is AnswerType.MONEY else None, asked_prep=prep,
                    # "who signed", and "what did X urge" when no noun is asked for: the act whose doer or object
                    # is the answer.
                    act=roles.asked(acting) if kind is AnswerType.PERSON and _held(acting) == acting
                    else _object_asked(acting)
                    if kind is AnswerType.OTHER and focus is None and about is not None else None)
