"""Retention: declined and withdrawn applicants' personal data is removed after a while.

What stays is anonymous: the review row (queue, outcome, reason codes, status, country,
region, submission month) and the audit log, whose entries carry codes and ids only.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from ..conf import get_setting
from ..models import Review, ReviewStatus
from .submissions import private_storage

PURGED_STATUSES = (ReviewStatus.DECLINED, ReviewStatus.WITHDRAWN)
# A purge deletes a few files per row: 200 rows took well under a second on the
# development machine, short enough for one task run.
BATCH = 200


def purge_expired_applicants(now: datetime | None = None, batch: int = BATCH) -> int:
    """Empty the answers and delete the files of decisions older than RETENTION_DAYS."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=get_setting("RETENTION_DAYS"))
    ids = list(
        Review.objects.filter(
            status__in=PURGED_STATUSES, decided_at__lt=cutoff, purged_at__isnull=True
        ).values_list("pk", flat=True)[:batch]
    )
    for review_id in ids:
        _purge(review_id, now)
    return len(ids)


@transaction.atomic
def _purge(review_id: int, now: datetime) -> None:
    review = (
        Review.objects.select_for_update()
        .select_related("submission")
        .filter(pk=review_id, purged_at__isnull=True)
        .first()
    )
    if review is None:
        return
    submission = review.submission
    storage = private_storage()
    names = [stored.stored_name for stored in submission.files.all()]
    files = len(names)
    submission.files.all().delete()
    submission.payload = {}
    if submission.screening:
        submission.screening = {
            "outcome": submission.screening.get("outcome", ""),
            "reasons": [
                {"code": reason.get("code", ""), "effect": reason.get("effect", "")}
                for reason in submission.screening.get("reasons", [])
            ],
        }
    submission.request_hash = ""
    submission.client_hash = ""
    submission.idempotency_key = None
    submission.save(
        update_fields=["payload", "screening", "request_hash", "client_hash", "idempotency_key"]
    )
    review.comments.all().delete()
    review.info_requests.all().delete()
    for ballot in review.ballots.all():
        ballot.votes.update(comment="")
    review.purged_at = now
    review.save(update_fields=["purged_at"])
    log(instance=review, action="membership_forms.review.purge", data={"files": files})
    # Files go once the rows are gone for good; a missing file is already what we want.
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
