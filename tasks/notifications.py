"""Email tasks: send one recorded notification; queue the staff digests."""

import smtplib

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from membership_forms.services.digests import queue_staff_digests
from membership_forms.services.notifications import deliver_notification, mark_notification_failed


class NotificationTask(Task):
    """After the last retry the email is marked `failed`, with the error, for staff."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if args:
            mark_notification_failed(args[0], f"{exc.__class__.__name__}: {exc}")


@shared_task(
    base=NotificationTask,
    name="tasks.notifications.send_notification",
    # A database restart is retried like a mail server's outage: the email is still owed.
    autoretry_for=(smtplib.SMTPException, OSError, OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=8,
)
def send_notification(notification_id: int) -> bool:
    """Send one email unless it was sent already (the row lock makes it once)."""
    return deliver_notification(notification_id)


@shared_task(name="tasks.notifications.send_staff_digests")
def send_staff_digests() -> int:
    """Yesterday's new submissions, one email per staff recipient who asked for a digest."""
    return queue_staff_digests()
