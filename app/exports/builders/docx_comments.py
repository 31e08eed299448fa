"""Word comments and reply threads in a DOCX export, and tracked-change protection.

``CommentWriter.anchor`` marks a range of runs already in the document body
and writes the comment for it: ``w:commentRangeStart`` just before the first
element, ``w:commentRangeEnd`` just after the last, then a run with the
``w:commentReference``, and the comment itself (author, initials, date, one
``w:p`` per paragraph) in ``word/comments.xml``.

Replies are comments of their own over the same range. Word links a reply to
its parent in ``word/commentsExtended.xml``: each comment's last paragraph
carries a ``w14:paraId``, and the reply's ``w15:commentEx`` names its parent's
paragraph in ``w15:paraIdParent``; ``w15:done="1"`` marks a resolved thread.

Invariants: comment ids are unique in the document (python-docx hands out the
next free one); paragraph ids are unique across the comments and the body,
below 0x80000000 as Word requires; every comment has exactly one range start,
one range end and one reference with its id; nesting is proper (a thread's
replies enclose the parent's range markers, the parent's hug the content).
Output is deterministic: no clock is read, ids count up.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import cast

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.oxml.xmlchemy import BaseOxmlElement

from .ooxml import word_timestamp
from .xmltext import xml_safe

MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W15_NS = "http://schemas.microsoft.com/office/word/2012/wordml"
RT_COMMENTS_EXTENDED = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
CT_COMMENTS_EXTENDED = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"
)
COMMENTS_EXTENDED_PART = "/word/commentsExtended.xml"
MAX_PARA_ID = 0x7FFFFFFF  # w14:paraId must stay below 0x80000000

# The children CT_Settings allows before w:trackRevisions, then up to
# w:documentProtection; everything else must follow them.
_SETTINGS_BEFORE_TRACK = (
    "w:writeProtection",
    "w:view",
    "w:zoom",
    "w:removePersonalInformation",
    "w:removeDateAndTime",
    "w:doNotDisplayPageBoundaries",
    "w:displayBackgroundShape",
    "w:printPostScriptOverText",
    "w:printFractionalCharacterWidth",
    "w:printFormsData",
    "w:embedTrueTypeFonts",
    "w:embedSystemFonts",
    "w:saveSubsetFonts",
    "w:saveFormsData",
    "w:mirrorMargins",
    "w:alignBordersAndEdges",
    "w:bordersDoNotSurroundHeader",
    "w:bordersDoNotSurroundFooter",
    "w:gutterAtTop",
    "w:hideSpellingErrors",
    "w:hideGrammaticalErrors",
    "w:activeWritingStyle",
    "w:proofState",
    "w:formsDesign",
    "w:attachedTemplate",
    "w:linkStyles",
    "w:stylePaneFormatFilter",
    "w:stylePaneSortMethod",
    "w:documentType",
    "w:mailMerge",
    "w:revisionView",
)
_SETTINGS_BEFORE_PROTECTION = (
    *_SETTINGS_BEFORE_TRACK,
    "w:trackRevisions",
    "w:doNotTrackMoves",
    "w:doNotTrackFormatting",
)

# Word's own definitions of the two styles comments use, added if missing.
_COMMENT_STYLES = {
    "CommentText": (
        '<w:style xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        ' w:type="paragraph" w:styleId="CommentText"><w:name w:val="annotation text"/>'
        '<w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        '<w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>'
    ),
    "CommentReference": (
        '<w:style xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        ' w:type="character" w:styleId="CommentReference"><w:name w:val="annotation reference"/>'
        '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:semiHidden/>'
        '<w:unhideWhenUsed/><w:rPr><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style>'
    ),
}


@dataclass(frozen=True)
class Reply:
    """A reply in a comment thread: a delegation's answer, the chair's decision note.

    ``text`` is split into paragraphs at blank lines. ``done`` says this reply
    closed the thread: the whole thread is then written as resolved.
    """

    author: str
    text: str
    date: datetime.datetime | None = None
    done: bool = False


def initials(author: str) -> str:
    """Initials Word shows beside a comment: ``USA`` stays, ``Jane Smith`` gives ``JS``.

    A single all-capitals word of up to four letters (a delegation code) is
    kept whole; otherwise the first letter of each word, at most four.
    """
    words: list[str] = re.findall(r"[^\W_]+", author)
    if len(words) == 1 and len(words[0]) <= 4 and words[0].isupper():
        return words[0]
    return "".join(word[0] for word in words[:4]).upper()


def text_paragraphs(text: str) -> list[str]:
    """``text`` split at blank lines into paragraphs, each stripped, empty ones dropped."""
    return [part.strip() for part in re.split(r"\n(?:[ \t]*\n)+", text) if part.strip()]


class CommentWriter:
    """Writes comments and their replies into one document; make one per document.

    Creating the writer adds the comments part (and the "annotation text" and
    "annotation reference" styles) if the document lacks them; the
    commentsExtended part is added with the first comment.
    """

    def __init__(self, doc: Document) -> None:
        self._doc = doc
        doc.comments  # noqa: B018  # python-docx creates the comments part on first access
        self._comments = cast(XmlPart, doc.part.part_related_by(RT.COMMENTS)).element
        _declare_ignorable(self._comments, "w14")
        _add_comment_styles(doc)
        self._extended: BaseOxmlElement | None = None
        used = {
            int(value, 16)
            for root in (doc.element, self._comments)
            for value in root.xpath("//@w14:paraId")
        }
        self._para_ids: Iterator[int] = (n for n in range(1, MAX_PARA_ID + 1) if n not in used)

    def anchor(
        self,
        first: BaseOxmlElement,
        last: BaseOxmlElement,
        *,
        author: str,
        paragraphs: Sequence[str],
        date: datetime.datetime | None,
        replies: Sequence[Reply] = (),
        resolved: bool = False,
    ) -> int:
        """Comment on the runs from ``first`` to ``last``; return the comment's id.

        ``first`` and ``last`` are run-level elements (``w:r``, ``w:ins``,
        ``w:del``, ``w:hyperlink`` …) already in paragraphs of the document
        body, ``first`` not after ``last``; they may be in different
        paragraphs. The reference runs go right after the range ends, outside
        any ``w:ins``/``w:del``/``w:hyperlink`` holding ``last``. ``replies``
        become comments over the same range linked to this one; the thread is
        resolved if ``resolved`` or any reply is ``done``.
        """
        start_para, end_para = self._paragraph_of(first), self._paragraph_of(last)
        if start_para is end_para and _child_index(start_para, first) > _child_index(
            end_para, last
        ):
            raise ValueError("the comment range must not end before it starts")
        done = resolved or any(reply.done for reply in replies)
        parent_id, parent_para = self._write(author, paragraphs, date)
        self._link(parent_para, None, done)
        ids = [parent_id]
        for reply in replies:
            reply_id, reply_para = self._write(
                reply.author, text_paragraphs(reply.text), reply.date
            )
            self._link(reply_para, parent_para, done)
            ids.append(reply_id)
        _mark_range(first, last, ids)
        return parent_id

    def _paragraph_of(self, element: BaseOxmlElement) -> BaseOxmlElement:
        paragraph = next(element.iterancestors(qn("w:p")), None)
        if paragraph is None or element.getroottree().getroot() is not self._doc.element:
            raise ValueError("a comment can only mark runs inside paragraphs of the document body")
        return cast(BaseOxmlElement, paragraph)

    def _write(
        self, author: str, paragraphs: Sequence[str], date: datetime.datetime | None
    ) -> tuple[int, str]:
        """Append one ``w:comment``; return its id and its last paragraph's paraId."""
        comment = self._comments.add_comment()  # id, empty author, annotationRef paragraph
        comment.author = xml_safe(author)
        comment.initials = initials(xml_safe(author)) or None
        if date is not None:
            comment.set(qn("w:date"), word_timestamp(date))
        texts = [xml_safe(text) for text in paragraphs] or [""]
        first_p = comment.p_lst[0]
        _append_text(first_p, texts[0])
        for text in texts[1:]:
            para = OxmlElement("w:p")
            p_pr = OxmlElement("w:pPr")
            p_pr.append(OxmlElement("w:pStyle", attrs={qn("w:val"): "CommentText"}))
            para.append(p_pr)
            _append_text(para, text)
            comment.append(para)
        para_id = ""
        for para in comment.p_lst:
            para_id = f"{next(self._para_ids):08X}"
            para.set(qn("w14:paraId"), para_id)
        return int(comment.id), para_id

    def _link(self, para_id: str, parent: str | None, done: bool) -> None:
        """Record a comment's ``w15:commentEx``: its parent and whether it is done."""
        attrs = {f"{{{W15_NS}}}paraId": para_id}
        if parent is not None:
            attrs[f"{{{W15_NS}}}paraIdParent"] = parent
        attrs[f"{{{W15_NS}}}done"] = "1" if done else "0"
        root = self._extended_root()
        root.append(root.makeelement(f"{{{W15_NS}}}commentEx", attrs))

    def _extended_root(self) -> BaseOxmlElement:
        if self._extended is None:
            part = self._doc.part
            existing = [
                r.target_part for r in part.rels.values() if r.reltype == RT_COMMENTS_EXTENDED
            ]
            if existing:
                if not isinstance(existing[0], XmlPart):
                    raise ValueError("the document's commentsExtended part cannot be edited")
                self._extended = existing[0].element
            else:
                root = parse_xml(
                    f'<w15:commentsEx xmlns:w15="{W15_NS}" xmlns:mc="{MC_NS}" mc:Ignorable="w15"/>'
                )
                extended = XmlPart(
                    PackURI(COMMENTS_EXTENDED_PART), CT_COMMENTS_EXTENDED, root, part.package
                )
                part.relate_to(extended, RT_COMMENTS_EXTENDED)
                self._extended = root
        return self._extended


def protect_tracked_changes(doc: Document) -> None:
    """Track every edit made to the file and forbid switching tracking off.

    Adds ``w:trackRevisions`` and ``<w:documentProtection w:edit="trackedChanges"
    w:enforcement="1"/>`` (no password) to the settings, each where CT_Settings
    puts it; an earlier ``w:documentProtection`` is replaced. A delegation's
    returned file then comes back with its edits as tracked changes.
    """
    settings = doc.settings.element
    if settings.find(qn("w:trackRevisions")) is None:
        _insert_after(settings, OxmlElement("w:trackRevisions"), _SETTINGS_BEFORE_TRACK)
    for old in settings.findall(qn("w:documentProtection")):
        settings.remove(old)
    protection = OxmlElement(
        "w:documentProtection",
        attrs={qn("w:edit"): "trackedChanges", qn("w:enforcement"): "1"},
    )
    _insert_after(settings, protection, _SETTINGS_BEFORE_PROTECTION)


def _mark_range(first: BaseOxmlElement, last: BaseOxmlElement, ids: Sequence[int]) -> None:
    """Range starts before ``first``, ends after ``last``, then the reference runs."""
    for comment_id in reversed(ids):  # the parent's start ends up next to ``first``
        first.addprevious(_marker("w:commentRangeStart", comment_id))
    end = last
    for comment_id in ids:
        marker = _marker("w:commentRangeEnd", comment_id)
        end.addnext(marker)
        end = marker
    # A reference inside w:del would be deleted text, inside w:ins an insertion,
    # inside w:hyperlink a link: it goes after whatever holds the range end.
    holder = end
    while (parent := holder.getparent()) is not None and parent.tag != qn("w:p"):
        holder = parent
    for comment_id in ids:
        run = OxmlElement("w:r")
        r_pr = OxmlElement("w:rPr")
        r_pr.append(OxmlElement("w:rStyle", attrs={qn("w:val"): "CommentReference"}))
        run.append(r_pr)
        run.append(_marker("w:commentReference", comment_id))
        holder.addnext(run)
        holder = run


def _marker(tag: str, comment_id: int) -> BaseOxmlElement:
    return OxmlElement(tag, attrs={qn("w:id"): str(comment_id)})


def _append_text(paragraph: BaseOxmlElement, text: str) -> None:
    """A run with ``text``; its line breaks become ``w:br``."""
    if not text:
        return
    run = OxmlElement("w:r")
    for index, line in enumerate(text.split("\n")):
        if index:
            run.append(OxmlElement("w:br"))
        if line:
            t = OxmlElement("w:t", attrs={qn("xml:space"): "preserve"})
            t.text = line
            run.append(t)
    paragraph.append(run)


def _child_index(paragraph: BaseOxmlElement, element: BaseOxmlElement) -> int:
    """Index of the child of ``paragraph`` that is or holds ``element``."""
    while (parent := element.getparent()) is not None and parent is not paragraph:
        element = parent
    return int(paragraph.index(element))


def _insert_after(
    parent: BaseOxmlElement, child: BaseOxmlElement, predecessors: Sequence[str]
) -> None:
    """Insert ``child`` before the first child of ``parent`` not in ``predecessors``."""
    before = {qn(name) for name in predecessors}
    for existing in parent.iterchildren():
        if isinstance(existing.tag, str) and existing.tag not in before:
            existing.addprevious(child)
            return
    parent.append(child)


def _declare_ignorable(root: BaseOxmlElement, prefix: str) -> None:
    """List ``prefix`` in the root's ``mc:Ignorable`` (it must be declared there)."""
    name = f"{{{MC_NS}}}Ignorable"
    prefixes = (root.get(name) or "").split()
    if prefix not in prefixes and root.nsmap.get(prefix) and root.nsmap.get("mc") == MC_NS:
        root.set(name, " ".join([*prefixes, prefix]))


def _add_comment_styles(doc: Document) -> None:
    styles = doc.styles.element
    present = set(styles.xpath("./w:style/@w:styleId"))
    for style_id, xml in _COMMENT_STYLES.items():
        if style_id not in present:
            styles.append(parse_xml(xml))
