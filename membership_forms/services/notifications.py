"""Emails to applicants and staff, each recorded once and sent by the workers.

`queue_notification` is the one way the plugin sends mail: it records the email under a
unique (submission, kind, discriminator) key, so a retried task never sends it twice,
and hands it to the workers after commit.

`deliver_notifications` sends recorded emails over one SMTP connection. Each email is
sent while its row is locked; the row is marked `sent` just before the message goes out,
so the commit follows the SMTP server's acceptance at once (the session is closed, QUIT,
only after the last commit). If the database goes during that commit, the mark is
written again as soon as it answers, rather than a second copy sent. The one window
left: the process killed during the commit's round trip after the server accepted the
message. The row stays `pending`, and the task (acks_late) runs again and sends a second
copy. Every other failure leaves either "not sent" (retried) or "sent" (skipped).
"""

from __future__ import annotations

import logging
import smtplib
import time
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db import connection as database
from django.db.models import F
from django.utils import timezone

from ..conf import get_setting
from ..models import Notification, NotificationKind, NotificationStatus
from ..models.notifications import CONFIRMATION_KINDS
from ..models.pages import split_recipients
from ..signals import announce, notification_queued
from .email_texts import render_notification

if TYPE_CHECKING:
    from ..models import Submission

logger = logging.getLogger(__name__)

APPLICANT_KINDS = {
    NotificationKind.ACKNOWLEDGEMENT,
    NotificationKind.DECISION,
    NotificationKind.INFO_REQUEST,
    NotificationKind.NEWSLETTER_CONFIRMATION,
    NotificationKind.RECEIPT,
    NotificationKind.RECEIPT_SUMMARY,
}


def _announce(notification_ids: list[int]) -> None:
    announce(notification_queued, Notification, notification_ids=notification_ids)


# Emails one task sends over one SMTP connection, at most.
EMAIL_BATCH = 100


def announce_after_commit(notification_ids: list[int]) -> None:
    """Hand these emails to the workers after commit, together: one task (one SMTP
    connection) per EMAIL_BATCH. Outside a transaction they are handed over at once."""
    ids = list(notification_ids)
    for start in range(0, len(ids), EMAIL_BATCH):
        batch = ids[start : start + EMAIL_BATCH]
        transaction.on_commit(partial(_announce, batch), robust=True)


def default_recipient(submission: Submission, kind: str) -> str:
    if kind in APPLICANT_KINDS:
        return submission.applicant_email
    page = submission.page.specific if submission.page else None
    return ", ".join(split_recipients(getattr(page, "staff_recipients", "") or ""))


def _new_notification(
    submission: Submission | None,
    kind: str,
    recipient: str | None,
    discriminator: str,
    context: dict[str, Any] | None,
    language: str | None = None,
) -> Notification:
    if submission is None:  # an email about no one submission: its recipient is given
        recipient, language = recipient or "", language or settings.LANGUAGE_CODE
        suppressed = not recipient
    else:
        if recipient is None:
            recipient = default_recipient(submission, kind)
        if language is None:
            language = submission.locale if kind in APPLICANT_KINDS else settings.LANGUAGE_CODE
        suppressed = not recipient or (
            kind in CONFIRMATION_KINDS and not submission.confirmation_allowed
        )
    return Notification(
        submission=submission,
        kind=kind,
        discriminator=discriminator,
        recipient=recipient,
        language=language or "en",
        context=context or {},
        status=NotificationStatus.SUPPRESSED if suppressed else NotificationStatus.PENDING,
    )


def queue_notification(
    submission: Submission | None,
    kind: str,
    *,
    recipient: str | None = None,
    discriminator: str = "",
    context: dict[str, Any] | None = None,
    language: str | None = None,
) -> Notification:
    """Record one email for `submission` (None: about no one submission, with its
    recipient and language given) and send it after commit (once, whatever happens).

    The email is in `language`, else the applicant's for their emails and the site's for
    staff's."""
    new = _new_notification(submission, kind, recipient, discriminator, context, language)
    try:
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(
                submission=submission,
                kind=kind,
                discriminator=discriminator,
                defaults={
                    field: getattr(new, field)
                    for field in ("recipient", "language", "context", "status")
                },
            )
    except IntegrityError:  # queued at the same moment by another transaction
        notification = Notification.objects.get(
            submission=submission, kind=kind, discriminator=discriminator
        )
        created = False
    if created and notification.status == NotificationStatus.PENDING:
        announce_after_commit([notification.pk])
    return notification


def record_notifications(emails: list[tuple[Submission, list[str]]]) -> list[int]:
    """Record each submission's emails of the kinds given, for a whole batch in two
    queries; the ids of those to send.

    An email recorded before (a rerun) is kept as it was. The caller announces the ids
    (`announce_after_commit`), usually together with other submissions' emails.
    """
    if not emails:
        return []
    Notification.objects.bulk_create(
        [
            _new_notification(submission, kind, None, "", None)
            for submission, kinds in emails
            for kind in kinds
        ],
        ignore_conflicts=True,
    )
    return list(
        Notification.objects.filter(
            submission__in=[submission for submission, _kinds in emails],
            kind__in={kind for _submission, kinds in emails for kind in kinds},
            discriminator="",
            status=NotificationStatus.PENDING,
            sent_at__isnull=True,
            attempts=0,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- Delivery ---------------------------------------------------------------------------


# A refusal of one message; anything else (server gone, timeout) ends the batch.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def deliver_notifications(notification_ids: list[int]) -> int:
    """Send the recorded emails not sent yet, over one SMTP connection; the number sent.

    The batch is read in one query; each email is then claimed, marked and sent in its
    own transaction, so a retry skips what went out. An email another worker is sending
    right now is waited for, then skipped (sent) or sent here (its attempt failed). A
    refused message is recorded and the others still go; a failed connection stops the
    batch. The first error is raised at the end, for the task's retry.
    """
    connection = get_connection()
    pages: dict = {}  # form pages by (page, language), read once for the batch
    waiting = {
        notification.pk: notification
        for notification in Notification.objects.select_related("submission").filter(
            pk__in=notification_ids, status=NotificationStatus.PENDING
        )
    }
    sent = 0
    error: Exception | None = None
    try:
        _commit_without_waiting_for_disk()
        for notification_id in notification_ids:
            if (notification := waiting.pop(notification_id, None)) is None:
                continue
            try:
                sent += _deliver(notification, connection, pages)
            except MESSAGE_ERRORS as exc:
                error = error or exc
            except Exception as exc:
                error = error or exc
                break
    finally:
        _commit_as_configured()
        try:
            connection.close()
        except Exception:  # a connection that broke has nothing left to close
            logger.debug("Closing the SMTP connection failed", exc_info=True)
    if error is not None:
        raise error
    return sent


def _commit_without_waiting_for_disk() -> None:
    """The batch's `sent` marks commit without waiting for the WAL flush (PostgreSQL).

    Each mark commits right after the SMTP server accepted its message, and the time
    between the two is the one window in which a killed process sends a second copy
    later. Not waiting for the disk makes that window a round trip instead of a round
    trip and an fsync. The commit is visible and survives any process dying; only a
    crash of PostgreSQL itself within a fraction of a second could lose a mark, with
    the same outcome, a second copy. The batch writes nothing else but failed attempts.
    """
    if database.vendor == "postgresql":
        with database.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")


def _commit_as_configured() -> None:
    if database.vendor != "postgresql" or database.connection is None:
        return
    try:
        with database.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
    except Exception:  # a broken connection is closed and replaced anyway
        logger.debug("Could not reset synchronous_commit", exc_info=True)


def _error_text(exc: Exception) -> str:
    return f"{exc.__class__.__name__}: {exc}"[:2000]


def _deliver(notification: Notification, connection, pages: dict) -> bool:
    """Send one email unless sent meanwhile; an SMTP error is recorded on the row, then
    raised.

    The email is rendered first, with no lock held. One UPDATE then claims the row (still
    pending) and marks it `sent`, so the commit comes right after the server's
    acceptance; if the message fails, the row is put back to `pending` with the error in
    the same transaction.
    """
    # Still pending, and still to the address read with the batch: a purge meanwhile
    # (retention) empties it, and nothing is sent.
    pending = Notification.objects.filter(
        pk=notification.pk, status=NotificationStatus.PENDING, recipient=notification.recipient
    )
    try:
        message = render_notification(notification, connection, pages)
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:  # recorded, then raised for the retry
        pending.update(attempts=F("attempts") + 1, last_error=_error_text(exc))
        raise
    error: Exception | None = None
    accepted = False
    try:
        with transaction.atomic():
            claimed = pending.update(
                status=NotificationStatus.SENT,
                sent_at=timezone.now(),
                subject=str(message.subject),
                attempts=F("attempts") + 1,
                last_error="",
            )
            if not claimed:  # sent by another worker meanwhile
                return False
            try:
                connection.open()  # once: the backend keeps a connection it did not open
                message.send()
                accepted = True
            except (OperationalError, InterfaceError):
                raise  # the database, not the message: nothing was sent
            except Exception as exc:  # recorded (committed), then raised for the retry
                error = exc
                Notification.objects.filter(pk=notification.pk).update(
                    status=NotificationStatus.PENDING, sent_at=None, last_error=_error_text(exc)
                )
    except (OperationalError, InterfaceError):
        if not accepted:
            raise
        # The SMTP server took the message but the database went before the commit.
        _record_sent_later(notification.pk, str(message.subject))
    if error is not None:
        raise error
    return True


def _record_sent_later(notification_id: int, subject: str, wait: float = 60) -> None:
    """Mark `sent` once the database answers again, rather than send a second copy."""
    deadline = time.monotonic() + wait
    while True:
        try:
            database.close()  # the broken connection; the next query opens a new one
            Notification.objects.filter(
                pk=notification_id, status=NotificationStatus.PENDING
            ).update(
                status=NotificationStatus.SENT,
                sent_at=timezone.now(),
                subject=subject,
                attempts=F("attempts") + 1,
                last_error="",
            )
            return
        except (OperationalError, InterfaceError):
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def stalled_notification_ids(limit: int = 500) -> list[int]:
    """Emails still pending long after they were queued: their message was lost."""
    from datetime import timedelta

    cutoff = timezone.now() - timedelta(seconds=get_setting("NOTIFICATION_REQUEUE_AFTER"))
    return list(
        Notification.objects.filter(status=NotificationStatus.PENDING, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def mark_notifications_failed(notification_ids: list[int], error: str) -> int:
    """After the last retry: those still pending become `failed`, with the error, for staff."""
    return Notification.objects.filter(
        pk__in=notification_ids, status=NotificationStatus.PENDING
    ).update(status=NotificationStatus.FAILED, last_error=error[:2000])


def retry_notification(notification_id: int) -> bool:
    """Staff's retry of a failed email: pending again and announced after commit."""
    with transaction.atomic():
        updated = Notification.objects.filter(
            pk=notification_id, status=NotificationStatus.FAILED
        ).update(status=NotificationStatus.PENDING)
        if updated:
            announce_after_commit([notification_id])
    return bool(updated)
