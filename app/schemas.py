"""Base classes for request and response models, and the types they share.

Every string a client sends is ``Text``, the one home of what a stored string
may not hold: NUL (PostgreSQL refuses it) and lone surrogates (``"\\ud800"``,
which Python's ``json`` reads but UTF-8, hence the database and every response,
cannot encode). Non-finite numbers (``NaN``, ``Infinity``) need no rule: no
input model has a ``float``, and pydantic refuses them as ``int``, ``bool``,
``date`` or ``datetime``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from app.core.tokenize import normalize_text

T = TypeVar("T")

MAX_ID = 2_147_483_647  # the largest id a path, query or body may name (a 32-bit key)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # in a str, a valid pair is one character


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    if _LONE_SURROGATE.search(value):
        raise ValueError("text must not contain a lone surrogate (an unpaired \\ud800-\\udfff)")
    return value


def _canonical(value: str) -> str:
    return normalize_text(_storable(value))


# Text is stored NFC-normalised, so one word typed two ways is one token to the
# diff and the merge. Passwords are checked but kept exactly as typed.
Text = Annotated[str, AfterValidator(_canonical)]
Password = Annotated[str, AfterValidator(_storable)]


def _refuse_null(value: object) -> object:
    if value is None:
        raise PydanticCustomError("null_not_allowed", "Input may be left out, but not null")
    return value


class _NotNull:
    """Field metadata: an explicit null is refused, and the schema does not offer it."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_before_validator_function(_refuse_null, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        branches = [b for b in json_schema.get("anyOf", ()) if b != {"type": "null"}]
        if len(branches) != 1:
            return json_schema
        rest: JsonSchemaValue = {k: v for k, v in json_schema.items() if k != "anyOf"}
        return rest | dict(branches[0])


# A field of a partial update whose column is NOT NULL: left out it is None
# (and changes nothing), but a client's explicit null is a 422, not a database error.
Omittable = Annotated[T | None, _NotNull()]


class InputModel(BaseModel):
    """Request bodies: unknown fields are an error, never silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)
