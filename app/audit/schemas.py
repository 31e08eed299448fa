"""Response model of the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.schemas import OutputModel


class AuditRead(OutputModel):
    id: int
    created_at: datetime
    actor: str
    delegation: str | None
    action: str
    object_type: str
    object_id: str
    summary: str
    data: dict[str, Any]
