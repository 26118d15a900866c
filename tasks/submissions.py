"""Submission tasks: thin wrappers around membership_forms' services."""

import logging

from celery import Task, shared_task

from membership_forms.services import screening
from membership_forms.services.newsletter import purge_unconfirmed
from membership_forms.services.notifications import (
    announce_after_commit,
    stalled_notification_ids,
)
from membership_forms.services.screening import mark_failed, screen_submissions, screen_waiting
from membership_forms.services.submissions import stalled_rescreen_ids, stalled_submission_ids

logger = logging.getLogger(__name__)


# Screening retries anything with backoff: clamd, the database and the broker come back.
SCREENING_RETRIES = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


class ScreeningTask(Task):
    """After the last retry the submission is marked `failed`, where staff see it."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if args:
            mark_failed(args[0], f"{exc.__class__.__name__}: {exc}")


@shared_task(
    base=ScreeningTask,
    name="tasks.submissions.process_submission",
    **SCREENING_RETRIES,
)
def process_submission(submission_id: int) -> bool:
    """Screen one submission (and others waiting): files, duplicates, rules, queue, emails."""
    return screen_waiting(submission_id)


@shared_task(
    name="tasks.submissions.process_submissions",
    **SCREENING_RETRIES,
)
def process_submissions(submission_ids: list[int]) -> int:
    """Screen the submissions a web process queued together (see `tasks.relay`).

    One that fails goes to its own `process_submission` task, with its retries and, in
    the end, the `failed` status staff see. If the whole batch fails (the database is
    gone) the task retries; after the last retry the sweep queues them one by one.
    """
    failed = screen_submissions(submission_ids)
    for submission_id in failed:
        process_submission.apply_async((submission_id,), retry=False)
    return len(submission_ids) - len(failed)


@shared_task(name="tasks.submissions.rescreen_submission", **SCREENING_RETRIES)
def rescreen_submission(submission_id: int) -> bool:
    """Screen again a submission whose applicant corrected answers (an information request)."""
    return screening.rescreen_submission(submission_id)


@shared_task(name="tasks.submissions.requeue_stalled_submissions")
def requeue_stalled_submissions() -> int:
    """The outbox sweep: queue again what the broker lost or never got (emails and
    corrected submissions' new screening too)."""
    ids = stalled_submission_ids()
    for submission_id in ids:
        process_submission.apply_async((submission_id,), retry=False)
    if ids:
        logger.info("Re-queued %d stalled submissions", len(ids))
    for submission_id in stalled_rescreen_ids():
        rescreen_submission.apply_async((submission_id,), retry=False)
    announce_after_commit(stalled_notification_ids())
    return len(ids)


@shared_task(name="tasks.submissions.purge_unconfirmed_newsletter")
def purge_unconfirmed_newsletter() -> int:
    """Newsletter sign-ups never confirmed in time are deleted, with their emails."""
    return purge_unconfirmed()
