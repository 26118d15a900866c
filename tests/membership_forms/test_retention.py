"""Retention: what the periodic purges remove, through the real worker, and what they keep."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from membership_forms import tasks as donation_tasks
from membership_forms import tasks as review_tasks
from membership_forms.models import (
    Donation,
    Notification,
    Receipt,
    Review,
    StripeEvent,
    Submission,
)
from membership_forms.services import donations, exports, retention
from membership_forms.services import reviews as services
from membership_forms.services.submissions import private_storage
from tests.conftest import wait_for

from .conftest import submit_url, valid_payload
from .reviewing import member_of


def submit(api, page, **changes) -> Submission:
    payload = {**valid_payload(page.kind), **changes}
    response = api.post(submit_url(page), json.dumps(payload), content_type="application/json")
    assert response.status_code == 202, response.content
    return Submission.objects.get(reference=response.json()["reference"])


def emails_settled():
    """every email sent"""
    return not Notification.objects.filter(status="pending").exists()


@pytest.mark.django_db(transaction=True)
def test_a_purged_applicants_emails_keep_no_address_or_personal_context(
    live_form_pages, celery_worker, smtp_server, api
):
    page = live_form_pages["supporter"]["en"]
    submission = submit(api, page, contact_name="Amina Odhiambo", legally_registered=False)
    wait_for(lambda: Review.objects.filter(submission=submission).exists(), timeout=30)
    sec = member_of("Secretariat", "sec")
    review = Review.objects.get(submission=submission)
    _request, _token = services.request_information(review.pk, sec, "Amina, are you?", [])
    services.withdraw_review(review.pk, sec)
    wait_for(emails_settled, timeout=30)
    mails = Notification.objects.filter(submission=submission)
    assert mails.filter(recipient__contains="amina@example.org").exists()
    assert mails.filter(context__message="Amina, are you?").exists()
    Review.objects.filter(pk=review.pk).update(decided_at=timezone.now() - timedelta(days=400))

    review_tasks.purge_expired_applicants.delay()
    wait_for(lambda: Review.objects.filter(pk=review.pk, purged_at__isnull=False).exists(), 30)

    kept = list(mails.values("kind", "status", "sent_at", "recipient", "context", "subject"))
    assert {row["kind"] for row in kept} >= {"acknowledgement", "info_request"}
    assert all(row["status"] == "sent" and row["sent_at"] for row in kept)  # counts stay
    assert all(row["recipient"] == "" and row["context"] == {} for row in kept)
    assert "Amina" not in str(kept) and "amina@" not in str(kept)


def paid(donation: Donation, when) -> None:
    with transaction.atomic():
        locked = Donation.objects.select_for_update().get(pk=donation.pk)
        assert donations.set_status(locked, "paid", at=when)


@pytest.mark.django_db(transaction=True)
def test_donors_personal_data_goes_after_the_donation_retention_periods(
    live_form_pages, celery_worker, smtp_server, api, no_stripe
):
    page = live_form_pages["donation"]["en"]
    now = timezone.now()
    old_gift = submit(api, page, donor_name="Old Donor", dedication="For Grandma").donations.get()
    recent_gift = submit(api, page, donor_name="Recent Donor").donations.get()
    old_pledge = submit(api, page, donor_name="Never Paid").donations.get()
    new_pledge = submit(api, page, donor_name="Still Deciding").donations.get()
    paid(old_gift, now - timedelta(days=8 * 365))
    paid(recent_gift, now - timedelta(days=365))
    Donation.objects.filter(pk=old_pledge.pk).update(created_at=now - timedelta(days=200))
    wait_for(emails_settled, timeout=30)
    receipt = Receipt.objects.get(donation=old_gift)
    assert Notification.objects.filter(recipient="sam@example.org", kind="receipt").count() == 2

    donation_tasks.purge_expired_donations.delay()
    wait_for(lambda: Donation.objects.filter(purged_at__isnull=False).count() == 2, timeout=30)

    assert Donation.objects.count() == 4  # anonymous counts stay
    for purged, status in ((old_gift, "paid"), (old_pledge, "pending")):
        purged.refresh_from_db()
        assert (purged.donor_name, purged.donor_email, purged.dedication) == ("", "", "")
        assert purged.client_hash == ""
        assert (purged.status, purged.amount, purged.currency) == (status, Decimal("50"), "USD")
        submission = purged.submission
        submission.refresh_from_db()
        assert "donor_name" not in submission.payload and "donor_email" not in submission.payload
        assert submission.payload["amount"] == "50.00" and submission.client_hash == ""
        for mail in submission.notifications.all():
            assert mail.recipient == "" and mail.context == {}
    old_gift.refresh_from_db()
    assert old_gift.paid_at and Receipt.objects.get(donation=old_gift).number == receipt.number
    for kept in (recent_gift, new_pledge):
        kept.refresh_from_db()
        assert kept.donor_email == "sam@example.org" and kept.purged_at is None
    assert donation_tasks.purge_expired_donations() == 0  # a second run finds nothing


def test_old_exports_and_stripe_event_payloads_are_removed(
    form_pages, django_capture_on_commit_callbacks
):
    sec = member_of("Secretariat", "sec")
    export = exports.request_export(sec, "supporter", "csv")
    exports.build_export(export.pk)
    export.refresh_from_db()
    name = export.stored_name
    assert private_storage().exists(name)
    event = StripeEvent.objects.create(
        event_id="evt_old",
        type="checkout.session.completed",
        payload={"data": {"object": {"customer_details": {"email": "sam@example.org"}}}},
        status=StripeEvent.Status.PROCESSED,
    )
    recent = StripeEvent.objects.create(
        event_id="evt_new", type="charge.refunded", payload={"id": "evt_new"}
    )
    later = timezone.now() + timedelta(days=400)

    with django_capture_on_commit_callbacks(execute=True):
        assert retention.purge_old_exports(now=later) == 1
        assert retention.purge_old_exports(now=later) == 0
    export.refresh_from_db()
    assert export.stored_name == "" and not private_storage().exists(name)
    assert export.status == "ready" and export.requested_by == sec  # who exported stays
    assert retention.purge_stripe_event_payloads(now=later) == 1
    event.refresh_from_db()
    recent.refresh_from_db()
    assert event.payload == {} and event.type == "checkout.session.completed"
    assert recent.payload == {"id": "evt_new"}  # not processed yet: kept for its replay
