"""The query filters shared by the forms list, the directory API and the directory page.

`?locale=` is one of the site's content languages, `?country=` two ASCII letters naming
an ISO 3166-1 alpha-2 country (any case; stored upper-case), `?region=` one of `REGIONS`.
Anything else (an unknown code, a NUL byte, a look-alike letter from another script, an
overlong value) is invalid: the API answers 422 with `{"errors": {field: [message]}}`,
the HTML directory page ignores that filter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from django.conf import settings
from django.utils.translation import gettext as _
from pydantic import WithJsonSchema

from .countries import is_country
from .regions import REGIONS

_COUNTRY = re.compile(r"[A-Za-z]{2}")


def language_codes() -> list[str]:
    return [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]


@dataclass(frozen=True)
class Filters:
    """Cleaned filter values; empty means "no filter"."""

    locale: str = ""
    country: str = ""
    region: str = ""


def clean_filters(
    locale: str | None = "", country: str | None = "", region: str | None = ""
) -> tuple[Filters, dict[str, list[str]]]:
    """The valid values, and the field-level errors for the invalid ones (left empty)."""
    errors: dict[str, list[str]] = {}
    locale, country, region = locale or "", country or "", region or ""
    if locale and locale not in language_codes():
        errors["locale"] = [_("Choose one of the site's languages.")]
        locale = ""
    if country:
        country = country.upper() if _COUNTRY.fullmatch(country) else ""
        if not is_country(country):
            errors["country"] = [_("Enter a two-letter ISO 3166-1 country code.")]
            country = ""
    if region and region not in REGIONS:
        errors["region"] = [_("Choose one of the regions.")]
        region = ""
    return Filters(locale=locale, country=country, region=region), errors


# Query parameter types for django-ninja schemas: the OpenAPI document states the same
# constraints that `clean_filters` enforces (it answers in the API's own error format).
LocaleParam = Annotated[
    str | None,
    WithJsonSchema(
        {"type": "string", "enum": language_codes(), "description": "A content language."}
    ),
]
CountryParam = Annotated[
    str | None,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[A-Za-z]{2}$",
            "description": "An ISO 3166-1 alpha-2 country code, in any case.",
        }
    ),
]
RegionParam = Annotated[
    str | None,
    WithJsonSchema({"type": "string", "enum": list(REGIONS), "description": "A region."}),
]
