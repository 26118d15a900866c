"""A form's submission body as a JSON Schema (draft 2020-12), from the same field specs
the validator builds its Django form from (`validation.build_field`).

The schema is what a front end can check before sending: types, formats, lengths,
choices, what is required. It states no more than the server accepts (a body that
breaks it is refused); the server checks more than it can say (a date range, a file's
contents, an amount's bounds for a decimal string), so a valid body may still get a 422.

Files (`format: binary`) travel in multipart/form-data only; every other field may go
in JSON or multipart. Labels are `title`, help texts `description`, choices `oneOf`
`const` + `title`: all in the active language, so build it under the page's.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from . import captcha
from .kinds import FieldType
from .validation import (
    AMOUNT_DIGITS,
    DEFAULT_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    NUMBER_DIGITS,
    FieldSpec,
)

T = FieldType
DRAFT = "https://json-schema.org/draft/2020-12/schema"
COMMENT = (
    "Files (format: binary) go in multipart/form-data only; every other field may go in "
    "JSON or multipart (booleans as true/false, one part per list item there). The server "
    "checks more than this schema says (date ranges, file contents); its 422 names the field."
)
DATETIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$"


def _decimal(digits: tuple[int, int], signed: bool) -> dict[str, Any]:
    """A decimal as a string ("50.00") or a whole number, as the validator reads them."""
    whole, places = digits[0] - digits[1], digits[1]
    sign = "-?" if signed else ""
    pattern = f"^{sign}[0-9]{{1,{whole}}}(\\.[0-9]{{1,{places}}})?$"
    integer: dict[str, Any] = {"type": "integer", "maximum": 10**whole - 1}
    if signed:
        integer["minimum"] = -(10**whole - 1)
    return {"anyOf": [{"type": "string", "pattern": pattern}, integer]}


def _amount(spec: FieldSpec) -> dict[str, Any]:
    schema = _decimal(AMOUNT_DIGITS, signed=False)
    text, integer = schema["anyOf"]
    text["pattern"] = "^(?![0.]*$)" + text["pattern"][1:]  # not zero
    minimum = max(spec.min_value or Decimal("0.01"), Decimal("0.01"))
    integer["minimum"] = math.ceil(minimum)
    if spec.max_value is not None:
        integer["maximum"] = math.floor(spec.max_value)
    return schema


def _choices(spec: FieldSpec) -> list[dict[str, str]]:
    return [{"const": str(value), "title": str(label)} for value, label in spec.choices]


def field_schema(spec: FieldSpec) -> dict[str, Any]:
    """One field's property: its JSON type and limits, as `build_field` checks them."""
    kind = spec.type
    schema: dict[str, Any]
    if kind in (T.SINGLELINE, T.MULTILINE, T.HIDDEN, T.URL):
        schema = {"type": "string", "maxLength": spec.max_length or DEFAULT_MAX_LENGTH[kind]}
        if kind == T.URL:
            schema["format"] = "uri"
        elif spec.required:
            schema["pattern"] = r"\S"  # blank is missing
    elif kind == T.EMAIL:
        schema = {"type": "string", "format": "email", "maxLength": EMAIL_MAX_LENGTH}
    elif kind == T.NUMBER:
        schema = _decimal(NUMBER_DIGITS, signed=True)
    elif kind == T.AMOUNT:
        schema = _amount(spec)
    elif kind == T.CHECKBOX:
        # A required checkbox is one that must be ticked.
        schema = {"type": "boolean", "const": True} if spec.required else {"type": "boolean"}
    elif kind == T.BOOLEAN:
        schema = {"type": "boolean"}
    elif kind in (T.DROPDOWN, T.RADIO, T.COUNTRY, T.CURRENCY, T.TERM):
        schema = {"type": "string", "oneOf": _choices(spec)}
    elif kind in (T.CHECKBOXES, T.MULTISELECT):
        schema = {"type": "array", "items": {"oneOf": _choices(spec)}, "uniqueItems": True}
        if spec.required:
            schema["minItems"] = 1
    elif kind == T.DATE:
        schema = {"type": "string", "format": "date"}
    elif kind == T.DATETIME:
        # Local time, as the HTML input gives it (the server also reads ISO 8601 with an
        # offset, but the site's time zone is what a visitor means).
        schema = {"type": "string", "pattern": DATETIME_PATTERN}
    elif kind == T.FILE:
        schema = {
            "type": "string",
            "format": "binary",
            "x-multipart-only": True,
            "x-accept": spec.accept,
            "x-max-bytes": spec.max_bytes,
        }
    else:
        raise ValueError(f"Unknown field type {kind!r}")
    described = {"title": str(spec.label), **schema}
    if spec.help_text:
        described["description"] = str(spec.help_text)
    return described


def submission_schema(title: str, specs: list[FieldSpec], schema_id: str) -> dict[str, Any]:
    """The body `POST /forms/{id}/submissions/` accepts, for these specs (in the active
    language); `captcha_token` is required while Turnstile is on."""
    properties = {spec.key: field_schema(spec) for spec in specs}
    required = [spec.key for spec in specs if spec.required]
    if captcha.enabled():
        properties[captcha.API_FIELD] = {
            "title": _("The check that you are a person"),
            "type": "string",
            "minLength": 1,
            "maxLength": 2048,
            "description": _("The token the check gives once it is passed."),
        }
        required.append(captcha.API_FIELD)
    return {
        "$schema": DRAFT,
        "$id": schema_id,
        "$comment": COMMENT,
        "title": title,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
