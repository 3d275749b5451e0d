"""The records that flow between the pipeline's stages."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ReleaseDraft(BaseModel):
    """A release as read from its file, before it is stored."""

    title: str = ""
    date: str = Field("", description="ISO date (YYYY-MM-DD), or empty when unknown")
    source: str = ""
    text: str = Field(description="The body text; chunk spans index into it")
    origin: str = Field(description="Where it was read from: a path, with a line number for JSONL")
    key: str = Field(description="What makes it the same release across versions")


class Release(BaseModel):
    id: str
    title: str
    date: str
    source: str
    origin: str
    content_hash: str
    n_chunks: int
    ingested_at: str


class Chunk(BaseModel):
    """A piece of a release's body: text == release.text[start:end]."""

    ordinal: int
    start: int
    end: int
    n_tokens: int
    text: str


class Hit(BaseModel):
    chunk_id: str = Field(description="RELEASE_ID:ORDINAL")
    release_id: str
    ordinal: int
    score: float
    title: str
    date: str
    source: str
    start: int
    end: int
    text: str


class FileError(BaseModel):
    origin: str
    reason: str


class IngestReport(BaseModel):
    added: list[str] = Field(default_factory=list)
    replaced: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    errors: list[FileError] = Field(default_factory=list)
    skipped_files: list[str] = Field(
        default_factory=list, description="Files of a kind qa does not read, met in folders"
    )
    chunks: int = 0
    seconds: float = 0.0

    def add(self, other: IngestReport) -> None:
        """Counts another ingest's outcome in this one (files, then URLs, of one command)."""
        self.added += other.added
        self.replaced += other.replaced
        self.unchanged += other.unchanged
        self.errors += other.errors
        self.skipped_files += other.skipped_files
        self.chunks += other.chunks
        self.seconds += other.seconds
