"""Whose submissions are whose: an applicant is known by the address they gave.

The plugin asks only Django's auth for the person (`request.user`); the site decides how
they prove the address (docs/members.md). Each kind names its address field
(`KindSpec.email_field`), so one query finds every submission of an address.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from . import kinds
from .models import Submission
from .models.reviews import ReviewStatus
from .models.submissions import SubmissionStatus


def submissions_of(email: str) -> QuerySet[Submission]:
    """Every submission whose address is `email` (letter case ignored), newest first."""
    email = (email or "").strip()
    if not email:
        return Submission.objects.none()
    condition = Q()
    for spec in kinds.all():
        condition |= Q(kind=spec.key, **{f"payload__{spec.email_field}__iexact": email})
    return Submission.objects.filter(condition)


def is_known_address(email: str) -> bool:
    """Whether anyone applied, donated or subscribed with this address."""
    return submissions_of(email).exists()


# --- Where an application stands, in the applicant's words ----------------------------

RECEIVED = "received"
SCREENED = "screened"
SECRETARIAT = "secretariat"
COMMITTEE = "committee"
DECIDED = "decided"

STEP_NAMES = {
    RECEIVED: _("Received"),
    SCREENED: _("Screened"),
    SECRETARIAT: _("With the Secretariat"),
    COMMITTEE: _("With the Steering Committee"),
    DECIDED: _("Decided"),
}

_WITH_COMMITTEE = {ReviewStatus.COMMITTEE_VOTE, ReviewStatus.NO_QUORUM}
_DECIDED = {ReviewStatus.APPROVED, ReviewStatus.DECLINED, ReviewStatus.WITHDRAWN}


@dataclass(frozen=True)
class Progress:
    """The steps an application goes through (the Committee's only for kinds it votes
    on), the one it has reached, and its status in words."""

    steps: tuple[str, ...]
    current: str
    status: str

    @property
    def bar(self) -> list[tuple[str, str, bool, bool]]:
        """(key, name, done or current, current) for each step, in order."""
        reached = self.steps.index(self.current)
        return [
            (key, str(STEP_NAMES[key]), index <= reached, index == reached)
            for index, key in enumerate(self.steps)
        ]

    @property
    def percent(self) -> int:
        return round(100 * (self.steps.index(self.current) + 1) / len(self.steps))


def progress_of(submission: Submission) -> Progress:
    """Where `submission` stands. Kinds nobody reviews stop at "screened"."""
    spec = kinds.get(submission.kind)
    review = getattr(submission, "review", None) if spec.queue else None
    steps: tuple[str, ...] = (RECEIVED, SCREENED)
    if spec.queue:
        steps += (
            (SECRETARIAT, COMMITTEE, DECIDED)
            if spec.committee_vote
            else (
                SECRETARIAT,
                DECIDED,
            )
        )
    status = str(SubmissionStatus(submission.status).label)
    if submission.status == SubmissionStatus.RECEIVED:
        current = RECEIVED
    elif review is None:
        current = DECIDED if submission.status in _DECIDED and spec.queue else SCREENED
    elif review.status in _DECIDED:
        current = DECIDED
        status = str(ReviewStatus(review.status).label)
    elif review.status in _WITH_COMMITTEE and COMMITTEE in steps:
        current = COMMITTEE
    else:
        current = SECRETARIAT
        if review.status == ReviewStatus.INFO_REQUESTED:
            status = str(ReviewStatus.INFO_REQUESTED.label)
    return Progress(steps=steps, current=current, status=status)
