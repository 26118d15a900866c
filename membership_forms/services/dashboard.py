"""What waits for a reviewer: the counts on their admin dashboard and the matching filters.

Read-only; the same querysets back the dashboard lines and the queue filters they link
to, so a count and its listing always agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models.reviews import Ballot, Review, ReviewQueue, ReviewStatus
from .reviews import can_review, can_vote, visible_queues

# The states where the next step is a reviewer's (not the applicant's, nor the committee's).
ACTION_STATUSES = frozenset(
    {ReviewStatus.AFFILIATION, ReviewStatus.SCREENING, ReviewStatus.NO_QUORUM}
)

WAITING_FOR_ME = "me"
AWAITING_MY_VOTE = "vote"


@dataclass(frozen=True)
class WaitingLine:
    queue: str
    label: str
    count: int
    url: str


def awaiting_review(user, queues) -> QuerySet[Review]:
    """Reviews in `queues` that need a reviewer's step: assigned to `user`, or to nobody."""
    return Review.objects.filter(queue__in=list(queues), status__in=ACTION_STATUSES).filter(
        Q(assigned_to=user) | Q(assigned_to__isnull=True)
    )


def awaiting_vote(user) -> QuerySet[Review]:
    """Reviews whose open ballot counts `user` in its electorate and has no vote from them."""
    ballots = Ballot.objects.filter(
        closed_at__isnull=True, review__status=ReviewStatus.COMMITTEE_VOTE, electorate=user
    ).exclude(votes__voter=user)
    return Review.objects.filter(pk__in=ballots.values("review_id"))


def waiting_lines(user) -> list[WaitingLine]:
    """One line per queue `user` reviews, and the open ballots for committee members.

    Two queries at most, whatever the number of queues.
    """
    queues = [queue for queue in visible_queues(user) if can_review(user, queue)]
    lines = []
    if queues:
        counts = dict(
            awaiting_review(user, queues)
            .order_by()
            .values_list("queue")
            .annotate(n=Count("pk"))
            .values_list("queue", "n")
        )
        for queue in queues:
            url = reverse("membership_forms_queue", args=[queue])
            lines.append(
                WaitingLine(
                    queue,
                    _("%(queue)s: waiting for you or unassigned")
                    % {"queue": ReviewQueue(queue).label},
                    counts.get(queue, 0),
                    f"{url}?waiting={WAITING_FOR_ME}",
                )
            )
    if can_vote(user):
        queue = ReviewQueue.MEMBERSHIP
        url = reverse("membership_forms_queue", args=[queue])
        lines.append(
            WaitingLine(
                queue,
                _("Membership: awaiting your vote"),
                awaiting_vote(user).count(),
                f"{url}?waiting={AWAITING_MY_VOTE}",
            )
        )
    return lines
