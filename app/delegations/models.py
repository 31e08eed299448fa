"""Delegations: participating States and organisations that own proposals."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, str_enum


class DelegationKind(StrEnum):
    STATE = "state"
    ORGANISATION = "organisation"


class Delegation(Base):
    __tablename__ = "delegation"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[DelegationKind] = mapped_column(str_enum(DelegationKind, "delegation_kind"))
