"""Hostile Word uploads (security finding 6) are refused fast, in bounded memory.

Every file is built in memory by the test: zip bombs whose central directory
lies about the inflated size, parts that really inflate to 60 MB or 1 GiB,
thirty huge headers, thousands of entries, DTDs (billion laughs, XXE),
encrypted or bzip2 members. Big members are cheap to build: a DEFLATE block
ended by a full flush depends on nothing before it, so one compressed MiB is
repeated as often as needed and the file stays a few MB at most.

Memory is measured twice: ``tracemalloc`` sees Python's heap (where the old
``archive.read`` put the inflated gigabyte), and on Linux the resident-set
high-water mark, reset through ``/proc/self/clear_refs``, also sees libxml2's
trees.
"""

from __future__ import annotations

import datetime
import io
import re
import struct
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import docx
import pytest

from app.exports.builders import DocxImportError, ExportMeta, ExportSection, build_docx, parse_docx
from app.exports.builders import docx_import as limits
from app.exports.builders.safezip import SafeZip, UnsafeZipError
from app.seed import DOCUMENT_TITLE, read_guide
from tests.conftest import Api
from tests.exports.rounds import REFERENCE, draft

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MIB = 1 << 20
DOC_HEAD = f'<w:document xmlns:w="{W}"><w:body>'.encode()
DOC_TAIL = b"</w:body></w:document>"
PARA = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"
MAX_PYTHON_HEAP = 64 * MIB
MAX_RSS_GROWTH = 160 * MIB  # libxml2's tree of MAX_ELEMENTS elements is about 40 MiB
MAX_SECONDS = 10.0  # each case takes well under 2 s; the old code took 4 s to minutes


# --- building hostile files --------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One ZIP member as raw DEFLATE (or stored) bytes; ``declared`` may lie."""

    name: str
    data: bytes
    crc: int
    size: int
    declared: int | None = None
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0


def deflated(name: str, text: bytes) -> Member:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Member(name, c.compress(text) + c.flush(), zlib.crc32(text), len(text))


def repeated(name: str, head: bytes, chunk: bytes, size: int, tail: bytes) -> Member:
    """``head + chunk * n + tail`` of about ``size`` bytes, compressed once per distinct block."""

    def block(data: bytes) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)

    count = max(1, (size - len(head) - len(tail)) // len(chunk))
    end = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = block(head) + block(chunk) * count + end.compress(tail) + end.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return Member(name, data, crc, len(head) + len(chunk) * count + len(tail))


def archive(*members: Member) -> bytes:
    """A ZIP written by hand, so that local header and central directory can lie alike."""
    out, central = io.BytesIO(), []
    for m in members:
        name, size = m.name.encode(), m.size if m.declared is None else m.declared
        offset = out.tell()
        fields = (m.flags, m.method, 0, 0, m.crc, len(m.data), size, len(name))
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, *fields, 0) + name + m.data)
        central.append(
            struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, *fields, 0, 0, 0, 0, 0, offset) + name
        )
    start, directory = out.tell(), b"".join(central)
    out.write(directory)
    count = len(central)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0))
    return out.getvalue()


def document(body: str) -> Member:
    return deflated("word/document.xml", DOC_HEAD + body.encode() + DOC_TAIL)


TEXT = "<w:p><w:r><w:t>Legitimate text.</w:t></w:r></w:p>"


def bomb(*, declared: int | None) -> bytes:
    """``word/document.xml`` inflating to 1 GiB of spaces inside one text run."""
    head = DOC_HEAD + b"<w:p><w:r><w:t>"
    tail = b"</w:t></w:r></w:p>" + DOC_TAIL
    member = repeated("word/document.xml", head, b" " * MIB, 1 << 30, tail)
    return archive(replace(member, declared=declared))


# --- measuring ---------------------------------------------------------------------------


@dataclass
class Usage:
    seconds: float = 0.0
    python_heap: int = 0
    rss_growth: int | None = None  # None where the high-water mark cannot be reset


def _rss(field_name: str) -> int:
    status = Path("/proc/self/status").read_text()
    match = re.search(rf"{field_name}:\s+(\d+) kB", status)
    assert match is not None
    return int(match.group(1)) * 1024


@contextmanager
def measured() -> Iterator[Usage]:
    usage = Usage()
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        before: int | None = _rss("VmRSS")
    except OSError:
        before = None
    tracemalloc.start()
    start = time.perf_counter()
    try:
        yield usage
    finally:
        usage.seconds = time.perf_counter() - start
        usage.python_heap = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        if before is not None:
            usage.rss_growth = _rss("VmHWM") - before


def refused(data: bytes, match: str) -> Usage:
    """Parse ``data``, expect a ``DocxImportError`` matching ``match``, within the bounds."""
    with measured() as usage, pytest.raises(DocxImportError, match=match):
        parse_docx(data)
    assert_bounded(usage)
    return usage


def assert_bounded(usage: Usage) -> None:
    assert usage.seconds < MAX_SECONDS, usage
    assert usage.python_heap < MAX_PYTHON_HEAP, usage
    assert usage.rss_growth is None or usage.rss_growth < MAX_RSS_GROWTH, usage


# --- zip bombs and huge parts ------------------------------------------------------------


@pytest.mark.parametrize("declared", [4096, None], ids=["declares-4-KiB", "declares-1-GiB"])
def test_a_zip_bomb_is_refused_quickly_in_bounded_memory(declared: int | None) -> None:
    data = bomb(declared=declared)
    assert len(data) < 2 * MIB
    # Lying small: zipfile stops at the declared size and the checksum fails. Honest: the
    # actual inflated bytes pass the cap (the old check trusted the declaration).
    refused(data, r"word/document\.xml (cannot be read|inflates past 8 MiB)")


@pytest.mark.parametrize(
    ("chunk", "message"),
    [
        (PARA * (MIB // len(PARA)), "more than 250,000 XML elements"),
        (b"<w:p><w:r><w:t>" + b"y" * 4000 + b"</w:t></w:r></w:p>", "inflates past 8 MiB"),
    ],
    ids=["dense-paragraphs", "long-paragraphs"],
)
def test_a_60_mb_document_part_is_refused_at_a_cap(chunk: bytes, message: str) -> None:
    member = repeated("word/document.xml", DOC_HEAD, chunk, 60 * MIB, DOC_TAIL)
    data = archive(member)  # declared honestly: 60 MB passed the old 64 MiB check
    assert member.size > 60_000_000 and len(data) < MIB
    refused(data, f"{message}; the file is not a Word export of this guide")


def test_thirty_headers_of_60_mb_are_refused_in_bounded_memory() -> None:
    header = repeated(
        "word/header1.xml",
        f'<w:hdr xmlns:w="{W}">'.encode(),
        b"<w:p><w:r><w:t>FSC.GAL/23/21</w:t></w:r></w:p>" * 20_000,
        60 * MIB,
        b"</w:hdr>",
    )
    headers = [replace(header, name=f"word/header{i}.xml") for i in range(1, 31)]
    refused(archive(document(TEXT), *headers), r"word/header1\.xml inflates past 1 MiB")


def test_headers_past_the_eighth_are_not_read() -> None:
    hdr = f'<w:hdr xmlns:w="{W}"><w:p><w:r><w:t>{{}}</w:t></w:r></w:p></w:hdr>'
    good = [deflated(f"word/header{i}.xml", hdr.format(REFERENCE).encode()) for i in range(1, 9)]
    broken = [deflated(f"word/header{i}.xml", b"<w:hdr><unclosed>") for i in range(9, 31)]
    imported = parse_docx(archive(document(TEXT), *good, *broken))
    assert imported.reference == REFERENCE


def test_the_parts_together_may_not_pass_the_total_budget() -> None:
    def text_part(name: str, root: str, size: int) -> Member:
        head = f'<w:{root} xmlns:w="{W}"><w:p><w:r><w:t>'.encode()
        return repeated(name, head, b" " * 1024, size, f"</w:t></w:r></w:p></w:{root}>".encode())

    members = [
        text_part("word/document.xml", "document", 7 * MIB + MIB // 2),
        text_part("word/styles.xml", "styles", 2 * MIB - 4096),
        *(text_part(f"word/header{i}.xml", "hdr", MIB - 4096) for i in range(1, 9)),
    ]
    assert all(
        m.size <= cap for m, cap in zip(members, [8 * MIB, 2 * MIB] + [MIB] * 8, strict=True)
    )
    refused(archive(*members), "the parts read inflate past 16 MiB in total")


def test_too_many_paragraphs_are_refused() -> None:
    refused(archive(document("<w:p/>" * 20_001)), "more than 20,000 paragraphs")


def test_nesting_deeper_than_libxml2_allows_is_refused() -> None:
    refused(archive(document("<w:sdt>" * 300 + "</w:sdt>" * 300)), "not well-formed XML")


# --- archive structure -------------------------------------------------------------------


def test_too_many_zip_entries_are_refused() -> None:
    empty = deflated("x", b"")
    entries = [replace(empty, name=f"customXml/item{i}.xml") for i in range(2_001)]
    refused(archive(document(TEXT), *entries), "more than 2,000 entries")


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7 not a Word file",
        b"",
        b"PK\x03\x04" + b"\x00" * 100,
        archive(document(TEXT))[:-30],
    ],
    ids=["pdf", "empty", "truncated-header", "truncated-zip"],
)
def test_what_is_not_a_zip_is_refused(data: bytes) -> None:
    refused(data, "not a Word .docx file: it is not a ZIP archive")


def test_encrypted_and_bzip2_members_are_refused() -> None:
    plain = document(TEXT)
    refused(archive(replace(plain, flags=0x1)), r"word/document\.xml is encrypted")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as z:
        z.writestr("word/document.xml", DOC_HEAD + TEXT.encode() + DOC_TAIL)
    refused(buffer.getvalue(), "compression method 12")


@pytest.mark.parametrize(
    "name", ["../word/document.xml", "/etc/passwd", "word/../../x", "C:/x", "word\\x", ""]
)
def test_safezip_refuses_unsafe_member_names(name: str) -> None:
    with (
        SafeZip(archive(document(TEXT)), max_entries=10, max_reads=1, max_total_bytes=MIB) as z,
        pytest.raises(UnsafeZipError, match="refusing the member name"),
    ):
        z.read(name, limit=MIB)


def test_safezip_counts_reads_and_actual_bytes() -> None:
    data = archive(replace(document(TEXT), declared=10))  # declares 10 bytes, holds more
    with SafeZip(data, max_entries=10, max_reads=1, max_total_bytes=MIB) as z:
        with pytest.raises(UnsafeZipError, match="cannot be read"):
            z.read("word/document.xml", limit=MIB)
        with pytest.raises(UnsafeZipError, match="more than 1 parts"):
            z.read("word/document.xml", limit=MIB)
    small = SafeZip(archive(document(TEXT)), max_entries=10, max_reads=2, max_total_bytes=MIB)
    with small, pytest.raises(UnsafeZipError, match=r"inflates past 100 bytes"):
        small.read("word/document.xml", limit=100)


# --- DTDs --------------------------------------------------------------------------------

LAUGHS = (
    '<!DOCTYPE w:document [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)
DOCTYPES = {
    "billion-laughs-text": LAUGHS + f'<w:document xmlns:w="{W}"><w:body>'
    "<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>",
    "billion-laughs-attribute": LAUGHS + f'<w:document xmlns:w="{W}" w:x="&lol9;"><w:body>'
    "<w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>",
    "xxe-file": '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body>'
    "</w:document>",
    "external-dtd": '<?xml version="1.0"?>\n<!DOCTYPE d SYSTEM "http://127.0.0.1:9/x.dtd">'
    f'<w:document xmlns:w="{W}"><w:body>{TEXT}</w:body></w:document>',
    "after-a-long-comment": "<!--" + "c" * 200_000 + "--><!DOCTYPE d>"
    f'<w:document xmlns:w="{W}"><w:body>{TEXT}</w:body></w:document>',
}


@pytest.mark.parametrize("xml", list(DOCTYPES.values()), ids=list(DOCTYPES))
def test_a_doctype_is_refused(xml: str) -> None:
    usage = refused(archive(deflated("word/document.xml", xml.encode())), "declares a DOCTYPE")
    assert usage.seconds < 1


def test_a_doctype_in_another_encoding_is_refused() -> None:
    xml = '<?xml version="1.0" encoding="UTF-16"?>' + DOCTYPES["xxe-file"].split("?>")[-1]
    refused(archive(deflated("word/document.xml", xml.encode("utf-16"))), "declares a DOCTYPE")


@pytest.mark.parametrize("part", ["word/styles.xml", "word/header1.xml"])
def test_a_doctype_in_styles_or_a_header_is_refused(part: str) -> None:
    hostile = deflated(part, b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')
    refused(archive(document(TEXT), hostile), rf"{re.escape(part)} declares a DOCTYPE")


# --- what must keep working --------------------------------------------------------------


def _guide_export() -> tuple[list[ExportSection], bytes]:
    sections = [
        ExportSection(i, s.number, s.title, s.number.count(".") + 1, s.body)
        for i, s in enumerate(read_guide(), start=1)
    ]
    meta = ExportMeta(DOCUMENT_TITLE, REFERENCE, "Draft", datetime.date(2021, 3, 16))
    return sections, build_docx(meta, sections)


def test_a_full_export_of_the_seeded_guide_imports_well_inside_the_caps() -> None:
    sections, data = _guide_export()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        size = z.getinfo("word/document.xml").file_size  # 233 KB when the caps were chosen
    assert size * 20 < limits.MAX_DOCUMENT_BYTES
    with measured() as usage:
        imported = parse_docx(data)
    assert_bounded(usage)
    assert [(s.number, s.title) for s in imported.sections] == [
        (s.number, s.title) for s in sections
    ]
    assert imported.reference == REFERENCE


# --- through the HTTP API ----------------------------------------------------------------


def _count(api: Api) -> int:
    return len(api.get("/api/proposals?limit=200", user="chair.esp").json())


def _upload(api: Api, url: str, data: bytes, **form: Any) -> Any:
    files = {"file": ("revised.docx", data, "application/octet-stream")}
    return api.post(
        url, user="delegate.che", files=files, data={k: str(v) for k, v in form.items()}
    )


def test_a_zip_bomb_upload_is_a_422_and_the_server_keeps_serving(
    api: Api, guide: dict[str, Any]
) -> None:
    draft_id = draft(api, "Draft of 16 March 2021", REFERENCE)
    section_id = guide["sections"][1]["id"]
    before = _count(api)
    posts: list[Callable[[bytes], Any]] = [
        lambda d: _upload(
            api, f"/api/sections/{section_id}/proposals/import", d, draft_id=draft_id
        ),
        lambda d: _upload(api, f"/api/drafts/{draft_id}/import", d),
    ]
    for post in posts:
        for data in (bomb(declared=4096), bomb(declared=None)):
            with measured() as usage:
                response = post(data)
            assert response.status_code == 422, response.text
            assert re.search(
                r"word/document\.xml (cannot be read|inflates past)", response.json()["detail"]
            )
            assert_bounded(usage)
    assert _count(api) == before
    assert api.get("/api/health").status_code == 200
    me = api.get("/api/auth/me", user="delegate.usa")
    assert me.status_code == 200 and me.json()["username"] == "delegate.usa"


def test_a_revised_full_export_still_imports_through_the_api(api: Api) -> None:
    draft_id = draft(api, "Draft of 16 March 2021", REFERENCE)
    content = api.get(f"/api/drafts/{draft_id}/export?format=docx").content
    revised = docx.Document(io.BytesIO(content))
    target = next(
        p
        for p in revised.paragraphs
        if p.style is not None and p.style.name == "Normal" and len(p.text) > 80
    )
    target.runs[0].text = "A wholly new opening sentence. " + target.runs[0].text
    buffer = io.BytesIO()
    revised.save(buffer)
    response = _upload(api, f"/api/drafts/{draft_id}/import", buffer.getvalue())
    assert response.status_code == 201, response.text
    assert len(response.json()) == 1


def test_a_file_of_thousands_of_unknown_sections_gets_a_short_answer(api: Api) -> None:
    draft_id = draft(api, "Draft of 16 March 2021", REFERENCE)
    meta = ExportMeta(DOCUMENT_TITLE, REFERENCE, "Draft", datetime.date(2021, 3, 16))
    sections = [ExportSection(i, f"90.{i}", "Unknown", 2, "Text.") for i in range(1, 3001)]
    response = _upload(api, f"/api/drafts/{draft_id}/import", build_docx(meta, sections))
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert "90.1, 90.2" in detail and "(3000 in all)" in detail and len(detail) < 500
