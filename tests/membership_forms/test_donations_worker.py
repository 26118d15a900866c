"""A gift end to end through the real worker: Checkout made, signed event, paid, receipted."""

import json

import pytest
from django.test import Client

from membership_forms.models import Donation, Receipt, StripeEvent
from tests.conftest import wait_for
from tests.smtp import subject, text

from .conftest import submit_url, valid_payload
from .stripe_server import event, sign


@pytest.mark.django_db(transaction=True)
def test_gift_through_the_worker(live_form_pages, celery_worker, stripe_api, client, smtp_server):
    page = live_form_pages["donation"]["en"]
    stripe_api.route("POST", "/v1/checkout/sessions", "checkout_session_created")
    response = client.post(submit_url(page), valid_payload("donation"), "application/json")
    assert response.status_code == 202
    token = response.json()["donation"]["token"]
    status_url = f"/api/v3/forms/donations/{token}/"

    def checkout_ready():
        """the worker made the Checkout Session"""
        return client.get(status_url).json()["payment_url"]

    wait_for(checkout_ready)
    donation = Donation.objects.get(token=token)
    stripe_api.route(
        "GET", f"/v1/checkout/sessions/{donation.checkout_session_id}", "checkout_session_paid"
    )
    body = event("evt_worker", "checkout.session.completed", donation.checkout_session_id, "x")
    for _ in range(2):  # delivered twice
        answer = client.post(
            "/payments/stripe/webhook/",
            body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=sign(body),
        )
        assert answer.status_code == 200

    def paid():
        """the worker processed the event"""
        return StripeEvent.objects.filter(status="processed").exists() and (
            Donation.objects.get(pk=donation.pk).status == "paid"
        )

    wait_for(paid)
    assert Receipt.objects.filter(donation=donation).count() == 1
    assert StripeEvent.objects.get().deliveries == 2
    assert client.get(status_url).json()["status"] == "paid"

    # One receipt email for the gift, however often Stripe told us, with its number.
    number = Receipt.objects.get(donation=donation).number

    def receipts():
        """the receipt email reached the SMTP server"""
        return [m for m in smtp_server.messages if number in subject(m)]

    wait_for(receipts)
    assert len([m for m in smtp_server.settle() if number in subject(m)]) == 1
    (receipt_email,) = receipts()
    assert donation.donor_email in str(receipt_email["To"])
    assert f"{donation.amount} {donation.currency}" in text(receipt_email)


def _gift_with_checkout(page, stripe_api, client) -> Donation:
    stripe_api.route("POST", "/v1/checkout/sessions", "checkout_session_created")
    response = client.post(submit_url(page), valid_payload("donation"), "application/json")
    assert response.status_code == 202
    token = response.json()["donation"]["token"]

    def checkout_ready():
        """the worker made the Checkout Session"""
        return Donation.objects.filter(token=token).exclude(checkout_url="").first()

    return wait_for(checkout_ready)


@pytest.mark.parametrize("status", ["failed", "received"])
@pytest.mark.django_db(transaction=True)
def test_an_event_stripe_sends_again_is_processed_again_when_it_never_was(
    live_form_pages, celery_worker, stripe_api, client, status
):
    """An event that failed (its retries spent) or whose task the broker lost is processed
    when Stripe delivers it again (its dashboard's "Resend", or Stripe's own retries)."""
    donation = _gift_with_checkout(live_form_pages["donation"]["en"], stripe_api, client)
    session = donation.checkout_session_id
    stripe_api.route("GET", f"/v1/checkout/sessions/{session}", "checkout_session_paid")
    body = event("evt_again", "checkout.session.completed", session, "checkout.session")
    StripeEvent.objects.create(
        event_id="evt_again",
        type="checkout.session.completed",
        payload=json.loads(body),
        status=status,
        attempts=9 if status == "failed" else 0,
        last_error="APIError: Stripe was down" if status == "failed" else "",
    )
    answer = client.post(
        "/payments/stripe/webhook/",
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body),
    )
    assert answer.status_code == 200

    def processed():
        """the worker processed the event again"""
        return StripeEvent.objects.filter(event_id="evt_again", status="processed").first()

    stored = wait_for(processed)
    assert stored.deliveries == 2 and stored.last_error == ""
    donation.refresh_from_db()
    assert donation.status == "paid"
    assert Receipt.objects.filter(donation=donation).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_donor_tries_again_after_the_payment_page_could_not_be_made(
    live_form_pages, celery_worker, stripe_api, client
):
    from membership_forms.queueing import queue_checkout_session
    from membership_forms.signals import donation_created
    from membership_forms.tasks import create_checkout_session

    page = live_form_pages["donation"]["en"]
    stripe_api.route("POST", "/v1/checkout/sessions", (500, "error_500"))
    donation_created.disconnect(dispatch_uid="membership_forms.queue_checkout")
    try:
        response = client.post(submit_url(page), valid_payload("donation"), "application/json")
    finally:
        donation_created.connect(
            queue_checkout_session, dispatch_uid="membership_forms.queue_checkout"
        )
    donation = Donation.objects.get(token=response.json()["donation"]["token"])
    assert create_checkout_session.apply(args=(donation.pk,)).failed()  # retries spent

    stripe_api.route("POST", "/v1/checkout/sessions", "checkout_session_created")
    visitor = Client()
    url = page.donation_url(donation)
    assert "Try again" in visitor.get(url).content.decode()
    answer = visitor.post(url)
    assert answer.status_code == 303 and answer["Location"] == url
    assert "Preparing the secure payment page" in visitor.get(url).content.decode()

    def checkout_ready():
        """the worker made the Checkout Session"""
        return Donation.objects.exclude(checkout_url="").filter(pk=donation.pk).first()

    donation = wait_for(checkout_ready)
    assert not donation.checkout_failed
    assert f'content="1;url={donation.checkout_url}"' in visitor.get(url).content.decode()
    keys = [call["headers"]["Idempotency-Key"] for call in stripe_api.calls("POST")]
    # The first key's failures are remembered by Stripe for a day: a new attempt, a new key.
    assert set(keys) == {
        f"mf-donation-{donation.pk}-checkout",
        f"mf-donation-{donation.pk}-checkout-1",
    }
    assert keys[-1] == f"mf-donation-{donation.pk}-checkout-1"
