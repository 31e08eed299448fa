"""The Markdown export: the whole draft as one ``.md`` file.

A title block (document title, label, reference, original language, date)
followed by every section as a numbered ATX heading (``# 3 Title``,
``## 3.2 Title``) and its Markdown body, untouched. Headings inside bodies are
left as written.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import ExportMeta, ExportSection
from .ooxml import long_date


def _one_line(text: str) -> str:
    return " ".join(text.split())


def build_markdown(meta: ExportMeta, sections: Sequence[ExportSection]) -> str:
    """The draft as a single Markdown document."""
    lines = [
        f"# {_one_line(meta.document_title)}",
        "",
        f"**{_one_line(meta.label)}** · {_one_line(meta.reference)} · "
        f"Original: {_one_line(meta.language)} · {long_date(meta.date)}",
        "",
        "---",
        "",
    ]
    for section in sections:
        marks = "#" if section.level <= 1 else "##"
        lines.append(f"{marks} {_one_line(f'{section.number} {section.title}')}")
        lines.append("")
        body = section.body.strip("\n")
        if body:
            lines.extend([body, ""])
    return "\n".join(lines)
