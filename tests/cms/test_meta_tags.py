"""What links shared on social media and search engines read: descriptions, OpenGraph and
Twitter cards, canonical and hreflang links, all absolute."""

from html.parser import HTMLParser

import pytest
from wagtail.test.utils.form_data import rich_text, streamfield

from cms.models import ArticlePage, HomePage, StandardPage
from tests.conftest import clear_run_cache

from .conftest import create_through_admin

pytestmark = pytest.mark.django_db


class HeadTags(HTMLParser):
    """The <meta> and <link> tags of a page, as attribute dicts."""

    def __init__(self, content: str):
        super().__init__()
        self.metas: list[dict] = []
        self.links: list[dict] = []
        self.feed(content)

    def handle_starttag(self, tag, attrs):
        if tag == "meta":
            self.metas.append(dict(attrs))
        elif tag == "link":
            self.links.append(dict(attrs))

    def meta(self, key: str) -> list[str]:
        return [
            m["content"] for m in self.metas if m.get("property") == key or m.get("name") == key
        ]

    def one(self, key: str) -> str:
        values = self.meta(key)
        assert len(values) == 1, f"{key}: {values}"
        return values[0]

    def hreflangs(self) -> dict[str, str]:
        return {
            link["hreflang"]: link["href"]
            for link in self.links
            if link.get("rel") == "alternate" and "hreflang" in link
        }

    def canonical(self) -> str:
        return next(link["href"] for link in self.links if link.get("rel") == "canonical")


def head(client, path: str, **extra) -> HeadTags:
    response = client.get(path, **extra)
    assert response.status_code == 200, path
    return HeadTags(response.content.decode())


def test_translated_page_has_absolute_alternates_and_opengraph(client, demo_site):
    tags = head(client, "/fr/about/", secure=True)
    assert tags.hreflangs() == {
        "en": "https://testserver/about/",
        "fr": "https://testserver/fr/about/",
        "es": "https://testserver/es/about/",
        "ar": "https://testserver/ar/about/",
        "x-default": "https://testserver/about/",
    }
    assert tags.canonical() == "https://testserver/fr/about/"
    assert tags.one("og:url") == "https://testserver/fr/about/"
    assert tags.one("og:type") == "website"
    assert tags.one("og:title") == "À propos de la Coalition"
    assert tags.one("og:site_name") == "Coalition internationale pour la responsabilité de protéger"
    assert tags.one("og:locale") == "fr_FR"
    assert sorted(tags.meta("og:locale:alternate")) == ["ar_AR", "en_US", "es_ES"]
    description = tags.one("description")
    assert description and description == tags.one("og:description")
    assert tags.one("twitter:card") == "summary"
    assert tags.one("twitter:title") == "À propos de la Coalition"


def test_article_with_an_image_shares_it_with_an_absolute_url(client, demo_site):
    article = ArticlePage.objects.filter(locale__language_code="es", image__isnull=False).first()
    tags = head(client, article.url)
    assert tags.one("og:type") == "article"
    image = tags.one("og:image")
    assert image.startswith("http://testserver/media/") and image.endswith(".png"), image
    assert tags.one("og:image:width") == "1200"
    assert tags.one("og:image:alt")
    assert tags.one("twitter:card") == "summary_large_image"
    assert tags.one("twitter:image") == image
    assert tags.one("og:locale") == "es_ES"


def test_social_image_chosen_by_the_editor_wins(client, editor_client, home, image):
    page = create_through_admin(
        editor_client,
        home,
        StandardPage,
        {
            "title": "Annual report",
            "slug": "annual-report",
            "intro": "",
            "image": "",
            "social_image": image.pk,
            "body": streamfield([]),
        },
    )
    tags = head(client, page.url)
    assert "/media/images/" in tags.one("og:image")
    assert tags.one("og:image:alt") == "A test image"


def test_markup_in_descriptions_is_not_shown_escaped(client, editor_client, home):
    create_through_admin(
        editor_client,
        home,
        StandardPage,
        {
            "title": "Who we are",
            "slug": "who-we-are",
            "intro": "",
            "search_description": "<p>Civil society <b>working together</b> &amp; more</p>",
            "image": "",
            "body": streamfield([("paragraph", rich_text("<p>Text.</p>"))]),
        },
    )
    response = client.get("/who-we-are/")
    content = response.content.decode()
    assert "&lt;p&gt;" not in content and "&amp;lt;" not in content
    tags = HeadTags(content)
    assert tags.one("description") == "Civil society working together & more"
    assert tags.one("og:description") == "Civil society working together & more"
    assert 'content="Civil society working together &amp; more"' in content


def test_rich_text_introduction_of_a_plugin_page_gives_a_plain_description(client, demo_site):
    """The directory page's introduction is rich text: the meta shows its words only."""
    content = client.get("/join/directory/").content.decode()
    assert "&lt;p&gt;" not in content
    assert HeadTags(content).one("description") == "Organisations that have joined the Coalition."


def test_untranslated_placeholder_points_at_its_original(client, editor_client, demo_site):
    home = HomePage.objects.get(locale__language_code="en")
    create_through_admin(
        editor_client,
        home,
        StandardPage,
        {
            "title": "Annual report",
            "slug": "annual-report",
            "intro": "Our year.",
            "image": "",
            "body": streamfield([]),
        },
    )
    tags = head(client, "/fr/annual-report/")
    # Shown in English: its canonical address is the English page's, and no language
    # claims a translation that does not exist.
    assert tags.canonical() == "http://testserver/annual-report/"
    assert tags.hreflangs() == {
        "en": "http://testserver/annual-report/",
        "x-default": "http://testserver/annual-report/",
    }
    english = head(client, "/annual-report/")
    assert english.meta("og:locale:alternate") == []


def test_every_page_of_the_demo_has_its_card(client, demo_site):
    home = head(client, "/fr/")
    assert home.one("og:title") == HomePage.objects.get(locale__language_code="fr").hero_heading

    for path in ("/", "/ar/", "/news/", "/es/events/", "/library/", "/fr/join/"):
        tags = head(client, path)
        for key in ("og:title", "og:url", "og:locale", "twitter:card", "twitter:title"):
            assert tags.one(key), (path, key)
        assert tags.one("og:url").startswith("http://testserver/")
        assert all(href.startswith("http://testserver/") for href in tags.hreflangs().values())


def test_the_site_name_is_the_wagtail_sites_in_every_place(client, demo_site):
    """One name, set under Settings, Sites: the title, the logo, OpenGraph, the feeds and
    the calendar files follow it; the demo's own name is shown in each language."""
    french = client.get("/fr/").content.decode()
    assert "Coalition internationale pour la responsabilité de protéger</title>" in french
    assert 'og:site_name" content="Coalition internationale pour la responsabilité' in french

    demo_site.site_name = "Civil Society Protection Network"
    demo_site.save()
    clear_run_cache()
    for path in ("/", "/fr/", "/ar/about/"):
        content = client.get(path).content.decode()
        assert "· Civil Society Protection Network</title>" in content, path
        assert 'og:site_name" content="Civil Society Protection Network"' in content, path
        assert '<span class="site-logo__name">Civil Society Protection Network<' in content
    assert "Civil Society Protection Network" in client.get("/fr/news/rss/").content.decode()
    ics = client.get("/events/annual-members-meeting-2027/ics/").content.decode()
    assert "PRODID:-//Civil Society Protection Network//Events//EN" in ics


def test_a_page_reads_its_translations_once(client, demo_site):
    """The language switcher and the hreflang links share one query for the page's
    translations (and the home page's)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    history = StandardPage.objects.get(slug="history", locale__language_code="fr")
    with CaptureQueriesContext(connection) as queries:
        content = client.get("/fr/about/history/").content.decode()
    assert 'hreflang="es" href="http://testserver/es/about/history/"' in content
    assert 'href="/ar/about/history/" lang="ar"' in content
    reads = [
        query["sql"]
        for query in queries.captured_queries
        if 'FROM "wagtailcore_page"' in query["sql"] and history.translation_key.hex in query["sql"]
    ]
    assert len(reads) == 1, reads
