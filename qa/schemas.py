"""What the model is asked to return, and what qa returns to its users."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, create_model

from qa.llm_client import Usage


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
