"""Request and response models of meetings."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field, model_validator

from app.meetings.models import MeetingFormat
from app.schemas import MAX_ID, InputModel, Omittable, OutputModel, Text


class MeetingCreate(InputModel):
    title: Text = Field(min_length=1, max_length=300)
    starts_on: date
    ends_on: date | None = Field(default=None, description="Defaults to starts_on")
    format: MeetingFormat
    venue: Text = Field(default="", max_length=300)
    agenda: Text = Field(default="", max_length=20_000)
    draft_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    outcome: Text = Field(default="", max_length=20_000)

    @model_validator(mode="after")
    def _dates_in_order(self) -> MeetingCreate:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("ends_on must not be before starts_on")
        return self


class MeetingUpdate(InputModel):
    """Only the fields sent change; ``draft_id: null`` unlinks the draft."""

    outcome: Omittable[Text] = Field(default=None, max_length=20_000)
    agenda: Omittable[Text] = Field(default=None, max_length=20_000)
    draft_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class MeetingRead(OutputModel):
    id: int
    document: str
    title: str
    starts_on: date
    ends_on: date
    format: str
    venue: str
    agenda: str
    draft_id: int | None
    outcome: str
    proposal_ids: list[int] = Field(description="Proposals decided at this meeting")
    created_at: datetime
