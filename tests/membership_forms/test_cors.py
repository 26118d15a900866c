"""CORS on the forms API: only the origins the answering site allows, edited in the admin."""

import json

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Page, Site

from membership_forms.cors import normalise_origin, parse_origins
from membership_forms.models import FormsApiSettings, Submission

from .conftest import submit_url, valid_payload

APP = "https://app.example.org"


@pytest.fixture
def default_site(form_pages):
    site = Site.objects.get(is_default_site=True)
    FormsApiSettings.objects.update_or_create(
        site=site, defaults={"allowed_origins": f"{APP}\nhttp://localhost:3000"}
    )
    return site


@pytest.fixture
def other_site(default_site):
    """A second site on its own host name that allows only its own front end."""
    root = Page.get_first_root_node()
    home = root.add_child(instance=Page(title="Partner", slug="partner-home"))
    site = Site.objects.create(hostname="partner.example.org", port=80, root_page=home)
    FormsApiSettings.objects.create(site=site, allowed_origins="https://partner-app.example.org")
    return site


def preflight(client, page, origin, host="localhost"):
    return client.options(
        submit_url(page),
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, idempotency-key",
        },
        HTTP_HOST=host,
    )


def submit(client, page, origin, host="localhost"):
    return client.post(
        submit_url(page),
        json.dumps(valid_payload("supporter")),
        content_type="application/json",
        headers={"Origin": origin},
        HTTP_HOST=host,
    )


def test_allowed_origin_gets_preflight_and_submit_headers(default_site, form_pages, api):
    page = form_pages["supporter"]["en"]
    answer = preflight(api, page, APP)
    assert answer.status_code == 200  # django-cors-headers' preflight answer
    assert answer["Access-Control-Allow-Origin"] == APP
    assert "POST" in answer["Access-Control-Allow-Methods"]
    allowed_headers = answer["Access-Control-Allow-Headers"].lower()
    for header in ("content-type", "idempotency-key", "accept-language"):
        assert header in allowed_headers
    assert int(answer["Access-Control-Max-Age"]) > 0
    assert "Access-Control-Allow-Credentials" not in answer
    assert "origin" in answer["Vary"].lower()

    response = submit(api, page, APP)
    assert response.status_code == 202
    assert response["Access-Control-Allow-Origin"] == APP
    assert "Retry-After" in response["Access-Control-Expose-Headers"]
    assert "origin" in response["Vary"].lower()
    assert Submission.objects.count() == 1

    # Reading the definitions works the same way, from the other allowed origin.
    listing = api.get("/api/v3/forms/", headers={"Origin": "http://localhost:3000"})
    assert listing["Access-Control-Allow-Origin"] == "http://localhost:3000"


def test_other_origin_gets_no_cors_headers(default_site, form_pages, api):
    page = form_pages["supporter"]["en"]
    for origin in ("https://evil.example.net", "https://app.example.org.evil.net", "null"):
        answer = preflight(api, page, origin)
        assert answer.status_code == 200
        assert not [name for name in answer.headers if name.startswith("Access-Control-")]
        response = submit(api, page, origin)
        assert not [name for name in response.headers if name.startswith("Access-Control-")]
        assert "origin" in response["Vary"].lower()
    # No Origin at all (same-origin pages, servers): nothing added but Vary.
    plain = api.get("/api/v3/forms/")
    assert "Access-Control-Allow-Origin" not in plain
    # Outside the forms API nothing is added, even for an allowed origin.
    page_answer = api.get("/", headers={"Origin": APP})
    assert "Access-Control-Allow-Origin" not in page_answer


def test_another_sites_origins_do_not_leak(other_site, form_pages, api):
    page = form_pages["supporter"]["en"]
    partner = "https://partner-app.example.org"
    # The default site does not allow the partner's front end...
    assert "Access-Control-Allow-Origin" not in preflight(api, page, partner)
    # ...the partner's host does, and not the default site's.
    on_partner = preflight(api, page, partner, host="partner.example.org")
    assert on_partner["Access-Control-Allow-Origin"] == partner
    assert "Access-Control-Allow-Origin" not in preflight(
        api, page, APP, host="partner.example.org"
    )


def test_editor_changes_the_origins_in_the_admin(default_site, form_pages, api, client):
    page = form_pages["supporter"]["en"]
    new = "https://new-front.example.org"
    assert "Access-Control-Allow-Origin" not in preflight(api, page, new)  # cached as refused

    client.force_login(User.objects.create_superuser("editor", "e@example.org", "x" * 12))
    url = reverse(
        "wagtailsettings:edit", args=["membership_forms", "formsapisettings", default_site.pk]
    )
    assert client.get(url).status_code == 200
    refused = client.post(url, {"allowed_origins": "https://ok.example.org\nhttps://x.org/path"})
    assert refused.status_code == 200  # the form again, with the error
    assert "no path" in refused.content.decode()
    assert FormsApiSettings.objects.get(site=default_site).allowed_origins.startswith(APP)

    saved = client.post(url, {"allowed_origins": f"{new}\n"})
    assert saved.status_code == 302
    assert preflight(api, page, new)["Access-Control-Allow-Origin"] == new
    assert "Access-Control-Allow-Origin" not in preflight(api, page, APP)


def test_origins_are_normalised_and_validated():
    assert parse_origins("HTTPS://App.Example.org:443/\n\nhttp://localhost:3000") == [
        "https://app.example.org",
        "http://localhost:3000",
    ]
    for bad in ("https://*.example.org", "ftp://example.org", "example.org", "https://a.org/x"):
        with pytest.raises(ValidationError):
            parse_origins(bad)


@pytest.mark.parametrize(
    ("typed", "origin"),
    [
        ("  https://App.Example.org  ", "https://app.example.org"),
        ("http://example.org:80", "http://example.org"),  # the default port is not sent
        ("https://example.org:80", "https://example.org:80"),  # ...another scheme's is
        ("https://app.example.org:8443/", "https://app.example.org:8443"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("http://[::1]", "http://[::1]"),
        # Browsers send an international domain name in its ASCII form.
        ("https://café.example", "https://xn--caf-dma.example"),
        ("https://منظمة.example", "https://xn--ogb3a0bbd.example"),
    ],
)
def test_an_origin_is_stored_as_a_browser_sends_it(typed, origin):
    assert normalise_origin(typed) == origin


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "null",  # what a sandboxed page or a file sends: never an allowed site
        "https://",
        "https://user@app.example.org",
        "https://app.example.org?x=1",
        "https://app.example.org#top",
        "https://app.example.org:99999",
        "https://*.example.org",
    ],
)
def test_what_is_not_an_origin_is_refused(typed):
    with pytest.raises(ValidationError):
        normalise_origin(typed)


def test_a_refused_oversized_submission_still_carries_the_cors_headers(
    default_site, form_pages, api
):
    """The browser client of an allowed origin can read the 413, not a CORS error."""
    page = form_pages["supporter"]["en"]
    response = api.post(
        submit_url(page),
        "{}",
        content_type="application/json",
        headers={"Origin": APP},
        CONTENT_LENGTH=str(10**9),
    )
    assert response.status_code == 413
    assert response["Access-Control-Allow-Origin"] == APP
    assert Submission.objects.count() == 0


def test_a_site_without_the_cors_middleware_is_told_at_start_up(settings):
    from membership_forms.checks import CORS_MIDDLEWARE, check_cors

    assert check_cors(None) == []
    settings.CORS_URLS_REGEX = r"^/api/v2/"
    assert [warning.id for warning in check_cors(None)] == ["membership_forms.W003"]
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != CORS_MIDDLEWARE]
    assert [warning.id for warning in check_cors(None)] == ["membership_forms.W002"]
