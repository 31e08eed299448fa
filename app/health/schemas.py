"""Models of the liveness and readiness routes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.errors import ErrorBody
from app.schemas import OutputModel

CHECKS_DESCRIPTION = (
    "Each check by name (database, migrations, writable, silence_ticker, event_hub): "
    '"ok" or a short reason'
)


class HealthRead(OutputModel):
    status: Literal["ok"] = "ok"


class ReadyRead(OutputModel):
    status: Literal["ready"] = "ready"
    checks: dict[str, str] = Field(description=CHECKS_DESCRIPTION)


class NotReadyBody(ErrorBody):
    """A 503: ``detail`` names what failed; ``checks`` has every result."""

    checks: dict[str, str] = Field(description=CHECKS_DESCRIPTION)
