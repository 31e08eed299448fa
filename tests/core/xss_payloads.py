"""XSS payloads and a checker for HTML produced from untrusted Markdown.

Shared by the core tests and the API-level tests: import ``PAYLOADS`` and
``assert_html_safe``. The checker parses with ``html.parser.HTMLParser`` and
fails on any element that can run script or load a frame, any ``on*``
attribute, any ``style`` other than markdown-it's table alignment, and any
URL attribute whose decoded value (entity-decoded, whitespace and control
characters removed, lower-cased) does not start with ``http:``, ``https:``,
``mailto:`` or ``#``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

PAYLOADS: list[str] = [
    # raw HTML elements
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<iframe srcdoc='<script>alert(1)</script>'>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<a href="javascript:alert(1)">click</a>',
    "<body onload=alert(1)>",
    '<input autofocus onfocus="alert(1)">',
    '<details open ontoggle="alert(1)">',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    "<!-- <script>alert(1)</script> -->",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # Markdown links and autolinks with bad schemes
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](jav&#x61;script:alert(1))",
    "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](&#x6A;avascript&#58;alert(1))",
    "[click](&amp;#x6A;avascript:alert(1))",
    "[click](<java\tscript:alert(1)>)",
    "[click](\x01javascript:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](data:image/png;base64,iVBORw0KGgo=)",
    "[click](vbscript:msgbox(1))",
    "[click](VBScript:msgbox(1))",
    "[click](file:///etc/passwd)",
    "[click](//evil.example/x)",
    "[click](/relative/path)",
    '[click](https://ok.example "title" onmouseover="alert(1)")',
    '[click](https://ok.example"onmouseover="alert(1))',
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "<vbscript:msgbox(1)>",
    # reference definitions
    "[click][x]\n\n[x]: javascript:alert(1)",
    "[x]\n\n[x]: jav&#x61;script:alert(1) 'title'",
    "[click][x]\n\n[x]: <data:text/html,<script>alert(1)</script>>",
    # images
    "![alt](javascript:alert(1))",
    '![alt](x" onerror="alert(1))',
    "![alt](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![alt *em* [inner](javascript:alert(1))](javascript:alert(2))",
    "[![img](javascript:alert(1))](javascript:alert(2))",
    # nesting, brackets, backticks, escapes
    "[[click](javascript:alert(1))](https://ok.example)",
    "[a](https://ok.example)[b](javascript:alert(1))",
    "[`code`](javascript:alert(1))",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
    "\\<script>alert(1)\\</script>",
    "**<img src=x onerror=alert(1)>**",
    "> <svg/onload=alert(1)>",
    "- <iframe src=javascript:alert(1)>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    "# <a href=javascript:alert(1)>heading</a>",
    '"><script>alert(1)</script>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '[x](https://ok.example/"><script>alert(1)</script>)',
]

_FORBIDDEN_TAGS = frozenset(
    {
        "script",
        "iframe",
        "frame",
        "frameset",
        "svg",
        "math",
        "object",
        "embed",
        "applet",
        "style",
        "link",
        "meta",
        "base",
        "form",
        "input",
        "button",
        "textarea",
        "template",
    }
)
_URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "srcset", "background", "poster"}
)
_SAFE_URL_PREFIXES = ("http:", "https:", "mailto:", "#")
_TABLE_ALIGN = re.compile(r"text-align:(left|right|center)")
_RAW_TEXT = re.compile(r"<\s*/?\s*(script|iframe|svg)", re.IGNORECASE)


def decoded_url(value: str) -> str:
    """Entity-decode, drop whitespace and control/format characters, lower-case."""
    value = html.unescape(value)
    kept = (c for c in value if not (c.isspace() or unicodedata.category(c).startswith("C")))
    return "".join(kept).lower()


class _SafetyParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _FORBIDDEN_TAGS:
            self.problems.append(f"forbidden element <{tag}>")
        for name, value in attrs:
            self._check_attribute(tag, name, value or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def _check_attribute(self, tag: str, name: str, value: str) -> None:
        if name.startswith("on"):
            self.problems.append(f"event attribute {name} on <{tag}>")
        elif name == "style" and not _TABLE_ALIGN.fullmatch(value):
            self.problems.append(f"style attribute {value!r} on <{tag}>")
        elif name in _URL_ATTRIBUTES and not decoded_url(value).startswith(_SAFE_URL_PREFIXES):
            self.problems.append(f"unsafe URL {name}={value!r} on <{tag}>")

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"HTML comment {data!r}")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"declaration {decl!r}")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction {data!r}")


def assert_html_safe(html_text: str) -> None:
    """Fail if ``html_text`` could run script, load a frame or follow a bad URL."""
    raw = _RAW_TEXT.search(html_text)
    assert raw is None, f"raw {raw.group(0)!r} in output:\n{html_text}"
    parser = _SafetyParser()
    parser.feed(html_text)
    parser.close()
    assert not parser.problems, f"{parser.problems} in output:\n{html_text}"
