"""Anonymous visitors get cached pages; a publish purges them; editors always see fresh ones."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.models import StandardPage

from .conftest import create_through_admin

pytestmark = pytest.mark.django_db(transaction=True)  # the purge runs after commit


def standard_fields(text: str) -> dict:
    return {
        "title": "Internships",
        "slug": "internships",
        "intro": "",
        "image": "",
        "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))]),
    }


@pytest.fixture
def internships(editor_client, home):
    return create_through_admin(
        editor_client, home, StandardPage, standard_fields("Apply by 1 April.")
    )


def publish_edit(editor_client, page, text: str) -> None:
    data = nested_form_data({"comments": inline_formset([]), **standard_fields(text)})
    data["action-publish"] = "action-publish"
    response = editor_client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302, response.context["form"].errors


def test_second_anonymous_visit_is_served_from_the_cache(client, internships):
    first = client.get("/internships/")
    second = client.get("/internships/")
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    # Headers added by the middleware stack are on cached pages too.
    assert second["Content-Language"] == "en"
    assert "script-src 'self'" in second["Content-Security-Policy"]
    assert second["X-Content-Type-Options"] == "nosniff"
    assert not second.cookies
    assert client.head("/internships/")["X-Page-Cache"] == "hit"


def test_publishing_purges_the_cache_and_shows_the_new_content(client, editor_client, internships):
    client.get("/internships/")
    assert client.get("/internships/")["X-Page-Cache"] == "hit"

    publish_edit(editor_client, internships, "Apply by 1 August.")

    after = client.get("/internships/")
    assert after["X-Page-Cache"] == "miss"
    assert b"Apply by 1 August." in after.content
    assert b"Apply by 1 April." not in after.content
    # Other pages were cached before the publish too: they are purged as well (menus change).
    assert client.get("/")["X-Page-Cache"] == "miss"


def test_unpublishing_purges_the_cache(client, editor_client, internships):
    client.get("/internships/")
    response = editor_client.post(reverse("wagtailadmin_pages:unpublish", args=[internships.pk]))
    assert response.status_code == 302
    assert client.get("/internships/").status_code == 404


def test_editors_always_get_a_fresh_page(client, editor_client, internships):
    client.get("/internships/")
    response = editor_client.get("/internships/")
    assert "X-Page-Cache" not in response
    assert b"Apply by 1 April." in response.content


def test_unknown_query_strings_and_errors_are_not_cached(client, internships):
    assert "X-Page-Cache" not in client.get("/internships/?utm_source=mail")
    assert "X-Page-Cache" not in client.get("/no-such-page/")
    assert client.get("/no-such-page/").status_code == 404


def test_listing_filters_are_cached_separately(client, editor_client, home):
    from cms.models import NewsIndexPage

    from .test_page_types import page_fields

    create_through_admin(editor_client, home, NewsIndexPage, page_fields("news", "News"))
    assert client.get("/news/?kind=blog")["X-Page-Cache"] == "miss"
    assert client.get("/news/?kind=blog")["X-Page-Cache"] == "hit"
    assert client.get("/news/?kind=statement")["X-Page-Cache"] == "miss"
