"""Taking back a reviewer's assignment: what `assign_review` did, undone while nobody has
changed it since, logged on the review as an undo (never a silent second assignment);
and a comment taken back by its author within ten minutes, its text kept in the log."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Review, ReviewComment
from .review_steps import _lock, _log, _require, can_review, can_see_queue


@transaction.atomic
def undo_assignment(review_id: int, user, assigned_id: int | None, previous_id: int | None):
    """Give the review back to `previous_id` (None: nobody) if it is still assigned to
    `assigned_id`, as the assignment being undone left it; ValueError otherwise."""
    review: Review = _lock(review_id)
    _require(can_review(user, review.queue))
    if review.assigned_to_id != assigned_id:
        raise ValueError(_("The assignment has changed since; nothing was undone."))
    previous = get_user_model().objects.filter(pk=previous_id).first() if previous_id else None
    if previous is not None and not (
        can_review(previous, review.queue) or can_see_queue(previous, review.queue)
    ):
        raise ValueError(_("The previous reviewer no longer has this queue; nothing was undone."))
    review.assigned_to = previous
    review.save(update_fields=["assigned_to"])
    _log(review, "assign_undone", user, assignee=previous_id, undone=assigned_id)
    return review


# How long a reviewer may take back a comment they wrote.
COMMENT_UNDO_WINDOW = timedelta(minutes=10)


class CommentNotDeletable(Exception):
    """The comment may not be deleted by this user now; the message says why."""


def comment_deletable(comment: ReviewComment, user, now: datetime | None = None) -> bool:
    """Whether `user` wrote `comment` less than ten minutes ago."""
    now = now or timezone.now()
    return comment.author_id == user.pk and now - comment.created_at < COMMENT_UNDO_WINDOW


@transaction.atomic
def delete_comment(comment_id: int, user, now: datetime | None = None) -> Review:
    """Delete the comment `user` wrote within the last ten minutes; the review's log keeps
    its text ("Comment deleted"). CommentNotDeletable otherwise."""
    comment = ReviewComment.objects.select_related("review").get(pk=comment_id)
    review: Review = _lock(comment.review_id)
    _require(can_see_queue(user, review.queue))
    if comment.author_id != user.pk:
        raise CommentNotDeletable(_("Only the person who wrote a comment may delete it."))
    if not comment_deletable(comment, user, now):
        raise CommentNotDeletable(
            _("A comment can be deleted only within 10 minutes of writing it.")
        )
    written = comment.created_at.isoformat()
    _log(review, "comment_deleted", user, comment=comment.pk, text=comment.text, written_at=written)
    comment.delete()
    return review
