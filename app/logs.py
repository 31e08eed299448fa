"""Logging that never writes a credential: query strings are redacted in access logs.

uvicorn's access logger formats ``(client, method, path with query, version,
status)``; the event stream's ``?ticket=`` (and any ``token``, ``password``
a client might put in a URL) is replaced by ``[redacted]`` before the line is
written, whatever handler or format the operator configured.
"""

from __future__ import annotations

import logging
import re

SECRET_PARAMS = ("ticket", "token", "access_token", "password")
_SECRET = re.compile(rf"(?i)([?&](?:{'|'.join(SECRET_PARAMS)})=)[^&#\s]*")


def redact_query(path: str) -> str:
    """``/api/events?ticket=abc&after=3`` → ``/api/events?ticket=[redacted]&after=3``."""
    return _SECRET.sub(r"\1[redacted]", path)


class RedactCredentials(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact_query(a) if isinstance(a, str) else a for a in record.args)
        return True


def install_redaction() -> None:
    """Attach the filter to uvicorn's access log once per process."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactCredentials) for f in logger.filters):
        logger.addFilter(RedactCredentials())
