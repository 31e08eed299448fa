"""Seed the delegations, the guide from ``compendium/`` and the demo users.

Idempotent: delegations are upserted by code, the guide is loaded only into
an empty document (later edits are never overwritten), demo users are added
only when missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import resources
from app.auth import service as auth_service
from app.auth.models import Role, User
from app.config import Settings
from app.core.tokenize import normalize_text
from app.delegations.models import Delegation, DelegationKind
from app.documents import service as documents
from app.documents.models import Document, Section

CONTENT = resources.seed_content()
DOCUMENT_SLUG = "bpg-1540"
DOCUMENT_TITLE = (
    "Best Practice Guide for Implementation of UNSCR 1540: "
    "OSCE Compendium of Suggested Implementation Practices"
)
DEMO_PASSWORD = "compendium-demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    delegation: str
    role: Role


DEMO_USERS = (
    DemoUser("chair.esp", "Co-chair (Spain)", "ESP", Role.CHAIR),
    DemoUser("chair.blr", "Co-chair (Belarus)", "BLR", Role.CHAIR),
    DemoUser("delegate.usa", "Delegate of the United States", "USA", Role.DELEGATE),
    DemoUser("delegate.che", "Delegate of Switzerland", "CHE", Role.DELEGATE),
    DemoUser("delegate.rus", "Delegate of the Russian Federation", "RUS", Role.DELEGATE),
    DemoUser("delegate.cpc", "OSCE Conflict Prevention Centre", "CPC", Role.DELEGATE),
    DemoUser("coordinator", "FSC Chairperson's coordinator", "CPC", Role.COORDINATOR),
    DemoUser("observer", "1540 Committee expert", "1540C", Role.OBSERVER),
    DemoUser("admin", "Server administrator", "CPC", Role.ADMIN),
)


@dataclass(frozen=True)
class SeedSection:
    number: str
    title: str
    op_tag: str | None
    body: str

    @property
    def parent_number(self) -> str | None:
        return self.number.rsplit(".", 1)[0] if "." in self.number else None


def read_guide(folder: Path = CONTENT / "guide") -> list[SeedSection]:
    """The guide's sections from Markdown files with YAML front matter, in reading order."""
    out = [_parse_section(path) for path in sorted(folder.glob("*.md"))]
    return sorted(out, key=lambda s: [int(p) for p in s.number.split(".")])


def _parse_section(path: Path) -> SeedSection:
    text = normalize_text(path.read_text(encoding="utf-8"))
    if not text.startswith("---\n"):
        raise ValueError(f"{path.name}: missing front matter")
    _, front, body = text.split("---\n", 2)
    meta: dict[str, Any] = yaml.safe_load(front)
    return SeedSection(
        number=str(meta["number"]),
        title=str(meta["title"]),
        op_tag=str(meta["op"]) if meta.get("op") else None,
        body=body.strip() + "\n",
    )


def seed_delegations(*, session: Session) -> int:
    """Upsert every delegation listed in ``compendium/delegations.yaml``."""
    rows = yaml.safe_load((CONTENT / "delegations.yaml").read_text(encoding="utf-8"))
    existing = {d.code: d for d in session.scalars(select(Delegation))}
    for row in rows:
        code = str(row["code"])
        delegation = existing.get(code) or Delegation(code=code)
        delegation.name = str(row["name"])
        delegation.kind = DelegationKind(row["kind"])
        session.add(delegation)
    session.flush()
    return len(rows)


def seed_guide(*, session: Session, settings: Settings) -> int:
    """Load the guide into document ``bpg-1540`` unless it already has sections."""
    doc = session.scalar(select(Document).where(Document.slug == DOCUMENT_SLUG))
    if doc is None:
        doc = Document(slug=DOCUMENT_SLUG, title=DOCUMENT_TITLE)
        session.add(doc)
        session.flush()
    if session.scalar(select(Section.id).where(Section.document_id == doc.id).limit(1)):
        return 0
    ids: dict[str, int] = {}
    for item in read_guide():
        section, _ = documents.create_section(
            session=session,
            document=doc,
            title=item.title,
            body=item.body,
            parent_id=ids[item.parent_number] if item.parent_number else None,
            after_id=None,
            op_tag=item.op_tag,
            message="Seeded from compendium/",
            user=None,
            settings=settings,
            source="seed",
        )
        ids[item.number] = section.id
    return len(ids)


def seed_demo_users(*, session: Session) -> list[DemoUser]:
    """Create the demo users that do not exist yet; return every demo login."""
    for demo in DEMO_USERS:
        if session.scalar(select(User.id).where(User.username == demo.username)) is None:
            auth_service.create_user(
                session=session,
                username=demo.username,
                delegation_code=demo.delegation,
                role=demo.role,
                password=DEMO_PASSWORD,
                display_name=demo.display_name,
            )
    return list(DEMO_USERS)


def seed_all(*, session: Session, settings: Settings, demo_users: bool = True) -> dict[str, int]:
    counts = {
        "delegations": seed_delegations(session=session),
        "sections": seed_guide(session=session, settings=settings),
    }
    if demo_users:
        counts["demo_users"] = len(seed_demo_users(session=session))
    return counts
