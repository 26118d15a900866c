"""A gift end to end through the real worker: Checkout made, signed event, paid, receipted."""

import pytest

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
