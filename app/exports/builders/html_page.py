"""The standalone HTML page every HTML export is poured into.

One self-contained file: embedded stylesheet (screen and print, A4 page
rules), a header with the reference, "Original: ENGLISH" and the date, the
document title and label. Everything interpolated here is escaped; bodies
arrive as safe HTML from ``app.core.markdown`` / ``app.core.redline``.

Printed, every page carries the furniture of the Word exports: the reference
at the top right of continuation pages (the first shows the full header) and
"Page X of Y" centred at the foot, as ``@page`` margin boxes. With
``meta.line_numbers`` the paragraphs and list items of ``main`` are numbered
in the left margin by a CSS counter that restarts in every section (headings
are not counted), so a meeting can cite "6.2, paragraph 3" exactly as the
compilation's rows name it. No script anywhere: the page must work under a
Content-Security-Policy without ``'unsafe-inline'`` scripts, and the styles
are the one embedded sheet, never ``style`` attributes.
"""

from __future__ import annotations

from html import escape

from .model import ExportMeta
from .ooxml import long_date

BASE_CSS = """
:root { --ink: #1b1f23; --muted: #57606a; --rule: #d0d7de; --accent: #0b4f8a; }
* { box-sizing: border-box; }
body { font: 11pt/1.5 "Times New Roman", Georgia, serif; color: var(--ink);
       max-width: 52rem; margin: 2rem auto; padding: 0 1.5rem; }
header.doc-header { display: flex; justify-content: space-between; gap: 1rem;
       font: 9.5pt/1.4 Arial, Helvetica, sans-serif; color: var(--muted);
       border-bottom: 1px solid var(--rule); padding-bottom: .5rem; }
header.doc-header .meta { text-align: right; }
h1.doc-title { font-size: 18pt; text-align: center; margin: 2rem 0 .25rem; }
p.doc-label { text-align: center; color: var(--muted); margin-top: 0; }
nav.toc { border: 1px solid var(--rule); padding: .75rem 1.25rem; margin: 1.5rem 0; }
nav.toc ol { list-style: none; padding-left: 0; margin: 0; }
nav.toc li.level-2 { padding-left: 1.5rem; }
nav.toc a { color: var(--accent); text-decoration: none; }
section.guide-section h2, section.guide-section h3 { color: var(--accent); }
section.guide-section { margin-bottom: 1.25rem; }
.section-number { margin-right: .5em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--rule); padding: .35rem .5rem; vertical-align: top;
         text-align: left; }
ins { text-decoration: underline; background: #e6ffec; }
del { text-decoration: line-through; background: #ffebe9; }
.md-source { white-space: pre-wrap; font-family: inherit; margin: 0; }
.muted { color: var(--muted); }
@page { size: A4; margin: 2.5cm 2cm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
  nav.toc { page-break-after: always; border: none; }
  a { color: inherit; text-decoration: none; }
  h1, h2, h3 { page-break-after: avoid; }
  section.guide-section { page-break-inside: auto; }
  ins, del { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

LINE_NUMBER_CSS = """
body.line-numbers main { counter-reset: line; position: relative; padding-left: 2.5rem; }
body.line-numbers main section.guide-section { counter-reset: line; }
body.line-numbers main p, body.line-numbers main li { counter-increment: line; }
body.line-numbers main p::before, body.line-numbers main li::before {
       content: counter(line); position: absolute; left: 0; width: 1.75rem;
       text-align: right; font: 8pt/2.0625 Arial, Helvetica, sans-serif; color: var(--muted); }
body.line-numbers main li:has(> p) { counter-increment: none; }
body.line-numbers main li:has(> p)::before { content: none; }
"""
# Characters left as they are in a CSS string; everything else is escaped.
_CSS_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-_")


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string: only letters, digits and ``.,-_`` and space
    stay literal, the rest become hex escapes, control characters are dropped.

    Nothing in the result can close the string, the rule or the ``<style>``
    element, whatever ``text`` holds.
    """
    kept = (ch for ch in text if ch.isprintable() or ch == " ")
    return '"' + "".join(ch if ch in _CSS_PLAIN else f"\\{ord(ch):x} " for ch in kept) + '"'


def print_furniture_css(meta: ExportMeta) -> str:
    """``@page`` margin boxes: the reference atop continuation pages, "Page X of Y" below."""
    box = "font: 9pt Arial, Helvetica, sans-serif; color: #57606a;"
    return (
        "@page {\n"
        f"  @top-right {{ content: {css_string(meta.reference)}; {box} }}\n"
        f'  @bottom-center {{ content: "Page " counter(page) " of " counter(pages); {box} }}\n'
        "}\n@page :first { @top-right { content: none; } }\n"
    )


def header_block(meta: ExportMeta) -> str:
    """The header of the first page: organisation left; reference, original language
    and date right, in the order of the Word exports' page header."""
    when = f'<time datetime="{meta.date.isoformat()}">{escape(long_date(meta.date))}</time>'
    return f"""<header class="doc-header">
<div class="org">Organization for Security and Co-operation in Europe</div>
<div class="meta"><div class="reference">{escape(meta.reference)}</div>
<div class="original">Original: {escape(meta.language)}</div>
<div class="date">{when}</div></div>
</header>"""


def page(meta: ExportMeta, content: str, *, extra_css: str = "", subtitle: str = "") -> str:
    """A complete HTML5 document around ``content`` (already safe HTML)."""
    lang = "ru" if meta.language.upper() == "RUSSIAN" else "en"
    label = f"{meta.label} \u2013 {subtitle}" if subtitle else meta.label
    numbered = LINE_NUMBER_CSS if meta.line_numbers else ""
    body_class = ' class="line-numbers"' if meta.line_numbers else ""
    css = BASE_CSS + print_furniture_css(meta) + numbered + extra_css
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(meta.document_title)} ({escape(meta.reference)})</title>
<style>{css}</style>
</head>
<body{body_class}>
{header_block(meta)}
<h1 class="doc-title">{escape(meta.document_title)}</h1>
<p class="doc-label">{escape(label)}</p>
{content}
</body>
</html>
"""
