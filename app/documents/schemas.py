"""Request and response models of documents, sections and revisions."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from app.schemas import MAX_ID, InputModel, OutputModel, Text


class DocumentRead(OutputModel):
    id: int
    slug: str
    title: str


class SectionSummary(OutputModel):
    id: int
    number: str
    title: str
    revision: int = Field(description="Number of the section's current revision")
    parent_id: int | None
    op_tag: str | None
    level: int


class DocumentDetail(DocumentRead):
    sections: list[SectionSummary] = Field(description="Every section, in reading order")


class SectionRead(OutputModel):
    id: int
    document: str
    number: str
    title: str
    body: str = Field(description="Markdown source")
    body_html: str = Field(description="The body rendered to safe HTML")
    revision: int
    head: int = Field(description="Number of the current revision")
    parent_id: int | None
    op_tag: str | None
    updated_at: datetime
    delegation: str | None
    etag: str


class SectionCreate(InputModel):
    title: Text = Field(min_length=1, max_length=300)
    body: Text = ""
    parent_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    after_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    op_tag: Text | None = Field(default=None, max_length=32)
    message: Text = Field(default="", max_length=1000)


class SectionUpdate(InputModel):
    title: Text = Field(min_length=1, max_length=300)
    body: Text
    message: Text = Field(default="", max_length=1000)


class RevisionRead(OutputModel):
    number: int
    title: str
    author: str | None
    delegation: str | None
    created_at: datetime
    message: str
    source: str
    sha256: str


class DiffOp(OutputModel):
    op: str = Field(description="equal, insert or delete")
    text: str


class SectionDiff(OutputModel):
    section_id: int
    from_revision: int
    to_revision: int
    title_html: str
    html: str = Field(description="Redline over rendered Markdown, with <ins> and <del>")
    ops: list[DiffOp] = Field(description="Word-level diff of the Markdown source")
