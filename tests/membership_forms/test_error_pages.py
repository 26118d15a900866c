"""What a visitor sees when a form cannot be taken: a page in the site's look and their
language, never raw JSON (the forms API keeps its JSON answers)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.utils import timezone, translation

from membership_forms.views import STARTED, started_token

from .test_html import form_data

TOO_LARGE = str(30 * 1024 * 1024)


def _language_of(html: str) -> str:
    return re.search(r'<html lang="([a-z-]+)"', html).group(1)


def test_a_too_large_upload_is_a_page_in_the_visitors_language(form_pages, settings):
    page = form_pages["internship"]["fr"]
    response = Client().post(page.url, {}, CONTENT_LENGTH=TOO_LARGE)
    html = response.content.decode()
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert _language_of(html) == "fr"
    assert 'class="site-header"' in html  # the site's own look
    with translation.override("fr"):
        assert translation.gettext("The files are too large") in html
        assert filesizeformat(settings.MEMBERSHIP_FORMS.get("MAX_FILE_BYTES", 10 * 2**20)) in html
    assert f'href="{page.url}"' in html  # back to the form


@pytest.mark.parametrize("path", ["//evil.example/", "/\\evil.example/", "///evil.example/x"])
def test_the_too_large_page_links_back_only_within_the_site(db, path):
    """A link sent to a visitor that posts too much to `//evil.example/` (a path the
    request line allows) must not offer a way off the site."""
    response = Client().post("/", {}, CONTENT_LENGTH=TOO_LARGE, PATH_INFO=path)
    html = response.content.decode()
    assert response.status_code == 413
    assert "evil.example" not in html
    assert 'href="/"' in html  # the home page instead


def test_a_too_large_body_for_the_api_stays_json(form_pages):
    page = form_pages["internship"]["fr"]
    response = Client().post(f"/api/v3/forms/{page.pk}/submissions/", {}, CONTENT_LENGTH=TOO_LARGE)
    assert response.status_code == 413
    assert response.json()["errors"]["non_field_errors"]


def test_too_many_submissions_is_the_form_again_with_the_reason(form_pages, settings):
    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "SUBMISSION_RATE_LIMIT": "1/m"}
    page = form_pages["supporter"]["ar"]
    client = Client()
    first = client.post(page.url, form_data("supporter"))
    second = client.post(page.url, form_data("supporter"))
    html = second.content.decode()
    assert first.status_code == 303
    assert second.status_code == 429 and second["Retry-After"]
    assert _language_of(html) == "ar" and 'dir="rtl"' in html
    assert 'class="mf-error-summary"' in html and "<form" in html


def test_a_closed_form_says_so_in_the_visitors_language(form_pages):
    page = form_pages["supporter"]["es"]
    page.closes_at = timezone.now() - timedelta(days=1)
    page.save_revision().publish()
    response = Client().post(page.url, form_data("supporter") | {STARTED: started_token(now=0)})
    html = response.content.decode()
    assert response.status_code == 409
    assert _language_of(html) == "es"
    with translation.override("es"):
        closed = translation.gettext(
            "This form is closed at the moment. Thank you for your interest."
        )
    assert closed in html and closed != (
        "This form is closed at the moment. Thank you for your interest."
    )
