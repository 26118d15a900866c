"""Donations: the pledge path, Stripe Checkout against recorded responses, signed webhooks."""

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone, translation

from membership_forms.models import (
    Donation,
    DonationSubscription,
    Frequency,
    Receipt,
    StripeEvent,
    Submission,
)
from membership_forms.services import donations as donation_services
from membership_forms.services import receipts
from membership_forms.services.stripe_events import process_event
from membership_forms.tasks import create_checkout_session, process_stripe_event
from membership_forms.views import STARTED, started_token
from tests.conftest import assert_permission_denied, wait_for
from tests.smtp import text

from .conftest import submit_url, valid_payload
from .stripe_server import event, sign

WEBHOOK = "/payments/stripe/webhook/"


def submit(api, page, **changes):
    payload = {**valid_payload("donation"), **changes}
    return api.post(submit_url(page), payload, content_type="application/json")


def post_event(client, body: str, signature: str | None = None):
    return client.post(
        WEBHOOK,
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature or sign(body),
    )


def deliver(client, event_id, event_type, object_id, obj):
    """Post a signed event and process it as the worker would; returns the stored event."""
    body = event(event_id, event_type, object_id, obj)
    response = post_event(client, body)
    assert response.status_code == 200, response.content
    stored = StripeEvent.objects.get(event_id=event_id)
    process_event(stored.pk)
    stored.refresh_from_db()
    return stored


def online_donation(api, page, stripe_api, **changes) -> Donation:
    """A donation submitted with keys set, its Checkout Session made by the task."""
    stripe_api.route("POST", "/v1/checkout/sessions", "checkout_session_created")
    response = submit(api, page, **changes)
    assert response.status_code == 202, response.content
    donation = Donation.objects.get(submission__reference=response.json()["reference"])
    create_checkout_session.apply(args=(donation.pk,))
    donation.refresh_from_db()
    stripe_api.vars["donation_id"] = str(donation.pk)
    return donation


# --- The pledge path (no keys) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("en", "How to send your gift"),
        ("fr", "Comment envoyer votre don"),
        ("es", "Cómo enviar su donación"),
        ("ar", "طريقة إرسال تبرعكم"),
    ],
)
def test_pledge_path_end_to_end_in_four_languages(form_pages, no_stripe, language, heading):
    page = form_pages["donation"][language]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    data = {key: value for key, value in valid_payload("donation").items() if value is not None} | {
        STARTED: started_token(now=0)
    }
    response = client.post(page.url, data)
    assert response.status_code == 303, response.content.decode()[:2000]
    html = client.get(response["Location"]).content.decode()
    donation = Donation.objects.get()
    assert donation.method == "pledge" and donation.status == "pending"
    assert donation.locale == language
    assert donation.submission.reference in html
    assert heading in html
    assert "IBAN NL00 DEMO" in html  # the page's own bank-transfer details, translated page

    api_response = submit(Client(), page)
    body = api_response.json()
    assert api_response.status_code == 202
    assert body["donation"]["method"] == "pledge"
    assert body["donation"]["payment_url"] is None
    assert "IBAN NL00 DEMO" in body["donation"]["pledge_instructions"]
    status = Client().get(f"/api/v3/forms/donations/{body['donation']['token']}/")
    assert status.json()["status"] == "pending"


@pytest.mark.django_db(transaction=True)
def test_the_pledge_email_says_what_to_pay_and_where(
    live_form_pages, no_stripe, celery_worker, smtp_server, api
):
    page = live_form_pages["donation"]["fr"]
    response = submit(api, page, amount="75.00", currency="EUR", frequency="monthly")
    assert response.status_code == 202
    reference = response.json()["reference"]

    def mailed():
        """the donor's confirmation arrived"""
        return smtp_server.to(valid_payload("donation")["donor_email"])

    body = text(wait_for(mailed, timeout=30)[0])
    assert "75,00 EUR" in body and reference in body  # as French writes amounts
    assert "IBAN: NL00 DEMO 0123 4567 89" in body  # the site's bank details
    with translation.override("fr"):
        assert str(Frequency.MONTHLY.label) in body  # in the donor's language


def test_amount_limits(form_pages, no_stripe, api):
    page = form_pages["donation"]["en"]
    assert submit(api, page, amount="2.00").status_code == 422  # below the page's minimum
    assert submit(api, page, amount="1000000.00").status_code == 422  # above its maximum
    assert submit(api, page, amount="5.00").status_code == 202
    assert Donation.objects.count() == 1


def test_monthly_pledge_has_a_subscription(form_pages, no_stripe, api):
    response = submit(api, form_pages["donation"]["en"], frequency="monthly")
    assert response.status_code == 202
    donation = Donation.objects.get()
    assert donation.subscription.status == DonationSubscription.Status.PENDING


# --- Checkout -------------------------------------------------------------------------------


def test_checkout_session_is_made_by_the_worker_once(form_pages, stripe_api, api):
    page = form_pages["donation"]["en"]
    stripe_api.route("POST", "/v1/checkout/sessions", "checkout_session_created")
    response = submit(api, page)
    body = response.json()
    assert response.status_code == 202
    assert body["donation"] == body["donation"] | {"method": "stripe", "payment_url": None}
    donation = Donation.objects.get()
    assert stripe_api.calls() == []  # nothing reached Stripe in the request

    first = create_checkout_session.apply(args=(donation.pk,))
    assert first.successful() and first.result is True  # made at the first try, no retry
    rerun = create_checkout_session.apply(args=(donation.pk,))
    assert rerun.successful() and rerun.result is False  # a rerun is harmless: nothing to do
    donation.refresh_from_db()
    assert donation.checkout_url == f"https://checkout.stripe.com/c/pay/cs_test_{donation.pk}"
    [call] = stripe_api.calls("POST", "/v1/checkout/sessions")
    assert call["form"]["mode"] == "payment"
    assert call["form"]["line_items[0][price_data][unit_amount]"] == "5000"
    assert call["form"]["payment_intent_data[metadata][donation_id]"] == str(donation.pk)
    assert call["headers"]["Idempotency-Key"] == f"mf-donation-{donation.pk}-checkout"

    status = api.get(f"/api/v3/forms/donations/{donation.token}/").json()
    assert status["payment_url"] == donation.checkout_url
    html = api.get(page.donation_url(donation)).content.decode()
    assert f'content="1;url={donation.checkout_url}"' in html


def test_monthly_checkout_is_a_subscription(form_pages, stripe_api, api):
    donation = online_donation(api, form_pages["donation"]["en"], stripe_api, frequency="monthly")
    [call] = stripe_api.calls("POST", "/v1/checkout/sessions")
    assert call["form"]["mode"] == "subscription"
    assert call["form"]["line_items[0][price_data][recurring][interval]"] == "month"
    assert call["form"]["subscription_data[metadata][donation_id]"] == str(donation.pk)


def test_checkout_failure_is_retried_then_recorded(form_pages, stripe_api, api):
    stripe_api.route(
        "POST", "/v1/checkout/sessions", (500, "error_500"), "checkout_session_created"
    )
    submit(api, form_pages["donation"]["en"])
    donation = Donation.objects.get()
    result = create_checkout_session.apply(args=(donation.pk,))
    assert result.successful()
    donation.refresh_from_db()
    assert donation.checkout_url and not donation.checkout_error
    assert len(stripe_api.calls("POST", "/v1/checkout/sessions")) == 2


# --- The webhook ----------------------------------------------------------------------------


def test_bad_or_stale_signature_is_refused_and_stores_nothing(db, stripe_api, client):
    body = event("evt_bad", "checkout.session.completed", "cs_x", "checkout.session")
    assert post_event(client, body, sign(body, secret="whsec_other")).status_code == 400
    stale = sign(body, timestamp=int(time.time()) - 600)
    assert post_event(client, body, stale).status_code == 400
    assert post_event(client, body, "t=1,v1=00").status_code == 400
    assert client.post(WEBHOOK, body, content_type="application/json").status_code == 400
    assert post_event(client, body.replace("evt_bad", "evt_bad2"), sign(body)).status_code == 400
    assert StripeEvent.objects.count() == 0


def test_webhook_refused_without_a_secret(db, no_stripe, client):
    body = event("evt_1", "checkout.session.completed", "cs_x", "checkout.session")
    assert post_event(client, body).status_code == 400
    assert StripeEvent.objects.count() == 0


def test_duplicate_event_makes_one_gift_and_one_receipt(form_pages, stripe_api, api, client):
    donation = online_donation(api, form_pages["donation"]["en"], stripe_api)
    session = donation.checkout_session_id
    stripe_api.route("GET", f"/v1/checkout/sessions/{session}", "checkout_session_paid")
    first = deliver(client, "evt_1", "checkout.session.completed", session, "checkout.session")
    again = deliver(client, "evt_1", "checkout.session.completed", session, "checkout.session")
    assert StripeEvent.objects.count() == 1
    assert again.deliveries == 2 and again.attempts == 1 and first.status == "processed"
    # Another event about the same payment gives no second receipt either.
    pi = f"pi_test_{donation.pk}"
    stripe_api.route("GET", f"/v1/payment_intents/{pi}", "payment_intent_succeeded")
    deliver(client, "evt_2", "payment_intent.succeeded", pi, "payment_intent")
    donation.refresh_from_db()
    assert donation.status == "paid" and donation.payment_intent_id == pi
    assert Receipt.objects.filter(donation=donation).count() == 1
    assert Donation.objects.count() == 1


def test_events_out_of_order_end_in_the_right_state(form_pages, stripe_api, api, client):
    donation = online_donation(api, form_pages["donation"]["en"], stripe_api)
    pi = f"pi_test_{donation.pk}"
    session = donation.checkout_session_id
    # The gift's own session, read to check that the intent is the one it made.
    stripe_api.route("GET", f"/v1/checkout/sessions/{session}", "checkout_session_paid")
    # The success is processed first; a late "failed" event finds the intent succeeded.
    stripe_api.route("GET", f"/v1/payment_intents/{pi}", "payment_intent_succeeded")
    deliver(client, "evt_ok", "payment_intent.succeeded", pi, "payment_intent")
    deliver(client, "evt_late_fail", "payment_intent.payment_failed", pi, "payment_intent")
    donation.refresh_from_db()
    assert donation.status == "paid"
    # The refund arrives before checkout.session.completed: the gift ends refunded.
    stripe_api.route("GET", "/v1/charges/ch_1", "charge_refunded")
    deliver(client, "evt_refund", "charge.refunded", "ch_1", "charge")
    deliver(client, "evt_done", "checkout.session.completed", session, "checkout.session")
    donation.refresh_from_db()
    assert donation.status == "refunded"
    assert Receipt.objects.filter(donation=donation).count() == 1  # numbered once, kept


def test_failed_payment_then_expired_session(form_pages, stripe_api, api, client):
    donation = online_donation(api, form_pages["donation"]["en"], stripe_api)
    pi = f"pi_test_{donation.pk}"
    session = donation.checkout_session_id
    stripe_api.route("GET", f"/v1/checkout/sessions/{session}", "checkout_session_attempted")
    stripe_api.route("GET", f"/v1/payment_intents/{pi}", "payment_intent_failed")
    deliver(client, "evt_f", "payment_intent.payment_failed", pi, "payment_intent")
    donation.refresh_from_db()
    assert donation.status == "failed" and not Receipt.objects.exists()
    stripe_api.route("GET", f"/v1/checkout/sessions/{session}", "checkout_session_expired")
    deliver(client, "evt_x", "checkout.session.expired", session, "checkout.session")
    donation.refresh_from_db()
    assert donation.status == "cancelled"


def test_failed_processing_is_retried_and_replayable(form_pages, stripe_api, api, client):
    donation = online_donation(api, form_pages["donation"]["en"], stripe_api)
    session = donation.checkout_session_id
    path = f"/v1/checkout/sessions/{session}"
    stripe_api.route("GET", path, (500, "error_500"))
    body = event("evt_r", "checkout.session.completed", session, "checkout.session")
    assert post_event(client, body).status_code == 200
    stored = StripeEvent.objects.get()
    with pytest.raises(Exception, match="unknown error"):
        process_event(stored.pk)
    stored.refresh_from_db()
    assert (
        stored.status == "failed" and stored.attempts == 1 and "unknown error" in stored.last_error
    )
    donation.refresh_from_db()
    assert donation.status == "pending"  # the transaction rolled back

    # The task retries by itself: Stripe answers 500 once more, then the recorded session.
    stripe_api.route("GET", path, (500, "error_500"), "checkout_session_paid")
    result = process_stripe_event.apply(args=(stored.pk,))
    assert result.successful()
    stored.refresh_from_db()
    assert stored.status == "processed" and stored.attempts == 3
    donation.refresh_from_db()
    assert donation.status == "paid"

    # And operators can replay failed or chosen events; a replay changes nothing twice.
    StripeEvent.objects.filter(pk=stored.pk).update(status="failed")
    call_command("replay_stripe_events", "--failed")
    call_command("replay_stripe_events", "evt_r")
    stored.refresh_from_db()
    assert stored.status == "processed"
    assert Receipt.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("replay_stripe_events")


def test_replay_reports_events_that_fail_again(form_pages, stripe_api, api, client):
    donation = online_donation(api, form_pages["donation"]["en"], stripe_api)
    session = donation.checkout_session_id
    stripe_api.route("GET", f"/v1/checkout/sessions/{session}", (500, "error_500"))
    body = event("evt_again", "checkout.session.completed", session, "checkout.session")
    post_event(client, body)
    with pytest.raises(CommandError, match="1 events failed"):
        call_command("replay_stripe_events", "evt_again")
    assert StripeEvent.objects.get().attempts == 1


def test_replay_takes_events_whose_task_was_lost(form_pages, stripe_api, api, client):
    donation = online_donation(api, form_pages["donation"]["en"], stripe_api)
    session = donation.checkout_session_id
    stripe_api.route("GET", f"/v1/checkout/sessions/{session}", "checkout_session_paid")
    for event_id in ("evt_lost", "evt_recent"):
        body = event(event_id, "checkout.session.completed", session, "checkout.session")
        assert post_event(client, body).status_code == 200
    StripeEvent.objects.filter(event_id="evt_lost").update(
        received_at=timezone.now() - timedelta(minutes=30)
    )
    call_command("replay_stripe_events", "--stalled")
    statuses = dict(StripeEvent.objects.values_list("event_id", "status"))
    assert statuses == {"evt_lost": "processed", "evt_recent": "received"}
    donation.refresh_from_db()
    assert donation.status == "paid"


def test_unknown_event_types_are_stored_and_ignored(db, stripe_api, client):
    stored = deliver(client, "evt_c", "customer.created", "cus_1", "customer")
    assert stored.status == "ignored"
    assert stripe_api.calls() == []


# --- Monthly gifts --------------------------------------------------------------------------


def test_monthly_gift_one_donation_per_paid_invoice(form_pages, stripe_api, api, client):
    donation = online_donation(api, form_pages["donation"]["en"], stripe_api, frequency="monthly")
    sub = f"sub_test_{donation.pk}"
    stripe_api.route("GET", f"/v1/subscriptions/{sub}", "subscription_active")
    for invoice in ("in_test_first", "in_test_second"):
        stripe_api.route("GET", f"/v1/invoices/{invoice}", "invoice_paid")
    session = donation.checkout_session_id
    stripe_api.route(
        "GET", f"/v1/checkout/sessions/{session}", "checkout_session_subscription_paid"
    )
    # The first invoice is paid before checkout.session.completed arrives.
    deliver(client, "evt_in1", "invoice.paid", "in_test_first", "invoice")
    deliver(client, "evt_cs", "checkout.session.completed", session, "checkout.session")
    deliver(client, "evt_in2", "invoice.paid", "in_test_second", "invoice")
    deliver(client, "evt_in2", "invoice.paid", "in_test_second", "invoice")  # twice
    stripe_api.route("GET", "/v1/invoices/in_test_third", "invoice_payment_failed")
    deliver(client, "evt_in3", "invoice.payment_failed", "in_test_third", "invoice")

    subscription = DonationSubscription.objects.get()
    assert subscription.stripe_subscription_id == sub and subscription.status == "active"
    gifts = list(subscription.donations.order_by("pk").values_list("invoice_id", "status"))
    assert gifts == [
        ("in_test_first", "paid"),
        ("in_test_second", "paid"),
        ("in_test_third", "failed"),
    ]
    assert Receipt.objects.count() == 2
    context = receipts.receipt_context(Receipt.objects.first())
    assert context["cancel_url"].endswith(f"/payments/monthly/{subscription.cancel_token}/cancel/")

    stripe_api.route("GET", f"/v1/subscriptions/{sub}", "subscription_canceled")
    deliver(client, "evt_del", "customer.subscription.deleted", sub, "subscription")
    subscription.refresh_from_db()
    assert subscription.status == "cancelled"


def test_donor_cancels_a_monthly_gift_by_link(form_pages, stripe_api, api, client):
    donation = online_donation(api, form_pages["donation"]["en"], stripe_api, frequency="monthly")
    subscription = donation.subscription
    subscription.stripe_subscription_id = "sub_live_1"
    subscription.save()
    stripe_api.route("DELETE", "/v1/subscriptions/sub_live_1", "subscription_canceled")
    url = f"/payments/monthly/{subscription.cancel_token}/cancel/"
    page = client.get(url)
    assert page.status_code == 200 and "Cancel my monthly gift" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == "pending"  # a GET never cancels
    response = client.post(url)
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == "cancelled"
    assert len(stripe_api.calls("DELETE", "/v1/subscriptions/sub_live_1")) == 1
    assert client.post(url).status_code == 200  # again: nothing more happens
    assert len(stripe_api.calls("DELETE")) == 1


# --- Receipts -------------------------------------------------------------------------------


def paid(api, page, stripe_api, client, **changes) -> Donation:
    donation = online_donation(api, page, stripe_api, **changes)
    session = donation.checkout_session_id
    stripe_api.route("GET", f"/v1/checkout/sessions/{session}", "checkout_session_paid")
    deliver(client, f"evt_paid_{donation.pk}", "checkout.session.completed", session, "x")
    donation.refresh_from_db()
    return donation


def test_receipts_are_numbered_in_sequence_once(form_pages, stripe_api, api, client):
    page = form_pages["donation"]["en"]
    first = paid(api, page, stripe_api, client)
    second = paid(api, page, stripe_api, client)
    year = first.paid_at.year
    assert first.receipt.number == f"R-{year}-000001"
    assert second.receipt.number == f"R-{year}-000002"
    # A repeated paid transition returns the first receipt, never a new number.
    assert receipts.issue_receipt(first).number == f"R-{year}-000001"
    assert Receipt.objects.count() == 2


@pytest.mark.parametrize(
    ("amount", "currency", "language", "statement"),
    [
        ("250.00", "USD", "en", "No goods or services were provided"),
        ("300.00", "USD", "fr", "Aucun bien ni service"),
        ("249.99", "USD", "en", ""),
        ("300.00", "EUR", "en", ""),
    ],
)
def test_us_receipt_wording(
    form_pages, stripe_api, api, client, amount, currency, language, statement
):
    page = form_pages["donation"][language]
    donation = paid(api, page, stripe_api, client, amount=amount, currency=currency)
    context = receipts.receipt_context(donation.receipt)
    assert context["language"] == language
    if statement:
        assert statement in context["us_statement"]
        assert "EIN" in context["organisation"]
    else:
        assert context["us_statement"] == ""


def test_yearly_summary_covers_paid_gifts(form_pages, stripe_api, api, client):
    page = form_pages["donation"]["en"]
    first = paid(api, page, stripe_api, client)
    paid(api, page, stripe_api, client)
    assert receipts.yearly_summaries(first.paid_at.year) == 1  # one donor address


# --- Card testing and reconciliation --------------------------------------------------------


def test_many_small_failed_payments_from_one_client_are_refused(
    form_pages, stripe_api, api, client
):
    page = form_pages["donation"]["en"]
    for number in range(3):
        donation = online_donation(api, page, stripe_api, amount="5.00")
        pi = f"pi_test_{donation.pk}"
        session = f"/v1/checkout/sessions/{donation.checkout_session_id}"
        stripe_api.route("GET", session, "checkout_session_attempted")
        stripe_api.route("GET", f"/v1/payment_intents/{pi}", "payment_intent_failed")
        deliver(client, f"evt_fail_{number}", "payment_intent.payment_failed", pi, "x")
    response = submit(api, page, amount="5.00")
    assert response.status_code == 429
    assert "declined" in json.dumps(response.json())
    assert Submission.objects.count() == 3
    # Another client is not affected.
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert submit(other, page, amount="5.00").status_code == 202


def test_reconciliation_flags_gaps(form_pages, stripe_api, api, client):
    page = form_pages["donation"]["en"]
    lost = online_donation(api, page, stripe_api)  # paid at Stripe, its event never came
    stripe_api.route(
        "GET", f"/v1/checkout/sessions/{lost.checkout_session_id}", "checkout_session_paid"
    )
    settled = paid(api, page, stripe_api, client)
    assert donation_services.reconcile_donations() == 1
    lost.refresh_from_db()
    settled.refresh_from_db()
    assert "Paid at Stripe" in lost.reconciliation_flag
    assert settled.reconciliation_flag == "" and settled.reconciled_at is not None


def test_amount_in_minor_units():
    from membership_forms.stripe_api import minor_units

    assert minor_units(Decimal("12.34"), "USD") == 1234
    assert minor_units(Decimal("500"), "JPY") == 500


# --- Admin ----------------------------------------------------------------------------------


def test_admin_lists_and_exports_donations_read_only(form_pages, no_stripe, api, client):
    from django.contrib.auth.models import Permission, User

    submit(api, form_pages["donation"]["en"])
    donation = Donation.objects.get()
    staff = User.objects.create_user("treasurer", password="x" * 12)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "view_donation"])
    )
    client.force_login(staff)
    base = "/admin/membership-forms/donations/"
    listing = client.get(base + "?status=pending")
    assert listing.status_code == 200
    assert donation.submission.reference in listing.content.decode()
    export = client.get(base + "?export=csv")
    assert export.status_code == 200
    content = b"".join(export.streaming_content).decode()
    assert "sam@example.org" in content and "50.00" in content
    assert_permission_denied(client.get(f"{base}edit/{donation.pk}/"))  # read only
    assert client.get(f"{base}inspect/{donation.pk}/").status_code == 200
    nobody = User.objects.create_user("visitor", password="x" * 12)
    nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(nobody)
    assert_permission_denied(client.get(base))
    assert_permission_denied(client.get(f"{base}inspect/{donation.pk}/"))
