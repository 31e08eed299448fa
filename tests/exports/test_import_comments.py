"""Word comments in a returned file become comments on the proposals it makes.

Comments are written with python-docx (``Document.add_comment``); replies and
"done" flags, which python-docx cannot write, are added the way Word keeps
them: a ``w14:paraId`` on each comment's last paragraph and a
``word/commentsExtended.xml`` whose ``w15:commentEx`` names the parent's.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Collection
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree  # type: ignore[import-untyped]

from app.exports.builders import DocxImportError, parse_docx
from app.exports.builders import docx_import as limits
from app.exports.builders.model import ImportedComment
from tests.conftest import Api
from tests.exports.rounds import Round, run_round
from tests.exports.soffice import libreoffice_convert
from tests.exports.test_import_formatting import (
    WHEN,
    add_xml,
    body_paragraph,
    exported,
    ins,
    mark,
    new_document,
    retype,
    run,
    saved,
    style,
    upload,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"


def split_run(paragraph: Paragraph, phrase: str) -> Run:
    """Rewrite a one-run paragraph as three runs, the middle one ``phrase``; return it."""
    text = paragraph.text
    start = text.index(phrase)
    retype(paragraph, text[:start])
    middle = paragraph.add_run(phrase)
    paragraph.add_run(text[start + len(phrase) :])
    return middle


def with_threads(content: bytes, replies: dict[int, int], done: Collection[int] = ()) -> bytes:
    """Add Word's reply links: ``replies`` maps a comment id to its parent's id."""
    source = zipfile.ZipFile(io.BytesIO(content))
    comments = etree.fromstring(source.read("word/comments.xml"))
    para_ids = {}
    for comment in comments.iter(f"{{{W}}}comment"):
        cid = int(comment.get(f"{{{W}}}id"))
        para_ids[cid] = f"{0x1000 + cid:08X}"
        comment.findall(f"{{{W}}}p")[-1].set(f"{{{W14}}}paraId", para_ids[cid])
    extended = etree.Element(f"{{{W15}}}commentsEx", nsmap={"w15": W15})
    for cid, para_id in para_ids.items():
        entry = etree.SubElement(extended, f"{{{W15}}}commentEx")
        entry.set(f"{{{W15}}}paraId", para_id)
        if cid in replies:
            entry.set(f"{{{W15}}}paraIdParent", para_ids[replies[cid]])
        entry.set(f"{{{W15}}}done", "1" if cid in done else "0")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/comments.xml":
                data = etree.tostring(comments, xml_declaration=True, standalone=True)
            out.writestr(item, data)
        out.writestr("word/commentsExtended.xml", etree.tostring(extended))
    return buffer.getvalue()


def comment(document: Document, runs: Run | list[Run], text: str, author: str) -> int:
    made = document.add_comment(runs, text=text, author=author, initials=author[:2])
    return int(made.comment_id)


# --- reading -----------------------------------------------------------------------------


def test_comments_are_read_with_their_quote_thread_and_section() -> None:
    document = docx.Document()
    title = document.add_paragraph("The Guide", style="Title")
    document.add_paragraph("4 Annex", style="Heading 1")
    paragraph = document.add_paragraph("Records should be kept for ten years at least.")
    phrase = split_run(paragraph, "ten years")
    first = comment(document, phrase, "Why not twelve?", "Jane Doe (CHE)")
    reply = comment(document, phrase, "Ten is the EU norm.", "John Roe (AUT)")
    document.add_paragraph("5 Outreach", style="Heading 1")
    one = document.add_paragraph("Workshops help.")
    two = document.add_paragraph("So do visits.")
    spanning = comment(document, [one.runs[0], two.runs[0]], "Merge these.", "Ana (ESP)")
    on_title = comment(document, title.runs[0], "Shorter title?", "Ana (ESP)")
    content = with_threads(saved(document), {reply: first}, done={spanning})

    imported = parse_docx(content)
    four, five = imported.sections
    assert four.comments == (
        ImportedComment(
            id=str(first),
            author="Jane Doe (CHE)",
            text="Why not twelve?",
            quote="ten years",
            prefix="Records should be kept for ",
            suffix=" at least.",
            date=four.comments[0].date,
            initials="Ja",
        ),
        ImportedComment(
            id=str(reply),
            author="John Roe (AUT)",
            text="Ten is the EU norm.",
            quote="ten years",
            prefix="Records should be kept for ",
            suffix=" at least.",
            parent=str(first),
            date=four.comments[1].date,
            initials="Jo",
        ),
    )
    [merge] = five.comments
    assert (merge.quote, merge.prefix, merge.suffix) == ("Workshops help.\nSo do visits.", "", "")
    assert merge.done and merge.parent == ""
    assert [c.id for c in imported.stray_comments] == [str(on_title)]
    assert four.body_accepted == "Records should be kept for ten years at least."


def test_replies_come_after_their_parent_and_follow_its_section() -> None:
    document = new_document()
    paragraph = document.add_paragraph("Outreach is voluntary.")
    document.add_paragraph("5 Next", style="Heading 1")
    elsewhere = document.add_paragraph("Other text.")
    reply = comment(document, elsewhere.runs[0], "Agreed.", "B")  # written first, anchored in 5
    root = comment(document, paragraph.runs[0], "Too weak.", "A")
    content = with_threads(saved(document), {reply: root})
    four, five = parse_docx(content).sections
    assert [(c.id, c.parent) for c in four.comments] == [(str(root), ""), (str(reply), str(root))]
    assert five.comments == ()


def test_a_file_without_comments_reads_none() -> None:
    document = new_document()
    document.add_paragraph("Plain.")
    imported = parse_docx(saved(document))
    assert imported.sections[0].comments == () and imported.stray_comments == ()


# --- through the HTTP API ----------------------------------------------------------------


@pytest.fixture
def merged(api: Api, guide: dict[str, Any]) -> Round:
    return run_round(api, guide)


def thread(api: Api, proposal_id: int, user: str = "delegate.che") -> list[dict[str, Any]]:
    response = api.get(f"/api/proposals/{proposal_id}/comments", user=user)
    assert response.status_code == 200, response.text
    return list(response.json())


def test_word_comments_become_comments_on_the_proposal(api: Api, merged: Round) -> None:
    b, c = merged.sections["b"], merged.sections["c"]
    document = exported(api, merged)
    paragraph = body_paragraph(document, c["number"])
    retype(paragraph, "Records should be kept for fifteen years.")
    phrase = split_run(paragraph, "fifteen years")
    first = comment(document, phrase, "Fifteen matches our **law**.", "Anna Muster")
    reply = comment(document, phrase, "Fine with us.", "John Roe")
    comment(document, body_paragraph(document, b["number"]).runs[0], "Unchanged here.", "A")
    title = next(p for p in document.paragraphs if p.style is not None and p.style.name == "Title")
    comment(document, title.runs[0], "A title remark.", "A")
    content = with_threads(saved(document), {reply: first}, done={reply})

    response = upload(api, f"/api/drafts/{merged.new}/import", content)
    assert response.status_code == 201, response.text
    [proposal] = response.json()
    assert proposal["body"] == "Records should be kept for fifteen years.\n"
    assert proposal["comment_count"] == 2
    assert proposal["not_carried"] == [
        f"Section {b['number']}: 1 Word comment was not imported: the section's text is "
        "unchanged, so there is no proposal to put it on",
        "1 Word comment outside any section was not imported",
    ]
    root, answer = thread(api, proposal["id"])
    assert root["body"] == "Word comment by Anna Muster: Fifteen matches our **law**."
    assert root["quote"] == {
        "exact": "fifteen years",
        "prefix": "Records should be kept for ",
        "suffix": ".",
    }
    assert (root["author"], root["delegation"], root["parent_id"]) == ("delegate.che", "CHE", None)
    assert not root["resolved"] and not root["private"]
    assert answer["body"] == "Word comment by John Roe: Fine with us."
    assert answer["parent_id"] == root["id"] and answer["resolved"]
    # Others read them too: the proposal is submitted, not a private draft.
    assert [x["id"] for x in thread(api, proposal["id"], user="delegate.usa")] == [
        root["id"],
        answer["id"],
    ]


def test_the_section_route_posts_its_comments_and_counts_the_others(
    api: Api, merged: Round
) -> None:
    c, d = merged.sections["c"], merged.sections["d"]
    document = exported(api, merged)
    paragraph = body_paragraph(document, c["number"])
    retype(paragraph, "Records should be kept for twelve years.")
    comment(
        document, paragraph.runs[0], "Twelve, as agreed in Vienna.", "Delegation of Switzerland"
    )
    other = body_paragraph(document, d["number"]).runs[0]
    comment(document, other, "One.", "X")
    comment(document, other, "Two.", "X")
    url = f"/api/sections/{c['id']}/proposals/import"
    response = upload(api, url, saved(document), draft_id=merged.new)
    assert response.status_code == 201, response.text
    proposal = response.json()
    assert proposal["not_carried"] == [
        f"2 Word comments outside section {c['number']} were not imported"
    ]
    [posted] = thread(api, proposal["id"])
    assert posted["body"] == (
        "Word comment by Delegation of Switzerland: Twelve, as agreed in Vienna."
    )
    assert posted["quote"]["exact"] == "Records should be kept for twelve years."


def test_a_file_with_comments_but_no_change_is_refused_and_says_so(api: Api, merged: Round) -> None:
    """A file that changes nothing posts no comment: the import is all or nothing."""
    c = merged.sections["c"]
    document = exported(api, merged)
    comment(document, body_paragraph(document, c["number"]).runs[0], "Only a remark.", "A")
    before = api.get("/api/proposals?limit=200", user="chair.esp").json()
    response = upload(api, f"/api/drafts/{merged.new}/import", saved(document))
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "the file changes nothing in Rev.1 (not carried over: "
        f"Section {c['number']}: 1 Word comment was not imported: the section's text is "
        "unchanged, so there is no proposal to put it on)"
    )
    assert api.get("/api/proposals?limit=200", user="chair.esp").json() == before


def test_a_round_trip_keeps_bold_a_new_list_item_and_a_comment(api: Api, merged: Round) -> None:
    """Export as Word, edit in python-docx as a delegate would, import: one proposal."""
    c = merged.sections["c"]
    content = api.get(f"/api/drafts/{merged.new}/export?format=docx").content
    document = docx.Document(io.BytesIO(content))
    paragraph = body_paragraph(document, c["number"])
    retype(paragraph, "Records should be kept for ten years, on:")
    bold = split_run(paragraph, "ten years")
    bold.bold = True
    item = document.add_paragraph("paper", style="List Bullet")
    paragraph._p.addnext(item._p)
    second = document.add_paragraph("microfilm", style="List Bullet")
    item._p.addnext(second._p)
    comment(document, bold, "Ten is the minimum.", "Anna Muster")
    comment(document, second.runs[0], "Is microfilm still used?", "John Roe")

    response = upload(api, f"/api/drafts/{merged.new}/import", saved(document))
    assert response.status_code == 201, response.text
    [proposal] = response.json()
    assert proposal["section_id"] == c["id"]
    assert proposal["body"] == (
        "Records should be kept for **ten years**, on:\n\n- paper\n- microfilm\n"
    )
    assert proposal["not_carried"] == []
    assert [(x["body"], x["quote"]["exact"]) for x in thread(api, proposal["id"])] == [
        ("Word comment by Anna Muster: Ten is the minimum.", "ten years"),
        ("Word comment by John Roe: Is microfilm still used?", "microfilm"),
    ]
    assert (
        api.get(f"/api/proposals/{proposal['id']}", user="delegate.che").json()["comment_count"]
        == 2
    )


def test_a_returned_redline_does_not_import_its_own_comments_again(api: Api, merged: Round) -> None:
    """The redline export comments on each proposal's changes; those are not new comments."""
    c = merged.sections["c"]
    url = f"/api/drafts/{merged.new}/export?format=docx&changes_since={merged.old}&threads=true"
    document = docx.Document(io.BytesIO(api.get(url, user="coordinator").content))
    paragraph = body_paragraph(document, c["number"])
    added = paragraph.add_run(" At least.")
    comment(document, added, "We add a floor.", "Anna Muster")
    response = upload(api, f"/api/drafts/{merged.new}/import", saved(document))
    assert response.status_code == 201, response.text
    [proposal] = response.json()
    assert proposal["body"] == "Records should be kept for ten years. At least.\n"
    [own] = thread(api, proposal["id"])
    assert own["body"] == "Word comment by Anna Muster: We add a floor."
    [note] = proposal["not_carried"]
    assert note.startswith("The redline's own Word comments on proposals ")
    assert note.endswith(" were not imported again")


def test_comments_that_look_like_the_redlines_but_are_not_are_imported() -> None:
    from app.exports.importing import _Echoes

    def made(cid: str, author: str, text: str, parent: str = "") -> ImportedComment:
        return ImportedComment(id=cid, author=author, text=text, parent=parent)

    echoes = _Echoes()
    kept = echoes.own(
        [
            made("1", "USA", "Proposal 12 by USA, supported by CAN, GBR.\n\nClearer."),
            made("2", "ESP", "Decision: accepted.", parent="1"),
            made("3", "RUS", "Proposal 12 by USA."),  # not by the delegation it names
            made("4", "CHE, CPC", "Proposal 5 by CHE, CPC."),
            made("5", "AUT", "We agree.", parent="3"),
        ]
    )
    assert [c.id for c in kept] == ["3", "5"]
    assert echoes.notes() == [
        "The redline's own Word comments on proposals 12, 5 and 1 reply to them "
        "were not imported again"
    ]


# --- other editors and hostile files -----------------------------------------------------


@pytest.mark.slow
def test_a_file_resaved_by_libreoffice_keeps_formatting_changes_and_comments(
    tmp_path: Path,
) -> None:
    document = new_document()
    change = f'<w:rPrChange w:id="1" w:author="USA" w:date="{WHEN}"><w:rPr/></w:rPrChange>'
    add_xml(document, run("States ") + run("should", "<w:b/>" + change) + run(" act."))
    document.add_paragraph("paper files", style="List Bullet")
    add_xml(document, style("ListBullet", mark("ins")) + ins(run("electronic files")))
    kept = document.add_paragraph("They are kept ten years.")
    phrase = split_run(kept, "ten years")
    first = comment(document, phrase, "Why not twelve?", "Jane Doe")
    reply = comment(document, phrase, "Agreed.", "John Roe")
    source = tmp_path / "in" / "returned.docx"
    source.parent.mkdir()
    source.write_bytes(with_threads(saved(document), {reply: first}))
    saved_by_libreoffice = libreoffice_convert(source, "docx:MS Word 2007 XML", tmp_path / "out")
    section = parse_docx(saved_by_libreoffice.read_bytes()).sections[0]
    assert section.body_accepted == (
        "States **should** act.\n\n- paper files\n- electronic files\n\nThey are kept ten years."
    )
    assert (
        section.body_rejected == "States should act.\n\n- paper files\n\nThey are kept ten years."
    )
    assert [(c.author, c.text, c.quote) for c in section.comments] == [
        ("Jane Doe", "Why not twelve?", "ten years"),
        ("John Roe", "Agreed.", "ten years"),
    ]
    # LibreOffice may drop Word's reply links; the reply then comes back as a comment.
    assert section.comments[1].parent in ("", section.comments[0].id)


STYLES = (
    f'<w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:styleId="Heading1">'
    '<w:name w:val="heading 1"/></w:style></w:styles>'
)


def _package(parts: dict[str, str]) -> bytes:
    """A minimal package: the given parts and a style sheet naming "Heading1"."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in {"word/styles.xml": STYLES, **parts}.items():
            archive.writestr(name, text)
    return buffer.getvalue()


DOCUMENT = (
    f'<w:document xmlns:w="{W}"><w:body>'
    '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>4 Annex</w:t></w:r></w:p>'
    "{}</w:body></w:document>"
)


def test_more_comments_than_the_limit_are_refused() -> None:
    comments = "".join(
        f'<w:comment w:id="{i}" w:author="A"><w:p><w:r><w:t>c</w:t></w:r></w:p></w:comment>'
        for i in range(limits.MAX_COMMENTS + 1)
    )
    content = _package(
        {
            "word/document.xml": DOCUMENT.format("<w:p><w:r><w:t>Text.</w:t></w:r></w:p>"),
            "word/comments.xml": f'<w:comments xmlns:w="{W}">{comments}</w:comments>',
        }
    )
    with pytest.raises(DocxImportError, match="more than 2,000 comments"):
        parse_docx(content)


@pytest.mark.parametrize(
    "part", ["word/comments.xml", "word/numbering.xml", "word/_rels/document.xml.rels"]
)
def test_a_doctype_in_the_comments_numbering_or_relationships_is_refused(part: str) -> None:
    content = _package(
        {
            "word/document.xml": DOCUMENT.format("<w:p><w:r><w:t>Text.</w:t></w:r></w:p>"),
            part: '<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>',
        }
    )
    with pytest.raises(DocxImportError, match="declares a DOCTYPE"):
        parse_docx(content)


def test_thousands_of_unclosed_fields_read_in_linear_time() -> None:
    opened = '<w:r><w:fldChar w:fldCharType="begin"/></w:r>' * 50_000
    text = "<w:r><w:t>x</w:t></w:r>" * 50_000
    content = _package({"word/document.xml": DOCUMENT.format(f"<w:p>{opened}{text}</w:p>")})
    started = time.perf_counter()
    section = parse_docx(content).sections[0]
    assert time.perf_counter() - started < 10
    assert section.body_accepted == "x" * 50_000
