"""A release in brief: its figures, people, bodies, equipment and quotes read off its sentences, and a
short summary from the model that is kept only when everything it states stands in the release."""

from __future__ import annotations

from collections.abc import Callable

from qa import analyze, extract, grounding, prompting, sentences
from qa.llm_client import ModelClient, ModelError, Usage
from qa.schemas import ReleaseSummary, SummaryReply
from qa.settings import Settings
from qa.store import Store
from qa.tokens import count

# Share of a summary's words that must come from the release: a summary may rephrase, not invent.
OWN_WORDS = 0.7
# Share of each summary sentence's words that one sentence of the release must hold: words all found
# somewhere in the release can still be put together into something it never says.
SENTENCE_SUPPORT = 0.75


class Summarizer:
    def __init__(self, store: Store, settings: Settings, client: Callable[[], ModelClient]) -> None:
        self.store = store
        self.settings = settings
        self._client_factory = client
        self.prompt = prompting.load("summarize")

    def summarize(self, id_or_prefix: str) -> ReleaseSummary:
        rid = self.store.resolve(id_or_prefix)
        meta = self.store.release(rid)
        text = self.store.release_text(rid)
        summary, mode, problems, usage = self._summary(meta.title, meta.date, text)
        facts = extract.key_facts(text)
        return ReleaseSummary(
            release_id=rid, headline=meta.title or extract.lead(text, 1), date=meta.date, source=meta.source,
            summary=summary, summary_mode=mode, key_facts=facts,
            dollar_amounts=[f for f in facts if f.kind == "money"], people=extract.people(text),
            organizations=extract.organizations(text), equipment=extract.equipment(text),
            quotes=extract.quotations(text), ungrounded=problems, prompt=self.prompt.tag, usage=usage,
        )

    def _release_block(self, title: str, date: str, text: str) -> str:
        """The release as quoted data, cut to whole sentences within the token budget."""
        kept, used = [], 0
        for s, e in sentences.spans(text):
            n = count(text[s:e], self.settings.index.encoding) + 1
            if used + n > self.settings.model.text_budget:
                break
            kept.append(text[s:e])
            used += n
        head = " | ".join(p for p in ("RELEASE", title, date) if p)
        return f"<<<{head}\n{' '.join(kept)}\nEND>>>"

    def _summary(self, title: str, date: str, text: str) -> tuple[str, str, list[str], list[Usage]]:
        messages = self.prompt.messages(release=self._release_block(title, date, text))
        usage: list[Usage] = []
        problems: list[str] = []
        try:
            client = self._client_factory()
            for _ in range(2):
                reply, used = client.structured(messages, SummaryReply, name="summary",
                                                metadata={"prompt": self.prompt.tag})
                usage += used
                summary = whole_sentences(reply.summary)
                problems = problems_with(summary, title + "\n" + date + "\n" + text)
                if not problems:
                    return summary, "model", [], usage
                messages = [*messages, {"role": "assistant", "content": reply.model_dump_json()},
                            {"role": "user", "content": "That summary was rejected: " + "; ".join(problems)
                             + ". Write it again with names, numbers and dates from the release only."}]
        except ModelError as err:
            problems = [f"the model failed: {err}"]
        return extract.lead(text), "extractive", problems, usage


def whole_sentences(text: str) -> str:
    """The text without a last sentence cut off by the length limit."""
    text = text.strip()
    spans = sentences.spans(text)
    if len(spans) > 1 and not text.rstrip("”\"')").endswith((".", "!", "?")):
        return text[:spans[-2][1]]
    return text


def problems_with(summary: str, source: str) -> list[str]:
    """Why a summary cannot be printed: figures, names, dates or quotes the source does not hold,
    or too many words of its own."""
    if not summary.strip():
        return ["the summary is empty"]
    problems = [f"“{c.text}” is not in the release" for c in grounding.check(summary, [source]).ungrounded]
    words = set(analyze.terms(summary))
    if words and len(words & set(analyze.terms(source))) / len(words) < OWN_WORDS:
        problems.append("too many of its words are not in the release")
        return problems
    source_sentences = [set(analyze.terms(source[s:e])) for s, e in sentences.spans(source)]
    for s, e in sentences.spans(summary):
        said = set(analyze.terms(summary[s:e]))
        best = max((len(said & src) / len(said) for src in source_sentences), default=0.0) if said else 1.0
        if best < SENTENCE_SUPPORT:
            problems.append(f"no sentence of the release says “{summary[s:e][:80]}”")
    return problems
