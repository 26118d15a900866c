"""Connects the plugin's signals to Celery, after commit, without ever failing the request.

Submissions go through the relay (`tasks.relay`): the request only hands over the id,
and a thread publishes the ids gathered meanwhile as one message. A dead broker costs
the visitor nothing; the relay makes one connection attempt (no kombu retries), logs
the error, and the outbox sweep queues the submissions later.
"""

import logging

from celery.signals import task_failure, task_success
from django.conf import settings
from django.dispatch import receiver

from membership_forms.signals import (
    checkout_restarted,
    donation_created,
    export_requested,
    notification_queued,
    stripe_event_received,
    submission_corrected,
    submission_received,
)

from .relay import Relay

logger = logging.getLogger(__name__)


@receiver(submission_received, dispatch_uid="tasks.queue_submission")
def queue_submission(sender, submission_id: int, **kwargs) -> None:
    """Hand the id to this process's relay; the request goes on without waiting."""
    submission_relay.put(submission_id)


def publish_submissions(submission_ids: list[int]) -> None:
    from .celery import app
    from .submissions import process_submissions

    with app.pool.acquire(block=True, timeout=2) as connection:
        connection.ensure_connection(max_retries=0, timeout=2)
        process_submissions.apply_async((submission_ids,), retry=False, connection=connection)


def _screening_batch() -> int:
    from membership_forms.conf import get_setting

    return get_setting("SCREENING_BATCH")


submission_relay = Relay(publish_submissions, batch=_screening_batch)


@receiver(submission_corrected, dispatch_uid="tasks.queue_rescreen")
def queue_rescreen(sender, submission_id: int, **kwargs) -> None:
    from .submissions import rescreen_submission

    try:
        rescreen_submission.apply_async((submission_id,), retry=False)
    except Exception:
        logger.exception("Could not queue the new screening of %s; the sweep will", submission_id)


@receiver(export_requested, dispatch_uid="tasks.queue_export")
def queue_export(sender, export_id: int, **kwargs) -> None:
    from .exports import build_export

    try:
        build_export.apply_async((export_id,), retry=False)
    except Exception:
        logger.exception("Could not queue export %s", export_id)


@receiver(notification_queued, dispatch_uid="tasks.queue_notification")
def queue_notifications(sender, notification_ids: list[int], **kwargs) -> None:
    from .notifications import send_notifications

    try:
        send_notifications.apply_async((list(notification_ids),), retry=False)
    except Exception:
        logger.exception("Could not queue notifications %s; the sweep will", notification_ids)


def _periodic(task) -> bool:
    names = {entry["task"] for entry in getattr(settings, "CELERY_BEAT_SCHEDULE", {}).values()}
    return getattr(task, "name", None) in names


@task_success.connect(dispatch_uid="tasks.record_success")
def record_success(sender=None, **kwargs) -> None:
    if _periodic(sender):
        from cms.operations import record_task_run

        record_task_run(sender.name)


@task_failure.connect(dispatch_uid="tasks.record_failure")
def record_failure(sender=None, exception=None, **kwargs) -> None:
    if _periodic(sender):
        from cms.operations import record_task_run

        record_task_run(sender.name, error=f"{exception.__class__.__name__}: {exception}")


@receiver(checkout_restarted, dispatch_uid="tasks.create_checkout_session")
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
