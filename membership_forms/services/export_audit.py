"""Every row a listing exports is in its submission's audit log (docs/security.md)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.log_actions import get_active_log_context

from ..models import Review, Submission
from ..models.audit import ReviewLogEntry, SubmissionLogEntry


def record_exports(rows: Iterable[tuple[Submission, dict]], user, file_format: str) -> None:
    """One entry per exported submission, where `record_submission_access` puts it (on
    its review when it is in a queue, else on the submission), written together: an
    export is thousands of rows, not one query each. Each row's dict joins the entry's
    data (the donation's id, say)."""
    now, context = timezone.now(), get_active_log_context()
    types = ContentType.objects.get_for_models(Review, Submission, for_concrete_models=False)
    in_queues, outside = [], []
    for submission, data in rows:
        review = getattr(submission, "review", None)
        common = {
            "timestamp": now,
            "user": user,
            "uuid": context.uuid,
            "data": {**data, "format": file_format},
        }
        if review is not None:
            in_queues.append(
                ReviewLogEntry(
                    content_type=types[Review],
                    label=str(review),
                    action="membership_forms.review.export",
                    object_id=str(review.pk),
                    queue=review.queue,
                    **common,
                )
            )
        else:
            outside.append(
                SubmissionLogEntry(
                    content_type=types[Submission],
                    label=str(submission),
                    action="membership_forms.submission.export",
                    object_id=str(submission.pk),
                    kind=submission.kind,
                    **common,
                )
            )
    ReviewLogEntry.objects.bulk_create(in_queues, batch_size=1000)
    SubmissionLogEntry.objects.bulk_create(outside, batch_size=1000)
