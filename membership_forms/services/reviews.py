"""Review queues: where people decide on screened submissions.

`open_review` is called by the screening service once a submission's screening result is
stored, inside the same transaction. It places the submission in its review queue when a
person must decide, and says whether it did.

Every other service here is one action of a reviewer: it locks the review, checks the
user's permission and the transition table, writes, logs to Wagtail's audit log
(`membership_forms.review.*`) and, for decisions, queues the decision email and sends
`submission_decided` on commit. The actions that move a review share that frame through
`_transition` (services/review_steps.py); each keeps only its own step (open a ballot,
close the review). Committee votes are in services/ballots.py, the periodic work in
services/review_reminders.py; this module re-exports them. The steps themselves (from,
to, who, which service, the button, the log) are rows of `workflow.STEPS`;
membership reaches `approved` only through a ballot, as the rows say.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Locale

from .. import kinds, signals
from ..links import absolute
from ..models.reviews import (
    CLOSED_STATUSES,
    DeclineReason,
    InformationRequest,
    Review,
    ReviewComment,
)
from ..models.submissions import SubmissionStatus
from ..regions import region_for
from ..workflow import Action
from .ballots import (
    cast_vote,
    close_expired_ballots,
    committee_members,
    open_ballot,
    steps_open_now,
    tally,
    vote_shortfall,
)
from .notifications import queue_notification
from .review_reminders import (
    flag_closed_terms,
    queue_reviewers,
    reminder_recipients,
    send_review_reminders,
)
from .review_steps import (
    SUBMISSION_STATUS,
    S,
    TransitionNotAllowed,
    _apply,
    _form_page,
    _lock,
    _log,
    _move,
    _require,
    _transition,
    allowed_steps,
    can_review,
    can_see_queue,
    can_see_submission,
    can_vote,
    close_review,
    next_status,
    reviews_visible_to,
    step_for,
    visible_kinds,
    visible_queues,
)

if TYPE_CHECKING:
    from ..models import Submission

# The public face of the review services: views, tasks and tests import from here.
__all__ = [
    "SUBMISSION_STATUS",
    "TransitionNotAllowed",
    "allowed_steps",
    "answer_information_request",
    "approve_affiliation",
    "approve_review",
    "assign_review",
    "can_review",
    "can_see_queue",
    "can_see_submission",
    "can_vote",
    "cast_vote",
    "close_expired_ballots",
    "comment_on_review",
    "committee_members",
    "decline_reasons_for",
    "decline_review",
    "find_information_request",
    "flag_closed_terms",
    "info_request_url",
    "next_status",
    "open_review",
    "queue_reviewers",
    "record_access",
    "record_rescreening",
    "record_submission_access",
    "reminder_recipients",
    "reopen_vote",
    "request_information",
    "reviews_visible_to",
    "send_review_reminders",
    "step_for",
    "steps_open_now",
    "tally",
    "visible_kinds",
    "visible_queues",
    "vote_shortfall",
    "withdraw_review",
]

INFO_REQUEST_DAYS = 30


# --- Opening ---------------------------------------------------------------------------


def open_review(submission: Submission) -> bool:
    """Place `submission` in its review queue; False when nobody needs to decide.

    Called inside the screening transaction with `submission.screening` set. It sets
    `submission.status` when it opens a review; the caller saves the submission.
    """
    screening = submission.screening or {}
    codes = [reason.get("code", "") for reason in screening.get("reasons", [])]
    spec = kinds.get(submission.kind)
    if not spec.needs_review(codes):
        return False
    queue = spec.queue
    if Review.objects.filter(submission=submission).exists():
        return True
    needs_affiliation = any(code in codes for code in spec.affiliation_codes)
    payload = submission.payload or {}
    country = str(payload.get("headquarters_country") or "").upper()[:2]
    now = timezone.now()
    review = Review.objects.create(
        submission=submission,
        queue=queue,
        status=S.AFFILIATION if needs_affiliation else S.SCREENING,
        status_changed_at=now,
        needs_affiliation=needs_affiliation,
        outcome=str(screening.get("outcome", "")),
        reason_codes=codes,
        country=country,
        region=region_for(country),
        term=str(payload.get("term") or "")[:20],
        submitted_at=submission.submitted_at or now,
    )
    submission.set_status(SubmissionStatus.IN_REVIEW, save=False)
    _log(review, "open", queue=queue, status=review.status)
    # A page may let eligible applications through at once (the NGO Supporters' form).
    if review.outcome == "eligible" and getattr(
        _form_page(submission), "auto_approve_eligible", False
    ):
        _move(review, Action.APPROVE, now)
        review.save(update_fields=["status", "status_changed_at"])
        _log(review, "approve", automatic=True)
        close_review(review, user=None, now=now)
    return True


# --- Reviewers' actions -----------------------------------------------------------------


@transaction.atomic
def assign_review(review_id: int, user, assignee) -> Review:
    review = _lock(review_id)
    _require(can_review(user, review.queue))
    if assignee is not None:
        _require(can_review(assignee, review.queue) or can_see_queue(assignee, review.queue))
    review.assigned_to = assignee
    review.save(update_fields=["assigned_to"])
    _log(review, "assign", user, assignee=assignee.pk if assignee else None)
    return review


@transaction.atomic
def comment_on_review(review_id: int, user, text: str) -> ReviewComment:
    review = _lock(review_id)
    _require(can_see_queue(user, review.queue))
    comment = ReviewComment.objects.create(review=review, author=user, text=text)
    _log(review, "comment", user, comment=comment.pk)
    return comment


def _token_hash(token: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"info-request:{token}".encode(), hashlib.sha256
    ).hexdigest()


def info_request_url(token: str) -> str:
    return absolute(reverse("membership_forms:info_request", args=[token]))


@transaction.atomic
def request_information(
    review_id: int, user, message: str, fields: list[str]
) -> tuple[InformationRequest, str]:
    """Ask the applicant for more; they answer once through the link in the email."""
    with _transition(review_id, user, Action.REQUEST_INFO) as step:
        review = step.review
        review.resume_status = step.previous
        step.fields.append("resume_status")
        token = secrets.token_urlsafe(32)
        request = InformationRequest.objects.create(
            review=review,
            requested_by=user,
            message=message,
            fields=list(fields),
            token_hash=_token_hash(token),
            expires_at=timezone.now() + timedelta(days=INFO_REQUEST_DAYS),
        )
        step.log.update(request=request.pk, fields=list(fields))
    queue_notification(
        review.submission,
        "info_request",
        discriminator=str(request.pk),
        context={"link": info_request_url(token), "message": message},
    )
    return request, token


def find_information_request(token: str) -> InformationRequest | None:
    """The open, unexpired request for `token`, or None."""
    return (
        InformationRequest.objects.select_related("review__submission__page")
        .filter(
            token_hash=_token_hash(token), answered_at__isnull=True, expires_at__gt=timezone.now()
        )
        .first()
    )


@transaction.atomic
def answer_information_request(
    token: str, answers: dict[str, Any], corrections: dict[str, Any] | None = None
) -> Review | None:
    """Store the applicant's answers under payload["additional"] and resume the review.

    `corrections` are answers to the form's own fields, validated as the form validates
    them: they replace the submission's answers, and the submission is screened again
    by the workers (after commit), so the reviewer sees the rules' new results.
    """
    request = (
        InformationRequest.objects.select_for_update().filter(token_hash=_token_hash(token)).first()
    )
    if request is None or request.answered_at or request.expires_at <= timezone.now():
        return None
    review = _lock(request.review_id)
    if review.status in CLOSED_STATUSES:  # decided or withdrawn meanwhile: nothing stored
        return None
    submission = review.submission
    now = timezone.now()
    additional = submission.payload.setdefault("additional", {})
    additional[str(request.pk)] = {key: answers.get(key, "") for key in request.fields}
    submission.payload.update(corrections or {})
    submission.rescreen_requested_at = now
    submission.queued_at = now
    submission.save(update_fields=["payload", "rescreen_requested_at", "queued_at"])
    request.answered_at = now
    request.save(update_fields=["answered_at"])
    if review.status == S.INFO_REQUESTED:
        _move(review, Action.INFO_RECEIVED)
        review.resume_status = ""
        review.save(update_fields=["status", "status_changed_at", "resume_status"])
    _log(review, "info_received", request=request.pk, corrected=sorted(corrections or {}))
    submission_id = submission.pk
    transaction.on_commit(
        lambda: signals.submission_corrected.send_robust(sender=Review, submission_id=submission_id)
    )
    return review


def record_rescreening(submission: Submission) -> None:
    """Inside the screening transaction: the review's copy of the new screening result
    (outcome, reason codes, and the country, region and term a correction may change)."""
    review = Review.objects.select_for_update().filter(submission=submission).first()
    if review is None:
        return
    screening = submission.screening or {}
    payload = submission.payload or {}
    previous = {"previous_outcome": review.outcome, "previous_reasons": review.reason_codes}
    review.outcome = str(screening.get("outcome", ""))
    review.reason_codes = [reason.get("code", "") for reason in screening.get("reasons", [])]
    review.country = str(payload.get("headquarters_country") or "").upper()[:2]
    review.region = region_for(review.country)
    review.term = str(payload.get("term") or "")[:20]
    review.save(update_fields=["outcome", "reason_codes", "country", "region", "term"])
    _log(review, "rescreen", outcome=review.outcome, reasons=review.reason_codes, **previous)


@transaction.atomic
def approve_affiliation(review_id: int, user) -> Review:
    step = _apply(review_id, user, Action.APPROVE_AFFILIATION)
    return step.review


@transaction.atomic
def approve_review(review_id: int, user) -> Review:
    """Secretariat's approval: opens the committee vote for membership, decides otherwise."""
    step = _apply(review_id, user, Action.APPROVE)
    if step.review.status == S.COMMITTEE_VOTE:
        open_ballot(step.review, step.now)
    else:
        close_review(step.review, user, step.now)
    return step.review


@transaction.atomic
def reopen_vote(review_id: int, user) -> Review:
    """After a vote without quorum, the Secretariat opens a new one with a new deadline."""
    step = _apply(review_id, user, Action.REOPEN_VOTE)
    open_ballot(step.review, step.now)
    return step.review


def decline_reasons_for(queue: str, language: str) -> list[DeclineReason]:
    """The reasons a reviewer of `queue` may choose, one per reason: in `language` where
    translated, else in the default language (else in the language it was written in)."""
    default = Locale.get_default().language_code
    chosen: dict = {}

    def rank(reason: DeclineReason) -> tuple[bool, bool]:
        code = reason.locale.language_code
        return (code != language, code != default)

    for reason in DeclineReason.objects.filter(queue=queue).select_related("locale"):
        best = chosen.get(reason.translation_key)
        if best is None or rank(reason) < rank(best):
            chosen[reason.translation_key] = reason
    return sorted(chosen.values(), key=lambda reason: reason.title.casefold())


@transaction.atomic
def decline_review(review_id: int, user, reason_id: int) -> Review:
    with _transition(review_id, user, Action.DECLINE) as step:
        reason = DeclineReason.objects.get(pk=reason_id)
        if reason.queue != step.review.queue:
            raise ValueError(_("This decline reason belongs to another queue: choose another."))
        step.review.decline_reason = reason
        step.fields.append("decline_reason")
        step.log["reason"] = reason.code
    close_review(step.review, user, step.now)
    return step.review


@transaction.atomic
def withdraw_review(review_id: int, user) -> Review:
    """Withdraw at the applicant's request."""
    step = _apply(review_id, user, Action.WITHDRAW)
    for ballot in step.review.ballots.filter(closed_at__isnull=True):
        ballot.closed_at = step.now
        ballot.result = "withdrawn"
        ballot.save(update_fields=["closed_at", "result"])
    close_review(step.review, user, step.now)
    return step.review


def record_access(instance, user, action: str, **data: Any) -> None:
    """Log a view of personal data (`view`, `download`, `export`) on the review's log."""
    _log(instance, action, user, **data)


def record_submission_access(submission: Submission, user, action: str, **data: Any) -> None:
    """Log a view of a submission's personal data where its readers look: on its review
    (the queue's History) when it is in a queue, else on the submission's own log."""
    review = Review.objects.filter(submission=submission).first()
    if review is not None:
        _log(review, action, user, **data)
    else:
        log(
            instance=submission,
            action=f"membership_forms.submission.{action}",
            user=user,
            data=data,
        )
