"""HTTP routes of administration: users, their tokens, delegations (admin only).

Routes that hash a password hash it before their first query, so the slow
argon2 work never runs inside the write transaction (SQLite's one lock).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from app.admin import service
from app.admin.schemas import (
    AccessTokenRead,
    AdminUserRead,
    DelegationCreate,
    DelegationRead,
    DelegationUpdate,
    PasswordReset,
    RevokedCount,
    UserCreate,
    UserUpdate,
)
from app.auth import service as accounts
from app.auth.models import User
from app.auth.policy import Action, require
from app.db import SessionDep
from app.delegations.service import CODE_PATTERN
from app.deps import CurrentUser, IdPath
from app.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    StateConflict,
    Unauthorized,
    error_responses,
)

router = APIRouter(prefix="/api/admin", tags=["admin"])
CodePath = Annotated[str, Path(pattern=CODE_PATTERN, description="A delegation code, e.g. ARM")]
READ = error_responses(Unauthorized, Forbidden)
ON_USER = error_responses(Unauthorized, Forbidden, NotFound)
CHANGE_USER = error_responses(Unauthorized, Forbidden, NotFound, StateConflict, InvalidInput)


async def admin_user(user: CurrentUser) -> User:
    """The signed-in user if their role may manage users (401, 403 otherwise)."""
    require(user, Action.MANAGE_USERS)
    return user


Admin = Annotated[User, Depends(admin_user)]


@router.get("/users", response_model=list[AdminUserRead], responses=READ)
def list_users(
    session: SessionDep,
    admin: Admin,
    delegation: Annotated[str | None, Query(max_length=8, description="A delegation code")] = None,
    active: bool | None = None,
) -> list[AdminUserRead]:
    """Every user, optionally of one delegation or activity, with their live token count."""
    return service.list_users(session=session, actor=admin, delegation=delegation, active=active)


@router.post(
    "/users",
    response_model=AdminUserRead,
    status_code=status.HTTP_201_CREATED,
    responses=CHANGE_USER,
)
def create_user(payload: UserCreate, session: SessionDep, admin: Admin) -> AdminUserRead:
    """Add a user to a delegation with a role and a first password (409 if the name is taken)."""
    password_hash = accounts.hash_password(payload.password)
    user = service.create_user(
        session=session,
        actor=admin,
        username=payload.username,
        delegation=payload.delegation,
        role=payload.role,
        password_hash=password_hash,
        display_name=payload.display_name,
    )
    return service.read_user(session=session, actor=admin, user=user)


@router.patch("/users/{user_id}", response_model=AdminUserRead, responses=CHANGE_USER)
def update_user(
    user_id: IdPath, payload: UserUpdate, session: SessionDep, admin: Admin
) -> AdminUserRead:
    """Rename a user or change their role or delegation (which revokes all their tokens)."""
    user = service.update_user(
        session=session,
        actor=admin,
        user=accounts.get_user(session=session, user_id=user_id),
        display_name=payload.display_name,
        role=payload.role,
        delegation=payload.delegation,
    )
    return service.read_user(session=session, actor=admin, user=user)


def _set_active(session: SessionDep, admin: User, user_id: int, active: bool) -> AdminUserRead:
    user = accounts.get_user(session=session, user_id=user_id)
    service.set_active(session=session, actor=admin, user=user, active=active)
    return service.read_user(session=session, actor=admin, user=user)


@router.post("/users/{user_id}/deactivate", response_model=AdminUserRead, responses=CHANGE_USER)
def deactivate_user(user_id: IdPath, session: SessionDep, admin: Admin) -> AdminUserRead:
    """Take a user's access away: every token stops at once, sign-in is refused (409 if so)."""
    return _set_active(session, admin, user_id, False)


@router.post("/users/{user_id}/reactivate", response_model=AdminUserRead, responses=CHANGE_USER)
def reactivate_user(user_id: IdPath, session: SessionDep, admin: Admin) -> AdminUserRead:
    """Let a deactivated user sign in again; their old tokens stay revoked (409 if active)."""
    return _set_active(session, admin, user_id, True)


@router.post(
    "/users/{user_id}/password",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(Unauthorized, Forbidden, NotFound, InvalidInput),
)
def reset_password(
    user_id: IdPath, payload: PasswordReset, session: SessionDep, admin: Admin
) -> Response:
    """Set a new password for a user; every token of theirs stops working."""
    password_hash = accounts.hash_password(payload.password)
    user = accounts.get_user(session=session, user_id=user_id)
    service.reset_password(session=session, actor=admin, user=user, password_hash=password_hash)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/users/{user_id}/tokens", response_model=list[AccessTokenRead], responses=ON_USER)
def list_tokens(
    user_id: IdPath,
    session: SessionDep,
    admin: Admin,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AccessTokenRead]:
    """A user's newest tokens: issued, expiry, revocation and state; never the token."""
    user = accounts.get_user(session=session, user_id=user_id)
    return service.list_tokens(session=session, user=user, limit=limit)


@router.post("/users/{user_id}/tokens/revoke", response_model=RevokedCount, responses=ON_USER)
def revoke_tokens(user_id: IdPath, session: SessionDep, admin: Admin) -> RevokedCount:
    """Sign a user out everywhere: every live token of theirs is revoked."""
    user = accounts.get_user(session=session, user_id=user_id)
    return RevokedCount(revoked=service.revoke_tokens(session=session, actor=admin, user=user))


@router.post(
    "/tokens/{token_id}/revoke",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(Unauthorized, Forbidden, NotFound, StateConflict),
)
def revoke_token(token_id: IdPath, session: SessionDep, admin: Admin) -> Response:
    """Revoke one token (409 if it already was)."""
    service.revoke_token(session=session, actor=admin, token_id=token_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/delegations", response_model=list[DelegationRead], responses=READ)
def list_delegations(session: SessionDep, admin: Admin) -> list[DelegationRead]:
    """Every delegation by code, with how many users it has."""
    return service.list_delegations(session=session)


@router.post(
    "/delegations",
    response_model=DelegationRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(Unauthorized, Forbidden, StateConflict, InvalidInput),
)
def create_delegation(
    payload: DelegationCreate, session: SessionDep, admin: Admin
) -> DelegationRead:
    """Add a participating State or organisation (409 if the code is taken)."""
    return service.create_delegation(
        session=session, actor=admin, code=payload.code, name=payload.name, kind=payload.kind
    )


@router.patch(
    "/delegations/{code}",
    response_model=DelegationRead,
    responses=error_responses(Unauthorized, Forbidden, NotFound, InvalidInput),
)
def update_delegation(
    code: CodePath, payload: DelegationUpdate, session: SessionDep, admin: Admin
) -> DelegationRead:
    """Rename or re-classify a delegation; its code never changes."""
    return service.update_delegation(
        session=session, actor=admin, code=code, name=payload.name, kind=payload.kind
    )
