"""A release in brief: its figures, people, bodies, equipment and quotes read off its sentences, and a
short summary from the model that is kept only when everything it states stands in the release."""

from __future__ import annotations

from collections.abc import Callable

from qa.brief import extract
from qa.brief.prose import grounded_prose
from qa.index.store import Store
from qa.llm import prompting
from qa.llm.client import ModelClient, Usage
from qa.llm.model_value import wanted
from qa.schemas import ReleaseSummary, SummaryReply
from qa.settings import Settings
from qa.text import boilerplate
from qa.text.tokens import count


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
            summary=summary, summary_mode=mode, key_facts=extract.fact_sentences(text),
            dollar_amounts=[f for f in facts if f.kind == "money"], people=extract.people(text),
            organizations=extract.organizations(text), places=extract.places(text), equipment=extract.equipment(text),
            quotes=extract.quotations(text), ungrounded=problems, prompt=self.prompt.tag, usage=usage,
        )

    def _release_block(self, title: str, date: str, text: str) -> str:
        """The release as quoted data, cut to whole sentences within the token budget."""
        kept, used = [], 0
        for s, e in boilerplate.content_sentences(text):
            n = count(text[s:e], self.settings.index.encoding) + 1
            if used + n > self.settings.model.text_budget:
                break
            kept.append(text[s:e])
            used += n
        head = " | ".join(p for p in ("RELEASE", title, date) if p)
        return f"<<<{head}\n{' '.join(kept)}\nEND>>>"

    def _summary(self, title: str, date: str, text: str) -> tuple[str, str, list[str], list[Usage]]:
        if not wanted(self.settings.answer.mode, self.settings.model.model, self.settings.answer.reports):
            return extract.lead(text), "extractive", [], []
        messages = self.prompt.messages(release=self._release_block(title, date, text))
        summary, problems, usage = grounded_prose(self._client_factory, self.prompt, messages, SummaryReply,
                                                  "summary", title + "\n" + date + "\n" + text, "summary",
                                                  "the release", "summary")
        if summary is not None:
            return summary, "model", [], usage
        return extract.lead(text), "extractive", problems, usage
