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
from typing import TypeGuard

import stripe
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..conf import get_setting
from ..models import StripeEvent
from ..signals import announce, stripe_event_received
from .stripe_handlers import dispatch

logger = logging.getLogger(__name__)

# An event still `received` this long after it arrived lost its task (a worker takes it
# within seconds; the task's own retries mark it failed, not received).
STALLED_AFTER = timedelta(minutes=10)


class BadSignature(Exception):
    """The payload is not signed with our endpoint secret, or the signature is stale."""


class NotAnEvent(BadSignature):
    """Correctly signed, but not a Stripe event (not a JSON object with an id and a type)."""


@dataclass(frozen=True)
class Stored:
    event: StripeEvent
    created: bool


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
            handled = dispatch(event)
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
