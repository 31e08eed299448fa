"""Read a Word file back into numbered sections, tracked changes resolved both ways.

``parse_docx`` opens the package defensively (size-capped, no entity
resolution, no network), reads every body paragraph with
``docx_paragraphs.read_paragraph`` and groups paragraphs into sections at
"Heading 1"/"Heading 2" paragraphs whose text starts with a section number
("3.2 Title"). Each section's body is built twice, with all tracked changes
accepted and all rejected, joining paragraphs whose mark was inserted
(rejected view) or deleted (accepted view) as Word would.

Markdown is rebuilt from styles: "List Bullet[ n]" gives ``- `` items,
"List Number[ n]" ``1. ``, ``2. `` … (renumbered from 1), "Heading 3+" ``###``,
"Quote" ``> ``, "macro" a fenced code block; consecutive list items are joined
by one newline, other paragraphs by a blank line.

Lossy: link targets (the text stays), a numbered list's start number, soft
line breaks of the source (they were exported as spaces), indented code
(comes back fenced), Markdown escapes, ``#``/``##`` headings inside a body
(exported as Heading 3), and any formatting Markdown cannot express.
Paragraphs with Word's own numbering on a non-list style come back as bullets.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from lxml import etree  # type: ignore[import-untyped]

from .docx_import_markdown import join_markdown
from .docx_paragraphs import Element, ReadParagraph, plain_text, read_paragraph, w
from .model import ImportedDocument, ImportedSection

MAX_PART_BYTES = 64 * 1024 * 1024
DOCUMENT_PART = "word/document.xml"
_HEADING = re.compile(r"heading ([1-9])")
_NUMBERED = re.compile(r"\s*(\d+(?:\.\d+)*)\.?(?:\s+(.*))?\s*$", re.DOTALL)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)


class DocxImportError(ValueError):
    """The upload is not a readable Word document; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class _Package:
    document: Element
    style_names: dict[str, str]
    header_lines: list[str]


def parse_docx(data: bytes) -> ImportedDocument:
    """Read a .docx: numbered sections, both tracked-change views, reference."""
    package = _open(data)
    body = package.document.find(w("body"))
    if body is None:
        raise DocxImportError("damaged .docx: word/document.xml has no document body")
    paragraphs = [
        read_paragraph(p, package.style_names)
        for p in body.iterfind(f".//{w('p')}")
        if not _nested(p, body)
    ]
    if not any((plain_text(p.accepted) + plain_text(p.rejected)).strip() for p in paragraphs):
        raise DocxImportError("the document is empty: it contains no text")
    return _assemble(paragraphs, package.header_lines)


def _open(data: bytes) -> _Package:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DocxImportError("not a Word .docx file: it is not a ZIP archive") from exc
    with archive:
        names = set(archive.namelist())
        if DOCUMENT_PART not in names:
            raise DocxImportError(f"damaged .docx: {DOCUMENT_PART} is missing")
        document = _xml(archive, DOCUMENT_PART)
        if document.tag != w("document"):
            raise DocxImportError(f"damaged .docx: {DOCUMENT_PART} is not a Word document")
        styles = _xml(archive, "word/styles.xml") if "word/styles.xml" in names else None
        headers = sorted(n for n in names if re.fullmatch(r"word/header\d*\.xml", n))
        header_lines = [line for n in headers for line in _lines(_xml(archive, n))]
    return _Package(document, _style_names(styles), header_lines)


def _xml(archive: zipfile.ZipFile, name: str) -> Element:
    try:
        if archive.getinfo(name).file_size > MAX_PART_BYTES:
            raise DocxImportError(f"damaged .docx: {name} is too large")
        return etree.fromstring(archive.read(name), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise DocxImportError(f"damaged .docx: {name} is not well-formed XML ({exc})") from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise DocxImportError(f"damaged .docx: {name} cannot be read ({exc})") from exc


def _style_names(styles: Element | None) -> dict[str, str]:
    if styles is None:
        return {}
    names: dict[str, str] = {}
    for style in styles.iterfind(w("style")):
        name = style.find(w("name"))
        if name is not None:
            names[style.get(w("styleId"), "")] = name.get(w("val"), "")
    return names


def _lines(root: Element) -> list[str]:
    lines = ("".join(t.text or "" for t in p.iter(w("t"))) for p in root.iter(w("p")))
    return [line.strip() for line in lines if line.strip()]


def _nested(p: Element, body: Element) -> bool:
    parent = p.getparent()
    while parent is not None and parent is not body:
        if parent.tag == w("p"):
            return True
        parent = parent.getparent()
    return False


def _reference(header_lines: list[str]) -> str:
    for line in header_lines:
        if not line.lower().startswith("original:"):
            return line
    return ""


def _assemble(paragraphs: list[ReadParagraph], header_lines: list[str]) -> ImportedDocument:
    title = ""
    groups: list[tuple[ReadParagraph | None, list[ReadParagraph]]] = [(None, [])]
    for para in paragraphs:
        style = para.style.lower()
        if style == "title":
            title = title or plain_text(para.accepted).strip()
        elif _section_heading(para) is not None:
            groups.append((para, []))
        elif style != "subtitle" or groups[-1][0] is not None:
            groups[-1][1].append(para)
    preamble = _section(None, groups[0][1]) if groups[0][1] else None
    authors: list[str] = []
    for para in paragraphs:
        authors.extend(a for a in para.authors if a not in authors)
    return ImportedDocument(
        sections=tuple(_section(head, body) for head, body in groups[1:]),
        reference=_reference(header_lines),
        title=title,
        has_tracked_changes=any(p.tracked for p in paragraphs),
        authors=tuple(authors),
        preamble=preamble,
    )


def _section_heading(para: ReadParagraph) -> int | None:
    """The heading level (1 or 2) if ``para`` opens a numbered section."""
    match = _HEADING.fullmatch(para.style.lower())
    if match is None or int(match.group(1)) > 2:
        return None
    text = plain_text(para.accepted) or plain_text(para.rejected)
    return int(match.group(1)) if _NUMBERED.match(text) else None


def _split_heading(text: str) -> tuple[str, str]:
    match = _NUMBERED.match(text)
    if match is None:
        return "", text.strip()
    return match.group(1), (match.group(2) or "").strip()


def _section(head: ReadParagraph | None, body: list[ReadParagraph]) -> ImportedSection:
    number, title = _split_heading(plain_text(head.accepted)) if head else ("", "")
    old_number, old_title = _split_heading(plain_text(head.rejected)) if head else ("", "")
    authors: list[str] = []
    for para in [head, *body] if head else body:
        authors.extend(a for a in para.authors if a not in authors)
    return ImportedSection(
        number=number or old_number,
        title=title if head and plain_text(head.accepted).strip() else old_title,
        body_accepted=join_markdown(body, accepted=True),
        body_rejected=join_markdown(body, accepted=False),
        authors=tuple(authors),
        title_rejected=old_title,
        level=(_section_heading(head) or 1) if head else 0,
    )
