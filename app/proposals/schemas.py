"""Request and response models of proposals."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from app.config import MAX_SECTION_CHARS
from app.schemas import MAX_ID, InputModel, OutputModel, Text


class ProposalCreate(InputModel):
    """A change to one section: new text (``amend``) or its deletion (``delete``)."""

    kind: Literal["amend", "delete"] = "amend"
    base_revision: int = Field(ge=1, le=MAX_ID, description="The revision you read")
    body: Text = Field(default="", description="Proposed Markdown text (ignored for delete)")
    title: Text | None = Field(default=None, max_length=300, description="New title, if any")
    rationale: Text = Field(default="", max_length=20_000)
    draft: bool = Field(default=False, description="Keep as a private delegation draft")


class NewSectionProposal(InputModel):
    """A proposal to add a section under ``parent_id``, after ``after_id``."""

    kind: Literal["add"] = "add"
    parent_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    after_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    title: Text = Field(min_length=1, max_length=300)
    body: Text
    rationale: Text = Field(default="", max_length=20_000)
    draft: bool = False


class ProposalRevise(InputModel):
    base_revision: int | None = Field(default=None, ge=1, le=MAX_ID)
    body: Text = ""
    title: Text | None = Field(default=None, max_length=300)
    rationale: Text | None = Field(default=None, max_length=20_000)


class Decision(InputModel):
    decision: Literal["accept", "reject"]
    note: Text = Field(default="", max_length=20_000)
    meeting_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="The meeting at which it was decided"
    )


class ProposalRead(OutputModel):
    id: int
    kind: str
    document: str
    section_id: int | None
    section_number: str | None
    status: str
    private: bool = Field(description="Never submitted: only the proposing delegation can read it")
    needs_rebase: bool
    delegation: str
    author: str
    base_revision: int | None
    title: str
    body: str
    rationale: str
    rationale_html: str
    version: int
    supporters: list[str]
    redline_html: str = Field(description="The change against its base, as a redline")
    decision_note: str
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime
    updated_at: datetime
    parent_id: int | None
    after_id: int | None
    competing: list[int] = Field(description="Pending proposals whose change overlaps this one")
    comment_count: int
    meeting_id: int | None


class ProposalGroups(OutputModel):
    groups: list[list[ProposalRead]] = Field(
        description="Competing proposals together, to read side by side"
    )


class ProposalVersionRead(OutputModel):
    number: int
    base_revision: int | None
    title: str
    body: str
    rationale: str
    author: str | None
    created_at: datetime
    note: str
    redline_html: str


class RedlineRequest(InputModel):
    old: Text = Field(max_length=MAX_SECTION_CHARS)
    new: Text = Field(max_length=MAX_SECTION_CHARS)


class RedlineRead(OutputModel):
    html: str
