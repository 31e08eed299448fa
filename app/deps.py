"""Annotated dependencies shared by every router."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth import service as auth_service
from app.auth.models import AccessToken, User
from app.config import Settings
from app.db import Database, utcnow
from app.errors import Unauthorized
from app.schemas import MAX_ID

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="A positive id")]

_bearer = HTTPBearer(auto_error=False, description="Token from POST /api/auth/token")


# Dependencies that only look something up are ``async``: FastAPI runs a plain
# ``def`` dependency on a worker thread, and each such hop costs a thread handoff
# and the GIL twice per request. Those that read the database stay ``def``.


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


async def get_database(request: Request) -> Database:
    """The app's database, for routes that open their own short sessions."""
    database: Database = request.app.state.database
    return database


DatabaseDep = Annotated[Database, Depends(get_database)]


def current_access(
    database: DatabaseDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> AccessToken:
    """The request's valid bearer token (with its user), or 401.

    Read in a short session of its own, so a writing request does not open its
    write transaction (SQLite's one lock) until its service starts writing.
    """
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    with database.session(write=False) as session:
        return auth_service.access_for_token(
            session=session, token=credentials.credentials, settings=settings
        )


async def current_user(access: Annotated[AccessToken, Depends(current_access)]) -> User:
    """The signed-in user, or 401."""
    return access.user


CurrentAccess = Annotated[AccessToken, Depends(current_access)]
CurrentUser = Annotated[User, Depends(current_user)]

Clock = Callable[[], datetime]


async def get_clock(request: Request) -> Clock:
    """The app's clock (``app.state.clock``): tests inject a fixed one."""
    clock: Clock = getattr(request.app.state, "clock", utcnow)
    return clock


ClockDep = Annotated[Clock, Depends(get_clock)]
