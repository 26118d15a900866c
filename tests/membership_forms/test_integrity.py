"""The integrity checks page: what the workers could not finish, for the Secretariat.

A submission stuck before its screening, an email given up on, a Stripe event never
processed and a gift whose payment disagrees with it: each counted and listed in words,
with a link to the page where staff act on it.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from membership_forms.models import Notification, StripeEvent, Submission
from membership_forms.services.notifications import mark_notifications_failed

from ..conftest import assert_permission_denied
from .conftest import submit_url, valid_payload
from .reviewing import member_of, screen
from .stripe_server import event
from .test_donations import deliver, online_donation, post_event

URL = "/admin/membership-forms/integrity/"
ADMIN_DONATIONS_FLAGGED = "/admin/membership-forms/donations/?needs_attention=true"


def counts(html: str) -> dict[str, int]:
    return {
        key: int(n) for key, n in re.findall(r'data-mf-check="(\w+)" data-mf-count="(\d+)"', html)
    }


def section(html: str, key: str) -> str:
    start = html.index(f'id="mf-integrity-{key}-section"')
    following = re.search(r'id="mf-integrity-\w+-section"', html[start + 1 :])
    return html[start : start + 1 + following.start() if following else len(html)]


def _submit(api, form_pages, kind="supporter") -> Submission:
    response = api.post(submit_url(form_pages[kind]["en"]), valid_payload(kind), "application/json")
    assert response.status_code == 202, response.content
    return Submission.objects.get(reference=response.json()["reference"])


@pytest.fixture
def secretariat(client):
    client.force_login(member_of("Secretariat", "sec"))
    return client


def may_read_donations(username: str) -> None:
    User.objects.get(username=username).user_permissions.add(
        Permission.objects.get(codename="view_donation")
    )


def test_a_committee_member_may_not_open_the_integrity_checks(db, client):
    client.force_login(member_of("Steering Committee", "member"))
    assert_permission_denied(client.get(URL), "committee member")
    coordinator = member_of("Internship coordinator", "coord")
    client.force_login(coordinator)
    assert_permission_denied(client.get(URL), "internship coordinator")


def test_nothing_to_report(db, secretariat):
    response = secretariat.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert counts(html) == {"stalled": 0, "failed": 0, "emails": 0, "events": 0, "payments": 0}
    # Found in the admin's Reports menu too.
    assert URL in secretariat.get("/admin/").content.decode()


def test_sections_list_a_stalled_submission_a_failed_email_and_a_mismatched_payment(
    form_pages, api, client, stripe_api, secretariat
):
    # Received ten minutes ago and never screened: the workers are down.
    stalled = _submit(api, form_pages)
    Submission.objects.filter(pk=stalled.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=10)
    )
    fresh = _submit(api, form_pages)  # just arrived: not stalled yet
    # Screened, but its acknowledgement failed after every retry.
    screened = _submit(api, form_pages)
    assert screen(screened)
    email = Notification.objects.get(submission=screened, kind="acknowledgement")
    Notification.objects.filter(pk=email.pk).update(attempts=5)
    assert mark_notifications_failed([email.pk], "SMTPRecipientsRefused: mailbox full") == 1
    # Paid 1 USD for a 5,000 USD gift: not marked paid, flagged.
    gift = online_donation(api, form_pages["donation"]["en"], stripe_api, amount="5000.00")
    stripe_api.vars.update(amount="100")
    session = gift.checkout_session_id
    stripe_api.route("GET", f"/v1/checkout/sessions/{session}", "checkout_session_paid")
    deliver(client, "evt_cs", "checkout.session.completed", session, "checkout.session")
    # An event from Stripe stored but never processed for half an hour.
    body = event("evt_lost", "invoice.paid", "in_lost", "invoice")
    assert post_event(client, body).status_code == 200
    StripeEvent.objects.filter(event_id="evt_lost").update(
        received_at=timezone.now() - timedelta(minutes=30)
    )

    response = secretariat.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    found = counts(html)
    assert found["stalled"] == 1 and found["emails"] == 1 and found["payments"] == 1
    assert found["events"] == 1 and found["failed"] == 0

    stalled_section = section(html, "stalled")
    assert stalled.reference in stalled_section
    assert fresh.reference not in stalled_section
    emails = section(html, "emails")
    assert screened.reference in emails
    assert "Acknowledgement email" in emails and "failed, tried 5 times" in emails
    payments = section(html, "payments")
    assert gift.submission.reference in payments
    assert "does not match this gift" in payments
    gift_page = f'href="/admin/membership-forms/donations/inspect/{gift.pk}/"'
    listing = 'href="/admin/membership-forms/donations/?needs_attention=true"'
    # Links to the donations only for whoever may read them.
    assert gift_page not in payments and listing not in payments
    may_read_donations("sec")
    payments = section(secretariat.get(URL).content.decode(), "payments")
    assert gift_page in payments and listing in payments
    assert gift.submission.reference in secretariat.get(ADMIN_DONATIONS_FLAGGED).content.decode()
    assert "Monthly gift: invoice" in section(html, "events")
    assert "invoice.paid" not in html  # in words, not Stripe's codes


def test_an_administrator_follows_each_submission_to_its_page(form_pages, api, client):
    stalled = _submit(api, form_pages)
    Submission.objects.filter(pk=stalled.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=10)
    )
    admin = User.objects.create_superuser("admin", "admin@example.org", "x" * 12)
    client.force_login(admin)
    html = client.get(URL).content.decode()
    link = f'href="/admin/membership-forms/submissions/{stalled.pk}/"'
    assert link in section(html, "stalled")
    assert client.get(f"/admin/membership-forms/submissions/{stalled.pk}/").status_code == 200
