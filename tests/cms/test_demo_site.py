"""The demo site as `make run` builds it: four languages, headless API, search, idempotency.

Building it takes a while, so each test checks several things a visitor would notice.
"""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Page, Revision
from wagtail.test.utils.form_data import rich_text, streamfield

from cms.models import HomePage, StandardPage

from .conftest import create_through_admin

pytestmark = pytest.mark.django_db

LANGUAGES = [
    ("/", "en", "ltr", "English", "Skip to main content"),
    ("/fr/", "fr", "ltr", "français", "Aller au contenu principal"),
    ("/es/", "es", "ltr", "español", "Ir al contenido principal"),
    ("/ar/", "ar", "rtl", "العربيّة", "الانتقال إلى المحتوى الرئيسي"),
]


def test_demo_site_in_four_languages(client, demo_site):
    for path, lang, direction, current_language, skip_link in LANGUAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        content = response.content.decode()
        assert re.search(r"<html[^>]*>", content).group(0) == (
            f'<html lang="{lang}" dir="{direction}">'
        )
        current = re.search(r'<a [^>]*aria-current="true">([^<]+)</a>', content).group(1)
        assert current == current_language
        assert skip_link in content
        for code in ("en", "fr", "es", "ar"):
            assert f'hreflang="{code}"' in content

    # The switcher leads to the same page in each language.
    internships = client.get("/fr/internships/").content.decode()
    assert 'href="/internships/" lang="en"' in internships
    assert 'href="/es/internships/" lang="es"' in internships
    assert 'href="/ar/internships/" lang="ar"' in internships
    french_about = client.get("/fr/about/").content.decode()
    assert "À propos" in french_about
    assert "pas encore disponible" not in french_about

    # The facts from the seeds, in English.
    history = client.get("/about/history/").content.decode()
    assert "2009" in history and "R2PCS" in history and "2005" in history
    assert "NGO Supporter" in client.get("/join/").content.decode()
    assert "1 April" in client.get("/internships/").content.decode()
    home = client.get("/").content.decode()
    assert "New York office" in home and "The Hague office" in home
    assert "+31 70 363 4484" in home
    assert 'href="/about/"' in home  # the editor-managed main menu
    assert "Launch of the International Coalition" in client.get("/events/").content.decode()
    library = client.get("/library/?region=africa")
    assert library.status_code == 200

    # The footer invites to the newsletter, in the visitor's language.
    assert 'href="/newsletter/"' in home and "Subscribe to the newsletter" in home
    arabic_home = client.get("/ar/").content.decode()
    assert 'href="/ar/newsletter/"' in arabic_home and "الاشتراك في النشرة الإخبارية" in arabic_home

    # The contact form: from the offices' page and the footer, in each language.
    titles = {
        "": "Write to the Secretariat",
        "/fr": "Écrire au Secrétariat",
        "/es": "Escribir a la Secretaría",
        "/ar": "مراسلة الأمانة",
    }
    for prefix, title in titles.items():
        contact_page = client.get(f"{prefix}/contact/").content.decode()
        assert "/write-to-the-secretariat/" in contact_page, prefix
        footer = client.get(f"{prefix}/").content.decode()
        assert f'href="{prefix}/write-to-the-secretariat/"' in footer, prefix
        form = client.get(f"{prefix}/write-to-the-secretariat/")
        assert form.status_code == 200 and title in form.content.decode(), prefix


def test_headless_api_lists_filters_and_searches(client, demo_site):
    response = client.get("/api/v3/pages/", {"limit": 100, "locale": "en"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) >= 10
    assert len({item["meta"]["type"] for item in items}) >= 5
    assert {item["meta"]["locale"] for item in items} == {"en"}

    articles = client.get("/api/v3/pages/", {"type": "cms.ArticlePage", "locale": "fr"})
    items = articles.json()["items"]
    assert items
    assert {item["meta"]["type"] for item in items} == {"cms.ArticlePage"}
    assert {item["meta"]["locale"] for item in items} == {"fr"}

    for query, expected in [
        ("Steering Committee", "Steering Committee"),
        ("internship", "Internships"),
        ("2009", "Our history"),
    ]:
        found = client.get("/api/v3/pages/", {"search": query, "locale": "en"})
        assert found.status_code == 200
        assert expected in [item["title"] for item in found.json()["items"]], query


def test_untranslated_page_falls_back_to_english_with_a_notice(client, editor_client, demo_site):
    home = HomePage.objects.get(locale__language_code="en")
    create_through_admin(
        editor_client,
        home,
        StandardPage,
        {
            "title": "Annual report",
            "slug": "annual-report",
            "intro": "",
            "image": "",
            "body": streamfield([("paragraph", rich_text("<p>Our year in review.</p>"))]),
        },
    )
    response = client.get("/fr/annual-report/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "pas encore disponible en français" in content
    assert "Our year in review." in content
    assert '<div lang="en" dir="ltr">' in content
    assert "not yet available" not in client.get("/annual-report/").content.decode()


def test_loading_twice_changes_nothing(editor_client, demo_site):
    pages, revisions = Page.objects.count(), Revision.objects.count()
    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    assert (Page.objects.count(), Revision.objects.count()) == (pages, revisions)

    home = HomePage.objects.get(locale__language_code="en")
    response = editor_client.get(reverse("wagtailadmin_explore", args=[home.pk]))
    assert response.status_code == 200
    assert b"Internships" in response.content
