"""Signals the plugin sends; membership_forms/queueing.py connects them to
the plugin's Celery tasks; a project may connect more receivers."""

import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)


def announce(signal: Signal, sender: type, **kwargs) -> None:
    """Send `signal` to every receiver: one that fails is logged and stops no other (the
    work it stands for is already stored, and the outbox sweep is there for the rest)."""
    for receiver, response in signal.send_robust(sender=sender, **kwargs):
        if isinstance(response, Exception):
            name = getattr(receiver, "__qualname__", repr(receiver))
            logger.error("Receiver %s of a %s signal failed: %r", name, sender.__name__, response)


# Sent after the transaction that stored a submission has committed; `submission_id=pk`.
submission_received = Signal()

# Sent after the transaction that stored an applicant's corrected answers has committed;
# `submission_id=pk`. The submission is to be screened again (`rescreen_submission`).
submission_corrected = Signal()

# Sent after the transaction that took a final decision (approved, declined, withdrawn) on a
# reviewed submission has committed; `submission_id=pk, status=<review status>`.
submission_decided = Signal()

# Sent after the transaction that requested a queue export has committed; `export_id=pk`.
export_requested = Signal()

# Sent after the transaction that recorded emails has committed; `notification_ids=[pk, ...]`,
# to be sent together.
notification_queued = Signal()
# Sent after commit when a donation to be paid online was recorded; `donation_id=pk`.
donation_created = Signal()

# Sent after commit when the donor asked for a new payment page after one could not be
# made; `donation_id=pk`. Connect it where donation_created makes the Checkout Session.
checkout_restarted = Signal()

# Sent after commit when a verified Stripe event was stored; `event_id=StripeEvent.pk`.
stripe_event_received = Signal()

# Sent after commit when an organisation was created, changed status, or gained or lost a
# person; `organisation_id=pk, removed_user_ids=[user pk, ...]` (people no longer its
# contacts). Its people are then put in or out of the member groups.
organisation_status_changed = Signal()
