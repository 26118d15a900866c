"""The HTML path: accessible form, POST then redirect, CSRF, honeypot and time-to-fill."""

import re

from django.test import Client

from membership_forms.models import Submission
from membership_forms.views import HONEYPOT, STARTED, started_token

from .conftest import valid_payload


def form_data(kind, **extra):
    data = {
        key: ("true" if value else "false") if isinstance(value, bool) else value
        for key, value in valid_payload(kind).items()
    }
    data[STARTED] = started_token(now=0)  # started long ago: a person, not a script
    data.update(extra)
    return data


def test_form_renders_accessibly(form_pages, client):
    page = form_pages["supporter"]["en"]
    response = client.get(page.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label class="mf-label" for="field-organisation_name">' in html
    assert '<legend class="mf-label">' in html and 'type="radio"' in html
    assert "<script" not in html and "style=" not in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_post_redirects_to_a_thank_you_page_with_the_reference(form_pages, client):
    page = form_pages["supporter"]["en"]
    response = client.post(page.url, form_data("supporter"))
    assert response.status_code == 303, response.content.decode()[:3000]
    thanks = client.get(response["Location"])
    reference = Submission.objects.get().reference
    assert reference in thanks.content.decode()
    assert Submission.objects.get().payload["legally_registered"] is True


def test_arabic_page_records_its_locale(form_pages, client):
    page = form_pages["newsletter"]["ar"]
    assert page.url.startswith("/ar/")
    response = client.post(page.url, form_data("newsletter"))
    assert response.status_code == 303
    assert Submission.objects.get().locale == "ar"


def test_errors_are_tied_to_their_fields(form_pages, client):
    page = form_pages["newsletter"]["en"]
    response = client.post(page.url, form_data("newsletter", email="bad\nBcc: x@y.z"))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby="field-email_errors"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="field-email_errors"' in html
    assert 'href="#field-email"' in html  # the summary links to the field
    assert Submission.objects.count() == 0


def test_markup_is_kept_as_text_and_escaped(form_pages, client):
    page = form_pages["newsletter"]["en"]
    response = client.post(page.url, form_data("newsletter", name="<b>Bold</b>", email="x"))
    assert "&lt;b&gt;Bold&lt;/b&gt;" in response.content.decode()
    assert "<b>Bold</b>" not in response.content.decode()


def test_honeypot_and_fast_fill_are_refused(form_pages, client):
    page = form_pages["newsletter"]["en"]
    assert client.post(page.url, form_data("newsletter", **{HONEYPOT: "x"})).status_code == 400
    fast = form_data("newsletter", **{STARTED: started_token()})
    assert client.post(page.url, fast).status_code == 400
    assert client.post(page.url, form_data("newsletter", **{STARTED: "forged"})).status_code == 400
    assert Submission.objects.count() == 0


def test_a_start_token_sends_one_submission(form_pages, client):
    """The token in the page is bound to the submission it sent. The same answers again
    (a double click, a resent POST) lead to the same thank-you page; other answers with
    it are refused."""
    page = form_pages["newsletter"]["en"]
    data = form_data("newsletter")
    first = client.post(page.url, data)
    assert first.status_code == 303
    again = client.post(page.url, data)
    assert again.status_code == 303
    reference = Submission.objects.get().reference
    assert reference in client.get(again["Location"]).content.decode()
    other = client.post(page.url, {**data, "email": "other@example.org"})
    assert other.status_code == 409
    assert "already been sent" in other.content.decode() and reference in other.content.decode()
    assert Submission.objects.count() == 1
    fresh = re.search(rf'name="{STARTED}" value="([^"]+)"', other.content.decode())[1]
    assert fresh != data[STARTED]  # the page offers a new form with its own token


def test_a_visitor_correcting_errors_sends_with_the_same_token(form_pages, client):
    page = form_pages["newsletter"]["en"]
    data = form_data("newsletter", email="not an address")
    invalid = client.post(page.url, data)
    assert invalid.status_code == 400
    kept = re.search(rf'name="{STARTED}" value="([^"]+)"', invalid.content.decode())[1]
    assert kept == data[STARTED]  # not spent by a refused submission
    assert client.post(page.url, {**data, "email": "fixed@example.org"}).status_code == 303


def test_csrf_is_enforced(form_pages):
    page = form_pages["newsletter"]["en"]
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(page.url, form_data("newsletter")).status_code == 403
    html = strict.get(page.url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    data = form_data("newsletter", csrfmiddlewaretoken=token)
    assert strict.post(page.url, data).status_code == 303


def test_internship_offers_only_open_terms(form_pages, client):
    from datetime import date

    from membership_forms.terms import open_terms

    html = client.get(form_pages["internship"]["en"].url).content.decode()
    offered = re.findall(r'<option value="((?:spring|summer|fall)-\d{4})"', html)
    assert offered == open_terms(date.today())


def test_closed_page_says_so(form_pages, client):
    from datetime import timedelta

    from django.utils import timezone

    page = form_pages["donation"]["en"]
    page.opens_at = timezone.now() + timedelta(days=3)
    page.save_revision().publish()
    assert "This form is closed" in client.get(page.url).content.decode()
    assert client.post(page.url, form_data("donation")).status_code == 409
