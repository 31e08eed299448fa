"""Sign-in, sign-out, password change and who-am-I.

Sign-in checks the throttle and the password (argon2, slow by design) in a
read-only session, and opens its short write transaction only to store the
new token: a flood of sign-ins never holds SQLite's write lock.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response, status

from app.audit import service as audit
from app.auth import service, throttle
from app.auth.models import User
from app.auth.policy import Action, can
from app.auth.schemas import PasswordChange, TokenRead, UserRead
from app.deps import CurrentAccess, CurrentUser, DatabaseDep, SettingsDep
from app.errors import (
    Forbidden,
    InvalidInput,
    TooManyRequests,
    Unauthorized,
    error_responses,
)
from app.schemas import Password, Text

router = APIRouter(prefix="/api", tags=["auth"])


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


@router.post(
    "/auth/token",
    response_model=TokenRead,
    responses=error_responses(Unauthorized, TooManyRequests),
)
def login(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    username: Annotated[Text, Form(min_length=1, max_length=64)],
    password: Annotated[Password, Form(min_length=1, max_length=256)],
) -> TokenRead:
    """A bearer token for these credentials (OAuth2 password form fields); 429 when throttled."""
    keys = throttle.keys_for(username, _address(request))
    with database.session(write=False) as session:
        throttle.check(session=session, keys=keys)
        try:
            user = service.authenticate(session=session, username=username, password=password)
        except Unauthorized:
            throttle.record_failure(database=database, keys=keys, username=username)
            raise
    with database.session(write=True) as session, session.begin():
        throttle.clear_account(session=session, username=username)
        return TokenRead(
            access_token=service.issue_token(session=session, user=user, settings=settings)
        )


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(Unauthorized),
)
def logout(access: CurrentAccess, database: DatabaseDep) -> Response:
    """Sign out: this token stops working at once."""
    with database.session(write=True) as session, session.begin():
        service.revoke_token(session=session, token_id=access.id)
        audit.record(
            session=session,
            actor=access.user,
            action="auth.signed_out",
            object_type="user",
            object_id=access.user.id,
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/auth/password",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(Unauthorized, Forbidden, InvalidInput, TooManyRequests),
)
def change_password(
    payload: PasswordChange, access: CurrentAccess, request: Request, database: DatabaseDep
) -> Response:
    """Change your password; every other token of yours stops working, this one goes on."""
    user = access.user
    keys = throttle.keys_for(user.username, _address(request))
    with database.session(write=False) as session:
        throttle.check(session=session, keys=keys)
    if not service.password_matches(user, payload.current_password):
        throttle.record_failure(database=database, keys=keys, username=user.username)
        raise Forbidden("the current password is not correct")
    if payload.new_password == payload.current_password:
        raise InvalidInput("the new password is the same as the current one")
    service.check_password_rules(payload.new_password)
    with database.session(write=True) as session, session.begin():
        service.set_password(
            session=session,
            user=service.get_user(session=session, user_id=user.id),
            password=payload.new_password,
            keep_token_id=access.id,
        )
        audit.record(
            session=session,
            actor=user,
            action="auth.password_changed",
            object_type="user",
            object_id=user.id,
            summary="other sessions signed out",
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/auth/me", response_model=UserRead, responses=error_responses(Unauthorized))
def me(user: CurrentUser) -> UserRead:
    """The signed-in user, with role, delegation and what the role may do."""
    return read_user(user)


def read_user(user: User) -> UserRead:
    return UserRead(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role.value,
        delegation=user.delegation.code,
        delegation_name=user.delegation.name,
        permissions=[a.value for a in Action if can(user, a)],
    )
