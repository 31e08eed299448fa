"""The expected errors of the service: one family, one handler, one JSON shape."""

from __future__ import annotations

import math
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


class TooManyRequests(AppError):
    """Throttled: ``Retry-After`` says in how many seconds to try again."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))})


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


# A refused string longer than this is not echoed back in ``errors[].input``.
_ECHO_LIMIT = 200


def _portable(value: Any) -> Any:
    """``value`` (already JSON-like) as JSON any encoder can write, in UTF-8.

    Python's ``json`` reads ``NaN``, ``Infinity`` and lone surrogates
    (``"\\ud800"``) that no strict encoder writes back: a response echoing them
    would fail as a 500. Non-finite numbers become their names, a lone surrogate
    its escape (``"a\\ud800b"``); everything else is unchanged.
    """
    if isinstance(value, str):
        return value if value.isascii() else value.encode("utf-8", "backslashreplace").decode()
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {_portable(key): _portable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_portable(item) for item in value]
    return value


def _public(error: dict[str, Any]) -> dict[str, Any]:
    """A pydantic error as the client sees it: what and where, not the whole input."""
    out: dict[str, Any] = {key: error[key] for key in ("type", "loc", "msg") if key in error}
    if ctx := error.get("ctx"):
        out["ctx"] = {
            key: str(item) if isinstance(item, BaseException) else item for key, item in ctx.items()
        }
    echo = error.get("input")
    short = isinstance(echo, str) and len(echo) <= _ECHO_LIMIT
    if "input" in error and (short or echo is None or isinstance(echo, bool | int | float)):
        out["input"] = echo  # a scalar; a whole object or a long text is not sent back
    result: dict[str, Any] = _portable(jsonable_encoder(out))
    return result


def describe_validation(errors: list[dict[str, Any]]) -> str:
    """One readable sentence per problem, e.g. ``body.title: Field required``."""
    return "; ".join(
        f"{_where(tuple(e.get('loc', ())))}: {e.get('msg', 'invalid')}" for e in errors
    )


def install_error_handler(app: FastAPI) -> None:
    async def handle(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AppError)
        body: dict[str, Any] = {"detail": _portable(exc.message)}
        if isinstance(exc, InvalidInput):
            body["errors"] = []
        return JSONResponse(body, exc.status_code, headers=exc.headers)

    async def invalid(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [_public(error) for error in exc.errors()]
        return JSONResponse({"detail": describe_validation(errors), "errors": errors}, 422)

    app.add_exception_handler(AppError, handle)
    app.add_exception_handler(RequestValidationError, invalid)
