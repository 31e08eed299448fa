"""The HTML exports: standalone, printable, escaped, balanced."""

from __future__ import annotations

from html.parser import HTMLParser

from app.exports.builders import (
    Change,
    ExportSection,
    RedlineSection,
    build_compilation_html,
    build_html,
    build_html_redline,
    build_markdown,
)

from .builders_factory import REFERENCE, make_compilation, make_meta, make_redline, make_sections

VOID = {"meta", "br", "col", "hr", "img", "input", "link"}
EVIL = "<script>alert('x')</script>"


class _Checker(HTMLParser):
    """Records elements and checks every non-void element is closed in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def _check(html: str) -> _Checker:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    assert checker.errors == [] and checker.stack == []
    return checker


def test_html_is_standalone_with_header_toc_and_print_css() -> None:
    html = build_html(make_meta(), make_sections())
    assert html.startswith("<!DOCTYPE html>")
    assert "<style>" in html and "@media print" in html and "@page" in html
    assert REFERENCE in html and "Original: ENGLISH" in html and "27 April 2021" in html
    checker = _check(html)
    links = [a["href"] for tag, a in checker.elements if tag == "a"]
    ids = {a["id"] for _tag, a in checker.elements if "id" in a}
    assert "#sec-1-1" in links
    assert all(link is not None and link[1:] in ids for link in links)
    assert "<p>2.1 body</p>" in html


def test_titles_labels_and_references_are_escaped() -> None:
    meta = make_meta(document_title=EVIL, reference=EVIL, label=EVIL)
    sections = [ExportSection(1, "1", EVIL, 1, "", "<p>safe</p>", anchor='x" onload="y')]
    html = build_html(meta, sections)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'onload="y"' not in html
    _check(html)


def test_html_redline_colours_delegations_and_titles_each_change() -> None:
    html = build_html_redline(make_meta(), make_redline())
    checker = _check(html)
    changes = [(tag, a) for tag, a in checker.elements if tag in ("ins", "del")]
    assert changes
    assert all((a.get("title") or "").split(":")[0] in {"USA", "RUS", "CHE"} for _, a in changes)
    legend = html[html.index('class="legend"') : html.index("</aside>")]
    for code in ("CHE", "RUS", "USA"):
        assert code in legend
        assert f"ins.d-{code}" in html


def test_html_redline_escapes_change_text_and_uses_supplied_html() -> None:
    sections = [
        RedlineSection(1, "1", EVIL, 1, (Change("insert", EVIL, "USA"),), "changed"),
        RedlineSection(2, "2", "Given", 1, (), "unchanged", redline_html="<p>given</p>"),
    ]
    html = build_html_redline(make_meta(), sections)
    assert "<script>" not in html
    assert "<p>given</p>" in html
    _check(html)


def test_compilation_html_has_a_row_per_changed_paragraph() -> None:
    html = build_compilation_html(make_meta(), make_compilation())
    checker = _check(html)
    assert not checker.errors
    headers = html[html.index("<thead>") : html.index("</thead>")]
    for column in ("Paragraph", "Current text", "Proposal", "Delegation", "Rationale", "Status"):
        assert column in headers
    assert any(a.get("rowspan") == "2" for tag, a in checker.elements if tag == "td")
    for reference in ("1.1 ¶1", "1.1 new ¶ after ¶3", "2.1 ¶1"):
        assert f"<strong>{reference}</strong>" in html
    assert "supported by CAN, GBR" in html
    assert "Clarity &lt;b&gt;matters&lt;/b&gt;." in html
    assert ">and timely </ins>" in html
    assert "<strong>brokering</strong>" in html and "**" not in html
    assert "Accepted, not yet merged" in html and "Chair: Agreed at the second meeting." in html
    assert "No proposals: 1, 1.2, 2, 2.2, 3, 3.1" in html
    legend = html[html.index('<aside class="legend">') : html.index("</aside>")]
    assert all(code in legend for code in ("USA", "RUS", "CHE"))
    assert "landscape" in html


def test_markdown_export_has_title_block_and_numbered_headings() -> None:
    md = build_markdown(make_meta(), make_sections())
    assert md.startswith("# Best Practice Guide for Implementation of UNSCR 1540\n")
    assert REFERENCE in md and "27 April 2021" in md
    assert "\n# 2 Accounting for and securing materials\n" in md
    assert "\n## 2.1 National registers\n\nEffective accounting requires:" in md
    assert "Руководство подготовлено" in md
