"""Text that XML 1.0 can carry.

User text may contain control characters (pasted from other tools) that XML
1.0 forbids; lxml and ElementTree would refuse or write unreadable files, so
every builder writing XML passes text through ``xml_safe`` first.
"""

from __future__ import annotations

import re

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 does not allow."""
    return _FORBIDDEN.sub("", text)
