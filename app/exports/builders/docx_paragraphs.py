"""Read one WordprocessingML paragraph in both tracked-change views.

A paragraph's runs are walked once. Text inside ``w:ins``/``w:moveTo`` is
inserted, inside ``w:del``/``w:moveFrom`` deleted (``w:delText`` carries
deleted text). The *accepted* view keeps everything not deleted, the
*rejected* view everything not inserted; text both inserted and deleted
(nested revisions) appears in neither. The paragraph mark's own revision
(``w:pPr/w:rPr/w:ins|w:del``) is reported so callers can join paragraphs the
way Word does on Accept/Reject.

Formatting is read back as Markdown: bold ``**``, italic ``*``, monospace
runs as inline code (direct formatting, or the character styles "Strong",
"Emphasis", "HTML Code" …), and hyperlinks to ``http``, ``https`` and
``mailto`` targets (``w:hyperlink`` with an external relationship, or a
``HYPERLINK`` field) as ``[text](url)``. A tracked formatting change
(``w:rPrChange``, which holds the old run properties) reads as the new
formatting when accepted and the old one when rejected; a tracked paragraph
change (``w:pPrChange``) likewise gives the old style and list membership
(``ParaForm``) to the rejected view.

Whatever Markdown cannot hold is reported in ``ReadParagraph.dropped``
instead of vanishing silently: images, charts, drawings, text boxes,
embedded objects, equations, footnote and endnote references, links to
other targets, underlined, struck-through and highlighted text, each as seen
in the accepted view. Colours and sizes are dropped without a word: Word's
own styles set them everywhere. Where Word comments are anchored
(``w:commentRangeStart``/``End``, ``w:commentReference``) is recorded as an
offset in the accepted text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, Literal

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
MATH_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
VML_NS = "urn:schemas-microsoft-com:vml"
MONO_FONTS = frozenset({"courier new", "courier", "consolas", "menlo", "monaco"})
LINK_SCHEMES = ("http://", "https://", "mailto:")
MarkKind = Literal["equal", "insert", "delete"]
CommentMarkKind = Literal["start", "end", "point"]
DroppedKind = Literal[
    "image",
    "chart",
    "drawing",
    "text box",
    "embedded object",
    "equation",
    "footnote",
    "endnote",
    "link",
    "underline",
    "strikethrough",
    "highlight",
]

Element = Any  # lxml elements: lxml ships no type information


def w(tag: str) -> str:
    """Clark name of a WordprocessingML tag."""
    return f"{{{W_NS}}}{tag}"


_INSERTING = frozenset({w("ins"), w("moveTo")})
_DELETING = frozenset({w("del"), w("moveFrom")})
_SKIPPED = frozenset({w("pPr"), w("rPr"), w("instrText"), w("delInstrText"), w("sdtPr")})
_COMMENT_RANGE: dict[str, CommentMarkKind] = {
    w("commentRangeStart"): "start",
    w("commentRangeEnd"): "end",
}
_MATH = frozenset({f"{{{MATH_NS}}}oMath", f"{{{MATH_NS}}}oMathPara"})
_ALTERNATE = f"{{{MC_NS}}}AlternateContent"
_GRAPHICS = frozenset({w("drawing"), w("pict"), w("object"), _ALTERNATE})
_NOTES: dict[str, DroppedKind] = {
    w("footnoteReference"): "footnote",
    w("endnoteReference"): "endnote",
}
_LINE_BREAKS = (None, "textWrapping")  # a page or column break is no text
_FALSE = frozenset({"0", "false", "off"})
_NO_VALUE = frozenset({"none", ""})
_BOLD_STYLES = frozenset({"strong", "book title", "intense reference"})
_ITALIC_STYLES = frozenset({"emphasis", "intense emphasis", "subtle emphasis", "book title"})
_CODE_STYLES = frozenset({"html code", "html typewriter", "html keyboard", "verbatim char"})
_FIELD_ARGUMENT = re.compile(r'\\([A-Za-z])|"([^"]*)"|(\S+)')
_SWITCHES_WITH_ARGUMENT = frozenset("lotLOT")
_AUTOLINKABLE = re.compile(r"[^\s<>\x00-\x1f]+")
_EXCERPT = 40

Format = tuple[bool, bool, bool]  # bold, italic, code
PLAIN: Format = (False, False, False)


@dataclass(frozen=True)
class Segment:
    """Text with the formatting Markdown can express; ``link`` is its target, if any."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: str = ""


@dataclass(frozen=True)
class ParaForm:
    """A paragraph's style and list membership, in one view.

    ``numbered``: the paragraph has Word numbering (``w:numPr`` of its own or
    of its style); ``level`` is its ``w:ilvl`` (0 at the top) and
    ``ordered`` whether that level counts (digits, letters) rather than
    bullets, as ``word/numbering.xml`` says.
    """

    style: str = "Normal"
    numbered: bool = False
    level: int = 0
    ordered: bool = False


@dataclass(frozen=True)
class Dropped:
    """Something in the accepted text that Markdown cannot hold."""

    kind: DroppedKind
    detail: str = ""


@dataclass(frozen=True)
class CommentMark:
    """Where a Word comment's range starts or ends, or its point, in the accepted text."""

    kind: CommentMarkKind
    comment_id: str
    offset: int


@dataclass(frozen=True)
class Lookups:
    """What other parts of the package say about paragraphs.

    ``style_names``: style id → name. ``style_numbering``: paragraph style id →
    ``(numId, ilvl)`` its definition (or a style it is based on) numbers
    with. ``links``: relationship id → external target. ``list_formats``:
    ``numId`` → ``ilvl`` → ``numFmt`` ("bullet", "decimal" …).
    """

    style_names: Mapping[str, str] = field(default_factory=dict)
    style_numbering: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    links: Mapping[str, str] = field(default_factory=dict)
    list_formats: Mapping[str, Mapping[int, str]] = field(default_factory=dict)


@dataclass
class ReadParagraph:
    """One paragraph as read: its form, both views, mark, revision authors.

    ``old_form`` is the form before a tracked paragraph change (``None``: no
    such change). ``accepted_length`` counts the characters of ``accepted``.
    """

    form: ParaForm
    accepted: list[Segment] = field(default_factory=list)
    rejected: list[Segment] = field(default_factory=list)
    mark: MarkKind = "equal"
    authors: list[str] = field(default_factory=list)
    tracked: bool = False
    old_form: ParaForm | None = None
    dropped: list[Dropped] = field(default_factory=list)
    comment_marks: list[CommentMark] = field(default_factory=list)
    accepted_length: int = 0

    @property
    def style(self) -> str:
        """The style name (the accepted view's)."""
        return self.form.style

    def form_in(self, *, accepted: bool) -> ParaForm:
        """The paragraph's form with every change accepted (or rejected)."""
        return self.form if accepted or self.old_form is None else self.old_form


def read_paragraph(p: Element, lookups: Lookups | None = None) -> ReadParagraph:
    """Read ``p`` (a ``w:p`` element) with what ``lookups`` says about its package."""
    found = lookups or Lookups()
    p_pr = p.find(w("pPr"))
    para = ReadParagraph(form=paragraph_form(p_pr, found))
    if p_pr is not None:
        change = p_pr.find(w("pPrChange"))
        if change is not None:
            _note(para, change)
            para.old_form = paragraph_form(change.find(w("pPr")), found)
        para.mark = _mark_kind(p_pr, para)
    _Walker(para, found).walk(p, False, False, None)
    para.authors = list(dict.fromkeys(para.authors))  # _note appends; dedupe once, in order
    return para


def paragraph_form(p_pr: Element | None, lookups: Lookups) -> ParaForm:
    """The style and numbering that the paragraph properties ``p_pr`` give."""
    if p_pr is None:
        return ParaForm()
    style_id = p_pr.find(w("pStyle"))
    sid = style_id.get(w("val"), "") if style_id is not None else ""
    num_id, level = lookups.style_numbering.get(sid, ("", 0))
    numbered = num_id not in ("", "0")
    num_pr = p_pr.find(w("numPr"))
    if num_pr is not None:
        own_id, own_level = num_pr.find(w("numId")), num_pr.find(w("ilvl"))
        if own_id is not None:
            num_id = own_id.get(w("val"), "")
        if own_level is not None:
            level = _level(own_level.get(w("val"), "0"))
        numbered = num_id != "0"  # numId 0 switches numbering off
    fmt = lookups.list_formats.get(num_id, {}).get(level, "") if numbered else ""
    return ParaForm(
        style=lookups.style_names.get(sid, sid or "Normal"),
        numbered=numbered,
        level=level,
        ordered=fmt not in ("", "bullet", "none"),
    )


def _level(value: str) -> int:
    return min(int(value), 8) if value.isdigit() else 0


def _mark_kind(p_pr: Element, para: ReadParagraph) -> MarkKind:
    r_pr = p_pr.find(w("rPr"))
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


@dataclass
class _Field:
    """A complex field (``w:fldChar`` begin … separate … end) being read.

    ``outer`` is the link in force where it began: each field knows the link
    of its text in constant time, however many fields a hostile file opens.
    """

    outer: str | None
    instruction: list[str] = field(default_factory=list)
    link: str | None = None
    in_result: bool = False


class _Walker:
    """Walks one paragraph's content in document order, filling ``para``."""

    def __init__(self, para: ReadParagraph, lookups: Lookups) -> None:
        self.para = para
        self.lookups = lookups
        self.fields: list[_Field] = []

    def walk(self, element: Element, inserted: bool, deleted: bool, link: str | None) -> None:
        """``link``: ``None`` outside links, else the target ("" when not carried)."""
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED:
                continue
            if tag in _INSERTING or tag in _DELETING:
                _note(self.para, child)
                self.walk(child, inserted or tag in _INSERTING, deleted or tag in _DELETING, link)
            elif tag == w("r"):
                self.run(child, inserted, deleted, link)
            elif tag == w("hyperlink"):
                self.walk(child, inserted, deleted, self._hyperlink(child, deleted))
            elif tag == w("fldSimple"):
                target = _field_target(child.get(w("instr"), ""))
                self.walk(child, inserted, deleted, self._checked(target, deleted, link))
            elif tag in _COMMENT_RANGE:
                self._comment_mark(_COMMENT_RANGE[tag], child)
            elif tag in _MATH:
                self._drop("equation", deleted)
            elif tag == _ALTERNATE:
                chosen = _alternative(child)
                if chosen is not None:
                    self.walk(chosen, inserted, deleted, link)
            else:  # smart tags, content controls, custom XML …
                self.walk(child, inserted, deleted, link)

    def run(self, run: Element, inserted: bool, deleted: bool, link: str | None) -> None:
        """One ``w:r``: its text in each view, with the formatting of each view."""
        new, old = self._formats(run.find(w("rPr")))
        visible = False
        for child in run:
            tag = child.tag
            if tag in (w("t"), w("delText")):
                text = child.text or ""
            elif tag == w("tab"):
                text = "\t"
            elif tag == w("cr") or (tag == w("br") and child.get(w("type")) in _LINE_BREAKS):
                text = "\n"
            elif tag == w("noBreakHyphen"):
                text = "-"
            else:
                self._special(child, deleted)
                continue
            target = self._field_link()
            current = link if target is None else target
            segment_link = current or ""
            if not deleted:
                self.para.accepted.append(Segment(text, *new, link=segment_link))
                self.para.accepted_length += len(text)
                visible = visible or bool(text.strip())
            if not inserted:
                self.para.rejected.append(Segment(text, *old, link=segment_link))
        if visible:
            in_link = link is not None or self._field_link() is not None
            self._lost_formatting(run.find(w("rPr")), in_link)

    def _special(self, child: Element, deleted: bool) -> None:
        tag = child.tag
        if tag == w("fldChar"):
            self._field_char(child.get(w("fldCharType"), ""), deleted)
        elif tag == w("instrText") and self.fields and not self.fields[-1].in_result:
            self.fields[-1].instruction.append(child.text or "")
        elif tag == w("commentReference"):
            self._comment_mark("point", child)
        elif tag in _NOTES:
            self._drop(_NOTES[tag], deleted)
        elif tag in _GRAPHICS and not deleted:
            shown = _graphic(child)
            if shown is not None:
                self.para.dropped.append(shown)

    def _formats(self, r_pr: Element | None) -> tuple[Format, Format]:
        """The run's formatting accepted and rejected (``w:rPrChange`` holds the old)."""
        if r_pr is None:
            return PLAIN, PLAIN
        new = self._format(r_pr)
        change = r_pr.find(w("rPrChange"))
        if change is None:
            return new, new
        _note(self.para, change)
        old_pr = change.find(w("rPr"))
        return new, (self._format(old_pr) if old_pr is not None else PLAIN)

    def _format(self, r_pr: Element) -> Format:
        style_el = r_pr.find(w("rStyle"))
        sid = style_el.get(w("val"), "") if style_el is not None else ""
        style = self.lookups.style_names.get(sid, sid).lower()
        fonts = r_pr.find(w("rFonts"))
        font = (fonts.get(w("ascii")) or fonts.get(w("hAnsi")) or "") if fonts is not None else ""
        return (
            _toggle(r_pr.find(w("b")), style in _BOLD_STYLES),
            _toggle(r_pr.find(w("i")), style in _ITALIC_STYLES),
            font.lower() in MONO_FONTS or style in _CODE_STYLES,
        )

    def _lost_formatting(self, r_pr: Element | None, in_link: bool) -> None:
        if r_pr is None:
            return
        underline = r_pr.find(w("u"))
        if (
            not in_link
            and underline is not None
            and underline.get(w("val"), "single").lower() not in _NO_VALUE
        ):
            self.para.dropped.append(Dropped("underline"))
        if _toggle(r_pr.find(w("strike")), False) or _toggle(r_pr.find(w("dstrike")), False):
            self.para.dropped.append(Dropped("strikethrough"))
        highlight = r_pr.find(w("highlight"))
        if highlight is not None and highlight.get(w("val"), "").lower() not in _NO_VALUE:
            self.para.dropped.append(Dropped("highlight"))

    def _hyperlink(self, element: Element, deleted: bool) -> str:
        rel = element.get(f"{{{R_NS}}}id")
        if not rel:
            return ""  # a place inside the document (w:anchor): the text stays
        return self._checked(self.lookups.links.get(rel, ""), deleted, None) or ""

    def _checked(self, target: str | None, deleted: bool, outer: str | None) -> str | None:
        """``target`` if Markdown may link to it; else "" (and noted), or ``outer``."""
        if target is None:
            return outer
        if target.lower().startswith(LINK_SCHEMES):
            return target
        if target and not deleted:
            self.para.dropped.append(Dropped("link", target))
        return ""

    def _field_char(self, kind: str, deleted: bool) -> None:
        if kind == "begin":
            self.fields.append(_Field(self._field_link()))
        elif kind == "separate" and self.fields:
            top = self.fields[-1]
            top.in_result = True
            top.link = self._checked(_field_target("".join(top.instruction)), deleted, None)
        elif kind == "end" and self.fields:
            self.fields.pop()

    def _field_link(self) -> str | None:
        """The link a field gives the text here (``None``: no field gives one)."""
        if not self.fields:
            return None
        top = self.fields[-1]
        return top.link if top.in_result and top.link is not None else top.outer

    def _comment_mark(self, kind: CommentMarkKind, element: Element) -> None:
        mark = CommentMark(kind, element.get(w("id"), ""), self.para.accepted_length)
        self.para.comment_marks.append(mark)

    def _drop(self, kind: DroppedKind, deleted: bool) -> None:
        if not deleted:
            self.para.dropped.append(Dropped(kind))


def _toggle(element: Element | None, default: bool) -> bool:
    if element is None:
        return default
    return str(element.get(w("val"), "true")).lower() not in _FALSE


def _alternative(content: Element) -> Element | None:
    """The branch of ``mc:AlternateContent`` to read: the first choice, else the fallback."""
    for child in content:
        if child.tag in (f"{{{MC_NS}}}Choice", f"{{{MC_NS}}}Fallback"):
            return child
    return None


def _field_target(instruction: str) -> str | None:
    """The URL of a ``HYPERLINK "url"`` field (``""``: a place in the document), else None."""
    words = instruction.strip().split(None, 1)
    if not words or words[0].upper() != "HYPERLINK":
        return None
    skip_next = False
    for match in _FIELD_ARGUMENT.finditer(words[1] if len(words) > 1 else ""):
        switch, quoted, bare = match.groups()
        if switch is not None:
            skip_next = switch in _SWITCHES_WITH_ARGUMENT
            continue
        if skip_next:
            skip_next = False
            continue
        return quoted if quoted is not None else bare
    return ""


def _graphic(element: Element) -> Dropped | None:
    """What a ``w:drawing``/``w:pict``/``w:object`` shows (a text box with its first words).

    ``mc:AlternateContent`` offers one graphic twice (a choice and a
    fallback): it counts once, and only if it holds a graphic at all.
    """
    boxes = list(element.iter(w("txbxContent")))
    if boxes:
        return Dropped("text box", excerpt(" ".join(t.text or "" for t in boxes[0].iter(w("t")))))
    if element.tag == w("object") or element.find(f".//{w('object')}") is not None:
        return Dropped("embedded object")
    if element.tag == _ALTERNATE and not any(
        element.find(f".//{tag}") is not None for tag in (w("drawing"), w("pict"))
    ):
        return None
    for data in element.iter(f"{{{DRAWING_NS}}}graphicData"):
        if "chart" in data.get("uri", "").rsplit("/", 1)[-1]:
            return Dropped("chart")
    if (
        element.find(f".//{{{DRAWING_NS}}}blip") is not None
        or element.find(f".//{{{VML_NS}}}imagedata") is not None
    ):
        return Dropped("image")
    return Dropped("drawing")


def excerpt(text: str) -> str:
    """The first words of ``text``, for a message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= _EXCERPT else flat[: _EXCERPT - 1].rstrip() + "\u2026"


def plain_text(segments: list[Segment]) -> str:
    """The segments' text, without formatting."""
    return "".join(s.text for s in segments)


def markdown_text(segments: list[Segment]) -> str:
    """The segments as Markdown inline text (``**bold**``, ``*italic*``, code, links)."""
    parts = []
    for link, group in groupby(segments, key=lambda s: s.link):
        run = list(group)
        parts.append(_linked(run, link) if link else _formatted(run, in_link=False))
    return "".join(parts).replace("\n", "\\\n")


def _formatted(segments: list[Segment], *, in_link: bool) -> str:
    merged = [  # runs of one format joined once, not pairwise (quadratic on many runs)
        Segment("".join(s.text for s in run), *form)
        for form, run in groupby(segments, key=lambda s: (s.bold, s.italic, s.code))
    ]
    return "".join(_wrap(seg, in_link) for seg in merged)


def _linked(segments: list[Segment], link: str) -> str:
    text = plain_text(segments)
    core = text.strip()
    if not core:
        return _formatted(segments, in_link=False)
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    plain = not any(s.bold or s.italic or s.code for s in segments)
    if plain and link in (core, "mailto:" + core) and _AUTOLINKABLE.fullmatch(core):
        return f"{lead}<{core}>{trail}"
    inner = _formatted(segments, in_link=True).strip()
    return f"{lead}[{inner}]({_destination(link)}){trail}"


def _destination(url: str) -> str:
    """A link destination CommonMark reads back as ``url``."""
    cleaned = re.sub(r"\s", lambda m: f"%{ord(m.group()):02X}", url)
    cleaned = cleaned.replace("<", "%3C").replace(">", "%3E")
    depth = 0
    for char in cleaned:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    return cleaned if depth == 0 else f"<{cleaned}>"


def _wrap(seg: Segment, in_link: bool) -> str:
    text = seg.text
    if in_link and not seg.code:
        text = text.replace("[", "\\[").replace("]", "\\]")
    core = text.strip()
    if not core or not (seg.bold or seg.italic or seg.code):
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    if seg.code:
        fence = "``" if "`" in core else "`"
        return f"{lead}{fence}{core}{fence}{trail}"
    marker = "*" * ((2 if seg.bold else 0) + (1 if seg.italic else 0))
    return f"{lead}{marker}{core}{marker}{trail}"
