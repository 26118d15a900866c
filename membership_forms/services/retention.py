"""Retention: personal data is removed once nobody needs it any more.

- Declined and withdrawn applicants: `RETENTION_DAYS` after the decision.
- Messages (kinds declared with `Retention.RECEIPT`, the contact form):
  `RETENTION_DAYS` after they arrived.
- Newsletter subscribers: for as long as they stay subscribed.
- Donors: `DONATION_RETENTION_DAYS` after their last paid gift (the accounts and tax
  receipts must be kept for years), `UNPAID_DONATION_RETENTION_DAYS` after a gift that
  was never paid; never while a monthly gift is active.
- Queue exports (files full of answers): `EXPORT_RETENTION_DAYS` after they were made.
- Stripe's event payloads (they carry the donor's name and email): processed ones,
  `STRIPE_EVENT_RETENTION_DAYS` after they arrived.

What stays is anonymous: the review row (queue, outcome, reason codes, status, country,
region, submission month), each donation's amount, currency, status, dates, Stripe ids
and receipt number, each email's kind, status and dates, and the audit log, whose
entries carry codes and ids only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from wagtail.log_actions import log

from .. import kinds
from ..conf import get_setting
from ..kinds import Retention
from ..models import (
    Donation,
    DonationSubscription,
    Export,
    Review,
    ReviewStatus,
    StripeEvent,
    Submission,
    SubmissionStatus,
)
from .submissions import private_storage

PURGED_STATUSES = (ReviewStatus.DECLINED, ReviewStatus.WITHDRAWN)
# A purge deletes a few files per row: 200 rows took well under a second on the
# development machine, short enough for one task run.
BATCH = 200
# What a donation's submission keeps: the gift, not the giver.
DONATION_KEPT = ("amount", "currency", "frequency")


def _kinds_kept(retention: str) -> list[str]:
    """The kinds whose answers are kept the `retention` way (KindSpec.retention)."""
    return [spec.key for spec in kinds.all() if spec.retention == retention]


def purge_expired_applicants(now: datetime | None = None, batch: int = BATCH) -> int:
    """Empty the answers and delete the files of decisions older than RETENTION_DAYS, and
    of messages (kinds kept until receipt + RETENTION_DAYS) older than that."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=get_setting("RETENTION_DAYS"))
    ids = list(
        Review.objects.filter(
            status__in=PURGED_STATUSES, decided_at__lt=cutoff, purged_at__isnull=True
        ).values_list("pk", flat=True)[:batch]
    )
    for review_id in ids:
        _purge(review_id, now)
    return len(ids) + purge_expired_messages(now, batch)


def purge_expired_messages(now: datetime | None = None, batch: int = BATCH) -> int:
    """Empty the answers of submissions kept `Retention.RECEIPT` (the contact form's
    messages) RETENTION_DAYS after they arrived; nobody decides on them."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=get_setting("RETENTION_DAYS"))
    ids = list(
        Submission.objects.filter(kind__in=_kinds_kept(Retention.RECEIPT), submitted_at__lt=cutoff)
        .exclude(payload={})
        .exclude(status=SubmissionStatus.RECEIVED)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch]
    )
    for submission_id in ids:
        with transaction.atomic():
            submission = Submission.objects.select_for_update().filter(pk=submission_id).first()
            if submission is None or not submission.payload:
                continue
            files = _forget_submission(submission, now)
            log(
                instance=submission,
                action="membership_forms.submission.purge",
                data={"files": files},
            )
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
    files = _forget_submission(review.submission, now)
    log(instance=review, action="membership_forms.review.purge", data={"files": files})


def _forget_submission(submission: Submission, now: datetime, keep: tuple[str, ...] = ()) -> int:
    """Inside a transaction: remove a submission's personal data (answers but `keep`,
    files, hashes, its emails' addresses and contents, its review's comments, requests
    and vote comments); the number of files deleted once the transaction commits."""
    storage = private_storage()
    names = [stored.stored_name for stored in submission.files.all()]
    submission.files.all().delete()
    submission.payload = {key: submission.payload[key] for key in keep if key in submission.payload}
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
    # The emails stay as a record that they went out (kind, status, dates), to nobody known.
    submission.notifications.update(recipient="", context={}, subject="", last_error="")
    review = Review.objects.select_for_update().filter(submission=submission).first()
    if review is not None:
        review.comments.all().delete()
        review.info_requests.all().delete()
        for ballot in review.ballots.all():
            ballot.votes.update(comment="")
        review.purged_at = now
        review.save(update_fields=["purged_at"])
    # Files go once the rows are gone for good; a missing file is already what we want.
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return len(names)


def purge_expired_donations(now: datetime | None = None, batch: int = BATCH) -> int:
    """Remove the donor's personal data from gifts past their retention period; the number
    of donation submissions purged."""
    now = now or timezone.now()
    paid_cutoff = now - timedelta(days=get_setting("DONATION_RETENTION_DAYS"))
    unpaid_cutoff = now - timedelta(days=get_setting("UNPAID_DONATION_RETENTION_DAYS"))
    ids = list(
        Submission.objects.filter(kind__in=_kinds_kept(Retention.DONOR))
        .annotate(
            last_paid=Max("donations__paid_at"),
            last_created=Max("donations__created_at"),
            waiting=Count("donations", filter=Q(donations__purged_at__isnull=True)),
        )
        .filter(waiting__gt=0)
        .filter(
            Q(last_paid__lt=paid_cutoff) | Q(last_paid__isnull=True, last_created__lt=unpaid_cutoff)
        )
        .exclude(subscription__status=DonationSubscription.Status.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch]
    )
    for submission_id in ids:
        _purge_donor(submission_id, now)
    return len(ids)


@transaction.atomic
def _purge_donor(submission_id: int, now: datetime) -> None:
    submission = Submission.objects.select_for_update().filter(pk=submission_id).first()
    if submission is None:
        return
    Donation.objects.filter(submission=submission).update(
        donor_name="",
        donor_email="",
        dedication="",
        client_hash="",
        checkout_url="",
        checkout_error="",
        purged_at=now,
    )
    DonationSubscription.objects.filter(submission=submission).update(
        donor_email="", stripe_customer_id=""
    )
    _forget_submission(submission, now, keep=DONATION_KEPT)


def purge_old_exports(now: datetime | None = None, batch: int = BATCH) -> int:
    """Delete export files older than EXPORT_RETENTION_DAYS; the row (who exported which
    queue, when, how many rows) stays for the audit log."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=get_setting("EXPORT_RETENTION_DAYS"))
    storage = private_storage()
    ids = list(
        Export.objects.filter(created_at__lt=cutoff)
        .exclude(stored_name="")
        .values_list("pk", flat=True)[:batch]
    )
    for export_id in ids:
        with transaction.atomic():
            export = Export.objects.select_for_update().filter(pk=export_id).first()
            if export is None or not export.stored_name:
                continue
            name = export.stored_name
            export.stored_name = ""
            export.save(update_fields=["stored_name"])
            transaction.on_commit(partial(storage.delete, name))
    return len(ids)


def purge_stripe_event_payloads(now: datetime | None = None, batch: int = 1000) -> int:
    """Empty the payloads of Stripe events processed (or ignored) long ago: Stripe keeps
    them; a replay of one that old is not wanted. Id, type and status stay."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=get_setting("STRIPE_EVENT_RETENTION_DAYS"))
    ids = list(
        StripeEvent.objects.filter(
            status__in=[StripeEvent.Status.PROCESSED, StripeEvent.Status.IGNORED],
            received_at__lt=cutoff,
        )
        .exclude(payload={})
        .values_list("pk", flat=True)[:batch]
    )
    return StripeEvent.objects.filter(pk__in=ids).update(payload={})
