"""The site's own emails (the sign-in code, the note to an unknown address), sent by the
workers: a visitor never waits on a mail server (docs/reliability.md).

The message is rendered in the request, in the visitor's language, and handed over
whole. A mail server's outage is retried with backoff; a broker out of reach at the
moment of the request costs the visitor nothing but this email (logged): they ask again.
"""

from __future__ import annotations

import logging
import smtplib
from functools import partial
from typing import Any

from anymail.exceptions import AnymailAPIError
from celery import shared_task
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

logger = logging.getLogger(__name__)


@shared_task(
    name="tasks.mail.send_email",
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError, AnymailAPIError),
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
)
def send_email(message: dict[str, Any]) -> None:
    """Send one rendered message (`as_fields`)."""
    alternatives = message.pop("alternatives", [])
    email = EmailMultiAlternatives(**message)
    for content, mimetype in alternatives:
        email.attach_alternative(content, mimetype)
    email.send()


def as_fields(message: EmailMessage) -> dict[str, Any]:
    """A rendered message as the task's JSON argument (text parts only)."""
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
    }


def _queue(fields: dict[str, Any]) -> None:
    try:
        send_email.apply_async((fields,), retry=False)
    except Exception:
        logger.exception("Could not queue the email %r to %s", fields["subject"], fields["to"])


def send_later(message: EmailMessage) -> None:
    """Hand `message` to the workers after commit (at once outside a transaction)."""
    transaction.on_commit(partial(_queue, as_fields(message)))
