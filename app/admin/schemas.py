"""Request and response models of the administration routes."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from app.auth.models import Role
from app.auth.service import MAX_PASSWORD, MIN_PASSWORD, TokenState
from app.delegations.models import DelegationKind
from app.delegations.service import CODE_PATTERN, MAX_NAME
from app.schemas import InputModel, Omittable, OutputModel, Password, Text

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,63}$"
NOT_BLANK = r"\S"


class UserCreate(InputModel):
    username: Text = Field(
        pattern=USERNAME_PATTERN,
        description="2-64 lower-case letters, digits, '.', '_' or '-'",
        examples=["delegate.arm"],
    )
    display_name: Omittable[Text] = Field(
        default=None, max_length=120, pattern=NOT_BLANK, description="Defaults to the username"
    )
    delegation: Text = Field(pattern=CODE_PATTERN, description="A delegation code, e.g. ARM")
    role: Role
    password: Password = Field(min_length=MIN_PASSWORD, max_length=MAX_PASSWORD)


class UserUpdate(InputModel):
    """Only the fields sent change; a new role or delegation signs the user out everywhere."""

    display_name: Omittable[Text] = Field(default=None, max_length=120, pattern=NOT_BLANK)
    role: Omittable[Role] = None
    delegation: Omittable[Text] = Field(default=None, pattern=CODE_PATTERN)


class PasswordReset(InputModel):
    password: Password = Field(min_length=MIN_PASSWORD, max_length=MAX_PASSWORD)


class AdminUserRead(OutputModel):
    id: int
    username: str
    display_name: str
    role: str
    delegation: str
    is_active: bool
    created_at: datetime
    live_tokens: int = Field(description="Tokens that would be accepted now")
    actions: list[str] = Field(
        description="What this admin may do with the user now: deactivate or reactivate, "
        "reset_password, revoke_tokens, update"
    )


class AccessTokenRead(OutputModel):
    """A token's life, never the token itself nor its hash."""

    id: int
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    state: TokenState


class RevokedCount(OutputModel):
    revoked: int = Field(description="How many live tokens were revoked")


class DelegationCreate(InputModel):
    code: Text = Field(pattern=CODE_PATTERN, description="2-8 capital letters or digits")
    name: Text = Field(max_length=MAX_NAME, pattern=NOT_BLANK)
    kind: DelegationKind


class DelegationUpdate(InputModel):
    """Only the fields sent change; the code never does."""

    name: Omittable[Text] = Field(default=None, max_length=MAX_NAME, pattern=NOT_BLANK)
    kind: Omittable[DelegationKind] = None


class DelegationRead(OutputModel):
    code: str
    name: str
    kind: DelegationKind
    members: int = Field(description="User accounts in the delegation, active or not")
    active_members: int
