"""The audit log, for chairs, coordinators and admins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from app.audit import service
from app.audit.schemas import AuditRead
from app.auth.policy import Action, require
from app.db import SessionDep
from app.deps import CurrentUser
from app.errors import Forbidden, Unauthorized, error_responses

router = APIRouter(prefix="/api", tags=["audit"])


@router.get(
    "/audit", response_model=list[AuditRead], responses=error_responses(Unauthorized, Forbidden)
)
def audit_log(
    session: SessionDep,
    user: CurrentUser,
    action: Annotated[str | None, Query(max_length=48)] = None,
    delegation: Annotated[str | None, Query(max_length=8)] = None,
    object_type: Annotated[str | None, Query(max_length=32)] = None,
    object_id: Annotated[str | None, Query(max_length=32)] = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditRead]:
    """Every state change, newest first, filtered by action, delegation, object or time."""
    require(user, Action.READ_AUDIT)
    return [
        AuditRead.model_validate(e)
        for e in service.list_entries(
            session=session,
            viewer=user,
            action=action,
            delegation=delegation,
            object_type=object_type,
            object_id=object_id,
            since=since,
            limit=limit,
        )
    ]
