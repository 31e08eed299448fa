"""Akoma Ntoso 3.0 export of a draft (OASIS LegalDocML).

``<akomaNtoso><doc name="bestPracticeGuide">`` with a minimal FRBR
identification, a preface (title, reference) and a main body of nested
``<section>`` elements. Section eIds derive from the section number only
(``3`` gives ``sec_3``, ``3.2`` gives ``sec_3__subsec_2``), so they are the
same in every export of every draft while numbering is unchanged; a clash
(duplicate numbers) gets a ``_2``, ``_3`` … suffix in reading order.

Bodies: Markdown blocks become ``<p>`` with plain text; a run of top-level list
items becomes ``<blockList>`` with ``<item><p>``; nested items and
continuation paragraphs become ``<p>`` inside the last item. Built with
ElementTree (always well-formed); characters XML forbids are stripped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from .mdblocks import Block, parse_blocks
from .model import ExportMeta, ExportSection
from .xmltext import xml_safe

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
LANGUAGES = {"ENGLISH": "eng", "RUSSIAN": "rus", "FRENCH": "fra", "GERMAN": "deu"}
ET.register_namespace("", AKN_NS)


def _q(tag: str) -> str:
    return f"{{{AKN_NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _q(tag), {k: xml_safe(v) for k, v in attrs.items()})
    if text:
        element.text = xml_safe(text)
    return element


def section_eid(number: str) -> str:
    """``"3.2"`` gives ``"sec_3__subsec_2"``; non-numeric parts are slugged."""
    parts = [re.sub(r"[^0-9A-Za-z]+", "-", p).strip("-") for p in number.split(".")]
    parts = [p for p in parts if p] or ["x"]
    return "__".join(["sec_" + parts[0], *("subsec_" + p for p in parts[1:])])


def _identification(meta_el: ET.Element, meta: ExportMeta) -> None:
    day = meta.date.isoformat()
    lang = LANGUAGES.get(meta.language.upper(), "eng")
    work = "/akn/osce/doc/bestPracticeGuide/" + day
    ident = _sub(meta_el, "identification", source="#compendium")
    levels = (
        ("FRBRWork", work, work + "/!main", ()),
        ("FRBRExpression", f"{work}/{lang}@", f"{work}/{lang}@/!main", (("FRBRlanguage", lang),)),
        ("FRBRManifestation", f"{work}/{lang}@", f"{work}/{lang}@/!main.xml", ()),
    )
    for tag, uri, this, extra in levels:
        level = _sub(ident, tag)
        _sub(level, "FRBRthis", value=this)
        _sub(level, "FRBRuri", value=uri)
        _sub(level, "FRBRdate", date=day, name=meta.label or "draft")
        _sub(level, "FRBRauthor", href="#osce")
        if tag == "FRBRWork":
            _sub(level, "FRBRcountry", value="osce")
            _sub(level, "FRBRnumber", value=meta.reference)
        for name, value in extra:
            _sub(level, name, language=value)
    refs = _sub(meta_el, "references", source="#compendium")
    _sub(refs, "TLCOrganization", eId="osce", href="/ontology/organization/osce", showAs="OSCE")
    _sub(
        refs,
        "TLCOrganization",
        eId="compendium",
        href="/ontology/organization/compendium",
        showAs="Compendium",
    )


def _write_body(content: ET.Element, blocks: list[Block]) -> None:
    block_list: ET.Element | None = None
    last_item: ET.Element | None = None
    for block in blocks:
        if block.kind == "rule":
            continue
        if block.kind == "list_item" and block.level == 1:
            if block_list is None:
                block_list = _sub(content, "blockList")
            last_item = _sub(block_list, "item")
            _sub(last_item, "p", block.text)
        elif block.kind in ("list_item", "list_continue") and last_item is not None:
            _sub(last_item, "p", block.text)
        else:
            block_list = last_item = None
            _sub(content, "p", block.text)
    if not len(content):
        _sub(content, "p")


def _unique(eid: str, seen: dict[str, int]) -> str:
    seen[eid] = seen.get(eid, 0) + 1
    return eid if seen[eid] == 1 else f"{eid}_{seen[eid]}"


def _main_body(doc: ET.Element, sections: Sequence[ExportSection]) -> None:
    body = _sub(doc, "mainBody")
    seen: dict[str, int] = {}
    chapter: ET.Element | None = None
    for section in sections:
        parent = chapter if section.level > 1 and chapter is not None else body
        element = _sub(parent, "section", eId=_unique(section_eid(section.number), seen))
        _sub(element, "num", section.number)
        _sub(element, "heading", section.title)
        _write_body(_sub(element, "content"), parse_blocks(section.body))
        if section.level <= 1:
            chapter = element


def build_akn(meta: ExportMeta, sections: Sequence[ExportSection]) -> str:
    """The draft as an Akoma Ntoso 3.0 XML document (a ``str`` with declaration)."""
    root = ET.Element(_q("akomaNtoso"))
    doc = _sub(root, "doc", name="bestPracticeGuide")
    _identification(_sub(doc, "meta"), meta)
    preface = _sub(doc, "preface")
    title = _sub(preface, "p", **{"class": "title"})
    _sub(title, "docTitle", meta.document_title)
    reference = _sub(preface, "p", **{"class": "reference"})
    _sub(reference, "docNumber", meta.reference)
    status = _sub(preface, "p", **{"class": "status"})
    _sub(status, "docStatus", meta.label)
    _main_body(doc, sections)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
