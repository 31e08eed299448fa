"""Request and response models of merges."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, model_validator

from app.config import MAX_SECTION_CHARS
from app.schemas import MAX_ID, InputModel, OutputModel, Text


class MergeCreate(InputModel):
    proposal_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        min_length=1, max_length=5000
    )


class Resolution(InputModel):
    """Exactly one of: choose a proposal's text, write a compromise, or bracket."""

    choose: int | None = Field(
        default=None, ge=0, le=MAX_ID, description="A proposal id, or 0 to keep the current text"
    )
    text: Text | None = Field(default=None, max_length=MAX_SECTION_CHARS)
    bracket: bool = False

    @model_validator(mode="after")
    def _exactly_one(self) -> Resolution:
        given = [self.choose is not None, self.text is not None, self.bracket]
        if sum(given) != 1:
            raise ValueError("give exactly one of choose, text or bracket")
        return self


class MergeCommit(InputModel):
    resolutions: dict[Text, Resolution] = Field(default_factory=dict)
    label: Text = Field(min_length=1, max_length=120, examples=["Rev.1"])
    reference: Text = Field(default="", max_length=120, examples=["FSC.GAL/23/21/Rev.1"])


class AlternativeRead(OutputModel):
    text: str
    proposal_ids: list[int] = Field(description="Empty: the section's current text")
    delegations: list[str]


class ConflictRead(OutputModel):
    id: str
    kind: str = Field(description="body or title")
    base_text: str
    alternatives: list[AlternativeRead]
    bracketed: str = Field(description="The alternatives as diplomatic bracketed text")


class SectionMerge(OutputModel):
    section_id: int
    number: str
    title: str
    head_revision: int
    proposal_ids: list[int]
    merged_body: str = Field(description="Merged text; conflicts shown bracketed")
    merged_title: str
    clean: bool
    deletes_section: bool
    conflicts: list[ConflictRead]


class AdditionRead(OutputModel):
    proposal_id: int
    delegation: str
    title: str
    body: str
    parent_id: int | None
    after_id: int | None


class MergeRead(OutputModel):
    id: int
    status: str
    proposal_ids: list[int]
    clean: bool
    sections: list[SectionMerge]
    additions: list[AdditionRead]
    created_at: datetime
    draft_id: int | None
