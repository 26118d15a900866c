"""RSS and Atom feeds of news and statements, one per language."""

import xml.etree.ElementTree as ET

import pytest
from wagtail.test.utils.form_data import rich_text, streamfield

from cms.models import ArticlePage, NewsIndexPage

from .conftest import create_through_admin

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def parse(response, content_type: str) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"] == f"{content_type}; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314 (our own output; raises unless well-formed)


def live_titles(language: str, **filters) -> set[str]:
    return set(
        ArticlePage.objects.live()
        .filter(locale__language_code=language, alias_of__isnull=True, **filters)
        .values_list("title", flat=True)
    )


def test_rss_feed_per_language_with_absolute_links(client, demo_site):
    for language, prefix in (("en", "/"), ("fr", "/fr/"), ("es", "/es/"), ("ar", "/ar/")):
        channel = parse(client.get(f"{prefix}news/rss/"), "application/rss+xml").find("channel")
        assert channel.findtext("language") == language
        assert channel.findtext("link") == f"http://testserver{prefix}news/"
        items = channel.findall("item")
        assert {item.findtext("title") for item in items} == live_titles(language)
        for item in items:
            assert item.findtext("link").startswith(f"http://testserver{prefix}news/")
            assert item.findtext("description")
            assert "<" not in item.findtext("description")  # words, not markup
            assert item.findtext("pubDate")


def test_atom_feed_and_a_feed_of_statements_only(client, demo_site):
    feed = parse(client.get("/ar/news/atom/"), "application/atom+xml")
    assert feed.get(XML_LANG) == "ar"
    entries = feed.findall(f"{ATOM}entry")
    assert {entry.findtext(f"{ATOM}title") for entry in entries} == live_titles("ar")
    for entry in entries:
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/ar/news/")

    statements = parse(client.get("/fr/news/rss/?kind=statement"), "application/rss+xml")
    titles = {item.findtext("title") for item in statements.iter("item")}
    assert titles == live_titles("fr", kind="statement") and titles


def test_untranslated_article_is_only_in_its_own_languages_feed(client, editor_client, demo_site):
    index = NewsIndexPage.objects.get(locale__language_code="en")
    create_through_admin(
        editor_client,
        index,
        ArticlePage,
        {
            "title": "Annual review published",
            "slug": "annual-review-published",
            "intro": "Our year.",
            "kind": "news",
            "date": "2030-01-15",
            "region": "",
            "tags": "",
            "image": "",
            "body": streamfield([("paragraph", rich_text("<p>Text.</p>"))]),
        },
    )
    english = client.get("/news/rss/").content.decode()
    assert "Annual review published" in english
    assert "Annual review published" not in client.get("/fr/news/rss/").content.decode()


def test_pages_link_to_the_feeds_of_their_language(client, demo_site):
    for path, feed in (("/", "/news/"), ("/es/about/", "/es/news/"), ("/ar/news/", "/ar/news/")):
        content = client.get(path).content.decode()
        assert '<link rel="alternate" type="application/rss+xml"' in content
        assert f'href="{feed}rss/"' in content and f'href="{feed}atom/"' in content
    index = client.get("/fr/news/").content.decode()
    assert 'class="feeds"' in index  # visible links on the news page itself
