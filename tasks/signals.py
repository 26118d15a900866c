"""Connects the plugin's signals to Celery, after commit, without ever failing the request.

A dead broker costs the visitor at most the connect timeout: no publish retries here,
the error is logged, and the outbox sweep queues the submission later.
"""

import logging

from django.dispatch import receiver

from membership_forms.signals import donation_created, stripe_event_received, submission_received

logger = logging.getLogger(__name__)


@receiver(submission_received, dispatch_uid="tasks.queue_submission")
def queue_submission(sender, submission_id: int, **kwargs) -> None:
    from .submissions import process_submission

    try:
        process_submission.apply_async((submission_id,), retry=False)
    except Exception:
        logger.exception("Could not queue submission %s; the sweep will", submission_id)


@receiver(donation_created, dispatch_uid="tasks.create_checkout_session")
def queue_checkout_session(sender, donation_id: int, **kwargs) -> None:
    from .donations import create_checkout_session

    try:
        create_checkout_session.apply_async((donation_id,), retry=False)
    except Exception:
        logger.exception("Could not queue the checkout for donation %s", donation_id)


@receiver(stripe_event_received, dispatch_uid="tasks.process_stripe_event")
def queue_stripe_event(sender, event_id: int, **kwargs) -> None:
    from .donations import process_stripe_event

    try:
        process_stripe_event.apply_async((event_id,), retry=False)
    except Exception:
        logger.exception("Could not queue Stripe event %s; replay_stripe_events will", event_id)
