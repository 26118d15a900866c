"""The plugin's Celery tasks: thin wrappers that load a row by key and call one service.

Celery's `autodiscover_tasks()` finds this module in every project that installs the
plugin. The task names (`name=`) are the ones messages in a broker, rows of an outbox and
beat schedules already carry: they keep their historical `tasks.<area>.<task>` form
whatever module defines them, so a deploy never strands queued work. Periodic tasks and
their default schedule: `membership_forms.schedule`. How the plugin's signals reach these
tasks: `membership_forms.queueing`.
"""

import logging
import smtplib
from datetime import date

import stripe
from anymail.exceptions import AnymailAPIError
from celery import Task, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from .models import Donation
from .services import (
    donations,
    exports,
    member_access,
    receipts,
    renewals,
    retention,
    reviews,
    screening,
    stripe_events,
)
from .services.digests import queue_staff_digests
from .services.newsletter import purge_unconfirmed
from .services.notifications import (
    announce_after_commit,
    deliver_notifications,
    mark_notifications_failed,
    stalled_notification_ids,
)
from .services.submissions import stalled_rescreen_ids, stalled_submission_ids

logger = logging.getLogger(__name__)


# Submissions ---------------------------------------------------------------------------

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
            screening.mark_failed(args[0], f"{exc.__class__.__name__}: {exc}")


@shared_task(
    base=ScreeningTask,
    name="tasks.submissions.process_submission",
    **SCREENING_RETRIES,
)
def process_submission(submission_id: int) -> bool:
    """Screen one submission (and others waiting): files, duplicates, rules, queue, emails."""
    return screening.screen_waiting(submission_id)


@shared_task(
    name="tasks.submissions.process_submissions",
    **SCREENING_RETRIES,
)
def process_submissions(submission_ids: list[int]) -> int:
    """Screen the submissions a web process queued together (see `membership_forms.relay`).

    One that fails goes to its own `process_submission` task, with its retries and, in
    the end, the `failed` status staff see. If the whole batch fails (the database is
    gone) the task retries; after the last retry the sweep queues them one by one.
    """
    failed = screening.screen_submissions(submission_ids)
    for submission_id in failed:
        process_submission.apply_async((submission_id,), retry=False)
    return len(submission_ids) - len(failed)


class RescreeningTask(Task):
    """After the last retry the review waits for staff (`needs_review`, with the error)
    and the sweep stops queueing it: a lasting failure is not retried for ever."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if args:
            screening.give_up_rescreening(args[0], f"{exc.__class__.__name__}: {exc}")


@shared_task(
    base=RescreeningTask, name="tasks.submissions.rescreen_submission", **SCREENING_RETRIES
)
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


# Emails --------------------------------------------------------------------------------


class NotificationTask(Task):
    """After the last retry the emails still unsent are marked `failed`, for staff."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if args:
            ids = args[0] if isinstance(args[0], list) else [args[0]]
            mark_notifications_failed(ids, f"{exc.__class__.__name__}: {exc}")


NOTIFICATION_RETRIES = {
    "base": NotificationTask,
    # A database restart is retried like a mail server's outage, and so is an email
    # provider's API (django-anymail) that fails or refuses: the email is still owed.
    "autoretry_for": (
        smtplib.SMTPException,
        OSError,
        AnymailAPIError,
        OperationalError,
        InterfaceError,
    ),
    "retry_backoff": True,
    "retry_backoff_max": 900,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="tasks.notifications.send_notifications", **NOTIFICATION_RETRIES)
def send_notifications(notification_ids: list[int]) -> int:
    """Send these emails over one SMTP connection, each once (its row lock makes it so)."""
    return deliver_notifications(notification_ids)


@shared_task(name="tasks.notifications.send_notification", **NOTIFICATION_RETRIES)
def send_notification(notification_id: int) -> bool:
    """One email: what earlier releases queued; new work uses `send_notifications`."""
    return bool(deliver_notifications([notification_id]))


@shared_task(name="tasks.notifications.send_staff_digests")
def send_staff_digests() -> int:
    """Yesterday's new submissions, one email per staff recipient who asked for a digest."""
    return queue_staff_digests()


# Reviews and exports -------------------------------------------------------------------


@shared_task(name="tasks.reviews.close_expired_ballots")
def close_expired_ballots() -> int:
    return reviews.close_expired_ballots()


@shared_task(name="tasks.reviews.send_review_reminders")
def send_review_reminders() -> int:
    return reviews.send_review_reminders()


@shared_task(name="tasks.reviews.flag_closed_terms")
def flag_closed_terms() -> int:
    return reviews.flag_closed_terms()


@shared_task(name="tasks.reviews.purge_expired_applicants")
def purge_expired_applicants() -> int:
    return retention.purge_expired_applicants()


@shared_task(name="tasks.exports.build_export", max_retries=3, default_retry_delay=30)
def build_export(export_id: int) -> None:
    exports.build_export(export_id)


@shared_task(name="tasks.exports.purge_old_exports")
def purge_old_exports() -> int:
    return retention.purge_old_exports()


# Donations -----------------------------------------------------------------------------

# Stripe refused the request itself (parameters, keys, permissions): no retry mends that.
PERMANENT = (stripe.InvalidRequestError, stripe.AuthenticationError, stripe.PermissionError)


@shared_task(
    name="tasks.donations.create_checkout_session",
    bind=True,
    max_retries=4,
    retry_backoff=True,
    retry_jitter=True,
)
def create_checkout_session(self, donation_id: int) -> bool:
    """Make the Stripe Checkout Session the donor's page is waiting for."""
    donation = Donation.objects.select_related("submission__page").filter(pk=donation_id).first()
    if donation is None or donation.submission.page is None:
        return False
    page = donation.submission.page.specific
    url = page.donation_url(donation, full=True)
    try:
        return donations.create_checkout_session(
            donation_id, return_url=f"{url}?returned=1", cancel_url=url
        )
    except Exception as error:
        if isinstance(error, PERMANENT) or self.request.retries >= self.max_retries:
            # Given up: the donor's page offers a new attempt or the pledge instructions.
            donations.record_checkout_error(donation_id, f"{type(error).__name__}: {error}")
            raise
        raise self.retry(exc=error, countdown=2**self.request.retries) from error


@shared_task(
    name="tasks.donations.process_stripe_event",
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def process_stripe_event(event_pk: int, force: bool = False) -> bool:
    """Apply one stored Stripe event; failures stay visible as `failed` and can be replayed."""
    return stripe_events.process_event(event_pk, force=force)


@shared_task(name="tasks.donations.reconcile_donations")
def reconcile_donations() -> int:
    return donations.reconcile_donations()


@shared_task(name="tasks.donations.send_yearly_summaries")
def send_yearly_summaries(year: int | None = None) -> int:
    return receipts.yearly_summaries(year or timezone.now().year - 1)


@shared_task(name="tasks.donations.purge_expired_donations")
def purge_expired_donations() -> int:
    """Donors' personal data past its retention period, and old Stripe event payloads."""
    retention.purge_stripe_event_payloads()
    return retention.purge_expired_donations()


# Members -------------------------------------------------------------------------------

MEMBER_RETRIES = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="tasks.members.sync_organisation_groups", **MEMBER_RETRIES)
def sync_organisation_groups(
    organisation_id: int, removed_user_ids: list[int] | None = None
) -> int:
    """An organisation's people in or out of the member groups, after it changed."""
    return member_access.sync_organisation(organisation_id, removed_user_ids or [])


@shared_task(name="tasks.members.sync_member_groups", **MEMBER_RETRIES)
def sync_member_groups() -> int:
    """Hourly: every member's and supporter's people in step with their organisation."""
    return member_access.sync_all()


@shared_task(name="tasks.members.run_renewals", **MEMBER_RETRIES)
def run_renewals(today: str | None = None) -> dict[str, int]:
    """Daily: the yearly confirmations and reminders due, and anniversaries passed.

    `today` (ISO date) runs the day given instead of the worker's today."""
    return renewals.run_renewals(date.fromisoformat(today) if today else None)
