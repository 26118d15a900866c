"""Newsletter double opt-in: the email's link, GET shows a button, POST confirms; purge."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from membership_forms.models import NewsletterConsent, Notification, Submission
from membership_forms.tasks import purge_unconfirmed_newsletter
from tests.conftest import wait_for
from tests.smtp import html, subject, text

from .conftest import submit_url, valid_payload


@pytest.mark.django_db(transaction=True)
def test_double_opt_in(live_form_pages, celery_worker, smtp_server, api, settings):
    page = live_form_pages["newsletter"]["es"]
    response = api.post(
        submit_url(page), json.dumps(valid_payload("newsletter")),
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="es",
    )  # fmt: skip
    submission = Submission.objects.get(reference=response.json()["reference"])

    def mailed():
        """the confirmation email arrived"""
        return smtp_server.to("reader@example.org")

    message = wait_for(mailed, timeout=30)[0]
    assert subject(message) == "Confirme su suscripción"
    link = re.search(r"https?://\S+/forms/newsletter/confirm/\S+/", text(message))[0]
    assert link.startswith(f"{settings.SITE_URL}/")  # the address the site is served on
    assert f'<a href="{link}"' in html(message)  # a link to click in the HTML part too
    unsubscribe = "".join(message["List-Unsubscribe"].split()).strip("<>")
    assert unsubscribe.startswith(f"{settings.SITE_URL}/forms/newsletter/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = "/" + link.split("/", 3)[3]
    submission.refresh_from_db()
    assert submission.status == "pending_confirmation"

    browser = Client(enforce_csrf_checks=True)
    page_view = browser.get(path)  # a mail scanner following the link
    assert page_view.status_code == 200 and b"<form" in page_view.content
    submission.refresh_from_db()
    assert submission.status == "pending_confirmation"

    token = browser.cookies["csrftoken"].value
    for _ in range(2):
        confirmed = browser.post(path, {"csrfmiddlewaretoken": token}, REMOTE_ADDR="203.0.113.9")
        assert confirmed.status_code == 200
    submission.refresh_from_db()
    assert submission.status == "confirmed"
    consent = NewsletterConsent.objects.get(submission=submission)
    assert consent.confirmed_at and len(consent.ip_hash) == 64 and "203" not in consent.ip_hash
    assert browser.get(path.replace("/confirm/", "/confirm/x")).status_code == 404

    # The mail program's one click (RFC 8058): a POST without cookies or CSRF token.
    leave = "/" + unsubscribe.split("/", 3)[3]
    shown = Client().get(leave)
    assert shown.status_code == 200 and '<html lang="es"' in shown.content.decode()
    submission.refresh_from_db()
    assert submission.status == "confirmed"  # a GET, such as a scanner's, changes nothing
    one_click = Client(enforce_csrf_checks=True).post(leave, {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    submission.refresh_from_db()
    assert submission.status == "unsubscribed"
    assert Client().get(leave[:-3] + "xx/").status_code == 404


def test_purge_of_unconfirmed_sign_ups_twice(form_pages, api):
    for address in ("a@example.org", "b@example.org", "c@example.org"):
        api.post(
            submit_url(form_pages["newsletter"]["en"]),
            json.dumps({"email": address}),
            content_type="application/json",
        )
    old, recent, confirmed = Submission.objects.order_by("pk")
    Submission.objects.filter(pk__in=[old.pk, confirmed.pk]).update(
        status="pending_confirmation", submitted_at=timezone.now() - timedelta(days=8)
    )
    Submission.objects.filter(pk=confirmed.pk).update(status="confirmed")
    Submission.objects.filter(pk=recent.pk).update(status="pending_confirmation")
    Notification.objects.create(submission=old, kind="newsletter_confirmation")
    assert purge_unconfirmed_newsletter() == 1
    assert purge_unconfirmed_newsletter() == 0
    assert set(Submission.objects.values_list("pk", flat=True)) == {recent.pk, confirmed.pk}
    assert not Notification.objects.exists()
