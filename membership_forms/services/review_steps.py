"""The frame every reviewer's action shares: who may act, which workflow row applies,
the row lock, the audit log, and closing a review once it is decided.

`services/reviews.py` (opening and the reviewers' actions), `services/ballots.py`
(committee votes) and `services/review_reminders.py` (periodic work) build on it; the
rows themselves are `workflow.STEPS`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from .. import kinds, signals, workflow
from ..models.access import (  # noqa: F401  (services.reviews offers them to callers)
    can_review,
    can_see_queue,
    can_see_submission,
    can_vote,
    reviews_visible_to,
    visible_kinds,
    visible_queues,
)
from ..models.directory import DirectoryCategory, DirectoryEntry
from ..models.reviews import Review, ReviewStatus
from ..models.submissions import SubmissionStatus
from ..workflow import RESUME, Step, Who
from .notifications import queue_notification
from .organisations import create_organisation

if TYPE_CHECKING:
    from ..models import Submission

S = ReviewStatus


SUBMISSION_STATUS: dict[str, str] = {
    S.APPROVED: SubmissionStatus.APPROVED,
    S.DECLINED: SubmissionStatus.DECLINED,
    S.WITHDRAWN: SubmissionStatus.WITHDRAWN,
}


class TransitionNotAllowed(Exception):
    """The action does not apply to the review in its current state."""


def step_for(review: Review, action: str) -> Step:
    """The workflow row `action` takes from where `review` stands, or TransitionNotAllowed."""
    step = workflow.step_for(review.status, action, review.queue)
    if step is None:
        raise TransitionNotAllowed(f"{action} is not allowed from {review.status}")
    return step


def next_status(review: Review, action: str) -> str:
    """The status `action` leads to from where `review` stands, or TransitionNotAllowed."""
    target = step_for(review, action).target
    if target == RESUME:
        return review.resume_status or S.SCREENING
    return target


def allowed_steps(review: Review, user) -> list[Step]:
    """The steps `user` may take on `review` now: its buttons, and the API's `actions`."""
    if not can_review(user, review.queue):
        return []
    return workflow.steps_from(review.status, review.queue)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _lock(review_id: int) -> Review:
    return Review.objects.select_for_update().select_related("submission").get(pk=review_id)


def _log(review: Review, action: str, user=None, **data: Any) -> None:
    log(instance=review, action=f"membership_forms.review.{action}", user=user, data=data)


def _move(review: Review, action: str, now: datetime | None = None) -> str:
    """Apply `action` to `review` in memory (the caller saves)."""
    previous = review.status
    review.status = next_status(review, action)
    review.status_changed_at = now or timezone.now()
    return previous


@dataclass
class _Transition:
    """One reviewer's action in progress, yielded by `_transition`.

    The body may change more fields of `review` (name them in `fields`) and add to what
    is logged (`log`); both are written when the block ends.
    """

    review: Review
    previous: str
    now: datetime
    fields: list[str] = field(default_factory=list)
    log: dict[str, Any] = field(default_factory=dict)


@contextmanager
def _transition(review_id: int, user, action: str) -> Iterator[_Transition]:
    """Lock the review, check `user` may act on its queue and apply `action` to it.

    On leaving the block the status (and the body's `fields`) are saved and the action is
    logged as `membership_forms.review.<action>`. Call inside a transaction; an exception
    in the body writes nothing.
    """
    review = _lock(review_id)
    _require(can_review(user, review.queue))
    row = step_for(review, action)
    _require(row.who == Who.REVIEWER)
    now = timezone.now()
    step = _Transition(review=review, previous=_move(review, action, now), now=now)
    yield step
    review.save(update_fields=["status", "status_changed_at", *step.fields])
    _log(review, row.logged_as, user, **step.log)


def _apply(review_id: int, user, action: str) -> _Transition:
    """`_transition` for an action that changes nothing but the status."""
    with _transition(review_id, user, action) as step:
        pass
    return step


def _form_page(submission: Submission):
    return submission.page.specific if submission.page else None


def close_review(review: Review, user, now: datetime) -> None:
    """A terminal state was reached: record it, list approved organisations, tell people."""
    submission = review.submission
    review.decided_at = now
    review.decided_by = user
    review.save(update_fields=["decided_at", "decided_by"])
    submission.set_status(SUBMISSION_STATUS[review.status], user=user)
    category = kinds.get(submission.kind).directory_category
    if review.status == S.APPROVED and category:
        _list_in_directory(review, category)
    if review.status in (S.APPROVED, S.DECLINED):
        reason = review.decline_reason
        if reason is not None:
            reason = reason.get_translation_or_none(_locale(submission.locale)) or reason
        queue_notification(
            submission,
            "decision",
            context={
                "decision": review.status,
                "reason": reason.text if reason is not None else "",
            },
        )
    submission_id, status = submission.pk, review.status
    transaction.on_commit(
        lambda: signals.submission_decided.send(
            sender=Review, submission_id=submission_id, status=status
        )
    )


def _locale(language: str):
    from wagtail.models import Locale

    return Locale.objects.filter(language_code=language).first() or Locale.get_default()


def _list_in_directory(review: Review, category: str) -> None:
    payload = review.submission.payload or {}
    entry, _created = DirectoryEntry.objects.update_or_create(
        submission=review.submission,
        defaults={
            "organisation_name": str(payload.get("organisation_name", ""))[:200],
            "category": DirectoryCategory(category),
            "country": review.country,
            "region": review.region,
            "website": str(payload.get("website") or "")[:500],
        },
    )
    create_organisation(review.submission, entry)
