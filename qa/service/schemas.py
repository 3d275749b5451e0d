"""The service's request and response bodies: what a client may send is checked here, before any work."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from qa.models import Hit
from qa.text.dates import iso_date

MAX_QUESTION = 1000
MAX_BATCH = 500


class ApiError(BaseModel):
    code: str
    message: str


class ReleaseIn(BaseModel):
    title: str = Field("", max_length=1000)
    date: str = Field("", max_length=40)
    source: str = Field("", max_length=2000)
    text: str = Field(min_length=1, max_length=1_000_000)


class IngestIn(BaseModel):
    releases: list[ReleaseIn] = Field(min_length=1, max_length=MAX_BATCH)


def day(value: str | None) -> str | None:
    """A since/until as an ISO date, None for none; ValueError (qa.text.dates.DateError) saying why it is none."""
    return (iso_date(value) or None) if value is not None else None


def check_order(since: str | None, until: str | None) -> None:
    if since and until and since > until:
        raise ValueError(f"since ({since}) is after until ({until})")


class _DateRange(BaseModel):
    """since/until as ISO dates: "yesterday" or "2024-13-45" is the client's mistake (422), not a server error."""

    since: str | None = Field(None, max_length=40, description="First day, YYYY-MM-DD (inclusive)")
    until: str | None = Field(None, max_length=40, description="Last day, YYYY-MM-DD (inclusive)")

    @field_validator("since", "until")
    @classmethod
    def _iso(cls, value: str | None) -> str | None:
        try:
            return day(value)
        except ValueError as err:  # qa.text.dates.DateError
            raise ValueError(str(err)) from None

    @model_validator(mode="after")
    def _in_order(self) -> _DateRange:
        check_order(self.since, self.until)
        return self


class SearchIn(_DateRange):
    query: str = Field(min_length=1, max_length=MAX_QUESTION)
    k: int = Field(5, ge=1, le=100)
    source: str | None = Field(None, max_length=200)


class SearchOut(BaseModel):
    query: str
    hits: list[Hit]


class AskIn(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_QUESTION)
    mode: Literal["auto", "extractive", "model"] | None = Field(
        None, description="extractive: never ask the model; model: always ask it; auto: ask it unless its recorded "
        "eval shows it adds nothing; unset: the server's setting (QA_ANSWER__MODE)")
    conversation_id: str | None = Field(
        None, max_length=64, pattern=r"^[0-9A-Za-z_-]+$", description="An earlier answer's conversation_id: the "
        "question is read as a follow-up of that conversation's questions (\"and when was it announced?\")")

    @field_validator("question")
    @classmethod
    def _not_blank(cls, question: str) -> str:
        if not question.strip():
            raise ValueError("the question is empty")
        return question


class BriefIn(_DateRange):
    query: str | None = Field(None, max_length=MAX_QUESTION)
    limit: int | None = Field(None, ge=1, le=50, description="Most releases; unset: settings.brief.limit")
    format: Literal["json", "md"] = Field("json", description="md: the briefing as a Markdown memo (text/markdown)")
