"""The Akoma Ntoso export: well-formed, namespaced, stable eIds."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.exports.builders import ExportSection, build_akn, section_eid

from .builders_factory import REFERENCE, make_meta, make_sections

NS = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}


def test_akn_is_well_formed_in_the_akn_namespace() -> None:
    root = ET.fromstring(build_akn(make_meta(), make_sections()))
    assert root.tag == "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}akomaNtoso"
    doc = root.find("a:doc", NS)
    assert doc is not None and doc.get("name") == "bestPracticeGuide"
    assert root.find("a:doc/a:meta/a:identification/a:FRBRWork/a:FRBRthis", NS) is not None
    assert root.findtext("a:doc/a:preface/a:p/a:docNumber", namespaces=NS) == REFERENCE


def test_sections_nest_with_num_heading_and_content() -> None:
    root = ET.fromstring(build_akn(make_meta(), make_sections()))
    body = root.find("a:doc/a:mainBody", NS)
    assert body is not None
    chapters = body.findall("a:section", NS)
    assert [c.get("eId") for c in chapters] == ["sec_1", "sec_2", "sec_3"]
    sub = chapters[1].find("a:section", NS)
    assert sub is not None and sub.get("eId") == "sec_2__subsec_1"
    assert sub.findtext("a:num", namespaces=NS) == "2.1"
    assert sub.findtext("a:heading", namespaces=NS) == "National registers"
    items = sub.findall("a:content/a:blockList/a:item/a:p", NS)
    assert items[0].text == "a national register;"


def test_eids_are_unique_and_stable_across_exports() -> None:
    first = build_akn(make_meta(), make_sections())
    second = build_akn(make_meta(label="Rev.2"), make_sections())
    eids = [e.get("eId") for e in ET.fromstring(first).iter() if e.get("eId")]
    assert len(eids) == len(set(eids))
    assert eids == [e.get("eId") for e in ET.fromstring(second).iter() if e.get("eId")]


def test_duplicate_numbers_still_get_unique_eids() -> None:
    sections = [ExportSection(1, "1", "A", 1, "x"), ExportSection(2, "1", "B", 1, "y")]
    root = ET.fromstring(build_akn(make_meta(), sections))
    sids = [s.get("eId") for s in root.iter(f"{{{NS['a']}}}section")]
    assert sids == ["sec_1", "sec_1_2"]
    assert section_eid("3.2") == "sec_3__subsec_2"


def test_control_characters_and_markup_are_safe() -> None:
    sections = [ExportSection(1, "1", "Bad\x00\x0b title <b>", 1, "Text\x1b here & <i>there</i>")]
    root = ET.fromstring(build_akn(make_meta(), sections))
    assert root.findtext(".//a:heading", namespaces=NS) == "Bad title <b>"
    assert root.findtext(".//a:content/a:p", namespaces=NS) == "Text here & <i>there</i>"
