"""Email tasks: send recorded notifications; queue the staff digests."""

import smtplib

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from membership_forms.services.digests import queue_staff_digests
from membership_forms.services.notifications import (
    deliver_notifications,
    mark_notifications_failed,
)


class NotificationTask(Task):
    """After the last retry the emails still unsent are marked `failed`, for staff."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if args:
            ids = args[0] if isinstance(args[0], list) else [args[0]]
            mark_notifications_failed(ids, f"{exc.__class__.__name__}: {exc}")


RETRIES = {
    "base": NotificationTask,
    # A database restart is retried like a mail server's outage: the email is still owed.
    "autoretry_for": (smtplib.SMTPException, OSError, OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 900,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="tasks.notifications.send_notifications", **RETRIES)
def send_notifications(notification_ids: list[int]) -> int:
    """Send these emails over one SMTP connection, each once (its row lock makes it so)."""
    return deliver_notifications(notification_ids)


@shared_task(name="tasks.notifications.send_notification", **RETRIES)
def send_notification(notification_id: int) -> bool:
    """One email: what earlier releases queued; new work uses `send_notifications`."""
    return bool(deliver_notifications([notification_id]))


@shared_task(name="tasks.notifications.send_staff_digests")
def send_staff_digests() -> int:
    """Yesterday's new submissions, one email per staff recipient who asked for a digest."""
    return queue_staff_digests()
