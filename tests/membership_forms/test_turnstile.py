"""A proof of a person (Cloudflare Turnstile), off by default: the API's `captcha_token`,
the HTML form's widget, the CSP that allows it only when on, and a provider that is down."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.html import escape

from membership_forms.models import Submission
from tests.smtp import free_port

from .conftest import submit_url, valid_payload
from .test_html import form_data

BASE_DIR = Path(__file__).resolve().parents[2]
WIDGET_ORIGIN = "https://challenges.cloudflare.com"


def post(api, page, payload, **headers):
    return api.post(
        submit_url(page), json.dumps(payload), content_type="application/json", **headers
    )


def test_off_by_default_no_token_needed_nothing_loaded(form_pages, api, client):
    page = form_pages["newsletter"]["en"]
    assert post(api, page, valid_payload("newsletter")).status_code == 202
    response = client.get(page.url)
    assert "<script" not in response.content.decode()
    assert WIDGET_ORIGIN not in response["Content-Security-Policy"]


def test_the_api_requires_a_token_the_provider_accepts(form_pages, api, turnstile):
    page = form_pages["newsletter"]["en"]
    missing = post(api, page, valid_payload("newsletter"))
    assert missing.status_code == 400
    assert list(missing.json()["errors"]) == ["captcha_token"]
    assert turnstile.requests == []  # refused without asking the provider

    forged = post(api, page, {**valid_payload("newsletter"), "captcha_token": "made-up"})
    assert forged.status_code == 400
    assert list(forged.json()["errors"]) == ["captcha_token"]
    assert Submission.objects.count() == 0

    token = turnstile.issue()
    accepted = post(api, page, {**valid_payload("newsletter"), "captcha_token": token})
    assert accepted.status_code == 202, accepted.content
    assert "captcha_token" not in Submission.objects.get().payload
    sent = turnstile.requests[-1]
    assert sent["response"] == token and sent["secret"] and sent["remoteip"] == "127.0.0.1"

    replayed = post(api, page, {**valid_payload("newsletter"), "captcha_token": token})
    assert replayed.status_code == 400  # a token proves one submission
    assert Submission.objects.count() == 1


def test_invalid_answers_do_not_spend_the_token(form_pages, api, turnstile):
    page = form_pages["newsletter"]["en"]
    token = turnstile.issue()
    invalid = post(api, page, {"email": "not an address", "captcha_token": token})
    assert invalid.status_code == 422 and "email" in invalid.json()["errors"]
    assert turnstile.requests == []
    fixed = post(api, page, {**valid_payload("newsletter"), "captcha_token": token})
    assert fixed.status_code == 202


def test_a_retry_with_its_idempotency_key_gets_the_first_answer(form_pages, api, turnstile):
    page = form_pages["newsletter"]["en"]
    body = {**valid_payload("newsletter"), "captcha_token": turnstile.issue()}
    first = post(api, page, body, HTTP_IDEMPOTENCY_KEY="retry-1")
    again = post(api, page, body, HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == again.status_code == 202
    assert first.json()["reference"] == again.json()["reference"]
    assert len(turnstile.requests) == 1


def test_multipart_posts_carry_the_widgets_own_field(form_pages, api, turnstile):
    """A form on another site embedding the widget posts its `cf-turnstile-response`."""
    page = form_pages["newsletter"]["en"]
    data = {**valid_payload("newsletter"), "cf-turnstile-response": turnstile.issue()}
    response = api.post(submit_url(page), data)
    assert response.status_code == 202, response.content


@pytest.mark.parametrize("failure", ["unreachable", "timeout", "server_error"])
def test_a_provider_that_cannot_answer_refuses_with_503(
    form_pages, api, turnstile, settings, failure
):
    """Fail closed: nothing is accepted unchecked; the client is told to come back."""
    page = form_pages["newsletter"]["en"]
    if failure == "unreachable":
        settings.MEMBERSHIP_FORMS = {
            **settings.MEMBERSHIP_FORMS,
            "TURNSTILE_VERIFY_URL": f"http://127.0.0.1:{free_port()}/siteverify",
        }
    elif failure == "timeout":
        turnstile.stall()
    else:
        turnstile.fail_with(500)
    try:
        response = post(api, page, {**valid_payload("newsletter"), "captcha_token": "0.x"})
    finally:
        turnstile.release()
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "non_field_errors" in response.json()["errors"]
    assert Submission.objects.count() == 0


def test_the_html_form_shows_the_widget_and_checks_its_token(form_pages, client, turnstile):
    page = form_pages["newsletter"]["en"]
    response = client.get(page.url)
    html = response.content.decode()
    assert f'src="{WIDGET_ORIGIN}/turnstile/v0/api.js"' in html
    assert 'class="cf-turnstile"' in html and 'data-sitekey="1x00000000000000000000AA"' in html
    policy = response["Content-Security-Policy"]
    assert f"script-src 'self' {WIDGET_ORIGIN}" in policy
    assert f"frame-src 'self' {WIDGET_ORIGIN}" in policy

    refused = client.post(page.url, form_data("newsletter"))
    assert refused.status_code == 400
    assert 'class="cf-turnstile"' in refused.content.decode()
    accepted = client.post(
        page.url, form_data("newsletter", **{"cf-turnstile-response": turnstile.issue()})
    )
    assert accepted.status_code == 303
    assert Submission.objects.count() == 1


@pytest.mark.parametrize("token", ["", "made-up"])
def test_a_refused_check_keeps_the_visitors_answers(form_pages, client, turnstile, token):
    """No token (the widget had not finished) or one Turnstile refuses: the form again,
    filled in, with the reason next to the widget."""
    page = form_pages["newsletter"]["fr"]
    data = form_data("newsletter", name="Amina Odhiambo", **{"cf-turnstile-response": token})
    refused = client.post(page.url, data)
    html = refused.content.decode()
    assert refused.status_code == 400
    assert 'value="Amina Odhiambo"' in html and f'value="{data["email"]}"' in html
    widget = html[html.index('id="mf-captcha"') :]
    widget = widget[: widget.index("</div>", widget.index('class="cf-turnstile"') + 30)]
    with translation.override("fr"):
        reason = translation.gettext(
            "Please confirm that you are a person."
            if not token
            else "The check that you are a person failed or expired. Please try it again."
        )
    assert 'class="mf-errors"' in widget and escape(reason) in widget
    assert Submission.objects.count() == 0


def test_the_admin_policy_stays_closed_to_the_widget(db, client, turnstile):
    assert WIDGET_ORIGIN not in client.get("/admin/login/")["Content-Security-Policy"]


def test_the_openapi_document_describes_the_token(db, client):
    document = client.get("/api/v3/openapi.json").content.decode()
    assert "captcha_token" in document and "Retry-After" in document


def check_deploy(**env) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "coalition.example.org",
        "SITE_URL": "https://coalition.example.org",
        **env,
    }
    for name in ("HTTPS", "TURNSTILE_SITE_KEY", "TURNSTILE_SECRET_KEY", "TURNSTILE_ENABLED"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_warns_when_the_proof_of_a_person_is_off():
    result = check_deploy()
    assert result.returncode == 1
    assert "membership_forms.W001" in result.stderr + result.stdout
    keys = {"TURNSTILE_SITE_KEY": "site", "TURNSTILE_SECRET_KEY": "secret"}
    assert check_deploy(**keys).returncode == 0
    half = check_deploy(TURNSTILE_ENABLED="true", TURNSTILE_SITE_KEY="site")
    assert "membership_forms.E006" in half.stderr + half.stdout
    assert "membership_forms.E004" not in half.stderr + half.stdout  # CLIENT_IP_HEADER's


@pytest.mark.parametrize("multipart", [False, True])
def test_a_retry_with_a_new_token_is_the_same_submission(form_pages, api, turnstile, multipart):
    """The first answer was lost; the client retries the same answers under the same
    Idempotency-Key with a fresh token (the first was spent): the first answer again."""
    page = form_pages["newsletter"]["en"]
    field = "cf-turnstile-response" if multipart else "captcha_token"

    def send(token):
        body = {**valid_payload("newsletter"), field: token}
        if multipart:
            return api.post(submit_url(page), body, HTTP_IDEMPOTENCY_KEY="retry-2")
        return post(api, page, body, HTTP_IDEMPOTENCY_KEY="retry-2")

    first = send(turnstile.issue())
    again = send(turnstile.issue())
    assert first.status_code == again.status_code == 202, again.content
    assert first.json()["reference"] == again.json()["reference"]
    assert Submission.objects.count() == 1
    other = api.post(
        submit_url(page),
        json.dumps({**valid_payload("newsletter"), "email": "x@example.org", field: "t"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="retry-2",
    )
    assert other.status_code == 422  # other answers under the same key are still refused


def test_each_check_has_its_own_id(settings):
    """An operator looking up an id finds the one setting it is about."""
    from membership_forms.checks import check_settings, check_turnstile

    settings.MEMBERSHIP_FORMS = {"CLIENT_IP_HEADER": "", "TURNSTILE_ENABLED": True}
    proxy = {error.id for error in check_settings(None)}
    keys = {error.id for error in check_turnstile(None)}
    assert proxy == {"membership_forms.E004"} and keys == {"membership_forms.E006"}
