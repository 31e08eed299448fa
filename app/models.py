"""Every ORM model, imported once so metadata (and Alembic) sees the whole schema."""

from app.audit.models import AuditEntry
from app.auth.models import AccessToken, Role, SignInThrottle, StreamTicket, User
from app.comments.models import Comment
from app.db import Base
from app.delegations.models import Delegation, DelegationKind
from app.documents.models import Document, Section, SectionRevision
from app.drafts.models import Agreement, Draft, DraftSection, DraftStatus, SilenceObjection
from app.meetings.models import Meeting, MeetingFormat
from app.merges.models import Merge, RevisionSource
from app.proposals.models import (
    Proposal,
    ProposalKind,
    ProposalStatus,
    ProposalSupport,
    ProposalVersion,
)

__all__ = [
    "AccessToken",
    "Agreement",
    "AuditEntry",
    "Base",
    "Comment",
    "Delegation",
    "DelegationKind",
    "Document",
    "Draft",
    "DraftSection",
    "DraftStatus",
    "Meeting",
    "MeetingFormat",
    "Merge",
    "Proposal",
    "ProposalKind",
    "ProposalStatus",
    "ProposalSupport",
    "ProposalVersion",
    "RevisionSource",
    "Role",
    "Section",
    "SectionRevision",
    "SignInThrottle",
    "SilenceObjection",
    "StreamTicket",
    "User",
]
