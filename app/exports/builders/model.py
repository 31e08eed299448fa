"""Plain, frozen input and output records for the export builders.

The builders are pure functions over these records: the exports service loads a
draft from the database, fills them in, and turns the bytes or text returned
into an HTTP download. Nothing here knows about FastAPI or SQLAlchemy.

Bodies are Markdown source (``body``); the HTML builders additionally take
already-rendered, already-sanitised HTML fragments (``body_html``,
``redline_html``) so that rendering policy lives in one place
(``app.core.markdown``) and the builders never render Markdown to HTML.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

ChangeKind = Literal["equal", "insert", "delete"]
SectionStatus = Literal["unchanged", "changed", "added", "removed"]


@dataclass(frozen=True)
class ExportSection:
    """One section of a draft, in reading order."""

    id: int
    number: str
    title: str
    level: int
    body: str
    body_html: str = ""
    anchor: str = ""

    @property
    def html_anchor(self) -> str:
        """The anchor to link to: ``anchor`` or one derived from the number."""
        return self.anchor or anchor_for(self.number, self.id)


@dataclass(frozen=True)
class ExportMeta:
    """What every export shows in its title block and page header.

    ``line_numbers`` asks for numbered lines (DOCX: restarting on every page)
    or paragraphs (HTML), for a meeting where delegates cite the text by line.
    """

    document_title: str
    reference: str
    label: str
    date: datetime.date
    language: str = "ENGLISH"
    line_numbers: bool = False


@dataclass(frozen=True)
class Change:
    """One segment of a section's redline over its Markdown source."""

    kind: ChangeKind
    text: str
    author: str = ""
    date: datetime.datetime | None = None


@dataclass(frozen=True)
class RedlineSection:
    """A section of a redline between two drafts.

    Joining the ``equal`` and ``insert`` segments gives the new body, joining
    ``equal`` and ``delete`` segments gives the old one.
    """

    id: int
    number: str
    title: str
    level: int
    changes: tuple[Change, ...]
    status: SectionStatus
    redline_html: str = ""

    @property
    def new_body(self) -> str:
        """The body as it reads in the newer draft."""
        return "".join(c.text for c in self.changes if c.kind != "delete")

    @property
    def old_body(self) -> str:
        """The body as it read in the older draft."""
        return "".join(c.text for c in self.changes if c.kind != "insert")


@dataclass(frozen=True)
class CompilationProposal:
    """One proposal on a section, as listed in the compilation table."""

    id: int
    delegation: str
    supporters: tuple[str, ...]
    status: str
    rationale: str
    changes: tuple[Change, ...]
    comment_count: int
    decision_note: str = ""


@dataclass(frozen=True)
class CompilationRow:
    """A section and every proposal made on it."""

    section: ExportSection
    proposals: tuple[CompilationProposal, ...]


@dataclass(frozen=True)
class ImportedSection:
    """A numbered section read back from a Word file.

    ``body_accepted`` reads as if every tracked change were accepted,
    ``body_rejected`` as if every one were rejected; for a file without
    tracked changes the two are equal. ``title_rejected`` is the heading with
    changes rejected (empty when the whole section was inserted).
    """

    number: str
    title: str
    body_accepted: str
    body_rejected: str
    authors: tuple[str, ...] = ()
    title_rejected: str = ""
    level: int = 1


@dataclass(frozen=True)
class ImportedDocument:
    """Everything ``parse_docx`` reads from a Word file.

    ``preamble`` holds the text before the first numbered heading (Title and
    Subtitle paragraphs excluded), as an unnumbered section: a file with a
    section's revised text and no heading at all lands there.
    """

    sections: tuple[ImportedSection, ...]
    reference: str = ""
    title: str = ""
    has_tracked_changes: bool = False
    authors: tuple[str, ...] = ()
    preamble: ImportedSection | None = None


def anchor_for(number: str, section_id: int = 0) -> str:
    """A stable HTML anchor for a section number: ``"3.2"`` gives ``"sec-3-2"``."""
    parts = [p for p in number.replace(" ", "").split(".") if p]
    if parts and all(p.isalnum() for p in parts):
        return "sec-" + "-".join(parts)
    return f"sec-id-{section_id}"
