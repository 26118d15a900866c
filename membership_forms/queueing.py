"""Connects the plugin's signals to its Celery tasks, after commit, never failing a request.

`connect()` runs in the app's `ready()`. Submissions go through the relay
(`membership_forms.relay`): the request only hands over the id, and a thread publishes the
ids gathered meanwhile as one message. A dead broker costs the visitor nothing: the relay
makes one connection attempt (no kombu retries), logs the error, and the outbox sweep
(`requeue_stalled_submissions`) queues the submissions later. The other signals queue
their task at once, with the same single attempt.
"""

import logging

from .conf import get_setting
from .relay import Relay
from .signals import (
    checkout_restarted,
    donation_created,
    export_requested,
    notification_queued,
    organisation_status_changed,
    stripe_event_received,
    submission_corrected,
    submission_received,
)

logger = logging.getLogger(__name__)


def queue_submission(sender, submission_id: int, **kwargs) -> None:
    """Hand the id to this process's relay; the request goes on without waiting."""
    submission_relay.put(submission_id)


def publish_submissions(submission_ids: list[int]) -> None:
    from .tasks import process_submissions

    with process_submissions.app.pool.acquire(block=True, timeout=2) as connection:
        connection.ensure_connection(max_retries=0, timeout=2)
        process_submissions.apply_async((submission_ids,), retry=False, connection=connection)


def _screening_batch() -> int:
    return get_setting("SCREENING_BATCH")


submission_relay = Relay(publish_submissions, batch=_screening_batch)


def queue_rescreen(sender, submission_id: int, **kwargs) -> None:
    from .tasks import rescreen_submission

    try:
        rescreen_submission.apply_async((submission_id,), retry=False)
    except Exception:
        logger.exception("Could not queue the new screening of %s; the sweep will", submission_id)


def queue_export(sender, export_id: int, **kwargs) -> None:
    from .tasks import build_export

    try:
        build_export.apply_async((export_id,), retry=False)
    except Exception:
        logger.exception("Could not queue export %s", export_id)


def queue_notifications(sender, notification_ids: list[int], **kwargs) -> None:
    from .tasks import send_notifications

    try:
        send_notifications.apply_async((list(notification_ids),), retry=False)
    except Exception:
        logger.exception("Could not queue notifications %s; the sweep will", notification_ids)


def queue_checkout_session(sender, donation_id: int, **kwargs) -> None:
    from .tasks import create_checkout_session

    try:
        create_checkout_session.apply_async((donation_id,), retry=False)
    except Exception:
        logger.exception("Could not queue the checkout for donation %s", donation_id)


def queue_stripe_event(sender, event_id: int, **kwargs) -> None:
    from .tasks import process_stripe_event

    try:
        process_stripe_event.apply_async((event_id,), retry=False)
    except Exception:
        logger.exception("Could not queue Stripe event %s; replay_stripe_events will", event_id)


def queue_member_groups(sender, organisation_id: int, removed_user_ids=(), **kwargs) -> None:
    from .tasks import sync_organisation_groups

    try:
        sync_organisation_groups.apply_async((organisation_id, list(removed_user_ids)), retry=False)
    except Exception:
        logger.exception(
            "Could not queue the groups of organisation %s; the hourly run will", organisation_id
        )


def connect() -> None:
    """Each signal to its task (the dispatch_uids let a test disconnect one)."""
    submission_received.connect(queue_submission, dispatch_uid="membership_forms.queue_submission")
    submission_corrected.connect(queue_rescreen, dispatch_uid="membership_forms.queue_rescreen")
    export_requested.connect(queue_export, dispatch_uid="membership_forms.queue_export")
    notification_queued.connect(
        queue_notifications, dispatch_uid="membership_forms.queue_notification"
    )
    for signal in (donation_created, checkout_restarted):
        signal.connect(queue_checkout_session, dispatch_uid="membership_forms.queue_checkout")
    stripe_event_received.connect(
        queue_stripe_event, dispatch_uid="membership_forms.queue_stripe_event"
    )
    organisation_status_changed.connect(
        queue_member_groups, dispatch_uid="membership_forms.queue_member_groups"
    )
