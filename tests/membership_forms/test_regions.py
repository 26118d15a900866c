"""Every country a visitor can choose falls in one of the site's regions, in every filter."""

from django.utils import translation
from django_countries import countries

from membership_forms.countries import country_choices, country_name, is_country
from membership_forms.regions import COUNTRY_REGIONS, REGIONS, region_for

# Codes deliberately left without a region: none. A code added here needs a reason.
WITHOUT_REGION: set[str] = set()


def test_every_django_countries_code_has_a_region():
    codes = {country.code for country in countries}
    assert sorted(codes - set(COUNTRY_REGIONS) - WITHOUT_REGION) == []
    # ...and the table names no code a form cannot take (XK is not in ISO 3166-1).
    assert sorted(set(COUNTRY_REGIONS) - codes) == []
    assert set(COUNTRY_REGIONS.values()) == set(REGIONS)


def test_region_lookup_takes_any_case_and_knows_nothing_else():
    assert region_for("gs") == "americas"  # South Georgia and the South Sandwich Islands
    assert region_for("KE") == "africa"
    assert region_for("XK") == ""
    assert region_for("") == ""


def test_country_names_and_choices_in_each_language():
    assert is_country("FR") and not is_country("XK") and not is_country("")
    assert country_name("DE", "fr") == "Allemagne"
    assert country_name("DE", "es") == "Alemania"
    assert country_name("ZZ", "fr") == "ZZ"
    with translation.override("ar"):
        arabic = dict(country_choices("ar"))
    assert arabic["EG"] == "مصر"
    names = [name for _code, name in country_choices("fr")]
    assert names.index("Égypte") < names.index("Espagne")  # collated, not by code point
