"""Models of the sign-in and account routes."""

from __future__ import annotations

from pydantic import Field

from app.schemas import InputModel, OutputModel, Password


class TokenRead(OutputModel):
    access_token: str
    token_type: str = "bearer"


class UserRead(OutputModel):
    id: int
    username: str
    display_name: str
    role: str
    delegation: str
    delegation_name: str
    permissions: list[str] = Field(description="What this user's role may do (auth/policy.py)")


class PasswordChange(InputModel):
    current_password: Password = Field(min_length=1, max_length=256)
    new_password: Password = Field(min_length=8, max_length=256)
