"""What the model is asked to return, and what qa returns to its users."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, create_model


class Usage(BaseModel):
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_s: float  # the whole call, failed attempts and waits between them included
    attempts: int



class ModelAnswer(BaseModel):
    """The model's reply to the answer prompt; its JSON schema constrains the generation.

    The quote comes first and, in the schema sent, may only be one of the
    candidate sentences (see `answer_schema`): a small model cannot then
    misquote, and the short answer is read off the sentence it chose. Whether
    the releases cover the question is decided by retrieval, not asked of it.
    """

    quote: str = Field(description="The sentence that answers the question, copied from the passages")
    # The local server's grammar enforces the length, so a small model cannot ramble.
    answer: str = Field(max_length=80, description="The answer in a few words")


def answer_schema(candidates: list[str]) -> type[ModelAnswer]:
    """ModelAnswer whose quote must be one of the candidate sentences."""
    choice = Literal[tuple(candidates)]  # type: ignore[valid-type]
    return create_model("ModelAnswer", __base__=ModelAnswer,
                        quote=(choice, Field(description=ModelAnswer.model_fields["quote"].description)))


class Citation(BaseModel):
    n: int = Field(description="Its number in the printed answer")
    chunk_id: str
    release_id: str
    title: str
    date: str
    source: str
    start: int = Field(description="Character span of the quote in the release text")
    end: int
    quote: str


class Correction(BaseModel):
    wrote: str = Field(description="A word of the question that no release holds")
    searched: str = Field(description="The index's word searched instead")


class Answer(BaseModel):
    question: str
    answered: bool = Field(description="False when the releases do not cover the question")
    answer: str = Field(description="The fewest words that hold the answer; the evidence sentence when none can be "
                        "lifted; for a decline, why")
    support: Literal["full", "partial", "none"] = Field(
        "none", description="full: a value of the kind asked, with the question's key terms, in the same evidence; "
        "partial: a key term or the value is missing, printed as the closest the releases come; none: declined")
    mode: Literal["model", "extractive", "declined"] = Field(
        description="model: the model's answer, verified; extractive: lifted from the evidence without the model "
        "(or because its answer failed the checks); declined: not covered"
    )
    verified: bool = Field(description="Every number, name, date and quote in the answer stands in its evidence")
    evidence: list[Citation] = Field(default_factory=list, description="The sentences the answer stands on")
    corrections: list[Correction] = Field(default_factory=list, description="Question words searched as others")
    ungrounded: list[str] = Field(default_factory=list, description="Why the model's reply was not used")
    reason: str = Field("", description="Why the answer is extractive, partial or declined")
    prompt: str = Field("", description="Prompt name@version used")
    usage: list[Usage] = Field(default_factory=list)
    conversation_id: str | None = Field(
        None, description="The conversation this answer was logged in: send it with the next question to ask a "
        "follow-up (\"and what did it include?\"); none when the answer was not logged")
    model: str = Field("", description="The model asked for this answer, named also when it failed or its reply "
                       "was not used (see ungrounded); empty when no model was asked")
    conflict: bool = Field(False, description="Releases give different values for what was asked: the answer shows "
                           "each with its release and date, the official source first, and settles none")
    computed: str = Field("", description="A comparison worked out from the answer's values (\"a difference of $1.33 "
                          "billion\"): arithmetic, not a quote, so shown beside the answer rather than in it")


class SummaryReply(BaseModel):
    """The model's reply to the summarize prompt."""

    summary: str = Field(max_length=500, description="Two or three sentences on what the release announces")


class KeyFact(BaseModel):
    value: str = Field(description="A figure as the release writes it: $175 million, 52nd, four, Dec. 6")
    kind: str = Field(description="money, number, ordinal or date")
    quote: str = Field(description="The sentence that states it")
    measure: str = Field("", description="What it counts or amounts to, as the parse reads it: security assistance")
    scope: str = Field("", description="The baseline or period it is stated over: since 2014; empty when none")


class Person(BaseModel):
    name: str
    role: str = Field("", description="The title the release gives, when it gives one")
    quote: str = Field(description="The sentence that names them")


class Quotation(BaseModel):
    speaker: str = Field("", description="Who said it, when the release says")
    text: str


class ReleaseSummary(BaseModel):
    release_id: str
    headline: str
    date: str
    source: str
    summary: str
    summary_mode: Literal["model", "extractive"] = Field(
        description="model: the model's summary, every figure and name grounded; extractive: the release's lead"
    )
    key_facts: list[KeyFact] = Field(default_factory=list)
    dollar_amounts: list[KeyFact] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    organizations: list[str] = Field(default_factory=list)
    places: list[str] = Field(default_factory=list, description="Places the entity recogniser names")
    equipment: list[str] = Field(default_factory=list)
    quotes: list[Quotation] = Field(default_factory=list)
    ungrounded: list[str] = Field(default_factory=list, description="Claims of the model's summary not in the release")
    prompt: str = ""
    usage: list[Usage] = Field(default_factory=list)


class BriefReply(BaseModel):
    """The model's reply to the brief prompt."""

    overview: str = Field(max_length=600, description="Three or four sentences on what these releases announce")


class Bullet(BaseModel):
    text: str = Field(description="A sentence of a release, verbatim")
    citation: Citation


class Section(BaseModel):
    topic: str
    bullets: list[Bullet]
    release_id: str = Field("", description="The release the section is headed by (its title and date); the only "
                            "one unless the section reports one event from several releases")
    date: str = Field("", description="That release's date, when it has one")
    release_ids: list[str] = Field(default_factory=list, description="Every release of the section, first the "
                                   "heading's: releases about one event (a call and its readout) share a section, "
                                   "each bullet cited to its own")


class TimelineEvent(BaseModel):
    date: str = Field(description="ISO date of the release that reports it")
    event: str
    citation: Citation


class FigureChange(BaseModel):
    measure: str = Field(description="What the two figures measure, as the later release words it")
    scope: str = Field("", description="The baseline both figures are stated over (since 2014), when they name one")
    before: KeyFact
    after: KeyFact
    before_citation: Citation
    after_citation: Citation


class FigureApart(BaseModel):
    fact: KeyFact
    citation: Citation


class Briefing(BaseModel):
    query: str = ""
    since: str = ""
    until: str = ""
    releases: list[str] = Field(default_factory=list, description="Ids of the releases briefed, oldest first")
    overview: str = ""
    overview_mode: Literal["model", "extractive"] = "extractive"
    overview_citations: list[Citation] = Field(
        default_factory=list, description="For each sentence of the overview, in order, the release sentence it "
        "stands on: printed as an inline marker after the sentence")
    overview_spans: list[tuple[int, int]] = Field(
        default_factory=list, description="The character span of each overview sentence, one per overview citation "
        "(empty when they do not pair up)")
    sections: list[Section] = Field(default_factory=list)
    timeline: list[TimelineEvent] = Field(default_factory=list)
    changes: list[FigureChange] = Field(default_factory=list)
    apart: list[FigureApart] = Field(
        default_factory=list, description="Amounts that measure what another release's amount measures but over "
        "another scope (since 2014, since the invasion), or that measure another thing under a shared noun: listed "
        "each with its scope, never set against each other")
    ungrounded: list[str] = Field(default_factory=list)
    prompt: str = ""
    usage: list[Usage] = Field(default_factory=list)
