"""What crawlers read: robots.txt and the sitemap with each page's translations."""

import xml.etree.ElementTree as ET

import pytest
from wagtail.test.utils.form_data import streamfield

from cms.models import HomePage, StandardPage

from .conftest import create_through_admin

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def sitemap(client, **extra) -> dict[str, dict[str, str]]:
    """Each <loc> with its alternates, {hreflang: href}."""
    response = client.get("/sitemap.xml", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own output; raises unless well-formed)
    return {
        url.find("s:loc", NS).text: {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)
        }
        for url in root.findall("s:url", NS)
    }


def test_sitemap_lists_every_language_with_absolute_alternates(client, editor_client, demo_site):
    home = HomePage.objects.get(locale__language_code="en")
    create_through_admin(
        editor_client,
        home,
        StandardPage,
        {"title": "Annual report", "slug": "annual-report", "intro": "", "image": ""}
        | {"body": streamfield([])},
    )
    urls = sitemap(client, secure=True)
    assert all(loc.startswith("https://testserver/") for loc in urls)
    for path in ("about/", "fr/about/", "es/news/", "ar/events/", "fr/"):
        assert f"https://testserver/{path}" in urls, path
    assert urls["https://testserver/fr/about/"] == {
        "en": "https://testserver/about/",
        "fr": "https://testserver/fr/about/",
        "es": "https://testserver/es/about/",
        "ar": "https://testserver/ar/about/",
        "x-default": "https://testserver/about/",
    }
    # A page nobody translated is listed once, in its own language: the placeholders
    # that show it under /fr/, /es/ and /ar/ are not pages of their own.
    assert urls["https://testserver/annual-report/"] == {
        "en": "https://testserver/annual-report/",
        "x-default": "https://testserver/annual-report/",
    }
    assert "https://testserver/fr/annual-report/" not in urls
    assert not [loc for loc in urls if "/search/" in loc]


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_parts(client):
    response = client.get("/robots.txt", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for private in ("/admin/", "/django-admin/", "/api/", "/payments/", "/fr/search/"):
        assert f"Disallow: {private}" in lines
    assert "Disallow: /" not in lines  # the site itself is open
    assert "Sitemap: https://testserver/sitemap.xml" in lines
