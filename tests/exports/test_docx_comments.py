"""Word comments, reply threads and tracked-change protection in DOCX exports.

Documents are built with ``new_guide_document``, tracked changes and runs,
commented through ``CommentWriter``, saved, and read back: the package's XML
(comments, commentsExtended, settings, content types, relationships), the
importer's view of the text, and LibreOffice's (annotations in the
OpenDocument it converts to, settings kept when it saves the file again).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from lxml import etree

from app.exports.builders import parse_docx
from app.exports.builders.docx_comments import (
    CommentWriter,
    Reply,
    initials,
    protect_tracked_changes,
    text_paragraphs,
)
from app.exports.builders.ooxml import new_guide_document, to_bytes

from .builders_factory import LATER, WHEN, make_meta
from .soffice import libreoffice_convert

W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": W15,
}
OBJECTION = "The Russian Federation cannot accept “accurate” here."


def _tracked(tag: str, text: str, author: str, change_id: int) -> BaseOxmlElement:
    wrapper = OxmlElement(tag, attrs={qn("w:id"): str(change_id), qn("w:author"): author})
    run = OxmlElement("w:r")
    t = OxmlElement("w:delText" if tag == "w:del" else "w:t", attrs={qn("xml:space"): "preserve"})
    t.text = text
    run.append(t)
    wrapper.append(run)
    return wrapper


@dataclass
class Built:
    data: bytes
    thread: int  # the comment over an insertion, replied to and resolved
    spanning: int  # the comment from one paragraph into the next, ending on a deletion
    plain: int  # the comment on a single run, no replies, no date


def _build(*, protect: bool = False) -> Built:
    doc = new_guide_document(make_meta())
    doc.add_paragraph("1 Introduction", style="Heading 1")
    para = doc.add_paragraph("States should keep ")
    inserted = _tracked("w:ins", "accurate ", "USA", 1)
    para._p.append(inserted)
    para.add_run("accounting.")
    second = doc.add_paragraph("Records are kept ")
    deleted = _tracked("w:del", "for ten years", "CHE", 2)
    second._p.append(deleted)
    second.add_run(".")
    third = doc.add_paragraph("Licensing authorities should ")
    word = third.add_run("publish")
    third.add_run(" guidance.")

    writer = CommentWriter(doc)
    thread = writer.anchor(
        inserted,
        inserted,
        author="Russian Federation",
        paragraphs=[OBJECTION, "We propose “complete”."],
        date=WHEN,
        replies=(
            Reply("USA", "We prefer to keep it.", LATER),
            Reply("Chair (ESP)", "Accepted as proposed.\n\nThread closed.", LATER, done=True),
        ),
    )
    spanning = writer.anchor(
        para.runs[-1]._r, deleted, author="CHE", paragraphs=["Check the period."], date=LATER
    )
    plain = writer.anchor(word._r, word._r, author="CPC", paragraphs=["Online?"], date=None)
    if protect:
        protect_tracked_changes(doc)
    return Built(to_bytes(doc), thread, spanning, plain)


def _part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def _comments(data: bytes) -> dict[int, etree._Element]:
    root = _part(data, "word/comments.xml")
    return {int(c.get(qn("w:id"))): c for c in root.iterfind("w:comment", NS)}


def _text(comment: etree._Element) -> list[str]:
    return ["".join(p.itertext()) for p in comment.iterfind("w:p", NS)]


# -- comments.xml and the ranges -------------------------------------------------------------


def test_comment_has_author_initials_date_and_one_paragraph_per_text() -> None:
    built = _build()
    comments = _comments(built.data)
    thread = comments[built.thread]
    assert thread.get(qn("w:author")) == "Russian Federation"
    assert thread.get(qn("w:initials")) == "RF"
    assert thread.get(qn("w:date")) == "2021-04-27T10:00:00Z"
    assert _text(thread) == [OBJECTION, "We propose “complete”."]
    assert thread.find("w:p/w:r/w:annotationRef", NS) is not None
    plain = comments[built.plain]
    assert plain.get(qn("w:date")) is None  # no date given, none invented
    assert (plain.get(qn("w:author")), plain.get(qn("w:initials"))) == ("CPC", "CPC")


def test_every_comment_has_one_range_start_end_and_reference_with_its_id() -> None:
    built = _build()
    body = _part(built.data, "word/document.xml")
    ids = sorted(_comments(built.data))
    assert len(ids) == 5 and len(set(ids)) == 5  # three comments and two replies
    for marker in ("commentRangeStart", "commentRangeEnd", "commentReference"):
        found = sorted(int(e.get(qn("w:id"))) for e in body.iter(qn(f"w:{marker}")))
        assert found == ids, marker
    for reference in body.iter(qn("w:commentReference")):
        run = reference.getparent()
        assert run.tag == qn("w:r") and run.getparent().tag == qn("w:p")


def test_range_hugs_the_marked_elements_and_the_reference_follows_it() -> None:
    built = _build()
    body = _part(built.data, "word/document.xml")
    (inserted,) = body.iter(qn("w:ins"))
    start, end = inserted.getprevious(), inserted.getnext()
    assert start.tag == qn("w:commentRangeStart") and end.tag == qn("w:commentRangeEnd")
    assert start.get(qn("w:id")) == end.get(qn("w:id")) == str(built.thread)
    after = end.getnext().getnext().getnext()  # the two replies' range ends come first
    assert after.find("w:commentReference", NS).get(qn("w:id")) == str(built.thread)
    assert after.find("w:rPr/w:rStyle", NS).get(qn("w:val")) == "CommentReference"


def test_a_range_may_span_paragraphs_and_end_on_a_deletion() -> None:
    built = _build()
    body = _part(built.data, "word/document.xml")
    starts = {e.get(qn("w:id")): e for e in body.iter(qn("w:commentRangeStart"))}
    ends = {e.get(qn("w:id")): e for e in body.iter(qn("w:commentRangeEnd"))}
    key = str(built.spanning)
    assert "".join(starts[key].getnext().itertext()) == "accounting."
    (deleted,) = body.iter(qn("w:del"))
    assert ends[key].getprevious() is deleted
    assert starts[key].getparent() is not ends[key].getparent()  # two paragraphs
    reference = ends[key].getnext().find("w:commentReference", NS)
    assert reference is not None and reference.get(qn("w:id")) == key
    assert not deleted.xpath(".//w:commentReference", namespaces=NS)


def test_reference_goes_after_the_insertion_holding_the_last_run() -> None:
    doc = new_guide_document(make_meta())
    para = doc.add_paragraph("Text ")
    inserted = _tracked("w:ins", "added", "USA", 1)
    para._p.append(inserted)
    (run,) = inserted.findall(qn("w:r"))
    comment_id = CommentWriter(doc).anchor(run, run, author="USA", paragraphs=["Why?"], date=WHEN)
    assert [child.tag for child in inserted] == [
        qn("w:commentRangeStart"),
        qn("w:r"),
        qn("w:commentRangeEnd"),
    ]
    reference_run = inserted.getnext()
    assert reference_run.find(qn("w:commentReference")).get(qn("w:id")) == str(comment_id)


def test_the_importer_reads_the_text_not_the_comments() -> None:
    imported = parse_docx(_build().data)
    (section,) = imported.sections
    assert section.number == "1"
    assert "States should keep accurate accounting." in section.body_accepted
    assert "Records are kept ." in section.body_accepted
    assert "Records are kept for ten years." in section.body_rejected
    assert "Online?" not in section.body_accepted and OBJECTION not in section.body_rejected


def test_a_range_must_be_in_the_body_and_in_order() -> None:
    doc = new_guide_document(make_meta())
    para = doc.add_paragraph("One ")
    later = para.add_run("two")
    writer = CommentWriter(doc)
    loose = OxmlElement("w:r")
    with pytest.raises(ValueError):
        writer.anchor(loose, loose, author="USA", paragraphs=["x"], date=None)
    in_header = doc.sections[0].header.paragraphs[0].runs[0]._r
    with pytest.raises(ValueError):
        writer.anchor(in_header, in_header, author="USA", paragraphs=["x"], date=None)
    with pytest.raises(ValueError):
        writer.anchor(later._r, para.runs[0]._r, author="USA", paragraphs=["x"], date=None)
    assert not doc.element.xpath("//w:commentRangeStart")


# -- replies and commentsExtended ------------------------------------------------------------


def test_replies_are_linked_to_their_parent_in_comments_extended() -> None:
    built = _build()
    comments = _comments(built.data)
    para_ids = {
        cid: c.xpath("w:p[last()]/@w14:paraId", namespaces=NS)[0] for cid, c in comments.items()
    }
    extended = _part(built.data, "word/commentsExtended.xml")
    entries = {e.get(f"{{{W15}}}paraId"): e for e in extended.iterfind("w15:commentEx", NS)}
    assert set(entries) == set(para_ids.values())  # one entry per comment
    parent = para_ids[built.thread]
    replies = [cid for cid in comments if cid not in (built.thread, built.spanning, built.plain)]
    assert [_text(comments[r])[0] for r in replies] == [
        "We prefer to keep it.",
        "Accepted as proposed.",
    ]
    assert _text(comments[replies[1]]) == ["Accepted as proposed.", "Thread closed."]
    for reply in replies:
        assert entries[para_ids[reply]].get(f"{{{W15}}}paraIdParent") == parent
    assert entries[parent].get(f"{{{W15}}}paraIdParent") is None


def test_a_thread_closed_by_a_reply_is_resolved_and_others_are_open() -> None:
    built = _build()
    comments = _comments(built.data)
    extended = _part(built.data, "word/commentsExtended.xml")
    done = {e.get(f"{{{W15}}}paraId"): e.get(f"{{{W15}}}done") for e in extended}
    by_comment = {
        cid: done[c.xpath("w:p[last()]/@w14:paraId", namespaces=NS)[0]]
        for cid, c in comments.items()
    }
    open_ = {built.spanning, built.plain}
    assert all(v == ("0" if cid in open_ else "1") for cid, v in by_comment.items())


def test_paragraph_ids_are_unique_and_below_the_word_limit() -> None:
    comments = _part(_build().data, "word/comments.xml")
    ids = comments.xpath("//w:p/@w14:paraId", namespaces=NS)
    assert len(ids) == len(comments.xpath("//w:p", namespaces=NS)) == len(set(ids))
    assert all(re.fullmatch(r"[0-9A-F]{8}", i) and 0 < int(i, 16) < 0x80000000 for i in ids)
    assert (
        "w14"
        in comments.get(
            "{http://schemas.openxmlformats.org/markup-compatibility/2006}Ignorable"
        ).split()
    )


def test_package_declares_the_comments_extended_part() -> None:
    data = _build().data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
        rels = archive.read("word/_rels/document.xml.rels").decode()
    assert (
        'PartName="/word/commentsExtended.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.commentsExtended+xml"'
    ) in types
    assert "http://schemas.microsoft.com/office/2011/relationships/commentsExtended" in rels
    doc = docx.Document(io.BytesIO(data))  # python-docx reads it back
    assert [c.author for c in doc.comments][:3] == ["Russian Federation", "USA", "Chair (ESP)"]
    styles = {s.style_id for s in doc.styles}
    assert {"CommentText", "CommentReference"} <= styles


def test_initials_and_paragraphs_of_a_reply() -> None:
    assert initials("USA") == "USA"
    assert initials("Russian Federation") == "RF"
    assert initials("Chair (ESP)") == "CE"
    assert initials("chair.esp") == "CE"
    assert initials("") == ""
    assert text_paragraphs("One.\n\n  \nTwo,\nstill two.\n") == ["One.", "Two,\nstill two."]


# -- protection ----------------------------------------------------------------------------


def test_protection_enforces_tracked_changes_in_schema_order() -> None:
    doc = new_guide_document(make_meta())
    doc.add_paragraph("Text.")
    protect_tracked_changes(doc)
    protect_tracked_changes(doc)  # twice is the same as once
    settings = _part(to_bytes(doc), "word/settings.xml")
    (protection,) = settings.iterfind("w:documentProtection", NS)
    assert protection.get(qn("w:edit")) == "trackedChanges"
    assert protection.get(qn("w:enforcement")) == "1"
    assert len(settings.findall("w:trackRevisions", NS)) == 1
    tags = [etree.QName(child).localname for child in settings]
    assert (
        tags.index("proofState") < tags.index("trackRevisions") < tags.index("documentProtection")
    )
    assert tags.index("documentProtection") < tags.index("defaultTabStop")
    assert tags.index("documentProtection") < tags.index("docId")  # before the w14 extensions


# -- as LibreOffice reads it -----------------------------------------------------------------


def _annotations(fodt: str) -> list[dict[str, str]]:
    root = etree.fromstring(fodt.encode())
    office = root.nsmap["office"]
    found = []
    for note in root.iter(f"{{{office}}}annotation"):
        found.append(
            {
                "name": note.get(f"{{{office}}}name") or "",
                "author": note.findtext("dc:creator", namespaces=root.nsmap) or "",
                "text": "\n".join(
                    "".join(p.itertext()) for p in note.iterfind("text:p", namespaces=root.nsmap)
                ),
                "resolved": note.get(f"{{{root.nsmap['loext']}}}resolved") or "",
            }
        )
    return found


@pytest.mark.slow
def test_libreoffice_keeps_the_comments_with_author_text_and_range(tmp_path: Path) -> None:
    source = tmp_path / "commented.docx"
    source.write_bytes(_build().data)
    fodt = libreoffice_convert(source, "fodt", tmp_path).read_text(encoding="utf-8")
    notes = _annotations(fodt)
    by_author = {n["author"]: n for n in notes}
    assert set(by_author) == {"Russian Federation", "USA", "Chair (ESP)", "CHE", "CPC"}
    assert by_author["Russian Federation"]["text"] == f"{OBJECTION}\nWe propose “complete”."
    assert by_author["Chair (ESP)"]["text"] == "Accepted as proposed.\nThread closed."
    assert by_author["CPC"]["text"] == "Online?"
    for note in notes:  # every comment marks a range, not just a point
        assert f'<office:annotation-end office:name="{note["name"]}"/>' in fodt
    assert by_author["Russian Federation"]["resolved"] == "true"
    assert by_author["CPC"]["resolved"] == "false"


@pytest.mark.slow
def test_libreoffice_saves_the_protection_back(tmp_path: Path) -> None:
    source = tmp_path / "in" / "protected.docx"
    source.parent.mkdir()
    source.write_bytes(_build(protect=True).data)
    saved = libreoffice_convert(source, "docx:MS Word 2007 XML", tmp_path / "out")
    settings = _part(saved.read_bytes(), "word/settings.xml")
    assert settings.find("w:trackRevisions", NS) is not None
    protection = settings.find("w:documentProtection", NS)
    assert protection is not None and protection.get(qn("w:edit")) == "trackedChanges"
    assert len(_comments(saved.read_bytes())) == 5
