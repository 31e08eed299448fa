"""Every ORM model, imported once so metadata (and Alembic) sees the whole schema."""

from app.audit.models import AuditEntry
from app.auth.models import AccessToken, Role, User
from app.db import Base
from app.delegations.models import Delegation, DelegationKind
from app.documents.models import Document, Section, SectionRevision

__all__ = [
    "AccessToken",
    "AuditEntry",
    "Base",
    "Delegation",
    "DelegationKind",
    "Document",
    "Role",
    "Section",
    "SectionRevision",
    "User",
]
