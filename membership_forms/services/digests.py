"""Daily digests for staff who prefer one email a day to one per submission."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import kinds
from ..models import Notification, NotificationKind, Submission
from ..models.pages import split_recipients
from .notifications import announce_after_commit


def queue_staff_digests(day: date | None = None) -> int:
    """One digest per recipient for the day's screened submissions; idempotent per day."""
    day = day or timezone.localdate() - timedelta(days=1)
    forms: dict = {}
    for model in kinds.page_models():
        for page in model.objects.filter(staff_digest=True).exclude(staff_recipients=""):
            forms.setdefault(page.translation_key, page)
    items: dict[str, list[str]] = {}
    submissions = Submission.objects.filter(
        form_key__in=list(forms), processed_at__date=day
    ).order_by("processed_at")
    for submission in submissions:
        page = forms[submission.form_key]
        outcome = (submission.screening or {}).get("outcome", "")
        line = f"- {submission.reference} ({page.title}): {outcome}"
        for address in split_recipients(page.staff_recipients):
            items.setdefault(address, []).append(line)
    queued: list[int] = []
    for address, lines in items.items():
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    submission=None,
                    kind=NotificationKind.DIGEST,
                    discriminator=f"{day.isoformat()}:{address}"[:100],
                    recipient=address,
                    language=settings.LANGUAGE_CODE,
                    context={"date": day.isoformat(), "items": "\n".join(lines)},
                )
        except IntegrityError:  # already queued for this day
            continue
        queued.append(notification.pk)
    announce_after_commit(queued)  # one task, one SMTP connection for the day's digests
    return len(queued)
