"""Who may see which review queue and which kind of submission, from their permissions.

The queues' permissions are `QUEUE_PERMISSIONS`; committee members also see the membership
queue (they vote there). docs/security.md, "What each role sees", is the table in words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import kinds
from .reviews import QUEUE_PERMISSIONS, VOTE_PERMISSION, Review, ReviewQueue

if TYPE_CHECKING:
    from .submissions import Submission


def _perm(codename: str) -> str:
    return f"membership_forms.{codename}"


def can_review(user, queue: str) -> bool:
    codename = QUEUE_PERMISSIONS.get(queue)
    return codename is not None and user.has_perm(_perm(codename))


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


def visible_kinds(user) -> list[str]:
    """Kinds of submission `user` may read (docs/security.md, "What each role sees"): each
    queue's kind for whoever sees the queue, and a kind with a read permission of its own
    (KindSpec.read_permission: donations for whoever reads the Donations listing, newsletter
    sign-ups, messages) for whoever holds it. A kind with neither is for superusers only."""
    queues = visible_queues(user)
    return [
        spec.key
        for spec in kinds.all()
        if (spec.queue and spec.queue in queues)
        or (spec.read_permission and user.has_perm(spec.read_permission))
        or (not spec.queue and not spec.read_permission and user.is_superuser)
    ]


def can_see_submission(user, submission: Submission) -> bool:
    """Whether `user` may read a submission's answers and files (see `visible_kinds`)."""
    return submission.kind in visible_kinds(user)


def reviews_visible_to(user):
    return Review.objects.filter(queue__in=visible_queues(user))
