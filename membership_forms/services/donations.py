"""Donations: recorded with their submission, paid through Stripe or pledged, receipted once."""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..conf import get_setting
from ..links import public_html
from ..models import (
    Donation,
    DonationStatus,
    DonationSubscription,
    Frequency,
    PaymentMethod,
)
from ..signals import announce, checkout_restarted, donation_created
from ..stripe_api import minor_units, stripe_client, stripe_enabled
from .receipts import issue_receipt

logger = logging.getLogger(__name__)

# Which state may follow which. A paid gift can only be refunded; refunded and cancelled
# are final. Events arriving late (a failure after the success) therefore change nothing.
TRANSITIONS: dict[str, set[str]] = {
    DonationStatus.PENDING: {
        DonationStatus.PAID,
        DonationStatus.FAILED,
        DonationStatus.CANCELLED,
        DonationStatus.REFUNDED,
    },
    DonationStatus.FAILED: {DonationStatus.PAID, DonationStatus.CANCELLED},
    DonationStatus.PAID: {DonationStatus.REFUNDED},
    DonationStatus.REFUNDED: set(),
    DonationStatus.CANCELLED: set(),
}

# Times a donor may ask for a new payment page after one could not be made.
MAX_CHECKOUT_RESTARTS = 3


# --- Recording ----------------------------------------------------------------------------


def create_donation(page, submission) -> Donation:
    """The donation row for a new submission; called inside record_submission's transaction."""
    payload = submission.payload
    online = stripe_enabled()
    donation = Donation.objects.create(
        submission=submission,
        status=DonationStatus.PENDING,
        method=PaymentMethod.STRIPE if online else PaymentMethod.PLEDGE,
        frequency=payload.get("frequency") or Frequency.ONE_TIME,
        amount=Decimal(str(payload["amount"])),
        currency=str(payload["currency"]).upper(),
        donor_name=payload.get("donor_name", ""),
        donor_email=payload.get("donor_email", ""),
        dedication=payload.get("dedication") or "",
        locale=submission.locale,
        client_hash=submission.client_hash,
    )
    if donation.frequency == Frequency.MONTHLY:
        donation.subscription = DonationSubscription.objects.create(
            submission=submission,
            amount=donation.amount,
            currency=donation.currency,
            donor_email=donation.donor_email,
        )
        donation.save(update_fields=["subscription"])
    if online:
        transaction.on_commit(lambda: _announce(donation.pk), robust=True)
    return donation


def _announce(donation_id: int) -> None:
    announce(donation_created, Donation, donation_id=donation_id)


def donation_answer(donation: Donation, page=None) -> dict:
    """What the donor's browser or app needs next: where to pay, or how to pledge.

    When the payment page could not be made, the pledge instructions are the way left.
    """
    if page is None and donation.submission.page:
        page = donation.submission.page.specific
    answer = {
        "token": str(donation.token),
        "status": donation.status,
        "method": donation.method,
        "frequency": donation.frequency,
        "amount": str(donation.amount),
        "currency": donation.currency,
        "payment_url": donation.checkout_url or None,
        "checkout_failed": donation.checkout_failed,
        "pledge_instructions": None,
        "donor_page_url": page.donation_url(donation, full=True) if page else None,
    }
    if donation.method == PaymentMethod.PLEDGE or donation.checkout_failed:
        answer["pledge_instructions"] = public_html(getattr(page, "pledge_instructions", ""))
    return answer


def payment_answer(submission) -> dict:
    donation = submission.first_donation
    return {"donation": donation_answer(donation)} if donation else {}


# --- Stripe Checkout ----------------------------------------------------------------------


def create_checkout_session(donation_id: int, *, return_url: str, cancel_url: str) -> bool:
    """Make the donation's Checkout Session once; False when there is nothing to do.

    Stripe's idempotency key makes a retried task get the same session, not a second one.
    The call happens outside any lock; the row is locked only to store the answer.
    """
    donation = Donation.objects.filter(pk=donation_id).first()
    if (
        donation is None
        or donation.method != PaymentMethod.STRIPE
        or donation.status != DonationStatus.PENDING
        or donation.checkout_session_id
    ):
        return False
    params = checkout_params(donation, return_url=return_url, cancel_url=cancel_url)
    session = stripe_client().v1.checkout.sessions.create(
        params,  # type: ignore[arg-type]  # a plain dict of Stripe's parameters
        options={"idempotency_key": checkout_idempotency_key(donation)},
    )
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(pk=donation_id)
        if donation.checkout_session_id:
            return False
        donation.checkout_session_id = session.id
        donation.checkout_url = session.url or ""
        donation.checkout_error = ""
        donation.save(update_fields=["checkout_session_id", "checkout_url", "checkout_error"])
    return True


def checkout_params(donation: Donation, *, return_url: str, cancel_url: str) -> dict:
    metadata = {"donation_id": str(donation.pk), "reference": donation.submission.reference}
    with translation.override(donation.locale):
        name = _("Donation") if donation.frequency == Frequency.ONE_TIME else _("Monthly donation")
    price_data: dict = {
        "currency": donation.currency.lower(),
        "unit_amount": minor_units(donation.amount, donation.currency),
        "product_data": {"name": str(name)},
    }
    params: dict = {
        "client_reference_id": str(donation.pk),
        "customer_email": donation.donor_email,
        "metadata": metadata,
        "success_url": return_url,
        "cancel_url": cancel_url,
        "locale": "auto",
        "line_items": [{"price_data": price_data, "quantity": 1}],
    }
    if donation.frequency == Frequency.MONTHLY:
        price_data["recurring"] = {"interval": "month"}
        params["mode"] = "subscription"
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["mode"] = "payment"
        params["payment_intent_data"] = {"metadata": metadata}
    return params


def checkout_idempotency_key(donation: Donation) -> str:
    """One key per attempt the donor asked for.

    Stripe answers a key's first result again for a day, a 500 included, so the task's own
    retries (for network errors) keep the key and a "Try again" from the donor takes a new one.
    """
    key = f"mf-donation-{donation.pk}-checkout"
    return f"{key}-{donation.checkout_restarts}" if donation.checkout_restarts else key


def record_checkout_error(donation_id: int, error: str) -> None:
    """The worker gave up: the donor's page, the API and the admin now say so."""
    Donation.objects.filter(pk=donation_id).update(
        checkout_error=error[:2000], updated_at=timezone.now()
    )


def can_restart_checkout(donation: Donation) -> bool:
    return donation.checkout_failed and donation.checkout_restarts < MAX_CHECKOUT_RESTARTS


def restart_checkout(donation_id: int) -> bool:
    """The donor's "Try again" after the payment page could not be made; False when not allowed.

    At most MAX_CHECKOUT_RESTARTS times, and only once the previous attempt has given up,
    so a donor (or a script) cannot make the worker call Stripe without end.
    """
    with transaction.atomic():
        donation = Donation.objects.select_for_update().filter(pk=donation_id).first()
        if donation is None or not can_restart_checkout(donation):
            return False
        donation.checkout_error = ""
        donation.checkout_restarts += 1
        donation.save(update_fields=["checkout_error", "checkout_restarts", "updated_at"])
        transaction.on_commit(lambda: _announce_restart(donation_id), robust=True)
    return True


def _announce_restart(donation_id: int) -> None:
    announce(checkout_restarted, Donation, donation_id=donation_id)


# --- State changes (inside the event's transaction) ---------------------------------------


def set_status(donation: Donation, status: str, *, at=None) -> bool:
    """Move a locked donation to `status` when allowed; issue the receipt when it is paid."""
    if donation.status == status or status not in TRANSITIONS[donation.status]:
        return False
    donation.status = status
    fields = ["status", "updated_at"]
    if status == DonationStatus.PAID:
        donation.paid_at = at or timezone.now()
        fields.append("paid_at")
    donation.save(update_fields=fields)
    if status == DonationStatus.PAID:
        issue_receipt(donation)
    return True


# --- Card testing -------------------------------------------------------------------------


def record_payment_failure(donation: Donation) -> None:
    """A declined payment is counted from the donations table itself (see below)."""
    logger.info("Payment declined for donation %s", donation.pk)


def card_testing_refusal(client_hash: str) -> str | None:
    """Refuse a client whose recent small payments were declined too often.

    Counted from the donations table rather than a Redis counter: the failures are
    already rows there, a flushed or restarted cache cannot forget them, and the query
    is one indexed count per donation form submission.
    """
    if not client_hash:
        return None
    since = timezone.now() - timedelta(seconds=get_setting("CARD_TESTING_WINDOW"))
    failures = Donation.objects.filter(
        client_hash=client_hash,
        status=DonationStatus.FAILED,
        amount__lte=Decimal(str(get_setting("CARD_TESTING_SMALL_AMOUNT"))),
        updated_at__gte=since,
    ).count()
    if failures >= get_setting("CARD_TESTING_MAX_FAILURES"):
        return _(
            "Too many payments from your connection were declined. "
            "Please try again later or contact us."
        )
    return None


# --- Monthly gifts ------------------------------------------------------------------------


def cancel_subscription(cancel_token) -> DonationSubscription | None:
    """The donor's cancel link: ends the monthly gift at Stripe, then here."""
    subscription = DonationSubscription.objects.filter(cancel_token=cancel_token).first()
    if subscription is None or subscription.status == DonationSubscription.Status.CANCELLED:
        return subscription
    if subscription.stripe_subscription_id and stripe_enabled():
        stripe_client().v1.subscriptions.cancel(subscription.stripe_subscription_id)
    with transaction.atomic():
        subscription = DonationSubscription.objects.select_for_update().get(pk=subscription.pk)
        mark_subscription_cancelled(subscription)
    return subscription


def mark_subscription_cancelled(subscription: DonationSubscription) -> None:
    if subscription.status == DonationSubscription.Status.CANCELLED:
        return
    subscription.status = DonationSubscription.Status.CANCELLED
    subscription.cancelled_at = timezone.now()
    subscription.save(update_fields=["status", "cancelled_at"])
    for donation in subscription.donations.select_for_update().filter(
        status=DonationStatus.PENDING
    ):
        set_status(donation, DonationStatus.CANCELLED)


# --- Reconciliation -----------------------------------------------------------------------


def reconcile_donations(limit: int = 200) -> int:
    """Compare pending and paid online gifts with Stripe; flag the gaps for staff.

    Flags: a gift pending here but paid at Stripe (a lost event: replay it), paid here but
    not at Stripe, or pending past the configured hours with no payment at all. Gifts
    whose payment page was never made are marked failed first (see mark_lost_checkouts).
    """
    if not stripe_enabled():
        return 0
    mark_lost_checkouts()
    hours = get_setting("RECONCILE_PENDING_AFTER_HOURS")
    cutoff = timezone.now() - timedelta(hours=hours)
    candidates = Donation.objects.filter(
        method=PaymentMethod.STRIPE,
        checkout_session_id__isnull=False,
        status__in=[DonationStatus.PENDING, DonationStatus.PAID],
        reconciled_at__isnull=True,
    ).order_by("created_at")[:limit]
    client = stripe_client()
    flagged = 0
    for donation in candidates:
        session = client.v1.checkout.sessions.retrieve(str(donation.checkout_session_id))
        flag = ""
        stripe_paid = session.payment_status in ("paid", "no_payment_required")
        if donation.status == DonationStatus.PENDING and stripe_paid:
            flag = str(_("Paid at Stripe but pending here: replay its events."))
        elif donation.status == DonationStatus.PAID and not stripe_paid:
            flag = str(_("Paid here but not at Stripe."))
        elif donation.status == DonationStatus.PENDING and donation.created_at < cutoff:
            flag = str(_("Still pending after %(hours)s hours.") % {"hours": hours})
        updates: dict = {"reconciliation_flag": flag}
        if donation.status == DonationStatus.PAID and not flag:
            updates["reconciled_at"] = timezone.now()
        Donation.objects.filter(pk=donation.pk).update(**updates)
        flagged += bool(flag)
    return flagged


def mark_lost_checkouts() -> int:
    """Online gifts still without a payment page long after their last attempt: failed.

    Their task was lost (the broker was down when it was queued, or the worker died), so
    the donor's page would wait for ever; marked failed, the page offers to try again or
    to pledge offline, and the admin lists them as needing attention.
    """
    since = timezone.now() - timedelta(seconds=get_setting("CHECKOUT_LOST_AFTER"))
    return Donation.objects.filter(
        method=PaymentMethod.STRIPE,
        status=DonationStatus.PENDING,
        checkout_session_id__isnull=True,
        checkout_error="",
        updated_at__lt=since,
    ).update(
        checkout_error=str(_("The payment page was never made: its task was lost.")),
        updated_at=timezone.now(),
    )
