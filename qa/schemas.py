"""What the model is asked to return, and what qa returns to its users."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from qa.llm_client import Usage


class ModelAnswer(BaseModel):
    """The model's reply to the answer prompt; its JSON schema constrains the generation."""

    answered: bool = Field(description="Whether a passage answers the question")
    answer: str = Field("", max_length=300, description="The answer in a few words")
    passage: int = Field(0, ge=0, le=20, description="Number of the passage that answers it")
    quote: str = Field("", max_length=600, description="The sentence of that passage with the answer, verbatim")


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


class Answer(BaseModel):
    question: str
    answered: bool = Field(description="False when the releases do not cover the question")
    answer: str
    mode: Literal["model", "extractive", "declined"] = Field(
        description="model: the model's answer, grounded; extractive: the best supporting sentence, "
        "verbatim, because the model's answer failed the grounding check; declined: not covered"
    )
    verified: bool = Field(description="Every number, name, date and quote in the answer stands in its citations")
    citations: list[Citation] = Field(default_factory=list)
    ungrounded: list[str] = Field(default_factory=list, description="Claims of the model's reply not in the sources")
    reason: str = Field("", description="Why the answer is extractive or declined")
    prompt: str = Field("", description="Prompt name@version used")
    usage: list[Usage] = Field(default_factory=list)
