"""Query values of the export routes, the media types they answer with, import answers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.proposals.schemas import ProposalRead

ExportFormat = Literal["md", "html", "docx", "akn"]
CompilationFormat = Literal["html", "docx"]
# Proposals a compilation may list (a never-submitted draft is nobody else's business).
CompiledStatus = Literal["submitted", "accepted", "rejected", "withdrawn", "merged"]

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# What browsers and clients send for a .docx upload; anything else is refused early.
DOCX_UPLOAD_TYPES = frozenset(
    {
        DOCX_MEDIA_TYPE,
        "application/octet-stream",
        "application/zip",
        "application/x-zip-compressed",
        "",
    }
)


class ImportedProposalRead(ProposalRead):
    """A proposal made from a Word file, with what the file held that it could not carry."""

    not_carried: list[str] = Field(
        default_factory=list,
        description=(
            "What the Word file held that the import could not carry over, one readable "
            'note each, e.g. "Section 3.2: an image was not imported" or "2 Word comments '
            'outside any section were not imported"'
        ),
    )
