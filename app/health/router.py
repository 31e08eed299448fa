"""Liveness and readiness, for process supervisors and load balancers."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from app.health import service
from app.health.schemas import HealthRead, NotReadyBody, ReadyRead

router = APIRouter(prefix="/api", tags=["meta"])
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/health", response_model=HealthRead)
async def health(response: Response) -> HealthRead:
    """Liveness: the process answers (no database access): ``{"status": "ok"}``."""
    response.headers.update(NO_STORE)
    return HealthRead()


@router.get(
    "/ready",
    response_model=ReadyRead,
    responses={503: {"model": NotReadyBody, "description": "Not ready: detail says why"}},
)
def ready(request: Request, response: Response) -> ReadyRead | JSONResponse:
    """Readiness: the database is reachable, writable and migrated; background tasks run."""
    result = service.readiness(request.app)
    if not result.ready:
        body = NotReadyBody(detail=result.detail, checks=result.checks)
        return JSONResponse(body.model_dump(), status_code=503, headers=NO_STORE)
    response.headers.update(NO_STORE)
    return ReadyRead(checks=result.checks)
