"""What each Stripe event does to a gift: the object read again from Stripe, the gift it is
about (only through the Checkout Session this site stored), and the allowed move.

`dispatch` is called by services.stripe_events.process_event inside the event's
transaction; see that module for the ledger.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext as _

from ..models import Donation, DonationStatus, DonationSubscription, Frequency, StripeEvent
from ..stripe_api import minor_units, stripe_client
from .donations import mark_subscription_cancelled, record_payment_failure, set_status

logger = logging.getLogger(__name__)


class NotReady(Exception):
    """The event refers to something not recorded yet; a retry will find it."""


HANDLED = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "charge.refunded",
    "invoice.paid",
    "invoice.payment_failed",
    "customer.subscription.deleted",
    "customer.subscription.updated",
}


# --- Stripe's objects ----------------------------------------------------------------------


class Obj(dict):
    """A Stripe object as a plain dict that also reads attributes (None when absent)."""

    def __getattr__(self, name: str) -> Any:
        return self.get(name)


def _fresh(resource) -> Obj:
    return Obj(resource.to_dict())


def dispatch(event: StripeEvent) -> bool:
    """Apply the event's object; False when it is not about a gift of this site."""
    if event.type not in HANDLED:
        return False
    object_id = event.payload["data"]["object"]["id"]
    v1 = stripe_client().v1
    prefix = event.type.split(".")[0]
    if prefix == "checkout":
        return _apply_session(_fresh(v1.checkout.sessions.retrieve(object_id)))
    if prefix == "payment_intent":
        return _apply_payment_intent(v1, _fresh(v1.payment_intents.retrieve(object_id)))
    if prefix == "charge":
        return _apply_charge(v1, _fresh(v1.charges.retrieve(object_id)))
    if prefix == "invoice":
        return _apply_invoice(v1, _fresh(v1.invoices.retrieve(object_id)))
    return _apply_subscription(v1, _fresh(v1.subscriptions.retrieve(object_id)))


# --- Which gift an object is about ----------------------------------------------------------
#
# Only what the site made is trusted: the Checkout Session stored on the donation when the
# worker created it, and the payment intent or subscription that session made. Metadata
# and client_reference_id are written by whoever made an object (a Payment Link, another
# integration on the same Stripe account), so they only say which gift to look at, or to
# flag: never which gift to pay.

# The session mode that makes each kind of object.
MADE_IN_MODE = {"payment_intent": "payment", "subscription": "subscription"}


def _metadata_donation_id(obj) -> int | None:
    metadata = obj.get("metadata") or {}
    value = metadata.get("donation_id") or obj.get("client_reference_id")
    return int(value) if value and str(value).isdigit() else None


def _lock_donation(**lookup) -> Donation | None:
    return Donation.objects.select_for_update().filter(**lookup).first()


def _made_by_own_session(v1, obj, field: str) -> Donation | None:
    """The gift `obj`'s metadata names, when that gift's own session made `obj`.

    Otherwise None: the gift named (if any) is flagged for staff and nothing is applied.
    A session still open that has not made its intent or subscription yet: retried.
    """
    donation_id = _metadata_donation_id(obj)
    donation = _lock_donation(pk=donation_id) if donation_id else None
    if donation is None:
        logger.info("Ignored Stripe %s %s: no gift of this site", field, obj.id)
        return None
    if donation.checkout_session_id:
        session = _fresh(v1.checkout.sessions.retrieve(donation.checkout_session_id))
        made = _id(session.get(field))
        if made == obj.id:
            return donation
        if made is None and session.status == "open" and session.mode == MADE_IN_MODE[field]:
            raise NotReady(f"Session {session.id} has not made its {field} yet")
    _flag_not_ours(donation, obj.id)
    return None


def _flag_not_ours(donation: Donation, object_id: str) -> None:
    message = _("%(object)s was not made by this site but names this gift: nothing applied.") % {
        "object": object_id
    }
    _flag(donation, message)


def _mismatch(donation: Donation, *, amount, currency, mode=None) -> str:
    """How a payment differs from the gift ("" when it matches): amount, currency, mode."""
    expected_mode = "subscription" if donation.frequency == Frequency.MONTHLY else "payment"
    expected = (minor_units(donation.amount, donation.currency), donation.currency.lower())
    found = (amount, str(currency or "").lower())
    differences = []
    if found != expected:
        differences.append(f"{found[0]} {found[1]} for {expected[0]} {expected[1]}")
    if mode is not None and mode != expected_mode:
        differences.append(f"{mode} mode for a {donation.frequency} gift")
    return "; ".join(differences)


def _paid_if_matching(donation: Donation, object_id: str, **payment) -> None:
    """Mark the gift paid, unless the payment differs from it: then staff decide."""
    if difference := _mismatch(donation, **payment):
        _flag_mismatch(donation, object_id, difference)
        return
    set_status(donation, DonationStatus.PAID)


def _flag_mismatch(donation: Donation, object_id: str, difference: str) -> None:
    message = _("%(object)s does not match this gift (%(difference)s): not marked paid.")
    _flag(donation, message % {"object": object_id, "difference": difference})


def _flag(donation: Donation, message: str) -> None:
    """Shown to staff on the gift (the admin's "needs attention"), and logged."""
    logger.warning("Donation %s: %s", donation.pk, message)
    donation.payment_issue = message[:500]
    donation.save(update_fields=["payment_issue"])


# --- Handlers -------------------------------------------------------------------------------


def _apply_session(session) -> bool:
    donation = _lock_donation(checkout_session_id=session.id)
    if donation is None:
        # Flagged only when money moved: an unpaid one (expired, say) may be a session the
        # worker made but could not store before a retry made another.
        donation_id = _metadata_donation_id(session) if _paid(session) else None
        if named := _lock_donation(pk=donation_id) if donation_id else None:
            _flag_not_ours(named, session.id)
        logger.info("Ignored Checkout Session %s: not made by this site", session.id)
        return False
    if session.status != "expired" and (
        difference := _mismatch(
            donation, amount=session.amount_total, currency=session.currency, mode=session.mode
        )
    ):
        _flag_mismatch(donation, session.id, difference)
        return True
    fields = []
    if session.get("payment_intent") and not donation.payment_intent_id:
        donation.payment_intent_id = _id(session["payment_intent"])
        fields.append("payment_intent_id")
    if session.mode == "subscription" and session.get("subscription"):
        _link_subscription(donation, _id(session["subscription"]), session.get("customer"))
        if session.get("invoice") and not donation.invoice_id:
            donation.invoice_id = _id(session["invoice"])
            fields.append("invoice_id")
    if fields:
        donation.save(update_fields=fields)
    if _paid(session):
        set_status(donation, DonationStatus.PAID)
    elif session.status == "expired":
        set_status(donation, DonationStatus.CANCELLED)
    return True


def _paid(session) -> bool:
    return session.payment_status in ("paid", "no_payment_required")


def _apply_payment_intent(v1, intent) -> bool:
    donation = _lock_donation(payment_intent_id=intent.id)
    if donation is None:
        # Before checkout.session.completed: the gift's own session says whether it is ours.
        donation = _made_by_own_session(v1, intent, "payment_intent")
        if donation is None:
            return False
        donation.payment_intent_id = intent.id
        donation.save(update_fields=["payment_intent_id"])
    if intent.status == "succeeded":
        _paid_if_matching(donation, intent.id, amount=intent.amount, currency=intent.currency)
    elif intent.status == "requires_payment_method" and intent.get("last_payment_error"):
        if set_status(donation, DonationStatus.FAILED):
            record_payment_failure(donation)
    elif intent.status == "canceled":
        set_status(donation, DonationStatus.CANCELLED)
    return True


def _apply_charge(v1, charge) -> bool:
    intent_id = _id(charge.get("payment_intent"))
    if not intent_id:
        return False  # not a payment made through Checkout
    donation = _lock_donation(payment_intent_id=intent_id)
    if donation is None:
        # A refund before any other event about the payment: ask its intent.
        intent = _fresh(v1.payment_intents.retrieve(intent_id))
        donation = _made_by_own_session(v1, intent, "payment_intent")
        if donation is None:
            return False
        donation.payment_intent_id = intent_id
        donation.save(update_fields=["payment_intent_id"])
    if charge.get("refunded"):
        set_status(donation, DonationStatus.REFUNDED)
    return True


def _invoice_subscription_id(invoice) -> str | None:
    if invoice.get("subscription"):
        return _id(invoice["subscription"])
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return _id(details.get("subscription"))


def _own_subscription(v1, subscription_id: str, remote=None) -> DonationSubscription | None:
    """The monthly gift of a subscription; linked here when its session made it."""
    subscription = (
        DonationSubscription.objects.select_for_update()
        .filter(stripe_subscription_id=subscription_id)
        .first()
    )
    if subscription is not None:
        return subscription
    # Before checkout.session.completed: the gift's own session says whether it is ours.
    remote = remote or _fresh(v1.subscriptions.retrieve(subscription_id))
    first = _made_by_own_session(v1, remote, "subscription")
    if first is None:
        return None
    return _link_subscription(first, subscription_id, remote.get("customer"))


def _apply_invoice(v1, invoice) -> bool:
    subscription_id = _invoice_subscription_id(invoice)
    if not subscription_id:
        return False  # not a monthly gift
    subscription = _own_subscription(v1, subscription_id)
    if subscription is None:
        return False
    donation = _lock_donation(invoice_id=invoice.id)
    if donation is None:
        donation = (
            subscription.donations.select_for_update()
            .filter(invoice_id__isnull=True)
            .order_by("pk")
            .first()
        )
        if donation is None:
            first = subscription.donations.order_by("pk").first()
            assert first is not None  # a subscription is made by its first gift
            donation = Donation.objects.create(
                submission_id=subscription.submission_id,
                subscription=subscription,
                method=first.method,
                frequency=first.frequency,
                amount=subscription.amount,
                currency=subscription.currency,
                donor_name=first.donor_name,
                donor_email=first.donor_email,
                dedication=first.dedication,
                locale=first.locale,
                client_hash=first.client_hash,
            )
        donation.invoice_id = invoice.id
        donation.save(update_fields=["invoice_id"])
    if invoice.status == "paid":
        _paid_if_matching(
            donation, invoice.id, amount=invoice.amount_paid, currency=invoice.currency
        )
    elif invoice.status in ("open", "uncollectible") and invoice.get("attempted"):
        set_status(donation, DonationStatus.FAILED)
    elif invoice.status == "void":
        set_status(donation, DonationStatus.CANCELLED)
    return True


def _apply_subscription(v1, remote) -> bool:
    subscription = _own_subscription(v1, remote.id, remote)
    if subscription is None:
        return False
    if remote.status in ("canceled", "incomplete_expired"):
        mark_subscription_cancelled(subscription)
    return True


def _link_subscription(
    donation: Donation, subscription_id: str | None, customer
) -> DonationSubscription:
    assert donation.subscription_id is not None  # a monthly gift has its subscription
    subscription = DonationSubscription.objects.select_for_update().get(pk=donation.subscription_id)
    fields = []
    if not subscription.stripe_subscription_id:
        subscription.stripe_subscription_id = subscription_id
        fields.append("stripe_subscription_id")
    if customer and not subscription.stripe_customer_id:
        subscription.stripe_customer_id = _id(customer) or ""
        fields.append("stripe_customer_id")
    if subscription.status == DonationSubscription.Status.PENDING:
        subscription.status = DonationSubscription.Status.ACTIVE
        fields.append("status")
    if fields:
        subscription.save(update_fields=fields)
    return subscription


def _id(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return value.get("id")
