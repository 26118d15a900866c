"""Stripe's webhook ledger: verify, store once, process in one transaction, replay.

Events can arrive twice, late or out of order, so processing never trusts the event's
copy of an object: it reads the object again from Stripe and moves the donation only
along the allowed transitions (services.donations.TRANSITIONS).

A valid signature only says that Stripe sent the event, not that this site made the
object: the same account may take payments through Payment Links or other integrations
whose metadata can name any gift. So a gift is moved only by the Checkout Session stored
on it and the payment intent or subscription that session made, and is paid only when the
amount, currency and mode match; anything else is flagged on the gift for staff.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeGuard

import stripe
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..conf import get_setting
from ..models import Donation, DonationStatus, DonationSubscription, Frequency, StripeEvent
from ..signals import announce, stripe_event_received
from ..stripe_api import minor_units, stripe_client
from .donations import mark_subscription_cancelled, record_payment_failure, set_status

logger = logging.getLogger(__name__)

# An event still `received` this long after it arrived lost its task (a worker takes it
# within seconds; the task's own retries mark it failed, not received).
STALLED_AFTER = timedelta(minutes=10)


class BadSignature(Exception):
    """The payload is not signed with our endpoint secret, or the signature is stale."""


class NotAnEvent(BadSignature):
    """Correctly signed, but not a Stripe event (not a JSON object with an id and a type)."""


class NotReady(Exception):
    """The event refers to something not recorded yet; a retry will find it."""


@dataclass(frozen=True)
class Stored:
    event: StripeEvent
    created: bool


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


def verify_and_store(payload: bytes, signature: str) -> Stored:
    """Check the signature (Stripe's SDK, with tolerance), then store the event once."""
    secret = get_setting("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise BadSignature("No webhook secret configured.")
    tolerance = get_setting("STRIPE_WEBHOOK_TOLERANCE")
    try:
        stripe.WebhookSignature.verify_header(payload, signature, secret, tolerance)
        data = json.loads(payload)
    except (ValueError, stripe.SignatureVerificationError) as error:
        raise BadSignature(str(error)) from error
    # The SDK refuses old signatures only; one dated ahead of our clock is as suspect.
    if _signed_at(signature) > time.time() + tolerance:
        raise BadSignature("Signature timestamp is in the future.")
    if not isinstance(data, dict):
        raise NotAnEvent("Not a JSON object.")
    event_id, event_type = data.get("id"), data.get("type")
    if not (_short_text(event_id, 255) and _short_text(event_type, 100)):
        raise NotAnEvent("No event id or type.")
    try:
        with transaction.atomic():
            stored = StripeEvent.objects.create(event_id=event_id, type=event_type, payload=data)
            transaction.on_commit(lambda: _announce(stored.pk), robust=True)
    except IntegrityError:
        return Stored(_count_delivery(event_id), created=False)
    return Stored(stored, created=True)


def _count_delivery(event_id: str) -> StripeEvent:
    """A repeat: counted, and queued again when it was never done (failed, or lost).

    A worker processing the event holds its row lock; `skip_locked` leaves that one alone
    (the repeat then waits for the worker to count it). A repeat of an event still queued
    gives a second task, which finds it done: harmless.
    """
    with transaction.atomic():
        stored = (
            StripeEvent.objects.select_for_update(skip_locked=True)
            .filter(event_id=event_id)
            .first()
        )
        if stored is None:
            StripeEvent.objects.filter(event_id=event_id).update(deliveries=F("deliveries") + 1)
            return StripeEvent.objects.get(event_id=event_id)
        stored.deliveries += 1
        stored.save(update_fields=["deliveries"])
        if stored.status in (StripeEvent.Status.FAILED, StripeEvent.Status.RECEIVED):
            transaction.on_commit(lambda: _announce(stored.pk), robust=True)
    return stored


def _signed_at(signature: str) -> int:
    """The `t=` of a Stripe-Signature header, read as the SDK (which checked it) reads it."""
    for item in signature.split(","):
        key, _sep, value = item.partition("=")
        if key == "t":
            return int(value)
    raise BadSignature("No timestamp.")


def _short_text(value, max_length: int) -> TypeGuard[str]:
    return isinstance(value, str) and 0 < len(value) <= max_length


def _announce(event_pk: int) -> None:
    announce(stripe_event_received, StripeEvent, event_id=event_pk)


def process_event(event_pk: int, *, force: bool = False) -> bool:
    """Apply one stored event in one transaction; False when gone or already done.

    On an error the transaction rolls back, the event is marked failed with the error,
    and the error is raised again so the task retries.
    """
    try:
        with transaction.atomic():
            event = StripeEvent.objects.select_for_update().filter(pk=event_pk).first()
            if event is None:
                return False
            if event.status in (StripeEvent.Status.PROCESSED, StripeEvent.Status.IGNORED) and (
                not force
            ):
                return False
            handled = _dispatch(event)
            event.status = StripeEvent.Status.PROCESSED if handled else StripeEvent.Status.IGNORED
            event.processed_at = timezone.now()
            event.attempts += 1
            event.last_error = ""
            event.save(update_fields=["status", "processed_at", "attempts", "last_error"])
    except Exception as error:
        StripeEvent.objects.filter(pk=event_pk).update(
            status=StripeEvent.Status.FAILED,
            attempts=F("attempts") + 1,
            last_error=f"{type(error).__name__}: {error}"[:4000],
        )
        raise
    return True


def events_to_replay(event_ids: list[str], *, failed: bool, stalled: bool = False) -> list[int]:
    queryset = StripeEvent.objects.none()
    if event_ids:
        queryset = StripeEvent.objects.filter(event_id__in=event_ids)
    if failed:
        queryset = queryset | StripeEvent.objects.filter(status=StripeEvent.Status.FAILED)
    if stalled:
        queryset = queryset | StripeEvent.objects.filter(
            status=StripeEvent.Status.RECEIVED, received_at__lt=timezone.now() - STALLED_AFTER
        )
    return list(queryset.order_by("received_at").values_list("pk", flat=True))


# --- Stripe's objects ----------------------------------------------------------------------


class Obj(dict):
    """A Stripe object as a plain dict that also reads attributes (None when absent)."""

    def __getattr__(self, name: str) -> Any:
        return self.get(name)


def _fresh(resource) -> Obj:
    return Obj(resource.to_dict())


def _dispatch(event: StripeEvent) -> bool:
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
