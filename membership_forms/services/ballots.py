"""Steering Committee votes: a ballot per approval of a membership application, the votes,
and the result that decides the review (or leaves it without quorum)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models.reviews import (
    VOTE_PERMISSION,
    Ballot,
    CommitteeRules,
    Review,
    Vote,
    VoteChoice,
)
from ..voting import Majority, Result, Tally, decide
from ..workflow import Action, Step

if TYPE_CHECKING:
    pass

from .review_steps import (
    S,
    TransitionNotAllowed,
    _lock,
    _log,
    _move,
    _require,
    allowed_steps,
    can_vote,
    close_review,
)


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


def _shortfall(voters: int, quorum: int) -> str:
    """Why a vote cannot open with `voters` eligible voters, or "" when it can."""
    if voters >= quorum:
        return ""
    why = ngettext(
        "A committee vote cannot open: the Steering Committee has %(count)d member who can"
        " vote, and a vote needs at least %(quorum)d (the quorum).",
        "A committee vote cannot open: the Steering Committee has %(count)d members who can"
        " vote, and a vote needs at least %(quorum)d (the quorum).",
        voters,
    ) % {"count": voters, "quorum": quorum}
    what = _(
        "Add members to the Steering Committee's group under Settings → Groups, or lower the"
        " quorum under Settings → Committee rules."
    )
    return f"{why} {what}"


def vote_shortfall() -> str:
    """Why a committee vote cannot open now (too few eligible voters for the quorum), in
    the active language, or "" when it can: the review screen says it beside the button."""
    return _shortfall(committee_members().count(), CommitteeRules.load().quorum)


def steps_open_now(review: Review, user) -> list[Step]:
    """The steps `user` can take on `review` now: `allowed_steps` without one that would
    open a committee vote while the committee is short of its quorum (the review screen
    shows that button disabled, with `vote_shortfall` beside it; the API leaves it out)."""
    steps = allowed_steps(review, user)
    if any(step.target == S.COMMITTEE_VOTE for step in steps) and vote_shortfall():
        steps = [step for step in steps if step.target != S.COMMITTEE_VOTE]
    return steps


def open_ballot(review: Review, now: datetime) -> Ballot:
    """Open the vote on `review` for the committee as it is now; refused (nothing written)
    while fewer members can vote than the quorum, since such a vote could never settle."""
    rules = CommitteeRules.load()
    electorate = list(committee_members())
    shortfall = _shortfall(len(electorate), rules.quorum)
    if shortfall:
        raise TransitionNotAllowed(shortfall)
    ballot = Ballot.objects.create(
        review=review,
        opened_at=now,
        closes_at=now + timedelta(days=rules.vote_days),
        quorum=rules.quorum,
        majority=rules.majority,
    )
    ballot.electorate.set(electorate)
    _log(review, "ballot_opened", ballot=ballot.pk, quorum=rules.quorum, majority=rules.majority)
    return ballot


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
        close_review(review, user, now)


@transaction.atomic
def cast_vote(review_id: int, user, choice: str, comment: str = "") -> Vote:
    """Record (or change) a member's vote; decides the review when the rule settles it."""
    review = _lock(review_id)
    _require(can_vote(user))
    if review.status != S.COMMITTEE_VOTE:
        raise TransitionNotAllowed(_("No committee vote is open on this application."))
    ballot = Ballot.objects.select_for_update().get(review=review, closed_at__isnull=True)
    _require(ballot.electorate.filter(pk=user.pk).exists())
    choice = VoteChoice(choice)
    now = timezone.now()
    vote, _created = Vote.objects.update_or_create(
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
