"""Every ORM model, imported once so metadata (and Alembic) sees the whole schema."""

from app.audit.models import AuditEntry
from app.auth.models import AccessToken, Role, User
from app.comments.models import Comment
from app.db import Base
from app.delegations.models import Delegation, DelegationKind
from app.documents.models import Document, Section, SectionRevision
from app.proposals.models import (
    Proposal,
    ProposalKind,
    ProposalStatus,
    ProposalSupport,
    ProposalVersion,
)

__all__ = [
    "AccessToken",
    "AuditEntry",
    "Base",
    "Comment",
    "Delegation",
    "DelegationKind",
    "Document",
    "Proposal",
    "ProposalKind",
    "ProposalStatus",
    "ProposalSupport",
    "ProposalVersion",
    "Role",
    "Section",
    "SectionRevision",
    "User",
]
