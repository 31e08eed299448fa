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
    sources: tuple[int, ...] = ()  # ids of the proposals credited, if any


@dataclass(frozen=True)
class NoteComment:
    """A comment of a proposal's discussion, as a reply in a Word comment thread."""

    author: str
    text: str
    date: datetime.datetime | None
    resolved: bool = False


@dataclass(frozen=True)
class ProposalNote:
    """What a Word comment on a proposal's change says: who, why, who supports it.

    ``decision`` is the chair's note on the decision and ``discussion`` the
    proposal's public comments; both are written as replies when asked for.
    """

    id: int
    delegation: str
    supporters: tuple[str, ...]
    rationale: str
    date: datetime.datetime | None = None
    decision: NoteComment | None = None
    discussion: tuple[NoteComment, ...] = ()


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
class ImportedComment:
    """A Word comment read back from a file, anchored in a section (or nowhere).

    ``text`` is the comment's own text as Markdown; ``quote`` the accepted
    text its range covers (empty for a comment on a point), with up to a few
    dozen characters of ``prefix``/``suffix`` context from the same
    paragraphs. ``parent`` is the id of the comment it replies to (``""``
    for the first of a thread); ``done`` is Word's "resolved".
    """

    id: str
    author: str
    text: str
    quote: str = ""
    prefix: str = ""
    suffix: str = ""
    parent: str = ""
    done: bool = False
    date: str = ""
    initials: str = ""


@dataclass(frozen=True)
class ImportedSection:
    """A numbered section read back from a Word file.

    ``body_accepted`` reads as if every tracked change were accepted,
    ``body_rejected`` as if every one were rejected; for a file without
    tracked changes the two are equal. ``title_rejected`` is the heading with
    changes rejected (empty when the whole section was inserted).
    ``comments`` are the Word comments anchored in it, replies after what
    they answer; ``not_carried`` says, one short phrase each, what the
    section held that its Markdown cannot ("an image was not imported").
    """

    number: str
    title: str
    body_accepted: str
    body_rejected: str
    authors: tuple[str, ...] = ()
    title_rejected: str = ""
    level: int = 1
    comments: tuple[ImportedComment, ...] = ()
    not_carried: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportedDocument:
    """Everything ``parse_docx`` reads from a Word file.

    ``preamble`` holds the text before the first numbered heading (Title and
    Subtitle paragraphs excluded), as an unnumbered section: a file with a
    section's revised text and no heading at all lands there.
    ``stray_comments`` are the Word comments anchored in no section (nor the
    preamble): on the title, in a text box or header, or nowhere.
    """

    sections: tuple[ImportedSection, ...]
    reference: str = ""
    title: str = ""
    has_tracked_changes: bool = False
    authors: tuple[str, ...] = ()
    preamble: ImportedSection | None = None
    stray_comments: tuple[ImportedComment, ...] = ()


def anchor_for(number: str, section_id: int = 0) -> str:
    """A stable HTML anchor for a section number: ``"3.2"`` gives ``"sec-3-2"``."""
    parts = [p for p in number.replace(" ", "").split(".") if p]
    if parts and all(p.isalnum() for p in parts):
        return "sec-" + "-".join(parts)
    return f"sec-id-{section_id}"
