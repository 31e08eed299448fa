"""Query values of the export routes and the media types they answer with."""

from __future__ import annotations

from typing import Literal

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
