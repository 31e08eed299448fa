"""An audit entry as one server-sent event, and who may see it.

An event is built once per entry (in the hub's thread) and shared by every
subscriber, so it carries its encoded ``data:`` JSON. An entry whose data says
``private`` (a delegation's draft proposal) is seen only by that delegation
(``data["delegation"]``, else the actor's); a private entry naming no
delegation is seen by no one: deny by default.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.audit.models import AuditEntry
from app.audit.schemas import AuditRead


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in user a stream is for, detached from any session."""

    username: str
    delegation: str


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    action: str
    data_json: str
    audience: str | None  # the only delegation that may see it; None for everyone

    @classmethod
    def from_entry(cls, entry: AuditEntry) -> Event:
        audience = None
        if entry.data.get("private"):
            audience = str(entry.data.get("delegation") or entry.delegation or "")
        return cls(
            id=entry.id,
            action=entry.action,
            data_json=AuditRead.model_validate(entry).model_dump_json(),
            audience=audience,
        )

    def visible_to(self, viewer: Viewer) -> bool:
        return self.audience is None or self.audience == viewer.delegation

    def encode(self) -> str:
        """The ``text/event-stream`` frame (the JSON has no raw newlines)."""
        return f"id: {self.id}\ndata: {self.data_json}\n\n"
