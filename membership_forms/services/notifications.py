"""Emails to applicants and staff, each recorded once and sent by the workers.

`queue_notification` is the one way the plugin sends mail: it records the email under a
unique (submission, kind, discriminator) key, so a retried task never sends it twice,
and hands it to the workers after commit.

`deliver_notification` sends one recorded email while holding its row lock and marks it
sent in that same transaction, committed as soon as the SMTP server accepted the message
(the SMTP session is closed after the commit). The one window left: the server accepted
the message and the commit then did not happen (the process killed or the database gone
during the commit's round trip). The row stays `pending`, and the task (acks_late) runs
again and sends a second copy. Every other failure leaves either "not sent" (retried) or
"sent" (skipped).
"""

from __future__ import annotations

import html
import logging
import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ..conf import get_setting
from ..models import Notification, NotificationKind, NotificationStatus
from ..models.pages import split_recipients
from ..signals import notification_queued

if TYPE_CHECKING:
    from ..models import Submission

logger = logging.getLogger(__name__)

APPLICANT_KINDS = {
    NotificationKind.ACKNOWLEDGEMENT,
    NotificationKind.DECISION,
    NotificationKind.INFO_REQUEST,
    NotificationKind.NEWSLETTER_CONFIRMATION,
    NotificationKind.RECEIPT,
}
# Rate-limited per address at intake (`confirmation_allowed`): these are recorded, not sent.
CONFIRMATION_KINDS = {NotificationKind.ACKNOWLEDGEMENT, NotificationKind.NEWSLETTER_CONFIRMATION}


def _announce(notification_id: int) -> None:
    for _receiver, response in notification_queued.send_robust(
        sender=Notification, notification_id=notification_id
    ):
        if isinstance(response, Exception):
            logger.error("A notification_queued receiver failed: %r", response)


def default_recipient(submission: Submission, kind: str) -> str:
    from .screening import applicant_email

    if kind in APPLICANT_KINDS:
        return applicant_email(submission)
    page = submission.page.specific if submission.page else None
    return ", ".join(split_recipients(getattr(page, "staff_recipients", "") or ""))


def queue_notification(
    submission: Submission,
    kind: str,
    *,
    recipient: str | None = None,
    discriminator: str = "",
    context: dict[str, Any] | None = None,
) -> Notification:
    """Record one email for `submission` and send it after commit (once, whatever happens)."""
    recipient = recipient if recipient is not None else default_recipient(submission, kind)
    language = submission.locale if kind in APPLICANT_KINDS else settings.LANGUAGE_CODE
    suppressed = not recipient or (
        kind in CONFIRMATION_KINDS and not submission.confirmation_allowed
    )
    status = NotificationStatus.SUPPRESSED if suppressed else NotificationStatus.PENDING
    try:
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(
                submission=submission,
                kind=kind,
                discriminator=discriminator,
                defaults={
                    "recipient": recipient,
                    "language": language or "en",
                    "context": context or {},
                    "status": status,
                },
            )
    except IntegrityError:  # queued at the same moment by another transaction
        notification = Notification.objects.get(
            submission=submission, kind=kind, discriminator=discriminator
        )
        created = False
    if created and notification.status == NotificationStatus.PENDING:
        transaction.on_commit(lambda: _announce(notification.pk), robust=True)
    return notification


# --- Rendering --------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(template: str, values: dict[str, str], *, escape: bool) -> str:
    """Replace {name} placeholders; unknown ones stay as written, no attribute access.

    With `escape`, the template and every value are HTML-escaped first.
    """
    if escape:
        template = html.escape(template, quote=False)
        values = {key: html.escape(value) for key, value in values.items()}
    return _PLACEHOLDER.sub(lambda match: values.get(match[1], match[0]), template)


def _default_texts(context: dict | None = None) -> dict[str, tuple[str, str]]:
    """Standard subject and body per kind, in the active language (editors may override)."""
    approved = (context or {}).get("decision") == "approved"
    return {
        NotificationKind.DECISION: (
            gettext("Your application {reference}: approved")
            if approved
            else gettext("Your application {reference}: our decision"),
            gettext(
                "Dear {name},\n\nWe are glad to tell you that your application {reference} to "
                "“{form}” has been approved. We will be in touch about the next steps.\n\n"
                "The team"
            )
            if approved
            else gettext(
                "Dear {name},\n\nThank you for your application {reference} to “{form}”. "
                "After careful review we are unable to accept it.\n\n{reason}\n\nThe team"
            ),
        ),
        NotificationKind.INFO_REQUEST: (
            gettext("Your application {reference}: we need more information"),
            gettext(
                "Dear {name},\n\nTo continue with your application {reference} we need a "
                "little more information:\n\n{message}\n\nPlease add it here:\n{link}\n\n"
                "The team"
            ),
        ),
        NotificationKind.RECEIPT: (
            gettext("Receipt {receipt_number} for your gift"),
            gettext(
                "Dear {donor_name},\n\nThank you for your gift of {amount} {currency} "
                "({reference}), received on {paid_at}.\n\nReceipt number: {receipt_number}\n"
                "{us_statement}\n\n{organisation}"
            ),
        ),
        "receipt_summary": (
            gettext("Your gifts in {year}"),
            gettext(
                "Dear {donor_name},\n\nThank you for your support in {year}. Your gifts:\n\n"
                "{gift_lines}\n\nIn total:\n{total_lines}"
            ),
        ),
        NotificationKind.REMINDER: (
            gettext("Waiting for review: {reference}"),
            gettext("Submission {reference} to “{form}” is still waiting for a decision."),
        ),
        NotificationKind.ACKNOWLEDGEMENT: (
            gettext("We received your submission {reference}"),
            gettext(
                "Dear {name},\n\nThank you: we received your submission to “{form}”. Its "
                "reference is {reference}; please quote it if you write to us.\n\nThe team"
            ),
        ),
        NotificationKind.NEWSLETTER_CONFIRMATION: (
            gettext("Please confirm your subscription"),
            gettext(
                "Hello {name},\n\nPlease confirm that you want to receive our newsletter by "
                "following this link:\n\n{link}\n\nIf you did not sign up, ignore this email: "
                "nothing more will be sent."
            ),
        ),
        NotificationKind.STAFF_ALERT: (
            gettext("New submission {reference} to {form}"),
            gettext(
                "A new submission {reference} arrived through “{form}” from {name}.\n"
                "Screening: {outcome}.\n\n{link}"
            ),
        ),
        NotificationKind.DIGEST: (
            gettext("New submissions on {date}"),
            gettext("New submissions on {date}:\n\n{items}"),
        ),
    }


def _page_texts(page, kind: str) -> tuple[str, str]:
    """The editors' subject and body for `kind` on the page (in its language), if any."""
    if page is None:
        return "", ""
    prefix = "confirmation" if kind in CONFIRMATION_KINDS else kind
    return (
        getattr(page, f"{prefix}_subject", "") or "",
        getattr(page, f"{prefix}_body", "") or "",
    )


def _localised_page(submission, language: str):
    page = submission.page.specific if submission and submission.page else None
    if page is None:
        return None
    if page.locale.language_code == language:
        return page
    translated = page.get_translation_or_none(_locale(language))
    return translated.specific if translated else page


def _locale(language: str):
    from wagtail.models import Locale

    return Locale.objects.filter(language_code=language).first()


def site_url() -> str:
    return (get_setting("SITE_URL") or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def _values(notification: Notification, page) -> dict[str, str]:
    from .screening import applicant_name

    submission = notification.submission
    values: dict[str, str] = {}
    if submission is not None:
        screening = submission.screening or {}
        values = {
            "name": applicant_name(submission),
            "reference": submission.reference,
            "form": page.title if page else "",
            "outcome": str(screening.get("outcome", "")),
            "link": "",
            "reason": "",
            "message": "",
        }
        if notification.kind == NotificationKind.NEWSLETTER_CONFIRMATION:
            from .newsletter import confirmation_url

            values["link"] = site_url() + confirmation_url(submission)
        elif notification.kind == NotificationKind.STAFF_ALERT:
            from django.urls import reverse

            values["link"] = site_url() + reverse(
                "membership_forms_submission", args=(submission.pk,)
            )
    values.update({key: str(value) for key, value in (notification.context or {}).items()})
    return values


def render_notification(notification: Notification) -> EmailMultiAlternatives:
    """The email, text and HTML, in the notification's language."""
    language = notification.language or settings.LANGUAGE_CODE
    with translation.override(language):
        page = _localised_page(notification.submission, language)
        subject, body = _page_texts(page, notification.kind)
        context = notification.context or {}
        default_subject, default_body = _default_texts(context).get(
            notification.kind, (context.get("subject", ""), context.get("body", ""))
        )
        subject = subject or context.get("subject") or default_subject
        body = body or context.get("body") or default_body
        if notification.kind == NotificationKind.NEWSLETTER_CONFIRMATION and "{link}" not in body:
            body += "\n\n{link}"
        values = _values(notification, page)
        subject_text = " ".join(fill(subject, values, escape=False).split())[:255]
        text = fill(body, values, escape=False)
        html_body = render_to_string(
            "membership_forms/emails/message.html",
            {
                "subject": subject_text,
                "body": mark_safe(fill(body, values, escape=True).replace("\n", "<br>\n")),
                "language": language,
                "rtl": translation.get_language_bidi(),
            },
        )
    message = EmailMultiAlternatives(
        subject=subject_text,
        body=text,
        to=split_recipients(notification.recipient),
        connection=get_connection(),
    )
    message.attach_alternative(html_body, "text/html")
    message.extra_headers["Content-Language"] = language
    return message


# --- Delivery ---------------------------------------------------------------------------


def deliver_notification(notification_id: int) -> bool:
    """Send one recorded email unless it was sent already; SMTP errors propagate (retry).

    The row is marked `sent` before the message goes out, in a savepoint of the locking
    transaction, so the commit follows the SMTP server's acceptance at once; the session
    is closed (QUIT) only after the commit. A process killed before the commit leaves the
    row `pending`; the window for a second copy is the commit's round trip alone.
    """
    error: Exception | None = None
    connection = None
    try:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(of=("self",))
                .select_related("submission", "submission__page")
                .filter(pk=notification_id)
                .first()
            )
            if notification is None or notification.status != NotificationStatus.PENDING:
                return False
            savepoint = None
            try:
                message = render_notification(notification)
                connection = message.get_connection()
                connection.open()  # send() leaves a connection it did not open open
                savepoint = transaction.savepoint()
                notification.status = NotificationStatus.SENT
                notification.sent_at = timezone.now()
                notification.subject = message.subject
                notification.attempts += 1
                notification.last_error = ""
                notification.save(
                    update_fields=["status", "sent_at", "subject", "attempts", "last_error"]
                )
                message.send()
            except Exception as exc:  # recorded, then raised again for the task's retry
                error = exc
                if savepoint is not None:
                    transaction.savepoint_rollback(savepoint)
                notification.refresh_from_db()
                notification.attempts += 1
                notification.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
                notification.save(update_fields=["attempts", "last_error"])
    finally:
        if connection is not None:
            connection.close()
    if error is not None:
        raise error
    return True


def stalled_notification_ids(limit: int = 500) -> list[int]:
    """Emails still pending long after they were queued: their message was lost."""
    from datetime import timedelta

    cutoff = timezone.now() - timedelta(seconds=get_setting("NOTIFICATION_REQUEUE_AFTER"))
    return list(
        Notification.objects.filter(status=NotificationStatus.PENDING, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def mark_notification_failed(notification_id: int, error: str) -> bool:
    """After the last retry: `failed`, with the error, for staff to see."""
    updated = Notification.objects.filter(
        pk=notification_id, status=NotificationStatus.PENDING
    ).update(status=NotificationStatus.FAILED, last_error=error[:2000])
    return bool(updated)


def retry_notification(notification_id: int) -> bool:
    """Staff's retry of a failed email: pending again and announced after commit."""
    with transaction.atomic():
        updated = Notification.objects.filter(
            pk=notification_id, status=NotificationStatus.FAILED
        ).update(status=NotificationStatus.PENDING)
        if updated:
            transaction.on_commit(lambda: _announce(notification_id), robust=True)
    return bool(updated)
