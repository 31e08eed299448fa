"""The standalone HTML page every HTML export is poured into.

One self-contained file: embedded stylesheet (screen and print, A4 page
rules), a header with the reference, "Original: ENGLISH" and the date, the
document title and label. Everything interpolated here is escaped; bodies
arrive as safe HTML from ``app.core.markdown`` / ``app.core.redline``.
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


def page(meta: ExportMeta, content: str, *, extra_css: str = "", subtitle: str = "") -> str:
    """A complete HTML5 document around ``content`` (already safe HTML)."""
    lang = "ru" if meta.language.upper() == "RUSSIAN" else "en"
    label = f"{meta.label} \u2013 {subtitle}" if subtitle else meta.label
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(meta.document_title)} ({escape(meta.reference)})</title>
<style>{BASE_CSS}{extra_css}</style>
</head>
<body>
<header class="doc-header">
<div class="org">Organization for Security and Co-operation in Europe</div>
<div class="meta"><div class="reference">{escape(meta.reference)}</div>
<div class="original">Original: {escape(meta.language)}</div>
<div class="date">{escape(long_date(meta.date))}</div></div>
</header>
<h1 class="doc-title">{escape(meta.document_title)}</h1>
<p class="doc-label">{escape(label)}</p>
{content}
</body>
</html>
"""
