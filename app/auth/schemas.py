"""Models of the sign-in routes."""

from __future__ import annotations

from app.schemas import OutputModel


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
