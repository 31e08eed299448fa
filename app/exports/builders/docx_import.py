"""Read a Word file back into numbered sections, tracked changes resolved both ways.

``parse_docx`` opens the package defensively (see *Limits* below), reads
every body paragraph with ``docx_paragraphs.read_paragraph`` and groups
paragraphs into sections at "Heading 1"/"Heading 2" paragraphs whose text
starts with a section number ("3.2 Title"). Each section's body is built
twice, with all tracked changes accepted and all rejected, joining
paragraphs whose mark was inserted (rejected view) or deleted (accepted
view) as Word would.

Markdown is rebuilt from styles: "List Bullet[ n]" gives ``- `` items,
"List Number[ n]" ``1. ``, ``2. `` … (renumbered from 1), "Heading 3+" ``###``,
"Quote" ``> ``, "macro" a fenced code block; consecutive list items are joined
by one newline, other paragraphs by a blank line.

Lossy: link targets (the text stays), a numbered list's start number, soft
line breaks of the source (they were exported as spaces), indented code
(comes back fenced), Markdown escapes, ``#``/``##`` headings inside a body
(exported as Heading 3), and any formatting Markdown cannot express.
Paragraphs with Word's own numbering on a non-list style come back as bullets.

Limits (an upload is untrusted; a full export of the seeded guide has a
233 KB ``word/document.xml`` of 5,500 elements and 851 paragraphs, a 349 KB
``word/styles.xml`` of 9,100 elements):

* The ZIP is read with ``safezip``: at most ``MAX_ENTRIES`` entries; only
  the document, the styles and the first ``MAX_HEADERS`` header parts are
  read, each inflated in chunks and refused the moment its *actual* size
  passes ``MAX_DOCUMENT_BYTES`` / ``MAX_STYLES_BYTES`` / ``MAX_HEADER_BYTES``,
  or all of them together pass ``MAX_TOTAL_BYTES``. Declared sizes are never
  trusted.
* XML is parsed incrementally as it inflates, without DTD loading, entity
  resolution or network access. A DOCTYPE is refused outright (Word never
  writes one; it is what billion-laughs and XXE files need). Without
  ``huge_tree`` libxml2 keeps its own limits: nesting depth 256, text nodes
  and attribute values of 10 MB, and an entity amplification guard. The
  parts read may hold ``MAX_ELEMENTS`` elements together (counted while
  parsing, so a dense part is stopped before its tree is built) and the body
  ``MAX_PARAGRAPHS`` paragraphs, which bounds the Python objects built from
  them.
* Every refusal is a ``DocxImportError`` with a short message.
"""

from __future__ import annotations

import re
from contextlib import closing
from dataclasses import dataclass
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from .docx_import_markdown import join_markdown
from .docx_paragraphs import Element, ReadParagraph, plain_text, read_paragraph, w
from .model import ImportedDocument, ImportedSection
from .safezip import MAX_ENTRIES, SafeZip, UnsafeZipError, ZipBudgetExceeded

MIB = 1024 * 1024
MAX_DOCUMENT_BYTES = 8 * MIB  # 35 times the seeded guide's full export
MAX_STYLES_BYTES = 2 * MIB
MAX_HEADER_BYTES = 1 * MIB
MAX_HEADERS = 8  # header parts read; further ones are ignored
MAX_TOTAL_BYTES = 16 * MIB
MAX_ELEMENTS = 250_000  # over every part read; the seeded guide's export has 15,000
MAX_PARAGRAPHS = 20_000  # in the body; the seeded guide's export has 851
DOCUMENT_PART = "word/document.xml"
STYLES_PART = "word/styles.xml"
NOT_OURS = "the file is not a Word export of this guide"
_HEADER_PART = re.compile(r"word/header(\d*)\.xml")
_HEADING = re.compile(r"heading ([1-9])")
_NUMBERED = re.compile(r"\s*(\d+(?:\.\d+)*)\.?(?:\s+(.*))?\s*$", re.DOTALL)
_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "load_dtd": False,
    "remove_comments": True,
}


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
    found = []
    for count, p in enumerate(body.iterfind(f".//{w('p')}"), start=1):
        if count > MAX_PARAGRAPHS:  # counted before _nested walks up from each
            raise DocxImportError(
                f"the document has more than {MAX_PARAGRAPHS:,} paragraphs; {NOT_OURS}"
            )
        if not _nested(p, body):
            found.append(p)
    paragraphs = [read_paragraph(p, package.style_names) for p in found]
    if not any((plain_text(p.accepted) + plain_text(p.rejected)).strip() for p in paragraphs):
        raise DocxImportError("the document is empty: it contains no text")
    return _assemble(paragraphs, package.header_lines)


def _open(data: bytes) -> _Package:
    try:
        archive = SafeZip(
            data,
            max_entries=MAX_ENTRIES,
            max_reads=2 + MAX_HEADERS,
            max_total_bytes=MAX_TOTAL_BYTES,
        )
    except UnsafeZipError as exc:
        raise DocxImportError(f"not a Word .docx file: {exc.message}") from exc
    with archive:
        names = archive.names()
        if DOCUMENT_PART not in names:
            raise DocxImportError(f"damaged .docx: {DOCUMENT_PART} is missing")
        reader = _Reader(archive)
        document = reader.xml(DOCUMENT_PART, MAX_DOCUMENT_BYTES)
        if document.tag != w("document"):
            raise DocxImportError(f"damaged .docx: {DOCUMENT_PART} is not a Word document")
        styles = reader.xml(STYLES_PART, MAX_STYLES_BYTES) if STYLES_PART in names else None
        headers = sorted(
            (int(m.group(1) or 0), n) for n in names if (m := _HEADER_PART.fullmatch(n))
        )
        header_lines = [
            line
            for _, n in headers[:MAX_HEADERS]
            for line in _lines(reader.xml(n, MAX_HEADER_BYTES))
        ]
    return _Package(document, _style_names(styles), header_lines)


class _Reader:
    """Parses parts of one archive, counting their elements against ``MAX_ELEMENTS``."""

    def __init__(self, archive: SafeZip) -> None:
        self.archive = archive
        self.elements = 0

    def xml(self, name: str, limit: int) -> Element:
        """The part ``name`` parsed as it inflates; ``DocxImportError`` once over a limit."""
        parser = etree.XMLPullParser(events=("start",), **_PARSER_OPTIONS)
        before, tail = self.elements, b""
        try:
            with closing(self.archive.stream(name, limit=limit)) as chunks:
                for chunk in chunks:
                    if self.elements == before:  # still in the prolog, where a DOCTYPE goes
                        if b"<!DOCTYPE" in tail + chunk:
                            raise DocxImportError(_doctype(name))
                        tail = chunk[-8:]
                    parser.feed(chunk)
                    self._count(name, parser, before)
            root = parser.close()
            self._count(name, parser, before)
        except ZipBudgetExceeded as exc:
            raise DocxImportError(f"{exc.message}; {NOT_OURS}") from exc
        except UnsafeZipError as exc:
            raise DocxImportError(f"damaged .docx: {exc.message}") from exc
        except etree.XMLSyntaxError as exc:
            raise DocxImportError(f"damaged .docx: {name} is not well-formed XML ({exc})") from exc
        return root

    def _count(self, name: str, parser: Any, before: int) -> None:
        for _, element in parser.read_events():
            # The DOCTYPE check above reads bytes; this one also sees other encodings.
            if self.elements == before and element.getroottree().docinfo.doctype:
                raise DocxImportError(_doctype(name))
            self.elements += 1
        if self.elements > MAX_ELEMENTS:
            raise DocxImportError(
                f"the parts read have more than {MAX_ELEMENTS:,} XML elements; {NOT_OURS}"
            )


def _doctype(name: str) -> str:
    return f"refused .docx: {name} declares a DOCTYPE, which Word files never do"


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
    authors = dict.fromkeys(a for para in paragraphs for a in para.authors)
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
    authors = dict.fromkeys(a for para in ([head, *body] if head else body) for a in para.authors)
    return ImportedSection(
        number=number or old_number,
        title=title if head and plain_text(head.accepted).strip() else old_title,
        body_accepted=join_markdown(body, accepted=True),
        body_rejected=join_markdown(body, accepted=False),
        authors=tuple(authors),
        title_rejected=old_title,
        level=(_section_heading(head) or 1) if head else 0,
    )
