"""Annotated dependencies shared by every router."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth import service as auth_service
from app.auth.models import User
from app.config import Settings
from app.db import SessionDep, utcnow
from app.errors import Unauthorized

MAX_ID = 2_147_483_647
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="A positive id")]

_bearer = HTTPBearer(auto_error=False, description="Token from POST /api/auth/token")


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def current_user(
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The signed-in user, or 401."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    return auth_service.user_for_token(
        session=session, token=credentials.credentials, settings=settings
    )


CurrentUser = Annotated[User, Depends(current_user)]

Clock = Callable[[], datetime]


def get_clock(request: Request) -> Clock:
    """The app's clock (``app.state.clock``): tests inject a fixed one."""
    clock: Clock = getattr(request.app.state, "clock", utcnow)
    return clock


ClockDep = Annotated[Clock, Depends(get_clock)]
