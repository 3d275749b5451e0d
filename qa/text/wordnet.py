"""Which English noun is a kind of which, from Princeton WordNet 3.0's noun hierarchy (hypernyms).

"What unit was Thompson in?" asks for a unit; the release names "3rd Battalion, 1st Special Forces Group". No
word of the answer is "unit", and a sentence encoder finds "device" as near to "unit" as "battalion" (it knows
words that come up together, not what a thing is). WordNet, a lexicon of English built by linguists and fitted to
no question here, says a battalion is an army unit, a military unit, a unit.

The same lexicon ties a people's adjective to its country ("French" pertains to France, "Saudi" to Saudi
Arabia): a reader asks about "france" where a readout says "French Minister of Defense"; and it gives the names
one thing goes by ("US", "U.S.", "United States", "America"; "UK", "Britain"), and which named places are parts of
which ("France" of Europe, "Indonesia" of Southeast Asia): a readout of calls with the ministers of France, Germany
and Poland is one with "the european ministers".

And its verbs say which act is a way of which: "who started the efforts" is answered by "initiated by Gen. Eric
Shinseki".

All ship beside this module, written by scripts/build-wordnet from the database of the Debian package
`wordnet-base` (WordNet 3.0 license in WORDNET-LICENSE): wordnet-nouns.txt.gz (1 MB: each noun synset's
hypernyms and instance hypernyms, each noun lemma's synsets, most frequent sense first), wordnet-verbs.txt.gz
(the same for verbs), wordnet-peoples.txt, wordnet-names.txt and wordnet-parts.txt.
Each is read once per process, when a question first needs it.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from qa.text import analyze

DATA = {pos: Path(__file__).with_name(f"wordnet-{pos}s.txt.gz") for pos in ("noun", "verb")}
PEOPLES = Path(__file__).with_name("wordnet-peoples.txt")
NAMES = Path(__file__).with_name("wordnet-names.txt")
PARTS = Path(__file__).with_name("wordnet-parts.txt")
# Senses of the word tried, most frequent first: rarer ones make a name a kind of anything ("Rome" is also the
# Roman Catholic Church, a group). Every sense of the kind asked is tried: "unit" asks for a military unit in one
# sense of its six.
SENSES = 1
# How far up the hierarchy a kind is looked for: battalion -> army unit -> military unit -> unit is three steps.
# Verbs climb fast to the most general ("initiate" -> "begin" -> "change"), so two steps at most.
DEPTH = {"noun": 6, "verb": 2}


@lru_cache(maxsize=2)
def _load(pos: str) -> tuple[list[tuple[int, ...]], dict[str, tuple[int, ...]]]:
    """The hypernyms of each synset (by its number) and the synsets of each lemma (spaces as underscores)."""
    lines = gzip.decompress(DATA[pos].read_bytes()).decode("utf-8").splitlines()
    n = int(lines[0])
    ups = [tuple(map(int, line.split())) for line in lines[1:n + 1]]
    lemmas = {}
    for line in lines[n + 1:]:
        word, *synsets = line.split()
        lemmas[word] = tuple(map(int, synsets))
    return ups, lemmas


def senses(word: str, pos: str = "noun") -> tuple[int, ...]:
    """The synsets of a noun (or a verb's lemma), most frequent first; a plural is read as its singular ("missiles",
    "batteries")."""
    _, lemmas = _load(pos)
    lemma = "_".join(word.lower().split())
    for form in (lemma, lemma[:-1] if lemma.endswith("s") else "", lemma[:-2] if lemma.endswith("es") else "",
                 lemma[:-3] + "y" if lemma.endswith("ies") else ""):
        if form in lemmas:
            return lemmas[form]
    return ()


def is_kind_of(word: str, kind: str, first: int | None = SENSES, pos: str = "noun", depth: int | None = None) -> bool:
    """Whether the word's `first` senses (None: all) have, within DEPTH (or `depth`) steps up, a synset of which
    `kind` is a lemma ("battalion" is a kind of "unit"; "Rome" is no kind of "group"). For verbs (`pos="verb"`), one
    act that is a way of another or the same ("initiate" is to "start", "telephone" to "call")."""
    targets = set(senses(kind, pos))
    if not targets:
        return False
    ups, _ = _load(pos)
    frontier = set(senses(word, pos)[:first])
    seen: set[int] = set()
    for _ in range((DEPTH[pos] if depth is None else depth) + 1):
        if targets & frontier:
            return True
        seen |= frontier
        frontier = {up for s in frontier for up in ups[s]} - seen
        if not frontier:
            break
    return False


def kin(word: str, other: str) -> bool:
    """Whether two nouns name one thing or two of a kind in some sense: a sense of each, or its hypernym, is shared
    ("tracks" and "selections", both musical compositions; "ships" and "vessels")."""
    ups, _ = _load("noun")

    def near(w: str) -> set[int]:
        return {x for s in senses(w) for x in (s, *ups[s])}

    return bool(near(word) & near(other))


@lru_cache(maxsize=1)
def _peoples() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for line in PEOPLES.read_text(encoding="utf-8").splitlines():
        adjective, noun = line.split("\t")
        out.setdefault(adjective.lower(), []).append(noun)
        out.setdefault(noun.lower(), []).append(adjective)
    return {k: tuple(v) for k, v in out.items()}


def peoples(name: str) -> tuple[str, ...]:
    """A people's adjective's countries, or a country's adjectives: "chinese" -> ("China",), "France" ->
    ("French",); none for another word."""
    return _peoples().get(name.lower(), ())


def terms_as_peoples(words: list[str]) -> set[str]:
    """The terms of `words` with those of each one's people's forms: "Russian" holds "russia" too, "Latvia"
    "latvian"."""
    return {t for w in words for form in (w, *peoples(w)) for t in analyze.terms(form)}


@lru_cache(maxsize=1)
def peoples_terms() -> frozenset[str]:
    """The index terms of every country and people's word: "saudi", "latvia", "latvian"."""
    return frozenset(t for name in _peoples() if len(terms := analyze.terms(name)) == 1 for t in terms)


@lru_cache(maxsize=1)
def _names() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for line in NAMES.read_text(encoding="utf-8").splitlines():
        group = line.split("\t")
        for name in group:
            out.setdefault(name.lower(), []).extend(n for n in group if n.lower() != name.lower())
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


def names(name: str) -> tuple[str, ...]:
    """The other proper names of what a proper name names: "US" -> ("United States", ..., "America", "U.S.",
    ...); none for another word. The caller decides that the word is written as a name (in capitals)."""
    return _names().get(name.lower(), ())


@lru_cache(maxsize=2)
def _ties(upward: bool) -> dict[str, tuple[str, ...]]:
    """Each named place with the places it is part of (`upward`), or with its parts."""
    out: dict[str, list[str]] = {}
    for line in PARTS.read_text(encoding="utf-8").splitlines():
        part, whole = line.split("\t")
        key, value = (part, whole) if upward else (whole, part)
        out.setdefault(key.lower(), []).append(value)
    return {k: tuple(v) for k, v in out.items()}


def parts(place: str) -> tuple[str, ...]:
    """The names of the named places WordNet makes parts of a named place, one step down: "Europe" -> ("Andorra",
    "Austria", ..., "France", ...); none for another word."""
    return _ties(upward=False).get(place.lower(), ())


def within(place: str, region: str, depth: int = 3) -> bool | None:
    """Whether WordNet puts a named place inside another, climbing its part-of ties `depth` steps ("Baghdad" in
    Iraq; "Athens" in Greece); False when it knows the place only elsewhere ("Spokane" is in Washington, not
    Greece); None when it does not know the place."""
    region = region.lower()
    if place.lower() == region:
        return True
    level = _ties(upward=True).get(place.lower())
    if not level:
        return None
    seen: set[str] = set()
    for _ in range(depth):
        if any(w.lower() == region for w in level):
            return True
        seen.update(w.lower() for w in level)
        level = tuple(u for w in level for u in _ties(upward=True).get(w.lower(), ()) if u.lower() not in seen)
    return False


@lru_cache(maxsize=256)
def countries_of(region: str) -> tuple[str, ...]:
    """The countries of a region made of countries (a continent, "Middle East", "Central America"), as WordNet's
    parts of it; none for a country, a city or a sea, whose parts are mostly provinces, districts or coasts ("London"
    is no region of countries for its "City of London", nor the Pacific for New Zealand)."""
    within = parts(region)
    countries = tuple(p for p in within if is_kind_of(p, "country"))
    return countries if len(countries) >= _COUNTRIES and 3 * len(countries) >= len(within) else ()


# The fewest countries a region of countries has (Central America has 13 names of 7; Korea's two have 6 names).
_COUNTRIES = 3
