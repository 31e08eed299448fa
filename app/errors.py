"""The expected errors of the service: one family, one handler, one JSON shape."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel


class ErrorBody(BaseModel):
    """Every error response: a human-readable ``detail``."""

    detail: str


class AppError(Exception):
    """An error the client can act on; rendered as ``{"detail": message}``."""

    status_code = 400

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers


class Unauthorized(AppError):
    status_code = 401

    def __init__(self, message: str = "Not authenticated") -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(AppError):
    status_code = 403


class NotFound(AppError):
    status_code = 404


class StateConflict(AppError):
    status_code = 409


class PreconditionFailed(AppError):
    status_code = 412


class PayloadTooLarge(AppError):
    status_code = 413


class InvalidInput(AppError):
    status_code = 422


class PreconditionRequired(AppError):
    status_code = 428


def error_responses(*errors: type[AppError]) -> dict[int | str, dict[str, object]]:
    """The ``responses=`` entry of a route, so the OpenAPI schema lists its errors."""
    out: dict[int | str, dict[str, object]] = {}
    for err in errors:
        out[err.status_code] = {"model": ErrorBody, "description": err.__name__}
    return out


def install_error_handler(app: FastAPI) -> None:
    async def handle(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AppError)
        return JSONResponse({"detail": exc.message}, exc.status_code, headers=exc.headers)

    app.add_exception_handler(AppError, handle)
