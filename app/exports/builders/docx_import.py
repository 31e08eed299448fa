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

Runs keep bold, italic, inline code and links (``docx_paragraphs``);
paragraphs with Word's own numbering on any other style are list items too,
bullets or numbers as ``word/numbering.xml`` says, nested by level
(``docx_import_markdown``).

Lossy: a numbered list's start number, soft line breaks of the source (they
were exported as spaces), indented code (comes back fenced), Markdown
escapes, ``#``/``##`` headings inside a body (exported as Heading 3), and any
formatting Markdown cannot express. What a returned file adds that Markdown
cannot hold is not dropped silently: each section lists it in
``not_carried`` ("an image was not imported", "a table with merged cells was
imported as plain paragraphs" …). Tables are read cell by cell, one
paragraph each; text boxes, images, charts, drawings, embedded objects,
equations, footnotes and endnotes are left out.

Word comments (``word/comments.xml``) become ``ImportedComment`` records of
the section their range starts in (a reply, per
``word/commentsExtended.xml``, goes with the comment it answers), with the
accepted text they are anchored on; comments anchored nowhere in a section
(the title, a text box, a header) are the document's ``stray_comments``.

Limits (an upload is untrusted; a full export of the seeded guide has a
233 KB ``word/document.xml`` of 5,500 elements and 851 paragraphs, a 349 KB
``word/styles.xml`` of 9,100 elements):

* The ZIP is read with ``safezip``: at most ``MAX_ENTRIES`` entries; only
  the document, its relationships, the styles, the numbering, the comments
  (and their replies' part) and the first ``MAX_HEADERS`` header parts are
  read, each inflated in chunks and refused the moment its *actual* size
  passes its own cap (``MAX_DOCUMENT_BYTES``, ``MAX_STYLES_BYTES``,
  ``MAX_HEADER_BYTES``, ``MAX_PART_BYTES`` for the others), or all of them together pass
  ``MAX_TOTAL_BYTES``. Declared sizes are never trusted.
* XML is parsed incrementally as it inflates, without DTD loading, entity
  resolution or network access. A DOCTYPE is refused outright (Word never
  writes one; it is what billion-laughs and XXE files need). Without
  ``huge_tree`` libxml2 keeps its own limits: nesting depth 256, text nodes
  and attribute values of 10 MB, and an entity amplification guard. The
  parts read may hold ``MAX_ELEMENTS`` elements together (counted while
  parsing, so a dense part is stopped before its tree is built) and the body
  ``MAX_PARAGRAPHS`` paragraphs, which bounds the Python objects built from
  them; at most ``MAX_COMMENTS`` Word comments, and a comment's quoted text
  is cut at ``MAX_QUOTE`` characters.
* Every refusal is a ``DocxImportError`` with a short message.
"""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_right
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from .docx_import_markdown import join_markdown
from .docx_paragraphs import (
    CommentMark,
    Element,
    Lookups,
    ReadParagraph,
    excerpt,
    plain_text,
    read_paragraph,
    w,
)
from .model import ImportedComment, ImportedDocument, ImportedSection
from .safezip import MAX_ENTRIES, SafeZip, UnsafeZipError, ZipBudgetExceeded

MIB = 1024 * 1024
MAX_DOCUMENT_BYTES = 8 * MIB  # 35 times the seeded guide's full export
MAX_STYLES_BYTES = 2 * MIB
MAX_PART_BYTES = 2 * MIB  # relationships, numbering, comments, comment replies
MAX_HEADER_BYTES = 1 * MIB
MAX_HEADERS = 8  # header parts read; further ones are ignored
MAX_TOTAL_BYTES = 16 * MIB
MAX_ELEMENTS = 250_000  # over every part read; the seeded guide's export has 15,000
MAX_PARAGRAPHS = 20_000  # in the body; the seeded guide's export has 851
MAX_COMMENTS = 2_000
MAX_LOOSE_MARKS = 4 * MAX_COMMENTS  # comment range marks not directly in a paragraph
MAX_QUOTE = 5_000  # characters of a comment's anchored text kept
QUOTE_CONTEXT = 32  # characters kept either side of it, within its paragraphs
DOCUMENT_PART = "word/document.xml"
STYLES_PART = "word/styles.xml"
RELATIONSHIPS_PART = "word/_rels/document.xml.rels"
NOT_OURS = "the file is not a Word export of this guide"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W15_NS = "http://schemas.microsoft.com/office/word/2012/wordml"
# The parts read besides the document, by the last segment of their relationship type.
_PARTS = {
    "styles": STYLES_PART,
    "numbering": "word/numbering.xml",
    "comments": "word/comments.xml",
    "commentsExtended": "word/commentsExtended.xml",
}
_HEADER_PART = re.compile(r"word/header(\d*)\.xml")
_HEADING = re.compile(r"heading ([1-9])")
_NUMBERED = re.compile(r"\s*(\d+(?:\.\d+)*)\.?(?:\s+(.*))?\s*$", re.DOTALL)
_TRUE = frozenset({"1", "true", "on"})
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
    lookups: Lookups
    header_lines: list[str]
    comments: Element | None = None
    replies: Element | None = None


@dataclass(frozen=True)
class _Body:
    """The body's paragraphs in reading order, and the tables some of them are in."""

    paragraphs: list[ReadParagraph]
    tables: list[int]  # per paragraph: its (outermost) table's number, 0 outside tables
    merged: dict[int, bool]  # table number → whether it has merged cells


@dataclass
class _Group:
    """A section heading (None before the first) and the body paragraphs under it."""

    head: ReadParagraph | None
    body: list[ReadParagraph] = field(default_factory=list)
    tables: list[int] = field(default_factory=list)


def parse_docx(data: bytes) -> ImportedDocument:
    """Read a .docx: numbered sections, both tracked-change views, reference, comments."""
    package = _open(data)
    body_element = package.document.find(w("body"))
    if body_element is None:
        raise DocxImportError("damaged .docx: word/document.xml has no document body")
    body = _read_body(body_element, package.lookups)
    if not any((plain_text(p.accepted) + plain_text(p.rejected)).strip() for p in body.paragraphs):
        raise DocxImportError("the document is empty: it contains no text")
    return _assemble(body, package)


def _read_body(body: Element, lookups: Lookups) -> _Body:
    paragraphs: list[ReadParagraph] = []
    tables: list[int] = []
    numbers: dict[Any, int] = {}  # table element → number; the keys keep their proxies alive
    merged: dict[int, bool] = {}
    starts: list[str] = []  # comment ranges opened between paragraphs
    count = loose = 0
    for element in body.iter(w("p"), w("commentRangeStart"), w("commentRangeEnd")):
        if element.tag != w("p"):
            # One in a paragraph is the walker's; one elsewhere is placed by walking
            # up the tree, which the first MAX_LOOSE_MARKS of them may do.
            parent = element.getparent()
            if parent is not None and parent.tag != w("p") and loose < MAX_LOOSE_MARKS:
                loose += 1
                if not _placement(element, body)[0]:
                    _between_paragraphs(element, paragraphs, starts)
            continue
        count += 1
        if count > MAX_PARAGRAPHS:  # counted before _placement walks up from each
            raise DocxImportError(
                f"the document has more than {MAX_PARAGRAPHS:,} paragraphs; {NOT_OURS}"
            )
        nested, table = _placement(element, body)
        if nested:
            continue
        para = read_paragraph(element, lookups)
        if starts:
            para.comment_marks[:0] = [CommentMark("start", cid, 0) for cid in starts]
            starts.clear()
        number = 0
        if table is not None:
            if table not in numbers:
                numbers[table] = len(numbers) + 1
                merged[numbers[table]] = _has_merged_cells(table)
            number = numbers[table]
        paragraphs.append(para)
        tables.append(number)
    return _Body(paragraphs, tables, merged)


def _between_paragraphs(
    marker: Element, paragraphs: list[ReadParagraph], starts: list[str]
) -> None:
    """A comment range marker outside paragraphs: it starts the next one or ends the last."""
    cid = marker.get(w("id"), "")
    if marker.tag == w("commentRangeStart"):
        starts.append(cid)
    elif paragraphs:
        last = paragraphs[-1]
        last.comment_marks.append(CommentMark("end", cid, last.accepted_length))


def _placement(element: Element, body: Element) -> tuple[bool, Element | None]:
    """Whether ``element`` sits inside a paragraph (a text box), and its outermost table."""
    table = None
    parent = element.getparent()
    while parent is not None and parent is not body:
        if parent.tag == w("p"):
            return True, None
        if parent.tag == w("tbl"):
            table = parent
        parent = parent.getparent()
    return False, table


def _has_merged_cells(table: Element) -> bool:
    if any(True for _ in table.iter(w("vMerge"), w("hMerge"))):
        return True
    return any(span.get(w("val"), "1") not in ("0", "1") for span in table.iter(w("gridSpan")))


def _open(data: bytes) -> _Package:
    try:
        archive = SafeZip(
            data,
            max_entries=MAX_ENTRIES,
            max_reads=3 + len(_PARTS) + MAX_HEADERS,
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
        relationships = (
            reader.xml(RELATIONSHIPS_PART, MAX_PART_BYTES) if RELATIONSHIPS_PART in names else None
        )
        targets, links = _relationships(relationships)

        def part(kind: str, root: str, limit: int = MAX_PART_BYTES) -> Element | None:
            name = targets.get(kind, _PARTS[kind])
            if name not in names:
                return None
            element = reader.xml(name, limit)
            return element if etree.QName(element).localname == root else None

        styles = part("styles", "styles", MAX_STYLES_BYTES)
        numbering = part("numbering", "numbering")
        comments = part("comments", "comments")
        replies = part("commentsExtended", "commentsEx") if comments is not None else None
        headers = sorted(
            (int(m.group(1) or 0), n) for n in names if (m := _HEADER_PART.fullmatch(n))
        )
        header_lines = [
            line
            for _, n in headers[:MAX_HEADERS]
            for line in _lines(reader.xml(n, MAX_HEADER_BYTES))
        ]
    names_of, numbering_of = _styles(styles)
    lookups = Lookups(names_of, numbering_of, links, _list_formats(numbering))
    return _Package(document, lookups, header_lines, comments, replies)


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


def _relationships(root: Element | None) -> tuple[dict[str, str], dict[str, str]]:
    """Part names by relationship kind (``_PARTS`` keys), and external link targets by id."""
    parts: dict[str, str] = {}
    links: dict[str, str] = {}
    if root is None:
        return parts, links
    for rel in root.iter(f"{{{PACKAGE_RELATIONSHIPS}}}Relationship"):
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        target = rel.get("Target", "")
        if kind == "hyperlink":
            if rel.get("TargetMode", "") == "External":
                links[rel.get("Id", "")] = target
        elif kind in _PARTS and kind not in parts:
            name = posixpath.normpath(
                target.lstrip("/") if target.startswith("/") else posixpath.join("word", target)
            )
            if not name.startswith("../"):
                parts[kind] = name
    return parts, links


def _styles(styles: Element | None) -> tuple[dict[str, str], dict[str, tuple[str, int]]]:
    """Style names by id, and the numbering (numId, ilvl) each paragraph style carries."""
    if styles is None:
        return {}, {}
    names: dict[str, str] = {}
    based_on: dict[str, str] = {}
    own: dict[str, tuple[str, int]] = {}
    for style in styles.iterfind(w("style")):
        sid = style.get(w("styleId"), "")
        name = style.find(w("name"))
        if name is not None:
            names[sid] = name.get(w("val"), "")
        base = style.find(w("basedOn"))
        if base is not None:
            based_on[sid] = base.get(w("val"), "")
        num_pr = style.find(f"{w('pPr')}/{w('numPr')}")
        if num_pr is not None:
            num_id, level = num_pr.find(w("numId")), num_pr.find(w("ilvl"))
            own[sid] = (
                num_id.get(w("val"), "") if num_id is not None else "",
                _int(level.get(w("val"), "0")) if level is not None else 0,
            )
    numbering: dict[str, tuple[str, int]] = {}
    for sid in set(names) | set(based_on):
        current, seen = sid, 0
        while current not in own and current in based_on and seen < 16:
            current, seen = based_on[current], seen + 1
        if current in own:
            numbering[sid] = own[current]
    return names, numbering


def _list_formats(numbering: Element | None) -> dict[str, dict[int, str]]:
    """``numId`` → ``ilvl`` → ``numFmt``, overrides applied."""
    if numbering is None:
        return {}
    abstract: dict[str, dict[int, str]] = {}
    for definition in numbering.iterfind(w("abstractNum")):
        abstract[definition.get(w("abstractNumId"), "")] = _levels(definition)
    formats: dict[str, dict[int, str]] = {}
    for num in numbering.iterfind(w("num")):
        base = num.find(w("abstractNumId"))
        levels = dict(abstract.get(base.get(w("val"), "") if base is not None else "", {}))
        for override in num.iterfind(w("lvlOverride")):
            levels.update(_levels(override))
        formats[num.get(w("numId"), "")] = levels
    return formats


def _levels(parent: Element) -> dict[int, str]:
    levels = {}
    for level in parent.iterfind(w("lvl")):
        fmt = level.find(w("numFmt"))
        levels[_int(level.get(w("ilvl"), "0"))] = (
            fmt.get(w("val"), "decimal") if fmt is not None else "decimal"
        )
    return levels


def _int(value: str) -> int:
    return min(int(value), 8) if value.isdigit() else 0


def _lines(root: Element) -> list[str]:
    lines = ("".join(t.text or "" for t in p.iter(w("t"))) for p in root.iter(w("p")))
    return [line.strip() for line in lines if line.strip()]


def _reference(header_lines: list[str]) -> str:
    for line in header_lines:
        if not line.lower().startswith("original:"):
            return line
    return ""


def _assemble(body: _Body, package: _Package) -> ImportedDocument:
    title = ""
    groups = [_Group(None)]
    group_of: list[int] = []  # paragraph index → group index
    for para, table in zip(body.paragraphs, body.tables, strict=True):
        style = para.style.lower()
        if style == "title":
            title = title or plain_text(para.accepted).strip()
        elif _section_heading(para) is not None:
            groups.append(_Group(para))
        elif style != "subtitle" or groups[-1].head is not None:
            groups[-1].body.append(para)
            groups[-1].tables.append(table)
        group_of.append(len(groups) - 1)
    placed, stray = _comments(package, body.paragraphs, group_of)
    preamble = _section(groups[0], placed.get(0, []), body.merged) if groups[0].body else None
    if preamble is None:
        stray = placed.get(0, []) + stray
    authors = dict.fromkeys(a for para in body.paragraphs for a in para.authors)
    return ImportedDocument(
        sections=tuple(
            _section(group, placed.get(index, []), body.merged)
            for index, group in enumerate(groups[1:], start=1)
        ),
        reference=_reference(package.header_lines),
        title=title,
        has_tracked_changes=any(p.tracked for p in body.paragraphs),
        authors=tuple(authors),
        preamble=preamble,
        stray_comments=tuple(stray),
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


def _section(
    group: _Group, comments: list[ImportedComment], merged: dict[int, bool]
) -> ImportedSection:
    head, body = group.head, group.body
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
        comments=tuple(comments),
        not_carried=_not_carried(group, merged),
    )


# --- what Markdown cannot hold -------------------------------------------------------------

_COUNTED = {  # kind: (one, several) with "{n}" the count
    "image": ("an image was not imported", "{n} images were not imported"),
    "chart": ("a chart was not imported", "{n} charts were not imported"),
    "drawing": ("a drawing was not imported", "{n} drawings were not imported"),
    "embedded object": (
        "an embedded object was not imported",
        "{n} embedded objects were not imported",
    ),
    "equation": ("an equation was not imported", "{n} equations were not imported"),
    "footnote": ("a footnote was dropped", "{n} footnotes were dropped"),
    "endnote": ("an endnote was dropped", "{n} endnotes were dropped"),
}
_LISTED = {  # kind: (one, several), each followed by the first few details
    "text box": ("a text box was not imported", "text boxes were not imported"),
    "link": ("a link kept only its text", "links kept only their text"),
}
_FORMATTING = {
    "underline": "underlined text was imported without its underlining",
    "strikethrough": "struck-through text was imported as ordinary text",
    "highlight": "highlighted text was imported without its highlighting",
}
_ORDER = (
    "image",
    "chart",
    "drawing",
    "text box",
    "embedded object",
    "equation",
    "table",
    "footnote",
    "endnote",
    "link",
    "underline",
    "strikethrough",
    "highlight",
)


def _not_carried(group: _Group, merged: dict[int, bool]) -> tuple[str, ...]:
    """What the section's paragraphs held that its Markdown does not, one phrase per kind."""
    paragraphs = ([group.head] if group.head else []) + group.body
    details: dict[str, list[str]] = defaultdict(list)
    for para in paragraphs:
        for dropped in para.dropped:
            details[dropped.kind].append(dropped.detail)
    notes: list[str] = []
    for kind in _ORDER:
        found = details.get(kind, [])
        if kind == "table":
            notes += _tables(group, merged)
        elif not found:
            continue
        elif kind in _COUNTED:
            one, several = _COUNTED[kind]
            notes.append(one if len(found) == 1 else several.format(n=len(found)))
        elif kind in _LISTED:
            notes.append(_listed(found, *_LISTED[kind]))
        else:
            notes.append(_FORMATTING[kind])
    return tuple(notes)


def _listed(details: list[str], one: str, several: str, most: int = 3) -> str:
    """``one ("a")`` or ``3 several ("a", "b", "c")``, quoting at most ``most`` details."""
    shown = [d for d in dict.fromkeys(details) if d][:most]
    quoted = ", ".join(f'"{excerpt(d)}"' for d in shown)
    more = ", \u2026" if len(set(details)) > len(shown) and shown else ""
    text = one if len(details) == 1 else f"{len(details)} {several}"
    return f"{text} ({quoted}{more})" if quoted else text


def _tables(group: _Group, merged: dict[int, bool]) -> list[str]:
    shown = {
        number
        for para, number in zip(group.body, group.tables, strict=True)
        if number and plain_text(para.accepted).strip()
    }
    notes = []
    for with_merged, kind in ((False, "table"), (True, "table with merged cells")):
        count = sum(1 for number in shown if merged.get(number, False) == with_merged)
        if count:
            tables = (
                f"a {kind} was"
                if count == 1
                else f"{count} {kind.replace('table', 'tables', 1)} were"
            )
            notes.append(f"{tables} imported as plain paragraphs, one per cell")
    return notes


# --- Word comments -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Anchor:
    paragraph: int  # index of the paragraph the range starts in
    start: int  # where, in the accepted text of the whole body
    quote: str = ""
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class _RawComment:
    id: str
    author: str
    initials: str
    date: str
    text: str
    para_id: str  # w14:paraId of its last paragraph, which commentsExtended.xml names


def _comments(
    package: _Package, paragraphs: list[ReadParagraph], group_of: list[int]
) -> tuple[dict[int, list[ImportedComment]], list[ImportedComment]]:
    """The Word comments by the group they are anchored in, and those anchored nowhere.

    A reply goes where the comment it answers is anchored. Threads come out
    in the order of where they are anchored (then of date and id: not every
    editor writes ``comments.xml`` in document order), each reply after its
    parent.
    """
    if package.comments is None:
        return {}, []
    anchors = _anchors(paragraphs)
    found = _read_comments(package.comments, package.lookups)
    raw = sorted(found, key=lambda c: _position(c, anchors.get(c.id)))
    parents, done = _replies(raw, package.replies)
    placed: dict[int, list[ImportedComment]] = defaultdict(list)
    stray: list[ImportedComment] = []
    for comment, parent in _threads(raw, parents):
        anchor = anchors.get(comment.id)
        where = anchors.get(_root(comment.id, parents)) or anchor
        imported = ImportedComment(
            id=comment.id,
            author=comment.author,
            text=comment.text,
            quote=anchor.quote if anchor else "",
            prefix=anchor.prefix if anchor else "",
            suffix=anchor.suffix if anchor else "",
            parent=parent,
            done=comment.id in done,
            date=comment.date,
            initials=comment.initials,
        )
        if where is None:
            stray.append(imported)
        else:
            placed[group_of[where.paragraph]].append(imported)
    return dict(placed), stray


def _position(comment: _RawComment, anchor: _Anchor | None) -> tuple[bool, int, str, int]:
    """Sort key: anchored ones by where, then date and numeric id; unanchored ones last."""
    number = int(comment.id) if comment.id.isdigit() else 0
    return anchor is None, anchor.start if anchor else 0, comment.date, number


def _read_comments(root: Element, lookups: Lookups) -> list[_RawComment]:
    """``word/comments.xml`` in order; a repeated id keeps its first comment."""
    comments: dict[str, _RawComment] = {}
    text_lookups = Lookups(lookups.style_names, lookups.style_numbering, {}, lookups.list_formats)
    for count, element in enumerate(root.iterfind(w("comment")), start=1):
        if count > MAX_COMMENTS:
            raise DocxImportError(
                f"the document has more than {MAX_COMMENTS:,} comments; {NOT_OURS}"
            )
        cid = element.get(w("id"), "")
        if cid in comments:
            continue
        paragraphs = list(element.iter(w("p")))
        para_id = paragraphs[-1].get(f"{{{W14_NS}}}paraId", "") if paragraphs else ""
        read = [read_paragraph(p, text_lookups) for p in paragraphs]
        comments[cid] = _RawComment(
            id=cid,
            author=element.get(w("author"), "").strip(),
            initials=element.get(w("initials"), "").strip(),
            date=element.get(w("date"), ""),
            text=join_markdown(read, accepted=True),
            para_id=para_id,
        )
    return list(comments.values())


def _replies(raw: list[_RawComment], extended: Element | None) -> tuple[dict[str, str], set[str]]:
    """Who answers whom (comment id → parent id) and which comments are done, per
    ``word/commentsExtended.xml`` (``w15:commentEx`` by the paragraph ids)."""
    if extended is None:
        return {}, set()
    by_para = {c.para_id: c.id for c in raw if c.para_id}
    parents: dict[str, str] = {}
    done: set[str] = set()
    for entry in extended.iter(f"{{{W15_NS}}}commentEx"):
        cid = by_para.get(entry.get(f"{{{W15_NS}}}paraId", ""))
        if cid is None:
            continue
        if entry.get(f"{{{W15_NS}}}done", "0").lower() in _TRUE:
            done.add(cid)
        parent = by_para.get(entry.get(f"{{{W15_NS}}}paraIdParent", ""), "")
        if parent and parent != cid:
            parents[cid] = parent
    return parents, done


def _root(cid: str, parents: dict[str, str]) -> str:
    """The first comment of ``cid``'s thread (a cycle stops where it closes)."""
    seen = {cid}
    while cid in parents and parents[cid] not in seen:
        cid = parents[cid]
        seen.add(cid)
    return cid


def _threads(raw: list[_RawComment], parents: dict[str, str]) -> list[tuple[_RawComment, str]]:
    """Each comment with its parent's id, parents first; a cycle's comments become roots."""
    children: dict[str, list[_RawComment]] = defaultdict(list)
    known = {c.id for c in raw}
    roots: list[_RawComment] = []
    for comment in raw:
        parent = parents.get(comment.id, "")
        (children[parent] if parent in known else roots).append(comment)
    ordered: list[tuple[_RawComment, str]] = []
    seen: set[str] = set()
    for start in [*roots, *raw]:  # the second pass picks up comments on a cycle
        if start.id in seen:
            continue
        stack = [(start, "")]
        while stack:
            comment, parent = stack.pop()
            if comment.id in seen:
                continue
            seen.add(comment.id)
            ordered.append((comment, parent))
            stack.extend((child, comment.id) for child in reversed(children[comment.id]))
    return ordered


def _anchors(paragraphs: list[ReadParagraph]) -> dict[str, _Anchor]:
    """Where each comment is anchored: its paragraph, and the accepted text it quotes."""
    texts = [plain_text(p.accepted) for p in paragraphs]
    begins: list[int] = []
    position = 0
    for text in texts:
        begins.append(position)
        position += len(text) + 1  # the texts are joined by newlines
    starts: dict[str, tuple[int, int]] = {}
    points: dict[str, tuple[int, int]] = {}
    ends: dict[str, int] = {}
    for index, para in enumerate(paragraphs):
        for mark in para.comment_marks:
            at = begins[index] + min(mark.offset, len(texts[index]))
            if mark.kind == "start":
                starts.setdefault(mark.comment_id, (index, at))
            elif mark.kind == "end":
                ends[mark.comment_id] = at
            else:
                points.setdefault(mark.comment_id, (index, at))
    if not starts and not points:
        return {}
    full = "\n".join(texts)
    anchors = {}
    for cid in [*starts, *(c for c in points if c not in starts)]:
        index, start = starts.get(cid) or points[cid]
        end = ends.get(cid, start) if cid in starts else start
        anchors[cid] = _quoted(full, index, start, max(end, start), begins, texts)
    return anchors


def _quoted(
    full: str, index: int, start: int, end: int, begins: list[int], texts: list[str]
) -> _Anchor:
    """The anchor of a range ``start:end`` of ``full``, its quote cut at ``MAX_QUOTE``."""
    cut = min(end, start + MAX_QUOTE)
    raw = full[start:cut]
    quote = raw.strip()
    if not quote:
        return _Anchor(index, start)
    begin = start + len(raw) - len(raw.lstrip())
    finish = begin + len(quote)
    prefix = full[max(begins[index], begin - QUOTE_CONTEXT) : begin]
    suffix = ""
    if cut == end:  # not cut: the text after the range, up to its paragraph's end
        last = bisect_right(begins, finish) - 1
        suffix = full[finish : min(begins[last] + len(texts[last]), finish + QUOTE_CONTEXT)]
    return _Anchor(index, start, quote, prefix, suffix)
