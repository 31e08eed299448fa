"""Sign-in: exchange a username and password for a bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form

from app.auth import service
from app.auth.schemas import TokenRead, UserRead
from app.db import SessionDep
from app.deps import CurrentUser, SettingsDep
from app.errors import Unauthorized, error_responses

router = APIRouter(prefix="/api", tags=["auth"])


@router.post("/auth/token", response_model=TokenRead, responses=error_responses(Unauthorized))
def login(
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(min_length=1, max_length=64)],
    password: Annotated[str, Form(min_length=1, max_length=256)],
) -> TokenRead:
    """A bearer token for these credentials (OAuth2 password form fields)."""
    user = service.authenticate(session=session, username=username, password=password)
    return TokenRead(
        access_token=service.issue_token(session=session, user=user, settings=settings)
    )


@router.get("/auth/me", response_model=UserRead, responses=error_responses(Unauthorized))
def me(user: CurrentUser) -> UserRead:
    """The signed-in user, with role and delegation."""
    return UserRead(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role.value,
        delegation=user.delegation.code,
        delegation_name=user.delegation.name,
    )
