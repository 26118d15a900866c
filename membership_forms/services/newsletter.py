"""Newsletter double opt-in: the signed link, the confirmation, and the purge of the rest."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ..conf import get_setting
from ..kinds.newsletter import SPEC as NEWSLETTER
from ..models import NewsletterConsent, Submission, SubmissionStatus

SALT = "membership_forms.newsletter_confirm"


def confirmation_token(submission: Submission) -> str:
    return signing.dumps(submission.pk, salt=SALT)


def confirmation_url(submission: Submission) -> str:
    return reverse("membership_forms:newsletter_confirm", args=(confirmation_token(submission),))


def submission_for_token(token: str) -> Submission | None:
    """The sign-up the link names, while the link is valid; None otherwise."""
    max_age = get_setting("NEWSLETTER_CONFIRM_DAYS") * 24 * 3600
    try:
        pk = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return Submission.objects.filter(pk=pk, kind=NEWSLETTER.key).first()


UNSUBSCRIBE_SALT = "membership_forms.newsletter_unsubscribe"


def unsubscribe_token(submission: Submission) -> str:
    """Never expires: a link to leave a list must work as long as mail from it arrives."""
    return signing.dumps(submission.pk, salt=UNSUBSCRIBE_SALT)


def submission_to_unsubscribe(token: str) -> Submission | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Submission.objects.filter(pk=pk, kind=NEWSLETTER.key).first()


def unsubscribe(submission_id: int) -> bool:
    """End a sign-up, confirmed or not; False when it had already ended."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().filter(pk=submission_id).first()
        if submission is None or submission.status == SubmissionStatus.UNSUBSCRIBED:
            return False
        submission.set_status(SubmissionStatus.UNSUBSCRIBED)
    return True


def hash_ip(ip: str) -> str:
    """Enough to show the consent came from somewhere, not enough to say from whom."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest() if ip else ""


def confirm_subscription(submission_id: int, ip: str = "") -> bool:
    """Record the consent once; False when it was confirmed already or is not waiting."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().filter(pk=submission_id).first()
        if submission is None or submission.status != SubmissionStatus.PENDING_CONFIRMATION:
            return False
        submission.set_status(SubmissionStatus.CONFIRMED)
        NewsletterConsent.objects.create(
            submission=submission, confirmed_at=timezone.now(), ip_hash=hash_ip(ip)
        )
    return True


def purge_unconfirmed(now=None) -> int:
    """Delete sign-ups never confirmed within NEWSLETTER_CONFIRM_DAYS (their emails go too)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=get_setting("NEWSLETTER_CONFIRM_DAYS"))
    stale = Submission.objects.filter(
        kind=NEWSLETTER.key,
        status=SubmissionStatus.PENDING_CONFIRMATION,
        submitted_at__lt=cutoff,
    )
    _total, by_model = stale.delete()
    return by_model.get(Submission._meta.label, 0)
