"""Read one WordprocessingML paragraph in both tracked-change views.

A paragraph's runs are walked once. Text inside ``w:ins``/``w:moveTo`` is
inserted, inside ``w:del``/``w:moveFrom`` deleted (``w:delText`` carries
deleted text). The *accepted* view keeps everything not deleted, the
*rejected* view everything not inserted; text both inserted and deleted
(nested revisions) appears in neither. The paragraph mark's own revision
(``w:pPr/w:rPr/w:ins|w:del``) is reported so callers can join paragraphs the
way Word does on Accept/Reject.

Formatting is read back as Markdown: bold ``**``, italic ``*``, monospace
runs as inline code. Link targets, colours, sizes and underline are dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, Literal

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MONO_FONTS = frozenset({"courier new", "courier", "consolas", "menlo", "monaco"})
MarkKind = Literal["equal", "insert", "delete"]

Element = Any  # lxml elements: lxml ships no type information


def w(tag: str) -> str:
    """Clark name of a WordprocessingML tag."""
    return f"{{{W_NS}}}{tag}"


_INSERTING = frozenset({w("ins"), w("moveTo")})
_DELETING = frozenset({w("del"), w("moveFrom")})
_FORMAT_CHANGES = frozenset({w("rPrChange"), w("pPrChange")})
_SKIPPED = frozenset({w("pPr"), w("rPr"), w("instrText"), w("delInstrText"), w("sdtPr")})
_FALSE = frozenset({"0", "false", "off"})


@dataclass(frozen=True)
class Segment:
    """Text with the formatting Markdown can express."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False


@dataclass
class ReadParagraph:
    """One paragraph as read: style name, both views, mark, revision authors."""

    style: str
    accepted: list[Segment] = field(default_factory=list)
    rejected: list[Segment] = field(default_factory=list)
    mark: MarkKind = "equal"
    authors: list[str] = field(default_factory=list)
    tracked: bool = False
    numbered: bool = False


def read_paragraph(p: Element, style_names: dict[str, str]) -> ReadParagraph:
    """Read ``p`` (a ``w:p`` element); ``style_names`` maps style ids to names."""
    p_pr = p.find(w("pPr"))
    style_id = p_pr.find(w("pStyle")) if p_pr is not None else None
    sid = style_id.get(w("val"), "") if style_id is not None else ""
    para = ReadParagraph(style=style_names.get(sid, sid or "Normal"))
    if p_pr is not None:
        para.numbered = p_pr.find(w("numPr")) is not None
        para.mark = _mark_kind(p_pr, para)
    _walk(p, False, False, para)
    para.authors = list(dict.fromkeys(para.authors))  # _note appends; dedupe once, in order
    return para


def _mark_kind(p_pr: Element, para: ReadParagraph) -> MarkKind:
    r_pr = p_pr.find(w("rPr"))
    if p_pr.find(w("pPrChange")) is not None:
        _note(para, p_pr.find(w("pPrChange")))
    if r_pr is None:
        return "equal"
    for child in r_pr:
        if child.tag in _INSERTING or child.tag in _DELETING:
            _note(para, child)
            return "insert" if child.tag in _INSERTING else "delete"
    return "equal"


def _note(para: ReadParagraph, revision: Element) -> None:
    para.tracked = True
    author = revision.get(w("author"), "")
    if author:
        para.authors.append(author)


def _walk(element: Element, inserted: bool, deleted: bool, para: ReadParagraph) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIPPED:
            continue
        if tag in _INSERTING or tag in _DELETING:
            _note(para, child)
            _walk(child, inserted or tag in _INSERTING, deleted or tag in _DELETING, para)
        elif tag == w("r"):
            for segment in _run_segments(child, para):
                if not deleted:
                    para.accepted.append(segment)
                if not inserted:
                    para.rejected.append(segment)
        elif isinstance(tag, str):  # hyperlinks, smart tags, content controls …
            _walk(child, inserted, deleted, para)


def _run_segments(run: Element, para: ReadParagraph) -> Iterator[Segment]:
    r_pr = run.find(w("rPr"))
    bold, italic, code = _run_format(r_pr, para)
    for child in run:
        tag = child.tag
        if tag in (w("t"), w("delText")):
            text = child.text or ""
        elif tag == w("tab"):
            text = "\t"
        elif (tag == w("br") and child.get(w("type")) in (None, "textWrapping")) or tag == w("cr"):
            text = "\n"
        elif tag == w("noBreakHyphen"):
            text = "-"
        else:
            continue
        yield Segment(text, bold, italic, code)


def _run_format(r_pr: Element, para: ReadParagraph) -> tuple[bool, bool, bool]:
    if r_pr is None:
        return False, False, False
    for change in _FORMAT_CHANGES:
        if r_pr.find(change) is not None:
            _note(para, r_pr.find(change))
    fonts = r_pr.find(w("rFonts"))
    font = (fonts.get(w("ascii")) or fonts.get(w("hAnsi")) or "") if fonts is not None else ""
    return _on(r_pr.find(w("b"))), _on(r_pr.find(w("i"))), font.lower() in MONO_FONTS


def _on(toggle: Element) -> bool:
    return toggle is not None and toggle.get(w("val"), "true").lower() not in _FALSE


def plain_text(segments: list[Segment]) -> str:
    """The segments' text, without formatting."""
    return "".join(s.text for s in segments)


def markdown_text(segments: list[Segment]) -> str:
    """The segments as Markdown inline text (``**bold**``, ``*italic*``, code)."""
    merged = [  # runs of one format joined once, not pairwise (quadratic on many runs)
        Segment("".join(s.text for s in run), *form)
        for form, run in groupby(segments, key=lambda s: (s.bold, s.italic, s.code))
    ]
    return "".join(_wrap(seg) for seg in merged).replace("\n", "\\\n")


def _wrap(seg: Segment) -> str:
    core = seg.text.strip()
    if not core or not (seg.bold or seg.italic or seg.code):
        return seg.text
    lead = seg.text[: len(seg.text) - len(seg.text.lstrip())]
    trail = seg.text[len(seg.text.rstrip()) :]
    if seg.code:
        fence = "``" if "`" in core else "`"
        return f"{lead}{fence}{core}{fence}{trail}"
    marker = "*" * ((2 if seg.bold else 0) + (1 if seg.italic else 0))
    return f"{lead}{marker}{core}{marker}{trail}"
