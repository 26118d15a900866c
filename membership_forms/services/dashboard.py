"""What waits for a reviewer: the counts on their admin dashboard and the matching filters.

Read-only; the same conditions back the dashboard's counts and the queue filters they link
to (`waiting_filter`), so a count and its listing always agree.

The deadline: an item needing a reviewer's step is overdue once it has been in its state
longer than the REVIEW_SLA_DAYS setting (14 days by default, for every kind), the same
delay after which `send_review_reminders` starts its daily reminders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..conf import get_setting
from ..models.reviews import Ballot, Review, ReviewQueue, ReviewStatus
from .reviews import can_review, can_vote, visible_queues

# The states where the next step is a reviewer's (not the applicant's, nor the committee's).
ACTION_STATUSES = frozenset(
    {ReviewStatus.AFFILIATION, ReviewStatus.SCREENING, ReviewStatus.NO_QUORUM}
)

# The queue filter's `waiting` choices (review_filters.py), in the dashboard's links.
WAITING_FOR_ME = "me"  # assigned to me or to nobody
AWAITING_MY_VOTE = "vote"
NEEDS_REVIEWER = "all"  # every item whose next step is a reviewer's
OVERDUE = "overdue"  # ... past the deadline
ASSIGNED_TO_ME = "mine"  # ... assigned to me


@dataclass(frozen=True)
class Tally:
    count: int
    url: str
    text: str = ""  # "3 past the deadline"


# Each count in words (the same words on a wide screen and a phone, where rows wrap).
WORDS = {
    NEEDS_REVIEWER: lambda n: ngettext(
        "%(count)d waiting for a reviewer", "%(count)d waiting for a reviewer", n
    ),
    OVERDUE: lambda n: ngettext("%(count)d past the deadline", "%(count)d past the deadline", n),
    ASSIGNED_TO_ME: lambda n: ngettext("%(count)d assigned to you", "%(count)d assigned to you", n),
}


@dataclass(frozen=True)
class QueueLine:
    """One queue's row: what needs a reviewer, what is overdue, what is assigned to me."""

    queue: str
    label: str
    waiting: Tally
    overdue: Tally
    mine: Tally


@dataclass(frozen=True)
class VoteLine:
    label: str
    waiting: Tally


def overdue_since(now=None):
    """Items in their state since before this moment are past the deadline."""
    return (now or timezone.now()) - timedelta(days=get_setting("REVIEW_SLA_DAYS"))


def _conditions(user) -> dict[str, Q]:
    """The condition of each count, on top of "needs a reviewer's step"."""
    return {
        NEEDS_REVIEWER: Q(),
        OVERDUE: Q(status_changed_at__lt=overdue_since()),
        ASSIGNED_TO_ME: Q(assigned_to=user),
        WAITING_FOR_ME: Q(assigned_to=user) | Q(assigned_to__isnull=True),
    }


def needing_reviewer(queues) -> QuerySet[Review]:
    return Review.objects.filter(queue__in=list(queues), status__in=ACTION_STATUSES)


def awaiting_review(user, queues) -> QuerySet[Review]:
    """Reviews in `queues` that need a reviewer's step: assigned to `user`, or to nobody."""
    return needing_reviewer(queues).filter(_conditions(user)[WAITING_FOR_ME])


def awaiting_vote(user) -> QuerySet[Review]:
    """Reviews whose open ballot counts `user` in its electorate and has no vote from them."""
    ballots = Ballot.objects.filter(
        closed_at__isnull=True, review__status=ReviewStatus.COMMITTEE_VOTE, electorate=user
    ).exclude(votes__voter=user)
    return Review.objects.filter(pk__in=ballots.values("review_id"))


def waiting_filter(user, value: str) -> QuerySet[Review] | None:
    """The reviews a `waiting=<value>` link of the dashboard counted; None: no such value."""
    if value == AWAITING_MY_VOTE:
        return awaiting_vote(user)
    condition = _conditions(user).get(value)
    if condition is None:
        return None
    return needing_reviewer(ReviewQueue.values).filter(condition)


def _link(queue: str, value: str) -> str:
    return f"{reverse('membership_forms_queue', args=[queue])}?waiting={value}"


def queue_lines(user) -> list[QueueLine]:
    """One line per queue `user` reviews, in one query whatever the number of queues."""
    queues = [queue for queue in visible_queues(user) if can_review(user, queue)]
    if not queues:
        return []
    conditions = _conditions(user)
    names = (NEEDS_REVIEWER, OVERDUE, ASSIGNED_TO_ME)
    rows: dict[str, Any] = {
        row["queue"]: row
        for row in needing_reviewer(queues)
        .order_by()
        .values("queue")
        .annotate(**{name: Count("pk", filter=conditions[name]) for name in names})
    }
    lines = []
    for queue in queues:
        row = rows.get(queue, {})
        counts = []
        for name in names:
            n = int(row.get(name, 0))
            counts.append(Tally(n, _link(queue, name), WORDS[name](n) % {"count": n}))
        lines.append(QueueLine(queue, str(ReviewQueue(queue).label), *counts))
    return lines


def vote_line(user) -> VoteLine | None:
    """The open ballots awaiting `user`'s vote (committee members only), in one query."""
    if not can_vote(user):
        return None
    count = awaiting_vote(user).count()
    return VoteLine(
        _("Membership: awaiting your vote"), Tally(count, _link(ReviewQueue.MEMBERSHIP, "vote"))
    )
