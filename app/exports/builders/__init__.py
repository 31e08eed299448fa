"""Pure export builders: frozen records in, file contents out.

No FastAPI, no SQLAlchemy: the exports service loads a draft, fills the
records of ``model`` and serves what these functions return.

* ``build_markdown`` / ``build_html`` / ``build_docx`` / ``build_akn``: a draft.
* ``build_docx_redline`` / ``build_html_redline``: changes since another draft,
  DOCX with real Word tracked changes authored by delegation.
* ``build_compilation_html`` / ``build_compilation_docx``: the proposals table.
* ``parse_docx``: a Word file back into sections, tracked changes accepted and
  rejected, for importing a delegation's proposal.
"""

from __future__ import annotations

from .akn import build_akn, section_eid
from .compilation import build_compilation_html
from .compilation_docx import build_compilation_docx
from .docx_clean import build_docx
from .docx_import import DocxImportError, parse_docx
from .docx_redline import RedlineOptions, build_docx_redline
from .html import build_html
from .html_redline import build_html_redline
from .markdown_md import build_markdown
from .model import (
    Change,
    CompilationProposal,
    CompilationRow,
    ExportMeta,
    ExportSection,
    ImportedDocument,
    ImportedSection,
    NoteComment,
    ProposalNote,
    RedlineSection,
)

__all__ = [
    "Change",
    "CompilationProposal",
    "CompilationRow",
    "DocxImportError",
    "ExportMeta",
    "ExportSection",
    "ImportedDocument",
    "ImportedSection",
    "NoteComment",
    "ProposalNote",
    "RedlineOptions",
    "RedlineSection",
    "build_akn",
    "build_compilation_docx",
    "build_compilation_html",
    "build_docx",
    "build_docx_redline",
    "build_html",
    "build_html_redline",
    "build_markdown",
    "parse_docx",
    "section_eid",
]
