"""Why a question is declined, said truthfully: which of its words no release found gives, and which only the
closest sentence or its release lacks.

A reader who is told "the releases do not mention Hegseth" stops looking; that is only true when no release found
names him. Each reason here reads what the candidates' releases hold before it says where a word is missing.
"""

from __future__ import annotations

from functools import lru_cache

from qa.answer.candidates import Evidence
from qa.answer.question import Question
from qa.answer.verify import release_terms, surface
from qa.index.store import Store
from qa.models import Hit
from qa.text import analyze, sentences, spans


def names_missing(q: Question, hit: Hit, store: Store) -> int:
    """How many names and numbers the question gives the hit's release lacks ("who wrote the hagel iraq article":
    Hagel; "the readout of the 8th ADMM-Plus": the 8th, which a release on another meeting of it never says)."""
    held = set(analyze.terms(store.release_text(hit.release_id))) | set(analyze.terms(hit.title)) | set(
        analyze.date_terms(hit.date))
    numbers = [t for t in q.key_terms if t.startswith("#") and t not in q.names and not q.holds(t, held)]
    return len(_lacking_in(q, held)) + len(numbers)


def lacking(q: Question, ev: Evidence) -> list[str]:
    """The names the question gives (and words no release holds) that the evidence's release holds in no form; or,
    when it holds each, the last word of a name of several words it never writes together ("Australian Princess"
    where it names Australia and Twilight Princess apart)."""
    return _lacking_in(q, release_terms(ev)) or _apart(q, ev)


def _apart(q: Question, ev: Evidence) -> list[str]:
    """The last word of a name of several words the question gives ("Australian Princess") when the release holds
    each of its words, never the two side by side, and writes that last word as part of another name ("Twilight
    Princess"): the question names something else than the release does. A person's name is let be: it is written
    with and without a rank or middle name."""
    phrases = _name_phrases(q.text)
    if not phrases:
        return []  # most questions: no release need be read for it
    text = analyze.terms(f"{ev.title}. {ev.release_text}")
    held, pairs = set(text), set(zip(text, text[1:]))
    for phrase in phrases:
        a, b = phrase[-2:]
        if {a, b} <= q.names and q.holds(a, held) and q.holds(b, held) \
                and not any(q.holds(a, {x}) and q.holds(b, {y}) for x, y in pairs) \
                and _named_otherwise(q, ev.release_text, a, b):
            return [b]
    return []


@lru_cache(maxsize=256)
def _name_phrases(question: str) -> tuple[tuple[str, ...], ...]:
    """The terms of each name of two words or more the question writes in capitals: a noun phrase the parser heads
    by a proper noun, each word a capitalised word ("Australian Princess"), none of a person the recogniser reads."""
    doc = spans.parse(question)
    people = {t.i for e in doc.ents if e.label_ == "PERSON" for t in e}
    words = [[t for t in c if t.dep_ != "det"] for c in doc.noun_chunks if c.root.pos_ == "PROPN"]
    return tuple(dict.fromkeys(
        terms for w in words if len(w) > 1 and not people & {t.i for t in w}
        and all(t.is_alpha and t.text[:1].isupper() and t.pos_ in ("PROPN", "ADJ") for t in w)
        and len(terms := tuple(analyze.terms(" ".join(t.text for t in w)))) > 1))


def _named_otherwise(q: Question, release: str, a: str, b: str) -> bool:
    """Whether the release writes `b` right after another capitalised word than `a`, in a name no person's."""
    for start, end in sentences.spans(release):
        sentence = release[start:end]
        if b not in analyze.terms(sentence):
            continue
        for t in spans.parse(sentence):
            if t.i and b in analyze.terms(t.text) and t.ent_type_ != "PERSON":
                before = t.nbor(-1)
                if before.is_alpha and before.text[:1].isupper() and not q.holds(a, set(analyze.terms(before.text))):
                    return True
    return False


def lacking_said(q: Question, absent: list[str], lacks: list[list[str]]) -> str:
    """Why the names the best release lacks (`absent`) decline: those no release found names ("norway"), else that
    none names them all together ("austin" and "aug 23": Austin's releases are of other days, the one of Aug. 23 is
    not his). `lacks`: what each candidate's release lacks."""
    never = [t for t in absent if all(t in lacked for lacked in lacks)]
    if never:
        return "the releases do not mention " + ", ".join(f"“{surface(q, t)}”" for t in never[:3])
    order = list(dict.fromkeys(q.terms))  # as the question gives them: "Living Daylights", not "Daylights Living"
    said = [f"“{surface(q, t)}”" for t in sorted(absent[:3], key=order.index)]
    held = [f"“{w}”" for t in order if t in q.names and t not in absent and len(w := surface(q, t)) > 1]
    if held:
        return f"no release found mentions {', '.join(said)} together with {', '.join(held[:3])}"
    return f"no release found mentions {' and '.join(said)} together"


def unsaid_said(q: Question, gone: list[str], found: list[Evidence],
                 closest: str = "the closest sentence found says nothing about",
                 nowhere: str = "the releases do not say anything about") -> str:
    """Why the closest sentence (or its release: `closest` says which), without the question's words `gone`,
    declines: that no release found says anything about them ("job"), else that the closest does not ("after
    rome": the release films in Rome, its sentence that gives a place is about Morocco; "hegseth ... on day one":
    the release of "from day one" is not Hegseth's)."""
    words = ", ".join(f"“{surface(q, t)}”" for t in gone[:3])
    releases = {e.release_id: e for e in found[:_REASON_RELEASES]}.values()
    if any(q.holds(t, release_terms(e)) for e in releases for t in gone):
        return f"{closest} {words}"
    return f"{nowhere} {words}"


# How many of the best-ranked candidates' releases are read to tell which a decline's words stand in.
_REASON_RELEASES = 10


def _lacking_in(q: Question, held: set[str]) -> list[str]:
    """The names the question gives (and words no release holds) that `held`, a release's terms, has in no form."""
    return [t for t in q.key_terms if t in q.names | q.unheard and not q.holds(t, held)]
