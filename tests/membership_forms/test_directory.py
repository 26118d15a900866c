"""The public directory: four languages, filters, the API, and never any contact data."""

from wagtail.models import Locale

from cms.demo.directory import build_directory_page
from membership_forms.models import DirectoryEntry, DirectoryPage
from membership_forms.regions import region_for


def test_region_from_country():
    assert region_for("ke") == "africa"
    assert region_for("FR") == "europe"
    assert region_for("EG") == "middle-east-north-africa"
    assert region_for("BR") == "americas"
    assert region_for("JP") == "asia-pacific"
    assert region_for("") == ""


def test_directory_page_in_four_languages_with_filters(form_pages, client):
    build_directory_page()
    build_directory_page()  # idempotent
    assert DirectoryPage.objects.count() == 4
    DirectoryEntry.objects.create(
        organisation_name="Paix Maintenant", category="member", country="FR", region="europe"
    )
    DirectoryEntry.objects.create(
        organisation_name="Nairobi Peace Forum",
        category="supporter",
        country="KE",
        region="africa",
        website="https://forum.example.org",
    )
    french = DirectoryPage.objects.get(locale=Locale.objects.get(language_code="fr"))
    html = client.get(french.url).content.decode()
    assert "Tous les pays" in html and "Afrique" in html and "ONG partenaire" in html
    assert "Paix Maintenant" in html and "Kenya" in html
    filtered = client.get(french.url + "?region=africa").content.decode()
    assert "Nairobi Peace Forum" in filtered and "Paix Maintenant" not in filtered
    arabic = DirectoryPage.objects.get(locale=Locale.objects.get(language_code="ar"))
    assert "جميع البلدان" in client.get(arabic.url).content.decode()
    for junk, field in (("?country=%00", "country"), ("?region=x%00y", "region")):
        response = client.get("/api/v3/forms/directory/" + junk)
        assert response.status_code == 422
        assert set(response.json()["errors"]) == {field}
        assert client.get(french.url + junk).status_code == 200
    data = client.get("/api/v3/forms/directory/?country=fr&locale=es").json()
    assert data["items"] == [
        {
            "organisation_name": "Paix Maintenant",
            "category": "member",
            "country": "FR",
            "country_name": "Francia",
            "region": "europe",
            "website": "",
            "status": "active",
            "renewed_at": None,
        }
    ]
