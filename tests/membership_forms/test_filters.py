"""?locale=, ?country= and ?region= on the forms list, the directory API and its page.

Invalid values (NUL bytes, look-alike letters from other scripts, overlong or unknown
codes) are a 422 with a field-level error on the API; the HTML page ignores them.
"""

from urllib.parse import quote

import pytest

from cms.demo.directory import build_directory_page
from membership_forms.filters import clean_filters
from membership_forms.models import DirectoryEntry, DirectoryPage

FORMS = "/api/v3/forms/"
DIRECTORY = "/api/v3/forms/directory/"

BAD_LOCALES = [
    "xx",
    "\x00",
    "f\x00r",
    "fr\x00",
    "\uff46\uff52",  # fullwidth "fr"
    "fr" * 200,
    "FR",
    "fr-ca",
]
BAD_COUNTRIES = [
    "\x00",
    "F\x00",
    "\uff26\uff32",  # fullwidth "FR"
    "\u0415S",  # Cyrillic capital Ie, then S
    "\ufb00",  # one character whose upper case is "FF"
    "FRA",
    "F",
    "XX",  # two letters, but no country
    "F" * 5000,
]
BAD_REGIONS = ["x\x00y", "Europe", "europe\u200b", "\u0435urope", "mars", "e" * 500]


def query(**params):
    return "?" + "&".join(f"{key}={quote(value)}" for key, value in params.items())


@pytest.fixture
def entries(db):
    DirectoryEntry.objects.create(
        organisation_name="Paix Maintenant", category="member", country="FR", region="europe"
    )
    DirectoryEntry.objects.create(
        organisation_name="Nairobi Peace Forum", category="supporter", country="KE", region="africa"
    )


def names(response):
    assert response.status_code == 200, response.content
    return [item["organisation_name"] for item in response.json()["items"]]


def test_clean_filters_normalises_and_reports():
    cleaned, errors = clean_filters(locale="es", country="ke", region="africa")
    assert (cleaned.locale, cleaned.country, cleaned.region) == ("es", "KE", "africa")
    assert errors == {}
    cleaned, errors = clean_filters(locale="\x00", country="\uff26\uff32", region="mars")
    assert (cleaned.locale, cleaned.country, cleaned.region) == ("", "", "")
    assert set(errors) == {"locale", "country", "region"}


@pytest.mark.parametrize("value", BAD_LOCALES)
def test_forms_list_refuses_a_bad_locale(form_pages, api, value):
    response = api.get(FORMS + query(locale=value))
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["locale"]


def test_forms_list_locale_filter_and_error_language(form_pages, api):
    items = api.get(FORMS + query(locale="ar")).json()["items"]
    assert items and {item["locale"] for item in items} == {"ar"}
    french = api.get(FORMS + query(locale="xx"), HTTP_ACCEPT_LANGUAGE="fr")
    assert french.json()["errors"]["locale"] == ["Choisissez l\u2019une des langues du site."]


@pytest.mark.parametrize(
    "params",
    [{"locale": value} for value in BAD_LOCALES]
    + [{"country": value} for value in BAD_COUNTRIES]
    + [{"region": value} for value in BAD_REGIONS],
)
def test_directory_api_refuses_bad_filters(entries, client, params):
    response = client.get(DIRECTORY + query(**params))
    assert response.status_code == 422
    assert list(response.json()["errors"]) == list(params)


def test_directory_api_filters(entries, client):
    assert names(client.get(DIRECTORY + query(country="fr"))) == ["Paix Maintenant"]
    assert names(client.get(DIRECTORY + query(country="Ke"))) == ["Nairobi Peace Forum"]
    assert names(client.get(DIRECTORY + query(region="africa"))) == ["Nairobi Peace Forum"]
    assert names(client.get(DIRECTORY + query(country="FR", region="africa"))) == []
    assert len(names(client.get(DIRECTORY + query(country="", region="")))) == 2
    response = client.get(DIRECTORY + query(country="\x00", region="mars", locale="zz"))
    assert set(response.json()["errors"]) == {"country", "region", "locale"}


def test_directory_page_ignores_bad_filters(form_pages, entries, client):
    build_directory_page()
    page = DirectoryPage.objects.get(locale__language_code="en")
    for value in BAD_COUNTRIES:
        html = client.get(page.url + query(country=value)).content.decode()
        assert "Paix Maintenant" in html and "Nairobi Peace Forum" in html
    for value in BAD_REGIONS:
        html = client.get(page.url + query(region=value)).content.decode()
        assert "Paix Maintenant" in html and "Nairobi Peace Forum" in html
    html = client.get(page.url + query(country="ke")).content.decode()
    assert "Nairobi Peace Forum" in html and "Paix Maintenant" not in html
