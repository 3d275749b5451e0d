"""Retrieved chunks to prompt passages: neighbours merged, best first, within a token budget."""

from __future__ import annotations

from dataclasses import dataclass, field

from qa import analyze, sentences
from qa.models import Hit
from qa.store import Store
from qa.tokens import DEFAULT_ENCODING, count


@dataclass
class Passage:
    n: int
    release_id: str
    title: str
    date: str
    source: str
    chunk_ids: list[str]
    spans: list[tuple[int, int]]  # sentence spans in the release text, in order
    release_text: str = field(repr=False)

    @property
    def text(self) -> str:
        return " ".join(self.release_text[s:e] for s, e in self.spans)

    def render(self) -> str:
        head = " | ".join(p for p in (f"PASSAGE {self.n}", self.title, self.date) if p)
        return f"<<<{head}\n{self.text}\nEND>>>"


def _merge(hits: list[Hit]) -> list[tuple[str, int, int, list[Hit]]]:
    """Hits of one release whose spans overlap or touch become one span; best hit first."""
    groups: list[tuple[str, int, int, list[Hit]]] = []
    for hit in hits:
        for i, (rid, start, end, members) in enumerate(groups):
            if rid == hit.release_id and hit.start <= end + 2 and hit.end >= start - 2:
                groups[i] = (rid, min(start, hit.start), max(end, hit.end), [*members, hit])
                break
        else:
            groups.append((hit.release_id, hit.start, hit.end, [hit]))
    return groups


def pack(question: str, hits: list[Hit], store: Store, budget: int, enc_name: str = DEFAULT_ENCODING) -> list[Passage]:
    """Passages for a prompt, best first, whole sentences, at most `budget` tokens of text.

    A passage that does not fit keeps the sentences sharing most words with the
    question (in their order), so the answer sentence survives the cut.
    """
    wanted = set(analyze.terms(question))
    passages: list[Passage] = []
    left = budget
    for rid, start, end, members in _merge(hits):
        text = store.release_text(rid)
        spans = [(start + s, start + e) for s, e in sentences.spans(text[start:end])]
        sizes = [count(text[s:e], enc_name) + 1 for s, e in spans]
        if sum(sizes) > left:
            overlap = [len(wanted & set(analyze.terms(text[s:e]))) for s, e in spans]
            by_overlap = sorted(range(len(spans)), key=lambda i: -overlap[i])
            keep: set[int] = set()
            used = 0
            for i in by_overlap:
                if used + sizes[i] <= left:
                    keep.add(i)
                    used += sizes[i]
            spans = [s for i, s in enumerate(spans) if i in keep]
            sizes = [n for i, n in enumerate(sizes) if i in keep]
        if not spans:
            break
        left -= sum(sizes)
        first = members[0]
        passages.append(Passage(n=len(passages) + 1, release_id=rid, title=first.title, date=first.date,
                                source=first.source, chunk_ids=[h.chunk_id for h in members], spans=spans,
                                release_text=text))
    return passages
