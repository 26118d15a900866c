"""Review queues: where people decide on screened submissions.

`open_review` is called by the screening service once a submission's screening result is
stored, inside the same transaction. It places the submission in its review queue when a
person must decide, and says whether it did.

Every other service here is one action of a reviewer: it locks the review, checks the
user's permission and the transition table, writes, logs to Wagtail's audit log
(`membership_forms.review.*`) and, for decisions, queues the decision email and sends
`submission_decided` on commit. The actions that move a review share that frame through
`_transition`; each keeps only its own step (open a ballot, close the review).
Membership reaches `approved` only through a ballot: `TRANSITIONS` has no other edge to it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from .. import signals
from ..kinds import FormKind
from ..limits import digest
from ..links import absolute
from ..models.directory import DirectoryCategory, DirectoryEntry
from ..models.reviews import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    QUEUE_PERMISSIONS,
    VOTE_PERMISSION,
    Ballot,
    CommitteeRules,
    DeclineReason,
    InformationRequest,
    Review,
    ReviewComment,
    ReviewQueue,
    ReviewStatus,
    Vote,
    VoteChoice,
)
from ..models.submissions import SubmissionStatus
from ..regions import region_for
from ..voting import Majority, Result, Tally, decide
from .notifications import queue_notification

if TYPE_CHECKING:
    from ..models import Submission

S = ReviewStatus
Q_ = ReviewQueue
ALL = "*"
INFO_REQUEST_DAYS = 30


class Action(StrEnum):
    APPROVE_AFFILIATION = "approve_affiliation"
    APPROVE = "approve"
    BALLOT_APPROVED = "ballot_approved"
    BALLOT_DECLINED = "ballot_declined"
    BALLOT_NO_QUORUM = "ballot_no_quorum"
    REOPEN_VOTE = "reopen_vote"
    DECLINE = "decline"
    REQUEST_INFO = "request_info"
    INFO_RECEIVED = "info_received"
    WITHDRAW = "withdraw"


RESUME = "resume"  # the target of INFO_RECEIVED: the state remembered by the request

# (from, action, queue or ALL) -> to. Nothing else is allowed.
TRANSITIONS: dict[tuple[str, str, str], str] = {
    (S.AFFILIATION, Action.APPROVE_AFFILIATION, ALL): S.SCREENING,
    (S.SCREENING, Action.APPROVE, Q_.MEMBERSHIP): S.COMMITTEE_VOTE,
    (S.SCREENING, Action.APPROVE, Q_.SUPPORTER): S.APPROVED,
    (S.SCREENING, Action.APPROVE, Q_.INTERNSHIP): S.APPROVED,
    (S.SCREENING, Action.APPROVE, Q_.DONATION): S.APPROVED,
    (S.COMMITTEE_VOTE, Action.BALLOT_APPROVED, Q_.MEMBERSHIP): S.APPROVED,
    (S.COMMITTEE_VOTE, Action.BALLOT_DECLINED, Q_.MEMBERSHIP): S.DECLINED,
    (S.COMMITTEE_VOTE, Action.BALLOT_NO_QUORUM, Q_.MEMBERSHIP): S.NO_QUORUM,
    (S.NO_QUORUM, Action.REOPEN_VOTE, Q_.MEMBERSHIP): S.COMMITTEE_VOTE,
    (S.AFFILIATION, Action.DECLINE, ALL): S.DECLINED,
    (S.SCREENING, Action.DECLINE, ALL): S.DECLINED,
    (S.AFFILIATION, Action.REQUEST_INFO, ALL): S.INFO_REQUESTED,
    (S.SCREENING, Action.REQUEST_INFO, ALL): S.INFO_REQUESTED,
    (S.COMMITTEE_VOTE, Action.REQUEST_INFO, ALL): S.INFO_REQUESTED,
    (S.NO_QUORUM, Action.REQUEST_INFO, ALL): S.INFO_REQUESTED,
    (S.INFO_REQUESTED, Action.INFO_RECEIVED, ALL): RESUME,
    **{(status, Action.WITHDRAW, ALL): S.WITHDRAWN for status in OPEN_STATUSES},
}

SUBMISSION_STATUS = {
    S.APPROVED: SubmissionStatus.APPROVED,
    S.DECLINED: SubmissionStatus.DECLINED,
    S.WITHDRAWN: SubmissionStatus.WITHDRAWN,
}

QUEUE_FOR_KIND = {
    FormKind.MEMBERSHIP: Q_.MEMBERSHIP,
    FormKind.SUPPORTER: Q_.SUPPORTER,
    FormKind.INTERNSHIP: Q_.INTERNSHIP,
    FormKind.DONATION: Q_.DONATION,
}


class TransitionNotAllowed(Exception):
    """The action does not apply to the review in its current state."""


def next_status(review: Review, action: str) -> str:
    """The status `action` leads to from where `review` stands, or TransitionNotAllowed."""
    target = TRANSITIONS.get((review.status, action, review.queue)) or TRANSITIONS.get(
        (review.status, action, ALL)
    )
    if target is None:
        raise TransitionNotAllowed(f"{action} is not allowed from {review.status}")
    if target == RESUME:
        return review.resume_status or S.SCREENING
    return target


# --- Permissions ----------------------------------------------------------------------


def _perm(codename: str) -> str:
    return f"membership_forms.{codename}"


def can_review(user, queue: str) -> bool:
    codename = QUEUE_PERMISSIONS.get(queue)
    return bool(codename) and user.has_perm(_perm(codename))


def can_vote(user) -> bool:
    return user.has_perm(_perm(VOTE_PERMISSION))


def visible_queues(user) -> list[str]:
    """Queues `user` may read: their review queues, and membership for committee members."""
    queues = [queue for queue in ReviewQueue.values if can_review(user, queue)]
    if can_vote(user) and ReviewQueue.MEMBERSHIP not in queues:
        queues.append(ReviewQueue.MEMBERSHIP)
    return queues


def can_see_queue(user, queue: str) -> bool:
    return queue in visible_queues(user)


# Readers of the kinds outside the review queues (docs/security.md, "What each role sees").
DONATIONS_PERMISSION = "membership_forms.view_donation"
NEWSLETTER_PERMISSION = "membership_forms.view_newsletter_signups"


def visible_kinds(user) -> list[str]:
    """Kinds of submission `user` may read: each queue's kind for whoever sees the queue;
    donations also for whoever reads the Donations listing (it shows the same donors);
    newsletter sign-ups, which have no queue, only with their own permission."""
    queues = visible_queues(user)
    kinds = [str(kind) for kind, queue in QUEUE_FOR_KIND.items() if queue in queues]
    if FormKind.DONATION not in kinds and user.has_perm(DONATIONS_PERMISSION):
        kinds.append(FormKind.DONATION.value)
    if user.has_perm(NEWSLETTER_PERMISSION):
        kinds.append(FormKind.NEWSLETTER.value)
    return kinds


def can_see_submission(user, submission: Submission) -> bool:
    """Whether `user` may read a submission's answers and files (see `visible_kinds`)."""
    return submission.kind in visible_kinds(user)


def reviews_visible_to(user):
    return Review.objects.filter(queue__in=visible_queues(user))


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
    now = timezone.now()
    step = _Transition(review=review, previous=_move(review, action, now), now=now)
    yield step
    review.save(update_fields=["status", "status_changed_at", *step.fields])
    _log(review, str(action), user, **step.log)


def _apply(review_id: int, user, action: str) -> _Transition:
    """`_transition` for an action that changes nothing but the status."""
    with _transition(review_id, user, action) as step:
        pass
    return step


# --- Opening ---------------------------------------------------------------------------


def open_review(submission: Submission) -> bool:
    """Place `submission` in its review queue; False when nobody needs to decide.

    Called inside the screening transaction with `submission.screening` set. It sets
    `submission.status` when it opens a review; the caller saves the submission.
    """
    screening = submission.screening or {}
    codes = [reason.get("code", "") for reason in screening.get("reasons", [])]
    queue = QUEUE_FOR_KIND.get(submission.kind)
    if queue is None:
        return False
    if queue == Q_.DONATION and "AMOUNT_REVIEW" not in codes:
        return False
    if Review.objects.filter(submission=submission).exists():
        return True
    needs_affiliation = queue == Q_.MEMBERSHIP and "NETWORK_AFFILIATION" in codes
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
    submission.status = SubmissionStatus.IN_REVIEW
    _log(review, "open", queue=queue, status=review.status)
    if (
        queue == Q_.SUPPORTER
        and review.outcome == "eligible"
        and getattr(_form_page(submission), "auto_approve_eligible", False)
    ):
        _move(review, Action.APPROVE, now)
        review.save(update_fields=["status", "status_changed_at"])
        _log(review, "approve", automatic=True)
        _close(review, user=None, now=now)
    return True


def _form_page(submission: Submission):
    return submission.page.specific if submission.page_id else None


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
        _open_ballot(step.review, step.now)
    else:
        _close(step.review, user, step.now)
    return step.review


def committee_members():
    """Active users holding the vote permission through a group or directly."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(groups__permissions__codename=VOTE_PERMISSION)
            | Q(user_permissions__codename=VOTE_PERMISSION)
        )
        .distinct()
    )


def _open_ballot(review: Review, now: datetime) -> Ballot:
    rules = CommitteeRules.load()
    ballot = Ballot.objects.create(
        review=review,
        opened_at=now,
        closes_at=now + timedelta(days=rules.vote_days),
        quorum=rules.quorum,
        majority=rules.majority,
    )
    ballot.electorate.set(committee_members())
    _log(review, "ballot_opened", ballot=ballot.pk, quorum=rules.quorum, majority=rules.majority)
    return ballot


@transaction.atomic
def reopen_vote(review_id: int, user) -> Review:
    """After a vote without quorum, the Secretariat opens a new one with a new deadline."""
    step = _apply(review_id, user, Action.REOPEN_VOTE)
    _open_ballot(step.review, step.now)
    return step.review


def tally(ballot: Ballot) -> Tally:
    choices = list(ballot.votes.values_list("choice", flat=True))
    return Tally(
        approve=choices.count(VoteChoice.APPROVE),
        decline=choices.count(VoteChoice.DECLINE),
        abstain=choices.count(VoteChoice.ABSTAIN),
        electorate=ballot.electorate.count(),
    )


RESULT_ACTIONS = {
    Result.APPROVED: Action.BALLOT_APPROVED,
    Result.DECLINED: Action.BALLOT_DECLINED,
    Result.NO_QUORUM: Action.BALLOT_NO_QUORUM,
}


def _settle(review: Review, ballot: Ballot, result: Result, user, now: datetime) -> None:
    ballot.result = result.value
    ballot.closed_at = now
    ballot.save(update_fields=["result", "closed_at"])
    _move(review, RESULT_ACTIONS[result], now)
    review.save(update_fields=["status", "status_changed_at"])
    _log(review, "ballot_closed", ballot=ballot.pk, result=result.value)
    if result != Result.NO_QUORUM:
        _close(review, user, now)


@transaction.atomic
def cast_vote(review_id: int, user, choice: str, comment: str = "") -> Vote:
    """Record (or change) a member's vote; decides the review when the rule settles it."""
    review = _lock(review_id)
    _require(can_vote(user))
    if review.status != S.COMMITTEE_VOTE:
        raise TransitionNotAllowed(f"no vote is open for {review}")
    ballot = Ballot.objects.select_for_update().get(review=review, closed_at__isnull=True)
    _require(ballot.electorate.filter(pk=user.pk).exists())
    choice = VoteChoice(choice)
    now = timezone.now()
    vote, _ = Vote.objects.update_or_create(
        ballot=ballot, voter=user, defaults={"choice": choice, "comment": comment, "cast_at": now}
    )
    _log(review, "vote", user, ballot=ballot.pk, choice=choice.value)
    result = decide(tally(ballot), ballot.quorum, Majority(ballot.majority))
    if result is not None:
        _settle(review, ballot, result, None, now)
    return vote


def close_expired_ballots(now: datetime | None = None, batch: int = 100) -> int:
    """Close the ballots past their deadline with the votes cast. Idempotent."""
    now = now or timezone.now()
    closed = 0
    ids = list(
        Ballot.objects.filter(closed_at__isnull=True, closes_at__lte=now).values_list(
            "review_id", flat=True
        )[:batch]
    )
    for review_id in ids:
        with transaction.atomic():
            review = _lock(review_id)
            ballot = (
                Ballot.objects.select_for_update()
                .filter(review=review, closed_at__isnull=True, closes_at__lte=now)
                .first()
            )
            if ballot is None or review.status != S.COMMITTEE_VOTE:
                continue
            result = decide(tally(ballot), ballot.quorum, Majority(ballot.majority), closing=True)
            _settle(review, ballot, result or Result.NO_QUORUM, None, now)
            closed += 1
    return closed


@transaction.atomic
def decline_review(review_id: int, user, reason_id: int) -> Review:
    with _transition(review_id, user, Action.DECLINE) as step:
        reason = DeclineReason.objects.get(pk=reason_id)
        step.review.decline_reason = reason
        step.fields.append("decline_reason")
        step.log["reason"] = reason.code
    _close(step.review, user, step.now)
    return step.review


@transaction.atomic
def withdraw_review(review_id: int, user) -> Review:
    """Withdraw at the applicant's request."""
    step = _apply(review_id, user, Action.WITHDRAW)
    for ballot in step.review.ballots.filter(closed_at__isnull=True):
        ballot.closed_at = step.now
        ballot.result = "withdrawn"
        ballot.save(update_fields=["closed_at", "result"])
    _close(step.review, user, step.now)
    return step.review


def _close(review: Review, user, now: datetime) -> None:
    """A terminal state was reached: record it, list approved organisations, tell people."""
    submission = review.submission
    review.decided_at = now
    review.decided_by = user
    review.save(update_fields=["decided_at", "decided_by"])
    submission.status = SUBMISSION_STATUS[review.status]
    submission.save(update_fields=["status"])
    if review.status == S.APPROVED and review.queue in (Q_.MEMBERSHIP, Q_.SUPPORTER):
        _list_in_directory(review)
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


def _list_in_directory(review: Review) -> None:
    payload = review.submission.payload or {}
    DirectoryEntry.objects.update_or_create(
        submission=review.submission,
        defaults={
            "organisation_name": str(payload.get("organisation_name", ""))[:200],
            "category": DirectoryCategory.MEMBER
            if review.queue == Q_.MEMBERSHIP
            else DirectoryCategory.SUPPORTER,
            "country": review.country,
            "region": review.region,
            "website": str(payload.get("website") or "")[:500],
        },
    )


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


# --- Periodic ---------------------------------------------------------------------------


def queue_reviewers(queue: str):
    """Active users holding the queue's review permission through a group or directly."""
    codename = QUEUE_PERMISSIONS[queue]
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__permissions__codename=codename) | Q(user_permissions__codename=codename))
        .distinct()
    )


def _language_of(user) -> str:
    """The user's preferred language (Wagtail's account settings) when the site has it."""
    profile = getattr(user, "wagtail_userprofile", None)
    language = getattr(profile, "preferred_language", "") or ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def reminder_recipients(review: Review) -> list[tuple[str, str]]:
    """(address, language) for each person a waiting review reminds, each address once:
    the assignee; unassigned, every reviewer of the queue and the form page's staff
    recipients (in the language of the user with that address, if there is one)."""
    from ..models.pages import split_recipients

    User = get_user_model()
    assignee = review.assigned_to
    if assignee is not None and assignee.is_active and assignee.email:
        users, addresses = [assignee], []
    else:
        page = _form_page(review.submission)
        addresses = split_recipients(page.staff_recipients) if page is not None else []
        users = list(queue_reviewers(review.queue))
        known = {user.email.casefold() for user in users}
        users += [
            user
            for user in User.objects.filter(is_active=True, email__in=addresses)
            if user.email.casefold() not in known
        ]
    recipients: dict[str, tuple[str, str]] = {}
    for user in User.objects.filter(pk__in=[u.pk for u in users]).select_related(
        "wagtail_userprofile"
    ):
        if user.email:
            recipients.setdefault(user.email.casefold(), (user.email, _language_of(user)))
    for address in addresses:
        recipients.setdefault(address.casefold(), (address, settings.LANGUAGE_CODE))
    return sorted(recipients.values())


def send_review_reminders(today=None, batch: int = 500) -> int:
    """One reminder a day for each review waiting in its state longer than REVIEW_SLA_DAYS.

    Reviews waiting on the applicant (`info_requested`) are left alone. Each person
    `reminder_recipients` names gets their own email, recorded under its own key (the day
    and a hash of the address), so a rerun sends nobody a second one.
    """
    from ..conf import get_setting

    today = today or timezone.localdate()
    cutoff = timezone.now() - timedelta(days=get_setting("REVIEW_SLA_DAYS"))
    waiting = (
        Review.objects.filter(status__in=OPEN_STATUSES, status_changed_at__lt=cutoff)
        .exclude(status=S.INFO_REQUESTED)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .values_list("pk", flat=True)[:batch]
    )
    sent = 0
    for review_id in list(waiting):
        with transaction.atomic():
            review = _lock(review_id)
            if review.reminded_on == today or review.status not in OPEN_STATUSES:
                continue
            review.reminded_on = today
            review.save(update_fields=["reminded_on"])
            recipients = reminder_recipients(review)
            _log(review, "reminder", status=review.status, date=today.isoformat())
            for address, language in recipients:
                queue_notification(
                    review.submission,
                    "reminder",
                    recipient=address,
                    language=language,
                    discriminator=f"{today.isoformat()}:{digest(address.casefold())}",
                    context={
                        "status": review.status,
                        "since": review.status_changed_at.isoformat(),
                    },
                )
            sent += 1
    return sent


def flag_closed_terms(today=None) -> int:
    """Flag internship reviews still open after their term's deadline (TERM_CLOSE_OUT)."""
    from ..eligibility import term_deadline

    today = today or timezone.localdate()
    flagged = 0
    open_reviews = Review.objects.filter(
        queue=Q_.INTERNSHIP, status__in=OPEN_STATUSES, flagged=False
    ).exclude(term="")
    for review_id, term in list(open_reviews.values_list("pk", "term")):
        try:
            closed = term_deadline(term) < today
        except ValueError:
            continue
        if not closed:
            continue
        with transaction.atomic():
            review = _lock(review_id)
            if review.flagged or review.status not in OPEN_STATUSES:
                continue
            review.flagged = True
            review.save(update_fields=["flagged"])
            _log(review, "flag", term=term)
            flagged += 1
    return flagged
