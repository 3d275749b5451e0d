"""Each release's meaning: the sentence encoder's vectors (qa.text.embed) of its title and lead sentences, which
briefing relevance compares a query with (qa.brief.relevance.nearest).

A release is encoded once. Its vectors are kept in this process (by release id and content hash) and in the index
(qa.index.meaning_store), so a later briefing, in this process or another, reads them back; ingest never encodes.
A briefing compares its query with every release of its date range, so the first one over a large index has many
releases to encode (25-50 a second on two cores, benchmarks/first_briefing.py): it encodes at most
`settings.brief.meaning_encode` new ones (search's candidates always, then the newest), saving each batch as it is
made, and the later briefings encode the rest. A release not yet encoded is found by its words only, as before
meaning was read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

from qa.index.meaning_store import MeaningStore
from qa.index.storage_errors import DAMAGED, StorageFault
from qa.index.store import BOILERPLATE_VERSION, Store
from qa.models import Release
from qa.text import boilerplate, embed
from qa.text.nlp import pipeline

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Content sentences read for a release's meaning, besides its title: its lead, which says what it is about. On the
# train briefings 1, 2, 3 and 8 keep the same wanted releases at their fitted floors; 1 lets in the fewest others
# (8 let Panetta's farewell into "Department of War name change").
LEAD_SENTENCES = 1
# The lead is a clause, as the overview's is (qa.brief.briefing.lead_span): a line of letterhead ("Office of the
# Assistant Secretary of Defense (Public Affairs)") says nothing of the release and is near every query about the
# department. Looked for among the first content sentences, each parsed alone (a whole release's parse would cost
# more than its encoding); none a clause (a transcript's letterhead and speakers' names): the title alone.
LOOKED = 5
# Releases encoded and saved together: a batch fills the encoder's batches, and an interrupted briefing loses
# at most one.
BATCH = 128
# Releases whose vectors a process keeps (3 KB each): past it the cache starts again, and the index still has them.
CACHED = 100_000

Progress = Callable[[int, int], None]

# By index, tag, release id and content hash: vectors found in memory are in that index too (or could not be kept).
_cache: dict[tuple[str, str, str, str], np.ndarray] = {}


def tag() -> str:
    """What a release's vectors are made by and of: the encoder, the lead's length, and the boilerplate marks
    that decide which sentence leads. Vectors of another tag are never read."""
    return (f"{embed.model_tag()}; title and {LEAD_SENTENCES} of the first {LOOKED} sentences, clauses only;"
            f" boilerplate {BOILERPLATE_VERSION}")


def lead(store: Store, release: Release) -> list[str]:
    """The release's title and lead, its first content sentences that are clauses: what its meaning is read from."""
    return leads(store, [release])[0]


def leads(store: Store, releases: Sequence[Release]) -> list[list[str]]:
    """`lead` of each release. The first sentence of every release is parsed together, then the next of those it
    was no clause of, and so on: most releases cost one short parse."""
    firsts = []
    for r in releases:
        text = store.release_text(r.id)
        firsts.append([text[s:e] for s, e in boilerplate.content_sentences(text, store.boilerplate(r.id))[:LOOKED]])
    out = [[r.title] for r in releases]
    for k in range(LOOKED):
        asked = [i for i, sentences in enumerate(firsts) if k < len(sentences) and len(out[i]) <= LEAD_SENTENCES]
        for i, doc in zip(asked, _parses([firsts[i][k] for i in asked])):
            if _clause(doc):
                out[i].append(firsts[i][k])
    return out


def _parses(sentences: list[str]) -> Iterator[Doc]:
    # The tagger and the parser say what a clause is; names and lemmas are not needed here.
    nlp = pipeline()
    return nlp.pipe(sentences, disable=[p for p in ("ner", "lemmatizer") if p in nlp.pipe_names])


def _clause(doc: Doc) -> bool:
    """Whether a sentence holds a verb with its subject."""
    return any(t.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in t.children)
               for t in doc)


class Meanings:
    """The meaning vectors of one index's releases, each made once."""

    def __init__(self, store: Store, progress: Progress | None = None) -> None:
        self.store = store
        self.progress = progress
        self._stored: MeaningStore | None = None
        self.tag = tag()
        self._where = str(store.path)

    def _kept(self) -> MeaningStore | None:
        if self._stored is None:
            try:
                self._stored = MeaningStore(self.store, embed.WIDTH)
            except StorageFault as err:  # its table cannot be made now: this briefing keeps its vectors in memory
                if err.code == DAMAGED:
                    raise
                return None
            except self.store.BUSY:
                return None
        return self._stored

    def of(self, releases: Sequence[Release], new: int | None = None) -> dict[str, np.ndarray]:
        """The vectors (one row per text) of those releases already made, and of at most `new` more (None: every
        one), made in the order given."""
        found: dict[str, np.ndarray] = {}
        missing: dict[str, Release] = {}
        for r in releases:
            v = _cache.get((self._where, self.tag, r.id, r.content_hash))
            if v is None:
                missing[r.id] = r
            else:
                found[r.id] = v
        kept = self._kept() if missing else None
        if kept is not None:
            loaded = kept.load(self.tag, {rid: r.content_hash for rid, r in missing.items()})
            self._remember(loaded, missing)
            found.update(loaded)
        todo = [r for rid, r in missing.items() if rid not in found][:new]
        for i in range(0, len(todo), BATCH):
            made = self._encode(todo[i:i + BATCH])
            if kept is not None:
                kept.save(self.tag, [(r.id, r.content_hash, made[r.id]) for r in todo[i:i + BATCH]])
            self._remember(made, missing)
            found.update(made)
            if self.progress:
                self.progress(min(i + BATCH, len(todo)), len(todo))
        return found

    def _encode(self, releases: Sequence[Release]) -> dict[str, np.ndarray]:
        texts = leads(self.store, releases)
        rows = embed.vectors([t for ts in texts for t in ts])
        bounds = np.cumsum([len(ts) for ts in texts])[:-1]
        return {r.id: part for r, part in zip(releases, np.split(rows, bounds))}

    def _remember(self, made: dict[str, np.ndarray], releases: dict[str, Release]) -> None:
        if len(_cache) + len(made) > CACHED:
            _cache.clear()
        for rid, v in made.items():
            _cache[(self._where, self.tag, rid, releases[rid].content_hash)] = v


def forget() -> None:
    """Empty this process's cache (a benchmark's cold start; the index keeps what it holds)."""
    _cache.clear()
