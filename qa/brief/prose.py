"""Prose from the model, kept only when the releases back it: one retry told what was wrong, then none."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from qa.llm import prompting
from qa.llm.client import ModelClient, ModelError, Usage
from qa.text import analyze, grounding, sentences

# Share of a text's words that must come from the source: prose may rephrase, not invent.
OWN_WORDS = 0.7
# Share of each of its sentences' words that one sentence of the source must hold: words all found
# somewhere in the source can still be put together into something it never says.
SENTENCE_SUPPORT = 0.75


def whole_sentences(text: str) -> str:
    """The text without a last sentence cut off by the length limit."""
    text = text.strip()
    spans = sentences.spans(text)
    if len(spans) > 1 and not text.rstrip("”\"')").endswith((".", "!", "?")):
        return text[:spans[-2][1]]
    return text


def problems_with(text: str, source: str) -> list[str]:
    """Why a text cannot be printed as a summary of `source`: figures, names, dates or quotes the source
    does not hold, too many words of its own, or a sentence no sentence of the source backs."""
    if not text.strip():
        return ["the text is empty"]
    problems = [f"“{c.text}” is not in the release" for c in grounding.check(text, [source]).ungrounded]
    words = set(analyze.terms(text))
    if words and len(words & set(analyze.terms(source))) / len(words) < OWN_WORDS:
        problems.append("too many of its words are not in the release")
        return problems
    source_sentences = [set(analyze.terms(source[s:e])) for s, e in sentences.spans(source)]
    for s, e in sentences.spans(text):
        said = set(analyze.terms(text[s:e]))
        best = max((len(said & src) / len(said) for src in source_sentences), default=0.0) if said else 1.0
        if best < SENTENCE_SUPPORT:
            problems.append(f"no sentence of the release says “{text[s:e][:80]}”")
    return problems


def grounded_prose(client: Callable[[], ModelClient], prompt: prompting.Prompt, messages: list[dict[str, str]],
                   schema: type[BaseModel], field: str, source: str, what: str,
                   where: str, name: str) -> tuple[str | None, list[str], list[Usage]]:
    """The model's `field` of a `schema` reply if `source` backs it, else None; with what was wrong.

    what: "summary" or "overview", where: "the release" or "the releases", for the retry message;
    name: the schema's name in the request.
    """
    from qa.llm.local_model import LocalModelError  # here: prose the model is not asked for never loads it

    usage: list[Usage] = []
    problems: list[str] = []
    try:
        model = client()
        for _ in range(2):
            reply, used = model.structured(messages, schema, name=name, metadata={"prompt": prompt.tag})
            usage += used
            text = whole_sentences(getattr(reply, field))
            problems = problems_with(text, source)
            if not problems:
                return text, [], usage
            messages = [*messages, {"role": "assistant", "content": reply.model_dump_json()},
                        {"role": "user", "content": f"That {what} was rejected: " + "; ".join(problems)
                         + f". Write it again with names, numbers and dates from {where} only."}]
    except (ModelError, LocalModelError) as err:
        problems = [f"the model failed: {err}"]  # the releases' own sentences stand without it
    return None, problems, usage
