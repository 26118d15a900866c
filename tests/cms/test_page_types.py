"""Each page type, created through the admin form, renders and reads back through API v3."""

import pytest
from wagtail.test.utils.form_data import rich_text, streamfield

from cms.models import (
    ArticlePage,
    DocumentLibraryPage,
    EventIndexPage,
    EventPage,
    LibraryDocument,
    NewsIndexPage,
    Region,
    SearchPage,
    StandardPage,
)

from .conftest import create_through_admin

pytestmark = pytest.mark.django_db


def body(*paragraphs: str):
    return streamfield(
        [("heading", "Our commitment")]
        + [("paragraph", rich_text(f"<p>{text}</p>")) for text in paragraphs]
        + [("quote", {"text": "No one can do it alone.", "attribution": "The Secretariat"})]
    )


def page_fields(slug: str, title: str, **extra) -> dict:
    return {"title": title, "slug": slug, "intro": f"About {title.lower()}.", **extra}


def api_detail(client, page) -> dict:
    response = client.get(f"/api/v3/pages/{page.pk}/")
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_home_page_renders_and_reads_through_the_api(client, home):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Protecting people is a shared responsibility" in response.content
    assert b"Advocacy" in response.content
    assert b'<html lang="en" dir="ltr">' in response.content

    data = api_detail(client, home)
    assert data["meta"]["type"] == "cms.HomePage"
    assert data["hero_heading"] == "Protecting people is a shared responsibility"
    assert data["priorities"][0]["type"] == "priority"
    assert data["priorities"][0]["value"] == {"title": "Advocacy", "text": "At all levels."}


def test_standard_page_with_structured_body(client, editor_client, home):
    page = create_through_admin(
        editor_client,
        home,
        StandardPage,
        page_fields("about", "About the Coalition", image="", body=body("Founded in 2009.")),
    )
    response = client.get("/about/")
    assert response.status_code == 200
    assert b"<h1>About the Coalition</h1>" in response.content
    assert b"Founded in 2009." in response.content
    assert b"No one can do it alone." in response.content

    data = api_detail(client, page)
    assert [block["type"] for block in data["body"]] == ["heading", "paragraph", "quote"]
    assert data["body"][0]["value"] == "Our commitment"
    assert data["body"][2]["value"]["attribution"] == "The Secretariat"


def test_standard_page_can_hold_children_of_any_kind(editor_client, home):
    about = create_through_admin(
        editor_client, home, StandardPage, page_fields("about", "About", image="", body=body())
    )
    create_through_admin(
        editor_client,
        about,
        StandardPage,
        page_fields("history", "History", image="", body=body("R2PCS came first.")),
    )
    about.refresh_from_db()
    assert [child.slug for child in about.get_children()] == ["history"]


def test_news_index_and_article_with_image_region_and_tags(client, editor_client, home, image):
    region = Region.objects.create(name="Africa", slug="africa", locale=home.locale)
    index = create_through_admin(editor_client, home, NewsIndexPage, page_fields("news", "News"))
    article = create_through_admin(
        editor_client,
        index,
        ArticlePage,
        page_fields(
            "car-statement",
            "Central African Republic: act now",
            kind="statement",
            date="2013-11-20",
            region=region.pk,
            tags="prevention, early-warning",
            image=image.pk,
            body=body("The warning signs demand action."),
        ),
    )

    response = client.get("/news/car-statement/")
    assert response.status_code == 200
    assert b"The warning signs demand action." in response.content
    assert b"Africa" in response.content
    listing = client.get("/news/?kind=statement")
    assert b"Central African Republic: act now" in listing.content
    assert b"Central African Republic" not in client.get("/news/?kind=blog").content

    assert api_detail(client, index)["intro"] == "About news."
    data = api_detail(client, article)
    assert data["meta"]["parent"]["id"] == index.pk
    assert data["kind"] == "statement"
    assert data["date"] == "2013-11-20"
    assert data["region_name"] == "Africa"
    assert sorted(data["tag_slugs"]) == ["early-warning", "prevention"]
    assert data["image"]["url"].endswith(".png")
    assert data["image"]["width"] > 0
    assert data["thumbnail"]["width"] == 400
    assert "width-1200" in data["image"]["url"]


def test_events_index_and_event(client, editor_client, home):
    index = create_through_admin(
        editor_client, home, EventIndexPage, page_fields("events", "Events")
    )
    event = create_through_admin(
        editor_client,
        index,
        EventPage,
        page_fields(
            "launch",
            "Launch of the Coalition",
            start="2009-01-28 11:00",
            end="2009-01-28 12:00",
            place="United Nations Headquarters, New York",
            online_url="https://example.org/live",
            body=body("Eight founding organizations."),
        ),
    )
    response = client.get("/events/launch/")
    assert response.status_code == 200
    assert b"United Nations Headquarters, New York" in response.content
    assert b'href="https://example.org/live"' in response.content
    assert b"Launch of the Coalition" in client.get("/events/").content

    assert api_detail(client, index)["meta"]["type"] == "cms.EventIndexPage"
    data = api_detail(client, event)
    assert data["place"] == "United Nations Headquarters, New York"
    assert data["start"].startswith("2009-01-28T11:00")
    assert data["online_url"] == "https://example.org/live"


def test_document_library_browsable_by_region(client, editor_client, home):
    africa = Region.objects.create(name="Africa", slug="africa", locale=home.locale)
    europe = Region.objects.create(name="Europe", slug="europe", locale=home.locale)
    from django.core.files.base import ContentFile

    for title, region in (("Great Lakes brief", africa), ("Balkans report", europe)):
        document = LibraryDocument(title=title, region=region, description=f"{title}.")
        document.file.save(f"{region.slug}.txt", ContentFile(b"text"), save=False)
        document.save()
    library = create_through_admin(
        editor_client, home, DocumentLibraryPage, page_fields("library", "Library")
    )

    everything = client.get("/library/").content
    assert b"Great Lakes brief" in everything and b"Balkans report" in everything
    africa_only = client.get("/library/?region=africa").content
    assert b"Great Lakes brief" in africa_only and b"Balkans report" not in africa_only

    data = api_detail(client, library)
    assert {doc["region"] for doc in data["document_list"]} == {"africa", "europe"}


def test_search_page_finds_body_text(client, editor_client, home):
    create_through_admin(
        editor_client,
        home,
        StandardPage,
        page_fields("join", "How to join", image="", body=body("The Steering Committee decides.")),
    )
    search = create_through_admin(editor_client, home, SearchPage, page_fields("search", "Search"))
    assert api_detail(client, search)["meta"]["type"] == "cms.SearchPage"

    response = client.get("/search/?q=Steering+Committee")
    assert response.status_code == 200
    assert b'href="/join/"' in response.content
    assert b'href="/join/"' not in client.get("/search/?q=volcano").content


def test_menus_offices_and_contact_come_from_site_settings(client, editor_client, home):
    from wagtail.models import Site

    from cms.models import MenuItem, NavigationSettings, Office, OrganisationSettings

    about = create_through_admin(
        editor_client, home, StandardPage, page_fields("about", "About us", image="", body=body())
    )
    site = Site.objects.get(is_default_site=True)
    organisation = OrganisationSettings.for_site(site)
    organisation.contact_email = "info@example.org"
    organisation.save()
    Office.objects.create(
        locale=home.locale, name="The Hague office", address="Bezuidenhoutseweg 99A"
    )
    navigation = NavigationSettings.for_site(site)
    navigation.save()
    MenuItem.objects.create(navigation=navigation, page=about)

    content = client.get("/").content.decode()
    assert 'href="/about/"' in content and "About us" in content
    assert "The Hague office" in content
    assert "mailto:info@example.org" in content
