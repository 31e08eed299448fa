"""An audit entry as one server-sent event, and who may see it.

An event is built once per entry (in the hub's thread) and shared by every
subscriber, so it carries its encoded ``data:`` JSON and its audience: the
only delegation that may see it (an entry about that delegation's private
work), or None for everyone. The rule itself is ``app.visibility``'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.audit.models import AuditEntry
from app.audit.schemas import AuditRead
from app.auth.models import Role
from app.schemas import OutputModel
from app.visibility import event_admits


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in user a stream is for, detached from any session."""

    username: str
    delegation_id: int
    token_id: int
    role: Role


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    action: str
    data_json: str
    audience_id: int | None  # the only delegation that may see it; None for everyone

    @classmethod
    def from_entry(cls, entry: AuditEntry) -> Event:
        return cls(
            id=entry.id,
            action=entry.action,
            data_json=AuditRead.model_validate(entry).model_dump_json(),
            audience_id=entry.audience_id,
        )

    def visible_to(self, viewer: Viewer) -> bool:
        return event_admits(self.action, self.audience_id, viewer.delegation_id, viewer.role)

    def encode(self) -> str:
        """The ``text/event-stream`` frame (the JSON has no raw newlines)."""
        return f"id: {self.id}\ndata: {self.data_json}\n\n"


class StreamTicketRead(OutputModel):
    ticket: str
    expires_in: int
