"""Countries: django-countries' ISO 3166-1 list, with CLDR names in each language.

The plugin keeps only the small surface it needs: whether a code is a country, its name
and the list of choices, both in a given language and sorted by Unicode collation
(django-countries uses pyuca when it is installed, as it is here).
"""

from __future__ import annotations

from django.utils import translation
from django_countries import countries


def is_country(code: str) -> bool:
    return bool(code) and code in countries


def country_name(code: str, language: str = "en") -> str:
    """The country's name in `language`, or the code itself when it is not a country."""
    if not is_country(code):
        return code
    with translation.override(language):
        return str(countries.name(code))


def country_choices(language: str = "en") -> list[tuple[str, str]]:
    """(code, name) pairs with names in the language, sorted as people look for them."""
    with translation.override(language):
        return [(country.code, str(country.name)) for country in countries]


def sort_codes(codes, language: str = "en") -> list[tuple[str, str]]:
    """(code, name) for the given codes, in the same order as `country_choices`."""
    wanted = set(codes)
    return [pair for pair in country_choices(language) if pair[0] in wanted]
