"""Request and response models of comments."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from app.schemas import MAX_ID, InputModel, OutputModel, Text


class Quote(InputModel):
    exact: Text = Field(min_length=1, max_length=5000)
    prefix: Text = Field(default="", max_length=200)
    suffix: Text = Field(default="", max_length=200)


class CommentCreate(InputModel):
    body: Text = Field(min_length=1, max_length=20_000)
    quote: Quote | None = None
    parent_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    revision: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="Section revision read (default: current)"
    )


class CommentUpdate(InputModel):
    body: Text = Field(min_length=1, max_length=20_000)


class Anchor(OutputModel):
    start: int
    end: int
    revision: int


class QuoteRead(OutputModel):
    exact: str
    prefix: str
    suffix: str


class CommentRead(OutputModel):
    id: int
    section_id: int | None
    proposal_id: int | None
    parent_id: int | None
    revision: int | None
    delegation: str
    author: str
    body: str
    body_html: str
    quote: QuoteRead | None
    anchor: Anchor | None = Field(description="Where the quote stands in the current revision")
    orphaned: bool = Field(description="The quoted passage is gone from the current revision")
    resolved: bool
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    private: bool = Field(description="Only the commenting delegation can read it")
