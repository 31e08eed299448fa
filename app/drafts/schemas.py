"""Request and response models of drafts, comparisons and the silence procedure."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from app.drafts.models import Agreement
from app.schemas import InputModel, OutputModel, Text


class DraftCreate(InputModel):
    label: Text = Field(min_length=1, max_length=120, examples=["Draft of 16 March 2021"])
    reference: Text = Field(default="", max_length=120, examples=["FSC.GAL/23/21"])
    circulate: bool = Field(default=False, description="Circulate at once (else a working draft)")


class AgreementUpdate(InputModel):
    agreement: Agreement


class SilenceStart(InputModel):
    deadline: datetime = Field(description="Silence ends at this time (timezone required)")


class ObjectionCreate(InputModel):
    text: Text = Field(min_length=1, max_length=20_000)


class DraftSectionRead(OutputModel):
    section_id: int
    number: str
    title: str
    revision: int
    level: int
    parent_id: int | None
    agreement: str


class ObjectionRead(OutputModel):
    id: int
    delegation: str
    text: str
    created_at: datetime


class DraftRead(OutputModel):
    id: int
    document: str
    label: str
    reference: str
    status: str
    previous_id: int | None
    created_by: str | None
    created_at: datetime
    circulated_at: datetime | None
    silence_deadline: datetime | None
    adopted_at: datetime | None
    objections: list[ObjectionRead]
    meetings: list[int]
    provenance: list[int] = Field(description="Proposals merged into this draft's revisions")
    sections: list[DraftSectionRead]


class DraftSummary(OutputModel):
    id: int
    label: str
    reference: str
    status: str
    created_at: datetime


class SectionComparison(OutputModel):
    section_id: int
    change: str = Field(description="unchanged, changed, added, removed or moved")
    number_from: str | None
    number_to: str | None
    title_from: str | None
    title_to: str | None
    revision_from: int | None
    revision_to: int | None
    html: str = Field(description="Redline of the section body between the two drafts")


class DraftComparison(OutputModel):
    from_draft: int
    to_draft: int
    sections: list[SectionComparison]
