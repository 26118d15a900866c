"""Submission tasks: thin wrappers around membership_forms' services."""

import logging

from celery import shared_task

from membership_forms.services.submissions import mark_processed, stalled_submission_ids

logger = logging.getLogger(__name__)


@shared_task(
    name="tasks.submissions.process_submission",
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def process_submission(submission_id: int) -> bool:
    """Screen one submission. For now it only records an empty screening result."""
    return mark_processed(submission_id, screening={})


@shared_task(name="tasks.submissions.requeue_stalled_submissions")
def requeue_stalled_submissions() -> int:
    """The outbox sweep: queue again what the broker lost or never got."""
    ids = stalled_submission_ids()
    for submission_id in ids:
        process_submission.apply_async((submission_id,), retry=False)
    if ids:
        logger.info("Re-queued %d stalled submissions", len(ids))
    return len(ids)
