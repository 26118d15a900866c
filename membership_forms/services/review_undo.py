"""Taking back a reviewer's assignment: what `assign_review` did, undone while nobody has
changed it since, logged on the review as an undo (never a silent second assignment)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Review
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
