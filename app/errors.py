"""The expected errors of the service: one family, one handler, one JSON shape."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel


class ErrorBody(BaseModel):
    """Every error response: a human-readable ``detail``."""

    detail: str


class ValidationErrorBody(ErrorBody):
    """A 422: ``detail`` sums up every problem; ``errors`` lists them for programs."""

    errors: list[dict[str, Any]]


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
        model = ValidationErrorBody if err.status_code == 422 else ErrorBody
        out[err.status_code] = {"model": model, "description": err.__name__}
    return out


# Every route may answer these; routers are included with them.
COMMON_RESPONSES: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorBody, "description": "The request body is not valid JSON"},
    413: {"model": ErrorBody, "description": "Request body too large"},
    422: {"model": ValidationErrorBody, "description": "Invalid input"},
}


def _where(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def describe_validation(errors: list[dict[str, Any]]) -> str:
    """One readable sentence per problem, e.g. ``body.title: Field required``."""
    return "; ".join(
        f"{_where(tuple(e.get('loc', ())))}: {e.get('msg', 'invalid')}" for e in errors
    )


def install_error_handler(app: FastAPI) -> None:
    async def handle(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AppError)
        body: dict[str, Any] = {"detail": exc.message}
        if isinstance(exc, InvalidInput):
            body["errors"] = []
        return JSONResponse(body, exc.status_code, headers=exc.headers)

    async def invalid(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = jsonable_encoder(exc.errors())
        return JSONResponse({"detail": describe_validation(errors), "errors": errors}, 422)

    app.add_exception_handler(AppError, handle)
    app.add_exception_handler(RequestValidationError, invalid)
