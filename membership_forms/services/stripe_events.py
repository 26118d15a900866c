"""Stripe's webhook ledger: verify, store once, process in one transaction, replay.

Events can arrive twice, late or out of order, so processing never trusts the event's
copy of an object: it reads the object again from Stripe and moves the donation only
along the allowed transitions (services.donations.TRANSITIONS).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

import stripe
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..conf import get_setting
from ..models import Donation, DonationStatus, DonationSubscription, StripeEvent
from ..signals import stripe_event_received
from ..stripe_api import stripe_client
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
            transaction.on_commit(lambda: announce(stored.pk), robust=True)
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
            transaction.on_commit(lambda: announce(stored.pk), robust=True)
    return stored


def _signed_at(signature: str) -> int:
    """The `t=` of a Stripe-Signature header, read as the SDK (which checked it) reads it."""
    for item in signature.split(","):
        key, _sep, value = item.partition("=")
        if key == "t":
            return int(value)
    raise BadSignature("No timestamp.")


def _short_text(value, max_length: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= max_length


def announce(event_pk: int) -> None:
    for _receiver, response in stripe_event_received.send_robust(
        sender=StripeEvent, event_id=event_pk
    ):
        if isinstance(response, Exception):
            logger.error("A stripe_event_received receiver failed: %r", response)


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


# --- Handlers -----------------------------------------------------------------------------


class Obj(dict):
    """A Stripe object as a plain dict that also reads attributes (None when absent)."""

    __getattr__ = dict.get


def _fresh(resource) -> Obj:
    return Obj(resource.to_dict())


def _dispatch(event: StripeEvent) -> bool:
    if event.type not in HANDLED:
        return False
    object_id = event.payload["data"]["object"]["id"]
    v1 = stripe_client().v1
    prefix = event.type.split(".")[0]
    if prefix == "checkout":
        _apply_session(_fresh(v1.checkout.sessions.retrieve(object_id)))
    elif prefix == "payment_intent":
        _apply_payment_intent(_fresh(v1.payment_intents.retrieve(object_id)))
    elif prefix == "charge":
        _apply_charge(_fresh(v1.charges.retrieve(object_id)))
    elif prefix == "invoice":
        _apply_invoice(v1, _fresh(v1.invoices.retrieve(object_id)))
    elif prefix == "customer":
        _apply_subscription(_fresh(v1.subscriptions.retrieve(object_id)))
    return True


def _metadata_donation_id(obj) -> int | None:
    metadata = obj.get("metadata") or {}
    value = metadata.get("donation_id") or obj.get("client_reference_id")
    return int(value) if value and str(value).isdigit() else None


def _lock_donation(**lookup) -> Donation | None:
    return Donation.objects.select_for_update().filter(**lookup).first()


def _apply_session(session) -> None:
    donation = _lock_donation(checkout_session_id=session.id)
    if donation is None and (donation_id := _metadata_donation_id(session)):
        donation = _lock_donation(pk=donation_id)
    if donation is None:
        raise NotReady(f"No donation for session {session.id}")
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
    if session.payment_status in ("paid", "no_payment_required"):
        set_status(donation, DonationStatus.PAID)
    elif session.status == "expired":
        set_status(donation, DonationStatus.CANCELLED)


def _apply_payment_intent(intent) -> None:
    donation = _lock_donation(payment_intent_id=intent.id)
    if donation is None and (donation_id := _metadata_donation_id(intent)):
        donation = _lock_donation(pk=donation_id)
        if donation is not None and not donation.payment_intent_id:
            donation.payment_intent_id = intent.id
            donation.save(update_fields=["payment_intent_id"])
    if donation is None:
        if intent.get("invoice"):
            return  # a monthly gift's payment: the invoice events carry it
        raise NotReady(f"No donation for payment intent {intent.id}")
    if intent.status == "succeeded":
        set_status(donation, DonationStatus.PAID)
    elif intent.status == "requires_payment_method" and intent.get("last_payment_error"):
        if set_status(donation, DonationStatus.FAILED):
            record_payment_failure(donation)
    elif intent.status == "canceled":
        set_status(donation, DonationStatus.CANCELLED)


def _apply_charge(charge) -> None:
    intent_id = _id(charge.get("payment_intent"))
    donation = _lock_donation(payment_intent_id=intent_id) if intent_id else None
    if donation is None and (donation_id := _metadata_donation_id(charge)):
        donation = _lock_donation(pk=donation_id)
    if donation is None:
        raise NotReady(f"No donation for charge {charge.id}")
    if charge.get("refunded"):
        set_status(donation, DonationStatus.REFUNDED)


def _invoice_subscription_id(invoice) -> str | None:
    if invoice.get("subscription"):
        return _id(invoice["subscription"])
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return _id(details.get("subscription"))


def _apply_invoice(v1, invoice) -> None:
    subscription_id = _invoice_subscription_id(invoice)
    if not subscription_id:
        return  # not a monthly gift
    subscription = (
        DonationSubscription.objects.select_for_update()
        .filter(stripe_subscription_id=subscription_id)
        .first()
    )
    if subscription is None:
        # The invoice came before checkout.session.completed: find the gift by metadata.
        remote = _fresh(v1.subscriptions.retrieve(subscription_id))
        donation_id = _metadata_donation_id(remote)
        first = _lock_donation(pk=donation_id) if donation_id else None
        if first is None:
            raise NotReady(f"No monthly gift for subscription {subscription_id}")
        subscription = _link_subscription(first, subscription_id, remote.get("customer"))
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
        set_status(donation, DonationStatus.PAID)
    elif invoice.status in ("open", "uncollectible") and invoice.get("attempted"):
        set_status(donation, DonationStatus.FAILED)
    elif invoice.status == "void":
        set_status(donation, DonationStatus.CANCELLED)


def _apply_subscription(remote) -> None:
    subscription = (
        DonationSubscription.objects.select_for_update()
        .filter(stripe_subscription_id=remote.id)
        .first()
    )
    if subscription is None:
        donation_id = _metadata_donation_id(remote)
        first = _lock_donation(pk=donation_id) if donation_id else None
        if first is None or first.subscription_id is None:
            raise NotReady(f"No monthly gift for subscription {remote.id}")
        subscription = _link_subscription(first, remote.id, remote.get("customer"))
    if remote.status in ("canceled", "incomplete_expired"):
        mark_subscription_cancelled(subscription)


def _link_subscription(donation: Donation, subscription_id: str, customer) -> DonationSubscription:
    subscription = DonationSubscription.objects.select_for_update().get(pk=donation.subscription_id)
    fields = []
    if not subscription.stripe_subscription_id:
        subscription.stripe_subscription_id = subscription_id
        fields.append("stripe_subscription_id")
    if customer and not subscription.stripe_customer_id:
        subscription.stripe_customer_id = _id(customer)
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
